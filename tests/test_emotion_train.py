"""``assistant train emotion`` and ``assistant eval emotion`` as real processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.training.tables import sha256_file
from conftest import SHARED_DATA, needs_shared_data, recorded_path
from emotion_helpers import CORPUS, GOLD, LABELS, make_kobert_dir, write_config

PLUGIN_DIR = Path(__file__).resolve().parent.parent / "plugins" / "emotion"


def _tsv(path: Path, rows: list[tuple[str, str]]) -> Path:
    path.write_text("text\tlabel\n" + "".join(f"{t}\t{lab}\n" for t, lab in rows), encoding="utf-8")
    return path


def _check_model_dir(out: Path, data: list[Path]) -> dict:
    names = {p.name for p in out.iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "metadata.json",
        "confusion.png",
        "eval_report.json",
    } <= names
    assert not [n for n in names if n.endswith((".bin", ".pt", ".pth"))]
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert [config["id2label"][str(i)] for i in range(len(LABELS))] == LABELS
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert [f["sha256"] for f in meta["data_files"]] == [sha256_file(p) for p in data]
    assert meta["labels"] == LABELS and set(meta["class_weights"]) == set(LABELS)
    assert "macro_f1" in meta["eval_report"]
    return meta


def test_finetune_tiny_kobert_base_then_use_it(tmp_path: Path, run_cli):
    base = make_kobert_dir(tmp_path / "base")
    data = _tsv(tmp_path / "train.tsv", list(zip(CORPUS * 3, GOLD * 3, strict=True)))
    out = tmp_path / "out"
    done = run_cli(
        "train",
        "emotion",
        "--base",
        str(base),
        "--data",
        str(data),
        "--output",
        str(out),
        "--max-steps",
        "4",
        "--batch-size",
        "8",
        "--eval-split",
        "0.2",
        "--eval-every",
        "2",
        "--laughter",
        "0.5",
    )
    assert done.returncode == 0, done.stderr
    assert "학습을 마쳤어요" in done.stdout
    meta = _check_model_dir(out, [data])
    assert recorded_path(meta["base"]) == base.resolve() and meta["metrics"]["steps"] == 4
    assert meta["laughter"]["fraction"] == 0.5 and meta["laughter"]["copies"] > 0
    # the KoBERT tokenizer files travel with the fine-tuned model
    assert (out / "tokenizer_78b3253a26.model").is_file() and (out / "vocab.txt").is_file()
    config = write_config(tmp_path / "config.yaml", {"model": str(out)})
    asked = run_cli("--config", str(config), "ask", "오늘 시험 망쳐서 너무 속상해", "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["emotion"]["label"] in LABELS


def test_eval_json_and_png_match_the_model(tmp_path: Path, run_cli):
    from assistant.config import load_config
    from assistant_plugins.emotion.classifier import EmotionClassifier
    from assistant_plugins.emotion.lexicon import boost_from_settings, shipped
    from assistant_plugins.emotion.metrics import report

    model = make_kobert_dir(tmp_path / "model", seed=3)
    rows = list(zip(CORPUS, GOLD, strict=True))
    data = _tsv(tmp_path / "eval.tsv", [*rows, ("라벨이 이상한 문장", "놀람")])
    png = tmp_path / "cm.png"
    done = run_cli(
        "eval",
        "emotion",
        "--data",
        str(data),
        "--model",
        str(model),
        "--json",
        "--png",
        str(png),
        "--threshold",
        "0",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    boost = boost_from_settings(load_config(None).plugin("emotion"))  # eval uses the lexicon
    classifier = EmotionClassifier.load(str(model), lexicon=shipped(), lexicon_boost=boost)
    expected = report(GOLD, [p.label for p in classifier.predict_many(CORPUS)], LABELS)
    for key in ("accuracy", "macro_f1", "per_class", "confusion"):
        assert result[key] == expected[key]
    assert sum(map(sum, result["confusion"])) == len(rows)
    assert (
        result["skipped"]["count"] == 1 and result["skipped"]["examples"][0]["row"] == len(rows) + 2
    )
    assert png.read_bytes().startswith(b"\x89PNG")
    table = run_cli(
        "eval", "emotion", "--data", str(data), "--model", str(model), "--threshold", "0"
    )
    assert table.returncode == 0 and "macro-F1" in table.stdout and "혼동 행렬" in table.stdout


def test_train_and_eval_errors_are_korean(tmp_path: Path, run_cli):
    data = _tsv(tmp_path / "d.tsv", [("좋아", "기쁨"), ("싫어", "분노")])
    bad_repeat = run_cli("train", "emotion", "--data", str(data), "--repeat", "other.tsv=3")
    assert bad_repeat.returncode != 0 and "--data 로 준 파일이 아니에요" in bad_repeat.stderr
    missing = run_cli("train", "emotion", "--data", str(tmp_path / "none.tsv"), "--max-steps", "1")
    assert missing.returncode != 0 and "찾을 수 없어요" in missing.stderr
    no_model = run_cli("eval", "emotion", "--data", str(data), "--model", str(tmp_path / "nomodel"))
    assert no_model.returncode != 0 and "찾을 수 없어요" in no_model.stderr
    assert "Traceback" not in missing.stderr + no_model.stderr + bad_repeat.stderr
    for option in ("--mlm-text", "--calibration-data"):
        extra = run_cli("train", "emotion", "--data", str(data), option, str(tmp_path / "no.txt"))
        assert extra.returncode == 1 and "파일을 찾을 수 없어요: " in extra.stderr, option


@pytest.mark.slow
@needs_shared_data
def test_mini_preset_on_shared_kote_end_to_end(tmp_path: Path, run_cli):
    kote = SHARED_DATA / "kote" / "val.tsv"
    own = PLUGIN_DIR / "conversations_train.tsv"
    out = tmp_path / "mini"
    done = run_cli(
        "train",
        "emotion",
        "--preset",
        "mini",
        "--data",
        str(kote),
        "--data",
        str(own),
        "--repeat",
        f"{own}=2",
        "--output",
        str(out),
        "--max-steps",
        "6",
        "--batch-size",
        "16",
        "--eval-every",
        "3",
        "--vocab-size",
        "2000",
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "건너뛴 행" in done.stderr and "val.tsv" in done.stderr  # ambiguous KOTE rows named
    meta = _check_model_dir(out, [kote, own])
    assert meta["preset"] == "mini" and meta["skipped_rows"]["count"] > 0
    assert (out / "spiece.model").is_file()
    config = write_config(tmp_path / "config.yaml", {"model": str(out)})
    asked = run_cli("--config", str(config), "ask", "내일 면접인데 너무 떨려", "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["emotion"]["label"] in LABELS
    evaluated = run_cli(
        "--config",
        str(config),
        "eval",
        "emotion",
        "--data",
        str(PLUGIN_DIR / "conversations_heldout.tsv"),
        "--json",
    )
    assert evaluated.returncode == 0, evaluated.stderr
    result = json.loads(evaluated.stdout)
    assert recorded_path(result["model"]) == out.resolve() and result["count"] >= 100
