"""``plugins.emotion.class_bias``: a per-class logit offset applied by the classifier, and the
chat over-reading bench (``bench/emotion_chat_readings.py``)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from assistant_plugins.emotion.classifier import (
    EmotionClassifier,
    ModelError,
    class_bias_from_settings,
)
from assistant_plugins.emotion.lexicon import shipped as shipped_lexicon
from emotion_helpers import CORPUS, GOLD, make_kobert_dir

ROOT = Path(__file__).resolve().parent.parent


def test_class_bias_from_settings() -> None:
    assert class_bias_from_settings({}) == {}
    assert class_bias_from_settings({"class_bias": None}) == {}
    assert class_bias_from_settings({"class_bias": {"분노": -0.5, "일상": "1"}}) == {
        "분노": -0.5,
        "일상": 1.0,
    }
    with pytest.raises(ModelError, match="class_bias"):
        class_bias_from_settings({"class_bias": {"분노": "많이"}})
    with pytest.raises(ModelError, match="class_bias"):
        class_bias_from_settings({"class_bias": [-0.5]})


def test_the_configured_bias_is_a_mapping_of_known_labels() -> None:
    from assistant.config import load_config

    bias = class_bias_from_settings(load_config(None).plugin("emotion"))
    assert set(bias) <= {"일상", "기쁨", "슬픔", "분노", "불안", "우울"}


def test_bias_shifts_one_class_by_its_exponent(tmp_path: Path) -> None:
    classifier = EmotionClassifier.load(str(make_kobert_dir(tmp_path / "m", seed=5)), threads=1)
    text = CORPUS[3]
    before = classifier.predict(text).probabilities
    classifier.use_class_bias({"분노": -1.0, "없는감정": 3.0})  # unknown labels are ignored
    after = classifier.predict(text).probabilities
    assert sum(after.values()) == pytest.approx(1.0)
    # the odds of 분노 against any other class fall by e, the others' odds stay
    ratio_before = before["분노"] / before["일상"]
    assert after["분노"] / after["일상"] == pytest.approx(ratio_before / math.e, rel=1e-4)
    assert after["기쁨"] / after["일상"] == pytest.approx(before["기쁨"] / before["일상"], rel=1e-4)
    classifier.use_class_bias({})
    assert classifier.predict(text).probabilities == pytest.approx(before)


def test_bias_and_lexicon_commute_and_keep_the_score_contract(tmp_path: Path) -> None:
    model = make_kobert_dir(tmp_path / "m", seed=7)
    both = EmotionClassifier.load(
        str(model), threads=1, lexicon=shipped_lexicon(), lexicon_boost=8, class_bias={"분노": -2}
    )
    for text, prediction in zip(CORPUS, both.predict_many(CORPUS, 0.4), strict=True):
        assert prediction.label in both.labels
        best = max(prediction.probabilities, key=prediction.probabilities.get)
        if prediction.label == best:
            assert prediction.score == pytest.approx(prediction.probabilities[best])
        else:  # fell back to 일상: the score is 1 - p(best emotion)
            assert prediction.label == "일상"
            assert prediction.score == pytest.approx(1.0 - prediction.probabilities[best])
        assert text


def test_the_assistant_reads_the_setting(make_assistant, tmp_path: Path) -> None:
    from assistant_plugins.emotion.runtime import state

    model = make_kobert_dir(tmp_path / "m", seed=3)
    assistant = make_assistant(
        {"plugins": {"emotion": {"model": str(model), "class_bias": {"분노": -4.0}}}}
    )
    classifier = state(assistant.app).get()
    assert classifier is not None and classifier.class_bias[classifier.labels.index("분노")] == -4.0
    turn = assistant.respond("친구가 약속을 또 어겨서 화가 나")
    assert turn.emotion is None or turn.emotion.label in classifier.labels


def test_eval_json_reports_the_bias(tmp_path: Path, run_cli) -> None:
    model = make_kobert_dir(tmp_path / "model", seed=3)
    data = tmp_path / "eval.tsv"
    data.write_text(
        "text\tlabel\n" + "".join(f"{t}\t{g}\n" for t, g in zip(CORPUS, GOLD, strict=True)),
        encoding="utf-8",
    )
    args = ["eval", "emotion", "--data", str(data), "--model", str(model), "--json"]
    done = run_cli(*args, "--no-class-bias")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["class_bias"] == {}


def _bench():
    spec = importlib.util.spec_from_file_location(
        "emotion_chat_readings", ROOT / "bench" / "emotion_chat_readings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_chat_bench_reads_only_the_seen_sets() -> None:
    bench = _bench()
    assert "eval_prompts_s.tsv" not in bench.SETS and len(bench.SETS) == 18
    with pytest.raises(SystemExit):
        bench.read_remarks(["eval_prompts_s.tsv"])  # refused before any reading
    assert bench.parse_model("shipped@none", {"분노": -0.5}) == ("shipped", {})
    assert bench.parse_model("shipped", {"분노": -0.5}) == ("shipped", {"분노": -0.5})
    assert bench.parse_model("x@분노=-1,일상=0.5", {}) == ("x", {"분노": -1.0, "일상": 0.5})


def test_chat_bench_shares() -> None:
    from assistant_plugins.emotion.classifier import Prediction

    bench = _bench()
    rows = [{"kind": k, "text": t} for k, t in [("daily", "a"), ("plans", "b"), ("complaint", "c")]]
    predictions = [
        Prediction("분노", 0.9, {}),
        Prediction("불안", 0.45, {}),
        Prediction("분노", 0.8, {}),
    ]
    figures = bench.shares(rows, predictions)
    assert figures["plain"]["remarks"] == 2 and figures["plain"]["negative"] == 2
    assert figures["plain"]["negative_at_0_5"] == 1 and figures["anger_overall"] == 2
    assert figures["complaint_feeling"]["negative"] == 1
    assert figures["complaint_feeling"]["joy"] == 0 and figures["plain"]["joy_at_0_5"] == 0


def test_sweep_counts_joy_precision_so_sets_can_be_pooled() -> None:
    spec = importlib.util.spec_from_file_location(
        "emotion_class_bias_sweep", ROOT / "bench" / "emotion_class_bias_sweep.py"
    )
    sweep = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sweep)
    gold = ["기쁨", "분노", "기쁨", "일상", "슬픔"]
    said = ["기쁨", "기쁨", "일상", "기쁨", "슬픔"]
    assert sweep.class_precision(gold, said) == {"right": 1, "predicted": 3, "precision": 0.3333}
    assert sweep.class_precision(gold, said, "슬픔") == {
        "right": 1,
        "predicted": 1,
        "precision": 1.0,
    }
    assert sweep.class_precision(["기쁨"], ["일상"])["precision"] is None
