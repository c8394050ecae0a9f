"""Devices, precision, optimizer choice and multi-process (torchrun / DDP) setup.

Public API::

    pick_device(name="auto") -> torch.device          # "auto"|"cpu"|"cuda"|"mps"
    is_cuda(device) -> bool                            # the one place that asks "is this CUDA?"
    pick_precision(name="auto", device) -> Precision   # "auto"|"bf16"|"fp16"|"fp32"
    Precision(name, dtype, use_scaler)
        precision.autocast(device) -> context manager  # no-op for fp32
        precision.make_scaler(device) -> GradScaler | None
    configure_backends(device) -> None                 # TF32 matmul/cuDNN on CUDA
    make_optimizer(model, *, lr, weight_decay, device, betas=(0.9, 0.95)) -> torch.optim.AdamW
        # decay on >=2-D weights only; fused=True on CUDA
    Distributed(rank, local_rank, world_size)          # .enabled, .is_main
    setup_distributed(device_name="auto") -> tuple[Distributed, torch.device]
        # idempotent; reads torchrun's RANK / LOCAL_RANK / WORLD_SIZE; gloo on CPU,
        # "cpu:gloo,cuda:nccl" on CUDA
    main_process_first()                               # context manager: rank 0 first, then others
    shared_tokenizer(saved, *, build, load, resume=False) -> tokenizer
        # the one DDP tokenizer strategy: rank 0 builds + saves, the others load that file
    is_main_process() -> bool                          # rank 0 (or not distributed); torch-free
    world_size() -> int
    barrier()                                          # joins the process group if needed
    all_reduce_sum(tensor) / cleanup_distributed()

Precision rules (``pick_precision``):

- ``auto``: bf16 autocast on CUDA when the GPU supports it, else fp16 + GradScaler; fp32 on
  CPU and MPS (bf16 autocast on CPU is slower than fp32 on most desktop CPUs).
- ``bf16``: autocast to bfloat16 on CUDA (if supported) and CPU; master weights stay fp32.
- ``fp16``: CUDA only (autocast + ``torch.amp.GradScaler``); elsewhere ``TrainingError``.
- ``fp32``: no autocast.

Under ``torchrun`` call ``setup_distributed`` (``loop.train`` does it for you) before building
anything rank-specific; only rank 0 should print or write files (``is_main_process()``).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import torch

from assistant.training.errors import TrainingError

log = logging.getLogger("assistant.training")

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
PRECISION_CHOICES = ("auto", "bf16", "fp16", "fp32")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def pick_device(name: str = "auto") -> torch.device:
    """The torch device for ``name``; a device that isn't there is a ``TrainingError``."""
    name = (name or "auto").lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise TrainingError(
                "CUDA GPU를 찾을 수 없어요. --device cpu 또는 auto로 실행해 주세요."
            )
        return torch.device(name)
    if name == "mps":
        if not _mps_available():
            raise TrainingError(
                "MPS(Apple GPU)를 쓸 수 없어요. --device cpu 또는 auto로 실행해 주세요."
            )
        return torch.device("mps")
    if name == "cpu":
        return torch.device("cpu")
    raise TrainingError(f"알 수 없는 장치예요: {name} ({', '.join(DEVICE_CHOICES)} 중 하나)")


def is_cuda(device: torch.device | str) -> bool:
    """Whether ``device`` is a CUDA device (tests mock this to exercise the CUDA code paths)."""
    return torch.device(device).type == "cuda"


def _cuda_bf16_supported() -> bool:
    try:
        return bool(torch.cuda.is_bf16_supported())
    except (RuntimeError, AssertionError):
        return False


@dataclass(frozen=True)
class Precision:
    """How to run forward passes: ``name`` in bf16/fp16/fp32, autocast dtype, loss scaling."""

    name: str
    dtype: torch.dtype | None
    use_scaler: bool = False

    def autocast(self, device: torch.device) -> contextlib.AbstractContextManager[Any]:
        """``torch.autocast`` for this precision on ``device`` (a no-op for fp32)."""
        if self.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type=torch.device(device).type, dtype=self.dtype)

    def make_scaler(self, device: torch.device) -> torch.amp.GradScaler | None:
        """A ``GradScaler`` for fp16 on CUDA, else ``None``."""
        if not self.use_scaler:
            return None
        return torch.amp.GradScaler(torch.device(device).type)


def pick_precision(name: str, device: torch.device) -> Precision:
    """The precision for ``name`` on ``device`` (see the module docstring)."""
    name = (name or "auto").lower()
    cuda = is_cuda(device)
    if name == "auto":
        name = ("bf16" if _cuda_bf16_supported() else "fp16") if cuda else "fp32"
    if name == "fp32":
        return Precision("fp32", None)
    if name == "bf16":
        if cuda and not _cuda_bf16_supported():
            raise TrainingError("이 GPU는 bf16을 지원하지 않아요. --precision fp16을 써 주세요.")
        if torch.device(device).type == "mps":
            raise TrainingError(
                "MPS에서는 bf16 학습을 지원하지 않아요. --precision fp32를 써 주세요."
            )
        return Precision("bf16", torch.bfloat16)
    if name == "fp16":
        if not cuda:
            raise TrainingError(
                "fp16 학습은 CUDA GPU에서만 돼요. --precision bf16 또는 fp32를 써 주세요."
            )
        return Precision("fp16", torch.float16, use_scaler=True)
    raise TrainingError(f"알 수 없는 정밀도예요: {name} ({', '.join(PRECISION_CHOICES)} 중 하나)")


