"""Korean answers from a :class:`~.providers.Forecast`.

Yes/no questions ("비 와?", "우산 챙겨야 돼?", "추워?") are answered yes/no
first, then the figures. Every answer names the place it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from assistant.korean import josa
from assistant.types import Table

from . import codes
from .providers import Current, Day, Forecast, Hour

DAY_OFFSETS = {"today": 0, "tomorrow": 1, "day_after_tomorrow": 2}
DAY_WORDS = {"today": "오늘", "tomorrow": "내일", "day_after_tomorrow": "모레"}
_DAY_BY_OFFSET = {v: k for k, v in DAY_OFFSETS.items()}
WEEKDAYS = "월화수목금토일"


def weekday_words(d: date) -> str:
    """ "토요일(11/28)"."""
    return f"{WEEKDAYS[d.weekday()]}요일({d.month}/{d.day})"


def number(value: float | None) -> str:
    """5.0 -> "5", -1.25 -> "-1.3"."""
    if value is None:
        return "?"
    rounded = round(float(value), 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.1f}"


@dataclass
class Units:
    temperature: str = "°C"
    wind: str = "m/s"
    precipitation: str = "mm"

    @property
    def fahrenheit(self) -> bool:
        return "F" in self.temperature

    def degrees(self, value: float | None) -> str:
        return f"화씨 {number(value)}도" if self.fahrenheit else f"{number(value)}도"

    def celsius(self, value: float) -> float:
        return (value - 32) * 5 / 9 if self.fahrenheit else value

    def wind_ms(self, value: float) -> float:
        unit = self.wind.lower()
        if "km" in unit:
            return value / 3.6
        if "mp" in unit:
            return value * 0.44704
        if "kn" in unit:
            return value * 0.514444
        return value

    def amount(self, value: float | None) -> str:
        unit = "인치" if "inch" in self.precipitation.lower() else "mm"
        return f"{number(value)}{unit}"


@dataclass
class Precip:
    """How wet a period looks."""

    probability: float | None
    amount: float | None
    wet_code: bool
    snow: bool
    first_hour: str | None  # local ISO time of the first wet hour
    rain: bool = False  # rain (not only snow) expected
    raining_now: bool = False
    snowing_now: bool = False

    @property
    def level(self) -> str:
        """ "now" | "likely" | "maybe" | "no"."""
        if self.raining_now or self.snowing_now:
            return "now"
        p = self.probability or 0
        a = self.amount or 0
        if p >= 60 or a >= 1.0 or (self.wet_code and p >= 40):
            return "likely"
        if p >= 30 or a >= 0.1 or self.wet_code:
            return "maybe"
        return "no"


#: Parts of the day a question can name: (first hour, end hour, word).
PARTS: dict[str, tuple[int, int, str]] = {
    "dawn": (0, 6, "새벽"),
    "morning": (6, 12, "아침"),
    "afternoon": (12, 18, "오후"),
    "evening": (18, 24, "저녁"),
}


@dataclass
class Question:
    """Everything an answer needs about what was asked and what was forecast."""

    forecast: Forecast
    place: str
    day: Day
    target: date
    today: bool
    day_word: str  # 오늘 / 내일 / 모레
    when: str  # 오늘 / 내일 아침 / 오늘 저녁 …
    hours: list[Hour]  # the hours the question is about
    units: Units
    part: str | None
    now_asked: bool
    now_local: datetime

    @property
    def current(self) -> Current | None:
        """Current conditions, when the question is about now (today, no part of the day)."""
        if self.today and (self.part is None or self.now_asked):
            return self.forecast.current
        return None


def local_now(forecast: Forecast, now: datetime) -> datetime:
    """The current time at the forecast's place (naive local time)."""
    if forecast.utc_offset_seconds is None:
        return now.replace(tzinfo=None)
    offset = timezone(timedelta(seconds=forecast.utc_offset_seconds))
    return now.astimezone(offset).replace(tzinfo=None)


