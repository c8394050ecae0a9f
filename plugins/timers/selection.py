"""Which timer the user means: by name, ordinal, "마지막", "모두", or by asking back."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.korean import josa
from assistant.slots import SlotError, parse_duration
from assistant.store import StoreError
from assistant.types import Reply, Request

from . import listing, speech
from .service import TimerService
from .store import TimerRow

_ORDINALS = {
    "첫": 1, "첫째": 1, "하나": 1, "한": 1, "1": 1, "일": 1,
    "두": 2, "둘째": 2, "둘": 2, "2": 2, "이": 2,
    "세": 3, "셋째": 3, "셋": 3, "3": 3, "삼": 3,
    "네": 4, "넷째": 4, "넷": 4, "4": 4, "사": 4,
    "다섯": 5, "5": 5, "오": 5,
}  # fmt: skip
_ORDINAL_RE = re.compile(
    r"^(?P<n>첫째|둘째|셋째|넷째|첫|하나|한|두|둘|세|셋|네|넷|다섯|\d+|일|이|삼|사|오)\s*(?:번\s*째|번째|번|째)?(?:\s*(?:거|것|꺼|타이머|알람))?"
    r"(?:\s*(?:요|이요|으로|로|을|를))?$"
)
_LAST_RE = re.compile(
    r"^(?:마지막|맨\s*끝|끝)(?:\s*(?:거|것|꺼|번|타이머|알람))?(?:\s*(?:요|이요|으로|로|을|를))?$"
)
_ALL_RE = re.compile(
    r"^(?:모두|전부|다|둘\s*다|셋\s*다|싹\s*다|전부\s*다|몽땅)(?:\s*(?:요|취소|취소해|꺼|해))?(?:\s*(?:줘|주세요))?$"
)
_NEVERMIND_RE = re.compile(
    r"^(?:아니|아니요|아뇨|아니야|아냐|됐어|됐어요|됐다|그냥\s*둬|놔둬|그대로\s*둬|하지\s*마|취소하지\s*마|안\s*해|괜찮아)(?:요)?$"
)
_NAME_TAIL = re.compile(r"\s*(?:타이머|알람|알림|모닝콜)\s*(?:은|는|가|를|도|요|이요|이|을)?$")


def wanted_kind(text: str) -> str | None:
    """'timer' or 'alarm' when the utterance names only one of them, else None."""
    alarm = bool(re.search(r"알람|알림|모닝콜", text))
    timer = "타이머" in text
    if alarm and not timer:
        return "alarm"
    if timer and not alarm:
        return "timer"
    return None


def of_kind(row: TimerRow, kind: str | None) -> bool:
    """Whether ``row`` is of the kind the user named: "알람"/"알림" cover alarms and reminders."""
    if kind is None:
        return True
    if kind == "alarm":
        return row.kind in ("alarm", "reminder")
    return row.kind == kind


def clean_name(name: str | None) -> str:
    """The name as the user meant it: "라면 타이머를" -> "라면"."""
    if not name:
        return ""
    text = re.sub(r"\s+", " ", name).strip()
    text = _NAME_TAIL.sub("", text).strip()
    return "" if text in ("이", "그", "저", "내", "제", "지금", "방금") else text


def _variants(name: str) -> list[str]:
    """``name`` without spaces, and without a trailing "요"/"이요" ("라면이요" -> "라면")."""
    compact = name.replace(" ", "")
    out = [compact]
    for tail in ("이요", "요"):
        if compact.endswith(tail) and len(compact) > len(tail):
            out.append(compact[: -len(tail)])
    return out


def _called(row: TimerRow) -> str:
    """What the user calls a row: its name, or a reminder's message."""
    return row.name or row.message


def find_by_name(rows: list[TimerRow], name: str) -> list[TimerRow]:
    """Rows the user means by ``name``: exact name, part of the name, or a timer's length."""
    name = clean_name(name)
    if not name:
        return []
    compact = name.replace(" ", "")
    for variant in _variants(name):
        exact = [r for r in rows if _called(r).replace(" ", "") == variant]
        if exact:
            return exact
    partial = [
        r
        for r in rows
        if _called(r)
        and (compact in _called(r).replace(" ", "") or _called(r).replace(" ", "") in compact)
    ]
    if partial:
        return partial
    try:
        seconds = parse_duration(name)
    except SlotError:
        return []
    return [r for r in rows if not r.name and abs(r.duration - seconds) < 0.5]


