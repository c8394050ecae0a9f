"""The pieces under reminders: the weekday/date slot types, messages, repeat rules, dates."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.slots import SlotError, date_parts, parse_date, parse_weekday


@pytest.mark.parametrize(
    ("text", "value"),
    [("12월 24일", "--12-24"), ("1월1일", "--01-01"), ("24일", "---24"), ("2월 29일", "--02-29")],
)
def test_date_slot(text, value):
    assert parse_date(text) == value
    month, day = date_parts(value)
    assert day == int(value[-2:]) and (month is None) == value.startswith("---")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2월 30일", "2월 30일은 없는 날짜예요."),
        ("13월 1일", "13월은 없는 달이에요"),
        ("32일", "32일은 없는 날짜예요"),
    ],
)
def test_impossible_dates(text, says):
    with pytest.raises(SlotError) as info:
        parse_date(text)
    assert str(info.value).startswith(says)


def test_weekday_slot():
    assert [parse_weekday(f"{d}요일") for d in "월화수목금토일"] == [
        "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    ]  # fmt: skip
    with pytest.raises(SlotError):
        parse_weekday("오늘")


def test_new_slot_types_work_in_patterns():
    from assistant.router import compile_pattern

    pattern = compile_pattern("{weekday} {date}")
    m = pattern.regex.search("금요일 12월 24일")
    assert m and pattern.slot_types == {"weekday": "weekday", "date": "date"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("약 먹으라고", "약 먹을 시간"),
        ("빨래 꺼내라고", "빨래 꺼낼 시간"),
        ("엄마한테 전화하라고", "엄마한테 전화할 시간"),
        ("케이크 만들라고", "케이크 만들 시간"),
        ("물 마시라고", "물 마실 시간"),
        ("회의라고", "회의"),
        ("점심이라고", "점심"),
        ("분리수거", "분리수거"),
    ],
)
def test_messages_are_cleaned_of_the_request_ending(body, message):
    from assistant_plugins.timers.when import clean_message

    assert clean_message(body) == message


def test_reminder_text_and_emoji():
    from assistant_plugins.timers.speech import reminder_text

    assert reminder_text("약 먹을 시간") == "💊 약 먹을 시간이에요"
    assert reminder_text("분리수거") == "🗑️ 분리수거 시간이에요"
    assert reminder_text("보고서 낼 시간") == "🔔 보고서 낼 시간이에요"


def test_weekday_and_date_resolution():
    from assistant_plugins.timers.recur import next_date, next_weekday

    wednesday = date(2026, 11, 18)
    assert next_weekday(wednesday, "wed") == wednesday
    assert next_weekday(wednesday, "mon") == date(2026, 11, 23)
    assert next_weekday(wednesday, "fri", "this") == date(2026, 11, 20)
    assert next_weekday(wednesday, "mon", "this") == date(2026, 11, 16)  # already past
    assert next_weekday(wednesday, "wed", "next") == date(2026, 11, 25)
    assert next_date(wednesday, None, 31) == date(2026, 12, 31)  # November has no 31st
    assert next_date(wednesday, None, 5) == date(2026, 12, 5)
    assert next_date(wednesday, 2, 29) == date(2028, 2, 29)
    assert next_date(wednesday, 11, 1) == date(2027, 11, 1)