def find_day(forecast: Forecast, target: date) -> Day | None:
    iso = target.isoformat()
    return next((d for d in forecast.days if d.date == iso), None)


def select_hours(
    forecast: Forecast, target: date, part: str | None, after: datetime | None
) -> list[Hour]:
    """Hours of ``target`` (within ``part``), from ``after``'s hour on when given.

    If a named part of today is already over, its hours are still returned.
    """
    timed = []
    for hour in forecast.hours:
        try:
            t = datetime.fromisoformat(hour.time)
        except ValueError:
            continue
        if t.date() != target:
            continue
        if part and not PARTS[part][0] <= t.hour < PARTS[part][1]:
            continue
        timed.append((t, hour))
    if after is not None:
        start = after.replace(minute=0, second=0, microsecond=0)
        later = [h for t, h in timed if t >= start]
        if later or not part:
            return later
    return [h for _, h in timed]


def precipitation(q: Question) -> Precip:
    """Rain/snow outlook of the hours asked about (the day's figures if there are none)."""
    hours, day = q.hours, q.day
    probs = [h.precipitation_probability for h in hours if h.precipitation_probability is not None]
    amounts = [h.precipitation for h in hours if h.precipitation is not None]
    if hours and (probs or amounts):
        probability = max(probs) if probs else None
        amount = sum(amounts) if amounts else None
    else:
        probability = day.precipitation_probability_max
        amount = day.precipitation_sum
    wet_hours = [
        h
        for h in hours
        if codes.is_wet(h.weather_code)
        or (h.precipitation_probability or 0) >= 50
        or (h.precipitation or 0) >= 0.5
    ]
    wet_code = codes.is_wet(day.weather_code) if not hours else bool(wet_hours)
    snow = any(codes.is_snow(h.weather_code) for h in hours) or (
        not q.part and (codes.is_snow(day.weather_code) or (day.snowfall_sum or 0) > 0)
    )
    rain = any(codes.is_rain(h.weather_code) for h in hours) or (
        not hours and codes.is_rain(day.weather_code)
    )
    current = q.forecast.current if q.today else None
    return Precip(
        probability=probability,
        amount=amount,
        wet_code=wet_code,
        snow=snow,
        first_hour=wet_hours[0].time if wet_hours else None,
        rain=rain,
        raining_now=bool(current and codes.is_rain(current.weather_code)),
        snowing_now=bool(current and codes.is_snow(current.weather_code)),
    )


def hour_words(iso: str) -> str:
    """ "2026-11-22T15:00" -> "오후 3시"."""
    try:
        hour = datetime.fromisoformat(iso).hour
    except ValueError:
        return ""
    if hour == 0:
        return "밤 12시"
    if hour < 6:
        return f"새벽 {hour}시"
    if hour < 12:
        return f"오전 {hour}시"
    if hour == 12:
        return "낮 12시"
    if hour < 18:
        return f"오후 {hour - 12}시"
    return f"저녁 {hour - 12}시" if hour < 21 else f"밤 {hour - 12}시"


def compose(
    forecast: Forecast,
    place: str,
    *,
    day: str | None,
    ask: str | None,
    now: datetime,
    part: str | None = None,
    now_asked: bool = False,
    offset: int | None = None,
) -> str:
    """The Korean answer for one question (see the module docstring).

    ``offset`` (days from today) replaces ``day`` for days named by weekday.
    """
    units = _units(forecast)
    now_local = local_now(forecast, now)
    if offset is None:
        offset = DAY_OFFSETS.get(day or "today", 0)
        day_word = DAY_WORDS.get(day or "today", "오늘")
    else:
        named = now_local.date() + timedelta(days=offset)
        near = DAY_WORDS.get(_DAY_BY_OFFSET.get(offset, ""), "")
        day_word = f"{near}({WEEKDAYS[named.weekday()]}요일)" if near else weekday_words(named)
    today = offset == 0
    target = now_local.date() + timedelta(days=offset)
    forecast_day = find_day(forecast, target)
    if forecast_day is None:
        return f"죄송해요, {place}의 {day_word} 예보를 받지 못했어요. 잠시 후 다시 물어봐 주세요."
    part = part if part in PARTS else None
    q = Question(
        forecast=forecast,
        place=place,
        day=forecast_day,
        target=target,
        today=today,
        day_word=day_word,
        when=f"{day_word} {PARTS[part][2]}" if part else day_word,
        hours=select_hours(forecast, target, part, now_local if today else None),
        units=units,
        part=part,
        now_asked=now_asked and today,
        now_local=now_local,
    )
    if ask in ("rain", "snow", "umbrella"):
        return _precip_answer(q, ask)
    if ask in ("cold", "hot"):
        return _feel_answer(q, ask)
    if ask == "temperature":
        return _temperature_answer(q)
    return _general_answer(q)


