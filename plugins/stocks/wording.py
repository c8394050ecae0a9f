"""The Korean wording of stock answers: prices in 원, changes, yes/no first, quote times."""

from __future__ import annotations

from datetime import datetime

from assistant.korean import particle

from .market import KST
from .names import Company
from .providers import Quote

DELAYED = "시세는 실제보다 늦을 수 있어요."
_WEEKDAYS = "월화수목금토일"


def company_label(company: Company) -> str:
    """ "삼성전자(005930)", or "종목코드 123456" for a code not in the table."""
    if company.name == company.code:
        return f"종목코드 {company.code}"
    return f"{company.name}({company.code})"


def _amount(value: float, currency: str) -> str:
    if currency == "KRW":
        return f"{value:,.0f}원"
    return f"{value:,.2f} {currency}"


def _change(quote: Quote, unit: str | None) -> tuple[float | None, str]:
    """(difference, "전날 종가보다 1,200원(1.71%) 올랐어요.") against the previous close."""
    if not quote.previous_close:
        return None, "전날 종가를 받지 못해 등락은 알 수 없어요."
    diff = quote.price - quote.previous_close
    pct = abs(diff) / quote.previous_close * 100
    size = f"{abs(diff):,.2f}포인트" if unit == "points" else _amount(abs(diff), quote.currency)
    if round(diff, 2) == 0:
        return 0.0, "전날 종가와 같아서 그대로예요."
    verb = "올랐어요" if diff > 0 else "내렸어요"
    return diff, f"전날 종가보다 {size}({pct:.2f}%) {verb}."


def _yes_no(ask: str | None, diff: float | None) -> str:
    if ask not in ("up", "down") or diff is None:
        return ""
    if round(diff, 2) == 0:
        return "아니요, 전날과 그대로예요. "
    rose = diff > 0
    if ask == "up":
        return "네, 올랐어요. " if rose else "아니요, 내렸어요. "
    return "네, 내렸어요. " if not rose else "아니요, 올랐어요. "


def _clock(moment: datetime) -> str:
    period = "오전" if moment.hour < 12 else "오후"
    text = f"{period} {moment.hour % 12 or 12}시"
    return text + (f" {moment.minute}분" if moment.minute else "")


def when(quote: Quote, now: datetime, closed: str | None) -> str:
    """ "오후 2시 5분 시세예요." / "11월 28일(금) 오후 3시 30분, 장 마감 기준이에요." + the delay."""
    if quote.time is None:
        moment_text = "받은 시각을 알 수 없는 시세예요."
    else:
        moment = datetime.fromtimestamp(quote.time, KST)  # Korean time, also for Nasdaq
        text = _clock(moment)
        if moment.date() != now.astimezone(KST).date():
            text = f"{moment.month}월 {moment.day}일({_WEEKDAYS[moment.weekday()]}) {text}"
        moment_text = f"{text}, 장 마감 기준이에요." if closed else f"{text} 시세예요."
    if closed and quote.time is None:
        moment_text = "장 마감 기준이에요."
    return f"{moment_text} {DELAYED}"


def _not_today(quote: Quote, now: datetime, closed: str | None, today: bool) -> str:
    """ "오늘은 주말이라 장이 열리지 않았어요. …" when asked about today and the quote is older."""
    if not today or quote.time is None:
        return ""
    if datetime.fromtimestamp(quote.time, KST).date() == now.astimezone(KST).date():
        return ""
    if closed in ("주말", "휴장일"):
        opening = f"오늘은 {closed}이라 장이 열리지 않았어요."
    else:
        opening = "오늘 장은 아직 열리지 않았어요."
    return f"{opening} 마지막 거래일 기준으로 알려드릴게요. "


def answer(
    subject: str,
    value: str,
    quote: Quote,
    *,
    now: datetime,
    closed: str | None,
    ask: str | None = None,
    today: bool = False,
    points: bool = False,
) -> str:
    """The whole answer: "[yes/no] SUBJECT VALUE이고, change. time, delay."

    ``subject`` carries its particle ("삼성전자(005930)는", "코스피 지수는"); ``points``:
    the change of an index, in points.
    """
    diff, change = _change(quote, "points" if points else None)
    return (
        f"{_not_today(quote, now, closed, today)}{_yes_no(ask, diff)}"
        f"{subject} {value}이고, {change} {when(quote, now, closed)}"
    )


def price_subject(label: str, name: str) -> str:
    """The label with 은/는 fitting the name ("삼성전자(005930)는")."""
    return label + particle(name, "은/는")


def amount(quote: Quote) -> str:
    return _amount(quote.price, quote.currency)
