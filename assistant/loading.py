"""The model runtime shared by every plugin that loads a model (small talk, emotion, ...).

Nothing here imports torch or transformers at import time: the command path stays light.

Public API
==========

``heavy_imports()``
    Context manager holding the process-wide lock for importing torch/transformers and
    loading weights. transformers' lazily initialised modules are not safe to import from two
    threads at once ("cannot import name ..."), so every loader that runs off the main thread
    does its imports and ``from_pretrained`` calls inside ``with heavy_imports():``. Re-entrant.

``import_transformers(name=None, module="transformers")``
    ``import transformers`` (or ``from <module> import <name>`` when ``name`` is given) under
    :func:`heavy_imports` and :func:`quiet`; returns the module or the attribute::

        AutoTokenizer = import_transformers("AutoTokenizer")
        hf_logging = import_transformers("logging", "transformers.utils")

``quiet()``
    Context manager: no progress bars ("Loading weights", "Writing model shards"), no
    info/warning logs from transformers, huggingface_hub, tokenizers and torch, and no Python
    warnings while the block runs. Everything it changes is RESTORED on exit (verbosity,
    progress-bar switches, logger levels, warning filters), so a user who turned transformers'
    logging on keeps it. Imports transformers only if it is installed.

``torch_threads(n)``
    Context manager running the block with ``torch.set_num_threads(n)`` and restoring the
    previous count afterwards. ``n <= 0`` (or ``None``) changes nothing. A small model is
    fastest on one thread, but the process-wide setting belongs to whoever set it.

``BackgroundLoader(load, *, name, wait=None, log=None)``
    Loads one thing (a model) once per process, in a daemon thread or on demand. ``load`` is
    a no-argument callable returning the loaded object; an exception it raises is remembered
    (its ``str()`` is the user-facing Korean reason, so raise exceptions with Korean messages;
    unexpected exception types are also logged with their traceback) and the loader stays
    ``failed``: it never retries and never raises out of its thread.

    - ``state``: ``"idle"`` (nothing started), ``"loading"``, ``"ready"`` or ``"failed"``
      (the :data:`LoadState` values; ``IDLE``, ``LOADING``, ``READY``, ``FAILED``).
    - ``value``: the loaded object or ``None``; ``error``: the Korean reason or ``None``.
    - ``start()``: begin loading in a daemon thread named ``name`` (no-op unless idle).
    - ``get(wait=...)``: the loaded object. Idle: loads in the calling thread. Loading in the
      background: waits up to ``wait`` seconds (``None`` = until done; default: the ``wait``
      given to the constructor). Raises :class:`ModelUnavailable` (``str(exc)`` = the reason)
      when loading failed, and :class:`StillLoading` (a subclass) when the wait ran out.
    - ``get_or_none(wait=...)``: the same, but ``None`` instead of either exception.

    Typical plugin state::

        loader = BackgroundLoader(lambda: MyModel.load(path), name="mine-load", wait=15.0)
        loader.start()                      # in the startup hook of the interactive assistant
        model = loader.get_or_none()        # on a turn: None while unusable

``resolve_model_source(value, shipped_dir, *, setting="model")``
    The ONE vocabulary of every model plugin's ``model`` setting, returned as a
    :class:`ModelSource` (``kind`` is one of ``"shipped"``, ``"off"``, ``"local"``,
    ``"hub"``; ``path`` is the directory for shipped/local, ``hub_id`` the id for hub):

    - ``"shipped"``, ``""`` or ``None`` (and the shipped folder's own name, e.g.
      ``"emotion-mini"``): the model shipped with the project in ``shipped_dir``;
    - ``"off"`` / ``"none"`` / ``false`` (YAML's unquoted ``off`` is ``false``): no model;
    - a local directory (an existing path, or anything starting with ``.``, ``/``, ``~`` or not
      shaped ``owner/name``), e.g. ``./runs/my-model``;
    - a Hugging Face hub id ``owner/name`` (e.g. ``skt/kogpt2-base-v2``).

    Anything else (a number, a list, ``true``, a missing local directory) raises
    :class:`ModelSourceError` (a :class:`ModelUnavailable` and a ``ValueError``) whose message
    is Korean and names the setting. ``ModelSource.local_dir(allow_patterns)`` returns the
    directory to load (``huggingface_hub.snapshot_download`` for a hub id: honours
    ``HF_HUB_OFFLINE`` and the cache; failures become :class:`ModelUnavailable`).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Generic, TypeVar

_LOCK = threading.RLock()

T = TypeVar("T")

#: loggers quietened by :func:`quiet` (transformers' own switch handles "transformers")
_NOISY_LOGGERS = ("transformers", "huggingface_hub", "tokenizers", "torch")


@contextlib.contextmanager
def heavy_imports() -> Iterator[None]:
    """Hold the process-wide lock for importing torch/transformers and loading weights."""
    with _LOCK:
        yield


def import_transformers(name: str | None = None, module: str = "transformers") -> Any:
    """``import transformers`` (or ``from <module> import <name>``) quietly, under the lock."""
    with heavy_imports(), quiet():
        imported = importlib.import_module(module)
        return imported if name is None else getattr(imported, name)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No progress bars, info logs or warnings from the model libraries; restores them after.

    Holds the :func:`heavy_imports` lock, so two threads never interleave saving and
    restoring the process-wide switches.
    """
    with heavy_imports(), contextlib.ExitStack() as stack:
        stack.enter_context(warnings.catch_warnings())
        warnings.simplefilter("ignore")
        for name in _NOISY_LOGGERS:
            logger = logging.getLogger(name)
            stack.callback(logger.setLevel, logger.level)
            logger.setLevel(logging.ERROR)
        stack.enter_context(_quiet_transformers())
        stack.enter_context(_quiet_hub())
        yield


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        yield
        return
    level = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


