"""Parsing tables for the shared number, duration and time slots (assistant.slots)."""

from __future__ import annotations

import re

import pytest

from assistant.slots import (
    DURATION_RE,
    NUMBER_RE,
    TIME_RE,
    SlotError,
    parse_duration,
    parse_number,
    parse_time,
    time_is_ambiguous,
)

NUMBERS = [
    ("0", 0), ("7", 7), ("15", 15), ("-3", -3), ("120", 120),
    ("일", 1), ("이", 2), ("십", 10), ("십오", 15), ("이십", 20), ("이십삼", 23), ("삼십", 30),
    ("오십구", 59), ("백", 100), ("백이십", 120), ("천", 1000), ("이천이십육", 2026), ("영", 0),
    ("한", 1), ("하나", 1), ("두", 2), ("둘", 2), ("세", 3), ("셋", 3), ("네", 4), ("넷", 4),
    ("다섯", 5), ("여섯", 6), ("일곱", 7), ("여덟", 8), ("아홉", 9), ("열", 10), ("열하나", 11),
    ("열두", 12), ("열다섯", 15), ("스무", 20), ("스물", 20), ("스물세", 23), ("스물 세", 23),
    ("서른", 30), ("마흔다섯", 45), ("쉰", 50), ("아흔아홉", 99),
]  # fmt: skip


@pytest.mark.parametrize(("text", "value"), NUMBERS)
def test_numbers(text, value):
    assert parse_number(text) == value
    assert re.fullmatch(NUMBER_RE, text), f"NUMBER_RE does not cover {text!r}"


@pytest.mark.parametrize("text", ["", "이삼", "십백", "둘셋", "열열", "abc", "서", "너"])
def test_not_numbers(text):
    with pytest.raises(SlotError) as info:
        parse_number(text)
    assert re.search("[가-힣]", str(info.value))  # a Korean explanation


DURATIONS = [
    ("5분", 300), ("10분", 600), ("90초", 90), ("2분 30초", 150), ("2분30초", 150),
    ("1시간 30분", 5400), ("1시간30분", 5400), ("한 시간 반", 5400), ("한시간반", 5400),
    ("두 시간", 7200), ("1시간 반", 5400), ("1분 반", 90), ("십오 분", 900), ("열다섯 분", 900),
    ("열다섯분", 900), ("스무 분", 1200), ("스무분", 1200), ("삼십 초", 30), ("이십삼분", 1380),
    ("1시간 2분 3초", 3723), ("1시간 5초", 3605), ("1.5시간", 5400), ("2.5분", 150),
    ("세 시간", 10800), ("24시간", 86400), ("일곱 분", 420), ("한 시간", 3600),
    ("0분", 0), ("0초", 0), ("-5분", -300), ("- 5분", -300), ("마이너스 5분", -300),
    ("999시간", 999 * 3600), ("1초", 1),
]  # fmt: skip


@pytest.mark.parametrize(("text", "seconds"), DURATIONS)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds
    assert re.fullmatch(DURATION_RE, text), f"DURATION_RE does not cover {text!r}"


@pytest.mark.parametrize("text", ["분", "시간", "반", "오늘", "이삼분"])
def test_not_durations(text):
    with pytest.raises(SlotError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("sentence", "span"),
    [
        ("한 시간 반 뒤에 알려 줘", "한 시간 반"),
        ("라면 타이머 3분", "3분"),
        ("한 5분 뒤에 알려줘", "5분"),  # "한" = "about" here, not one
        ("1시간 30분 타이머", "1시간 30분"),
    ],
)
def test_duration_span_in_sentence(sentence, span):
    assert re.search(DURATION_RE, sentence).group(0).strip() == span


TIMES = [
    ("7시", "07:00", True), ("7시 반", "07:30", True), ("7시반", "07:30", True),
    ("오전 7시 30분", "07:30", False), ("오전 7시", "07:00", False), ("오후 3시", "15:00", False),
    ("저녁 6시", "18:00", False), ("저녁 6시 반", "18:30", False), ("15시 20분", "15:20", False),
    ("밤 12시", "00:00", False), ("새벽 2시", "02:00", False), ("아침 8시", "08:00", False),
    ("밤 9시", "21:00", False), ("밤 1시", "01:00", False), ("낮 12시", "12:00", False),
    ("낮 2시", "14:00", False), ("점심 12시 30분", "12:30", False), ("오후 12시", "12:00", False),
    ("오전 12시", "00:00", False), ("12시", "12:00", True), ("0시", "00:00", False),
    ("24시", "00:00", False), ("23시 59분", "23:59", False), ("일곱 시", "07:00", True),
    ("일곱 시 삼십 분", "07:30", True), ("열두 시", "12:00", True), ("오후 두 시", "14:00", False),
    ("07:30", "07:30", True), ("19:05", "19:05", False), ("정오", "12:00", False),
    ("자정", "00:00", False), ("7시 정각", "07:00", True), ("오후 15시", "15:00", False),
]  # fmt: skip


@pytest.mark.parametrize(("text", "hhmm", "ambiguous"), TIMES)
def test_times(text, hhmm, ambiguous):
    assert parse_time(text) == hhmm
    assert time_is_ambiguous(text) is ambiguous
    assert re.fullmatch(TIME_RE, text), f"TIME_RE does not cover {text!r}"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("25시", "25시는 없는 시각"),
        ("99시", "99시는 없는 시각"),
        ("7시 75분", "75분은 없는 시각"),
        ("24시 30분", "24시는 없는 시각"),
        ("오전 15시", "오전 15시는 없는 시각"),
    ],
)
def test_impossible_times_explain_in_korean(text, says):
    assert re.fullmatch(TIME_RE, text)  # the shape matches, so the router reports a slot error
    with pytest.raises(SlotError) as info:
        parse_time(text)
    assert says in str(info.value)


@pytest.mark.parametrize("text", ["1시간", "3시간 뒤", "두 시간 반"])
def test_hours_of_a_duration_are_not_a_clock_time(text):
    assert re.search(TIME_RE, text) is None


@pytest.mark.parametrize("text", ["너 시간 있어", "서 분만", "석 시간", "넉 분"])
def test_archaic_native_numerals_are_not_numbers(text):
    """서/너/석/넉 never count minutes or hours: "너 시간 있어" is not four hours."""
    assert re.search(DURATION_RE, text) is None
