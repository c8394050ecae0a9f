"""Which intent and slots the phrases of issue 16 route to, and what stays small talk."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def route(tmp_path_factory):
    from assistant.app import App
    from assistant.config import load_config
    from assistant.engine import Assistant
    from assistant.plugins import PluginHost

    config = load_config(None)
    host = PluginHost(config)
    host.load()
    assistant = Assistant(App(config, tmp_path_factory.mktemp("home")), host)
    yield assistant.route
    assistant.shutdown()


WEEKLY_MWF = {"repeat": "weekly", "weekdays": ["mon", "wed", "fri"]}
PHRASES = [
    ("매일 아침 7시", "alarm.set", {"repeat": "daily", "time": "07:00"}),
    ("매일 아침 7시에 깨워줘", "alarm.set", {"repeat": "daily", "time": "07:00"}),
    ("매일 7시에 깨워줘", "alarm.set", {"repeat": "daily", "time": "07:00"}),
    ("평일 6시 반", "alarm.set", {"repeat": "weekdays", "time": "06:30"}),
    ("평일 6시 반에 깨워줘", "alarm.set", {"repeat": "weekdays", "time": "06:30"}),
    ("주말마다 9시", "alarm.set", {"repeat": "weekends", "time": "09:00"}),
    ("매주 월, 수, 금 저녁 8시", "alarm.set", {**WEEKLY_MWF, "time": "20:00"}),
    ("매주 월수금 저녁 8시에 깨워줘", "alarm.set", {**WEEKLY_MWF, "time": "20:00"}),
    ("매달 1일", "alarm.set", {"repeat": "monthly", "day_of_month": 1}),
    (
        "매달 25일 10시 알람",
        "alarm.set",
        {"repeat": "monthly", "day_of_month": 25, "time": "10:00"},
    ),
    ("월요일 7시 알람", "alarm.set", {"weekday": "mon", "time": "07:00"}),
    ("7시 10분 전에 깨워줘", "alarm.set", {"time": "06:50"}),
    ("7시 10분 전에 알람 맞춰줘", "alarm.set", {"time": "06:50"}),
    (
        "매주 화요일 분리수거",
        "reminder.set",
        {"repeat": "weekly", "weekdays": ["tue"], "message": "분리수거"},
    ),
    (
        "내일 8시에 약 먹으라고 알려줘",
        "reminder.set",
        {"day": "tomorrow", "time": "08:00", "message": "약 먹을 시간"},
    ),
    (
        "내일 아침 8시에 약 먹으라고 알려줘",
        "reminder.set",
        {"day": "tomorrow", "time": "08:00", "message": "약 먹을 시간"},
    ),
    (
        "20분 뒤에 빨래 꺼내라고 말해줘",
        "reminder.set",
        {"duration": 1200, "message": "빨래 꺼낼 시간"},
    ),
    (
        "10분 뒤에 빨래 꺼내라고 알려줘",
        "reminder.set",
        {"duration": 600, "message": "빨래 꺼낼 시간"},
    ),
    ("30분 후에 물 마시라고 알려줘", "reminder.set", {"duration": 1800, "message": "물 마실 시간"}),
    (
        "모레 저녁에 엄마한테 전화하라고 알려줘",
        "reminder.set",
        {"day": "day_after_tomorrow", "time": "18:00", "message": "엄마한테 전화할 시간"},
    ),
    (
        "다음 주 월요일 오후 2시에 회의라고 알려줘",
        "reminder.set",
        {"weekday": "mon", "week": "next", "time": "14:00", "message": "회의"},
    ),
    (
        "이번 주 금요일에 보고서 내라고 알려줘",
        "reminder.set",
        {"weekday": "fri", "week": "this", "message": "보고서 낼 시간"},
    ),
    (
        "12월 24일에 케이크 찾으라고 알려줘",
        "reminder.set",
        {"date": "--12-24", "message": "케이크 찾을 시간"},
    ),
    ("24일에 월세 내라고 알려줘", "reminder.set", {"date": "---24", "message": "월세 낼 시간"}),
    (
        "매주 월, 수, 금 저녁 8시에 운동하라고 알려줘",
        "reminder.set",
        {**WEEKLY_MWF, "time": "20:00", "message": "운동할 시간"},
    ),
    ("3일 뒤에 분리수거 알려줘", "reminder.set", {"days_later": 3, "message": "분리수거"}),
    ("사흘 후에 분리수거 알려줘", "reminder.set", {"days_later": 3, "message": "분리수거"}),
    ("2주 뒤에 회의 알려줘", "reminder.set", {"days_later": 14, "message": "회의"}),
    (
        "일주일 후 오후 3시에 병원 가라고 알려줘",
        "reminder.set",
        {"days_later": 7, "time": "15:00", "message": "병원 갈 시간"},
    ),
    # a day said with a plain noun: a reminder of that thing
    ("내일 분리수거 알려줘", "reminder.set", {"day": "tomorrow", "message": "분리수거"}),
    ("금요일에 회의 알려줘", "reminder.set", {"weekday": "fri", "message": "회의"}),
    (
        "다음 주 월요일에 회의 알려줘",
        "reminder.set",
        {"weekday": "mon", "week": "next", "message": "회의"},
    ),
    (
        "내일 아침에 분리수거 알려줘",
        "reminder.set",
        {"day": "tomorrow", "time": "08:00", "message": "분리수거"},
    ),
    (
        "모레 회의 있다고 알려줘",
        "reminder.set",
        {"day": "day_after_tomorrow", "message": "회의 있다"},
    ),
    # the message first
    ("약 먹으라고 8시에 알려줘", "reminder.set", {"time": "08:00", "message": "약 먹을 시간"}),
    (
        "빨래 꺼내라고 20분 뒤에 말해줘",
        "reminder.set",
        {"duration": 1200, "message": "빨래 꺼낼 시간"},
    ),
    ("5분만 더", "reminder.snooze", {"duration": 300}),
    ("10분 뒤에 다시 알려줘", "reminder.snooze", {"duration": 600}),
    ("이번만 건너뛰어", "reminder.skip", {}),
    ("알람 맞춰줘", "alarm.set", {}),  # asks the time
    ("매주 알려줘", "alarm.set", {"repeat": "weekly"}),  # asks the day
    # unchanged from issue 3
    ("7시에 깨워줘", "alarm.set", {"time": "07:00"}),
    ("오후 3시에 회의 알림 해줘", "alarm.set", {"time": "15:00", "name": "회의"}),
    ("30분 후에 알려줘", "timer.start", {"duration": 1800}),
    ("5분 뒤에 깨워 줘", "timer.start", {"duration": 300}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), PHRASES)
def test_phrases_route_with_their_slots(route, text, intent, slots):
    r = route(text)
    assert (r.intent, r.slots) == (intent, slots)


@pytest.mark.parametrize(
    "text",
    [
        "알려줘서 고마워",
        "엄마가 매일 깨워줬었는데",
        "누가 그걸 알려줬어?",
        "월요일은 늘 피곤해",
        "그거 알려줘",
        "매일 너무 힘들어",
        "주말에 뭐 할까",
        "내일 뭐 하라고 했지?",
        "금요일에 뭐 있는지 알려줘",
        "내일 일정 알려줘",
        "3일 동안 알려줘",
        "아침에 일찍 일어나는 방법 알려 줘",  # know-how, not a reminder at 8
        "저녁에 운동하는 법 좀 알려줘",
    ],
)
def test_chat_stays_chat(route, text):
    assert route(text).intent == "smalltalk"


def test_questions_with_a_day_are_not_reminders(route):
    assert route("오늘 날짜 알려줘").intent == "clock.date"
    assert route("이랑아, 내일 아침 서울 날씨 좀 알려줘").intent == "weather.get"
    assert route("다음 주 토요일 부산 날씨 알려줘").intent == "weather.get"
    assert route("주말에 영화").intent == "smalltalk"  # a bare 주말 with no request ending
    assert route("화요일마다 분리수거").slots == {
        "repeat": "weekly", "weekdays": ["tue"], "message": "분리수거",
    }  # fmt: skip


def test_bad_dates_and_times_still_route_here(route):
    assert route("25시에 알람").slot_errors["time"].startswith("25시는 없는 시각이에요")
    assert route("2월 30일에 약 먹으라고 알려줘").intent == "reminder.set"
