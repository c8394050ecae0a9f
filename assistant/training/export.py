"""The end of a finished run: everything written into ``settings.output`` (rank 0 only).

Public API::

    save_final(model, settings, result, *, tokenizer=None, on_save=None, metadata=None,
               counts=None, started_at=None) -> None
    plot_loss_curve(history, path, title="") -> None
    library_versions() -> dict[str, str]
    data_files(paths) -> list[dict]          # path, sha256, bytes (or error) per data file
    portable(value, base=None)               # absolute paths near ``base`` made relative

``save_final`` writes the weights via ``model.save_pretrained`` (``config.json``,
``model.safetensors``, generation config; a plain module: ``model.safetensors``), the
tokenizer (``save_pretrained``), ``metadata.json`` (data files + sha256, command line,
settings, metrics, library versions, timings, device/precision/world size, ``counts`` and
``metadata`` merged in; absolute paths inside or next to the working directory written
relative to it, e.g. ``../shared/data/...``, so a shipped card names no machine's
folders) and ``loss_curve.png`` (a failing plot is logged, never fatal), then
calls ``on_save(output, model)`` and removes ``<output>/checkpoint`` unless
``settings.keep_checkpoint``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import shutil
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.loading import quiet
from assistant.training.result import TrainResult

if TYPE_CHECKING:
    import torch

    from assistant.training.options import TrainSettings

log = logging.getLogger("assistant.training")


def library_versions() -> dict[str, str]:
    from importlib import metadata

    versions = {"python": platform.python_version()}
    for name in ("torch", "transformers", "tokenizers", "sentencepiece", "safetensors", "numpy"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    with contextlib.suppress(metadata.PackageNotFoundError):
        versions["irang-assistant"] = metadata.version("irang-assistant")
    return versions


def data_files(paths: Sequence[Path]) -> list[dict[str, Any]]:
    from assistant.training.tables import sha256_file

    files = []
    for path in paths:
        entry: dict[str, Any] = {"path": str(path)}
        try:
            entry["sha256"] = sha256_file(path)
            entry["bytes"] = Path(path).stat().st_size
        except OSError as exc:
            entry["error"] = str(exc)
        files.append(entry)
    return files


def save_final(
    model: torch.nn.Module,
    settings: TrainSettings,
    result: TrainResult,
    *,
    tokenizer: Any = None,
    on_save: Callable[[Path, torch.nn.Module], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
    counts: Mapping[str, int] | None = None,
    started_at: str | None = None,
) -> None:
    """Write the trained model, tokenizer, ``metadata.json`` and ``loss_curve.png`` (see the
    module docstring); then ``on_save``; then drop the checkpoint unless it is kept."""
    s = settings
    out = Path(s.output)
    out.mkdir(parents=True, exist_ok=True)
    if hasattr(model, "save_pretrained"):
        with quiet():  # no "Writing model shards" bar
            model.save_pretrained(out)
    else:
        from safetensors.torch import save_model

        save_model(model, str(out / "model.safetensors"))
    if tokenizer is not None:
        tokenizer.save_pretrained(str(out))
    meta: dict[str, Any] = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "plugin": s.plugin,
        "command_line": s.command_line,
        "data_files": data_files(s.data),
        "settings": s.as_json(),
        "metrics": result.metrics,
        "history": result.history,
        "device": result.device,
        "precision": result.precision,
        "world_size": result.world_size,
        **dict(counts or {}),
        "num_parameters": sum(p.numel() for p in model.parameters()),
        "timings": {
            "started": started_at,
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "elapsed_s": round(result.elapsed_s, 2),
            "tokens_per_s": round(result.tokens_per_s, 1),
        },
        "versions": library_versions(),
    }
    meta.update(dict(metadata or {}))
    (out / "metadata.json").write_text(
        json.dumps(portable(meta), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    try:
        plot_loss_curve(result.history, out / "loss_curve.png", title=s.plugin)
    except Exception as exc:  # noqa: BLE001 - a plot must never lose a trained model
        log.warning("loss curve not written: %s", exc)
    if on_save is not None:
        on_save(out, model)
    if not s.keep_checkpoint and s.checkpoint_dir.exists():
        shutil.rmtree(s.checkpoint_dir, ignore_errors=True)


def plot_loss_curve(history: Sequence[Mapping[str, Any]], path: Path, title: str = "") -> None:
    """Train and held-out loss against optimizer steps, as a PNG (matplotlib, Agg)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    train = [(h["step"], h["train_loss"]) for h in history if "train_loss" in h]
    evals = [(h["step"], h["eval_loss"]) for h in history if "eval_loss" in h]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    if train:
        ax.plot(*zip(*train, strict=True), label="train loss")
    if evals:
        ax.plot(*zip(*evals, strict=True), marker="o", label="held-out loss")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("loss")
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def portable(value: Any, base: Path | None = None) -> Any:
    """``value`` (JSON-like) with every absolute path under ``base``'s parent folder written
    relative to ``base`` (default: the working directory, i.e. the repository):
    ``<repo>/models/x`` -> ``models/x``, ``<repo>/../shared/data/a.csv`` -> ``../shared/data/a.csv``.
    Other values (and paths elsewhere) are kept."""
    base = (base or Path.cwd()).resolve()
    if isinstance(value, Mapping):
        return {k: portable(v, base) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [portable(v, base) for v in value]
    if isinstance(value, (str, Path)) and Path(value).is_absolute():
        path = Path(value)
        with contextlib.suppress(ValueError):
            path.relative_to(base.parent)
            return os.path.relpath(path, base)
    return str(value) if isinstance(value, Path) else value
