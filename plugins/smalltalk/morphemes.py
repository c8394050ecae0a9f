"""Korean morphemes for the reply memory: kiwipiepy analysis, reduced to search tokens.

``tokens(text)`` returns the content morphemes of ``text`` as ``form/TAG`` strings with a
coarse tag (``N`` nouns and pronouns, ``V`` verbs/adjectives, ``M`` adverbs and
determiners, ``L`` foreign words, ``D`` numbers, ``I`` interjections, ``S`` symbols such as
ㅠㅠ/ㅋㅋ, ``W`` emoji). Particles, endings, affixes and punctuation are dropped.

Negation is kept twice over: the negating morphemes themselves (``안/M``, ``못/M``,
``않/V``, ``없/V``) stay tokens, and the predicate they negate gets a second token
``~stem/V`` ("안 좋아" -> ``안/M 좋/V ~좋/V``; "좋지 않아" -> ``좋/V 않/V ~좋/V``). So
"재밌었어" (``재밌/V``) and "재미 없어" (``재미/N 없/V``) share no token.

kiwipiepy is imported on first use (never on the command path); ``warm_up()`` loads it
in a background thread. One analyser per process, guarded by a lock.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()
_KIWI: Any = None

#: Kiwi tag prefixes dropped from search tokens (particles, endings, affixes, punctuation, 이다)
_DROPPED = ("J", "E", "XS", "XP", "SF", "SP", "SS", "SE", "SO", "VCP", "MAJ", "Z", "UN")
_COARSE = {
    "NNG": "N",
    "NNP": "N",
    "NNB": "N",
    "NR": "N",
    "NP": "N",
    "XR": "N",
    "VV": "V",
    "VA": "V",
    "VX": "V",
    "VCN": "V",
    "MAG": "M",
    "MM": "M",
    "SL": "L",
    "SH": "L",
    "SN": "D",
    "IC": "I",
    "SW": "S",
}
#: adverbs that negate the next predicate, and auxiliaries that negate the previous one
_NEG_BEFORE = {"안", "못"}
_NEG_AFTER = {"않", "못하", "없", "말"}
_PREDICATE = ("VV", "VA")
_WORD = re.compile(r"[^\W_]+")


def analyzer() -> Any:
    """The process's kiwipiepy ``Kiwi`` (created on first call, a few seconds)."""
    global _KIWI
    if _KIWI is None:
        with _LOCK:
            if _KIWI is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(num_workers=-1, load_multi_dict=False, load_typo_dict=False)
                kiwi.tokenize("준비")  # the language model loads lazily on the first call
                _KIWI = kiwi
    return _KIWI


def loaded() -> bool:
    return _KIWI is not None


def warm_up() -> None:
    analyzer()


def _tag(raw: str) -> str:
    return raw.split("-", 1)[0]  # VV-R / VA-I (irregular conjugations) -> VV / VA


def coarse_tag(tag: str) -> str:
    """The coarse tag of a Kiwi tag, as in search tokens (``N``, ``V``, ``M``, ``S``, …)."""
    coarse = _COARSE.get(tag)
    if coarse is None:
        coarse = "W" if tag.startswith("W") else tag[:1]
    return coarse


def analyse(text: str) -> list[tuple[str, str]]:
    """(form, Kiwi tag) of every morpheme of ``text`` (a turn's remark is analysed once:
    the search, the aspect and the clash checks all ask for it)."""
    return list(_analysed(unicodedata.normalize("NFC", text or "").strip()))


@lru_cache(maxsize=4096)
def _analysed(text: str) -> tuple[tuple[str, str], ...]:
    if not text:
        return ()
    kiwi = analyzer()
    with _LOCK:  # Kiwi objects are not documented as thread-safe
        found = kiwi.tokenize(text)
    return tuple((t.form, _tag(t.tag)) for t in found)


