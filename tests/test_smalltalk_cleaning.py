"""Reply cleaning and generation settings of the small-talk plugin (no model needed)."""

from __future__ import annotations

import random

import pytest

from assistant_plugins.smalltalk.chat import GenerationSettings, resolve_source
from assistant_plugins.smalltalk.cleaning import (
    NEUTRAL_REPLIES,
    clean_reply,
    cut_generation,
    is_degenerate,
    is_echo,
    neutral_reply,
    strip_special,
    tidy,
)

STOPS = ["</s>", "<usr>", "<sys>"]


def test_cut_at_end_token_or_new_user_turn() -> None:
    assert cut_generation("좋아요.</s>그리고 더", STOPS) == "좋아요."
    assert cut_generation("좋아요<usr>뭐해", STOPS) == "좋아요"
    assert cut_generation("좋아요<usr>뭐해</s>", STOPS) == "좋아요"
    assert cut_generation("끝 없음", STOPS) == "끝 없음"


def test_special_tokens_are_removed() -> None:
    text = strip_special("<unk>안녕<pad>하세요<unused3> <mask>", ["<unk>", "<pad>"])
    assert "<" not in text and ">" not in text
    assert tidy(text) == "안녕 하세요"


def test_tidy_spacing_and_punctuation() -> None:
    assert tidy("  ▁안녕 하세요 !  ") == "안녕 하세요!"
    assert tidy("정말요 ?!!!!!!") == "정말요?!!!"
    assert tidy(". , 좋은 하루 보내세요 .") == "좋은 하루 보내세요."
    assert tidy("( 웃음 ) 그렇죠") == "(웃음) 그렇죠"


def test_clean_reply_full_path() -> None:
    raw = " ▁오늘은 <unk> 푹 쉬세요 . </s><usr> 고마워"
    assert clean_reply(raw, STOPS, ["<unk>"]) == "오늘은 푹 쉬세요."


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   ",
        "...!!?",
        "ㅋㅋㅋㅋㅋㅋㅋㅋ",
        "좋아요 좋아요 좋아요 좋아요",
        "하하하하하하하하하",
        "배고파배고파배고파배고파",
        "좋은 더 좋은 더 좋은 더 좋은 같아요.",
    ],
)
def test_degenerate_replies(reply: str) -> None:
    assert is_degenerate(reply, "배고파")


@pytest.mark.parametrize(
    "reply", ["맛있는 거 드세요.", "저도 그래요!", "오늘 하루 정말 고생 많으셨어요.", "네"]
)
def test_normal_replies_are_not_degenerate(reply: str) -> None:
    assert not is_degenerate(reply, "배고파")


def test_echo_of_the_user_is_degenerate() -> None:
    assert is_echo("배고파!", "배고파")
    assert is_degenerate("배 고파", "배고파")
    assert not is_echo("배고프시군요", "배고파")


def test_neutral_reply_is_korean_and_seedable() -> None:
    assert neutral_reply(random.Random(1)) == neutral_reply(random.Random(1))
    assert all(not is_degenerate(text) for text in NEUTRAL_REPLIES)


def test_generation_settings_layers_and_bad_values() -> None:
    settings = GenerationSettings.from_mapping(
        {"strategy": "beam", "num_beams": 3, "max_new_tokens": 20, "seed": 7},
        {"temperature": 0.5, "top_k": "many", "unknown": 1},
    )
    assert settings.strategy == "beam" and settings.num_beams == 3 and settings.seed == 7
    assert settings.temperature == 0.5 and settings.top_k == GenerationSettings().top_k
    kwargs = settings.generate_kwargs()
    assert kwargs["num_beams"] == 3 and kwargs["no_repeat_ngram_size"] == 3
    assert kwargs["do_sample"] is False and "top_p" not in kwargs
    sampling = GenerationSettings.from_mapping(
        {"strategy": "sampling", "top_p": 0.8}
    ).generate_kwargs()
    assert sampling["do_sample"] is True and sampling["top_p"] == 0.8
    greedy = GenerationSettings.from_mapping({"strategy": "GREEDY"}).generate_kwargs()
    assert greedy["do_sample"] is False and greedy["num_beams"] == 1
    assert GenerationSettings.from_mapping({"strategy": "nonsense"}).strategy == "sampling"


def test_model_source_resolution(tmp_path) -> None:
    shipped, local = resolve_source("")
    assert local and shipped.endswith("smalltalk-mini")
    assert resolve_source("skt/kogpt2-base-v2") == ("skt/kogpt2-base-v2", False)
    assert resolve_source(str(tmp_path)) == (str(tmp_path.resolve()), True)
    assert resolve_source("./models/x")[1] is True
