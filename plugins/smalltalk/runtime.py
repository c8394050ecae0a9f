"""Per-process state of the small-talk plugin: three background loaders and the user memory.

Kept in ``app.state["smalltalk"]``; nothing is loaded at import time nor by ``assistant
route`` or command turns. In the interactive assistant ``startup`` starts all three loaders
in daemon threads (:class:`assistant.loading.BackgroundLoader`); otherwise the first chat
turn loads what it needs, once.

- ``generator``: the GPT-2 chat model (``plugins.smalltalk.model``; ``off`` = none: replies
  then come from the memories only), decoding on CTranslate2 when ``runtime`` allows it
  (:mod:`assistant.fast_runtime`, converted once into ``<data dir>/ctranslate2/``);
- ``retrieval``: kiwipiepy, the shipped reply memory (``memory``: ``""`` = ``memory/``
  beside the model, a folder, or ``off``), the persona memory (with ``app.name``) and the
  fitted selection weights;
- ``selector``: the response selector (``selector``: ``""`` = ``selector/`` beside the
  model when present, a folder, or ``off``), on CTranslate2 as ``runtime`` allows.

The user memory (``smalltalk_memory.jsonl`` in the data directory) is re-read whenever the
file changes, so ``assistant memory add`` in another terminal is seen on the next turn.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.loading import BackgroundLoader, ModelUnavailable

log = logging.getLogger("assistant.smalltalk")

STATE_KEY = "smalltalk"
OFF = ("off", "none", "false")


@dataclass
class Retrieval:
    """What the ``retrieval`` loader produces."""

    memory: Any  # ReplyMemory | None
    persona: Any  # ReplyMemory | None
    weights: Any  # pipeline.Weights
    directory: Path | None


def _off(value: Any) -> bool:
    return value is False or str(value).strip().lower() in OFF


def _beside_model(value: Any, model_dir: Path | None, name: str, marker: str) -> Path | None:
    """A folder setting: "" = ``<model dir>/<name>`` if it holds ``marker`` (a finished
    build, not a training run in progress); off = None; else the path."""
    if _off(value):
        return None
    text = "" if value is None else str(value).strip()
    if text:
        return Path(text).expanduser()
    if model_dir is not None and (model_dir / name / marker).is_file():
        return model_dir / name
    return None


@dataclass
class SmalltalkState:
    settings: dict[str, Any]
    name: str
    data_dir: Path
    generator: BackgroundLoader[Any] = field(init=False)
    retrieval: BackgroundLoader[Retrieval] = field(init=False)
    selector: BackgroundLoader[Any] = field(init=False)
    _user: Any = None
    _user_stamp: Any = "unread"
    _user_lock: threading.Lock = field(default_factory=threading.Lock)
    _background: threading.Thread | None = None

    def __post_init__(self) -> None:
        wait = float(self.settings.get("load_wait_seconds", 60.0))
        self.generator = BackgroundLoader(
            self._load_generator, name="smalltalk-load", wait=wait, log=log
        )
        self.retrieval = BackgroundLoader(
            self._load_retrieval, name="smalltalk-memory-load", wait=wait, log=log
        )
        self.selector = BackgroundLoader(
            self._load_selector, name="smalltalk-selector-load", wait=wait, log=log
        )

    # -- where things are ---------------------------------------------------------------

    @property
    def generator_off(self) -> bool:
        return _off(self.settings.get("model", ""))

    def model_dir(self) -> Path | None:
        """The generator's local folder (shipped or configured), None for hub ids / off."""
        from assistant_plugins.smalltalk.chat import resolve_source, shipped_model_dir

        if self.generator_off:
            return shipped_model_dir()  # the shipped memory still applies
        source, local = resolve_source(self.settings.get("model"))
        return Path(source) if local else None

    def memory_dir(self) -> Path | None:
        return _beside_model(
            self.settings.get("memory", ""), self.model_dir(), "memory", "memory.json"
        )

    def selector_dir(self) -> Path | None:
        return _beside_model(
            self.settings.get("selector", ""), self.model_dir(), "selector", "selector.json"
        )

    def selector_wanted(self) -> bool:
        """A selector folder exists and the memory's fitted weights give it a weight."""
        from assistant_plugins.smalltalk.pipeline import Weights

        weight = dict(self.settings.get("weights") or {}).get("selector")
        if weight is None:
            weight = Weights.load(self.memory_dir()).selector
        return self.selector_dir() is not None and float(weight) > 0

    # -- loaders --------------------------------------------------------------------------

    def _load_generator(self) -> Any:
        from assistant_plugins.smalltalk.chat import ChatModel, resolve_source

        if self.generator_off:
            raise ModelUnavailable("설정에서 대화 생성 모델을 껐어요 (model: off)")
        source, local = resolve_source(self.settings.get("model"))
        chat = ChatModel.load(source, local, bool(self.settings.get("fast_decoder", True)))
        chat.use_fast_runtime(
            self.settings.get("runtime", "auto"),
            Path(source) if local else None,
            self.data_dir,
            threads=int(self.settings.get("threads", 1) or 0),
            quantization=self.settings.get("quantization", "auto"),
        )
        return chat

    def _load_retrieval(self) -> Retrieval:
        from assistant.loading import heavy_imports
        from assistant_plugins.smalltalk.pipeline import Weights, load_persona

        # kiwipiepy, bm25s, numpy and scipy are imported and loaded under the process-wide
        # lock, like every other background model load (concurrent imports race)
        with heavy_imports():
            from assistant_plugins.smalltalk import morphemes
            from assistant_plugins.smalltalk.memory import ReplyMemory

            morphemes.warm_up()
            directory = self.memory_dir()
            memory = ReplyMemory.load(directory) if directory is not None else None
            persona = load_persona(self.name) if self.settings.get("persona", True) else None
        weights = Weights.load(directory)
        for key, value in dict(self.settings.get("weights") or {}).items():
            if hasattr(weights, key) and isinstance(value, (int, float)):
                setattr(weights, key, type(getattr(weights, key))(value))  # experiments only
        return Retrieval(memory, persona, weights, directory)

    def _load_selector(self) -> Any:
        directory = self.selector_dir()
        if directory is None:
            raise ModelUnavailable("응답 선택 모델이 없어요 (selector 설정)")
        from assistant_plugins.smalltalk.selector import Selector

        threads = int(self.settings.get("threads", 1) or 1)
        selector = Selector.load(directory, threads=threads)
        selector.use_fast_runtime(
            self.settings.get("runtime", "auto"),
            self.data_dir,
            quantization=self.settings.get("quantization", "auto"),
            logger=log,
        )
        return selector

    def start_background(self) -> None:
        """Start loading: the generator first, then kiwipiepy + the memory, then the selector.

        One after the other in one daemon thread: kiwipiepy's model load holds the GIL for
        seconds at a time, and loading it beside torch made the terminal miss its cursor
        position reply (prompt_toolkit's CPR) and stall notifications.
        """
        if self._background is None:
            self._background = threading.Thread(
                target=self._load_in_order, name="smalltalk-load", daemon=True
            )
            self._background.start()

    def _load_in_order(self) -> None:
        if not self.generator_off:
            self.generator.get_or_none(wait=None)
        self.retrieval.get_or_none(wait=None)
        if self.selector_wanted():
            self.selector.get_or_none(wait=None)

    # -- the user memory --------------------------------------------------------------------

    def user_memory(self) -> Any:
        """The user's pairs as a small ReplyMemory (None when empty or switched off)."""
        if not self.settings.get("user_memory", True):
            return None
        from assistant_plugins.smalltalk.memory import ReplyMemory
        from assistant_plugins.smalltalk.user_memory import UserMemory

        store = UserMemory(self.data_dir)
        stamp = store.stamp()
        with self._user_lock:
            if stamp != self._user_stamp:
                pairs = [p.as_pair() for p in store.read()]
                self._user = ReplyMemory.build(pairs, {"source": "user"}) if pairs else None
                self._user_stamp = stamp
            return self._user


def state(app: Any) -> SmalltalkState:
    """This process's small-talk state (created on first use, nothing loaded yet)."""
    found = app.state.get(STATE_KEY)
    if found is None:
        found = SmalltalkState(app.config.plugin(STATE_KEY), app.name, Path(app.data_dir))
        app.state[STATE_KEY] = found
    return found