@lru_cache(maxsize=8192)
def in_dictionary(token: str) -> bool:
    """Whether a noun token (``form/N``) is a common noun of Kiwi's own dictionary: a real
    word ("작약", "가슴살"), not one its unknown-word model guessed (a typo, a coinage or a
    name it has never seen: "불멍", "펭수") nor a proper noun (a typo such as "조아" reads
    as one)."""
    form, _, coarse = token.rpartition("/")
    if coarse != "N" or not form:
        return False
    kiwi = analyzer()
    with _LOCK:
        found = kiwi.tokenize(form)
        return (
            len(found) == 1
            and found[0].form == form
            and found[0].tag == "NNG"
            and kiwi.morpheme(found[0].id).form == form
        )


def tokens(text: str) -> list[str]:
    """Search tokens of ``text``: content morphemes as ``form/T`` with negation kept."""
    morphs = analyse(text)
    out: list[str] = []
    last_predicate: str | None = None
    pending_negation = False
    for i, (form, tag) in enumerate(morphs):
        if tag.startswith(_DROPPED):
            continue
        coarse = coarse_tag(tag)
        out.append(f"{form}/{coarse}")
        if tag == "MAG" and form in _NEG_BEFORE:
            pending_negation = True
            continue
        if tag in _PREDICATE:
            if pending_negation:
                out.append(f"~{form}/V")
                pending_negation = False
            last_predicate = form
            continue
        if tag == "VX" and form in _NEG_AFTER and last_predicate and i > 0:
            if morphs[i - 1][1].startswith("EC"):  # 좋(VA) 지(EC) 않(VX)
                out.append(f"~{last_predicate}/V")
            continue
        if coarse in ("N", "L", "D"):
            pending_negation = False
    return out


_PLAN_ENDINGS = {"ᆯ게", "을게", "ᆯ래", "을래", "ᆯ까", "을까", "ᆯ게요", "을게요", "ᆯ래요", "을래요"}
#: "따려구", "하려구요": Kiwi reads the colloquial -려구 as a final ending
_PLAN_ENDINGS |= {"려고", "으려고", "려구", "으려구", "려고요", "으려고요", "려구요", "으려구요"}
_PLAN_CONNECTIVES = {"려고", "으려고", "려구", "으려구", "러", "으러"}
_PLAN_NOUNS = {"거", "것", "계획", "예정", "생각"}
_PAST = {"었", "았", "였", "었었", "았었"}
_DONE_NOUNS = {"끝", "완료"}
#: what follows a -ᆯ까 that wonders whether to do it: "키워볼까 해", "늘려볼까 고민 중", "갈까
#: 생각 중", "할까 말까" (a plan being weighed; set Z9 had drawn "첫 수확 축하해요!")
_WEIGHED = {"하", "고민", "생각", "싶", "말"}
#: words of a habit or a state that goes on ("요즘 운동함", "자꾸 생각남"): a final noun ending
#: after them tells no thing done (here and in ``reflection``)
HABIT_WORDS = frozenset(
    {"마다", "항상", "맨날", "매일", "매주", "늘", "자주", "언제나", "만날", "요즘", "요새", "자꾸",
     "계속"}
)  # fmt: skip
#: ... or a time ahead says it is still to come ("내일부터 진짜 다이어트 시작함")
_AHEAD = {"내일", "모레", "다음", "이따", "나중", "앞으로", "내년", "담주", "다음주"}


def plan_marker(form: str, tag: str, after: str) -> bool:
    """Whether one morpheme (``after``: the next one's form) marks a plan or an intention:
    "-ᆯ게/-ᆯ래", "-려고", "-겠-", "-ᆯ 거/계획/예정", "-고 싶-", "-기로"."""
    return (
        (tag.startswith("EF") and form in _PLAN_ENDINGS)
        or (tag.startswith("EC") and form in _PLAN_CONNECTIVES)
        or (tag == "EP" and form == "겠")
        or (tag == "ETM" and form in ("ᆯ", "을") and after in _PLAN_NOUNS)
        or (tag == "VX" and form == "싶")
        or (tag == "ETN" and form == "기" and after == "로")  # 보기로 했어: decided to
        or (tag.startswith("EC") and form in ("ᆯ까", "을까") and after in _WEIGHED)
    )


