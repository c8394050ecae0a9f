"""Understanding weather questions: normalized utterance -> slots, or None.

Used as the ``match`` rule of the ``weather.get`` intent. Slots:

- ``place``: the place as said, particles removed ("인천 고잔동"); absent = default place
- ``day``: "today" | "tomorrow" | "day_after_tomorrow"; absent = now / today
- ``now``: True when the user said 지금/현재
- ``part``: "dawn" | "morning" | "afternoon" | "evening" when a part of the day was named
- ``ask``: the kind of question: "rain" | "snow" | "umbrella" | "cold" | "hot" | "temperature";
  absent = a general weather question
- ``days``: "weekend" | "this_week" | "next_week" | "monday" … "sunday" (with
  ``next_week: True`` for "다음 주 토요일"): days beyond 오늘/내일/모레
- ``day_unsupported``: a day word we can't answer ("어제", "글피")

Design: an utterance is weather only when it *ends* in a weather question or
request ("… 날씨 어때", "… 비 와", "우산 챙겨야 돼", "… 몇 도야"). Statements
and chat that merely mention the weather ("날씨가 좋아서 기분이 좋다", "비 오는
날 좋아해", "너무 추워") are left to small talk. What comes before the
question is split into day words, filler words and the place. With an explicit
"날씨/기온 + question" ending anything before it is taken as the place (so an
absurd place gets a clear "can't find that place" answer); the weaker forms
("비 와", "추워", "몇 도야") accept only short, place-like words before them.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.korean import complains_why

from .keywords import KEYWORDS  # noqa: F401 - defined here before
from .places import is_known

# --- vocabulary -----------------------------------------------------------------

DAY_WORDS = {
    "오늘": "today",
    "금일": "today",
    "오늘밤": "today",
    "오늘저녁": "today",
    "내일": "tomorrow",
    "명일": "tomorrow",
    "낼": "tomorrow",
    "모레": "day_after_tomorrow",
    "내일모레": "day_after_tomorrow",
    "낼모레": "day_after_tomorrow",
}
NOW_WORDS = {"지금", "현재", "당장", "지금당장", "이따", "이따가"}
PART_OF_DAY = {
    "새벽": "dawn",
    "아침": "morning",
    "오전": "morning",
    "출근길": "morning",
    "출근할때": "morning",
    "낮": "afternoon",
    "점심": "afternoon",
    "오후": "afternoon",
    "저녁": "evening",
    "밤": "evening",
    "퇴근길": "evening",
    "퇴근할때": "evening",
    "하루": None,
    "종일": None,
    "하루종일": None,
}
FILLERS = {
    "밖",
    "바깥",
    "밖앝",
    "요즘",
    "요새",
    "혹시",
    "그럼",
    "그러면",
    "근데",
    "그런데",
    "그래서",
    "이번",
    "쪽",
    "지역",
    "지방",
    "근처",
    "부근",
    "일대",
    "날씨",
    "좀",
    "많이",
    "너무",
    "엄청",
    "꽤",
    "진짜",
    "정말",
    "되게",
    "한번",
    "제일",
    "많",
    "아주",
    "매우",
    "혹",
    "음",
    "아",
    "어",
    "자",
    "나가면",
    "나갈건데",
    "이렇게",
    "이리",
    "그렇게",
    "저렇게",
    "또",
    "자꾸",
    "계속",
}
#: Words meaning "here": the default place.
HERE_WORDS = {
    "여기",
    "거기",
    "이곳",
    "그곳",
    "우리집",
    "우리동네",
    "동네",
    "집",
    "회사",
    "학교",
    "이쪽",
    "그쪽",
}
#: Pronouns: not a place, and no sign of a weather question either ("나 추워").
PRONOUNS = {"우리", "너", "너네", "너희", "니", "네", "나", "저", "제", "내", "이랑"}
#: Words describing the weather ("좋은 날씨"): the utterance is about weather, not asking for it.
MODIFIERS = {
    "좋은",
    "나쁜",
    "맑은",
    "흐린",
    "궂은",
    "추운",
    "더운",
    "화창한",
    "따뜻한",
    "쌀쌀한",
    "이런",
    "그런",
    "저런",
    "무슨",
    "어떤",
    "이상한",
    "미친",
    "최악의",
    "최고의",
    "완벽한",
    "우중충한",
    "꿀꿀한",
    "습한",
    "건조한",
    "선선한",
    "시원한",
    "포근한",
    "같은",
    "오늘같은",
    "좋았던",
    "싫은",
    "좋아하는",
    "싫어하는",
}
#: Not an outdoor place: "방 온도 몇 도야" is not a weather question.
INDOOR = {
    "방",
    "실내",
    "집안",
    "물",
    "체온",
    "냉장고",
    "냉동실",
    "사우나",
    "몸",
    "열",
    "물온도",
    "보일러",
    "에어컨",
}
UNSUPPORTED_DAY = re.compile(r"^(?:글피|다음달|이번달|어제|그제|그저께|작년|내년|지난주|지난주말)$")
#: Days of a week: "토요일", "다음주토요일", "주말", "이번주말", "이번주", "다음주".
WEEK = re.compile(
    r"^(?:(?P<which>이번|다음)주)?(?P<weekday>[월화수목금토일])요일$"
    r"|^(?P<which_end>이번|다음)?주말$"
    r"|^(?P<week>이번|다음)주$"
)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Day expressions written in two words: "내일 모레" -> "내일모레", "이번 주" -> "이번주",
#: "다음 주 토요일" -> "다음주토요일".
_JOIN_DAYS = re.compile(r"(내일|낼)\s+(모레)(?=\s|$|[은는에도])")
_JOIN_WEEK = re.compile(r"(이번|다음|지난)\s*주\s*(말|[월화수목금토일]요일)?(?=\s|$|[은는에도엔])")
#: Word endings of clause material before the question ("… 덥던데 내일 날씨 어때").
_CLAUSE_END = re.compile(
    r"(?:데|다|지만|니까|어서|아서|해서|워서|라서|하고|되고|있고|없고|는데|면서)$"
)
_PARTICLES = (
    "에서는",
    "에서도",
    "에서",
    "으로는",
    "으로",
    "까지",
    "부터",
    "에는",
    "에도",
    "하고",
    "은",
    "는",
    "이",
    "가",
    "의",
    "에",
    "엔",
    "도",
    "랑",
    "만",
    "로",
    "쪽",
)
_PLACE_WORD = re.compile(r"^[가-힣A-Za-z][가-힣A-Za-z.\-]*$")
_ADMIN_TAIL = re.compile(r"[동읍면리구군시도]$")

# --- endings --------------------------------------------------------------------

_POLITE = r"(?:요|용|여|유|욤)?"
_REQUEST = (
    r"(?:좀\s*)?(?:알려|말해|가르쳐|보여|찾아|확인해|체크해|검색해|예보해)\s*"
    r"(?:줘|줘요|주세요|줄래|줄래요|주라|줄\s*수\s*있어|줄\s*수\s*있어요|주실래요|주시겠어요|주겠니|줘\s*봐|봐|봐요)?"
)
_QUESTION = (
    r"(?:어때|어떄|어떼|어뗘|어떠니|어떠냐|어떠려나|어떤가|어떤지|어떻게(?:\s*(?:돼|되나|될까|된대|되는데|되니))?"
    r"|어떻대|어떻니|어떻나|어떻지|어떻냐|어떻습니까|어떨까|어떨지|어떨\s*것\s*같아|어떠"
    r"|좋을까|좋대|좋으려나|좋나|괜찮을까|괜찮대|괜찮나|맑아|맑을까|맑대|맑나|흐려|흐릴까|흐리대|흐리나|나쁠까|나쁘대"
    r"|궁금해|궁금한데|알고\s*싶어|알려\s*줄래)"
)
_DEGREES = r"몇\s*도(?:야|예요|에요|니|냐|지|래|일까|인가|인지|나|쯤이야|정도야|쯤|정도)?"
_T1_END = rf"(?:{_QUESTION}{_POLITE}|{_REQUEST}|{_DEGREES}{_POLITE}|(?:높아|낮아|높을까|낮을까|높대|낮대){_POLITE}|얼마야|얼마예요)"
T1 = re.compile(
    rf"^(?P<pre>.*?)\s*(?P<topic>날씨|일기\s*예보|기상\s*예보|예보|최고\s*기온|최저\s*기온|기온|온도)\s*"
    rf"(?:정보|예보|상황|상태)?\s*(?:은|는|이|가|를|을|도|좀|랑)?\s*(?P<end>{_T1_END})?\s*$"
)
_PRECIP_END = (
    r"(?:와|오나|올까|온대|온다고|온다던데|온다며|온다니|오니|오냐|옵니까|오려나|오겠어|오겠지|오겠네|오는지|올지"
    r"|오는\s*거야|오는\s*거지|오는\s*건가|오는가|올\s*것\s*같아|올\s*예정이야|올\s*예정|올\s*거야|올\s*건가|와\s*안\s*와"
    r"|(?:오는지|올지)\s*알려\s*(?:줘|주세요|줄래)?|내려|내리나|내릴까|내린대|내리니|내리는지|내릴지"
    r"|올\s*확률(?:은|이)?(?:\s*(?:몇\s*(?:프로|퍼센트)(?:야)?|얼마야|어때|알려\s*줘))?"
    r"|(?:소식|예보)\s*(?:이|가|은)?\s*(?:있어|있나|있대|있을까|있니|없어|어때))"
)
#: snow, with the words that name a kind of it ("첫눈 와?": not a place called "첫")
_SNOW = r"(?:첫|함박|싸락|가루|폭)?\s*눈"
T2 = re.compile(
    rf"^(?P<pre>.*?)\s*(?P<what>비나\s*눈|눈이나\s*비|눈비|진눈깨비|소나기|빗방울|우박|비|{_SNOW})\s*"
    rf"(?:가|이|는|은|도|좀)?\s*(?P<end>{_PRECIP_END}){_POLITE}$"
)
T3 = re.compile(
    r"^(?P<pre>.*?)\s*우산\s*(?:을|를|은|는|이|좀|꼭)?\s*"
    r"(?P<end>(?:챙겨|가져가|가지고\s*가|들고\s*가|준비해|써|쓰고\s*가|있어)야\s*"
    r"(?:돼|해|될까|할까|하나|되나|하니|되니|겠지|겠어|할지|되는지|하는지|될지)?"
    r"|챙길까|챙겨갈까|가져갈까|들고\s*갈까|필요해|필요할까|필요하나|필요하니|필요한가|필요한지|필요\s*없어|필요\s*없을까"
    r"|필요|쓸까|챙겨|가져가)(?:요)?$"
)
_COLD = r"추워|춥나|추울까|추운가|춥니|춥냐|춥대|추울지|추운지|추워질까|추워져|쌀쌀해|쌀쌀할까|쌀쌀하나|쌀쌀한가|쌀쌀하대|쌀쌀한지"
_HOT = r"더워|덥나|더울까|더운가|덥니|덥냐|덥대|더울지|더운지|더워질까|더워져|후덥지근해|따뜻해|따뜻할까|따뜻하대|따뜻한가|포근해|포근할까"
T4 = re.compile(rf"^(?P<pre>.*?)\s*(?P<feel>{_COLD}|{_HOT})(?:요)?$")
_BARE_FEELING = {"추워", "추워져", "쌀쌀해", "더워", "더워져", "후덥지근해", "따뜻해", "포근해"}
T5 = re.compile(rf"^(?P<pre>.*?)\s*(?:기온|온도)?\s*(?:은|는|이|가)?\s*{_DEGREES}(?:요)?$")


def understand(text: str) -> dict[str, Any] | None:
    """Slots of a weather question, or None when ``text`` is not one (see module docstring).

    Several questions in one utterance ("부산 날씨 어때? 우산 필요해?") are merged
    when every one of them is a weather question (the last kind of question wins).
    """
    sentences = [p for p in _SENTENCE_END.split(text.strip()) if p.strip()]
    if len(sentences) > 1:
        merged: dict[str, Any] = {}
        for sentence in sentences:
            slots = _understand_one(sentence)
            if slots is None:
                return None
            merged.update(slots)
        return merged
    return _understand_one(text)


_SENTENCE_END = re.compile(r"[?!.]+\s*")


def _understand_one(text: str) -> dict[str, Any] | None:
    text = text.strip()
    if not text:
        return None
    m = T1.match(text)
    if m:
        topic = re.sub(r"\s+", "", m.group("topic"))
        ask = "temperature" if "기온" in topic or "온도" in topic else None
        if m.group("end") and re.match(r"몇", m.group("end")):
            ask = "temperature"
        lenient = bool(m.group("end"))
        return _slots(m.group("pre"), ask, lenient=lenient)
    m = T2.match(text)
    if m:
        what = re.sub(r"\s+", "", m.group("what"))
        ask = "snow" if what == "진눈깨비" or re.fullmatch(_SNOW, what) else "rain"
        return _slots(m.group("pre"), ask, lenient=False)
    m = T3.match(text)
    if m:
        return _slots(m.group("pre"), "umbrella", lenient=False)
    m = T4.match(text)
    if m and not complains_why(m.group("pre")):
        feel = m.group("feel")
        ask = "cold" if re.fullmatch(_COLD, feel) else "hot"
        # ("아 오늘 왜 이렇게 덥냐" is a complaint: blind small-talk set Z12 had got "'왜 이렇게'의
        # 위치를 찾는 중에 문제가 생겼어요")
        return _slots(m.group("pre"), ask, lenient=False, need_context=feel in _BARE_FEELING)
    m = T5.match(text)
    if m:
        return _slots(
            m.group("pre"), "temperature", lenient=False, need_context=False, placeish_only=True
        )
    return None


def match(text: str) -> tuple[float, dict[str, Any]] | None:
    """The ``Intent.match`` rule: ``(1.0, slots)`` for a weather question, else None."""
    slots = understand(text)
    return None if slots is None else (1.0, slots)


def _slots(
    pre: str,
    ask: str | None,
    *,
    lenient: bool,
    need_context: bool = False,
    placeish_only: bool = False,
) -> dict[str, Any] | None:
    pre = _JOIN_DAYS.sub(lambda m: m.group(1) + m.group(2), pre)
    pre = _JOIN_WEEK.sub(lambda m: m.group(1) + "주" + (m.group(2) or ""), pre).replace(
        "주주말", "주말"
    )
    words = pre.split()
    slots: dict[str, Any] = {}
    place: list[str] = []
    context = False
    # Drop clause material before the question: "요즘 덥던데 내일 날씨 어때", "빨래 널어놨는데
    # 오후에 비 온대" (a clause is never a place: blind small-talk set R got "'빨래
    # 널어놨는데'의 위치를 찾는 중에 문제가 생겼어요").
    for i in range(len(words) - 1, -1, -1):
        if _CLAUSE_END.search(words[i]) and not is_known(words[i]):
            words = words[i + 1 :]
            break
    if any(w in MODIFIERS for w in words):
        return None
    for raw in words:
        word = _strip_particle(raw)
        kind = _classify(word)
        if kind == "indoor":
            return None
        if kind == "day":
            slots.setdefault("day", _day_of(word))
            part = _split_day_part(word)
            if part and PART_OF_DAY.get(part[1]):
                slots.setdefault("part", PART_OF_DAY[part[1]])
            elif word == "오늘밤":
                slots.setdefault("part", "evening")
            context = True
        elif kind == "now":
            slots["now"] = True
            context = True
        elif kind == "week":
            slots.update(_week_slots(word))
            context = True
        elif kind == "unsupported_day":
            slots.setdefault("day_unsupported", word)
            context = True
        elif kind == "part":
            if PART_OF_DAY.get(word):
                slots.setdefault("part", PART_OF_DAY[word])
        elif kind == "filler":
            if word in ("밖", "바깥", "밖앝", "날씨"):
                context = True
        elif kind == "here":
            context = True
        elif kind == "pronoun":
            pass
        else:
            place.append(word)
    if place and not lenient:
        if len(place) > 3 or not all(_PLACE_WORD.match(w) and len(w) <= 15 for w in place):
            return None
        if placeish_only or need_context:
            if all(is_known(w) or (len(w) >= 2 and _ADMIN_TAIL.search(w)) for w in place):
                context = True
            elif placeish_only:
                return None
    if need_context and not context:
        return None
    if place:
        slots["place"] = " ".join(place)
    if ask:
        slots["ask"] = ask
    return slots


def _classify(word: str) -> str:
    if word in DAY_WORDS or _split_day_part(word):
        return "day"
    if word in NOW_WORDS:
        return "now"
    if UNSUPPORTED_DAY.match(word):
        return "unsupported_day"
    if WEEK.match(word):
        return "week"
    if word in PART_OF_DAY:
        return "part"
    if word in FILLERS:
        return "filler"
    if word in HERE_WORDS:
        return "here"
    if word in PRONOUNS:
        return "pronoun"
    if word in INDOOR:
        return "indoor"
    return "place"


def _week_slots(word: str) -> dict[str, Any]:
    """ "다음주토요일" -> {"days": "saturday", "next_week": True}; "주말" -> {"days": "weekend"}."""
    m = WEEK.match(word)
    assert m is not None
    if m.group("week"):
        return {"days": "this_week" if m.group("week") == "이번" else "next_week"}
    if m.group("weekday"):
        slots: dict[str, Any] = {"days": WEEKDAY_NAMES["월화수목금토일".index(m.group("weekday"))]}
        which = m.group("which")
    else:
        slots = {"days": "weekend"}
        which = m.group("which_end")
    if which == "다음":
        slots["next_week"] = True
    return slots


def _split_day_part(word: str) -> tuple[str, str] | None:
    """ "내일아침" -> ("내일", "아침"): a day word glued to a part of the day."""
    for day in DAY_WORDS:
        if word.startswith(day) and word[len(day) :] in PART_OF_DAY:
            return day, word[len(day) :]
    return None


def _day_of(word: str) -> str:
    if word in DAY_WORDS:
        return DAY_WORDS[word]
    split = _split_day_part(word)
    return DAY_WORDS[split[0] if split else "오늘"]


def _strip_particle(word: str) -> str:
    """ "대전은" -> "대전", "부산에서" -> "부산"; known names ("보은", "제주도") are kept."""
    if (
        is_known(word)
        or word in DAY_WORDS
        or word in NOW_WORDS
        or word in FILLERS
        or word in HERE_WORDS
    ):
        return word
    if word in PRONOUNS:
        return word
    for particle in _PARTICLES:
        if word.endswith(particle) and len(word) > len(particle):
            stem = word[: -len(particle)]
            if particle == "도" and not (is_known(stem) or stem in DAY_WORDS or stem in NOW_WORDS):
                continue  # 영종도, 안면도: the 도 is part of the name
            if (
                len(stem) >= 2
                or stem in HERE_WORDS
                or stem in FILLERS
                or stem in DAY_WORDS
                or stem in INDOOR
            ):
                return stem
            if stem in PRONOUNS:
                return stem
            if stem in ("낼", "밖", "집", "방", "물", "몸"):
                return stem
    return word


# --- follow-up questions ("부산은?", "내일은?") ------------------------------------------

_FOLLOWUP_END = re.compile(r"\s*(?:어때|어때요|어떄|는|은|도|요|날씨는|날씨도)?\s*$")
_ASK_NOUNS = {
    "비": "rain",
    "눈": "snow",
    "우산": "umbrella",
    "기온": "temperature",
    "온도": "temperature",
}
_PLAIN_PARTICLES = ("은", "는", "도", "에는", "에도", "에서는", "엔")


def followup_slots(text: str, previous: dict[str, Any]) -> dict[str, Any] | None:
    """Slots for a short follow-up to a weather answer, or None if ``text`` is not one.

    "부산은?" asks the previous question about 부산, "내일은?" about tomorrow,
    "우산은?" / "비는?" the umbrella / rain question for the same place and day.
    Only day words, built-in or 동/구/시/군-like place names and these few nouns
    are accepted (at most three words); anything else is routed normally.
    """
    words = _FOLLOWUP_END.sub("", text.strip()).split()
    if not words or len(words) > 3:
        return None
    new: dict[str, Any] = {}
    place: list[str] = []
    for raw in words:
        word = raw
        if word in ("그럼", "그러면", "그리고", "혹시", "그럼요"):
            continue
        for particle in _PLAIN_PARTICLES:
            if word.endswith(particle) and len(word) > len(particle) and not is_known(word):
                word = word[: -len(particle)]
                break
        if word in _ASK_NOUNS:
            new["ask"] = _ASK_NOUNS[word]
            continue
        kind = _classify(word)
        if kind == "day":
            new["day"] = _day_of(word)
        elif kind == "now":
            new["now"] = True
        elif kind == "week":
            new.update(_week_slots(word))
        elif kind == "part" and PART_OF_DAY.get(word):
            new["part"] = PART_OF_DAY[word]
        elif kind == "place" and (is_known(word) or (len(word) >= 2 and _ADMIN_TAIL.search(word))):
            place.append(word)
        else:
            return None
    if place:
        new["place"] = " ".join(place)
    if not new:
        return None
    merged = dict(previous)
    if any(k in new for k in ("day", "days", "now", "part")):
        for key in ("day", "days", "next_week", "now", "part", "day_unsupported"):
            merged.pop(key, None)
    merged.update(new)
    return merged
