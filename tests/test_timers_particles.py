"""Every reply template that puts a user's word before a particle picks the right form.

Names end in a vowel, a consonant, ㄹ, a digit and Latin letters (issue 15: "'점심' 알람는 없어요").
"""

from __future__ import annotations

import re

import pytest

from timers_helpers import FakeClock, seoul

# name -> (은/는, 이라는/라는) as it must be written
NAMES = {
    "피자": ("피자는", "피자라는"),
    "점심": ("점심은", "점심이라는"),
    "거실": ("거실은", "거실이라는"),
    "회의2": ("회의2는", "회의2라는"),
    "회의3": ("회의3은", "회의3이라는"),
    "TV": ("TV는", "TV라는"),
    "Zoom": ("Zoom은", "Zoom이라는"),
}
FALLBACK = re.compile(r"\((?:이|을|은|는|가|를|으)\)")


@pytest.fixture
def irang(make_assistant):
    return make_assistant(clock=FakeClock(seoul(14, 32)))


def say(assistant, text: str) -> str:
    reply = assistant.respond(text).reply.text
    assert not FALLBACK.search(reply), reply
    return reply


@pytest.mark.parametrize("name", NAMES)
def test_nothing_of_that_name_and_nothing_running(irang, name):
    assert say(irang, f"{name} 알람 취소해줘").startswith(f"'{name}' 알람은 없어요. ")


@pytest.mark.parametrize("name", NAMES)
def test_no_such_name_among_others(irang, name):
    say(irang, "7시 알람 맞춰줘")
    quoted = f"'{name}'" + NAMES[name][1][len(name) :]
    assert say(irang, f"{name} 알람 취소해줘").startswith(f"{quoted} 알람을 찾지 못했어요.")
    assert say(irang, f"{name} 타이머 얼마나 남았어?").startswith(f"{quoted} 타이머는 없어요.")


@pytest.mark.parametrize("name", NAMES)
def test_named_items_in_replies(irang, name):
    assert say(irang, f"{name} 타이머 3분").startswith(f"{name} 타이머 3분 맞췄어요")
    assert say(irang, f"{name} 타이머 멈춰").startswith(f"{name} 타이머를 멈췄어요")
    assert say(irang, f"{name} 타이머 다시 시작").startswith(f"{name} 타이머를 다시 시작했어요")
    assert say(irang, f"{name} 타이머 얼마나 남았어").startswith(f"{name} 타이머는 3분 남았어요")
    assert say(irang, f"{name} 타이머 취소").startswith(f"{name} 타이머를 취소했어요")


def test_words_of_every_ending_in_the_core_helper():
    from assistant.korean import josa

    for word, (topic, called) in NAMES.items():
        assert josa(word, "은/는") == topic
        assert josa(word, "이라는/라는") == called
    assert josa("거실", "으로/로") == "거실로"
    assert josa("점심", "으로/로") == "점심으로"
    assert josa("PM", "이/가") == "PM이"
    assert josa("'점심'", "이라는/라는") == "'점심'이라는"


def test_slot_errors_have_no_fallback_particles():
    from assistant.slots import SlotError, parse_duration, parse_time

    for bad, parse in (("삼삼분", parse_duration), ("일이시", parse_time)):
        with pytest.raises(SlotError) as exc:
            parse(bad)
        assert not FALLBACK.search(str(exc.value)), str(exc.value)


def test_quotes_the_user_typed_around_a_name_are_not_doubled(make_assistant):
    irang = make_assistant()
    assert irang.respond("'점심' 알람 취소해줘").reply.text.startswith("'점심' 알람은 없어요.")
    irang.respond("라면 타이머 3분")
    for said in ("'점심' 알람 취소해줘", '"점심" 알람 취소해줘', "‘점심’ 알람 취소해줘"):
        assert irang.respond(said).reply.text.startswith("'점심'이라는 알람을 찾지 못했어요.")
