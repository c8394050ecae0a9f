"""When alarms and reminders ring: one-off dates and repeat rules, in the configured zone.

All arithmetic is on local wall-clock dates of the app's time zone, then turned
into an aware datetime: a daily 07:00 alarm rings at 07:00 local time on both
sides of a daylight-saving change. A wall time that does not exist that day
(02:30 when clocks jump from 02:00 to 03:00) rings at the same distance after
the jump (03:30); a wall time that happens twice (01:30 when clocks go back)
rings the first time.

Monthly on a day a month does not have ("매달 31일" in April) rings on that
month's last day.
"""

from __future__ import annotations

import calendar
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS_OF = {
    "daily": WEEKDAYS,
    "weekdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
}


@dataclass(frozen=True)
class Rule:
    """A repeat: ``repeat`` (daily/weekdays/weekends/weekly/monthly) at ``time`` ("HH:MM")."""

    repeat: str
    time: str
    weekdays: tuple[str, ...] = field(default_factory=tuple)
    day_of_month: int | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["weekdays"] = list(self.weekdays)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> Rule | None:
        if not text:
            return None
        data = json.loads(text)
        return cls(
            data["repeat"],
            data["time"],
            tuple(data.get("weekdays") or ()),
            data.get("day_of_month"),
        )

    def matches(self, day: date) -> bool:
        if self.repeat == "monthly":
            last = calendar.monthrange(day.year, day.month)[1]
            return day.day == min(self.day_of_month or 1, last)
        days = self.weekdays if self.repeat == "weekly" else _DAYS_OF[self.repeat]
        return WEEKDAYS[day.weekday()] in days


def at_local(day: date, hhmm: str, tz: ZoneInfo) -> datetime:
    """``day`` at wall time ``hhmm`` in ``tz`` (nonexistent times move forward past a DST jump)."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    naive = datetime.combine(day, time(hour, minute))
    local = naive.replace(tzinfo=tz)
    # A time in a spring-forward gap does not round-trip; fold=0 gives the pre-jump offset,
    # which as an instant is the same distance after the jump (02:30 -> 03:30).
    return local.astimezone(timezone.utc).astimezone(tz)


def next_occurrence(rule: Rule, after: datetime, tz: ZoneInfo) -> datetime:
    """The first ring of ``rule`` strictly after ``after`` (aware)."""
    start = after.astimezone(tz).date()
    for offset in range(0, 400):
        day = start + timedelta(days=offset)
        if rule.matches(day):
            at = at_local(day, rule.time, tz)
            if at > after:
                return at
    raise ValueError(f"rule never rings: {rule}")


def last_ring(rule: Rule, due: datetime, now: datetime, tz: ZoneInfo) -> datetime:
    """The latest ring of ``rule`` at or before ``now``, starting from the due ring ``due``
    (how late a missed repeat is counts from its latest missed ring)."""
    last = due
    for _ in range(1000):
        ring = next_occurrence(rule, last, tz)
        if ring > now:
            break
        last = ring
    return last


def next_weekday(today: date, weekday: str, week: str = "") -> date:
    """The date of ``weekday``: the next one from today (today counts), or in this/next week.

    "이번 주 금요일" is the Friday of the current Monday-to-Sunday week (may be past);
    "다음 주 월요일" is the Monday of the following week.
    """
    target = WEEKDAYS.index(weekday)
    monday = today - timedelta(days=today.weekday())
    if week == "this":
        return monday + timedelta(days=target)
    if week == "next":
        return monday + timedelta(days=7 + target)
    return today + timedelta(days=(target - today.weekday()) % 7)


def next_date(today: date, month: int | None, day: int) -> date | None:
    """The next ``month``/``day`` from today (today counts); None if it never exists (2월 30일)."""
    for offset in range(0, 60):
        if month is None:
            year, mon = divmod(today.month - 1 + offset, 12)
            candidate_year, candidate_month = today.year + year, mon + 1
        else:
            candidate_year, candidate_month = today.year + offset, month
        try:
            candidate = date(candidate_year, candidate_month, day)
        except ValueError:
            if month is not None and offset > 8:
                return None
            continue
        if candidate >= today:
            return candidate
        if month is not None:
            continue
    return None
