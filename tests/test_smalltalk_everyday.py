"""The project's own everyday exchanges in the reply memory (plugins/smalltalk/everyday)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.training.tables import DataError, SkipLog
from assistant_plugins.smalltalk.everyday import (
    EVERYDAY_DIR,
    everyday_files,
    is_everyday,
    read_everyday,
)
from assistant_plugins.smalltalk.memory import MemoryPair, ReplyMemory
from assistant_plugins.smalltalk.pipeline import ReplyPipeline, Weights
from smalltalk_helpers import write_chatbot_csv, write_config

HEADER = "# a comment line\nQ\tA\tlabel\n"


def _tsv(path: Path, body: str) -> Path:
    path.write_text(HEADER + body, "utf-8")
    return path


def test_rows_are_read_and_broken_rows_skipped_with_file_and_line(tmp_path: Path) -> None:
    path = _tsv(
        tmp_path / "set.tsv",
        "퇴근했어\t오늘도 수고 많으셨어요.\t2\n"  # line 3
        "\n"
        "# another comment\n"
        '빨래 돌려 놨어\t"다 되면" 바로 널어 주세요.\t0\n'  # line 6: a reply may start oddly
        "열이 하나뿐\n"  # 7: one column
        "너무 많아\t답\t0\t넷째\n"  # 8: four columns
        "\t빈 질문\t0\n"  # 9: empty remark
        "라벨이 이상해\t답이에요.\t5\n"  # 10: bad label
        "퇴근 했어!\t중복이에요.\t2\n"  # 11: the same remark as line 3 (spaces, punctuation)
        f"{'가' * 600}\t답\t0\n",  # 12: over-long
    )
    skipped = SkipLog()
    pairs = read_everyday([path], skipped)
    assert [(p.id, p.utterance, p.label, p.source) for p in pairs] == [
        ("everyday:set:3", "퇴근했어", 2, "set.tsv"),
        ("everyday:set:6", "빨래 돌려 놨어", 0, "set.tsv"),
    ]
    assert pairs[1].reply == '"다 되면" 바로 널어 주세요.'
    assert [(Path(s.file).name, s.number) for s in skipped.entries] == [
        ("set.tsv", n) for n in (7, 8, 9, 10, 11, 12)
    ]
    assert skipped.by_reason()["중복된 대화"] == 1 and "set.tsv" in skipped.summary()
    assert all(is_everyday(p) for p in pairs)
    assert not is_everyday(MemoryPair("ChatbotData:3", "q", "a", 0, "ChatbotData.csv"))


def test_a_file_without_the_header_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("# comment\n질문\t답\n배고파\t밥 드세요.\t0\n", "utf-8")
    with pytest.raises(DataError, match=r"bad\.tsv.* 2행: 머리행"):
        read_everyday([path])
    empty = tmp_path / "empty.tsv"
    empty.write_text("# only a comment\n", "utf-8")
    with pytest.raises(DataError, match="머리행"):
        read_everyday([empty])


def test_the_shipped_exchanges_read_cleanly() -> None:
    files = everyday_files()
    assert [f.name for f in files][:1] == ["topics_a.tsv"]
    skipped = SkipLog()
    pairs = read_everyday(files, skipped)
    assert len(pairs) >= 1000 and skipped.count == 0, skipped.summary()
    assert {p.label for p in pairs} == {0, 1, 2}
    for path in files:  # the licence line heads every file
        assert "MIT" in path.read_text("utf-8").splitlines()[0]


def _build(
    tmp_path: Path, everyday: Path | None, split: str = "train", rule: dict | None = None
) -> ReplyMemory:
    from assistant_plugins.smalltalk.data import read_dialogues
    from assistant_plugins.smalltalk.memory_build import run_memory_stage
    from assistant_plugins.smalltalk.training import split_dialogues

    rows = [(f"질문 {i}번 이야기", f"답 {i}번이에요.", str(i % 3)) for i in range(40)]
    data = write_chatbot_csv(tmp_path / "chat.csv", rows)
    _, held = split_dialogues(read_dialogues([data]).dialogues, 0.25, 7)
    if everyday is not None:  # one everyday remark is a held-out question (spacing aside)
        _tsv(
            everyday / "mine.tsv",
            "오늘 첫눈 왔어\t벌써 첫눈이네요. 따뜻하게 입으세요.\t0\n"
            "빨래 돌려 놨어\t끝나면 바로 널어 주세요.\t0\n"
            f"{held[0].turns[0].replace(' ', '')}!\t이건 들어가면 안 돼요.\t0\n",
        )
    model = tmp_path / "model"
    model.mkdir(exist_ok=True)
    settings = SimpleNamespace(data=[data], output=model, eval_split=0.25, seed=7)
    run_memory_stage(
        settings,
        data_format="auto",
        memory_split=split,
        name="이랑",
        generation={},
        echo=print,
        everyday=everyday,
        rule=rule,
    )
    return ReplyMemory.load(model / "memory")


def test_memory_stage_adds_them_but_never_a_held_out_question(tmp_path: Path) -> None:
    folder = tmp_path / "everyday"
    folder.mkdir()
    memory = _build(tmp_path, folder)
    ids = [p.id for p in memory.pairs]
    assert sorted(i for i in ids if i.startswith("everyday:")) == [
        "everyday:mine:3",
        "everyday:mine:4",
    ]  # line 5 (a held-out question) stayed out
    assert len(memory) == 30 + 2
    info = memory.info["everyday"]
    assert info["used"] and info["pairs"] == 2
    assert info["skipped_rows"]["by_reason"] == {"검증 분할의 질문과 같음": 1}
    notice = (tmp_path / "model" / "memory" / "NOTICE.txt").read_text("utf-8")
    assert "everyday" in notice and "MIT" in notice
    dev = json.loads((tmp_path / "model" / "memory" / "pipeline.json").read_text("utf-8"))["dev"]
    assert dev["everyday_dev_pairs"] == 1 and "floor_levels" in dev
    (tmp_path / "b").mkdir()
    without = _build(tmp_path / "b", None)
    assert len(without) == 30
    assert not any(is_everyday(p) for p in without.pairs)
    assert without.info["everyday"] == {"used": False}
    assert "everyday" not in (tmp_path / "b" / "model" / "memory" / "NOTICE.txt").read_text("utf-8")


def _mixed_memory() -> ReplyMemory:
    return ReplyMemory.build(
        [
            MemoryPair("ChatbotData:7", "첫눈에 반함", "운명적인 사랑이네요.", 2, "c.csv"),
            MemoryPair("everyday:topics_a:9", "빨래 돌려 놨어", "끝나면 널어 주세요.", 0, "a.tsv"),
            MemoryPair("ChatbotData:8", "배고파", "밥 먹으러 가요.", 0, "c.csv"),
        ]
    )


def test_source_says_everyday_and_the_relevance_floor_drops_weak_matches() -> None:
    memory = _mixed_memory()
    choice = ReplyPipeline(memory, weights=Weights(min_fit=0.0)).choose("빨래 돌려 놨어")
    assert choice.source == "everyday" and choice.as_json()["id"] == "everyday:topics_a:9"
    assert choice.as_json()["candidates"][0]["cover"] == 1.0
    loose = ReplyPipeline(
        memory, weights=Weights(min_fit=0.0, min_fit_data=0.0, min_cover=0.0, weak_gives_way=0.0)
    )
    weak = loose.choose("오늘 첫눈 왔대 엄청 많이")
    assert weak.source == "memory" and 0 < weak.best.cover < 0.7
    strict = ReplyPipeline(
        memory, weights=Weights(min_fit=0.0, min_fit_data=0.0, min_cover=0.7, weak_gives_way=0.0)
    )
    floored = strict.choose("오늘 첫눈 왔대 엄청 많이", neutral=lambda: "그렇군요.")
    assert floored.source == "neutral" and floored.text == "그렇군요."
    assert [c.excluded for c in floored.candidates] == ["relevance"]


def test_ask_json_names_the_everyday_source(run_cli, tmp_path: Path) -> None:
    folder = tmp_path / "memory"
    _mixed_memory().save(folder)
    (folder / "pipeline.json").write_text(json.dumps({"weights": {"min_fit": 0.3}}), "utf-8")
    config = write_config(
        tmp_path / "config.yaml", {"model": "off", "memory": str(folder), "selector": "off"}
    )
    asked = run_cli("--config", str(config), "ask", "빨래 돌려 놨어", "--json")
    assert asked.returncode == 0, asked.stderr
    info = json.loads(asked.stdout)["data"]["smalltalk"]
    assert info["source"] == "everyday" and info["id"] == "everyday:topics_a:9"
    assert info["matched"] == "빨래 돌려 놨어"


def test_everyday_dir_is_the_package_folder() -> None:
    assert EVERYDAY_DIR.name == "everyday" and (EVERYDAY_DIR / "topics_a.tsv").is_file()


class _PreferLongReplies:
    """A response scorer that prefers long replies (the rule under test, not a model)."""

    def score(self, context: list[str], text: str, replies: list[str]) -> list[float]:
        return [len(r) / 10 for r in replies]


def test_the_selector_never_outscores_persona_answers() -> None:
    from assistant_plugins.smalltalk.pipeline import load_persona

    memory = ReplyMemory.build(
        [
            MemoryPair(
                "ChatbotData:1",
                "너 똑똑해",
                "똑똑한 사람 곁에 있으면 배울 게 많죠. 좋겠어요.",
                0,
                "c",
            )
        ]
    )
    pipeline = ReplyPipeline(
        memory, load_persona("이랑"), None, _PreferLongReplies(), Weights(selector=5.0, min_fit=0.0)
    )
    choice = pipeline.choose("너 똑똑하다")
    assert choice.source == "persona"
    persona = next(c for c in choice.candidates if c.source == "persona")
    assert persona.selector == max(c.selector for c in choice.candidates)


def test_a_fixed_rule_is_shipped_and_both_rules_are_scored(tmp_path: Path) -> None:
    rule = {"fit": 2.0, "vote": 0.5, "min_fit": 0.4, "min_fit_data": 0.6, "emotion": 0.1}
    _build(tmp_path, None, rule=rule)
    saved = json.loads((tmp_path / "model" / "memory" / "pipeline.json").read_text("utf-8"))
    assert {k: saved["weights"][k] for k in rule} == rule
    dev = saved["dev"]
    assert dev["rule_from"] == "fixed (--rule)" and "chosen" in dev["grid_choice"]
    assert isinstance(dev["chosen"], float)


def test_rule_file_errors_are_korean(tmp_path: Path, run_cli) -> None:
    data = write_chatbot_csv(tmp_path / "chat.csv", [("안녕", "안녕하세요.", "0")] * 3)
    bad = tmp_path / "bad.json"
    bad.write_text('{"weights": {"fit": "many"}}', "utf-8")
    for path, message in ((tmp_path / "none.json", "찾을 수 없어요"), (bad, "숫자 가중치")):
        result = run_cli(
            "train", "smalltalk", "--stage", "memory", "--data", str(data),
            "--output", str(tmp_path / "model"), "--rule", str(path),
        )  # fmt: skip
        assert result.returncode != 0 and message in result.stderr, result.stderr


def test_the_evaluation_cuts_the_tone_opener_and_its_emoji():
    from assistant_plugins.smalltalk.everyday_eval import _without_opener

    tone = {"tone": {"emotion": "불안", "opener": "걱정이 많이 되시죠."}}
    assert (
        _without_opener("걱정이 많이 되시죠. 😟 온수매트가 나아요.", tone) == "온수매트가 나아요."
    )
    assert _without_opener("걱정이 많이 되시죠. 온수매트가 나아요.", tone) == "온수매트가 나아요."
    assert _without_opener("ㅋㅋ 좋아요", {}) == "ㅋㅋ 좋아요"