# --- pieces -----------------------------------------------------------------------


def _day_range(q: Question) -> str:
    d, u = q.day, q.units
    return f"최저 {u.degrees(d.temperature_min)}, 최고 {u.degrees(d.temperature_max)}"


def _hours_range(q: Question) -> str | None:
    temps = [h.temperature for h in q.hours if h.temperature is not None]
    if not temps:
        return None
    lo, hi = min(temps), max(temps)
    prefix = "화씨 " if q.units.fahrenheit else ""
    if number(lo) == number(hi):
        return f"{prefix}{number(lo)}도"
    return f"{prefix}{number(lo)}~{number(hi)}도"


def _hours_sky(q: Question) -> str | None:
    """The sky of the hours asked about: the wettest code if any, else the most frequent."""
    found = [h.weather_code for h in q.hours if h.weather_code is not None]
    if not found:
        return codes.clause(q.day.weather_code)
    wet = [c for c in found if codes.is_wet(c)]
    if wet:
        return codes.clause(max(wet))
    return codes.clause(max(set(found), key=found.count))


def _precip_figures(p: Precip, units: Units, snow: bool) -> str:
    parts = []
    if p.probability is not None:
        parts.append(f"{'눈이나 비' if snow else '비'} 올 확률은 최대 {number(p.probability)}%")
    if p.amount is not None and p.amount > 0:
        parts.append(f"예상 강수량은 {units.amount(p.amount)}")
    return (", ".join(parts) + "예요.") if parts else ""


def _umbrella_hint(p: Precip) -> str:
    level = p.level
    if level in ("now", "likely"):
        if p.snow:
            return "우산을 챙기시고 빙판길을 조심하세요."
        return "외출하실 때 우산을 꼭 챙기세요."
    if level == "maybe":
        return "혹시 모르니 작은 우산을 챙기시면 좋겠어요."
    return ""


def _notable(humidity: float | None, wind: float | None, units: Units) -> str:
    notes = []
    if humidity is not None and humidity >= 85:
        notes.append(f"습도가 {number(humidity)}%로 높고")
    elif humidity is not None and humidity <= 25:
        notes.append(f"습도가 {number(humidity)}%로 아주 건조하고")
    if wind is not None and units.wind_ms(wind) >= 9:
        notes.append(f"바람이 강해요(풍속 {number(wind)}{units.wind}).")
    if not notes:
        return ""
    text = " ".join(notes)
    return text[:-1] + "요." if text.endswith("고") else text


# --- the answers ------------------------------------------------------------------


