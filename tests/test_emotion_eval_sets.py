"""The everyday evaluation set ``conversations_eval_b.tsv``: never trained on, and the figures
the shipped model and the default tone setting are calibrated against."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.config import load_config
from assistant_plugins.emotion import labels as lab
from assistant_plugins.emotion.classifier import EmotionClassifier, shipped_dir
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.metrics import report

PLUGIN = Path(lab.__file__).resolve().parent
EVAL_B = PLUGIN / "conversations_eval_b.tsv"
HELDOUT = PLUGIN / "conversations_heldout.tsv"
TRAIN = PLUGIN / "conversations_train.tsv"
REPO = PLUGIN.parent.parent


def squash(text: str) -> str:
    """Whitespace-normalised text: the form in which two sentences count as the same."""
    return "".join(text.split())


def core(text: str) -> str:
    """Without whitespace, punctuation and ㅋ/ㅎ/ㅠ/ㅜ runs (for near-duplicates)."""
    return re.sub(r"[!?.,~^ㅋㅎㅠㅜ\-ㅡ]+", "", squash(text))


def bigram_jaccard(a: str, b: str) -> float:
    first = {a[i : i + 2] for i in range(len(a) - 1)} or {a}
    second = {b[i : i + 2] for i in range(len(b) - 1)} or {b}
    return len(first & second) / len(first | second)


def shipped_training_files() -> list[Path]:
    """The data files the shipped model was trained on (from its metadata) + our own file."""
    metadata = json.loads((shipped_dir() / "metadata.json").read_text(encoding="utf-8"))
    files = [TRAIN]
    for entry in metadata["data_files"]:
        path = Path(entry["path"])
        path = path if path.is_absolute() else REPO / path
        if path.is_file() and path.resolve() != TRAIN.resolve():
            files.append(path)
    return files


def test_eval_b_is_balanced_and_uses_the_six_classes():
    examples = read_examples(EVAL_B)
    assert {e.label for e in examples} == set(lab.LABELS)
    for name in lab.LABELS:
        assert sum(e.label == name for e in examples) >= 20, name
    texts = [squash(e.text) for e in examples]
    assert len(texts) == len(set(texts))


def test_no_eval_b_sentence_is_in_any_training_file():
    evaluation = {squash(e.text) for e in read_examples(EVAL_B)}
    files = shipped_training_files()
    assert TRAIN in files and len(files) >= 2  # our sentences and at least KOTE
    for path in files:
        trained = {squash(e.text) for e in read_examples(path)}
        assert not evaluation & trained, (path.name, sorted(evaluation & trained)[:5])


def test_no_training_sentence_nearly_duplicates_an_evaluation_sentence():
    """Beyond exact copies: no own training sentence shares >= half its character bigrams
    with an eval_b or held-out sentence (e.g. "잘 자요" next to "잘 자")."""
    references = [core(e.text) for path in (EVAL_B, HELDOUT) for e in read_examples(path)]
    close = [
        (example.text, reference)
        for example in read_examples(TRAIN)
        for reference in references
        if bigram_jaccard(core(example.text), reference) >= 0.5
    ]
    assert not close, close[:5]


def test_the_shipped_model_was_never_given_an_evaluation_file():
    metadata = json.loads((shipped_dir() / "metadata.json").read_text(encoding="utf-8"))
    names = {Path(entry["path"]).name for entry in metadata["data_files"]}
    assert not names & {EVAL_B.name, HELDOUT.name}


@pytest.fixture(scope="module")
def eval_b_predictions():
    settings = load_config().plugin("emotion")
    classifier = EmotionClassifier.load("shipped", threads=1)
    examples = read_examples(EVAL_B)
    predictions = classifier.predict_many([e.text for e in examples], float(settings["threshold"]))
    return settings, examples, predictions


def test_shipped_model_reaches_the_issue_target_on_eval_b(eval_b_predictions):
    _, examples, predictions = eval_b_predictions
    result = report([e.label for e in examples], [p.label for p in predictions], lab.LABELS)
    assert result["macro_f1"] >= 0.60, result


def test_default_tone_min_score_keeps_openers_right(eval_b_predictions):
    """At the configured tone_min_score, >= 90 % of the openers eval_b would get are for
    the right emotion, and openers still happen for a fair share of emotional sentences."""
    settings, examples, predictions = eval_b_predictions
    least = float(settings["tone_min_score"])
    given = [
        (e.label, p.label)
        for e, p in zip(examples, predictions, strict=True)
        if p.label != lab.NEUTRAL and p.score >= least
    ]
    right = sum(gold == predicted for gold, predicted in given)
    assert given and right / len(given) >= 0.9, (least, right, len(given))
    emotional = sum(e.label != lab.NEUTRAL for e in examples)
    assert right / emotional >= 0.3, (least, right, emotional)
