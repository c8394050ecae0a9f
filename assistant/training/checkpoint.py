"""Resumable checkpoints without pickle: safetensors for tensors, JSON for everything else.

Layout of ``<output>/checkpoint/`` (written to ``checkpoint.tmp`` and renamed into place)::

    model.safetensors          weights at the last completed optimizer step
    best.safetensors           weights with the best held-out loss so far (if any eval ran)
    optimizer.safetensors      optimizer state tensors, keys "<param index>.<name>"
    trainer_state.json         step, data position, optimizer param groups and scalar state,
                               GradScaler state, best loss / patience, history, timings, ...
    rng_rank<R>.safetensors    torch (and CUDA) RNG states of rank R
    rng_rank<R>.json           python ``random`` and numpy global RNG states of rank R

Public API::

    capture_rng() -> RngState                 # snapshot of python/numpy/torch/CUDA RNG
    restore_rng(state: RngState) -> None
    save_checkpoint(directory, *, model, optimizer, scaler, state, rng, rank, world_size,
                    best_from=None, best_is_current=False) -> None   # collective under DDP
    load_checkpoint(directory, *, model, optimizer, scaler, rank) -> (state: dict, rng: RngState)
    optimizer_to_flat(optimizer) -> (tensors, meta) / optimizer_from_flat(optimizer, tensors, meta)

Everything is loaded with ``safetensors`` and ``json`` only (no ``torch.load``).
"""

from __future__ import annotations

import json
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, load_model, save_file, save_model

from assistant.training.device import barrier
from assistant.training.errors import TrainingError

STATE_FILE = "trainer_state.json"


@dataclass
class RngState:
    """All global RNG states of this process."""

    tensors: dict[str, torch.Tensor] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


def capture_rng() -> RngState:
    version, internal, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    tensors = {"torch": torch.get_rng_state().clone()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        for i, state in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"cuda.{i}"] = state.clone()
    meta = {
        "python": [version, list(internal), gauss],
        "numpy": [name, keys.tolist(), int(pos), int(has_gauss), float(cached)],
    }
    return RngState(tensors, meta)


def restore_rng(state: RngState) -> None:
    version, internal, gauss = state.meta["python"]
    random.setstate((version, tuple(internal), gauss))
    name, keys, pos, has_gauss, cached = state.meta["numpy"]
    np.random.set_state((name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state.tensors["torch"])
    cuda = [state.tensors[k] for k in sorted(state.tensors) if k.startswith("cuda.")]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda[: torch.cuda.device_count()])


def optimizer_to_flat(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict]:
    """Optimizer state as (tensors for safetensors, JSON-able rest)."""
    sd = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for index, entry in sd["state"].items():
        for key, value in entry.items():
            if torch.is_tensor(value):
                tensors[f"{index}.{key}"] = value.detach().to("cpu").contiguous()
            else:
                scalars.setdefault(str(index), {})[key] = value
    groups = [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()}
        for g in sd["param_groups"]
    ]
    return tensors, {"param_groups": groups, "scalars": scalars}


def optimizer_from_flat(
    optimizer: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], meta: dict
) -> None:
    state: dict[int, dict[str, Any]] = {}
    for name, value in tensors.items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value
    for index, entry in meta.get("scalars", {}).items():
        state.setdefault(int(index), {}).update(entry)
    groups = []
    for g in meta["param_groups"]:
        g = dict(g)
        if isinstance(g.get("betas"), list):
            g["betas"] = tuple(g["betas"])
        groups.append(g)
    optimizer.load_state_dict({"state": state, "param_groups": groups})


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def save_checkpoint(
    directory: Path,
    *,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scaler: Any,
    state: dict[str, Any],
    rng: RngState,
    rank: int,
    world_size: int,
    best_is_current: bool = False,
) -> None:
    """Write a checkpoint (all ranks must call it under DDP; rank 0 writes the shared files).

    ``best_is_current``: the current weights are the best so far; otherwise the previous
    checkpoint's ``best.safetensors`` (if any) is carried over.
    """
    directory = Path(directory)
    tmp = directory.with_name(directory.name + ".tmp")
    if rank == 0:
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        save_model(model, str(tmp / "model.safetensors"))
        previous_best = directory / "best.safetensors"
        if best_is_current:
            shutil.copyfile(tmp / "model.safetensors", tmp / "best.safetensors")
        elif previous_best.exists():
            shutil.copyfile(previous_best, tmp / "best.safetensors")
        tensors, meta = optimizer_to_flat(optimizer)
        save_file(tensors, str(tmp / "optimizer.safetensors"))
        full = dict(state)
        full["optimizer"] = meta
        full["scaler"] = scaler.state_dict() if scaler is not None else None
        full["world_size"] = world_size
        _write_json(tmp / STATE_FILE, full)
    barrier()
    save_file(rng.tensors, str(tmp / f"rng_rank{rank}.safetensors"))
    _write_json(tmp / f"rng_rank{rank}.json", rng.meta)
    barrier()
    if rank == 0:
        old = directory.with_name(directory.name + ".old")
        if directory.exists():
            if old.exists():
                shutil.rmtree(old)
            os.replace(directory, old)
        os.replace(tmp, directory)
        if old.exists():
            shutil.rmtree(old)
    barrier()


def load_checkpoint(
    directory: Path,
    *,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    scaler: Any,
    rank: int,
) -> tuple[dict[str, Any], RngState]:
    """Load a checkpoint into ``model``/``optimizer``/``scaler``; returns (state, rng)."""
    directory = Path(directory)
    state_path = directory / STATE_FILE
    if not state_path.is_file():
        raise TrainingError(
            f"이어서 학습할 체크포인트가 없어요: '{directory}'. --resume 없이 처음부터 학습해 주세요."
        )
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
        missing, unexpected = load_model(model, str(directory / "model.safetensors"), strict=False)
        if missing or unexpected:
            raise TrainingError(
                f"체크포인트의 모델 구조가 지금 모델과 달라요 ('{directory}'): "
                f"빠진 가중치 {len(missing)}개, 남는 가중치 {len(unexpected)}개."
            )
        device = next(model.parameters()).device
        tensors = load_file(str(directory / "optimizer.safetensors"), device=str(device))
        optimizer_from_flat(optimizer, tensors, state.pop("optimizer"))
        scaler_state = state.pop("scaler", None)
        if scaler is not None and scaler_state:
            scaler.load_state_dict(scaler_state)
        rng_tensors = load_file(str(directory / f"rng_rank{rank}.safetensors"))
        rng_meta = json.loads((directory / f"rng_rank{rank}.json").read_text(encoding="utf-8"))
    except TrainingError:
        raise
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise TrainingError(f"체크포인트 '{directory}'를 읽을 수 없어요: {exc}") from exc
    return state, RngState(rng_tensors, rng_meta)