def pick_from(rows: list[TimerRow], text: str, verbs: str = "") -> list[TimerRow] | None:
    """Which of ``rows`` a follow-up answer names: by ordinal, "마지막", "모두" or exact name.

    Only short answers count ("라면", "라면 타이머", "첫 번째", "2번 취소해"): a
    whole new request ("라면 타이머 멈춰" after "어느 것을 취소할까요?") is not an
    answer and returns None. ``verbs`` is a regex of this action's verbs that
    may follow the answer ("취소|꺼").
    """
    t = text.strip()
    if verbs:
        t = re.sub(rf"\s*(?:{verbs})(?:\s*(?:해|해요|하자|시켜))?$", "", t).strip() or t
    t = re.sub(r"\s*(?:으로|로)$", "", t).strip()
    if _ALL_RE.match(t):
        return list(rows)
    m = _ORDINAL_RE.match(t)
    if m:
        n = _ORDINALS.get(m.group("n"))
        if n is None and m.group("n").isdigit():
            n = int(m.group("n"))
        if n is not None and 1 <= n <= len(rows):
            return [rows[n - 1]]
    if _LAST_RE.match(t):
        return [rows[-1]]
    name = clean_name(t)
    if not name:
        return None
    labels = {
        r.id: speech.label(r.name, r.kind, r.duration, r.message).replace(" ", "") for r in rows
    }
    for variant in _variants(name):
        found = [r for r in rows if _called(r) and _called(r).replace(" ", "") == variant]
        found = found or [
            r for r in rows if labels[r.id] in (variant, variant + "타이머", variant + "알람")
        ]
        if found:
            return found
    return None


def choose(
    request: Request,
    service: TimerService,
    candidates: list[TimerRow],
    everything: list[TimerRow],
    action: Callable[[list[TimerRow]], Reply | str],
    *,
    verb: str,
    kind: str | None,
    allow_all: bool = False,
    answer_verbs: str = "",
) -> Reply | str:
    """Apply ``action`` to the timer the request means, or ask which one.

    ``candidates`` are the timers the action applies to, ``everything`` all active
    ones (to say what exists when nothing fits). With a name in the request the
    named timer is used; with one candidate it is used; with several, the reply
    asks which one and the answer (a name, "첫 번째", "모두") completes it.
    """
    name = clean_name(request.slots.get("name"))
    if name:
        found = find_by_name(candidates, name)
        if not found:
            if not everything:
                return (
                    f"{speech.quoted(name)} {josa(listing.noun(kind), '은/는')} 없어요. "
                    + listing.none_left(kind, [])
                )
            return f"{josa(speech.quoted(name), '이라는/라는')} {josa(listing.noun(kind), '을/를')} 찾지 못했어요. 지금 있는 것: {listing.numbered(everything, service)}"
        if len(found) == 1:
            return action(found)
        candidates = found
    if not candidates:
        others = [r for r in everything if kind and not of_kind(r, kind)]
        return listing.none_left(kind, others)
    if len(candidates) == 1:
        return action(candidates)
    noun = listing.noun(
        kind if kind else candidates[0].kind if len({r.kind for r in candidates}) == 1 else None
    )
    ids = [r.id for r in candidates]

    def answer(next_request: Request) -> Reply | str | None:
        text = next_request.normalized
        if _NEVERMIND_RE.match(text):
            return "알겠어요, 그대로 둘게요."
        try:
            current = {r.id: r for r in service.pending()}
            rows = [current[i] for i in ids if i in current]
            picked = pick_from(rows, text, answer_verbs)
            if picked is None:
                return None  # not an answer: the utterance is routed normally
            if len(picked) > 1 and not allow_all:
                return "하나만 골라 주세요. " + listing.numbered(rows, service)
            return action(picked)
        except StoreError as exc:
            return Reply(str(exc), data={"error": "store"})

    hint = " 모두 하려면 '모두'라고 해 주세요." if allow_all else ""
    text = (
        f"{noun} {len(candidates)}개가 있어요. 어느 것을 {verb}? {listing.numbered(candidates, service)}."
        f" 이름이나 번호로 말씀해 주세요.{hint}"
    )
    return Reply(text, table=listing.timers_table(candidates, service), followup=answer)
