"""How timers are read out: lengths, clock times, labels (particles: test_timers_particles)."""

from __future__ import annotations

import pytest

from assistant_plugins.timers.speech import label, say_ago, say_clock, say_duration
from timers_helpers import seoul


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (130, "2분 10초"), (129.2, "2분 10초"), (0.2, "1초"), (0, "0초"), (45, "45초"),
        (60, "1분"), (300, "5분"), (3600, "1시간"), (5400, "1시간 30분"), (5399.5, "1시간 30분"),
        (3629, "1시간"), (3630, "1시간 1분"), (86400, "24시간"), (90, "1분 30초"),
    ],
)  # fmt: skip
def test_say_duration(seconds, text):
    assert say_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"), [(30, ""), (180, "3분"), (200, "3분"), (4000, "1시간 6분")]
)
def test_say_ago(seconds, text):
    assert say_ago(seconds) == text


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (seoul(14, 35), "오후 2시 35분"),
        (seoul(7, 0), "오전 7시"),
        (seoul(0, 0), "자정"),
        (seoul(12, 0), "정오"),
        (seoul(12, 30), "오후 12시 30분"),
        (seoul(0, 30), "오전 12시 30분"),
        (seoul(7, 0, day=23), "내일 오전 7시"),
        (seoul(18, 0, day=24), "모레 오후 6시"),
        (seoul(9, 5, day=30), "11월 30일 오전 9시 5분"),
    ],
)
def test_say_clock(when, text):
    assert say_clock(when, seoul(10, 0)) == text


def test_say_clock_with_seconds():
    assert say_clock(seoul(14, 32, 40), seoul(14, 32), seconds=True) == "오후 2시 32분 40초"


def test_labels():
    assert label("라면", "timer", 180) == "라면 타이머"
    assert label("", "timer", 150) == "2분 30초 타이머"
    assert label("회의", "alarm", 0) == "회의 알람"
    assert label("", "alarm", 0) == "알람"
