"""Per-process state of the emotion plugin: the lazily loaded classifier and the tone memory.

Kept in ``app.state["emotion"]``. The model is never loaded at import time nor by
``assistant route``: in the interactive assistant ``startup`` starts a background thread;
otherwise the first utterance that needs it loads it (blocking, once). Loading goes through
the core's :class:`assistant.loading.BackgroundLoader`: a model that can't be loaded is
logged once and detection returns ``None`` from then on; the assistant keeps going.
``model: off`` switches detection off without loading anything.
"""

from __future__ import annotations

import functools
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.loading import BackgroundLoader

    from .classifier import EmotionClassifier

log = logging.getLogger("assistant.emotion")

STATE_KEY = "emotion"


@dataclass
class EmotionState:
    settings: dict[str, Any]
    last_opener: str | None = None
    #: where CTranslate2 conversions are cached (the app's data directory); None = torch
    data_dir: Path | None = None
    rng: random.Random = field(default_factory=random.Random)
    loader: BackgroundLoader[EmotionClassifier] = field(init=False)

    def __post_init__(self) -> None:
        from assistant.loading import BackgroundLoader  # not on the command path

        self.loader = BackgroundLoader(
            self._load,
            name="emotion-load",
            wait=float(self.settings.get("load_wait_seconds", 15.0)),
            log=log,
        )

    def _load(self) -> EmotionClassifier | None:
        from .classifier import load_configured, model_source

        source = model_source(self.settings.get("model", "shipped"))
        if not source.enabled:
            return None
        classifier = load_configured(self.settings)
        if self.data_dir is not None:  # CTranslate2 when installed (assistant.fast_runtime)
            for network in (classifier, *classifier.partners):
                network.use_fast_runtime(
                    self.settings.get("runtime", "auto"),
                    self.data_dir,
                    self.settings.get("quantization", "auto"),
                )
        return classifier

    @functools.cached_property
    def enabled(self) -> bool:
        """False when the configuration says ``model: off`` (or an unusable value)."""
        from assistant.loading import ModelSourceError

        from .classifier import model_source

        try:
            return model_source(self.settings.get("model", "shipped")).enabled
        except ModelSourceError:
            return True  # loading reports the bad value once, in Korean

    def start_background(self) -> None:
        """Load the model in a daemon thread (interactive assistant)."""
        if self.enabled:
            self.loader.start()

    def get(self) -> EmotionClassifier | None:
        """The classifier, or ``None`` (off, failed, or still loading after the configured wait)."""
        return self.loader.get_or_none() if self.enabled else None

    @property
    def classifier(self) -> EmotionClassifier | None:
        """The loaded classifier, if any (never waits)."""
        return self.loader.value


def state(app: Any) -> EmotionState:
    """This process's emotion state (created on first use)."""
    found = app.state.get(STATE_KEY)
    if found is None:
        found = EmotionState(settings=app.config.plugin("emotion"), data_dir=Path(app.data_dir))
        app.state[STATE_KEY] = found
    return found