def configure_backends(device: torch.device) -> None:
    """Allow TF32 matmuls and cuDNN convolutions on CUDA (Ampere and newer)."""
    if is_cuda(device):
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.set_float32_matmul_precision("high")


def make_optimizer(
    model: torch.nn.Module,
    *,
    lr: float,
    weight_decay: float,
    device: torch.device,
    betas: tuple[float, float] = (0.9, 0.95),
) -> torch.optim.AdamW:
    """AdamW with weight decay on >=2-D weights only; the fused kernel on CUDA."""
    decay, no_decay = [], []
    for param in model.parameters():
        if param.requires_grad:
            (decay if param.dim() >= 2 else no_decay).append(param)
    groups = [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    extra = {"fused": True} if is_cuda(device) else {}
    return torch.optim.AdamW(groups, lr=lr, betas=betas, **extra)


# --- distributed -------------------------------------------------------------------------


@dataclass(frozen=True)
class Distributed:
    """This process's place in a torchrun job (rank 0 of 1 when not distributed)."""

    rank: int = 0
    local_rank: int = 0
    world_size: int = 1

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def is_main_process() -> bool:
    """True on rank 0 of a torchrun job and in a plain single process."""
    return _env_int("RANK", 0) == 0


def world_size() -> int:
    return max(1, _env_int("WORLD_SIZE", 1))


def setup_distributed(device_name: str = "auto") -> tuple[Distributed, torch.device]:
    """Join the torchrun process group (if any) and pick this rank's device.

    Without torchrun (``WORLD_SIZE`` unset or 1) this is ``pick_device(device_name)``.
    With it: nccl + ``cuda:LOCAL_RANK`` on CUDA, gloo on CPU. Safe to call twice.
    """
    dist = Distributed(
        rank=_env_int("RANK", 0),
        local_rank=_env_int("LOCAL_RANK", 0),
        world_size=world_size(),
    )
    device = pick_device(device_name)
    if not dist.enabled:
        return dist, device
    if is_cuda(device):
        device = torch.device("cuda", dist.local_rank)
        torch.cuda.set_device(device)
    import torch.distributed as td

    if not td.is_initialized():
        # With CUDA, CPU tensors (barriers, flags) go through gloo and CUDA ones through nccl.
        backend = "cpu:gloo,cuda:nccl" if is_cuda(device) else "gloo"
        td.init_process_group(backend=backend)
        log.info("joined process group: rank %d of %d (%s)", dist.rank, dist.world_size, backend)
    return dist, device


def _initialized() -> bool:
    import torch.distributed as td

    return td.is_available() and td.is_initialized()


def _ensure_process_group() -> bool:
    """Join the torchrun process group if this is a torchrun job; True when distributed."""
    if world_size() <= 1:
        return False
    if not _initialized():
        setup_distributed("auto")
    return True


def barrier() -> None:
    """Wait for all ranks; joins the torchrun process group first if needed (no-op alone).

    Implemented as an all-reduce of a CPU tensor, which works on gloo and on the
    ``cpu:gloo,cuda:nccl`` group used with CUDA.
    """
    if _ensure_process_group():
        import torch.distributed as td

        td.all_reduce(torch.zeros(1))


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """Sum ``tensor`` over ranks in place and return it (no-op when not distributed)."""
    if _initialized():
        import torch.distributed as td

        td.all_reduce(tensor, op=td.ReduceOp.SUM)
    return tensor


def cleanup_distributed() -> None:
    """Leave the process group (no-op when not distributed)."""
    if _initialized():
        import torch.distributed as td

        td.destroy_process_group()


@contextlib.contextmanager
def main_process_first() -> Iterator[None]:
    """Rank 0 runs the block first (e.g. trains and saves a tokenizer), then the others.

    Usable before ``train()``: it joins the torchrun process group itself.
    """
    if not is_main_process():
        barrier()
    try:
        yield
    finally:  # also when rank 0 fails: the others go on (and find nothing) instead of hanging
        if is_main_process():
            barrier()


T = TypeVar("T")


def shared_tokenizer(
    saved: Path, *, build: Callable[[], T], load: Callable[[], T], resume: bool = False
) -> T:
    """The one multi-process tokenizer strategy of every trainer.

    Rank 0 (or the only process) calls ``build``, which trains the tokenizer AND saves it so
    that the file ``saved`` (in the output folder) exists; the other ranks wait for it and
    ``load`` what rank 0 saved, so every process uses the very same vocabulary. With
    ``resume`` an existing ``saved`` file is loaded everywhere (the vocabulary of the
    checkpoint). Usable before ``train()`` (joins the torchrun process group itself).
    """
    with main_process_first():
        if saved.is_file() and (resume or not is_main_process()):
            return load()
        if not is_main_process():
            raise TrainingError(f"0번 프로세스가 토크나이저를 저장하지 않았어요: {saved}")
        return build()
