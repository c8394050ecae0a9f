"""Clock: routing of time/date questions and natural Korean answers with an injected clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

SEOUL = ZoneInfo("Asia/Seoul")
WEEKDAYS = "월화수목금토일"


def at(*args: int, tz=SEOUL):
    moment = datetime(*args, tzinfo=tz)
    return lambda: moment


@pytest.mark.parametrize(
    "text",
    [
        "지금 몇 시야?", "시간 알려줘", "현재 시각은?", "몇 시야", "지금 몇 시 몇 분이야?",
        "이랑아, 지금 몇 시야?", "시간 좀 알려줄래요?", "몇 시인지 알려줘", "지금 시간 몇 시야",
    ],
)  # fmt: skip
def test_time_questions_route_to_clock_time(make_assistant, text):
    assert make_assistant().route(text).intent == "clock.time"


@pytest.mark.parametrize(
    "text",
    [
        "오늘 며칠이야?", "오늘 무슨 요일이야", "오늘 날짜 알려줘", "내일 무슨 요일이야?",
        "오늘이 무슨 요일이지?", "날짜 알려줘", "어제 며칠이었어?", "오늘 몇 월 며칠이야",
    ],
)  # fmt: skip
def test_date_questions_route_to_clock_date(make_assistant, text):
    assert make_assistant().route(text).intent == "clock.date"


@pytest.mark.parametrize(
    "text",
    [
        "오늘 시간 있어?", "지금 시간 있어?", "지금 시간 돼?", "몇 시에 만날까?",
        "시간이 너무 빨리 간다", "며칠 걸려?", "오늘 날씨 어때", "시간 낭비야",
    ],
)  # fmt: skip
def test_chat_about_time_is_not_a_clock_question(make_assistant, text):
    assert make_assistant().route(text).intent not in ("clock.time", "clock.date")


@pytest.mark.parametrize(
    ("hour", "minute", "said"),
    [
        (14, 35, "오후 2시 35분"),
        (9, 5, "오전 9시 5분"),
        (0, 7, "오전 12시 7분"),
        (12, 0, "오후 12시 정각"),
        (23, 59, "오후 11시 59분"),
        (15, 0, "오후 3시 정각"),
    ],
)
def test_time_answer_is_natural_korean(make_assistant, hour, minute, said):
    assistant = make_assistant(clock=at(2026, 11, 22, hour, minute))
    turn = assistant.respond("지금 몇 시야?")
    assert turn.reply.text == f"지금은 {said}이에요."
    assert turn.reply.data["time"] == f"{hour:02d}:{minute:02d}"


def test_date_answer_names_month_day_and_weekday(make_assistant):
    assistant = make_assistant(clock=at(2026, 11, 22, 14, 35))
    assert assistant.respond("오늘 며칠이야?").reply.text == "오늘은 11월 22일 일요일이에요."
    assert assistant.respond("오늘 무슨 요일이야").reply.text == "오늘은 11월 22일 일요일이에요."


@pytest.mark.parametrize(
    ("text", "offset", "name"),
    [
        ("내일 무슨 요일이야?", 1, "내일은"),
        ("모레 며칠이야", 2, "모레는"),
        ("어제 며칠이었어?", -1, "어제는"),
    ],
)
def test_other_days(make_assistant, text, offset, name):
    now = datetime(2026, 12, 31, 10, 0, tzinfo=SEOUL)
    day = now + timedelta(days=offset)
    turn = make_assistant(clock=lambda: now).respond(text)
    verb = "이었어요" if offset < 0 else "이에요"
    expected = f"{name} {day.month}월 {day.day}일 {WEEKDAYS[day.weekday()]}요일{verb}."
    assert turn.reply.text == expected
    assert turn.reply.data["date"] == day.date().isoformat()


def test_year_question(make_assistant):
    turn = make_assistant(clock=at(2026, 11, 22, 9, 0)).respond("올해 몇 년이야?")
    assert turn.route.intent == "clock.date"
    assert turn.reply.text == "올해는 2026년이에요."


def test_answers_use_the_configured_time_zone(make_assistant):
    utc_moment = datetime(2026, 11, 22, 3, 30, tzinfo=timezone.utc)  # 12:30 in Seoul
    seoul = make_assistant(clock=lambda: utc_moment)
    assert seoul.respond("지금 몇 시야").reply.text == "지금은 오후 12시 30분이에요."
    new_york = make_assistant({"timezone": "America/New_York"}, clock=lambda: utc_moment)
    # 03:30 UTC is 22:30 the day before in New York (EST, UTC-5).
    assert new_york.respond("지금 몇 시야").reply.text == (
        "지금은 오후 10시 30분이에요. (America/New_York 기준)"
    )
    assert new_york.respond("오늘 며칠이야").reply.text.startswith("오늘은 11월 21일 토요일이에요.")


def test_date_rolls_over_at_midnight(make_assistant):
    before = make_assistant(clock=at(2026, 11, 22, 23, 59))
    after = make_assistant(clock=at(2026, 11, 23, 0, 0))
    assert "11월 22일 일요일" in before.respond("오늘 며칠이야").reply.text
    assert "11월 23일 월요일" in after.respond("오늘 며칠이야").reply.text


def test_cli_ask_answers_with_the_real_clock(run_cli):
    before = datetime.now(SEOUL)
    result = run_cli("ask", "--json", "오늘 며칠이야?")
    after = datetime.now(SEOUL)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["intent"] == "clock.date"
    possible = {
        f"오늘은 {d.month}월 {d.day}일 {WEEKDAYS[d.weekday()]}요일이에요." for d in (before, after)
    }
    assert data["reply"] in possible
