"""Stock quote providers: the protocol, the registry and the built-in Yahoo Finance chart API.

A provider turns a :class:`~.names.Company` (or a market index id) into a
:class:`Quote`. Providers are found through the entry-point group
``assistant.stock_providers`` (the built-in ``yahoo`` is declared there in the
project's own ``pyproject.toml``, exactly like a third-party one) or registered
in code (``PROVIDERS.register("krx", KrxProvider)``); ``plugins.stocks.provider`` chooses it by name.
A factory is called as ``factory(settings, http)`` with the ``plugins.stocks``
settings dict and the shared :class:`assistant.http.HttpClient`. Raise
:class:`UnknownSymbol` for a code the source does not know and
``http.error("bad_response", …)`` for data you can't read.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol
from urllib.parse import quote as url_quote

from assistant.http import FetchError, HttpClient
from assistant.providers import ProviderRegistry

from .names import Company

log = logging.getLogger("assistant.stocks")

DEFAULT_CHART_URL = "https://query1.finance.yahoo.com/v8/finance/chart"
ENTRY_POINT_GROUP = "assistant.stock_providers"
#: index id -> (Korean name, Yahoo symbol)
INDICES = {
    "KOSPI": ("코스피", "^KS11"),
    "KOSDAQ": ("코스닥", "^KQ11"),
    "NASDAQ": ("나스닥 종합", "^IXIC"),
    "S&P500": ("S&P 500", "^GSPC"),
    "DOW": ("다우존스", "^DJI"),
    "NIKKEI": ("니케이 225", "^N225"),
}


class UnknownSymbol(Exception):
    """The source has no such stock or index."""


@dataclass
class Quote:
    """The latest price of one stock or index, as the source gave it."""

    symbol: str
    price: float
    previous_close: float | None
    currency: str = "KRW"
    time: float | None = None  # epoch seconds of the price
    timezone: str | None = None  # the exchange's IANA zone

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Quote:
        return cls(**data)


class StockProvider(Protocol):
    #: short id used in settings and cache keys ("yahoo")
    name: str

    def quote(self, company: Company) -> Quote:
        """The quote of a listed company (``company.market`` "" = not in the table)."""
        ...

    def index(self, index_id: str) -> Quote:
        """The quote of an index (a key of :data:`INDICES`)."""
        ...


#: ``PROVIDERS.register("krx", KrxProvider)`` makes ``plugins.stocks.provider: krx`` available;
#: a factory is called as ``factory(settings, http)``.
PROVIDERS = ProviderRegistry(ENTRY_POINT_GROUP, log)


class YahooChartProvider:
    """Yahoo Finance's chart API: key-free, unofficial, delayed quotes."""

    name = "yahoo"

    def __init__(self, settings: Mapping[str, Any], http: HttpClient) -> None:
        self.http = http
        self.chart_url = str(settings.get("chart_url") or DEFAULT_CHART_URL).rstrip("/")

    def quote(self, company: Company) -> Quote:
        # The table's market first; then the other one (a company may have moved market
        # since the table was written, and a code not in the table has no market).
        suffixes = [".KQ", ".KS"] if company.market == "KOSDAQ" else [".KS", ".KQ"]
        for suffix in suffixes:
            try:
                return self._chart(company.code + suffix)
            except UnknownSymbol:
                continue
        raise UnknownSymbol(company.code)

    def index(self, index_id: str) -> Quote:
        return self._chart(INDICES[index_id][1])

    def _chart(self, symbol: str) -> Quote:
        url = f"{self.chart_url}/{url_quote(symbol, safe='')}"
        try:
            data = self.http.get_json(url, {"range": "1d", "interval": "1d"})
        except FetchError as exc:
            if exc.kind == "http" and exc.status == 404:
                raise UnknownSymbol(symbol) from exc
            raise
        try:
            return parse_chart(data, symbol)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise self.http.error(
                "bad_response", f"chart fields missing or wrong: {exc!r}"
            ) from exc


def parse_chart(data: Any, symbol: str) -> Quote:
    """Chart JSON -> :class:`Quote`; UnknownSymbol for ``chart.error``, else raises on bad data."""
    chart = data["chart"]
    if chart.get("error"):
        raise UnknownSymbol(f"{symbol}: {chart['error']}")
    results = chart.get("result")
    if not results:
        raise UnknownSymbol(f"{symbol}: no result")
    meta = results[0]["meta"]
    previous = meta.get("previousClose")
    if previous is None:
        previous = meta.get("chartPreviousClose")
    moment = meta.get("regularMarketTime")
    return Quote(
        symbol=symbol,
        price=_number(meta["regularMarketPrice"]),
        previous_close=None if previous is None else _number(previous),
        currency=str(meta.get("currency") or "KRW"),
        time=None if moment is None else float(_number(moment)),
        timezone=str(meta["exchangeTimezoneName"]) if meta.get("exchangeTimezoneName") else None,
    )


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError(f"not a number: {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"not a price: {value!r}")
    return number
