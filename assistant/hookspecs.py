"""The plugin contract: every capability of the assistant comes through these hooks.

Implement a hook with ``@assistant.hookimpl`` on a function of the same name.
The core calls each plugin's implementation separately: an exception in one
plugin is logged with the plugin's name and never stops the others or the
assistant. Hook implementations run on the command path, so keep module
imports light (import torch/transformers inside functions, never at the top).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from assistant.app import App
    from assistant.types import Emotion, Intent, Reply, Request, SlashCommand

hookspec = pluggy.HookspecMarker("assistant")
hookimpl = pluggy.HookimplMarker("assistant")


@hookspec
def register_intents(register: Callable[[Intent], None], app: App) -> None:
    """Register the intents this plugin handles by calling ``register(Intent(...))``.

    Called once when the assistant starts, for routing only: it must not load
    models or open connections. ``app`` gives the settings a ``match`` callable
    may need. Intent names are public (``timer.start``).
    """


@hookspec
def normalize_utterance(text: str, app: App) -> str | None:
    """Rewrite an utterance before routing, or return ``None`` to leave it.

    Called for every plugin in turn, each seeing the previous one's result
    (e.g. recovering Hangul typed with the keyboard in English mode). Must be
    cheap and must not load models: ``assistant route`` runs it.
    """


@hookspec(firstresult=True)
def fallback_reply(request: Request) -> Reply | str | None:
    """Answer an utterance no intent matched (intent ``smalltalk``).

    The first plugin returning a non-``None`` reply wins. ``request.emotion``
    carries the detected emotion (or ``None``); ``request.history`` the recent
    turns of the conversation.
    """


@hookspec(firstresult=True)
def detect_emotion(text: str, app: App) -> Emotion | None:
    """Return the emotion of an utterance, or ``None`` if undecided.

    ``text`` is the normalized utterance (vocative removed, plugins' normalizers applied)
    with its final punctuation kept ("어디 살아요?"). The first non-``None`` result wins.
    By default the core only asks for utterances routed to small talk (config
    ``emotion_scope``).
    """


@hookspec
def adjust_reply(reply: Reply, request: Request) -> Reply | None:
    """Adjust a reply before it is shown; return a new reply or ``None``.

    Called for every plugin in turn, each seeing the previous result. This is
    where tone is changed (empathetic openers, styles). Never raise: a failing
    adjuster is skipped and the reply goes on unchanged.

    A reply with ``final=True`` is never passed to this hook: the core stops
    calling adjusters as soon as the reply (from a handler, a fallback or an
    earlier adjuster) is final. Crisis replies of the safety plugin are final.
    Return a final reply only when no other plugin may change it.
    """


@hookspec
def startup(app: App) -> None:
    """The assistant is starting: start schedulers, warm up models in the background.

    ``app.interactive`` tells whether this is the terminal assistant (long-lived)
    or a one-shot command such as ``assistant ask``.
    """


@hookspec
def shutdown(app: App) -> None:
    """The assistant is stopping: stop schedulers, flush files. Must return promptly."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add top-level CLI commands (``assistant timers``) to the click group ``cli``.

    A command reaches the running :class:`~assistant.app.App` through click's
    context object: ``click.get_current_context().obj.app`` (or ``@click.pass_obj``
    and ``runtime.app``). The same holds for trainers and evaluators.
    """


@hookspec
def register_slash_commands(register: Callable[[SlashCommand], None]) -> None:
    """Add interactive ``/commands`` (``/timers``) by calling ``register(SlashCommand(...))``."""


@hookspec
def register_trainers(train: click.Group) -> None:
    """Add a trainer as a sub-command of ``assistant train`` (``assistant train smalltalk``)."""


@hookspec
def register_evaluators(evaluate: click.Group) -> None:
    """Add an evaluator as a sub-command of ``assistant eval`` (``assistant eval emotion``)."""


@hookspec
def register_exporters(export: click.Group) -> None:
    """Add a model export as a sub-command of ``assistant export`` (``assistant export smalltalk``)."""