def _general_answer(q: Question) -> str:
    sentences = []
    p = precipitation(q)
    cur, u = q.current, q.units
    subject = josa(q.place, "은/는")
    if cur is not None:
        sky = codes.clause(cur.weather_code)
        head = f"{subject} 지금 {sky + ' ' if sky else ''}기온은 {u.degrees(cur.temperature)}"
        if (
            cur.apparent_temperature is not None
            and abs(cur.apparent_temperature - cur.temperature) >= 1
        ):
            head += f", 체감 온도는 {u.degrees(cur.apparent_temperature)}"
        sentences.append(head + "예요.")
        notable = _notable(cur.humidity, cur.wind_speed, u)
        if notable:
            sentences.append(notable)
        sentences.append(f"오늘은 {_day_range(q)}예요.")
    elif q.part and _hours_range(q):
        sky = _hours_sky(q)
        sentences.append(
            f"{q.when} {subject} {sky + ' ' if sky else ''}기온은 {_hours_range(q)}예요."
        )
    else:
        sky = codes.clause(q.day.weather_code)
        sentences.append(
            f"{q.when} {subject} {sky + ' ' if sky else ''}기온은 {_day_range(q)}예요."
        )
    figures = _precip_figures(p, u, p.snow)
    if figures and p.level != "no":
        sentences.append(figures)
    elif p.probability is not None:
        sentences.append(f"비 올 확률은 {number(p.probability)}%로 낮아요.")
    hint = _umbrella_hint(p)
    if hint:
        sentences.append(hint)
    return " ".join(sentences)


def _precip_answer(q: Question, ask: str) -> str:
    p = precipitation(q)
    place = q.place
    where = f"{q.when} {place}에는"
    level = p.level
    what = "눈이" if ask == "snow" else "비가"
    if q.now_asked and not (p.raining_now or p.snowing_now):
        head = f"아니요, 지금 {place}에는 {what} 오지 않아요."
        if level in ("likely", "maybe") and p.first_hour:
            kind = "눈" if p.snow and not p.rain else "비"
            head += f" 다만 {hour_words(p.first_hour)}쯤부터 {kind} 소식이 있어요."
        sentences = [head]
        figures = _precip_figures(p, q.units, p.snow)
        if figures and level != "no":
            sentences.append(figures)
        return " ".join(sentences)
    if ask == "snow":
        if p.snowing_now:
            head = f"네, 지금 {place}에는 눈이 내리고 있어요."
        elif p.snow and level in ("likely", "now"):
            head = f"네, {where} 눈 소식이 있어요."
        elif p.snow:
            head = f"{where} 눈이 조금 올 수도 있어요."
        elif level in ("likely", "now"):
            head = f"아니요, {where} 눈 소식은 없어요. 다만 비가 올 것 같아요."
        else:
            head = f"아니요, {where} 눈 소식은 없어요."
    elif ask == "umbrella":
        if level == "now":
            falling = "눈이" if p.snowing_now else "비가"
            head = f"네, 지금 {place}에는 {falling} 오고 있어요. 우산을 챙기세요."
        elif level == "likely":
            kind = "눈이나 비" if p.snow else "비"
            head = f"네, 우산을 챙기시는 게 좋겠어요. {where} {kind} 소식이 있어요."
        elif level == "maybe":
            head = f"{where} 비가 올 수도 있어요. 작은 우산을 챙기시면 좋겠어요."
        else:
            head = f"아니요, {where} 비 소식이 없어서 우산은 필요 없을 것 같아요."
    else:  # rain
        if p.raining_now:
            head = f"네, 지금 {place}에는 비가 오고 있어요."
        elif p.snow and not p.rain and level in ("likely", "maybe"):
            head = f"{where} 비 대신 눈 소식이 있어요."
        elif level == "likely":
            head = f"네, {where} 비 소식이 있어요."
        elif level == "maybe":
            head = f"{where} 비가 올 수도 있어요."
        else:
            head = f"아니요, {where} 비 소식이 없어요."
    sentences = [head]
    if p.first_hour and level in ("likely", "maybe"):
        sentences.append(f"{hour_words(p.first_hour)}쯤부터 올 것 같아요.")
    figures = _precip_figures(p, q.units, p.snow or ask == "snow")
    if figures:
        sentences.append(figures)
    if ask == "snow" and not q.part and (q.day.snowfall_sum or 0) > 0:
        sentences.append(f"예상 적설량은 {number(q.day.snowfall_sum)}cm예요.")
    if ask != "umbrella" and level in ("likely", "now"):
        sentences.append("우산을 챙기세요.")
    return " ".join(sentences)