def plans_at(morphs: list[tuple[str, str]], i: int) -> bool:
    """Whether morpheme ``i`` of ``morphs`` ((form, tag) pairs) marks a plan (:func:`plan_marker`);
    a purpose connective (-러, -려고) before a round trip that is over is a thing done ("한우
    먹으러 갔다 왔어", "장 보러 마트 다녀왔어", "사려고 갔었는데"), not a plan; before any other
    past it stays one ("자려고 누웠어", "김장하러 오라고 하셨어": the purpose is still ahead)."""
    form, tag = morphs[i]
    if not plan_marker(form, tag, morphs[i + 1][0] if i + 1 < len(morphs) else ""):
        return False
    if tag.startswith("EC") and form in _PLAN_CONNECTIVES:
        background = form in ("러", "으러") and _in_background(morphs[i + 1 :])
        return not _round_trip_over(morphs[i + 1 :]) and not background
    return True


#: connectives after which another clause tells the news (also the ends of an afterthought:
#: ``reflection._afterthought``)
BACKGROUND_CONNECTIVES = frozenset({"는데", "ᆫ데", "은데", "어서", "아서", "서", "니까", "으니까"})


def _in_background(morphs: list[tuple[str, str]]) -> bool:
    """The purpose's verb (after -러; "-려고 했는데" stays a plan) is followed by a connective
    of :data:`BACKGROUND_CONNECTIVES` and another
    predicate: the errand is the setting, not the plan ("길냥이 밥 주러 나왔는데 너무 추워서
    손가락이 안 움직여" had drawn "잘되길 바랄게요", session 15)."""
    verb = connective = False
    for form, tag in morphs:
        if tag.startswith(("VV", "VA", "VX", "XSV", "XSA")):
            if connective:
                return True
            verb = True
        elif tag.startswith("EC") and verb and form in BACKGROUND_CONNECTIVES:
            connective = True
        elif tag.startswith("EF"):
            return False
    return False


def _round_trip_over(morphs: list[tuple[str, str]]) -> bool:
    """다녀왔-, 갔다 왔-/갔다 옴, 갔었-: a trip there and back that is over."""
    for j, (form, tag) in enumerate(morphs):
        after = [f for f, _t in morphs[j + 1 : j + 5]] + ["", "", "", ""]
        if tag != "VV":
            continue
        if form == "다녀오" and after[0] in _PAST:
            return True
        if form == "가" and after[0] == "었었":
            return True
        if form == "가" and after[:3] == ["었", "다", "오"] and after[3] in (*_PAST, "ᆷ", "음"):
            return True  # 갔다 왔어, 갔다 옴 (not 갔다 올게)
    return False


_WH = {"뭐", "뭘", "무엇", "어디", "언제", "어떻게", "무슨", "어느", "누구"}


def _done_by_noun_ending(morphs: list[tuple[str, str]]) -> bool:
    """The remark ends in a 하다-verb's noun ending ("첫 수확함", "방금 도착함") and no word of
    habit (:data:`HABIT_WORDS`) or of a time ahead (:data:`_AHEAD`) makes it a state that goes on
    or a plan."""
    content = [(f, t) for f, t in morphs if not t.startswith(("S", "J"))]
    return (
        len(content) >= 2
        and content[-1][1] in ("ETN", "EF")  # Kiwi reads a final ᆷ as either
        and content[-1][0] in ("ᆷ", "음")
        and content[-2][1] == "XSV"
        and not any(form in HABIT_WORDS or form in _AHEAD for form, _t in morphs)
    )


def _deliberates(morphs: list[tuple[str, str]]) -> bool:
    """A question to oneself about what to do: a question word and a verb ending in -지
    ("점심 뭐 먹지", "내일 뭐 입지"); "밥 먹었지?" has a past and is no plan."""
    ends = [i for i, (_f, tag) in enumerate(morphs) if tag.startswith("EF")]
    if not ends or morphs[ends[-1]][0] != "지" or ends[-1] == 0:
        return False
    return morphs[ends[-1] - 1][1] == "VV" and any(form in _WH for form, _t in morphs)


