"""Built-in plugin: stocks (issue 18).

Answers "삼성전자 주가 알려줘", "삼전 얼마야", "SK하이닉스 오늘 올랐어?", "코스피 지수"
with delayed quotes from the Yahoo Finance chart API (or another registered
provider), cached in ``stocks.db`` in the data directory. See ``README.md`` here.

Only light modules are imported here: routing needs :mod:`.keywords`, and
:mod:`.understand` and the company table (:mod:`.names`) once an utterance holds one of them;
network, cache and provider code load on first use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant import hookimpl
from assistant.app import App
from assistant.types import Intent, Reply, Request

from .keywords import KEYWORDS

if TYPE_CHECKING:
    from .names import Company, Directory

log = logging.getLogger("assistant.stocks")

PRICE_EXAMPLES = (
    "삼성전자 주가 알려줘",
    "삼전 얼마야",
    "카카오 주식 어때?",
    "SK하이닉스 오늘 올랐어?",
    "005930 주가",
)
INDEX_EXAMPLES = ("코스피 지수", "코스닥 어때", "나스닥 지수 알려줘")
APOLOGY = (
    "죄송해요, 시세를 알아보는 중에 예상하지 못한 문제가 생겼어요. 자세한 내용은 로그에 남겼어요."
)


def _directory(app: App) -> Directory:
    directory = app.state.get("stocks.directory")
    if directory is None:
        from .names import load_directory

        directory = load_directory(app)
        app.state["stocks.directory"] = directory
    return directory


def _service(app: App):
    from .service import StockService

    service = app.state.get("stocks")
    if service is None:
        service = StockService(app, _directory(app))
        app.state["stocks"] = service
    return service


def _guarded(request: Request, answer: Callable[[], Reply]) -> Reply:
    """``answer()``, or a short apology (details in the log) if it raised."""
    try:
        return answer()
    except Exception:
        log.exception("stock answer failed for %r", request.text)
        return Reply(APOLOGY)


def handle_price(request: Request) -> Reply:
    """The ``stock.price`` handler; never raises for network or data problems."""
    return _guarded(request, lambda: _service(request.app).price(request.slots, _followup))


def handle_index(request: Request) -> Reply:
    """The ``stock.index`` handler; never raises for network or data problems."""
    return _guarded(request, lambda: _service(request.app).index(request.slots))


def _followup(request: Request, candidates: list[Company], slots: dict) -> Reply | None:
    """The answer to "어느 것인가요?": a candidate's name or number, else None (routed as usual)."""
    from .service import pick

    chosen = pick(request.normalized, candidates)
    if chosen is None:
        return None
    slots = {**slots, "company": chosen.name}
    return _guarded(request, lambda: _service(request.app).price_of(chosen, slots))


@hookimpl
def register_intents(register: Callable[[Intent], None], app: App) -> None:
    matchers: list[Callable[[str], tuple[float, dict] | None]] = []

    def rule(which: int) -> Callable[[str], tuple[float, dict] | None]:
        """``make_matchers``' rule number ``which``, its module imported on first use."""

        def match(text: str) -> tuple[float, dict] | None:
            if not matchers:
                from .understand import make_matchers

                matchers.extend(make_matchers(lambda: _directory(app)))
            return matchers[which](text)

        return match

    price, index = rule(0), rule(1)
    for name, handler, match, examples, description in (
        ("stock.price", handle_price, price, PRICE_EXAMPLES, "상장 종목 주가와 등락 (지연 시세)"),
        ("stock.index", handle_index, index, INDEX_EXAMPLES, "코스피·코스닥 등 지수 (지연 시세)"),
    ):
        register(
            Intent(
                name=name,
                handler=handler,
                match=match,
                keywords=KEYWORDS,
                examples=examples,
                description=description,
            )
        )


@hookimpl
def shutdown(app: App) -> None:
    service = app.state.pop("stocks", None)
    if service is not None:
        service.close()
