"""Weight-space interpolation of two emotion models ("model soup", WiSE-FT).

``θ = (1 − α)·θ_base + α·θ_tuned``, tensor by tensor, for two checkpoints of the same
architecture and vocabulary (a model and a fine-tune of it). The result is one model of the
same size and speed; α = 0 is the base, α = 1 the fine-tune. Both classifier layers carry
their own baked temperature, so the mixed model's temperature is fitted again on the dev
set by the trainer's own :func:`.commands._calibrate`.

torch and safetensors are imported inside the functions only.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from assistant.training.errors import TrainingError

WEIGHTS = "model.safetensors"
#: the tuned folder's figures and card describe the tuned model, not the mix
_NOT_COPIED = (".png", "report.json", ".md")


def interpolate_state(base: dict[str, Any], tuned: dict[str, Any], alpha: float) -> dict[str, Any]:
    """The mixed state dict: floating tensors ``(1 − α)·base + α·tuned``, the others
    (integer buffers such as position ids) from ``base``. Keys and shapes must agree."""
    if not 0.0 <= alpha <= 1.0:
        raise TrainingError(f"--alpha 는 0과 1 사이여야 해요: {alpha}")
    if set(base) != set(tuned):
        missing = sorted(set(base) ^ set(tuned))[:5]
        raise TrainingError(f"두 모델의 가중치 이름이 달라요: {', '.join(missing)}")
    mixed = {}
    for name, a in base.items():
        b = tuned[name]
        if a.shape != b.shape:
            raise TrainingError(f"'{name}'의 모양이 달라요: {tuple(a.shape)} ≠ {tuple(b.shape)}")
        if a.is_floating_point():
            mixed[name] = ((1.0 - alpha) * a.float() + alpha * b.float()).to(a.dtype)
        else:
            mixed[name] = a.clone()
    return mixed


def _same_file(a: Path, b: Path) -> bool:
    return a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()


def interpolate_dirs(
    base_dir: Path,
    tuned_dir: Path,
    alpha: float,
    output: Path,
    calibration_rows: list[Any] | None = None,
    max_length: int = 96,
) -> dict[str, Any]:
    """Write the mix of two model folders to ``output`` (config, tokenizer and metadata of
    ``tuned_dir``), refit the temperature on ``calibration_rows`` when given, and return
    the ``interpolation`` record also stored in ``metadata.json``."""
    from safetensors.torch import load_file

    from .classifier import EmotionClassifier
    from .commands import _calibrate
    from .tokenization import find_sp_model

    base_dir, tuned_dir, output = Path(base_dir), Path(tuned_dir), Path(output)
    for folder in (base_dir, tuned_dir):
        if not (folder / WEIGHTS).is_file():
            raise TrainingError(f"'{folder}'에 {WEIGHTS} 가 없어요.")
    base_sp, tuned_sp = find_sp_model(base_dir), find_sp_model(tuned_dir)
    if (base_sp is None) != (tuned_sp is None) or (
        base_sp is not None and tuned_sp is not None and not _same_file(base_sp, tuned_sp)
    ):
        raise TrainingError("두 모델의 어휘(토크나이저)가 달라서 섞을 수 없어요.")
    mixed = interpolate_state(
        load_file(str(base_dir / WEIGHTS)), load_file(str(tuned_dir / WEIGHTS)), alpha
    )
    output.mkdir(parents=True, exist_ok=True)
    if output.resolve() != tuned_dir.resolve():
        for item in tuned_dir.iterdir():
            if item.is_file() and item.name != WEIGHTS and not item.name.endswith(_NOT_COPIED):
                shutil.copy2(item, output / item.name)
    # the project's loader (Korean errors on corrupt files); its model takes the mixed weights
    loaded = EmotionClassifier.load(tuned_dir, max_length=max_length, threads=1)
    model, tokenizer = loaded.model, loaded.tokenizer
    model.load_state_dict(mixed)
    model.eval()
    model.save_pretrained(output, safe_serialization=True)
    record = {"base": str(base_dir), "tuned": str(tuned_dir), "alpha": alpha}
    meta_path = output / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    # the tuned model's temperature stays baked into its share; a new one is fitted below
    record["tuned_temperature"] = (meta.pop("temperature", None) or {}).get("value")
    meta["interpolation"] = record
    meta.pop("eval_report", None)
    meta_path.write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    if calibration_rows:
        _calibrate(output, model, tokenizer, calibration_rows, max_length)
    return record
