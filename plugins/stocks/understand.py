"""Understanding stock questions: normalized utterance -> intent slots, or None.

An utterance is a stock question only when it *ends* in one: a topic word and a
request ("삼성전자 주가 알려줘", "현대차 시세"), or a known company and a question
("삼전 얼마야", "SK하이닉스 오늘 올랐어", "삼성전자 사도 돼"), or an index
("코스피 지수", "코스닥 어때"). Chat that merely mentions stocks ("주식 공부 좀
해볼까", "주식으로 돈 날렸어", "개미들 힘내자") matches none of these and stays
small talk. Slots:

- ``company`` (``stock.price``): the listed name when the words name one company,
  else the words as said (the handler asks back or says it found nothing);
- ``index`` (``stock.index``): ``KOSPI`` | ``KOSDAQ`` | ``NASDAQ`` | ``S&P500`` | ``DOW`` | ``NIKKEI``;
- ``ask``: ``up`` / ``down`` for yes/no questions ("올랐어?"), ``advice`` for
  "사도 돼?" (answered with a polite refusal and the price);
- ``today``: True when 오늘 was said.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .keywords import KEYWORDS  # noqa: F401 - defined here before
from .names import Directory

_POLITE = r"(?:요|용|여)?"
_REQUEST = (
    r"(?:좀\s*)?(?:알려|말해|가르쳐|보여|확인해|체크해|찾아|조회해)\s*"
    r"(?:줘|줘요|주세요|줄래|줄래요|주라|줄\s*수\s*있어|주실래요|주시겠어요|봐|봐요)?"
)
_QUESTION = (
    r"(?:어때|어떄|어떠니|어떤가|어떻게\s*(?:돼|됐어|되나|되니|됐나)|어떻대|어떰|어떻냐"
    r"|얼마야|얼마예요|얼마에요|얼마니|얼마냐|얼마임|얼마나\s*해|얼마|몇\s*원이야|몇\s*원|몇이야"
    r"|궁금해|궁금한데|알고\s*싶어|나와|봐\s*줘)"
)
_UP = r"(?:올랐어|올랐나|올랐니|올랐냐|올랐지|올랐음|상승했어|상승했나|오름|올라갔어|올라갔나|플러스야)"
_DOWN = (
    r"(?:떨어졌어|떨어졌나|떨어졌니|떨어졌냐|떨어졌지|내렸어|내렸나|내렸니|하락했어|하락했나"
    r"|빠졌어|빠졌나|내려갔어|내려갔나|마이너스야|폭락했어|망했어)"
)
_ADVICE = (
    r"(?:사도\s*(?:돼|될까|되나|괜찮아|괜찮을까)|살까|사야\s*(?:돼|해|할까|하나)|사\s*말아|팔까"
    r"|팔아야\s*(?:돼|해|할까|하나)|팔아도\s*(?:돼|될까)|매수(?:해도\s*돼|할까|해야\s*돼)?|매도(?:해도\s*돼|할까|해야\s*돼)?"
    r"|손절(?:할까|해야\s*돼)?|존버(?:할까|해야\s*돼)?|물타기\s*할까|추천해\s*줘|들어가도\s*(?:돼|될까)"
    r"|오를까|떨어질까|오를\s*것\s*같아|떨어질\s*것\s*같아|전망\s*(?:어때|알려\s*줘)?)"
)
_END = rf"(?P<end>{_REQUEST}|{_QUESTION}|{_UP}|{_DOWN}|{_ADVICE}){_POLITE}"
_TOPIC = r"(?P<topic>주가|주식\s*가격|주식|시세|현재가|종가)"
#: "삼성전자 주가 알려줘", "현대차 시세", "카카오 주식 어때"
WITH_TOPIC = re.compile(
    rf"^(?P<pre>.+?)\s*(?:의\s*)?{_TOPIC}\s*(?:은|는|이|가|좀|을|를|정보)?\s*(?:{_END})?$"
)
#: "삼전 얼마야", "SK하이닉스 오늘 올랐어", "삼성전자 사도 돼"
BARE = re.compile(rf"^(?P<pre>.+?)\s*(?:은|는|이|가|도|좀)?\s*{_END}$")
_INDEX_NAMES = {
    "코스피": "KOSPI",
    "kospi": "KOSPI",
    "코스닥": "KOSDAQ",
    "kosdaq": "KOSDAQ",
    "나스닥": "NASDAQ",
    "nasdaq": "NASDAQ",
    "다우": "DOW",
    "다우존스": "DOW",
    "s&p500": "S&P500",
    "에스앤피500": "S&P500",
    "니케이": "NIKKEI",
    "닛케이": "NIKKEI",
}
INDEX = re.compile(
    r"^(?P<pre>(?:오늘|지금|현재|요즘)\s*)?"
    r"(?P<index>코스피|kospi|코스닥|kosdaq|나스닥|nasdaq|다우\s*존스|다우|s\s*&\s*p\s*500|에스앤피\s*500|니케이|닛케이)"
    r"\s*(?:지수|종합\s*지수)?\s*(?:는|은|가|이|좀)?\s*"
    rf"(?:{_END}|몇\s*포인트(?:야|예요)?|마감(?:\s*어떻게\s*했어)?|몇|지수)?$",
    re.IGNORECASE,
)
DAY_WORDS = {"오늘", "지금", "현재", "요즘", "요새", "오늘은", "지금은"}
#: words before a topic that are not a company ("내 주식 어때", "우리 주식")
NOT_COMPANY = {"내", "나", "제", "저", "우리", "너", "니", "네", "님", "전체", "요즘", "이"}


def _ask(end: str | None) -> str | None:
    if not end:
        return None
    for kind, pattern in (("up", _UP), ("down", _DOWN), ("advice", _ADVICE)):
        if re.fullmatch(rf"{pattern}{_POLITE}", end):
            return kind
    return None


def understand_index(text: str) -> dict[str, Any] | None:
    m = INDEX.match(text.strip())
    if not m:
        return None
    name = re.sub(r"\s+", "", m.group("index")).lower()
    slots: dict[str, Any] = {"index": _INDEX_NAMES[name]}
    ask = _ask(m.group("end"))
    if ask:
        slots["ask"] = ask
    if m.group("pre") and "오늘" in m.group("pre"):
        slots["today"] = True
    return slots


def understand_price(text: str, directory: Directory) -> dict[str, Any] | None:
    text = text.strip()
    m = WITH_TOPIC.match(text)
    strong = bool(m) and re.sub(r"\s+", "", m.group("topic")) != "주식"
    if not m:
        m = BARE.match(text)
    if not m:
        return None
    words = m.group("pre").split()
    today = any(w in DAY_WORDS for w in words)
    words = [w for w in words if w not in DAY_WORDS]
    said = " ".join(words)
    if not said or said in NOT_COMPANY or len(said) > 30:
        return None
    end = m.groupdict().get("end") or ""
    ask = _ask(end)
    # "… 어때" alone is too common a question to guess at typos ("뭐 어때"); a price
    # question ("얼마야", "올랐어") or a topic word is not.
    vague = "topic" not in m.groupdict() and ask is None and "얼마" not in end and "원" not in end
    found = _find(said, directory, typos=not vague)
    if found is None:
        if not strong or words[0] in NOT_COMPANY:
            return None  # "사과 얼마야", "내 주식 어때": not about a listed company
        company = said
    else:
        company = found
    slots: dict[str, Any] = {"company": company}
    if ask:
        slots["ask"] = ask
    if today:
        slots["today"] = True
    return slots


def _find(said: str, directory: Directory, *, typos: bool) -> str | None:
    """The listed name ``said`` refers to, ``said`` itself if it is ambiguous, None if unknown.

    A particle glued to the name is tried without it ("삼성전자는", "카카오가").
    """
    for candidate in (said, re.sub(r"(?:은|는|이|가|의|도)$", "", said)):
        found = directory.find(candidate, typos=typos)
        if found.how == "ambiguous":
            return candidate
        if found.company is not None:
            return found.company.name if found.how != "code" else found.company.code
    return None


def make_matchers(
    directory: Callable[[], Directory],
) -> tuple[Callable[[str], tuple[float, dict] | None], Callable[[str], tuple[float, dict] | None]]:
    """The ``Intent.match`` rules of ``stock.price`` and ``stock.index``."""

    def price(text: str) -> tuple[float, dict] | None:
        slots = understand_price(text, directory())
        return None if slots is None else (1.0, slots)

    def index(text: str) -> tuple[float, dict] | None:
        slots = understand_index(text)
        return None if slots is None else (1.0, slots)

    return price, index
