"""Profanity guard: spellings that fire, false friends that don't, settings, calm replies."""

from __future__ import annotations

import json

import pytest

from assistant_plugins.profanity import AGAIN, REPLIES
from assistant_plugins.profanity.guard import Guard

PROFANE = [
    "씨발", "시발", "씨빨", "씌발", "쓰발", "씨팔",  # lookalike spellings
    "씨 발", "씨.발", "씨1발", "씨 . 발", "개 새 끼", "병 신",  # spaced out / symbols between
    "ㅅㅂ", "ㅆㅂ", "ㅅ ㅂ", "ㅆ발", "ㅂㅅ", "ㅅㅣㅂㅏㄹ",  # jamo
    "sibal", "SIBAL", "c8", "아 18", "18", "tlqkf",  # romanised, numbers, English-mode typing
    "개새끼", "이 개새끼야", "병신", "좆같네", "존나 짜증나", "지랄하네", "미친놈", "염병",
    "아 씨발 짜증나", "진짜 씨발 왜 이래", "fuck", "f u c k", "this is shit",
    "이 병신년아", "병신년",
]  # fmt: skip

FALSE_FRIENDS = [
    "시발점이 어디야", "시발역에서 만나", "동시발생 오류가 났어", "로그인 시 발생하는 오류",
    "발표 준비해야 돼", "수박 먹고 싶다", "십팔번이 뭐야", "병신년 새해 복 많이 받으세요",
    "새끼손가락 다쳤어", "우리 개 새끼 낳았어", "아저씨 발 냄새 나", "수박 씨 발라 먹기",
    "18살이야", "2018년에 뭐 했어", "5분 18초 타이머", "18번 버스 타", "시바견 귀여워",
    "껌 씹어", "미친 듯이 좋아", "개나리 피었다", "존 레논 좋아해", "병원 가야 해",
    "개 새로 입양했어", "엄마를 졸라서 샀어", "shiitake mushrooms", "시간 알려줘",
]  # fmt: skip


@pytest.mark.parametrize("text", PROFANE)
def test_profanity_routes_to_the_guard(make_assistant, text):
    assert make_assistant().route(text).intent == "guard.profanity"


@pytest.mark.parametrize("text", FALSE_FRIENDS)
def test_false_friends_stay_clean(make_assistant, text):
    assert make_assistant().route(text).intent != "guard.profanity"


def test_shipped_guard_directly():
    guard = Guard.from_files()
    assert guard.find("씨 발") == "씨발"
    assert guard.find("시발점") is None


def test_guard_beats_small_talk_but_a_clear_command_still_works(make_assistant):
    assistant = make_assistant()
    assert assistant.route("씨발").intent == "guard.profanity"
    assert assistant.route("아 씨발 지금 몇 시야").intent == "clock.time"


def test_replies_are_calm_and_vary(make_assistant):
    assistant = make_assistant()
    first = assistant.respond("씨발").reply.text
    second = assistant.respond("ㅅㅂ").reply.text
    assert first in REPLIES
    assert second in AGAIN  # a second curse in a row: gentler, different
    assert first != second
    for text in (first, second):
        assert "씨발" not in text and "욕" not in text  # no echo, no lecture


def test_replies_do_not_repeat_back_to_back(make_assistant):
    assistant = make_assistant()
    replies = []
    for _ in range(12):
        replies.append(assistant.respond("ㅅㅂ").reply.text)
        assistant.respond("시간 알려줘")  # something else in between
    assert all(a != b for a, b in zip(replies, replies[1:], strict=False))
    assert len(set(replies)) >= 3


def test_guard_can_be_switched_off(make_assistant):
    assistant = make_assistant({"plugins": {"profanity": {"enabled": False}}})
    assert assistant.route("씨발").intent == "smalltalk"
    assert "profanity" not in assistant.host.plugin_names()


def test_extra_words_and_false_friends_from_config(make_assistant):
    assistant = make_assistant(
        {
            "plugins": {
                "profanity": {"extra_words": ["바보멍청이", "=dang"], "false_friends": ["시발점"]}
            }
        }
    )
    assert assistant.route("이 바보멍청이").intent == "guard.profanity"
    assert assistant.route("바 보 멍 청 이").intent == "guard.profanity"
    assert assistant.route("dang").intent == "guard.profanity"
    assert assistant.route("dangerous").intent != "guard.profanity"  # whole word only
    assert assistant.route("씨발").intent == "guard.profanity"  # the shipped list stays


def test_words_file_replaces_the_list(make_assistant, tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("# my list\n바보\n", encoding="utf-8")
    assistant = make_assistant({"plugins": {"profanity": {"words_file": str(words)}}})
    assert assistant.route("바보야").intent == "guard.profanity"
    assert assistant.route("씨발").intent != "guard.profanity"


def test_a_missing_words_file_keeps_the_shipped_list(make_assistant, tmp_path):
    assistant = make_assistant(
        {"plugins": {"profanity": {"words_file": str(tmp_path / "none.txt")}}}
    )
    turn = assistant.respond("씨발")
    assert turn.route.intent == "guard.profanity"
    assert turn.reply.text in REPLIES


def test_cli_ask_profanity(run_cli):
    result = run_cli("ask", "--json", "ㅅㅂ")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["intent"] == "guard.profanity"
    assert data["reply"] in REPLIES


def test_cli_config_file_switches_the_guard_off(run_cli, tmp_path):
    config = tmp_path / "my.yaml"
    config.write_text("plugins:\n  profanity:\n    enabled: false\n", encoding="utf-8")
    result = run_cli("--config", str(config), "route", "--json", "씨발")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["intent"] == "smalltalk"


def test_entries_compile_only_when_their_letters_are_there():
    guard = Guard.from_files()
    assert guard.find("5분 타이머 맞춰줘") is None
    assert all(entry is None for entry in guard._entries)  # a command compiles none
    assert guard.find("아 씨 발 진짜") is not None
    eager = Guard.from_files()
    eager.entries  # noqa: B018 - compiles every entry
    for text in (
        "아 씨 발 진짜",
        "시발점",
        "아저씨 발 냄새",
        "ㅅㅣㅂㅏㄹ",
        "오늘 날씨 좋다",
        "18살",
    ):
        assert guard.find(text) == eager.find(text), text
