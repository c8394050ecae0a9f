"""Questions that ask 이랑 to pick one of two things ("너는 소금빵파야 크루아상파야?",
"야식으로 치킨 vs 떡볶이 골라줘", "이랑아 짜장면이랑 짬뽕 중에 뭐가 좋아?").

When no memory pair answers such a question well, she picks one instead of saying she does
not know. Only a taste question ("…파야 …파야"), a question put to her (her name, 너/넌,
"너라면") or a request to pick ("골라 줘") is answered: advice between two things ("적금이랑
ETF 중에 뭐가 나을까요?") is not hers to decide by a coin. Both options must be noun phrases
(Kiwi), so a clause ("바로 자는 게 나아 아니면 버티다 자는 게 나아?") is left alone. The pick
depends only on the two options, not on their order: asked again, she answers the same.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from assistant.korean import josa

_WORD = r"[가-힣A-Za-z0-9]+"
_ASK = r"(?:뭐|뭘|어느|어떤|어디|누가|누구|하나)"
#: "소금빵파야 크루아상파야", "시트러스파? 우디파?", "강아지파예요 고양이파예요"
_TASTE = re.compile(
    rf"({_WORD})파(?:야|예요|에요|세요|요|임|인가요|냐)?\s*[?,]?\s*(?:아니면\s+)?"
    rf"({_WORD})파(?:야|예요|에요|세요|요|임|인가요|냐)?(?=$|[\s?!.~,ㅋㅎ])"
)
_OTHERS = (
    #: "치킨 vs 떡볶이"
    re.compile(rf"((?:{_WORD}\s)?{_WORD})\s*(?:vs\.?|VS|Vs)\s*({_WORD}(?:\s{_WORD})?)"),
    #: "짜장면이랑 짬뽕 중에 뭐가", "잔잔한 노래랑 신나는 노래 중에 뭐 틀래"
    re.compile(
        rf"((?:{_WORD}\s)?{_WORD}?)(?:이랑|랑|하고)\s+((?:{_WORD}\s)?{_WORD}?)\s*중(?:에서|에)?\s*{_ASK}"
    ),
    #: "잔잔한 노래가 좋아요 신나는 노래가 좋아요?" (the same predicate twice)
    re.compile(
        rf"((?:{_WORD}\s)?{_WORD}?)(?:이|가|을|를)\s+({_WORD})\??\s+(?:아니면\s+)?"
        rf"((?:{_WORD}\s)?{_WORD}?)(?:이|가|을|를)\s+\2"
    ),
)
_NOUNS = {"NNG", "NNP", "SL", "SN", "XSN", "NR"}
_PHRASE = _NOUNS | {"XR", "XSA", "ETM", "VA", "MM"}  # no verb: "비 오는 날" is a clause


def _to_her(text: str, name: str) -> bool:
    """Said to her: her name as a word, a second-person word, or a request to pick."""
    you = r"너|넌|너는|니가|네가|너라면|당신"
    called = rf"{re.escape(name)}(?:아|야|이|씨|님)?(?:은|는|이|가|도)?" if name else you
    return bool(
        re.search(rf"(?:^|\s)(?:{you}|{called})(?=$|[\s?!.,~])", text)
        or re.search(r"골라|하나만", text)
    )


def _noun_phrase(text: str, word: int) -> str | None:
    """``text`` (or its ``word``-th word: -1 the last, 0 the first) as a short noun phrase
    ("소금빵", "맥북 에어", "잔잔한 노래"), or None when it is a clause or has a particle."""
    from assistant_plugins.smalltalk.morphemes import analyse

    parts = text.split()
    fallback = parts[word] if len(parts) > 1 else ""
    before = analyse(parts[-2]) if fallback and word == -1 else []
    if before and before[-1][1] == "ETM":
        fallback = ""  # "비 오는 날": "날" alone is not what was asked about
    for phrase in (text, fallback):
        morphs = analyse(phrase)
        if (
            0 < len(morphs) <= 5
            and morphs[-1][1] in _NOUNS
            and all(tag in _PHRASE for _, tag in morphs)
        ):
            return phrase
    return None


def options(text: str, name: str = "이랑") -> tuple[str, str, bool] | None:
    """The two options a question puts to her and whether it asks her taste ("…파"),
    or None when ``text`` asks no such thing (``name``: hers)."""
    taste = _TASTE.search(text)
    if taste:
        found = [(taste.group(1), taste.group(2), True)]
    elif _to_her(text, name):
        found = [
            (m.group(1), m.group(m.lastindex or 2), False)
            for pattern in _OTHERS
            if (m := pattern.search(text))
        ]
    else:
        return None
    for first, second, is_taste in found:
        one, two = _noun_phrase(first.strip(), -1), _noun_phrase(second.strip(), 0)
        if one and two and one != two and one != name and two != name:
            return one, two, is_taste
    return None


def pick(first: str, second: str) -> tuple[str, str]:
    """(chosen, other): the same for either order of the two."""
    a, b = sorted((first, second))
    digest = hashlib.sha256(f"{a}\t{b}".encode()).digest()
    return (a, b) if digest[0] % 2 == 0 else (b, a)


def choice_reply(
    text: str, name: str = "이랑", known: Iterable[tuple[str, str]] = ()
) -> str | None:
    """Her pick (the one a persona row ``known`` gives for the same two things, if any),
    said plainly ("저는 소금빵파예요! 크루아상도 좋지만요. 어느 쪽이세요?",
    "저는 짬뽕이 더 끌려요! 짜장면도 좋지만요. 어느 쪽이세요?"), or
    None when ``text`` is no question between two things put to her."""
    found = options(text, name)
    if found is None:
        return None
    chosen, other = pick(found[0], found[1])
    for utterance, reply in known:  # the persona's own answer to the same two things
        said = options(utterance, name)
        if said is None or {said[0], said[1]} != {chosen, other}:
            continue
        named = [o for o in (chosen, other) if o in reply]
        if len(named) != 1:
            return reply  # "둘 다 좋아서 정말 못 고르겠어요ㅎㅎ"
        if named[0] != chosen:
            chosen, other = other, chosen
        break
    if found[2]:
        return TASTE.format(chosen=chosen, other=other)
    return PICK.format(chosen=josa(chosen, "이/가"), other=other)


TASTE = "저는 {chosen}파예요! {other}도 좋지만요. 어느 쪽이세요?"
PICK = "저는 {chosen} 더 끌려요! {other}도 좋지만요. 어느 쪽이세요?"


def replies() -> list[str]:
    """The words of her picks besides the two options (for the made-up-word check)."""
    return [t.format(chosen="", other="") for t in (TASTE, PICK)]
