"""Built-in plugin: emotion detection (BERT-family classifier) and tone adjustment.

- ``detect_emotion``: label + score of a chat utterance from the configured model
  (``plugins.emotion.model``: ``shipped``, ``off``, a local directory or a hub id: the
  vocabulary of :func:`assistant.loading.resolve_model_source`), with the
  emotion's generation overrides; ``None`` when the model is unusable.
- ``adjust_reply``: empathetic opener, style and emoji per emotion (see :mod:`.tone`).
- ``startup``: loads the model in the background in the interactive assistant.
- ``assistant train emotion`` / ``assistant eval emotion`` (see :mod:`.commands`).

Nothing heavy is imported here: torch and transformers load only when a model is needed.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from assistant import hookimpl
from assistant.types import Emotion

from .runtime import state

if TYPE_CHECKING:
    import click

    from assistant.app import App
    from assistant.types import Reply, Request

__version__ = "0.1.0"

log = logging.getLogger("assistant.emotion")


@hookimpl
def startup(app: App) -> None:
    if app.interactive:
        state(app).start_background()


@hookimpl
def detect_emotion(text: str, app: App) -> Emotion | None:
    from assistant.korean import has_hangul

    if not has_hangul(text):
        return None  # no Korean to read: "ab" had been read 우울 0.95 and consoled
    current = state(app)
    classifier = current.get()
    if classifier is None:
        return None
    settings = current.settings
    prediction = classifier.predict(text, float(settings.get("threshold", 0.0)))
    from .tone import emotion_settings

    generation = emotion_settings(settings, prediction.label).get("generation") or {}
    return Emotion(prediction.label, prediction.score, generation=dict(generation))


@hookimpl
def adjust_reply(reply: Reply, request: Request) -> Reply | None:
    from .tone import adjust

    return adjust(reply, request, state(request.app))


@hookimpl
def register_trainers(train: click.Group) -> None:
    from .commands import train_command

    train.add_command(train_command, "emotion")


@hookimpl
def register_evaluators(evaluate: click.Group) -> None:
    from .commands import eval_command

    evaluate.add_command(eval_command, "emotion")
