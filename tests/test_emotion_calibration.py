"""Calibration (ECE, temperature), opener precision, the neutral fallback's score and MLM
pretraining: hand-computed examples and tiny real models."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from assistant_plugins.emotion.calibration import (
    expected_calibration_error,
    fit_temperature,
    opener_figures,
    softmax,
)
from emotion_helpers import CORPUS, GOLD, LABELS, make_kobert_dir, train_sp_model


def test_expected_calibration_error_by_hand():
    # bins of width 0.1: 0.95 -> bin 9 (right), 0.85 -> bin 8 (wrong), 0.62 -> bin 6 (right),
    # 0.30 -> bin 3 (wrong): (|1-0.95| + |0-0.85| + |1-0.62| + |0-0.30|) / 4 = 1.58 / 4
    ece = expected_calibration_error([0.95, 0.85, 0.62, 0.30], [True, False, True, False])
    assert ece == pytest.approx(0.395)
    # two in one bin: |accuracy 0.5 - mean confidence 0.75| * 2/2
    assert expected_calibration_error([0.72, 0.78], [True, False]) == pytest.approx(0.25)
    assert expected_calibration_error([1.0], [True]) == pytest.approx(0.0)
    assert expected_calibration_error([], []) == 0.0


def test_fit_temperature_matches_the_accuracy_by_hand():
    # Four rows all scored [4, 0], three of them right: the NLL-optimal probability of
    # class 0 is 3/4, i.e. sigmoid(4 / T) = 0.75, T = 4 / ln 3.
    temperature = fit_temperature([[4.0, 0.0]] * 4, [0, 0, 0, 1])
    assert temperature == pytest.approx(4 / math.log(3), rel=1e-3)
    assert softmax([4.0, 0.0], temperature)[0] == pytest.approx(0.75, rel=1e-3)


def test_opener_figures_by_hand():
    gold = ["슬픔", "기쁨", "일상", "분노", "불안"]
    predicted = ["슬픔", "슬픔", "기쁨", "일상", "불안"]
    scores = [0.9, 0.95, 0.99, 0.9, 0.5]
    # at 0.8: openers for rows 0 (right), 1 (wrong), 2 (wrong: neutral gold); row 3 is 일상
    # (no opener), row 4 is below the least score
    figures = opener_figures(gold, predicted, scores, 0.8, "일상")
    assert figures["openers"] == 3 and figures["openers_right"] == 1
    assert figures["opener_precision"] == pytest.approx(0.3333)
    assert figures["opener_recall"] == pytest.approx(0.25)  # 1 of 4 emotional rows
    blocked = opener_figures(
        gold, predicted, scores, 0.8, "일상", [False, True, True, False, False]
    )
    assert blocked["openers"] == 1 and blocked["opener_precision"] == 1.0
    assert opener_figures(gold, predicted, scores, 1.0, "일상")["opener_precision"] is None


def test_neutral_fallback_score_is_the_chance_of_not_that_emotion(tmp_path: Path):
    from assistant_plugins.emotion.classifier import EmotionClassifier

    classifier = EmotionClassifier.load(str(make_kobert_dir(tmp_path / "m", seed=5)))
    plain_predictions = classifier.predict_many(CORPUS)
    held_predictions = classifier.predict_many(CORPUS, 0.99)
    for plain, held in zip(plain_predictions, held_predictions, strict=True):
        best = max(plain.probabilities.values())
        assert plain.score == pytest.approx(best)
        if plain.label == "일상":
            assert held.label == "일상" and held.score == pytest.approx(best)
        else:  # an emotion below the threshold: 일상, scored 1 - p(that emotion)
            assert held.label == "일상" and held.score == pytest.approx(1 - best)
            assert held.score >= 0.01


def test_eval_json_reports_calibration_and_opener_precision(tmp_path: Path, run_cli):
    from assistant.config import load_config
    from assistant_plugins.emotion.classifier import EmotionClassifier, class_bias_from_settings
    from assistant_plugins.emotion.lexicon import boost_from_settings, shipped

    model = make_kobert_dir(tmp_path / "model", seed=3)
    data = tmp_path / "eval.tsv"
    data.write_text(
        "text\tlabel\n" + "".join(f"{t}\t{g}\n" for t, g in zip(CORPUS, GOLD, strict=True)),
        encoding="utf-8",
    )
    args = ["eval", "emotion", "--data", str(data), "--model", str(model), "--threshold", "0"]
    done = run_cli(*args, "--tone-min-score", "0", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    settings = load_config(None).plugin("emotion")
    boost = boost_from_settings(settings)  # as configured: on
    assert result["lexicon_boost"] == boost
    classifier = EmotionClassifier.load(  # the configured class_bias too, as eval applies it
        str(model),
        lexicon=shipped(),
        lexicon_boost=boost,
        class_bias=class_bias_from_settings(settings),
    )
    predictions = classifier.predict_many(CORPUS)
    given = [(g, p.label) for g, p in zip(GOLD, predictions, strict=True) if p.label != "일상"]
    assert result["openers"] == len(given) and result["opener_threshold"] == 0.0
    right = sum(g == p for g, p in given)
    assert result["opener_precision"] == (round(right / len(given), 4) if given else None)
    confidences = [p.score for p in predictions]
    correct = [p.label == g for g, p in zip(GOLD, predictions, strict=True)]
    expected = expected_calibration_error(confidences, correct)
    assert result["calibration"] == pytest.approx(expected, abs=1e-4)
    assert 0.0 <= result["calibration"] <= 1.0 and result["calibration_bins"] == 10
    for key in ("accuracy", "macro_f1", "per_class", "confusion", "labels", "count"):
        assert key in result  # the old shape is kept
    alone = run_cli(*args, "--tone-min-score", "0", "--no-lexicon", "--json")
    assert alone.returncode == 0, alone.stderr
    assert json.loads(alone.stdout)["lexicon_boost"] is None  # the model alone (ablation)


def test_mask_tokens_never_masks_special_tokens():
    import torch

    from assistant_plugins.emotion.pretrain import mask_tokens

    ids = torch.tensor([[2, 10, 11, 12, 13, 3, 1, 1]] * 64)
    inputs, labels = mask_tokens(
        ids, special=[0, 1, 2, 3, 4], mask_id=4, vocab_size=50, generator=torch.Generator()
    )
    chosen = labels != -100
    assert not chosen[:, [0, 5, 6, 7]].any()  # [CLS], [SEP], [PAD] never chosen
    assert 0.05 < chosen.float().mean() < 0.25  # ~15 % of the 4 ordinary of 8 positions
    assert (labels[chosen] == ids[chosen]).all()  # the labels are the original tokens
    assert (inputs[chosen] == 4).float().mean() > 0.6  # mostly [MASK]
    assert (inputs[~chosen] == ids[~chosen]).all()


def test_mlm_pretraining_changes_the_encoder_and_lowers_the_loss(tmp_path: Path):
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from assistant_plugins.emotion.pretrain import mlm_pretrain
    from assistant_plugins.emotion.tokenization import SentencePieceBertTokenizer

    tokenizer = SentencePieceBertTokenizer(train_sp_model(tmp_path))
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        pad_token_id=tokenizer.pad_id,
        num_labels=len(LABELS),
    )
    model = BertForSequenceClassification(config)
    before = model.bert.embeddings.word_embeddings.weight.detach().clone()
    lines: list[str] = []
    stats = mlm_pretrain(
        model, CORPUS * 4, tokenizer, steps=60, batch_size=16, lr=3e-3, echo=lines.append
    )
    assert stats["steps"] == 60 and stats["texts"] == len(CORPUS) * 4
    assert stats["last_loss"] < stats["first_loss"]
    assert not torch.equal(before, model.bert.embeddings.word_embeddings.weight)
    assert lines and "MLM" in lines[-1]
