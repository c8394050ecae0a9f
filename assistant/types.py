"""Plain data types shared by the core and every plugin.

Nothing here imports anything heavy: these types are on the command path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from assistant.app import App

#: What a handler may return: a full :class:`Reply` or just the reply text.
HandlerResult = Union["Reply", str]


@dataclass(frozen=True)
class Emotion:
    """The emotion detected in one utterance.

    ``generation`` carries optional text-generation overrides for this emotion
    (e.g. ``{"temperature": 0.6}``) that a generating fallback may apply.
    """

    label: str
    score: float
    generation: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "score": round(float(self.score), 4)}


@dataclass(frozen=True)
class Table:
    """A small table a reply can carry; rendered with rich in the terminal."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass
class Reply:
    """What a handler, a fallback or a reply adjuster produces.

    ``text`` is always complete, plain Korean text: it is what ``--json``,
    the history and non-terminal outputs show. The other fields only refine
    how the terminal renders it.

    ``followup``: if set, the *next* utterance is first offered to this
    callable (with a :class:`Request` for it, intent ``followup``). It returns
    a reply to complete the pending question, or ``None`` to let the utterance
    be routed normally. Used for "which timer?" questions.

    ``final``: the reply is shown exactly as it is. The core stops calling
    ``adjust_reply`` once a reply is final, so no plugin (tone openers, emoji,
    "'…'로 알아들었어요") can rewrite it. The safety plugin marks crisis replies
    final; an adjuster may return a final reply to keep later adjusters off it.
    """

    text: str
    title: str | None = None  # set: render as a panel with this title
    table: Table | None = None
    style: str | None = None  # rich style for the reply text (set by tone plugins)
    data: dict[str, Any] = field(default_factory=dict)  # extra machine-readable fields
    followup: Callable[[Request], HandlerResult | None] | None = None
    final: bool = False  # True: no adjust_reply may change it


@dataclass
class Request:
    """One routed utterance, as handed to an intent handler or the fallback.

    ``text`` is what the user typed; ``normalized`` is what the router matched
    (control characters removed, vocative stripped, keyboard typos recovered).
    ``history`` holds earlier ``(user_text, reply_text)`` pairs of this
    conversation, oldest first, bounded by the core.
    """

    text: str
    normalized: str
    intent: str
    slots: dict[str, Any]
    app: App
    emotion: Emotion | None = None
    history: Sequence[tuple[str, str]] = ()
    confidence: float = 1.0
    #: slot spans exactly as matched, before parsing ({"time": "저녁 6시"})
    raw_slots: dict[str, str] = field(default_factory=dict)
    #: slots whose span matched but did not parse, with a Korean explanation
    #: ({"time": "25시는 없는 시각이에요."}); such slots are absent from ``slots``
    slot_errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Intent:
    """An intent a plugin can handle.

    ``name`` is the public intent id, ``domain.action`` (``timer.start``).

    ``patterns`` use the core pattern language (see :mod:`assistant.patterns`):
    a regular expression over the normalized utterance where a space means
    "optional whitespace" and ``{slot}`` / ``{name:type}`` insert a typed slot
    (types: ``duration``, ``time``, ``day``, ``place``, ``number``, ``text``).

    ``keywords``: if given, the patterns are only tried when one of these
    strings occurs in the utterance (spaces ignored). Declare them: they keep
    routing fast with many plugins installed.

    ``match``: instead of (or besides) patterns, a callable returning
    ``(confidence, slots)`` or ``None``, for rules regexes can't express.

    ``priority`` breaks ties between equally confident matches (higher wins).
    ``examples`` are shown by ``/help`` and must route to this intent.
    """

    name: str
    handler: Callable[[Request], HandlerResult]
    patterns: Sequence[str] = ()
    keywords: Sequence[str] = ()
    match: Callable[[str], tuple[float, dict[str, Any]] | None] | None = None
    priority: int = 0
    examples: Sequence[str] = ()
    description: str = ""


@dataclass(frozen=True)
class SlashCommand:
    """An interactive ``/command``: ``run(app, argument_text)`` returns a reply."""

    name: str  # without the slash
    help: str
    run: Callable[[App, str], HandlerResult | None]


@dataclass(frozen=True)
class Notification:
    """Something a plugin announces on its own (a timer going off)."""

    text: str
    title: str | None = None
    bell: bool = False
    intent: str = "notification"
    plugin: str | None = None