@contextlib.contextmanager
def _quiet_hub() -> Iterator[None]:
    try:
        from huggingface_hub import utils as hub
    except ImportError:
        yield
        return
    disabled = hub.are_progress_bars_disabled()
    hub.disable_progress_bars()
    try:
        yield
    finally:
        if not disabled:
            hub.enable_progress_bars()


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block on ``threads`` CPU threads (``<= 0``: unchanged); restore the count after."""
    if not threads or threads <= 0:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    if previous == threads:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# -- background loading -----------------------------------------------------------------------


class ModelUnavailable(Exception):
    """A model can't be used; ``str(exc)`` is a Korean explanation for the user."""


class StillLoading(ModelUnavailable):
    """The model is still loading in the background after the allowed wait."""


class LoadState(str, Enum):
    IDLE = "idle"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


IDLE, LOADING, READY, FAILED = LoadState.IDLE, LoadState.LOADING, LoadState.READY, LoadState.FAILED

_UNSET: Any = object()


class BackgroundLoader(Generic[T]):
    """Loads one object once per process, in a background thread or on demand (see module doc)."""

    def __init__(
        self,
        load: Callable[[], T],
        *,
        name: str = "model-load",
        wait: float | None = None,
        log: logging.Logger | None = None,
    ) -> None:
        self._load = load
        self.name = name
        #: default seconds ``get`` waits for a background load (None = until it ends)
        self.wait = wait
        self.log = log or logging.getLogger("assistant.loading")
        self.value: T | None = None
        self.error: str | None = None
        self._start_lock = threading.Lock()  # short: guards starting the thread
        self._load_lock = threading.Lock()  # held for the whole load
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._running = False

    @property
    def state(self) -> LoadState:
        if self.value is not None:
            return READY
        if self.error is not None:
            return FAILED
        return LOADING if self._running or self._thread is not None else IDLE

    def start(self) -> None:
        """Begin loading in a daemon thread; nothing happens unless the loader is idle."""
        with self._start_lock:
            if self._thread is not None or self._running or self._done.is_set():
                return
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def get(self, wait: float | None = _UNSET) -> T:
        """The loaded object; raises :class:`ModelUnavailable` / :class:`StillLoading`."""
        if not self._done.is_set():
            if self._thread is None:
                self._run()  # on demand, in this thread (another caller waits on the lock)
            else:
                self._done.wait(self.wait if wait is _UNSET else wait)
        if self.value is not None:
            return self.value
        if self.error is not None:
            raise ModelUnavailable(self.error)
        raise StillLoading("모델을 아직 불러오는 중이에요")

    def get_or_none(self, wait: float | None = _UNSET) -> T | None:
        """The loaded object, or ``None`` (failed, or still loading after the wait)."""
        try:
            return self.get(wait)
        except ModelUnavailable:
            return None

    def _run(self) -> None:
        with self._load_lock:
            if self._done.is_set():
                return
            self._running = True
            try:
                self.value = self._load()
                if self.value is None:
                    self.error = "모델을 불러오지 못했어요"
            except ModelUnavailable as exc:
                self.error = str(exc) or type(exc).__name__
                self.log.error("%s failed: %s", self.name, self.error)
            except Exception as exc:  # noqa: BLE001 - never take the assistant down
                self.error = f"{type(exc).__name__}: {exc}"
                self.log.exception("%s failed with an unexpected error", self.name)
            finally:
                self._running = False
                self._done.set()


