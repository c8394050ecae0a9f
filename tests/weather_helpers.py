"""A fake Open-Meteo on 127.0.0.1 for the weather tests (real HTTP, real sockets).

``OpenMeteoServer`` serves ``/v1/forecast`` and ``/v1/search`` with JSON shaped
like Open-Meteo's (``current``/``hourly``/``daily`` blocks with their ``*_units``,
geocoding ``results`` with ``admin1``..``admin4``), built from a per-day
scenario relative to ``server.today``: the fixed test date ``NOW`` for tests that run the
assistant in-process on the injectable clock, or (``OpenMeteoServer(live=True)``) the real
date in Seoul at the moment of each request, as the real Open-Meteo does, for tests that run
the ``assistant`` command in a subprocess on the real clock. ``server.mode[path]`` switches a path to a
failing variant: ``slow``, ``500``, ``404``, ``malformed``, ``truncated``,
``missing``, ``html``, ``flaky`` (one 500, then fine).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from loopback_helpers import Clock as LoopbackClock
from loopback_helpers import LoopbackServer
from loopback_helpers import closed_port as closed_port  # re-exported for the weather tests

KST = timezone(timedelta(hours=9))
#: The fixed "now" of the tests: 2026-11-22 10:15 in Seoul.
NOW = datetime(2026, 11, 22, 10, 15, tzinfo=KST)


@dataclass
class DayScenario:
    code: int = 1
    tmin: float = 2.0
    tmax: float = 11.0
    pop: int = 10  # precipitation probability max (%)
    rain_mm: float = 0.0
    snow_cm: float = 0.0
    wet_hours: tuple[int, int] = (15, 20)  # local hours [start, end) where it rains/snows


@dataclass
class CurrentScenario:
    temperature: float = 6.4
    apparent: float = 3.1
    humidity: int = 55
    code: int = 2
    wind: float = 2.8


@dataclass
class Scenario:
    current: CurrentScenario = field(default_factory=CurrentScenario)
    days: list[DayScenario] = field(default_factory=lambda: [DayScenario() for _ in range(7)])


GEO_RESULTS = {
    "고잔동": [
        {
            "id": 1,
            "name": "고잔동",
            "latitude": 37.3161,
            "longitude": 126.8237,
            "elevation": 12.0,
            "feature_code": "PPLX",
            "country_code": "KR",
            "timezone": "Asia/Seoul",
            "country": "대한민국",
            "admin1": "경기도",
            "admin2": "안산시",
            "admin3": "단원구",
        },
        {
            "id": 2,
            "name": "고잔동",
            "latitude": 37.4009,
            "longitude": 126.7230,
            "elevation": 8.0,
            "feature_code": "PPLX",
            "country_code": "KR",
            "timezone": "Asia/Seoul",
            "country": "대한민국",
            "admin1": "인천광역시",
            "admin2": "남동구",
        },
    ],
    "Seoul": [
        {
            "id": 1835848,
            "name": "서울",
            "latitude": 37.566,
            "longitude": 126.9784,
            "feature_code": "PPLC",
            "country_code": "KR",
            "timezone": "Asia/Seoul",
            "admin1": "서울특별시",
        }
    ],
    "역삼동": [
        {
            "id": 3,
            "name": "역삼동",
            "latitude": 37.5006,
            "longitude": 127.0364,
            "country_code": "KR",
            "timezone": "Asia/Seoul",
            "admin1": "서울특별시",
            "admin2": "강남구",
        }
    ],
}


# A fuzzy look-alike: the geocoder answers "고잔도" (a typo) with the 고잔동s.
GEO_RESULTS["고잔도"] = GEO_RESULTS["고잔동"]


def c_to_f(value: float) -> float:
    return round(value * 9 / 5 + 32, 1)


def forecast_json(today: date, scenario: Scenario, query: dict[str, str]) -> dict:
    """An Open-Meteo-shaped forecast answer for ``scenario`` starting at ``today`` (local)."""
    fahrenheit = query.get("temperature_unit") == "fahrenheit"
    t = c_to_f if fahrenheit else (lambda v: v)
    tunit = "°F" if fahrenheit else "°C"
    cur = scenario.current
    days = scenario.days
    hourly: dict[str, list] = {
        "time": [],
        "temperature_2m": [],
        "precipitation_probability": [],
        "precipitation": [],
        "weather_code": [],
    }
    for i, d in enumerate(days):
        day = today + timedelta(days=i)
        start, end = d.wet_hours
        wet = d.rain_mm > 0 or d.snow_cm > 0 or d.pop >= 50
        for h in range(24):
            in_window = start <= h < end
            hourly["time"].append(f"{day.isoformat()}T{h:02d}:00")
            hourly["temperature_2m"].append(t(d.tmin + (d.tmax - d.tmin) * (1 - abs(h - 14) / 14)))
            hourly["precipitation_probability"].append(d.pop if in_window else min(d.pop, 5))
            amount = d.rain_mm / (end - start) if (in_window and d.rain_mm) else 0.0
            hourly["precipitation"].append(round(amount, 2))
            hourly["weather_code"].append(d.code if (in_window and wet) else (3 if wet else d.code))
    return {
        "latitude": float(query.get("latitude", 37.55)),
        "longitude": float(query.get("longitude", 127.0)),
        "generationtime_ms": 0.0739,
        "utc_offset_seconds": 32400,
        "timezone": "Asia/Seoul",
        "timezone_abbreviation": "GMT+9",
        "elevation": 38.0,
        "current_units": {
            "time": "iso8601",
            "interval": "seconds",
            "temperature_2m": tunit,
            "apparent_temperature": tunit,
            "relative_humidity_2m": "%",
            "precipitation": "mm",
            "weather_code": "wmo code",
            "wind_speed_10m": "m/s",
        },
        "current": {
            "time": f"{today.isoformat()}T10:15",
            "interval": 900,
            "temperature_2m": t(cur.temperature),
            "apparent_temperature": t(cur.apparent),
            "relative_humidity_2m": cur.humidity,
            "precipitation": 0.0,
            "weather_code": cur.code,
            "wind_speed_10m": cur.wind,
        },
        "hourly_units": {
            "time": "iso8601",
            "temperature_2m": tunit,
            "precipitation_probability": "%",
            "precipitation": "mm",
            "weather_code": "wmo code",
        },
        "hourly": hourly,
        "daily_units": {
            "time": "iso8601",
            "weather_code": "wmo code",
            "temperature_2m_max": tunit,
            "temperature_2m_min": tunit,
            "apparent_temperature_max": tunit,
            "apparent_temperature_min": tunit,
            "precipitation_probability_max": "%",
            "precipitation_sum": "mm",
            "snowfall_sum": "cm",
        },
        "daily": {
            "time": [(today + timedelta(days=i)).isoformat() for i in range(len(days))],
            "weather_code": [d.code for d in days],
            "temperature_2m_max": [t(d.tmax) for d in days],
            "temperature_2m_min": [t(d.tmin) for d in days],
            "apparent_temperature_max": [t(d.tmax - 2) for d in days],
            "apparent_temperature_min": [t(d.tmin - 3) for d in days],
            "precipitation_probability_max": [d.pop for d in days],
            "precipitation_sum": [d.rain_mm for d in days],
            "snowfall_sum": [d.snow_cm for d in days],
        },
    }


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    raw_query: str
    headers: dict[str, str]


class OpenMeteoServer(LoopbackServer):
    """The fake server; use as a context manager (started on a free 127.0.0.1 port)."""

    plugin = "weather"

    def __init__(self, today: date | None = None, live: bool = False) -> None:
        if today is not None and live:
            raise ValueError("a fixed 'today' and live=True exclude each other")
        self.fixed_today = today or NOW.date()
        self.live = live
        self.scenario = Scenario()
        self.geo = {k: list(v) for k, v in GEO_RESULTS.items()}
        self.mode: dict[str, str] = {"/v1/forecast": "ok", "/v1/search": "ok"}
        self.delay = 2.0
        self.requests: list[Seen] = []
        self._flaky_done: set[str] = set()
        super().__init__()

    @property
    def today(self) -> date:
        """The first forecast day: the fixed one, or when live the real date in Seoul.

        Live, it is the date of one minute ago, so a request that straddles midnight in
        Seoul still finds the client's "today" (then the second day served) in the answer.
        """
        if not self.live:
            return self.fixed_today
        return (datetime.now(KST) - timedelta(minutes=1)).date()

    @property
    def forecast_url(self) -> str:
        return f"{self.base}/v1/forecast"

    @property
    def geocoding_url(self) -> str:
        return f"{self.base}/v1/search"

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def urls(self) -> dict[str, str]:
        return {"forecast_url": self.forecast_url, "geocoding_url": self.geocoding_url}

    # -- request handling --------------------------------------------------------------

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.requests.append(Seen(parts.path, query, parts.query, dict(h.headers.items())))
        mode = self.mode.get(parts.path, "404")
        if mode == "flaky":
            with self._lock:
                first = parts.path not in self._flaky_done
                self._flaky_done.add(parts.path)
            mode = "500" if first else "ok"
        if mode == "slow":
            self.release.wait(self.delay)
            mode = "ok"
        if mode in ("500", "404", "503", "429"):
            self.send(h, int(mode), b'{"error":true,"reason":"test failure"}')
            return
        if parts.path == "/v1/forecast":
            body = forecast_json(self.today, self.scenario, query)
        elif parts.path == "/v1/search":
            results = self.geo.get(query.get("name", ""), [])
            if query.get("countryCode"):
                results = [r for r in results if r.get("country_code") == query["countryCode"]]
            body = (
                {"results": results, "generationtime_ms": 0.5}
                if results
                else {"generationtime_ms": 0.4}
            )
        else:
            self.send(h, 404, b"not found")
            return
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if mode == "malformed":
            self.send(
                h,
                200,
                b'{"latitude": 37.5, "current": {"time": "2026-11-22T10:15", "temperature_2m": ',
            )
        elif mode == "truncated":
            self.send_truncated(h, data)
        elif mode == "missing":
            body.pop("daily", None)
            body.pop("current", None)
            body.pop("results", None) if parts.path == "/v1/search" else None
            self.send(h, 200, json.dumps(body).encode())
        elif mode == "html":
            self.send(h, 200, b"<html><body>Service maintenance</body></html>", "text/html")
        else:
            self.send(h, 200, data)


class Clock(LoopbackClock):
    """A settable clock for ``make_assistant(clock=...)``; default: the tests' fixed NOW."""

    def __init__(self, now: datetime = NOW) -> None:
        super().__init__(now)
