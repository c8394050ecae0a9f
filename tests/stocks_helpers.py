"""A fake Yahoo Finance chart API on 127.0.0.1 for the stocks tests (real HTTP, real sockets).

``ChartServer`` answers ``/v8/finance/chart/{symbol}`` with JSON shaped like
Yahoo's (``chart.result[0].meta`` with ``regularMarketPrice``,
``chartPreviousClose``/``previousClose``, ``currency``, ``regularMarketTime``,
``exchangeTimezoneName``); a symbol it does not know gets Yahoo's 404 with
``chart.error``. ``server.quotes[symbol] = (price, previous_close)`` sets a quote;
``server.quote_time`` is the epoch second of every quote (default: ``server.now``).
``server.mode`` switches every answer to a failing variant: ``slow``, ``500``,
``malformed``, ``truncated``, ``missing``, ``html``, ``chart_error``, ``flaky``
(one 500, then fine).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from loopback_helpers import Clock as LoopbackClock
from loopback_helpers import LoopbackServer

KST = timezone(timedelta(hours=9))
#: The fixed "now" of the in-process tests: Tuesday 2026-11-24 10:30 in Seoul (market open).
OPEN_NOW = datetime(2026, 11, 24, 10, 30, tzinfo=KST)
#: Saturday 2026-11-28 11:00 in Seoul (market closed: weekend).
WEEKEND_NOW = datetime(2026, 11, 28, 11, 0, tzinfo=KST)

DEFAULT_QUOTES = {
    "005930.KS": (71200.0, 70000.0),  # 삼성전자: up 1,200 (1.71%)
    "000660.KS": (178000.0, 181500.0),  # SK하이닉스: down 3,500
    "035720.KS": (41250.0, 41250.0),  # 카카오: unchanged
    "005380.KS": (215000.0, 210000.0),  # 현대차
    "012330.KS": (250000.0, 252000.0),  # 현대모비스
    "068270.KS": (180000.0, 178000.0),  # 셀트리온
    "323410.KS": (25000.0, 24500.0),  # 카카오뱅크
    "247540.KQ": (150000.0, 160000.0),  # 에코프로비엠
    "^KS11": (2650.12, 2637.82),
    "^KQ11": (850.5, 860.25),
    "^IXIC": (18000.0, 17900.0),
}


class ChartServer(LoopbackServer):
    """The fake chart API; use as a context manager (started on a free 127.0.0.1 port)."""

    plugin = "stocks"

    def __init__(self, now: datetime = OPEN_NOW) -> None:
        self.now = now
        self.quotes = dict(DEFAULT_QUOTES)
        self.quote_time: float | None = None
        self.mode = "ok"
        self.delay = 2.0
        self.requests: list[str] = []
        self.user_agents: list[str] = []
        self._flaky_done = False
        super().__init__()

    @property
    def chart_url(self) -> str:
        return f"{self.base}/v8/finance/chart"

    def urls(self) -> dict[str, str]:
        return {"chart_url": self.chart_url}

    def hits(self) -> list[str]:
        with self._lock:
            return list(self.requests)

    def chart_json(self, symbol: str) -> dict:
        price, previous = self.quotes[symbol]
        moment = self.quote_time if self.quote_time is not None else self.now.timestamp()
        index = symbol.startswith("^")
        zone = "America/New_York" if symbol == "^IXIC" else "Asia/Seoul"
        return {
            "chart": {
                "result": [
                    {
                        "meta": {
                            "currency": "USD" if symbol == "^IXIC" else "KRW",
                            "symbol": symbol,
                            "exchangeName": "KSC" if symbol.endswith(".KS") else "KOE",
                            "instrumentType": "INDEX" if index else "EQUITY",
                            "regularMarketTime": int(moment),
                            "gmtoffset": 32400,
                            "timezone": "KST",
                            "exchangeTimezoneName": zone,
                            "regularMarketPrice": price,
                            "chartPreviousClose": previous,
                            "previousClose": previous,
                            "scale": 3,
                            "priceHint": 2,
                            "dataGranularity": "1d",
                            "range": "1d",
                        },
                        "timestamp": [int(moment)],
                        "indicators": {"quote": [{"close": [price]}]},
                    }
                ],
                "error": None,
            }
        }

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        symbol = unquote(parts.path.rsplit("/", 1)[-1])
        with self._lock:
            self.requests.append(symbol)
            self.user_agents.append(h.headers.get("User-Agent", ""))
        mode = self.mode
        if mode == "flaky":
            with self._lock:
                first, self._flaky_done = not self._flaky_done, True
            mode = "500" if first else "ok"
        if mode == "slow":
            self.release.wait(self.delay)
            mode = "ok"
        if mode == "500":
            self.send(h, 500, b'{"chart":{"result":null,"error":{"code":"Internal"}}}')
            return
        if not parts.path.startswith("/v8/finance/chart/") or symbol not in self.quotes:
            body = {
                "chart": {
                    "result": None,
                    "error": {
                        "code": "Not Found",
                        "description": "No data found, symbol may be delisted",
                    },
                }
            }
            self.send(h, 404, json.dumps(body).encode())
            return
        data = json.dumps(self.chart_json(symbol)).encode()
        if mode == "malformed":
            self.send(h, 200, b'{"chart": {"result": [{"meta": {"regularMarketPrice": ')
        elif mode == "truncated":
            self.send_truncated(h, data)
        elif mode == "missing":
            self.send(
                h, 200, b'{"chart": {"result": [{"meta": {"currency": "KRW"}}], "error": null}}'
            )
        elif mode == "html":
            self.send(h, 200, b"<html><body>Will be right back</body></html>", "text/html")
        elif mode == "chart_error":
            body = {"chart": {"result": None, "error": {"code": "Not Found", "description": "x"}}}
            self.send(h, 200, json.dumps(body).encode())
        else:
            self.send(h, 200, data)


class Clock(LoopbackClock):
    """A settable clock for ``make_assistant(clock=...)``; default: a Tuesday with the market open."""

    def __init__(self, now: datetime = OPEN_NOW) -> None:
        super().__init__(now)
