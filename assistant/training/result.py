"""``TrainResult``: what a training run did (returned by ``loop.train``).

Fields: ``output``, ``steps``, ``total_steps``, ``epochs`` (float), ``train_loss`` (mean over
the last log window), ``eval_loss`` (of the saved weights, or None), ``best_step``,
``stopped_early``, ``interrupted``, ``history`` (list of dicts with ``step``,
``train_loss``/``eval_loss``, ``lr``), ``tokens_per_s``, ``useful_token_fraction``,
``elapsed_s``, ``world_size``, ``device``, ``precision``; ``result.metrics`` is the flat dict
also written to ``metadata.json``. Light: no torch import.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class TrainResult:
    """What a training run did; ``metrics`` is what goes to ``metadata.json``."""

    output: Path
    steps: int = 0
    total_steps: int = 0
    epochs: float = 0.0
    train_loss: float | None = None
    eval_loss: float | None = None
    best_step: int | None = None
    stopped_early: bool = False
    interrupted: bool = False
    history: list[dict[str, Any]] = field(default_factory=list)
    tokens_per_s: float = 0.0
    useful_token_fraction: float = 1.0
    elapsed_s: float = 0.0
    world_size: int = 1
    device: str = "cpu"
    precision: str = "fp32"

    @property
    def metrics(self) -> dict[str, Any]:
        return {
            "steps": self.steps,
            "total_steps": self.total_steps,
            "epochs": round(self.epochs, 4),
            "train_loss": self.train_loss,
            "eval_loss": self.eval_loss,
            "eval_perplexity": _perplexity(self.eval_loss),
            "best_step": self.best_step,
            "stopped_early": self.stopped_early,
            "interrupted": self.interrupted,
            "tokens_per_s": round(self.tokens_per_s, 1),
            "useful_token_fraction": round(self.useful_token_fraction, 4),
            "elapsed_s": round(self.elapsed_s, 2),
        }


def _perplexity(loss: float | None) -> float | None:
    if loss is None:
        return None
    return round(math.exp(min(loss, 50.0)), 4)