#: (not -ᆯ게 / -ᆯ래: "나 이제 잘게", "이따 연락할게" are goodbyes and promises, no plans to wish
#: well)
_TOLD_PLAN_ENDINGS = {
    "려고",
    "으려고",
    "려구",
    "으려구",
    "려고요",
    "으려고요",
    "려구요",
    "으려구요",
}
_TOLD_PLAN_ENDINGS |= {"ᆯ라고", "을라고", "ᆯ라구", "ᆯ려고"}


def tells_plan(text: str) -> bool:
    """Whether the remark's last sentence tells a plan of one's own, plainly: it ends in
    -려고(요), -ᆯ 거(야), -기로 했다, or 계획/예정 ("주말에 엔딩 볼 계획ㅋㅋ"), with
    no question anywhere. Narrower than :func:`aspect`, whose plan is anywhere in the remark
    ("들으려는데 서버 터짐", "인사하러 왔어", "고등어 구울까 삼치 구울까?"): the last-resort
    acknowledgement wishes a plan well only when the remark tells one (session 14)."""
    morphs = analyse(text)
    if any(tag == "SF" and "?" in form for form, tag in morphs):
        return False
    body = [m for m in morphs if not m[1].startswith(("SF", "SW", "SE", "SS", "SO"))]
    while body and body[-1] == ("요", "JX"):
        body.pop()
    if not body:
        return False
    form, tag = body[-1]
    if tag.startswith("NN"):
        return form in ("계획", "예정")
    if not (tag.startswith("EF") or (tag.startswith("EC") and form in _PLAN_CONNECTIVES)):
        return False
    if form in _TOLD_PLAN_ENDINGS or (tag.startswith("EC") and form in _PLAN_CONNECTIVES):
        return form not in ("러", "으러")
    # the final predicate only: "-ᆯ 거(예요)" / "-기로 했어" right before the final ending
    # ("가기로 했는데 숙소 때문에 의견이 갈림" tells a quarrel, not the plan)
    tail = [f for f, _t in body[-5:-1]]
    forms = [f for f, _t in body[-6:]]
    for i in range(len(forms) - 1):
        if forms[i] in ("ᆯ", "을") and forms[i + 1] in ("거", "것", "계획", "예정"):
            if forms[i + 2 : i + 3] == ["같"]:
                return False  # "허리 끊어질 것 같다": a guess, not a plan
            return not any(p in _PAST for p in forms[i + 1 :])
    return tail[-3:] == ["기", "로", "하"] or tail[-4:-1] == ["기", "로", "하"]


@lru_cache(maxsize=4096)
def aspect(text: str) -> str | None:
    """``"plan"`` (going to, wants to, about to: "갈 거야", "올게", "쉴래", "해야겠다",
    "써 보려고", "보기로 했어", and wondering what to do: "점심 뭐 먹지"), ``"past"`` (done: "갔다 왔어", "먹었어", "청소 끝"), or None (neither, or
    a bare present). A plan wins over a past inside it ("갔다 올게" is a plan)."""
    morphs = analyse(text)
    plan = past = False
    for i, (form, tag) in enumerate(morphs):
        plan = plan or plans_at(morphs, i)
        past = past or (tag == "EP" and form in _PAST)
    if not plan and not past and morphs and morphs[-1][0] in _DONE_NOUNS:
        past = True
    if not plan and not past and _done_by_noun_ending(morphs):
        past = True
    if not plan and not past and _deliberates(morphs):
        plan = True
    return "plan" if plan else "past" if past else None


def words(text: str) -> list[str]:
    """Whitespace words of ``text`` with punctuation removed (for vocabulary checks)."""
    return _WORD.findall(unicodedata.normalize("NFC", text or ""))


def char_ngrams(text: str, n: int = 2) -> list[str]:
    """Character n-grams inside each word (the fallback tokens for rare words)."""
    grams: list[str] = []
    for word in words(text.lower()):
        if len(word) < n:
            grams.append(word)
        else:
            grams.extend(word[i : i + n] for i in range(len(word) - n + 1))
    return grams