# -- the model setting --------------------------------------------------------------------------

_HUB_ID = re.compile(r"^[\w.-]+/[\w.-]+$")
_SHIPPED_WORDS = ("", "shipped")
_OFF_WORDS = ("off", "false", "none")


class ModelSourceError(ModelUnavailable, ValueError):
    """The ``model`` setting is not a value of the shared vocabulary (Korean message)."""


@dataclass(frozen=True)
class ModelSource:
    """Where a plugin's model comes from (see :func:`resolve_model_source`)."""

    kind: str  # "shipped" | "off" | "local" | "hub"
    path: Path | None = None
    hub_id: str | None = None

    @property
    def enabled(self) -> bool:
        return self.kind != "off"

    def __str__(self) -> str:
        return self.hub_id or str(self.path or self.kind)

    def local_dir(self, allow_patterns: Sequence[str] | None = None) -> Path:
        """The directory to load from (downloads/caches a hub model; Korean errors)."""
        if self.kind == "off":
            raise ModelUnavailable("설정에서 모델을 껐어요 (model: off)")
        if self.path is not None:
            return self.path
        try:
            from huggingface_hub import snapshot_download

            with quiet():
                found = snapshot_download(
                    self.hub_id, allow_patterns=list(allow_patterns) if allow_patterns else None
                )
            return Path(found)
        except Exception as exc:  # offline, unknown repo, network errors: all the same to the user
            raise ModelUnavailable(f"허브 모델을 받을 수 없어요 ('{self.hub_id}'): {exc}") from exc


def resolve_model_source(
    value: object, shipped_dir: str | Path, *, setting: str = "model"
) -> ModelSource:
    """Parse a plugin's ``model`` setting (one vocabulary for all; see the module docstring)."""
    shipped = Path(shipped_dir)
    if value is None or value is False:
        return ModelSource("shipped", shipped) if value is None else ModelSource("off")
    if not isinstance(value, (str, Path)):
        raise ModelSourceError(
            f"{setting} 설정을 이해하지 못했어요 ({value!r}). "
            "shipped, off, 모델 폴더 경로, 허브 id(owner/name) 중 하나로 적어 주세요."
        )
    text = str(value).strip()
    lowered = text.lower()
    if lowered in _SHIPPED_WORDS or text == shipped.name:
        return ModelSource("shipped", shipped)
    if lowered in _OFF_WORDS:
        return ModelSource("off")
    path = Path(text).expanduser()
    if path.is_dir():
        return ModelSource("local", path.resolve())
    if path.exists():
        raise ModelSourceError(f"모델 경로가 폴더가 아니에요: '{text}' ({setting} 설정)")
    if text.startswith((".", "/", "~")) or not _HUB_ID.match(text):
        raise ModelSourceError(f"모델 폴더를 찾을 수 없어요: '{text}' ({setting} 설정)")
    return ModelSource("hub", hub_id=text)
