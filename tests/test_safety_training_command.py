"""``assistant train safety``: a user's own crisis scorer, and ``plugins.safety.scorer``.

Real processes, real files: the command trains the pure-Python scorer on one project set and
the user's file (tiny chat data, so it takes seconds), writes where it is told (never over the
shipped weights), and the detector then reads the file the setting names.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import pytest

from assistant_plugins.safety import Safety, scorer_path
from assistant_plugins.safety.scorer import WEIGHTS_PATH

USER_ROWS = """# my rows (the sets' format; kind may be anything)
label\tkind\ttext
crisis\tindirect\t은하수 열차 타고 영영 떠나고 싶어
crisis\tindirect\t은하수 열차 표 끊어 뒀어 이제 안 돌아올 거야
safe\teveryday\t은하수 열차 애니 다시 보는 중
a row without tabs
maybe\tx\t라벨이 이상한 줄
safe\tfalse_friend\t은하수 사진 찍으러 강원도 떠나고 싶어
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _chat(tmp_path: Path) -> Path:
    chat = tmp_path / "chat.csv"
    chat.write_text(
        "Q,A,label\n오늘 점심 뭐 먹지,김밥 어때요,0\n주말에 비 온대,우산 챙기세요,0\n", "utf-8"
    )
    return chat


def test_train_safety_writes_a_scorer_the_setting_then_uses(run_cli, tmp_path: Path) -> None:
    rows = tmp_path / "my_rows.tsv"
    rows.write_text(USER_ROWS, encoding="utf-8")
    out = tmp_path / "out"
    shipped = _sha(WEIGHTS_PATH)
    result = run_cli(
        "train", "safety", "--sets", "dev", "--data", str(rows), "--no-everyday",
        "--chat-data", str(_chat(tmp_path)), "--output", str(out), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    weights = out / "crisis_scorer.json"
    assert weights.is_file()
    assert _sha(WEIGHTS_PATH) == shipped  # the shipped weights are never written
    # the weights hold pieces of the user's remarks: readable by the user only
    assert out.stat().st_mode & 0o777 == 0o700 and weights.stat().st_mode & 0o777 == 0o600
    # the broken rows are skipped, counted and named by file and row
    assert "건너뛴 행 2개" in result.stdout
    assert "my_rows.tsv 6행" in result.stdout and "my_rows.tsv 7행" in result.stdout
    assert f"scorer: {weights.resolve()}" in result.stdout
    meta = json.loads(weights.read_text(encoding="utf-8"))["meta"]
    assert meta["command"] == "assistant train safety"
    assert meta["sets"] == ["dev"] and meta["files"] == [str(rows)]
    assert meta["skipped_rows"] == 2
    assert meta["folds"] == "one per author" and "다른 저자 문장에서" in result.stdout
    # the setting points the detector at the user's weights
    assert scorer_path({"scorer": str(weights)}) == weights
    assert Safety.from_settings({"scorer": str(weights)}).detector.scorer_path == weights
    assert Safety.from_settings({}).detector.scorer_path == WEIGHTS_PATH


def test_one_author_alone_is_judged_on_random_folds_and_says_so(run_cli, tmp_path: Path) -> None:
    rows = tmp_path / "mine.tsv"
    rows.write_text(USER_ROWS, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "train", "safety", "--no-project-sets", "--data", str(rows), "--no-everyday",
        "--chat-data", str(_chat(tmp_path)), "--output", str(out), timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    meta = json.loads((out / "crisis_scorer.json").read_text(encoding="utf-8"))["meta"]
    assert isinstance(meta["folds"], int)
    assert meta["threshold_chosen_on"].startswith("out-of-fold")
    assert "교차 검증에서" in result.stdout and "다른 저자 문장에서" not in result.stdout


def test_an_unreadable_scorer_file_keeps_the_shipped_scorer(tmp_path: Path, caplog) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="assistant.safety"):
        assert scorer_path({"scorer": str(broken)}) == WEIGHTS_PATH
        assert scorer_path({"scorer": str(tmp_path / "missing.json")}) == WEIGHTS_PATH
    assert "broken.json" in caplog.text and "기본 점수기를 써요" in caplog.text
    assert scorer_path({"scorer": "shipped"}) == WEIGHTS_PATH


@pytest.mark.parametrize(
    ("rows", "options", "message"),
    [
        (None, ("--sets", "test_x"), "보류 평가 세트"),  # a held-out set
        (None, ("--no-project-sets", "--data", "nope.tsv"), "찾을 수 없어요"),
        ("crisis\t그만 살고 싶어\n", ("--no-project-sets",), "머리줄"),  # no header
        ("label\ttext\nsafe\t오늘 날씨 좋다\n", ("--no-project-sets",), "crisis 0개"),
    ],
)
def test_train_safety_refuses_what_it_cannot_use(
    run_cli, tmp_path: Path, rows: str | None, options: tuple[str, ...], message: str
) -> None:
    data: tuple[str, ...] = ()
    if rows is not None:
        (tmp_path / "rows.tsv").write_text(rows, encoding="utf-8")
        data = ("--data", str(tmp_path / "rows.tsv"))
    options = tuple(str(tmp_path / o) if o.endswith(".tsv") else o for o in options)
    result = run_cli("train", "safety", *options, *data, "--output", str(tmp_path / "out"))
    assert result.returncode != 0 and message in result.stderr
    assert not (tmp_path / "out" / "crisis_scorer.json").exists()
