"""Built-in plugin: weather (issue 4).

Answers "서울 날씨 어때?", "내일 비 온대?", "우산 챙겨야 돼?", "인천 고잔동 날씨 어때?"
with Open-Meteo forecasts (or another registered provider), cached in
``weather.db`` in the data directory. See ``README.md`` in this folder.

Only light modules are imported here: routing (``assistant route``) needs just
:mod:`.keywords`, and :mod:`.understand` once an utterance holds one of them; the network,
cache and provider code load on first use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from assistant import hookimpl
from assistant.app import App
from assistant.types import Intent, Reply, Request

from .keywords import KEYWORDS

log = logging.getLogger("assistant.weather")

EXAMPLES = (
    "서울 날씨 어때?",
    "내일 부산 날씨 알려줘",
    "인천 고잔동 날씨 어때?",
    "오늘 비 와?",
    "우산 챙겨야 돼?",
    "밖에 많이 추워?",
    "오늘 기온 몇 도야?",
)


def _service(app: App):
    from .service import WeatherService

    service = app.state.get("weather")
    if service is None:
        service = WeatherService(app)
        app.state["weather"] = service
    return service


def handle(request: Request) -> Reply:
    """The ``weather.get`` handler; never raises for network or data problems."""
    return _answer(request, dict(request.slots))


def _answer(request: Request, slots: dict[str, Any]) -> Reply:
    try:
        reply = _service(request.app).answer(slots)
    except Exception:
        log.exception("weather answer failed for %r", request.text)
        return Reply(
            "죄송해요, 날씨를 알아보는 중에 예상하지 못한 문제가 생겼어요. 자세한 내용은 로그에 남겼어요."
        )
    if "error" not in reply.data:
        # "부산은?" / "내일은?" right after an answer continue the same question.
        reply.followup = partial(_followup, previous=slots)
    return reply


def match(text: str) -> tuple[float, dict[str, Any]] | None:
    """The intent's ``match`` rule: :func:`.understand.match` (imported on first use)."""
    from .understand import match as understand_match

    return understand_match(text)


def _followup(request: Request, previous: dict[str, Any]) -> Reply | None:
    """The next utterance after a weather answer: a short follow-up, or None to route it."""
    from .understand import followup_slots

    slots = followup_slots(request.normalized, previous)
    if slots is None:
        return None
    request.slots = slots
    return _answer(request, slots)


@hookimpl
def register_intents(register: Callable[[Intent], None]) -> None:
    register(
        Intent(
            name="weather.get",
            handler=handle,
            match=match,
            keywords=KEYWORDS,
            examples=EXAMPLES,
            description="지역 날씨, 비·눈 소식, 기온 (Open-Meteo)",
        )
    )


@hookimpl
def shutdown(app: App) -> None:
    service = app.state.pop("weather", None)
    if service is not None:
        service.close()
