"""Weather providers: the protocol, the registry and the built-in Open-Meteo provider.

A provider turns a place name into :class:`~.places.Place` candidates
(``geocode``) and a place into a :class:`Forecast` (``forecast``). The rest of
the plugin (place choice, caching, Korean answers) only sees these types, so
adding a provider (e.g. the Korea Meteorological Administration) means writing
one class and registering it, either in code::

    from assistant_plugins.weather.providers import register_provider
    register_provider("kma", KmaProvider)

or, from another package, with an entry point in the group
``assistant.weather_providers`` (``kma = "my_package.kma:KmaProvider"``). The
setting ``plugins.weather.provider`` chooses one by name. A provider factory is
called as ``factory(settings, http)`` with the ``plugins.weather`` settings
dict and the shared :class:`assistant.http.HttpClient` (timeouts, retries, deadline).
Raise :class:`assistant.http.FetchError` (``http.error(kind, detail)``) for network or format problems.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from assistant.http import HttpClient
from assistant.providers import ProviderRegistry

from .places import Place

log = logging.getLogger("assistant.weather")

DEFAULT_FORECAST_URL = "https://api.open-meteo.com/v1/forecast"
DEFAULT_GEOCODING_URL = "https://geocoding-api.open-meteo.com/v1/search"
ENTRY_POINT_GROUP = "assistant.weather_providers"


@dataclass
class Current:
    """Conditions now. Temperatures in the configured unit; ``None`` = not reported."""

    time: str  # local ISO time "2026-11-22T10:15"
    temperature: float
    weather_code: int | None = None
    apparent_temperature: float | None = None
    humidity: float | None = None
    precipitation: float | None = None
    wind_speed: float | None = None


@dataclass
class Hour:
    time: str  # local ISO time "2026-11-22T15:00"
    temperature: float | None = None
    precipitation_probability: float | None = None
    precipitation: float | None = None
    weather_code: int | None = None


@dataclass
class Day:
    date: str  # local ISO date "2026-11-22"
    weather_code: int | None = None
    temperature_max: float | None = None
    temperature_min: float | None = None
    apparent_max: float | None = None
    apparent_min: float | None = None
    precipitation_probability_max: float | None = None
    precipitation_sum: float | None = None
    snowfall_sum: float | None = None


@dataclass
class Forecast:
    """One provider answer for one place, in provider-neutral form."""

    current: Current | None
    hours: list[Hour] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)
    utc_offset_seconds: int | None = None  # None: the assistant's own time zone
    units: dict[str, str] = field(default_factory=dict)  # temperature / wind / precipitation

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Forecast:
        current = data.get("current")
        return cls(
            current=Current(**current) if current else None,
            hours=[Hour(**h) for h in data.get("hours") or ()],
            days=[Day(**d) for d in data.get("days") or ()],
            utc_offset_seconds=_optional_int(data.get("utc_offset_seconds")),
            units=dict(data.get("units") or {}),
        )


class WeatherProvider(Protocol):
    """What a weather source must offer."""

    #: short id used in settings and cache keys ("open-meteo")
    name: str

    def geocode(self, name: str, *, country_code: str | None, count: int) -> list[Place]:
        """Places called ``name`` (best first), optionally only in one country; [] if none."""
        ...

    def forecast(self, place: Place, *, days: int) -> Forecast:
        """Current conditions, hourly and daily forecast for ``days`` days from today (local)."""
        ...


ProviderFactory = Callable[[Mapping[str, Any], HttpClient], WeatherProvider]
_PROVIDERS = ProviderRegistry(ENTRY_POINT_GROUP, log)
_REGISTRY: dict[str, ProviderFactory] = _PROVIDERS.factories


def register_provider(name: str, factory: ProviderFactory) -> None:
    """Make a provider available as ``plugins.weather.provider: NAME``."""
    _PROVIDERS.register(name, factory)


def available_providers() -> list[str]:
    return _PROVIDERS.names()


def make_provider(name: str, settings: Mapping[str, Any], http: HttpClient) -> WeatherProvider:
    """Build the provider called ``name``; KeyError if there is none."""
    return _PROVIDERS.make(name, settings, http)


# --- Open-Meteo ------------------------------------------------------------------

_CURRENT_VARS = (
    "temperature_2m",
    "apparent_temperature",
    "relative_humidity_2m",
    "precipitation",
    "weather_code",
    "wind_speed_10m",
)
_HOURLY_VARS = ("temperature_2m", "precipitation_probability", "precipitation", "weather_code")
_DAILY_VARS = (
    "weather_code",
    "temperature_2m_max",
    "temperature_2m_min",
    "apparent_temperature_max",
    "apparent_temperature_min",
    "precipitation_probability_max",
    "precipitation_sum",
    "snowfall_sum",
)


class OpenMeteoProvider:
    """Open-Meteo (https://open-meteo.com): key-free forecast and geocoding APIs."""

    name = "open-meteo"

    def __init__(self, settings: Mapping[str, Any], http: HttpClient) -> None:
        self.http = http
        self.forecast_url = str(settings.get("forecast_url") or DEFAULT_FORECAST_URL)
        self.geocoding_url = str(settings.get("geocoding_url") or DEFAULT_GEOCODING_URL)
        self.temperature_unit = str(settings.get("temperature_unit") or "celsius")
        self.wind_speed_unit = str(settings.get("wind_speed_unit") or "ms")
        self.precipitation_unit = str(settings.get("precipitation_unit") or "mm")

    def geocode(self, name: str, *, country_code: str | None, count: int) -> list[Place]:
        params = {"name": name, "count": count, "language": "ko", "format": "json"}
        if country_code:
            params["countryCode"] = country_code
        data = self.http.get_json(self.geocoding_url, params)
        if not isinstance(data, dict):
            raise self.http.error("bad_response", "geocoding answer is not an object")
        if data.get("error"):
            raise self.http.error("bad_response", f"geocoding error: {data.get('reason')}")
        results = data.get("results") or []
        if not isinstance(results, list):
            raise self.http.error("bad_response", "geocoding 'results' is not a list")
        places = []
        for item in results:
            try:
                lat, lon = float(item["latitude"]), float(item["longitude"])
                if not (
                    math.isfinite(lat)
                    and math.isfinite(lon)
                    and -90 <= lat <= 90
                    and -180 <= lon <= 180
                ):
                    continue
                admin = tuple(
                    str(item[k]) for k in ("admin1", "admin2", "admin3", "admin4") if item.get(k)
                )
                places.append(
                    Place(
                        name=str(item["name"]),
                        latitude=lat,
                        longitude=lon,
                        admin=admin,
                        country_code=str(item.get("country_code") or ""),
                        timezone=item.get("timezone"),
                        source="geocoder",
                    )
                )
            except (KeyError, TypeError, ValueError):
                log.warning("skipping malformed geocoding result: %r", item)
        return places

    def forecast(self, place: Place, *, days: int) -> Forecast:
        params = {
            "latitude": f"{place.latitude:.4f}",
            "longitude": f"{place.longitude:.4f}",
            "current": _CURRENT_VARS,
            "hourly": _HOURLY_VARS,
            "daily": _DAILY_VARS,
            "timezone": "auto",
            "forecast_days": days,
            "temperature_unit": self.temperature_unit,
            "wind_speed_unit": self.wind_speed_unit,
            "precipitation_unit": self.precipitation_unit,
        }
        data = self.http.get_json(self.forecast_url, params)
        try:
            return parse_open_meteo_forecast(data)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise self.http.error(
                "bad_response", f"forecast fields missing or wrong: {exc!r}"
            ) from exc


def parse_open_meteo_forecast(data: Any) -> Forecast:
    """Open-Meteo forecast JSON -> :class:`Forecast`; raises on missing or malformed fields."""
    if not isinstance(data, dict):
        raise TypeError("forecast answer is not an object")
    if data.get("error"):
        raise ValueError(f"forecast error: {data.get('reason')}")
    cur = data["current"]
    current = Current(
        time=str(cur["time"]),
        temperature=_number(cur["temperature_2m"]),
        weather_code=_int(cur.get("weather_code")),
        apparent_temperature=_maybe(cur.get("apparent_temperature")),
        humidity=_maybe(cur.get("relative_humidity_2m")),
        precipitation=_maybe(cur.get("precipitation")),
        wind_speed=_maybe(cur.get("wind_speed_10m")),
    )
    hourly = data.get("hourly") or {}
    hours = []
    times = hourly.get("time") or []
    for i, t in enumerate(times):
        hours.append(
            Hour(
                time=str(t),
                temperature=_at(hourly, "temperature_2m", i),
                precipitation_probability=_at(hourly, "precipitation_probability", i),
                precipitation=_at(hourly, "precipitation", i),
                weather_code=_int(_at(hourly, "weather_code", i)),
            )
        )
    daily = data["daily"]
    day_list = []
    for i, d in enumerate(daily["time"]):
        day_list.append(
            Day(
                date=str(d),
                weather_code=_int(_at(daily, "weather_code", i)),
                temperature_max=_at(daily, "temperature_2m_max", i),
                temperature_min=_at(daily, "temperature_2m_min", i),
                apparent_max=_at(daily, "apparent_temperature_max", i),
                apparent_min=_at(daily, "apparent_temperature_min", i),
                precipitation_probability_max=_at(daily, "precipitation_probability_max", i),
                precipitation_sum=_at(daily, "precipitation_sum", i),
                snowfall_sum=_at(daily, "snowfall_sum", i),
            )
        )
    if not day_list:
        raise ValueError("forecast has no days")
    units = data.get("current_units") or {}
    return Forecast(
        current=current,
        hours=hours,
        days=day_list,
        utc_offset_seconds=_optional_int(data.get("utc_offset_seconds")),
        units={
            "temperature": str(units.get("temperature_2m") or "°C"),
            "wind": str(units.get("wind_speed_10m") or "m/s"),
            "precipitation": str(units.get("precipitation") or "mm"),
        },
    )


def _number(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _maybe(value: Any) -> float | None:
    if value is None:
        return None
    try:
        return _number(value)
    except (TypeError, ValueError):
        return None


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _int(value: Any) -> int | None:
    number = _maybe(value)
    return None if number is None else int(number)


def _at(block: Mapping[str, Any], key: str, i: int) -> float | None:
    values = block.get(key)
    if not isinstance(values, list) or i >= len(values):
        return None
    return _maybe(values[i])


register_provider(OpenMeteoProvider.name, OpenMeteoProvider)
