"""Reminders and repeating alarms in-process, on the injectable clock (issue 16).

Every expectation is computed from the fake clock's date, never the wall clock.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from timers_helpers import SEOUL, FakeClock, Inbox, seoul

# 2026-11-22 is a Sunday.
SUNDAY = seoul(10, 0)


def service(assistant):
    from assistant_plugins.timers.service import service_for

    return service_for(assistant.app)


def active(assistant):
    return service(assistant).pending()


def say(assistant, text):
    return assistant.respond(text).reply


@pytest.fixture
def clock():
    return FakeClock(SUNDAY)


@pytest.fixture
def irang(make_assistant, clock):
    assistant = make_assistant(clock=clock)
    inbox = Inbox()
    assistant.app.set_notifier(inbox)
    assistant.inbox = inbox
    return assistant


def fire(assistant, clock, when: datetime):
    clock.now = when
    return service(assistant).fire_due()


# -- setting -----------------------------------------------------------------------------


def test_reminder_tomorrow_with_a_message(irang, clock):
    reply = say(irang, "내일 8시에 약 먹으라고 알려줘")
    assert reply.text.startswith("내일 오전 8시에 '약 먹을 시간'이라고 알려드릴게요.")
    (row,) = active(irang)
    assert (row.kind, row.message, row.repeat) == ("reminder", "약 먹을 시간", None)
    assert row.ends_at == seoul(8, 0, day=23).timestamp()
    item = reply.data["timer"]
    assert (item["kind"], item["message"], item["repeat"]) == ("reminder", "약 먹을 시간", None)
    assert item["next_at"].startswith("2026-11-23T08:00:00")
    fired = fire(irang, clock, seoul(8, 0, day=23))
    assert [r.id for r in fired] == [row.id]
    assert irang.inbox.texts == ["💊 약 먹을 시간이에요"]


def test_tomorrow_in_the_small_hours_is_the_coming_morning(irang, clock):
    # 00:30 on Monday the 23rd: "낼 6시" is five and a half hours away, and the reply says
    # which date it understood.
    clock.now = seoul(0, 30, day=23)
    reply = say(irang, "낼 6시에 깨워줘")
    assert "아직 새벽이라 '내일'은 11월 23일로 알아들었어요." in reply.text
    (row,) = active(irang)
    assert row.ends_at == seoul(6, 0, day=23).timestamp()
    # a time already past on the coming day is the next one, said as tomorrow
    clock.now = seoul(3, 0, day=23)
    reply = say(irang, "내일 오전 2시에 약 먹으라고 알려줘")
    assert reply.text.startswith("내일 오전 2시에 '약 먹을 시간'이라고")
    assert "새벽이라" not in reply.text
    # 모레 moves with it; from 4 o'clock on the words mean what they say
    reply = say(irang, "모레 8시에 분리수거 알려줘")
    assert "아직 새벽이라 '모레'는 11월 24일로 알아들었어요." in reply.text
    clock.now = seoul(4, 0, day=23)
    reply = say(irang, "내일 7시에 깨워줘")
    assert reply.text.startswith("알람을 내일 오전 7시에 맞췄어요.")


def test_reminder_after_a_duration(irang, clock):
    reply = say(irang, "20분 뒤에 빨래 꺼내라고 말해줘")
    assert "'빨래 꺼낼 시간'이라고 알려드릴게요" in reply.text
    (row,) = active(irang)
    assert row.ends_at == (clock.now + timedelta(minutes=20)).timestamp()
    fire(irang, clock, clock.now + timedelta(minutes=20))
    assert irang.inbox.texts == ["🧺 빨래 꺼낼 시간이에요"]


def test_daily_alarm_repeats_when_it_fires(irang, clock):
    reply = say(irang, "매일 7시에 깨워줘")
    assert reply.text.startswith("알람을 매일 오전 7시마다 울리게 맞췄어요. 처음은 내일 오전 7시")
    (row,) = active(irang)
    assert row.rule.repeat == "daily"
    for day in (23, 24, 25):
        assert len(fire(irang, clock, seoul(7, 0, 5, day=day))) == 1
        (row,) = active(irang)
        assert row.ends_at == seoul(7, 0, day=day + 1).timestamp()
    assert len(irang.inbox.items) == 3


def test_weekdays_and_weekends(irang, clock):
    say(irang, "평일 6시 반에 깨워줘")
    say(irang, "주말마다 9시에 깨워줘")
    weekday, weekend = sorted(active(irang), key=lambda r: r.rule.repeat)
    assert weekday.ends_at == seoul(6, 30, day=23).timestamp()  # Monday
    assert weekend.ends_at == seoul(9, 0, day=28).timestamp()  # next Saturday
    fire(irang, clock, seoul(6, 30, day=27))  # Friday
    weekday = next(r for r in active(irang) if r.rule.repeat == "weekdays")
    assert weekday.ends_at == seoul(6, 30, day=30).timestamp()  # skips the weekend


def test_weekly_on_several_days(irang, clock):
    reply = say(irang, "매주 월, 수, 금 저녁 8시 알람")
    assert "매주 월·수·금요일 오후 8시마다" in reply.text
    (row,) = active(irang)
    assert row.rule.weekdays == ("mon", "wed", "fri")
    assert row.ends_at == seoul(20, 0, day=23).timestamp()
    fire(irang, clock, seoul(20, 0, day=23))
    assert active(irang)[0].ends_at == seoul(20, 0, day=25).timestamp()


def test_weekly_reminder_without_a_time_uses_the_default_and_says_so(irang, clock):
    reply = say(irang, "매주 화요일 분리수거")
    assert "'분리수거'라고" in reply.text
    assert "시각을 말씀하지 않으셔서 오전 9시로 정했어요" in reply.text
    (row,) = active(irang)
    assert row.ends_at == seoul(9, 0, day=24).timestamp()
    fire(irang, clock, seoul(9, 0, day=24))
    assert irang.inbox.texts == ["🗑️ 분리수거 시간이에요"]


def test_default_time_follows_the_config(make_assistant):
    irang = make_assistant(
        {"plugins": {"timers": {"default_time": "7:30"}}}, clock=FakeClock(SUNDAY)
    )
    assert "오전 7시 30분으로 정했어요" in say(irang, "매주 화요일 분리수거").text
    assert active(irang)[0].ends_at == seoul(7, 30, day=24).timestamp()


def test_next_week_and_this_week(irang, clock):
    clock.now = seoul(10, 0, day=18)  # Wednesday
    say(irang, "다음 주 월요일 오후 2시에 회의라고 알려줘")
    say(irang, "이번 주 금요일에 보고서 내라고 알려줘")
    say(irang, "금요일 7시 알람")
    meeting, report, alarm = sorted(active(irang), key=lambda r: r.id)
    assert meeting.message == "회의"
    assert meeting.ends_at == seoul(14, 0, day=23).timestamp()
    assert report.ends_at == seoul(9, 0, day=20).timestamp()
    assert alarm.ends_at == seoul(7, 0, day=20).timestamp()
    assert "이미 지났어요" in say(irang, "이번 주 월요일 8시에 알람").text


def test_dates(irang, clock):
    say(irang, "12월 24일에 케이크 찾으라고 알려줘")
    say(irang, "5일에 월세 내라고 알려줘")  # the 5th of next month (today is the 22nd)
    cake, rent = sorted(active(irang), key=lambda r: r.id)
    assert cake.ends_at == datetime(2026, 12, 24, 9, 0, tzinfo=SEOUL).timestamp()
    assert rent.ends_at == datetime(2026, 12, 5, 9, 0, tzinfo=SEOUL).timestamp()
    assert "2월 30일은 없는 날짜예요" in say(irang, "2월 30일에 알람").text
    assert "없는 날짜" in say(irang, "2월 30일에 약 먹으라고 알려줘").text
    assert "25시는 없는 시각이에요" in say(irang, "25시에 알람").text
    assert len(active(irang)) == 2


def test_days_from_today_and_a_day_without_a_clock_time(irang, clock):
    say(irang, "3일 뒤에 분리수거 알려줘")  # the 25th at the default time
    say(irang, "사흘 후 오후 3시에 병원 가라고 알려줘")
    say(irang, "일주일 뒤에 적금 확인하라고 알려줘")
    reply = say(irang, "금요일에 회의 알려줘")
    assert "오전 9시로 정했어요" in reply.text
    say(irang, "내일 아침에 분리수거 알려줘")
    bins, clinic, savings, meeting, morning = sorted(active(irang), key=lambda r: r.id)
    assert bins.ends_at == seoul(9, 0, day=25).timestamp()
    assert (clinic.ends_at, clinic.message) == (seoul(15, 0, day=25).timestamp(), "병원 갈 시간")
    assert savings.ends_at == seoul(9, 0, day=29).timestamp()
    assert (meeting.ends_at, meeting.message) == (seoul(9, 0, day=27).timestamp(), "회의")
    assert morning.ends_at == seoul(8, 0, day=23).timestamp()
    assert "1년 안쪽으로" in say(irang, "400일 뒤에 분리수거 알려줘").text


def test_ten_to_seven_and_the_day_after_tomorrow_evening(irang, clock):
    say(irang, "7시 10분 전에 깨워줘")  # at 10:00: the next 6:50 is 18:50 today
    say(irang, "모레 저녁에 엄마한테 전화하라고 알려줘")
    alarm, call = sorted(active(irang), key=lambda r: r.id)
    assert alarm.ends_at == seoul(18, 50).timestamp()
    assert call.ends_at == seoul(18, 0, day=24).timestamp()
    assert call.message == "엄마한테 전화할 시간"


def test_monthly_on_the_31st_rings_on_the_last_day_of_shorter_months(irang, clock):
    say(irang, "매달 31일 8시에 관리비 내라고 알려줘")
    (row,) = active(irang)
    assert row.ends_at == datetime(2026, 11, 30, 8, 0, tzinfo=SEOUL).timestamp()
    fire(irang, clock, datetime(2026, 11, 30, 8, 0, tzinfo=SEOUL))
    assert active(irang)[0].ends_at == datetime(2026, 12, 31, 8, 0, tzinfo=SEOUL).timestamp()
    fire(irang, clock, datetime(2026, 12, 31, 8, 0, tzinfo=SEOUL))
    assert active(irang)[0].ends_at == datetime(2027, 1, 31, 8, 0, tzinfo=SEOUL).timestamp()
    fire(irang, clock, datetime(2027, 1, 31, 8, 0, tzinfo=SEOUL))
    assert active(irang)[0].ends_at == datetime(2027, 2, 28, 8, 0, tzinfo=SEOUL).timestamp()


def test_too_little_information_asks_back(irang):
    reply = say(irang, "매주 알려줘")
    assert reply.text.startswith("무슨 요일마다")
    assert active(irang) == []
    reply = say(irang, "월, 수")
    assert "매주 월·수요일 오전 9시마다" in reply.text
    assert active(irang)[0].rule.weekdays == ("mon", "wed")
    assert say(irang, "알람 맞춰줘").text.startswith("몇 시에 맞출까요?")
    assert "내일 오전 6시" in say(irang, "내일 6시").text
    assert say(irang, "약 먹으라고 알려줘").text.startswith("언제 알려드릴까요?")
    assert "'약 먹을 시간'이라고" in say(irang, "10분 뒤요").text
    assert say(irang, "물 마시라고 알려줘").text.startswith("언제 알려드릴까요?")
    assert "매일 오전 8시마다 '물 마실 시간'이라고" in say(irang, "매일 아침 8시").text
    assert len(active(irang)) == 4


# -- after a ring ---------------------------------------------------------------------------


def test_snooze_right_after_a_ring(irang, clock):
    say(irang, "내일 8시에 약 먹으라고 알려줘")
    fire(irang, clock, seoul(8, 0, day=23))
    reply = say(irang, "5분만 더")
    assert reply.text.startswith("5분 뒤(오전 8시 5분)에 약 먹을 시간 알림을 다시 알려드릴게요")
    (row,) = active(irang)
    assert row.ends_at == seoul(8, 5, day=23).timestamp()
    fire(irang, clock, seoul(8, 5, day=23))
    assert irang.inbox.texts == ["💊 약 먹을 시간이에요"] * 2
    assert "10분 뒤" in say(irang, "10분 뒤에 다시 알려줘").text
    assert active(irang)[0].ends_at == seoul(8, 15, day=23).timestamp()


def test_snooze_with_nothing_rung_says_so(irang, clock):
    assert say(irang, "5분만 더").text.startswith("방금 울린 알람이나 알림이 없어요")
    say(irang, "내일 8시에 약 먹으라고 알려줘")
    fire(irang, clock, seoul(8, 0, day=23))
    clock.now = seoul(9, 0, day=23)  # past the snooze window (30 min)
    assert say(irang, "5분만 더").text.startswith("방금 울린 알람이나 알림이 없어요")


def test_skip_one_occurrence(irang, clock):
    say(irang, "매일 7시에 깨워줘")
    reply = say(irang, "이번만 건너뛰어")
    assert reply.text.startswith("내일 오전 7시 알람은 건너뛸게요. 다음은 모레 오전 7시")
    assert active(irang)[0].ends_at == seoul(7, 0, day=24).timestamp()


def test_cancelling_a_repeat_asks_series_or_next(irang, clock):
    say(irang, "매일 7시에 깨워줘")
    reply = say(irang, "알람 취소해줘")
    assert "앞으로 모두 취소할까요" in reply.text and "다음 한 번" in reply.text
    assert say(irang, "이번만").text.startswith("내일 오전 7시 알람은 건너뛸게요")
    assert len(active(irang)) == 1
    say(irang, "알람 꺼줘")
    assert "앞으로 모두 취소했어요" in say(irang, "모두").text
    assert active(irang) == []


# -- missed rings, DST ---------------------------------------------------------------------


def test_missed_repeats_are_announced_once_not_as_a_backlog(make_assistant, clock):
    first = make_assistant(clock=clock)
    say(first, "매일 7시에 약 먹으라고 알려줘")
    first.shutdown()
    clock.now = seoul(9, 30, day=26)  # four mornings later, nobody running
    again = make_assistant(clock=clock)
    inbox = Inbox()
    again.app.set_notifier(inbox)
    missed = service(again).announce_missed()
    assert len(missed) == 1
    (note,) = inbox.items
    assert note.text == "놓친 알림이 있어요: 약 먹을 시간 알림 (2시간 30분 전에 울릴 시간이었어요)"
    (row,) = active(again)
    assert row.ends_at == seoul(7, 0, day=27).timestamp()
    assert service(again).announce_missed() == []


@pytest.mark.parametrize(
    ("zone", "before"),
    [
        # the day before each change, 05:00: rings on that day and on the day of the change.
        # US: clocks go back on 2026-11-01 (EDT -4 -> EST -5), forward on 2027-03-14
        ("America/New_York", datetime(2026, 10, 31, 5)),
        ("America/New_York", datetime(2027, 3, 13, 5)),
        # Europe: back on 2026-10-25, forward on 2027-03-28
        ("Europe/Berlin", datetime(2026, 10, 24, 5)),
        ("Europe/Berlin", datetime(2027, 3, 27, 5)),
    ],
)
def test_daily_alarm_keeps_its_wall_time_across_dst(make_assistant, zone, before):
    tz = ZoneInfo(zone)
    clock = FakeClock(before.replace(tzinfo=tz))
    irang = make_assistant({"timezone": zone}, clock=clock)
    say(irang, "매일 아침 7시에 깨워줘")
    rings = []
    while len(rings) < 2:
        (row,) = active(irang)
        rings.append(service(irang).local(row.ends_at))
        clock.now = service(irang).local(row.ends_at)
        assert len(service(irang).fire_due()) == 1
    assert [(r.hour, r.minute) for r in rings] == [(7, 0), (7, 0)]
    hours = (rings[1].timestamp() - rings[0].timestamp()) / 3600
    assert hours in (23, 25)  # the day of the change
    assert rings[1].date() - rings[0].date() == timedelta(days=1)


def test_wall_time_in_the_spring_gap_rings_after_the_jump():
    from assistant_plugins.timers.recur import Rule, next_occurrence

    tz = ZoneInfo("America/New_York")
    rule = Rule("daily", "02:30")
    ring = next_occurrence(rule, datetime(2027, 3, 13, 12, tzinfo=tz), tz)
    assert (ring.month, ring.day, ring.hour, ring.minute) == (3, 14, 3, 30)
    ring = next_occurrence(rule, ring, tz)
    assert (ring.day, ring.hour, ring.minute) == (15, 2, 30)


# -- the store: an old timers.db keeps working -------------------------------------------------

OLD_SCHEMA = """
CREATE TABLE timers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('timer', 'alarm')),
    name TEXT NOT NULL DEFAULT '',
    duration REAL NOT NULL,
    created_at REAL NOT NULL,
    ends_at REAL,
    remaining REAL,
    state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'fired')),
    fired_at REAL
);
CREATE INDEX timers_by_state ON timers (state, ends_at);
"""


def test_a_timers_db_of_the_old_schema_is_migrated(make_assistant, home, clock):
    home.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(home / "timers.db")
    conn.executescript(OLD_SCHEMA)
    now = clock.now.timestamp()
    conn.execute(
        "INSERT INTO timers (kind, name, duration, created_at, ends_at, state)"
        " VALUES ('alarm', '회의', 3600, ?, ?, 'running')",
        (now, now + 3600),
    )
    conn.commit()
    conn.close()
    irang = make_assistant(clock=clock)
    (old,) = active(irang)
    assert (old.kind, old.name, old.message, old.repeat) == ("alarm", "회의", "", None)
    say(irang, "매주 화요일 분리수거")
    assert sorted(r.kind for r in active(irang)) == ["alarm", "reminder"]
    check = sqlite3.connect(home / "timers.db")
    assert check.execute("PRAGMA user_version").fetchone() == (2,)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