def _reference_temperature(q: Question) -> float | None:
    """The temperature "추워?/더워?" is judged on (feels-like where known)."""
    cur = q.current
    if cur is not None:
        return cur.apparent_temperature if cur.apparent_temperature is not None else cur.temperature
    if q.part:
        temps = [h.temperature for h in q.hours if h.temperature is not None]
        if temps:
            return sum(temps) / len(temps)
    d = q.day
    low = d.apparent_min if d.apparent_min is not None else d.temperature_min
    high = d.apparent_max if d.apparent_max is not None else d.temperature_max
    if low is None or high is None:
        return low if high is None else high
    return (low + high) / 2


def _feel_answer(q: Question, ask: str) -> str:
    ref = _reference_temperature(q)
    if ref is None:
        return f"죄송해요, {q.place}의 기온 정보를 받지 못했어요."
    c = q.units.celsius(ref)
    when = "지금" if q.current is not None else q.when
    subject = f"{when} {josa(q.place, '은/는')}"
    if ask == "cold":
        if c <= -5:
            head = f"네, {subject} 아주 추워요. 따뜻하게 입으세요."
        elif c <= 5:
            head = f"네, {subject} 추워요. 외투를 챙기세요."
        elif c <= 12:
            head = f"{subject} 조금 쌀쌀해요. 겉옷을 챙기시면 좋겠어요."
        else:
            head = f"아니요, {subject} 춥지 않아요."
    else:
        if c >= 33:
            head = f"네, {subject} 아주 더워요. 물을 자주 드세요."
        elif c >= 28:
            head = f"네, {subject} 더워요."
        elif c >= 23:
            head = f"{subject} 조금 따뜻한 편이에요."
        else:
            head = f"아니요, {subject} 덥지 않아요."
    return head + " " + _temperature_figures(q)


def _temperature_figures(q: Question) -> str:
    cur, u = q.current, q.units
    if cur is not None:
        text = f"기온은 {u.degrees(cur.temperature)}"
        if cur.apparent_temperature is not None:
            text += f", 체감 온도는 {u.degrees(cur.apparent_temperature)}"
        return text + f"이고, 오늘은 {_day_range(q)}예요."
    if q.part and _hours_range(q):
        return f"{q.when} 기온은 {_hours_range(q)}예요."
    return f"{josa(q.day_word, '은/는')} {_day_range(q)}예요."


def _temperature_answer(q: Question) -> str:
    cur, u = q.current, q.units
    if cur is not None:
        text = f"{q.place}의 지금 기온은 {u.degrees(cur.temperature)}"
        if cur.apparent_temperature is not None:
            text += f"(체감 {u.degrees(cur.apparent_temperature)})"
        return text + f"예요. 오늘은 {_day_range(q)}예요."
    if q.part and _hours_range(q):
        return f"{q.when} {q.place}의 기온은 {_hours_range(q)}예요."
    return f"{q.day_word} {q.place}의 기온은 {_day_range(q)}예요."


# --- several days ("주말", "이번 주") --------------------------------------------------


def _units(forecast: Forecast) -> Units:
    return Units(
        **{k: v for k, v in forecast.units.items() if k in ("temperature", "wind", "precipitation")}
    )


def _day_level(d: Day) -> str:
    """ "likely" | "maybe" | "no" for a whole day from its daily figures."""
    p = d.precipitation_probability_max or 0
    a = d.precipitation_sum or 0
    wet = codes.is_wet(d.weather_code)
    if p >= 60 or a >= 1.0 or (wet and p >= 40):
        return "likely"
    if p >= 30 or a >= 0.1 or wet:
        return "maybe"
    return "no"


def _feels(d: Day) -> float | None:
    low = d.apparent_min if d.apparent_min is not None else d.temperature_min
    high = d.apparent_max if d.apparent_max is not None else d.temperature_max
    if low is None or high is None:
        return low if high is None else high
    return (low + high) / 2


