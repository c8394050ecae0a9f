"""Answering one weather question: place -> coordinates -> forecast (cached) -> Korean text.

Every failure ends in a short Korean reply that says what went wrong; the
details go to the log (``assistant.weather``). Nothing here raises for a
network or data problem.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.app import App
from assistant.korean import particle
from assistant.types import Reply

from . import answer, places
from .cache import WeatherCache
from .http import FetchError, HttpClient, HttpSettings
from .places import Place
from .providers import Forecast, WeatherProvider, available_providers, make_provider
from .understand import WEEKDAY_NAMES

log = logging.getLogger("assistant.weather")

MAX_PLACE_CHARS = 40
_PLACE_CHARS = re.compile(r"^[가-힣A-Za-z][가-힣A-Za-z0-9 .\-]*$")
GEOCODE_COUNT = 10
FORECAST_DAYS = 7  # today + 6: enough for 이번 주, 주말 and weekday names


@dataclass
class Resolved:
    place: Place | None
    reply: str | None = None  # set when the place could not be resolved
    others: tuple[Place, ...] = ()  # other places with the same name


class WeatherService:
    """One per assistant process (kept in ``app.state["weather"]``)."""

    def __init__(self, app: App) -> None:
        self.app = app
        s: Mapping[str, Any] = app.config.plugin("weather")
        self.settings = s
        self.default_place = str(s.get("default_place") or "서울")
        self.country_code = str(s.get("country_code", "KR") or "")  # "" = worldwide only
        self.cache_seconds = float(s.get("cache_minutes", 10)) * 60
        self.stale_seconds = float(s.get("stale_hours", 3)) * 3600
        self.geocode_seconds = float(s.get("geocode_cache_days", 30)) * 86400
        self.http = HttpClient(
            HttpSettings(
                connect_timeout=float(s.get("connect_timeout", 3)),
                read_timeout=float(s.get("read_timeout", 5)),
                retries=max(0, int(s.get("retries", 1))),
                retry_backoff=float(s.get("retry_backoff", 0.5)),
                total_timeout=float(s.get("total_timeout", 12)),
            )
        )
        self.cache = WeatherCache(app.data_dir / "weather.db")
        self.provider_name = str(s.get("provider") or "open-meteo")
        self._provider: WeatherProvider | None = None

    def close(self) -> None:
        self.cache.close()

    @property
    def provider(self) -> WeatherProvider:
        if self._provider is None:
            self._provider = make_provider(self.provider_name, self.settings, self.http)
        return self._provider

    # -- the whole answer ----------------------------------------------------------

    def answer(self, slots: Mapping[str, Any]) -> Reply:
        self.http.new_deadline()
        if slots.get("day_unsupported"):
            word = re.sub(r"^(이번|다음|지난)(주)", r"\1 \2", str(slots["day_unsupported"]))
            if word in ("어제", "그제", "그저께", "작년"):
                return Reply(
                    "죄송해요, 지난 날씨는 알려드릴 수 없어요. 오늘, 내일, 모레 날씨를 물어봐 주세요."
                )
            return Reply(
                f"죄송해요, {word} 날씨는 아직 알려드릴 수 없어요. 오늘, 내일, 모레 날씨를 물어봐 주세요."
            )
        said = str(slots.get("place") or "").strip()
        problem = check_place_text(said) if said else None
        if problem:
            return Reply(problem, data={"error": "bad_place"})
        try:
            provider = self.provider
        except KeyError:
            names = ", ".join(available_providers()) or "없음"
            return Reply(
                f"죄송해요, 설정한 날씨 제공자 '{self.provider_name}'{particle(self.provider_name, '을/를')} 찾을 수 없어요"
                f" (사용할 수 있는 것: {names}).",
                data={"error": "provider"},
            )
        resolved = self.resolve(said or self.default_place, provider)
        if resolved.place is None:
            return Reply(
                resolved.reply or "죄송해요, 어느 지역인지 찾지 못했어요.", data={"error": "place"}
            )
        place = resolved.place
        label = place_label(place)
        forecast, note, source = self.forecast(place, provider)
        if forecast is None:
            return Reply(
                f"죄송해요, {label} 날씨를 가져오지 못했어요. {note}",
                data={"error": "forecast", "place": label},
            )
        if slots.get("days") and not slots.get("day"):
            return self._several_days(forecast, label, slots, note, source, place)
        try:
            text = answer.compose(
                forecast,
                label,
                day=slots.get("day"),
                ask=slots.get("ask"),
                now=self.app.now(),
                part=slots.get("part"),
                now_asked=bool(slots.get("now")),
            )
        except Exception as exc:  # a provider's odd data must never crash the turn
            log.exception("could not compose a weather answer for %s", label)
            return Reply(f"죄송해요, {label} 날씨 정보를 해석하지 못했어요 ({type(exc).__name__}).")
        if resolved.others:
            text += " " + _others_hint(place, resolved.others)
        if note:
            text += " " + note
        data = {
            "place": label,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "source": source,
            "provider": self.provider_name,
        }
        return Reply(text, data=data)

    def _several_days(
        self,
        forecast: Forecast,
        label: str,
        slots: Mapping[str, Any],
        note: str,
        source: str,
        place: Place,
    ) -> Reply:
        """Answers for "주말", "이번 주", "토요일" …: a day by weekday or a span of days."""
        offsets, span = day_offsets(
            str(slots["days"]), bool(slots.get("next_week")), self.app.now().date()
        )
        last = FORECAST_DAYS - 1
        data = {"place": label, "source": source, "provider": self.provider_name}
        if not any(0 <= o <= last for o in offsets):
            return Reply(
                f"죄송해요, {span} 날씨는 아직 예보가 없어요. 오늘부터 {last}일 뒤까지만 알려드릴 수 있어요.",
                data=data,
            )
        offsets = [o for o in offsets if o >= 0]  # days past the forecast are said by the answer
        try:
            if len(offsets) == 1 and not str(slots["days"]).endswith("week"):
                text = answer.compose(
                    forecast,
                    label,
                    day=None,
                    ask=slots.get("ask"),
                    now=self.app.now(),
                    part=slots.get("part"),
                    offset=offsets[0],
                )
                table = None
            else:
                text, table = answer.compose_range(
                    forecast,
                    label,
                    offsets=offsets,
                    label=span,
                    ask=slots.get("ask"),
                    now=self.app.now(),
                )
        except Exception as exc:  # a provider's odd data must never crash the turn
            log.exception("could not compose a weather answer for %s", label)
            return Reply(f"죄송해요, {label} 날씨 정보를 해석하지 못했어요 ({type(exc).__name__}).")
        if note:
            text += " " + note
        return Reply(text, table=table, data={**data, "days": offsets})

    # -- places ------------------------------------------------------------------------

    def resolve(self, text: str, provider: WeatherProvider) -> Resolved:
        """The place for ``text``: the built-in table first, then the geocoder."""
        words = text.split()
        found = places.resolve_from_table(words)
        if found is not None:
            return Resolved(found)
        name, hints = words[-1], words[:-1]
        try:
            candidates = self._geocode(name, provider)
        except FetchError as exc:
            return Resolved(
                None, f"죄송해요, '{text}'의 위치를 찾는 중에 문제가 생겼어요. {exc.korean()}"
            )
        pool = [p for p in candidates if name_matches(name, p.name)]
        if not pool:
            # A name in another script (query "Seoul" -> "서울", or no Korean name known for
            # the result) can't be compared: trust the geocoder for those.
            pool = [p for p in candidates if not (_has_hangul(name) and _has_hangul(p.name))]
        if not pool:
            if candidates:
                log.info(
                    "geocoder results for %r do not match the name: %r",
                    name,
                    [p.name for p in candidates],
                )
            return Resolved(
                None, unknown_place_message(text, [place_label(p) for p in candidates[:2]])
            )
        if hints:
            inside = [p for p in pool if all(places.region_matches(h, p.admin) for h in hints)]
            if not inside:
                region = " ".join(hints)
                elsewhere = ", ".join(place_label(p) for p in pool[:3])
                msg = f"죄송해요, {region}에서는 '{name}'{particle(name, '을/를')} 찾지 못했어요."
                if elsewhere:
                    msg += f" 다른 지역에 있는 {name}: {elsewhere}."
                return Resolved(None, msg)
            pool = inside
        if not pool:
            return Resolved(None, unknown_place_message(text))
        return Resolved(
            pool[0],
            others=tuple(
                p for p in pool[1:] if places.compact(p.name) == places.compact(pool[0].name)
            )[:2],
        )

    def _geocode(self, name: str, provider: WeatherProvider) -> list[Place]:
        key = f"geo|{provider.name}|{self.country_code}|{name}"
        now = self.app.now().timestamp()
        cached = self.cache.get(key)
        if cached and now - cached[0] <= self.geocode_seconds:
            return _places(cached[1])
        try:
            found = provider.geocode(
                name, country_code=self.country_code or None, count=GEOCODE_COUNT
            )
            if not found and self.country_code:
                found = provider.geocode(name, country_code=None, count=GEOCODE_COUNT)
        except FetchError:
            if cached:  # a place does not move: an old answer is still right
                return _places(cached[1])
            raise
        self.cache.put(key, now, [p.as_json() for p in found])
        return found

    # -- forecasts ---------------------------------------------------------------------

    def forecast(self, place: Place, provider: WeatherProvider) -> tuple[Forecast | None, str, str]:
        """``(forecast, note, source)``; source is network | cache | stale. Forecast None = failure."""
        units = "|".join(
            str(self.settings.get(k) or "")
            for k in ("temperature_unit", "wind_speed_unit", "precipitation_unit")
        )
        key = f"fc|{provider.name}|{place.latitude:.3f}|{place.longitude:.3f}|{units}"
        now = self.app.now().timestamp()
        cached = self.cache.get(key)
        cached_forecast = _forecast(cached[1]) if cached else None
        age = now - cached[0] if cached else None
        if cached_forecast is not None and age is not None and 0 <= age <= self.cache_seconds:
            return cached_forecast, "", "cache"
        try:
            fresh = provider.forecast(place, days=FORECAST_DAYS)
        except FetchError as exc:
            log.warning("forecast for %s failed: %s", place.name, exc)
            if cached_forecast is not None and age is not None and 0 <= age <= self.stale_seconds:
                note = f"다만 {exc.because()} {_age_words(age)} 전에 받아 둔 정보로 답했어요."
                return cached_forecast, note, "stale"
            return None, exc.korean(), "error"
        self.cache.put(key, now, fresh.as_json())
        self.cache.prune(now - max(self.stale_seconds, self.cache_seconds) - 86400, prefix="fc|")
        return fresh, "", "network"


# --- helpers ------------------------------------------------------------------------


def day_offsets(days: str, next_week: bool, today: date) -> tuple[list[int], str]:
    """Days from ``today`` meant by a ``days`` slot, and how to call them.

    "weekend" -> the coming Saturday and Sunday (today's, at the weekend),
    "this_week" -> today to Sunday, "next_week" -> next Monday to Sunday, a
    weekday -> its next occurrence (today included), or in next week.
    """
    wd = today.weekday()  # Monday 0 … Sunday 6
    if days == "weekend":
        if next_week:
            return [12 - wd, 13 - wd], "다음 주말"
        return ([0] if wd == 6 else [5 - wd, 6 - wd]), "이번 주말"
    if days == "this_week":
        return list(range(0, 7 - wd)), "이번 주"
    if days == "next_week":
        return list(range(7 - wd, 14 - wd)), "다음 주"
    target = WEEKDAY_NAMES.index(days) if days in WEEKDAY_NAMES else wd
    offset = 7 - wd + target if next_week else (target - wd) % 7
    name = "월화수목금토일"[target] + "요일"
    return [offset], f"다음 주 {name}" if next_week else name


def check_place_text(text: str) -> str | None:
    """A Korean complaint about a place string that can't be a place name, else None."""
    if len(text) > MAX_PLACE_CHARS:
        return (
            f"죄송해요, 지역 이름이 너무 길어요({len(text):,}자). "
            "'서울'이나 '인천 고잔동'처럼 짧게 말씀해 주세요."
        )
    if not _PLACE_CHARS.match(text):
        shown = text if len(text) <= 20 else text[:20] + "…"
        return (
            f"죄송해요, '{shown}'{particle(shown, '은/는')} 지역 이름으로 알아볼 수 없어요. "
            "'서울'이나 '인천 고잔동'처럼 한글 지역 이름으로 말씀해 주세요."
        )
    return None


_NAME_SUFFIX = re.compile(r"(?:특별자치시|특별자치도|특별시|광역시|시|군|구|동|읍|면|리|도)$")


def name_matches(said: str, found: str) -> bool:
    """Is a geocoder result called ``found`` the place the user called ``said``?

    Exact (spaces and case ignored), or equal once one side's administrative
    suffix is dropped ("고잔" ~ "고잔동", "강남구" ~ "강남"; not "행복동" ~ "행복리"). Fuzzy look-alikes are not
    accepted: they become suggestions, never a guess.
    """
    a, b = places.compact(said).lower(), places.compact(found).lower()
    if not a or not b:
        return False
    return a == b or a == _NAME_SUFFIX.sub("", b) or _NAME_SUFFIX.sub("", a) == b


def _has_hangul(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


def unknown_place_message(text: str, found: list[str] | tuple[str, ...] = ()) -> str:
    msg = f"죄송해요, '{text}'{particle(text, '이/가')} 어느 지역인지 찾지 못했어요."
    close = [*found, *(n for n in places.suggestions(text) if n not in found)][:3]
    if close:
        msg += f" 혹시 {', '.join(close)} 중 하나를 말씀하신 건가요?"
    return msg + " 시·군·구나 동 이름으로 다시 말씀해 주세요."


def place_label(place: Place) -> str:
    """What the reply calls a place: "부산", "인천 남동구 고잔동"."""
    if place.source == "table" or not place.admin:
        return place.name
    parts = []
    for i, region in enumerate(place.admin):
        short = region
        if i == 0:
            key = places._ADMIN1_BY_NAME.get(region.lower())  # noqa: SLF001 - same package
            short = key or region
        if places.compact(short) != places.compact(place.name) and short not in parts:
            parts.append(short)
    return " ".join([*parts, place.name])


def _others_hint(used: Place, others: tuple[Place, ...]) -> str:
    names = ", ".join(place_label(p) for p in others)
    region = place_label(others[0]).split()[0]
    return f"(다른 {used.name}도 있어요: {names}. '{region} {used.name} 날씨'처럼 물어보시면 돼요.)"


def _age_words(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "방금"
    if minutes < 60:
        return f"{minutes}분"
    hours, rest = divmod(minutes, 60)
    return f"{hours}시간 {rest}분" if rest else f"{hours}시간"


def _places(data: Any) -> list[Place]:
    try:
        return [Place.from_json(p) for p in data]
    except (KeyError, TypeError, ValueError):
        return []


def _forecast(data: Any) -> Forecast | None:
    try:
        return Forecast.from_json(data)
    except (KeyError, TypeError, ValueError) as exc:
        log.error("cached forecast unreadable, ignoring it: %s", exc)
        return None
