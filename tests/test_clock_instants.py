"""Clock-sensitive answers at tricky instants, whatever the machine's own time zone.

In-process, the project's injectable clock (``App(clock=...)``) sets "now"; across a real
``assistant`` process, libfaketime (``LD_PRELOAD`` + ``FAKETIME``, Debian package
``faketime``, installed by ``.ci/run``) moves the process's wall clock, so the real clock
path is exercised too. The assistant's zone is its config's (Asia/Seoul by default); the
machine zone (``TZ``) must never change an answer.
"""

from __future__ import annotations

import json
import math
import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from weather_helpers import OpenMeteoServer

SEOUL = ZoneInfo("Asia/Seoul")
WEEKDAYS = "월화수목금토일"

INSTANTS = {
    "new-year-eve-23:59:50": datetime(2027, 12, 31, 23, 59, 50, tzinfo=SEOUL),
    "leap-day-noon": datetime(2028, 2, 29, 12, 0, 0, tzinfo=SEOUL),
    "first-second-of-march": datetime(2027, 3, 1, 0, 0, 0, tzinfo=SEOUL),
    "just-past-3pm": datetime(2026, 12, 1, 15, 0, 1, tzinfo=SEOUL),
}
MACHINE_ZONES = ["UTC", "America/New_York", "Asia/Seoul"]

LIBFAKETIME = next(
    (
        p
        for p in (
            Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"),
            Path("/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1"),
            Path("/usr/lib/faketime/libfaketime.so.1"),
        )
        if p.exists()
    ),
    None,
)


@pytest.fixture(params=MACHINE_ZONES)
def machine_zone(request, monkeypatch):
    """Run the test as if the machine were set to another time zone."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def said_date(day: date) -> str:
    return f"{day.month}월 {day.day}일 {WEEKDAYS[day.weekday()]}요일"


def next_at(now: datetime, hour: int, minute: int = 0) -> datetime:
    """The next wall-clock hour:minute in Seoul strictly after ``now``."""
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


@pytest.mark.parametrize("instant", INSTANTS.values(), ids=INSTANTS.keys())
def test_dates_and_alarms_at_tricky_instants(make_assistant, machine_zone, instant):
    irang = make_assistant(clock=lambda: instant)
    today = instant.date()

    assert said_date(today) in irang.respond("오늘 며칠이야").reply.text
    tomorrow = irang.respond("내일 무슨 요일이야").reply
    assert tomorrow.data["date"] == (today + timedelta(days=1)).isoformat()
    assert said_date(today + timedelta(days=1)) in tomorrow.text
    assert irang.respond("어제 며칠이었어?").reply.data["date"] == (
        (today - timedelta(days=1)).isoformat()
    )

    timer = irang.respond("라면 타이머 3분").reply.data["timer"]
    assert datetime.fromisoformat(timer["ends_at"]) == instant + timedelta(minutes=3)

    meeting = irang.respond("오후 3시에 회의 알림 해줘").reply.data["timer"]
    assert datetime.fromisoformat(meeting["ends_at"]) == next_at(instant, 15)

    wake = irang.respond("내일 아침 7시에 깨워줘").reply
    # in the small hours (before 4 a.m.) 내일 is the coming morning, and the reply says so
    small_hours = instant.hour < 4
    day = today + timedelta(days=0 if small_hours else 1)
    expected_wake = datetime.combine(day, datetime.min.time(), SEOUL)
    assert datetime.fromisoformat(wake.data["timer"]["ends_at"]) == expected_wake.replace(hour=7)
    assert ("아직 새벽이라" in wake.text) is small_hours


@pytest.mark.parametrize("instant", INSTANTS.values(), ids=INSTANTS.keys())
def test_weather_today_and_tomorrow_at_tricky_instants(make_assistant, machine_zone, instant):
    with OpenMeteoServer(today=instant.date()) as server:
        server.scenario.days[0].tmax, server.scenario.days[1].tmax = 11.0, 25.0
        irang = make_assistant(server.overrides(), clock=lambda: instant)
        today = irang.respond("서울 오늘 날씨 어때?").reply
        tomorrow = irang.respond("서울 내일 날씨 어때?").reply
    assert "죄송해요" not in today.text and "죄송해요" not in tomorrow.text
    assert "오늘은 최저 2도, 최고 11도" in today.text
    assert tomorrow.text.startswith("내일 서울은") and "최고 25도" in tomorrow.text


def faked_env(instant: datetime) -> dict[str, str]:
    """Environment that starts a process's wall clock at ``instant`` (libfaketime)."""
    assert LIBFAKETIME is not None, (
        "libfaketime is missing: install the Debian package 'faketime' (.ci/run does)"
    )
    offset = math.ceil(instant.timestamp() - time.time())  # never before the instant
    return {
        "LD_PRELOAD": str(LIBFAKETIME),
        "FAKETIME": f"{offset:+d}",
        "DONT_FAKE_MONOTONIC": "1",
    }


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
@pytest.mark.parametrize("instant", INSTANTS.values(), ids=INSTANTS.keys())
def test_real_clock_path_in_a_process_at_tricky_instants(run_cli, instant, zone):
    env = {**faked_env(instant), "TZ": zone}
    started = time.monotonic()
    asked = run_cli(
        "ask", "--json", "-", input="오늘 며칠이야\n오후 3시에 회의 알림 해줘\n", env=env
    )
    # the faked clock starts at the instant and ticks on while the process runs (slowly, on a
    # busy machine): the answers may be those of any moment of that run
    latest = instant + timedelta(seconds=time.monotonic() - started + 1)
    assert asked.returncode == 0, asked.stderr
    date_turn, alarm_turn = (json.loads(line) for line in asked.stdout.splitlines())
    assert date_turn["reply"] in {f"오늘은 {said_date(t.date())}이에요." for t in (instant, latest)}
    ends = datetime.fromisoformat(alarm_turn["data"]["timer"]["ends_at"])
    assert ends in {next_at(instant, 15), next_at(latest, 15)}
    listed = run_cli("timers", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    (alarm,) = json.loads(listed.stdout)
    assert alarm["name"] == "회의" and datetime.fromisoformat(alarm["ends_at"]) == ends


def test_faketime_really_moves_the_process_clock(run_cli):
    """Guard for the test above: without a working libfaketime it would prove nothing."""
    instant = INSTANTS["leap-day-noon"]
    result = run_cli("ask", "--json", "오늘 며칠이야", env=faked_env(instant))
    assert json.loads(result.stdout)["reply"].startswith("오늘은 2월 29일 화요일")
    assert os.environ.get("FAKETIME") is None  # this process is untouched