def compose_range(
    forecast: Forecast,
    place: str,
    *,
    offsets: list[int],
    label: str,
    ask: str | None,
    now: datetime,
) -> tuple[str, Table | None]:
    """The answer for several days (``offsets`` from today), with a table of the days."""
    units = _units(forecast)
    today = local_now(forecast, now).date()
    days: list[tuple[str, Day]] = []
    for offset in offsets:
        d = find_day(forecast, today + timedelta(days=offset))
        if d is not None:
            days.append((weekday_words(today + timedelta(days=offset)), d))
    if not days:
        return f"죄송해요, {label} {place} 날씨는 아직 예보가 없어요.", None
    sentences: list[str] = []
    if len(days) < len(offsets):
        sentences.append(f"({days[-1][0].split('(')[0]}까지만 예보가 있어요.)")
    likely = [name.split("(")[0] for name, d in days if _day_level(d) == "likely"]
    maybe = [name.split("(")[0] for name, d in days if _day_level(d) == "maybe"]
    snowy = any(codes.is_snow(d.weather_code) or (d.snowfall_sum or 0) > 0 for _, d in days)
    kind = (
        "눈"
        if ask == "snow" or (snowy and not any(codes.is_rain(d.weather_code) for _, d in days))
        else "비"
    )
    if ask in ("rain", "snow", "umbrella"):
        if likely:
            head = f"네, {label} {place}에는 {', '.join(likely)}에 {kind} 소식이 있어요."
            if ask == "umbrella":
                head += " 우산을 챙기세요."
        elif maybe:
            subject = "비가" if kind == "비" else "눈이"
            head = f"{label} {place}에는 {', '.join(maybe)}에 {subject} 올 수도 있어요."
        else:
            head = f"아니요, {label} {place}에는 {kind} 소식이 없어요."
        sentences.insert(0, head)
    elif ask in ("cold", "hot"):
        feels = [(name.split("(")[0], _feels(d)) for name, d in days]
        known = [(name, value) for name, value in feels if value is not None]
        if known:
            subject = f"{label} {josa(place, '은/는')}"
            if ask == "cold":
                name, value = min(known, key=lambda kv: kv[1])
                c = units.celsius(value)
                if c <= 5:
                    head = f"네, {subject} 추워요. {name}이 가장 추워요."
                elif c <= 12:
                    head = f"{subject} 조금 쌀쌀해요. {name}이 가장 쌀쌀해요."
                else:
                    head = f"아니요, {subject} 춥지 않아요."
            else:
                name, value = max(known, key=lambda kv: kv[1])
                c = units.celsius(value)
                if c >= 28:
                    head = f"네, {subject} 더워요. {name}이 가장 더워요."
                elif c >= 23:
                    head = f"{subject} 조금 따뜻한 편이에요."
                else:
                    head = f"아니요, {subject} 덥지 않아요."
            sentences.insert(0, head)
    else:
        sentences.insert(0, f"{label} {place} 날씨예요.")
    for name, d in days:
        sky = codes.describe(d.weather_code) or "날씨 정보 없음"
        line = (
            f"{name} {sky}, 최저 {units.degrees(d.temperature_min)}, "
            f"최고 {units.degrees(d.temperature_max)}"
        )
        if d.precipitation_probability_max is not None:
            line += f", 강수 확률 {number(d.precipitation_probability_max)}%"
        sentences.append(line + ".")
    if ask not in ("rain", "snow", "umbrella") and likely:
        sentences.append(f"{', '.join(likely)}에는 우산을 챙기세요.")
    table = Table(
        columns=("날짜", "날씨", "최저", "최고", "강수 확률"),
        rows=[
            (
                name,
                codes.describe(d.weather_code) or "-",
                units.degrees(d.temperature_min),
                units.degrees(d.temperature_max),
                "-"
                if d.precipitation_probability_max is None
                else f"{number(d.precipitation_probability_max)}%",
            )
            for name, d in days
        ],
    )
    return " ".join(sentences), table
