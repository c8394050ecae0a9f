"""Tone adjustment: an empathetic opener, a terminal style and emoji per detected emotion.

Configured under ``plugins.emotion`` in ``assistant.yaml``:

- ``tone: false`` switches all of it off; ``tone_intents`` lists the intents whose replies
  are adjusted (default: only ``smalltalk``); ``tone_min_score`` the least confidence.
- ``emotions.<label>.min_score``: a stricter least confidence for that emotion (e.g. a
  higher bar for 기쁨, where a wrong "잘됐네요!" on bad news hurts most).
- ``emotions.<label>``: ``openers`` (a small varied list), ``already`` (words showing a
  reply already expresses the emotion), ``style`` (rich style of the reply text),
  ``emoji`` (appended to the opener), ``generation`` (overrides for generating fallbacks),
  ``unless`` (words in the *user's* utterance that rule the opener out: a model that reads
  "할머니가 돌아가셨어요" as 기쁨 must never answer "와, 정말 잘됐네요!").
- ``lexicon`` (default true): the feeling words of ``feeling_words.tsv`` also rule an opener
  out when they name another emotion or negate this one (:func:`.lexicon.contradicts`).

Rules: an opener is never the same as the previous turn's opener (per process, in
``app.state``), and never added to a reply that already expresses the emotion (it contains
one of the openers, one of the ``already`` words, or starts with the emoji), nor to one that
already expresses a feeling of the other side (:data:`.labels.VALENCE`): the reply's author
may have read the remark otherwise ("😟 걱정이 많이 되시죠. … 정말 잘됐네요!").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from assistant.types import Reply, Request

from .runtime import EmotionState


def emotion_settings(settings: Mapping[str, Any], label: str) -> dict[str, Any]:
    value = (settings.get("emotions") or {}).get(label) or {}
    return value if isinstance(value, dict) else {}


def opener_min_score(
    settings: Mapping[str, Any], label: str, default: float | None = None
) -> float:
    """The least score for an opener of ``label``: ``tone_min_score`` (or ``default``),
    raised to ``emotions.<label>.min_score`` when that is set and higher (a per-emotion
    setting can only make openers stricter)."""
    least = float(settings.get("tone_min_score", 0.0)) if default is None else float(default)
    own = emotion_settings(settings, label).get("min_score")
    return max(least, float(own)) if own is not None else least


def already_expressed(text: str, openers: list[str], markers: list[str], emoji: str) -> bool:
    """Does ``text`` already carry the emotion (an opener, a marker word, the emoji)?"""
    squashed = "".join(text.split())
    for phrase in [*openers, *markers]:
        core = "".join(str(phrase).split()).rstrip(".!?~")
        if core and core in squashed:
            return True
    return bool(emoji) and text.lstrip().startswith(emoji)


def opposite_expressed(text: str, label: str, settings: Mapping[str, Any]) -> bool:
    """Does ``text`` already express a feeling of the other side than ``label`` (one of that
    emotion's openers or ``already`` words)? Only the default taxonomy's valences count."""
    from .labels import VALENCE

    side = VALENCE.get(label, 0)
    if side == 0:
        return False
    for other, config in (settings.get("emotions") or {}).items():
        if VALENCE.get(str(other), 0) != -side or not isinstance(config, dict):
            continue
        words = [str(w) for w in [*(config.get("openers") or []), *(config.get("already") or [])]]
        if already_expressed(text, words, [], ""):
            return True
    return False


def contains_any(text: str, words: list[Any]) -> bool:
    """Does ``text`` (spaces ignored) contain one of ``words``?"""
    squashed = "".join(text.split())
    return any(w and "".join(str(w).split()) in squashed for w in words)


def blocked_by_wording(text: str, label: str, settings: Mapping[str, Any]) -> bool:
    """Does the user's wording rule out an opener for ``label``? One of the emotion's
    ``unless`` words, or (with the feeling-word lexicon on) a named feeling of another
    emotion or this one negated: "하나도 안 기뻐", "기쁜데 걱정돼" (:func:`.lexicon.contradicts`)."""
    if contains_any(text, emotion_settings(settings, label).get("unless") or []):
        return True
    from .lexicon import contradicts, from_settings

    lexicon = from_settings(settings)
    return lexicon is not None and contradicts(lexicon.find(text), label)


def choose_opener(openers: list[str], state: EmotionState) -> str | None:
    """A random opener different from the previous one used in this process."""
    choices = [o for o in openers if o and o != state.last_opener]
    if not choices:
        return None
    return state.rng.choice(choices)


def adjust(reply: Reply, request: Request, state: EmotionState) -> Reply | None:
    """The toned reply, or ``None`` to leave it unchanged."""
    settings = state.settings
    emotion = request.emotion
    if not settings.get("tone", True) or emotion is None:
        return None
    if request.intent not in (settings.get("tone_intents") or ["smalltalk"]):
        return None
    if float(emotion.score) < opener_min_score(settings, emotion.label):
        return None
    config = emotion_settings(settings, emotion.label)
    openers = [str(o) for o in config.get("openers") or []]
    markers = [str(m) for m in config.get("already") or []]
    emoji = str(config.get("emoji") or "") if settings.get("emoji", True) else ""
    style = str(config.get("style") or "") or None
    text = reply.text
    opener = None
    if blocked_by_wording(request.text, emotion.label, settings) or opposite_expressed(
        text, emotion.label, settings
    ):
        openers = []  # the utterance or the reply contradicts this emotion: no opener, no style
        style = None
    if openers and not already_expressed(text, openers, markers, emoji):
        opener = choose_opener(openers, state)
        if opener:
            text = f"{opener}{' ' + emoji if emoji else ''} {text}".strip()
    state.last_opener = opener
    if opener is None and style is None:
        return None
    data = dict(reply.data)
    data["tone"] = {"emotion": emotion.label, "opener": opener}
    return dataclasses.replace(reply, text=text, style=reply.style or style, data=data)
