"""The training loop shared by every ``assistant train NAME`` command.

Public API::

    train(model, train_examples, eval_examples, settings, *, collate, loss_fn=None,
          tokenizer=None, on_save=None, metadata=None, length_of=None) -> TrainResult
    evaluate_loss(model, examples, collate, *, batch_size, device, precision=None,
                  loss_fn=None, length_of=None) -> float
    seed_everything(seed) -> None
    lr_at(step, *, total_steps, lr, warmup_steps, min_lr) -> float
    TrainResult                               # dataclass (assistant.training.result)

The pieces around the loop live in their own modules: ``export`` (the final save,
``metadata.json``, ``plot_loss_curve``), ``signals`` (``StopFlag``: Ctrl-C/SIGTERM),
``result`` (``TrainResult``), ``checkpoint`` (resumable state); the names above stay
importable from here.

- ``model``: a ``torch.nn.Module``, normally a Hugging Face ``PreTrainedModel`` whose
  ``forward(**batch)`` returns an output with ``.loss``. Build it (after
  ``seed_everything(settings.seed)``) before calling ``train``; ``train`` moves it to the
  device. On return (every rank) the model holds the saved (best) weights.
- ``train_examples`` / ``eval_examples``: lists of examples, each a dict such as
  ``{"input_ids": [...], "labels": [...]}`` (user-turn labels already -100) or
  ``{"input_ids": [...], "labels": 3}``. ``eval_examples`` may be empty (then no early
  stopping; the last weights are saved).
- ``collate(list_of_examples) -> dict[str, Tensor]``: e.g.
  ``batching.make_collate(pad_id)``. The dict goes to the model as ``model(**batch)``.
- ``loss_fn(model, batch) -> scalar Tensor``: optional, replaces ``model(**batch).loss``
  (e.g. class-weighted cross-entropy: ``F.cross_entropy(model(input_ids=...,
  attention_mask=...).logits.float(), batch["labels"], weight=w)``). It receives the
  wrapped model (DDP / compiled), so call it, don't unwrap it. Used for eval too, where it
  gets the model without the DDP wrapper: ranks evaluate different numbers of batches, and a
  DDP forward is a collective (it broadcasts buffers), so it would wait forever.
- ``tokenizer``: anything with ``save_pretrained(dir)`` (``PreTrainedTokenizerFast``, a
  SentencePiece wrapper, ...); saved next to the model.
- ``on_save(output_dir, model)``: called on rank 0 after the final save, for extra files
  (label names, generation config, confusion matrix, model card).
- ``metadata``: extra JSON-able entries merged into ``metadata.json`` (e.g.
  ``{"skipped_rows": skip_log.as_json(), "format": "chatbotdata"}``).
- ``length_of(example) -> int``: length used for batching (default ``len(ex["input_ids"])``).

What ``train`` does: joins the torchrun process group if any (gloo on CPU, nccl on CUDA),
picks device/precision (bf16/fp16 autocast, GradScaler for fp16, TF32 and fused AdamW on
CUDA), optional ``torch.compile``, AdamW (decay on 2-D weights) with linear warmup and cosine
decay to ``lr * min_lr_ratio``, gradient accumulation and clipping, length-grouped dynamic
padding (``batching.LengthGroupedBatches``, sharded across ranks), held-out loss every
``eval_every`` optimizer steps and at the end, early stopping after ``patience`` evals without
improvement, and a checkpoint at every eval in ``<output>/checkpoint`` (see
``checkpoint.py``) that ``settings.resume`` continues exactly: same final weights and losses
as an uninterrupted run. Ctrl-C (SIGINT) finishes the current optimizer step, saves a
checkpoint and returns with ``result.interrupted = True`` (a second Ctrl-C aborts at once);
SIGTERM (what torchrun and job schedulers send) does the same.
Progress: a rich bar (step, loss, tokens/s, ETA) when stderr is a terminal, plain lines every
``log_every`` steps otherwise; only rank 0 prints or writes.

The final save (rank 0, unless interrupted) writes into ``settings.output``: the best weights
(by held-out loss) via ``model.save_pretrained`` (``config.json``, ``model.safetensors``,
generation config), the tokenizer, ``metadata.json`` (data files + sha256, command line,
settings, metrics, library versions, timings, useful-token fraction, device/precision/world
size, plus ``metadata``) and ``loss_curve.png``. ``<output>/checkpoint`` is removed after a
finished run unless ``keep_checkpoint`` is set.

``TrainResult`` fields: ``output``, ``steps``, ``total_steps``, ``epochs`` (float),
``train_loss`` (mean over the last log window), ``eval_loss`` (of the saved weights, or None),
``best_step``, ``stopped_early``, ``interrupted``, ``history`` (list of dicts with ``step``,
``train_loss``/``eval_loss``, ``lr``), ``tokens_per_s``, ``useful_token_fraction``,
``elapsed_s``, ``world_size``, ``device``, ``precision``; ``result.metrics`` is the flat dict
also written to ``metadata.json``.

Several GPUs (or CPU processes) with DDP: run the same command under torchrun, e.g.::

    torchrun --nproc_per_node=4 -m assistant train smalltalk --data ChatbotData.csv --output runs/st
    torchrun --nproc_per_node=2 -m assistant train emotion --data val.tsv --device cpu  # gloo

``--batch-size`` is per process; the effective batch is batch_size x grad_accum x processes.
Ctrl-C in the terminal reaches torchrun and every worker: the workers agree to stop after
the current step and save one checkpoint (torchrun itself then prints its own
``SignalException`` traceback, which is harmless); resume with the same command plus
``--resume`` and the same number of processes.

Resume rules: the checkpoint must come from the same training data (a fingerprint of the
encoded examples), ``batch_size``, ``grad_accum``, ``seed`` and number of processes, else
``TrainingError`` explains what changed. The total number of steps may change (e.g. a larger
``--max-steps`` to train further; the learning-rate schedule then follows the new total).
A finished run deletes its checkpoint unless ``keep_checkpoint: true``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch

from assistant.training import checkpoint as ckpt
from assistant.training.batching import LengthGroupedBatches
from assistant.training.device import (
    Distributed,
    Precision,
    all_reduce_sum,
    configure_backends,
    is_cuda,
    make_optimizer,
    pick_precision,
    setup_distributed,
)
from assistant.training.errors import DataError, TrainingError
from assistant.training.export import plot_loss_curve, save_final
from assistant.training.options import TrainSettings, record_result
from assistant.training.progress import Reporter
from assistant.training.result import TrainResult
from assistant.training.signals import StopFlag

log = logging.getLogger("assistant.training")

__all__ = [
    "StopFlag",
    "TrainResult",
    "data_fingerprint",
    "evaluate_loss",
    "lr_at",
    "plot_loss_curve",
    "seed_everything",
    "train",
]

Example = Mapping[str, Any]
Batch = dict[str, Any]
LossFn = Callable[[torch.nn.Module, Batch], torch.Tensor]


def data_fingerprint(examples: Sequence[Example]) -> str:
    """SHA-256 over every example's list values (token ids, labels) and scalar labels.

    Stored in checkpoints so ``--resume`` refuses data that changed (an exact resume
    would be impossible).
    """
    import hashlib

    digest = hashlib.sha256()
    for example in examples:
        for key in sorted(example):
            value = example[key]
            digest.update(key.encode())
            if isinstance(value, (list, tuple)):
                digest.update(np.asarray(value, dtype=np.int64).tobytes())
            else:
                digest.update(repr(value).encode())
    return digest.hexdigest()[:16]


def seed_everything(seed: int) -> None:
    """Seed python ``random``, numpy and torch (all devices)."""
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)


def lr_at(step: int, *, total_steps: int, lr: float, warmup_steps: int, min_lr: float) -> float:
    """Linear warmup to ``lr`` over ``warmup_steps``, then cosine decay to ``min_lr``."""
    if warmup_steps > 0 and step < warmup_steps:
        return lr * (step + 1) / warmup_steps
    span = max(1, total_steps - warmup_steps)
    progress = min(1.0, (step - warmup_steps) / span)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * progress)) * (lr - min_lr)


def _default_length(example: Example) -> int:
    return len(example["input_ids"])


def _to_device(batch: Batch, device: torch.device) -> Batch:
    return {
        k: (v.to(device, non_blocking=True) if torch.is_tensor(v) else v) for k, v in batch.items()
    }


def _count_tokens(batch: Batch) -> int:
    mask = batch.get("attention_mask")
    if torch.is_tensor(mask):
        return int(mask.sum())
    ids = batch.get("input_ids")
    if torch.is_tensor(ids):
        return int(ids.numel())
    return 0


def _loss_weight(batch: Batch) -> int:
    labels = batch.get("labels")
    if torch.is_tensor(labels) and labels.dim() >= 2:
        return int((labels != -100).sum())
    for value in batch.values():
        if torch.is_tensor(value) and value.dim() >= 1:
            return int(value.shape[0])
    return 1


def _compute_loss(model: torch.nn.Module, batch: Batch, loss_fn: LossFn | None) -> torch.Tensor:
    if loss_fn is not None:
        return loss_fn(model, batch)
    out = model(**batch)
    loss = getattr(out, "loss", None)
    if loss is None and isinstance(out, Mapping):
        loss = out.get("loss")
    if loss is None:
        raise TrainingError(
            "모델이 loss를 돌려주지 않아요. 배치에 labels를 넣거나 loss_fn을 주세요."
        )
    return loss


def _eval_batches(lengths: Sequence[int], batch_size: int, dist: Distributed) -> list[list[int]]:
    order = np.argsort(np.asarray(lengths), kind="stable").tolist()
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    return batches[dist.rank :: dist.world_size]


@torch.no_grad()
def evaluate_loss(
    model: torch.nn.Module,
    examples: Sequence[Example],
    collate: Callable[[list[Example]], Batch],
    *,
    batch_size: int,
    device: torch.device | str,
    precision: Precision | None = None,
    loss_fn: LossFn | None = None,
    length_of: Callable[[Example], int] | None = None,
    dist: Distributed | None = None,
) -> float:
    """Mean loss over ``examples``, weighted by label tokens (LM) or examples (classifier).

    Under DDP each rank evaluates its share and the sums are all-reduced. Leaves the model in
    eval mode.
    """
    dist = dist or Distributed()
    device = torch.device(device)
    length_of = length_of or _default_length
    lengths = [length_of(ex) for ex in examples]
    model.eval()
    total = torch.zeros(2, dtype=torch.float64, device=device)
    autocast = precision.autocast(device) if precision else contextlib.nullcontext()
    for indices in _eval_batches(lengths, batch_size, dist):
        batch = _to_device(collate([examples[i] for i in indices]), device)
        weight = _loss_weight(batch)
        if weight == 0:  # nothing to score (all labels -100): the mean would be NaN
            continue
        with autocast:
            loss = _compute_loss(model, batch, loss_fn)
        total[0] += loss.detach().double() * weight
        total[1] += weight
    all_reduce_sum(total)
    return float(total[0] / total[1]) if total[1] > 0 else float("nan")


def train(
    model: torch.nn.Module,
    train_examples: Sequence[Example],
    eval_examples: Sequence[Example],
    settings: TrainSettings,
    *,
    collate: Callable[[list[Example]], Batch],
    loss_fn: LossFn | None = None,
    tokenizer: Any = None,
    on_save: Callable[[Path, torch.nn.Module], None] | None = None,
    metadata: Mapping[str, Any] | None = None,
    length_of: Callable[[Example], int] | None = None,
) -> TrainResult:
    """Train ``model`` and save it to ``settings.output`` (see the module docstring)."""
    if not train_examples:
        raise DataError("학습할 샘플이 하나도 없어요.")
    run = _Run(model, train_examples, eval_examples, settings, collate, loss_fn, length_of)
    result = run.fit()
    record_result(result)  # an interrupted run makes the train command exit with 130
    if run.dist.is_main and not result.interrupted:
        save_final(
            run.raw_model,
            settings,
            result,
            tokenizer=tokenizer,
            on_save=on_save,
            metadata=metadata,
            counts={
                "num_train_examples": len(train_examples),
                "num_eval_examples": len(eval_examples),
            },
            started_at=run.started_at,
        )
    return result


@dataclass
class _Window:
    """Loss and tokens since the last history entry (for the mean loss and tokens/s)."""

    loss: float = 0.0
    steps: int = 0
    tokens: int = 0
    start: float = field(default_factory=time.perf_counter)

    def add(self, loss: float, tokens: int) -> None:
        self.loss += loss
        self.steps += 1
        self.tokens += tokens

    @property
    def mean_loss(self) -> float:
        return self.loss / max(1, self.steps)

    def tokens_per_s(self, now: float) -> float:
        return self.tokens / max(1e-9, now - self.start)

    def reset(self, now: float) -> None:
        self.loss, self.steps, self.tokens, self.start = 0.0, 0, 0, now


class _Run:
    """One training run's state (kept in one place so checkpoints can capture it)."""

    def __init__(
        self,
        model: torch.nn.Module,
        train_examples: Sequence[Example],
        eval_examples: Sequence[Example],
        settings: TrainSettings,
        collate: Callable[[list[Example]], Batch],
        loss_fn: LossFn | None,
        length_of: Callable[[Example], int] | None,
    ) -> None:
        self.settings = s = settings
        self.dist, self.device = setup_distributed(s.device)
        configure_backends(self.device)
        self.precision = pick_precision(s.precision, self.device)
        self.raw_model = model.to(self.device)
        self.train_examples = train_examples
        self.eval_examples = eval_examples
        self.collate = collate
        self.loss_fn = loss_fn
        self.length_of = length_of or _default_length
        lengths = [self.length_of(ex) for ex in train_examples]
        self.batches = LengthGroupedBatches(
            lengths, s.batch_size, seed=s.seed, rank=self.dist.rank, world_size=self.dist.world_size
        )
        self.batches_per_epoch = len(self.batches)
        self.useful_fraction = self.batches.useful_token_fraction()
        self.fingerprint = data_fingerprint(train_examples)
        accum = max(1, s.grad_accum)
        if s.max_steps > 0:
            self.total_steps = s.max_steps
        else:
            self.total_steps = max(1, (s.epochs * self.batches_per_epoch) // accum)
        self.warmup_steps = int(round(s.warmup * self.total_steps))
        self.optimizer = make_optimizer(
            self.raw_model, lr=s.lr, weight_decay=s.weight_decay, device=self.device
        )
        self.scaler = self.precision.make_scaler(self.device)
        # Progress state (all of it goes into checkpoints).
        self.step = 0
        self.best_loss: float | None = None
        self.best_step: int | None = None
        self.bad_evals = 0
        self.history: list[dict[str, Any]] = []
        self.tokens_seen = 0
        self.elapsed_before = 0.0
        self.last_train_loss: float | None = None
        self.last_eval_loss: float | None = None
        self.rng_at_step = ckpt.capture_rng()
        self._epoch_cache: tuple[int, list[list[int]]] | None = None

    # --- helpers -----------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        s = self.settings
        return {
            "step": self.step,
            "total_steps": self.total_steps,
            "micro_batch": self.step * max(1, s.grad_accum),
            "epoch": (self.step * max(1, s.grad_accum)) // max(1, self.batches_per_epoch),
            "batches_per_epoch": self.batches_per_epoch,
            "num_train_examples": len(self.train_examples),
            "data_fingerprint": self.fingerprint,
            "batch_size": s.batch_size,
            "grad_accum": s.grad_accum,
            "seed": s.seed,
            "best_loss": self.best_loss,
            "best_step": self.best_step,
            "bad_evals": self.bad_evals,
            "history": self.history,
            "tokens_seen": self.tokens_seen,
            "elapsed_s": self.elapsed_before + (time.perf_counter() - self.started),
            "last_train_loss": self.last_train_loss,
            "last_eval_loss": self.last_eval_loss,
            "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }

    def _resume(self) -> None:
        s = self.settings
        state, rng = ckpt.load_checkpoint(
            s.checkpoint_dir,
            model=self.raw_model,
            optimizer=self.optimizer,
            scaler=self.scaler,
            rank=self.dist.rank,
        )
        for key, now in (
            ("num_train_examples", len(self.train_examples)),
            ("data_fingerprint", self.fingerprint),
            ("batch_size", s.batch_size),
            ("grad_accum", s.grad_accum),
            ("seed", s.seed),
            ("world_size", self.dist.world_size),
        ):
            if state.get(key) != now:
                raise TrainingError(
                    f"체크포인트와 지금 설정이 달라 정확히 이어갈 수 없어요: {key} "
                    f"{state.get(key)} → {now}. 같은 데이터와 설정으로 실행하거나 --resume을 빼 주세요."
                )
        if state.get("total_steps") != self.total_steps:
            log.warning(
                "total steps changed on resume: %s -> %s",
                state.get("total_steps"),
                self.total_steps,
            )
        self.step = int(state["step"])
        self.best_loss = state.get("best_loss")
        self.best_step = state.get("best_step")
        self.bad_evals = int(state.get("bad_evals", 0))
        self.history = list(state.get("history", []))
        self.tokens_seen = int(state.get("tokens_seen", 0))
        self.elapsed_before = float(state.get("elapsed_s", 0.0))
        self.last_train_loss = state.get("last_train_loss")
        self.last_eval_loss = state.get("last_eval_loss")
        ckpt.restore_rng(rng)

    def _batch_indices(self, micro: int) -> list[int]:
        epoch, position = divmod(micro, self.batches_per_epoch)
        if self._epoch_cache is None or self._epoch_cache[0] != epoch:
            self._epoch_cache = (epoch, self.batches.epoch(epoch))
        return self._epoch_cache[1][position]

    def _save_checkpoint(self, best_is_current: bool = False) -> None:
        ckpt.save_checkpoint(
            self.settings.checkpoint_dir,
            model=self.raw_model,
            optimizer=self.optimizer,
            scaler=self.scaler,
            state=self._state(),
            rng=self.rng_at_step,
            rank=self.dist.rank,
            world_size=self.dist.world_size,
            best_is_current=best_is_current,
        )

    def _evaluate(self) -> float:
        s = self.settings
        model = self.model
        if self.dist.enabled and hasattr(model, "module"):
            model = model.module  # not DDP: its forward is a collective (see loss_fn above)
        loss = evaluate_loss(
            model,
            self.eval_examples,
            self.collate,
            batch_size=s.eval_batch_size or s.batch_size,
            device=self.device,
            precision=self.precision,
            loss_fn=self.loss_fn,
            length_of=self.length_of,
            dist=self.dist,
        )
        return loss

    def _wrap_model(self, compile_model: bool) -> torch.nn.Module:
        model: torch.nn.Module = self.raw_model
        if compile_model:
            try:
                model = torch.compile(model, dynamic=True)  # type: ignore[assignment]
            except Exception as exc:  # noqa: BLE001 - compile is optional
                log.warning("torch.compile failed, training uncompiled: %s", exc)
        if self.dist.enabled:
            from torch.nn.parallel import DistributedDataParallel

            ids = [self.device.index] if is_cuda(self.device) else None
            model = DistributedDataParallel(model, device_ids=ids)
        return model

    def _start_line(self, resumed: bool) -> str:
        s = self.settings
        accum = max(1, s.grad_accum)
        epochs = self.total_steps * accum / max(1, self.batches_per_epoch)
        line = (
            f"학습 샘플 {len(self.train_examples):,}개 (검증 {len(self.eval_examples):,}개), "
            f"배치 {s.batch_size}×누적 {accum}×프로세스 {self.dist.world_size}, "
            f"{self.total_steps:,} 스텝 ({epochs:.2f} 에폭), "
            f"유효 토큰 비율 {self.useful_fraction:.1%}, {self.device}/{self.precision.name}"
        )
        if resumed:
            line += f"\n체크포인트에서 이어서 학습해요: {self.step} 스텝부터"
        elif self.replacing_checkpoint:
            line += (
                f"\n기존 체크포인트({s.checkpoint_dir})는 새 학습으로 덮어써요 "
                "(이어서 하려면 --resume)."
            )
        return line

    def _forward_loss(self, batch: Batch, reporter: Reporter) -> torch.Tensor:
        """The training loss; if ``torch.compile`` fails on the first batch, fall back."""
        if not self._compile_pending:
            return _compute_loss(self.model, batch, self.loss_fn)
        try:
            loss = _compute_loss(self.model, batch, self.loss_fn)
        except Exception as exc:
            if not type(exc).__module__.startswith(("torch._dynamo", "torch._inductor")):
                raise
            log.warning("torch.compile failed, training uncompiled", exc_info=exc)
            reporter.message(
                f"torch.compile을 쓸 수 없어 컴파일 없이 학습해요 ({type(exc).__name__})."
            )
            self.model = self._wrap_model(False)
            loss = _compute_loss(self.model, batch, self.loss_fn)
        self._compile_pending = False
        return loss

    def _stop_requested(self, flag: StopFlag) -> bool:
        if not self.dist.enabled:
            return flag.requested
        t = torch.tensor([1.0 if flag.requested else 0.0], device=self.device)
        return bool(all_reduce_sum(t).item() > 0)

    # --- the loop ------------------------------------------------------------------------

    def fit(self) -> TrainResult:
        s = self.settings
        self._begin()
        reporter = Reporter(
            total_steps=self.total_steps,
            start_step=self.step,
            enabled=self.dist.is_main,
            log_every=s.log_every,
        )
        result = TrainResult(output=s.output, world_size=self.dist.world_size)
        window = _Window()
        has_eval = len(self.eval_examples) > 0
        with StopFlag() as flag, reporter:
            reporter.message(self._start_line(resumed=s.resume))
            try:
                while self.step < self.total_steps:
                    if self._stop_requested(flag):
                        result.interrupted = True
                        break
                    lr = self._set_lr()
                    loss, tokens = self._optimizer_step(reporter)
                    self._record(window, loss, tokens, lr, reporter)
                    if self._eval_due() and self._eval_and_checkpoint(has_eval, reporter):
                        result.stopped_early = True
                        break
            except KeyboardInterrupt:
                if self.in_update:
                    reporter.message(
                        "최적화 도중에 중단돼서 체크포인트를 저장하지 못했어요 "
                        "(마지막 체크포인트는 그대로 있어요)."
                    )
                    raise
                result.interrupted = True
            if result.interrupted:
                self._save_checkpoint()
                reporter.message(
                    f"학습을 {self.step}번째 스텝에서 멈추고 체크포인트를 저장했어요: "
                    f"{s.checkpoint_dir}\n같은 명령에 --resume 을 붙이면 이어서 학습해요."
                )
        if not result.interrupted:
            self._load_best_weights()
        self.raw_model.eval()
        return self._summary(result)

    def _begin(self) -> None:
        """Resume if asked, wrap the model (DDP / compile) and start the clocks."""
        s = self.settings
        self.started = time.perf_counter()
        self.started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if s.resume:
            self._resume()
        self.replacing_checkpoint = (
            not s.resume and (s.checkpoint_dir / ckpt.STATE_FILE).exists() and self.dist.is_main
        )
        self.rng_at_step = ckpt.capture_rng()
        self.model = self._wrap_model(s.compile)
        self._compile_pending = s.compile
        self.in_update = False

    def _set_lr(self) -> float:
        s = self.settings
        lr = lr_at(
            self.step,
            total_steps=self.total_steps,
            lr=s.lr,
            warmup_steps=self.warmup_steps,
            min_lr=s.lr * s.min_lr_ratio,
        )
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        return lr

    def _optimizer_step(self, reporter: Reporter) -> tuple[float, int]:
        """One optimizer step over ``grad_accum`` micro-batches: (mean loss, real tokens)."""
        s = self.settings
        accum = max(1, s.grad_accum)
        self.model.train()
        step_loss = torch.zeros((), device=self.device)
        step_tokens = 0
        for k in range(accum):
            micro = self.step * accum + k
            examples = [self.train_examples[i] for i in self._batch_indices(micro)]
            batch = _to_device(self.collate(examples), self.device)
            step_tokens += _count_tokens(batch)
            no_sync = (
                self.model.no_sync()
                if self.dist.enabled and k < accum - 1
                else contextlib.nullcontext()
            )
            with no_sync:
                with self.precision.autocast(self.device):
                    loss = self._forward_loss(batch, reporter)
                scaled = loss / accum
                if self.scaler is not None:
                    self.scaler.scale(scaled).backward()
                else:
                    scaled.backward()
            step_loss += loss.detach().float() / accum
        self.in_update = True  # from here a Ctrl-C can't leave a consistent checkpoint
        self._apply_gradients()
        self.step += 1
        self.rng_at_step = ckpt.capture_rng()
        self.in_update = False
        self.tokens_seen += step_tokens * self.dist.world_size
        loss_value = float(step_loss)
        if not math.isfinite(loss_value) and self.scaler is None:
            raise TrainingError(
                f"{self.step}번째 스텝에서 loss가 {loss_value}가 됐어요. --lr을 낮춰 보세요."
            )
        return loss_value, step_tokens * self.dist.world_size

    def _apply_gradients(self) -> None:
        """Clip, step (through the GradScaler for fp16) and clear the gradients."""
        clip = self.settings.grad_clip
        if self.scaler is not None:
            if clip > 0:
                self.scaler.unscale_(self.optimizer)
                torch.nn.utils.clip_grad_norm_(self.raw_model.parameters(), clip)
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            if clip > 0:
                torch.nn.utils.clip_grad_norm_(self.raw_model.parameters(), clip)
            self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)

    def _record(
        self, window: _Window, loss: float, tokens: int, lr: float, reporter: Reporter
    ) -> None:
        """Progress for this step; every ``log_every`` steps a history entry (window mean)."""
        window.add(loss, tokens)
        now = time.perf_counter()
        tokens_per_s = window.tokens_per_s(now)
        reporter.step(self.step, loss, lr, tokens_per_s)
        if self.step % max(1, self.settings.log_every) == 0 or self.step == self.total_steps:
            self.last_train_loss = window.mean_loss
            self.history.append(
                {
                    "step": self.step,
                    "train_loss": self.last_train_loss,
                    "lr": lr,
                    "tokens_per_s": round(tokens_per_s, 1),
                }
            )
            window.reset(now)

    def _eval_due(self) -> bool:
        every = self.settings.eval_every
        return (every > 0 and self.step % every == 0) or self.step == self.total_steps

    def _load_best_weights(self) -> None:
        if self.best_step is not None and self.best_step != self.step:
            best = self.settings.checkpoint_dir / "best.safetensors"
            if best.exists():
                from safetensors.torch import load_model

                load_model(self.raw_model, str(best))

    def _summary(self, result: TrainResult) -> TrainResult:
        accum = max(1, self.settings.grad_accum)
        result.steps = self.step
        result.total_steps = self.total_steps
        result.epochs = self.step * accum / max(1, self.batches_per_epoch)
        result.train_loss = self.last_train_loss
        result.eval_loss = self.best_loss if self.best_loss is not None else None
        result.best_step = self.best_step
        result.history = self.history
        result.elapsed_s = self.elapsed_before + (time.perf_counter() - self.started)
        result.tokens_per_s = self.tokens_seen / max(1e-9, result.elapsed_s)
        result.useful_token_fraction = self.useful_fraction
        result.device = str(self.device)
        result.precision = self.precision.name
        return result

    def _eval_and_checkpoint(self, has_eval: bool, reporter: Reporter) -> bool:
        """Evaluate, track the best, save a checkpoint; True when early stopping triggers."""
        s = self.settings
        best_now = False
        if has_eval:
            loss = self._evaluate()
            self.last_eval_loss = loss
            if self.best_loss is None or loss < self.best_loss:
                self.best_loss, self.best_step, self.bad_evals = loss, self.step, 0
                best_now = True
            else:
                self.bad_evals += 1
            self.history.append({"step": self.step, "eval_loss": loss})
            reporter.eval(self.step, loss, self.best_loss)
        self._save_checkpoint(best_is_current=best_now)
        return has_eval and s.patience > 0 and self.bad_evals >= s.patience


if __name__ == "__main__":  # pragma: no cover
    sys.exit("Use the 'assistant train NAME' commands.")
