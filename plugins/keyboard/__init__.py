"""Built-in plugin: 한/영 keyboard typo recovery.

Text typed with the keyboard left in English mode ("dkssud", "tlrks dkffuwnj")
is turned into the Hangul the same keys type on the standard 2-set layout
("안녕", "시간 알려줘") before routing, when the Hangul is plausible Korean
(see :mod:`assistant_plugins.keyboard.recover`); the reply then starts with
what was understood ("'시간 알려줘'로 알아들었어요.").

Settings (``plugins.keyboard`` in assistant.yaml): ``announce``, ``min_score``,
``min_syllables``.
"""

from __future__ import annotations

import dataclasses
import logging

from assistant import hookimpl
from assistant import text as textutil
from assistant.app import App
from assistant.korean import particle
from assistant.types import Reply, Request
from assistant_plugins.keyboard.recover import DEFAULT_MIN_SCORE, DEFAULT_MIN_SYLLABLES, recover

log = logging.getLogger("assistant.keyboard")

#: Replies that must not echo the recovered text back (the guard's calm answer).
QUIET_INTENTS = {"guard.profanity"}


def _recover(text: str, app: App) -> str | None:
    settings = app.config.plugin("keyboard")
    return recover(
        text,
        min_score=float(settings.get("min_score", DEFAULT_MIN_SCORE)),
        min_syllables=int(settings.get("min_syllables", DEFAULT_MIN_SYLLABLES)),
    )


@hookimpl
def normalize_utterance(text: str, app: App) -> str | None:
    recovered = _recover(text, app)
    if recovered is not None:
        log.debug("keyboard typo recovered: %r -> %r", text, recovered)
    return recovered


@hookimpl
def adjust_reply(reply: Reply, request: Request) -> Reply | None:
    """Say what a recovered utterance was understood as, before the answer."""
    app = request.app
    if app.config.plugin("keyboard").get("announce", True) is False:
        return None
    if request.intent in QUIET_INTENTS or not request.text:
        return None
    typed = textutil.normalize(request.text, app.name)
    if _recover(typed, app) is None:
        return None
    understood = request.normalized
    prefix = f"'{understood}'{particle(understood, '으로/로')} 알아들었어요."
    data = {**reply.data, "keyboard": {"typed": request.text, "understood": understood}}
    return dataclasses.replace(reply, text=f"{prefix} {reply.text}", data=data)
