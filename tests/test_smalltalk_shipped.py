"""The shipped small-talk model: present, small, safetensors only, and chatting in Korean."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings, resolve_source
from assistant_plugins.smalltalk.cleaning import NEUTRAL_REPLIES, is_echo

SHIPPED = Path(resolve_source("")[0])
PROMPTS = [
    "안녕 반가워",
    "오늘 너무 피곤해",
    "배고파",
    "심심해",
    "요즘 잠이 안 와",
    "주말에 놀러 가고 싶다",
    "시험 망쳤어",
    "친구랑 싸웠어",
    "회사 가기 싫다",
    "오늘 기분 좋아",
    "너무 외로워",
    "고마워",
]
SPECIALS = re.compile(r"<(?:usr|sys|/s|unk|pad|mask|unused\d+)>|\u2581")
HANGUL = re.compile("[가-힣]")


def test_shipped_files_are_safetensors_and_small() -> None:
    assert (SHIPPED / "model.safetensors").is_file()
    for name in (
        "config.json",
        "tokenizer.json",
        "generation_config.json",
        "smalltalk.json",
        "metadata.json",
        "loss_curve.png",
        "MODEL_CARD.md",
    ):
        assert (SHIPPED / name).is_file(), name
    assert (SHIPPED / "model.safetensors").stat().st_size <= 30 * 1024 * 1024
    pickles = [
        p for p in SHIPPED.rglob("*") if p.suffix in {".bin", ".pt", ".pth", ".pkl", ".ckpt"}
    ]
    assert pickles == [] and not (SHIPPED / "checkpoint").exists()
    meta = json.loads((SHIPPED / "metadata.json").read_text("utf-8"))
    card = (SHIPPED / "MODEL_CARD.md").read_text("utf-8")
    assert meta["data"][0]["sha256"] in card  # the card names the data it was trained on


@pytest.fixture(scope="module")
def shipped() -> ChatModel:
    return ChatModel.load(str(SHIPPED), True)


def test_everyday_prompts_get_clean_korean_replies(shipped: ChatModel) -> None:
    from assistant.config import load_config

    settings = GenerationSettings.from_mapping(
        load_config(None).plugin("smalltalk").get("generation")
    )
    replies = [shipped.reply(prompt, (), settings) for prompt in PROMPTS]
    for prompt, result in zip(PROMPTS, replies, strict=True):
        assert HANGUL.search(result.text), (prompt, result.text)
        assert not SPECIALS.search(result.text), (prompt, result.text)
        assert not is_echo(result.text, prompt), (prompt, result.text)
    texts = [r.text for r in replies]
    assert len(set(texts)) / len(texts) >= 0.75, texts
    assert sum(t in NEUTRAL_REPLIES for t in texts) <= 2, texts  # the model answers itself


def test_shipped_model_is_the_default_in_a_real_process(run_cli) -> None:
    result = run_cli("ask", "오늘 너무 피곤해", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["plugin"] == "smalltalk"
    assert HANGUL.search(answer["reply"]) and not SPECIALS.search(answer["reply"])
    assert "불러오지 못해서" not in answer["reply"]
