"""Weight-space interpolation of two emotion models (plugins/emotion/soup.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.training.errors import TrainingError
from emotion_helpers import CORPUS, GOLD, LABELS, make_kobert_dir


def _weights(directory: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(directory / "model.safetensors"))


def test_interpolate_state_mixes_floats_and_keeps_buffers():
    import torch

    from assistant_plugins.emotion.soup import interpolate_state

    base = {"w": torch.zeros(2, 2), "ids": torch.arange(3)}
    tuned = {"w": torch.ones(2, 2) * 4, "ids": torch.arange(3) + 7}
    mixed = interpolate_state(base, tuned, 0.25)
    assert torch.equal(mixed["w"], torch.ones(2, 2))
    assert torch.equal(mixed["ids"], base["ids"])
    with pytest.raises(TrainingError):
        interpolate_state(base, {"w": tuned["w"]}, 0.5)
    with pytest.raises(TrainingError):
        interpolate_state(base, {**tuned, "w": torch.ones(3)}, 0.5)
    with pytest.raises(TrainingError):
        interpolate_state(base, tuned, 1.5)


def test_interpolate_dirs_writes_a_loadable_recalibrated_mix(tmp_path: Path):
    import shutil

    import torch

    from assistant_plugins.emotion.classifier import EmotionClassifier
    from assistant_plugins.emotion.data import Example
    from assistant_plugins.emotion.soup import interpolate_dirs

    base = make_kobert_dir(tmp_path / "base", seed=0)
    other = make_kobert_dir(tmp_path / "other", seed=1)
    tuned = tmp_path / "tuned"  # same vocabulary as the base, other weights
    shutil.copytree(base, tuned)
    shutil.copy2(other / "model.safetensors", tuned / "model.safetensors")
    (tuned / "metadata.json").write_text(json.dumps({"temperature": {"value": 2.0}}))
    rows = [Example(t, g, "dev.tsv", i) for i, (t, g) in enumerate(zip(CORPUS, GOLD, strict=True))]
    out = tmp_path / "mix"
    record = interpolate_dirs(base, tuned, 0.5, out, rows, max_length=32)
    assert record["alpha"] == 0.5
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["interpolation"]["alpha"] == 0.5 and meta["temperature"]["rows"] == len(rows)
    a, b, mixed = _weights(base), _weights(tuned), _weights(out)
    name = "bert.encoder.layer.0.attention.self.query.weight"
    assert torch.allclose(mixed[name], (a[name] + b[name]) / 2)
    # the classifier layer is the mix divided by the refitted temperature
    t = meta["temperature"]["value"]
    head = (a["classifier.weight"] + b["classifier.weight"]) / 2 / t
    assert torch.allclose(mixed["classifier.weight"], head, atol=1e-6)
    assert EmotionClassifier.load(out).predict(CORPUS[0]).label in GOLD
    # α = 0 gives the base back, before calibration
    interpolate_dirs(base, tuned, 0.0, tmp_path / "zero")
    assert all(torch.equal(v, _weights(tmp_path / "zero")[k]) for k, v in a.items())
    with pytest.raises(TrainingError):  # another label set: the classifier layers differ
        alien = make_kobert_dir(tmp_path / "alien", labels=LABELS[:3])
        interpolate_dirs(base, alien, 0.5, tmp_path / "x")
