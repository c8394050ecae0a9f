"""Built-in plugin: the profanity guard.

Utterances with Korean profanity (spaced-out, jamo-only and lookalike
spellings included, see :mod:`assistant_plugins.profanity.guard`) go to the
intent ``guard.profanity`` and get a short, calm answer instead of small talk.
Ordinary words that merely contain a profane substring (시발점, 병신년 새해,
새끼손가락) stay clean.

Settings (``plugins.profanity``): ``enabled``, ``words_file`` (replaces the
shipped list), ``extra_words``, ``false_friends``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant import hookimpl
from assistant.app import App
from assistant.types import Intent, Reply, Request
from assistant_plugins.profanity.guard import WORDS_PATH, Guard

log = logging.getLogger("assistant.profanity")

INTENT = "guard.profanity"

REPLIES = [
    "많이 답답하신가 봐요. 무슨 일인지 말씀해 주시면 같이 방법을 찾아볼게요.",
    "속상한 일이 있으셨나 봐요. 제가 도울 수 있는 게 있으면 편하게 말씀해 주세요.",
    "화가 많이 나셨군요. 어떤 게 문제인지 알려 주시면 거기서부터 해 볼게요.",
    "오늘 뭔가 잘 안 풀리시나 봐요. 얘기 들어 드릴게요.",
    "제가 뭔가 잘못했다면 알려 주세요. 고쳐 볼게요.",
    "그럴 때도 있죠. 숨 한번 고르시고, 필요한 게 있으면 말씀해 주세요.",
]
#: When the previous turn was also caught by the guard.
AGAIN = [
    "계속 마음이 불편하신가 봐요. 잠깐 쉬었다가 이야기해도 괜찮아요.",
    "많이 힘드신 것 같아요. 제가 할 수 있는 일이 있으면 언제든 말씀해 주세요.",
]

_random = secrets.SystemRandom()


def _build(settings: dict[str, Any], app: App) -> Guard:
    words_file = WORDS_PATH
    raw = str(settings.get("words_file") or "").strip()
    if raw:
        path = Path(raw).expanduser()
        if not path.is_absolute() and app.config.sources:
            path = app.config.sources[-1].parent / path
        words_file = path
    try:
        return Guard.from_files(
            words_file,
            settings.get("extra_words") or (),
            settings.get("false_friends") or (),
        )
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        # A broken user list must not switch the guard off: fall back to the shipped one.
        log.error("profanity list %s unusable (%s); using the built-in list", words_file, exc)
        return Guard.from_files()


def make_match(guard: Guard, confidence: float) -> Callable[[str], tuple[float, dict] | None]:
    """Intent matcher: fires on profanity with the lowest confidence that still routes.

    So the guard always beats small talk (and wins ties by its priority), while
    a clear command said with a curse ("아 씨발 지금 몇 시야") still reaches
    its intent, whose match covers more of the utterance.
    """

    def match(text: str) -> tuple[float, dict[str, Any]] | None:
        found = guard.find(text)
        if found is None:
            return None
        log.debug("profanity guard fired on entry %r", found)
        return confidence, {}

    return match


def answer(request: Request) -> Reply:
    state = request.app.state.setdefault("profanity", {})
    previous_reply = request.history[-1][1] if request.history else ""
    last = state.get("last")
    again = bool(last) and last in previous_reply
    pool = AGAIN if again else REPLIES
    choices = [r for r in pool if r != last] or pool
    text = _random.choice(choices)
    state["last"] = text
    return Reply(text)


@hookimpl
def register_intents(register: Callable[[Intent], None], app: App) -> None:
    guard = _build(app.config.plugin("profanity"), app)
    confidence = float((app.config.get("router") or {}).get("min_confidence", 0.5))
    register(
        Intent(
            name=INTENT,
            handler=answer,
            match=make_match(guard, confidence),
            priority=100,
            description="거친 말에는 잡담 대신 차분하게 답해요",
        )
    )
