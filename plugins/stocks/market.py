"""Is the Korea Exchange open? Regular session 09:00-15:30 KST on trading days.

Trading days are weekdays that are not KRX holidays. The holidays come from the
``holidays`` package (its ``XKRX`` calendar: public holidays, substitute
holidays, election days, Labour Day and the year-end closing day) plus the
dates in ``plugins.stocks.closed_days`` for closures it does not know yet.
Special sessions (the first trading day opens at 10:00, the college entrance
exam day runs 10:00-16:30) are not modelled.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

log = logging.getLogger("assistant.stocks")

KST = ZoneInfo("Asia/Seoul")
OPEN = time(9, 0)
CLOSE = time(15, 30)


@lru_cache(maxsize=8)
def krx_holidays(year: int) -> dict[date, str]:
    """KRX closing days of ``year`` other than weekends ({} if the calendar is unavailable)."""
    try:
        import holidays

        return dict(holidays.financial_holidays("XKRX", years=year))
    except Exception as exc:  # missing package or a year it can't compute: weekends only
        log.warning("KRX holiday calendar unavailable for %s: %s", year, exc)
        return {}


def closed_reason(now: datetime, closed_days: frozenset[date] = frozenset()) -> str | None:
    """Why the market is closed at ``now`` (Korean, "주말"), or None while it is open."""
    local = now.astimezone(KST)
    day = local.date()
    if local.weekday() >= 5:
        return "주말"
    if day in closed_days or day in krx_holidays(day.year):
        return "휴장일"
    if local.time() < OPEN:
        return "장 시작 전"
    if local.time() >= CLOSE:
        return "장 마감 후"
    return None
