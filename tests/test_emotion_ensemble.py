"""The emotion ensemble (``plugins.emotion.ensemble``): the probabilities of two networks
trained apart are averaged (model card, session 23: round Z), with real tiny models."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import load_config
from assistant_plugins.emotion.classifier import (
    EmotionClassifier,
    ModelError,
    ensemble_sources,
    load_configured,
)
from assistant_plugins.emotion.lexicon import shipped
from emotion_helpers import CORPUS, LABELS, make_kobert_dir

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def two_models(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("ensemble")
    return make_kobert_dir(root / "a", seed=1), make_kobert_dir(root / "b", seed=2)


def test_a_partner_s_probabilities_are_averaged_with_the_model_s(two_models) -> None:
    first, second = (
        EmotionClassifier.load(str(p), lexicon=shipped(), lexicon_boost=8) for p in two_models
    )
    alone_a, alone_b = first.predict_many(CORPUS), second.predict_many(CORPUS)
    first.add_partner(second)
    together = first.predict_many(CORPUS)
    for a, b, both in zip(alone_a, alone_b, together, strict=True):
        for label in first.labels:
            mean = (a.probabilities[label] + b.probabilities[label]) / 2
            assert both.probabilities[label] == pytest.approx(mean, abs=1e-6)
        best = max(both.probabilities, key=both.probabilities.get)
        assert both.label == best or both.label == "일상"  # a plain request falls back


def test_a_partner_with_other_labels_is_refused_in_korean(two_models, tmp_path) -> None:
    other = make_kobert_dir(tmp_path / "other", labels=list(reversed(LABELS)), seed=3)
    first = EmotionClassifier.load(str(two_models[0]))
    with pytest.raises(ModelError, match="라벨이 서로 달라요"):
        first.add_partner(EmotionClassifier.load(str(other)))


def test_ensemble_setting_vocabulary(two_models) -> None:
    assert ensemble_sources({}) == [] and ensemble_sources({"ensemble": []}) == []
    assert ensemble_sources({"ensemble": ["off"]}) == []
    (local,) = ensemble_sources({"ensemble": str(two_models[1])})
    assert local.kind == "local"
    (partner,) = ensemble_sources({"ensemble": ["emotion-mini-b"]})
    assert partner.kind == "shipped" and partner.path == REPO / "models" / "emotion-mini-b"
    with pytest.raises(ModelError, match="plugins.emotion.ensemble"):
        ensemble_sources({"ensemble": {"a": 1}})
    with pytest.raises(ModelError, match="plugins.emotion.ensemble"):
        ensemble_sources({"ensemble": ["/no/such/model"]})


def test_the_configured_classifier_has_its_partner_and_a_named_model_stands_alone(
    two_models,
) -> None:
    settings = {**load_config(None).plugin("emotion"), "ensemble": [str(two_models[1])]}
    settings["model"] = str(two_models[0])
    configured = load_configured(settings)
    assert [p.directory for p in configured.partners] == [two_models[1].resolve()]
    assert load_configured(settings, str(two_models[0])).partners == []


def test_the_shipped_configuration_averages_the_two_shipped_networks() -> None:
    settings = load_config(None).plugin("emotion")
    assert settings["ensemble"] == ["emotion-mini-b"]
    partner = REPO / "models" / "emotion-mini-b"
    assert (partner / "model.safetensors").is_file() and (partner / "MODEL_CARD.md").is_file()
    assert (partner / "model.safetensors").stat().st_size <= 30 * 1024 * 1024
