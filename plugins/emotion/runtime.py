"""Per-process state of the emotion plugin: the lazily loaded classifier and the tone memory.

Kept in ``app.state["emotion"]``. The model is never loaded at import time nor by
``assistant route``: in the interactive assistant ``startup`` starts a background thread;
otherwise the first utterance that needs it loads it (blocking, once). A model that can't be
loaded is logged once and detection returns ``None`` from then on; the assistant keeps going.
"""

from __future__ import annotations

import logging
import random
import threading
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("assistant.emotion")

STATE_KEY = "emotion"


@dataclass
class EmotionState:
    settings: dict[str, Any]
    classifier: Any = None
    error: str | None = None
    thread: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_opener: str | None = None
    rng: random.Random = field(default_factory=random.Random)

    def _load(self) -> None:
        from .classifier import EmotionClassifier, ModelError

        with self.lock:
            if self.classifier is not None or self.error is not None:
                return
            try:
                self.classifier = EmotionClassifier.load(
                    self.settings.get("model") or "shipped",
                    max_length=int(self.settings.get("max_length") or 128),
                    trust_remote_code=bool(self.settings.get("trust_remote_code", False)),
                    threads=int(self.settings.get("threads", 1)),
                )
            except ModelError as exc:
                self.error = str(exc)
                log.error("emotion detection disabled: %s", exc)
            except Exception as exc:  # never take the assistant down
                self.error = f"{type(exc).__name__}: {exc}"
                log.exception("emotion detection disabled: unexpected error while loading")

    def start_background(self) -> None:
        """Load the model in a daemon thread (interactive assistant)."""
        if self.thread is None and self.classifier is None and self.error is None:
            self.thread = threading.Thread(target=self._load, name="emotion-load", daemon=True)
            self.thread.start()

    def get(self) -> Any:
        """The classifier, or ``None`` (failed, or still loading after the configured wait)."""
        if self.classifier is not None or self.error is not None:
            return self.classifier
        if self.thread is not None:
            self.thread.join(float(self.settings.get("load_wait_seconds", 15.0)))
            return self.classifier
        self._load()
        return self.classifier


def state(app: Any) -> EmotionState:
    """This process's emotion state (created on first use)."""
    found = app.state.get(STATE_KEY)
    if found is None:
        found = EmotionState(settings=app.config.plugin("emotion"))
        app.state[STATE_KEY] = found
    return found
