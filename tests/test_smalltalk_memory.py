"""The reply memory: Kiwi morphemes with negation, bm25s index, save/load, the memory stage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant_plugins.smalltalk.memory import MemoryPair, MemoryUnavailable, ReplyMemory
from assistant_plugins.smalltalk.morphemes import char_ngrams, tokens
from conftest import SHARED_DATA
from smalltalk_helpers import write_chatbot_csv

CHATBOTDATA = SHARED_DATA / "chatbotdata" / "ChatbotData.csv"
SHIPPED_MEMORY = Path(__file__).resolve().parent.parent / "models" / "smalltalk-mini" / "memory"

ROWS = [
    ("그 영화 재밌었어", "다행이에요. 좋은 시간이었네요.", "2"),
    ("그 영화 재미 없었어", "아쉬웠겠어요.", "1"),
    ("오늘 운이 좋았어", "좋은 일이 있었네요.", "2"),
    ("오늘 운이 안 좋았어", "내일은 나아질 거예요.", "1"),
    ("점심 뭐 먹을까", "맛있는 거 드세요.", "0"),
    ("뿌잉뿌잉 해줘", "뿌잉뿌잉!", "0"),
    ("배고파", "밥 먹으러 가요.", "0"),
    ("시험 망쳤어", "다음에는 잘 될 거예요.", "1"),
]


def _pairs() -> list[MemoryPair]:
    return [
        MemoryPair(f"t:{i}", q, a, int(label), "t.csv")
        for i, (q, a, label) in enumerate(ROWS, start=2)
    ]


@pytest.fixture(scope="module")
def memory() -> ReplyMemory:
    return ReplyMemory.build(_pairs())


def test_morphemes_keep_negation_apart() -> None:
    fun, no_fun = set(tokens("재밌었어")), set(tokens("재미 없어"))
    assert fun and no_fun and not fun & no_fun
    assert "~좋/V" in tokens("안 좋아") and "~좋/V" in tokens("좋지 않아")
    assert "~좋/V" not in tokens("좋아")
    assert tokens("") == [] and tokens("   ") == []
    assert char_ngrams("뿌잉 ab") == ["뿌잉", "ab"]


def test_search_finds_the_pair_and_keeps_negation(memory: ReplyMemory) -> None:
    best = memory.search("그 영화 진짜 재밌었어", 3)[0]
    assert best.pair.utterance == "그 영화 재밌었어" and best.score > 0 and 0 < best.fit <= 1
    assert memory.search("영화가 재미 없었어", 1)[0].pair.utterance == "그 영화 재미 없었어"
    assert memory.search("오늘 운이 안 좋았어", 1)[0].pair.utterance == "오늘 운이 안 좋았어"
    assert memory.search("완전히 다른 이야기", 3) == [] or all(
        h.score > 0 for h in memory.search("완전히 다른 이야기", 3)
    )
    assert memory.search("", 3) == [] and memory.search("배고파", 0) == []


def test_rare_words_fall_back_to_character_bigrams(memory: ReplyMemory) -> None:
    query = "뿌잉뿌잉뿌잉"
    assert any(t not in memory.morph_index.vocab_dict for t in tokens(query))
    hits = memory.search(query, 2)
    assert hits and hits[0].pair.reply == "뿌잉뿌잉!"


def test_save_and_load_without_pickle(memory: ReplyMemory, tmp_path: Path) -> None:
    import numpy as np

    memory.save(tmp_path / "memory")
    for array in (tmp_path / "memory").rglob("*.npy"):
        np.load(array, allow_pickle=False)  # plain arrays: loading never unpickles
    assert not [p for p in (tmp_path / "memory").rglob("*") if p.suffix in {".pkl", ".pickle"}]
    loaded = ReplyMemory.load(tmp_path / "memory")
    assert len(loaded) == len(memory) and loaded.pairs == memory.pairs
    for query in ("그 영화 진짜 재밌었어", "점심 뭐 먹지", "뿌잉뿌잉뿌잉"):
        a, b = memory.search(query, 3), loaded.search(query, 3)
        assert [h.pair.id for h in a] == [h.pair.id for h in b]
    assert "먹을까" in loaded.words


def test_broken_memory_folders_give_korean_messages(memory: ReplyMemory, tmp_path: Path) -> None:
    with pytest.raises(MemoryUnavailable, match="memory.json 이 없어요"):
        ReplyMemory.load(tmp_path / "nowhere")
    folder = memory.save(tmp_path / "broken")
    (folder / "pairs.jsonl").write_text('{"id": 1, "utter', "utf-8")
    with pytest.raises(MemoryUnavailable, match="읽을 수 없어요"):
        ReplyMemory.load(folder)
    folder = memory.save(tmp_path / "short")
    lines = (folder / "pairs.jsonl").read_text("utf-8").splitlines()
    (folder / "pairs.jsonl").write_text("\n".join(lines[:-1]) + "\n", "utf-8")
    with pytest.raises(MemoryUnavailable, match="개수가 달라요"):
        ReplyMemory.load(folder)
    meta = json.loads((folder / "memory.json").read_text("utf-8"))
    (folder / "memory.json").write_text(json.dumps({**meta, "format": 99}), "utf-8")
    with pytest.raises(MemoryUnavailable, match="다시 만들어"):
        ReplyMemory.load(folder)


def test_memory_stage_keeps_the_held_out_split_out(run_cli, tmp_path: Path) -> None:
    """`assistant train smalltalk --stage memory` in a real process, with a model's split."""
    rows = [(f"질문 {i}번 이야기", f"답 {i}번이에요.", str(i % 3)) for i in range(40)]
    data = write_chatbot_csv(tmp_path / "chat.csv", rows)
    (tmp_path / "LICENSE").write_text("MIT License (test)", "utf-8")
    model = tmp_path / "model"
    model.mkdir()
    (model / "metadata.json").write_text(
        json.dumps({"settings": {"eval_split": 0.25, "seed": 7}}), "utf-8"
    )
    result = run_cli(
        "train", "smalltalk", "--stage", "memory", "--data", str(data), "--output", str(model),
        "--no-everyday-data",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "답변 기억을" in result.stdout
    from assistant_plugins.smalltalk.data import read_dialogues
    from assistant_plugins.smalltalk.training import split_dialogues

    _, held = split_dialogues(read_dialogues([data]).dialogues, 0.25, 7)
    saved = ReplyMemory.load(model / "memory")
    utterances = {p.utterance for p in saved.pairs}
    assert len(saved) == 30 and not utterances & {d.turns[0] for d in held}
    assert saved.info["split"] == {
        "use": "train",
        "eval_split": 0.25,
        "seed": 7,
        "from": "metadata.json",
    }
    assert (model / "memory" / "LICENSE-chat.csv").read_text("utf-8") == "MIT License (test)"
    assert (model / "memory" / "pipeline.json").is_file()
    from types import SimpleNamespace

    from assistant_plugins.smalltalk.memory_build import run_memory_stage

    settings = SimpleNamespace(data=[data], output=model, eval_split=0.25, seed=7)
    summary = run_memory_stage(
        settings,
        data_format="auto",
        memory_split="all",
        name="이랑",
        generation={},
        echo=print,
        everyday=None,
    )  # in this process: the user's "rebuild from all my data" case
    assert summary["pairs"] == 40 and len(ReplyMemory.load(model / "memory")) == 40
    missing = run_cli(
        "train", "smalltalk", "--stage", "memory", "--data", str(tmp_path / "no.csv"),
        "--output", str(model),
    )  # fmt: skip
    assert missing.returncode != 0 and "찾을 수 없어요" in missing.stderr
    assert "Traceback" not in missing.stderr


@pytest.mark.skipif(not SHIPPED_MEMORY.is_dir(), reason="no shipped memory")
def test_shipped_memory_is_small_licensed_and_has_no_held_out_pair() -> None:
    size = sum(p.stat().st_size for p in SHIPPED_MEMORY.rglob("*") if p.is_file())
    model = (SHIPPED_MEMORY.parent / "model.safetensors").stat().st_size
    assert size + model <= 30 * 1024 * 1024
    assert "MIT" in (SHIPPED_MEMORY / "LICENSE-ChatbotData.csv").read_text("utf-8")
    assert "ChatbotData" in (SHIPPED_MEMORY / "NOTICE.txt").read_text("utf-8")
    card = (SHIPPED_MEMORY.parent / "MODEL_CARD.md").read_text("utf-8")
    assert "ChatbotData" in card and "MIT" in card
    memory = ReplyMemory.load(SHIPPED_MEMORY)
    from assistant_plugins.smalltalk.everyday import is_everyday, normalized

    data_pairs = [p for p in memory.pairs if not is_everyday(p)]
    everyday = [p for p in memory.pairs if is_everyday(p)]
    assert len(data_pairs) == memory.info["dialogues"]["memory"]
    assert len(everyday) == memory.info["everyday"]["pairs"] >= 2000  # the project's own text
    assert "everyday" in (SHIPPED_MEMORY / "NOTICE.txt").read_text("utf-8")
    if CHATBOTDATA.is_file():
        from assistant_plugins.smalltalk.data import read_dialogues
        from assistant_plugins.smalltalk.training import split_dialogues

        meta = json.loads((SHIPPED_MEMORY.parent / "metadata.json").read_text("utf-8"))
        split = meta["settings"]
        train, held = split_dialogues(
            read_dialogues([CHATBOTDATA]).dialogues, split["eval_split"], split["seed"]
        )
        remembered = {(p.utterance, p.reply) for p in memory.pairs}
        assert len(data_pairs) == len(train)
        assert not remembered & {(d.turns[0], d.turns[1]) for d in held}
        held_questions = {normalized(t) for d in held for t in d.turns[::2]}
        assert not {normalized(p.utterance) for p in everyday} & held_questions
