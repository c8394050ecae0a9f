"""Answering one stock question: name -> company -> quote (cached) -> Korean text.

Every failure ends in a short Korean reply that says what went wrong; details go
to the log (``assistant.stocks``). Nothing here raises for a network or data problem.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from assistant.app import App
from assistant.cache import JsonCache
from assistant.http import FetchError, HttpClient, http_settings
from assistant.korean import particle, say_elapsed
from assistant.types import Reply

from . import wording
from .market import closed_reason
from .names import Company, Directory, key
from .providers import INDICES, PROVIDERS, Quote, StockProvider, UnknownSymbol

log = logging.getLogger("assistant.stocks")

MAX_CHOICES = 5
ADVICE = "투자 판단은 도와드릴 수 없어요. 대신 지금 시세를 알려드릴게요."


class StockService:
    """One per assistant process (kept in ``app.state["stocks"]``)."""

    def __init__(self, app: App, directory: Directory) -> None:
        self.app = app
        s: Mapping[str, Any] = app.config.plugin("stocks")
        self.settings = s
        self.directory = directory
        self.open_seconds = float(s.get("cache_seconds_open", 60))
        self.closed_seconds = float(s.get("cache_minutes_closed", 30)) * 60
        self.stale_seconds = float(s.get("stale_hours", 24)) * 3600
        self.closed_days = frozenset(_dates(s.get("closed_days") or ()))
        self.http = HttpClient(http_settings(s, name="stocks", server="시세 서버"))
        self.cache = JsonCache(app.data_dir / "stocks.db", "stocks")
        self.provider_name = str(s.get("provider") or "yahoo")
        self._provider: StockProvider | None = None

    def close(self) -> None:
        self.cache.close()

    @property
    def provider(self) -> StockProvider:
        if self._provider is None:
            self._provider = PROVIDERS.make(self.provider_name, self.settings, self.http)
        return self._provider

    # -- stock.price -------------------------------------------------------------------

    def price(self, slots: Mapping[str, Any], followup: Callable[..., Reply]) -> Reply:
        said = str(slots.get("company") or "").strip()
        found = self.directory.find(said)
        if found.how == "ambiguous":
            return self._ask_which(said, found.candidates[:MAX_CHOICES], slots, followup)
        if found.company is None:
            return Reply(
                f"죄송해요, '{said}'{particle(said, '이/가')} 어느 상장 종목인지 찾지 못했어요. "
                "회사 이름이나 6자리 종목코드로 말씀해 주세요.",
                data={"error": "unknown_company"},
            )
        return self.price_of(found.company, slots)

    def price_of(self, company: Company, slots: Mapping[str, Any]) -> Reply:
        self.http.new_deadline()
        label = wording.company_label(company)
        try:
            quote, note, source = self._quote(
                f"{company.market}|{company.code}", lambda p: p.quote(company)
            )
        except UnknownSymbol:
            return Reply(
                f"죄송해요, {label}의 시세를 찾을 수 없어요. 상장폐지됐거나 코드가 틀렸을 수 있어요.",
                data={"error": "unknown_symbol", "code": company.code},
            )
        except KeyError:
            return self._no_provider()
        if quote is None:
            return Reply(
                f"죄송해요, {label} 시세를 가져오지 못했어요. {note}",
                data={"error": "network", "code": company.code},
            )
        text = wording.answer(
            wording.price_subject(label, company.name),
            wording.amount(quote),
            quote,
            now=self.app.now(),
            closed=self._closed(),
            **_asks(slots),
        )
        if slots.get("ask") == "advice":
            text = f"{ADVICE} {text}"
        if note:
            text += " " + note
        data = {
            "code": company.code,
            "name": company.name,
            "market": company.market or None,
            "symbol": quote.symbol,
            "price": quote.price,
            "previous_close": quote.previous_close,
            "currency": quote.currency,
            "quote_time": quote.time,
            "source": source,
            "provider": self.provider_name,
        }
        return Reply(text, data=data)

    def _ask_which(
        self,
        said: str,
        candidates: list[Company],
        slots: Mapping[str, Any],
        followup: Callable[..., Reply],
    ) -> Reply:
        names = ", ".join(c.name for c in candidates)
        text = (
            f"'{said}'{particle(said, '은/는')} 여러 종목이 있어요. {names} 중 어느 것인가요? "
            "이름이나 번호로 말씀해 주세요."
        )
        return Reply(
            text,
            data={"choices": [{"code": c.code, "name": c.name} for c in candidates]},
            followup=lambda request: followup(request, candidates, dict(slots)),
        )

    # -- stock.index -------------------------------------------------------------------

    def index(self, slots: Mapping[str, Any]) -> Reply:
        self.http.new_deadline()
        index_id = str(slots.get("index") or "KOSPI")
        name = INDICES[index_id][0]
        try:
            quote, note, source = self._quote(f"INDEX|{index_id}", lambda p: p.index(index_id))
        except UnknownSymbol:
            return Reply(
                f"죄송해요, 시세 서버에 {name} 지수가 없어요.", data={"error": "unknown_symbol"}
            )
        except KeyError:
            return self._no_provider()
        if quote is None:
            return Reply(
                f"죄송해요, {name} 지수를 가져오지 못했어요. {note}", data={"error": "network"}
            )
        korean = index_id in ("KOSPI", "KOSDAQ")
        text = wording.answer(
            f"{name} 지수는",
            f"{quote.price:,.2f}",
            quote,
            now=self.app.now(),
            closed=self._closed() if korean else None,
            points=True,
            **_asks(slots),
        )
        if slots.get("ask") == "advice":
            text = f"투자 판단은 도와드릴 수 없어요. 대신 지금 지수를 알려드릴게요. {text}"
        if note:
            text += " " + note
        data = {"index": index_id, "symbol": quote.symbol, "value": quote.price}
        data.update({"previous_close": quote.previous_close, "source": source})
        return Reply(text, data=data)

    # -- quotes, cached ----------------------------------------------------------------

    def _closed(self) -> str | None:
        return closed_reason(self.app.now(), self.closed_days)

    def _quote(
        self, what: str, fetch: Callable[[StockProvider], Quote]
    ) -> tuple[Quote | None, str, str]:
        """``(quote, note, source)``; source is network | cache | stale. Quote None = failure.

        A cached quote is reused for ``cache_seconds_open`` while the market is open and
        ``cache_minutes_closed`` while it is closed, never across an opening or a close.
        """
        provider = self.provider
        key = f"q|{provider.name}|{what}"
        now = self.app.now()
        closed_now = closed_reason(now, self.closed_days) is not None
        cached = self.cache.get(key)
        quote = _quote(cached[1]) if cached else None
        age = now.timestamp() - cached[0] if cached else None
        if quote is not None and age is not None and age >= 0:
            then = datetime.fromtimestamp(cached[0], now.tzinfo)
            same_session = (closed_reason(then, self.closed_days) is not None) == closed_now
            ttl = self.closed_seconds if closed_now else self.open_seconds
            if same_session and age <= ttl:
                return quote, "", "cache"
        try:
            fresh = fetch(provider)
        except FetchError as exc:
            log.warning("quote of %s failed: %s", what, exc)
            if quote is not None and age is not None and 0 <= age <= self.stale_seconds:
                return (
                    quote,
                    f"다만 {exc.because()} {say_elapsed(age)} 전에 받아 둔 시세예요.",
                    "stale",
                )
            return None, exc.korean(), "error"
        self.cache.put(key, now.timestamp(), fresh.as_json())
        self.cache.prune(now.timestamp() - self.stale_seconds - 86400, prefix="q|")
        return fresh, "", "network"

    def _no_provider(self) -> Reply:
        names = ", ".join(PROVIDERS.names()) or "없음"
        return Reply(
            f"죄송해요, 설정한 시세 제공자 '{self.provider_name}'"
            f"{particle(self.provider_name, '을/를')} 찾을 수 없어요"
            f" (사용할 수 있는 것: {names}).",
            data={"error": "provider"},
        )


# --- follow-up: "현대" -> "어느 것?" -> "모비스" / "2번" --------------------------------

_ORDINALS = {"첫": 1, "두": 2, "세": 3, "네": 4, "다섯": 5}
_CHOICE = re.compile(r"(\d)\s*(?:번|번째)?|(첫|두|세|네|다섯)\s*번째(?:\s*거|\s*것)?")
_CHOICE_END = re.compile(r"\s*(?:이요|요|으로|로|말이야|말한\s*거야|주가|시세|알려\s*줘)+$")


def pick(text: str, candidates: list[Company]) -> Company | None:
    """The candidate an answer names ("현대모비스", "모비스", "2번", "두 번째"), or None."""
    text = _CHOICE_END.sub("", text.strip())
    m = _CHOICE.fullmatch(text)
    if m:
        n = int(m.group(1)) if m.group(1) else _ORDINALS[m.group(2)]
        return candidates[n - 1] if 1 <= n <= len(candidates) else None
    k = key(text)
    if not k:
        return None
    for test in (
        lambda c: k in {key(n) for n in (c.name, *c.nicknames)},
        lambda c: any(key(n).endswith(k) or key(n).startswith(k) for n in (c.name, *c.nicknames)),
    ):
        hits = [c for c in candidates if test(c)]
        if len(hits) == 1:
            return hits[0]
    return None


def _asks(slots: Mapping[str, Any]) -> dict[str, Any]:
    return {"ask": slots.get("ask"), "today": bool(slots.get("today"))}


def _quote(data: Any) -> Quote | None:
    try:
        return Quote.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        log.error("cached quote unreadable, ignoring it: %s", exc)
        return None


def _dates(values) -> list[date]:
    out = []
    for value in values:
        try:
            out.append(date.fromisoformat(str(value)))
        except ValueError:
            log.warning("plugins.stocks.closed_days: not a date: %r", value)
    return out
