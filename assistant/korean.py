"""Korean text for every plugin: particles (조사) that fit the word, and Hangul jamo.

Standard library only (this runs on every reply and on the command path).

Public API
==========

Particles::

    josa(word, pair) -> str          # word + the fitting form: josa("알람", "을/를") == "알람을"
    particle(word, pair) -> str      # the form alone:          particle("타이머", "이/가") == "가"
    final_consonant(word) -> int | None   # index of the final consonant read at the end of
                                          # word (0 = none, 8 = ㄹ); None: nothing readable
    has_final(word) -> bool          # final_consonant(word) not in (0, None)
    PAIRS                            # the pairs below, "with final/without final" -> forms

Ages::

    say_elapsed(seconds) -> str      # "방금", "35분", "2시간 5분" (for "… 전에 받아 둔 정보")

``pair`` names the two forms with a slash, in either order, or with the optional part in
brackets: ``"이/가"``, ``"가/이"``, ``"(이)라는"``, ``"(으)로"`` all work. Known pairs:
이/가, 을/를, 은/는, 과/와, 아/야, 이나/나, 이랑/랑, 이라는/라는, 이라고/라고, 이라면/라면,
이라서/라서, 이야/야, 이에요/예요, 이었어요/였어요, 이며/며, 이고/고, 이든/든, 이든지/든지,
이나마/나마, 으로/로, 으로서/로서, 으로써/로써, 으로는/로는, 으로도/로도, 으로만/로만.
The 으로 family takes the short form after a vowel AND after ㄹ ("서울로", "1로", "Excel로").
Every reply gets one form: never "(이)" or "을(를)".

How the end of ``word`` is read (the last readable character; trailing spaces, quotes,
brackets, punctuation and other symbols are skipped: ``"'점심'"`` ends in 심):

- a Hangul syllable: its own final consonant;
- a consonant jamo (ㄱ, ㅋ, ...): its letter name ends in a consonant (기역, 키읔; ㄹ = 리을);
  a vowel jamo: no final;
- digits: as read in Sino-Korean: 0 영, 1 일 (ㄹ), 2 이, 3 삼, 4 사, 5 오, 6 육, 7 칠 (ㄹ),
  8 팔 (ㄹ), 9 구; round numbers by their unit: 10 십, 100 백, 1000 천, 10000 만,
  10^8 억 ("10을", "2000은", "1로"); ``%`` is 퍼센트 (no final);
- Latin letters, rules of thumb for how the word is said in Korean:
  - an acronym (all capitals, at most 4 letters: ``API``, ``SQL``, ``KTX``) or a single
    letter is read letter by letter: L (엘) and R (알) end in ㄹ, M (엠) and N (엔) in a
    consonant, every other letter name in a vowel (``API가``, ``SQL로``, ``KTX를``);
  - otherwise the last letters of the word: ``m``/``n``/``ng`` end in a consonant
    (Zoom → 줌, Python → 파이썬, ping → 핑), ``l`` in ㄹ (Excel → 엑셀); ``k``/``ck``/``c``/
    ``p``/``t`` right after a vowel letter end in ㄱ/ㅂ/ㅅ (Slack → 슬랙, Mac → 맥, Git → 깃);
    a silent final ``e`` after a consonant keeps only m/n/l (phone → 폰, Google → 구글,
    note → 노트); everything else ends in a vowel, as Korean adds 으/이 after it (Docker →
    도커, test → 테스트, Netflix → 넷플릭스, YouTube → 유튜브);
- nothing readable (only symbols): read as ending in a vowel.

Jamo (compatibility jamo, U+3131..U+3163)::

    INITIALS, MEDIALS, FINALS        # the 19 / 21 / 28 (with "") letters of a syllable
    COMPOUND_VOWELS, CLUSTERS        # (ㅗ, ㅏ) -> ㅘ, (ㄹ, ㄱ) -> ㄺ, ...; SPLIT_CLUSTER inverse
    is_syllable(ch) -> bool          # a precomposed Hangul syllable 가..힣
    is_vowel(jamo) -> bool
    compose(initial, medial, final="") -> str    # ("ㄱ", "ㅏ", "ㅇ") -> "강"
    decompose(syllable) -> tuple[str, str, str] | None  # "강" -> ("ㄱ", "ㅏ", "ㅇ")
    spell(jamo) -> str               # compound vowel / cluster as its typed parts: ㅘ -> ㅗㅏ
    compose_jamo(jamos) -> Composition(text, syllables, lone_jamo)
        # the input-method automaton over a sequence of jamo (re-splits a final consonant
        # before a vowel: ㅇㅏㄴㄴㅕㅇ -> 안녕)
    jamo_to_hangul(text) -> str      # compose runs of separately typed jamo, keep the rest
                                     # ("ㅅㅣㅂㅏㄹ" -> "시발")
    hangul_to_jamo(text) -> str      # the typed jamo of text ("안녕" -> "ㅇㅏㄴㄴㅕㅇ")

Questions (rules of thumb over the plain text; laughter, crying and emoji at the end are
ignored: "팁 있어?ㅋㅋ")::

    is_question(text) -> bool        # a question mark, a question word or a question ending
    ends_as_question(text) -> bool   # ... but a question word only in a last sentence that asks
                                     # ("뭐 먹지", "갈까")
    asks_for_information(text) -> bool    # a question mark or a plain asking ending
                                     # ("방법 있나요") and a word that asks for information
                                     # ("커피 하루에 몇 잔까지 괜찮아?"); not a greeting or a
                                     # rhetorical question ("주말 잘 보냈어?", "이게 말이 돼?")
    asks_first(text) -> bool         # a question for information (or what one has to do)
                                     # before the last sentence: "검은 발톱은 어떻게 해요?
                                     # 보호자분들이 자꾸 물어보셔서"
    asks_nothing(text) -> bool       # no question mark, question word, asking ending or
                                     # request anywhere: "김치찌개 먹었는데 너무 짰어"
    mentions_information(text) -> bool    # such a word anywhere
    requests_information(text) -> bool    # wider: also chat endings ("뭐가 나아", "뭐부터
                                     # 해야 돼", "추천해 줘"), never with 왜 ("왜 나만 …"
                                     # mostly complains)

Dialect::

    speaks_dialect(text) -> bool     # a regional ending standard Korean never uses
                                     # ("생각났는디", "했당께", "아이가", "했심더"): such a
                                     # remark is not said back in standard 존댓말
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# -- jamo -------------------------------------------------------------------------------------

INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
MEDIALS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]

COMPOUND_VOWELS = {
    ("ㅗ", "ㅏ"): "ㅘ", ("ㅗ", "ㅐ"): "ㅙ", ("ㅗ", "ㅣ"): "ㅚ", ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ", ("ㅜ", "ㅣ"): "ㅟ", ("ㅡ", "ㅣ"): "ㅢ",
}  # fmt: skip
CLUSTERS = {
    ("ㄱ", "ㅅ"): "ㄳ", ("ㄴ", "ㅈ"): "ㄵ", ("ㄴ", "ㅎ"): "ㄶ", ("ㄹ", "ㄱ"): "ㄺ", ("ㄹ", "ㅁ"): "ㄻ",
    ("ㄹ", "ㅂ"): "ㄼ", ("ㄹ", "ㅅ"): "ㄽ", ("ㄹ", "ㅌ"): "ㄾ", ("ㄹ", "ㅍ"): "ㄿ", ("ㄹ", "ㅎ"): "ㅀ",
    ("ㅂ", "ㅅ"): "ㅄ",
}  # fmt: skip
SPLIT_CLUSTER = {cluster: pair for pair, cluster in CLUSTERS.items()}
_SPELLED = {v: a + b for (a, b), v in COMPOUND_VOWELS.items()} | {
    v: a + b for (a, b), v in CLUSTERS.items()
}
_FIRST_SYLLABLE, _SYLLABLES = 0xAC00, 11172
_SINGLE_JAMO = set(INITIALS) | set(MEDIALS)


def is_syllable(ch: str) -> bool:
    return len(ch) == 1 and 0 <= ord(ch) - _FIRST_SYLLABLE < _SYLLABLES


def has_hangul(text: str) -> bool:
    """Whether ``text`` has a Hangul syllable or a compatibility jamo (ㅋ, ㅠ, ...)."""
    return any(is_syllable(ch) or "\u3131" <= ch <= "\u318e" for ch in text)


def is_vowel(jamo: str) -> bool:
    return jamo in MEDIALS


def compose(initial: str, medial: str, final: str = "") -> str:
    """One precomposed syllable from its jamo (compatibility jamo letters)."""
    index = (INITIALS.index(initial) * 21 + MEDIALS.index(medial)) * 28 + FINALS.index(final)
    return chr(_FIRST_SYLLABLE + index)


def decompose(syllable: str) -> tuple[str, str, str] | None:
    """(initial, medial, final) of a precomposed syllable (final "" if none), else None."""
    if not is_syllable(syllable):
        return None
    code = ord(syllable) - _FIRST_SYLLABLE
    return INITIALS[code // 588], MEDIALS[(code % 588) // 28], FINALS[code % 28]


def spell(jamo: str) -> str:
    """A compound vowel or a cluster as the jamo typed for it (ㅘ -> ㅗㅏ, ㄺ -> ㄹㄱ)."""
    return _SPELLED.get(jamo, jamo)


@dataclass
class Composition:
    """The Hangul composed from a run of jamo and how well-formed it is."""

    text: str
    syllables: list[str]  # the complete syllables, in order
    lone_jamo: int  # jamo left alone (a vowel with no initial, a consonant with no vowel)


class _Composer:
    """The input-method automaton: one syllable being built, finished ones in ``out``."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.syllables: list[str] = []
        self.lone = 0
        self.initial = self.medial = self.final = ""

    def flush(self) -> None:
        if self.initial and self.medial:
            syllable = compose(self.initial, self.medial, self.final)
            self.out.append(syllable)
            self.syllables.append(syllable)
        else:
            for jamo in (self.initial, self.medial, self.final):
                if jamo:
                    self.out.append(jamo)
                    self.lone += 1
        self.initial = self.medial = self.final = ""

    def consonant(self, jamo: str) -> None:
        if self.final:
            cluster = CLUSTERS.get((self.final, jamo))
            if cluster and self.initial:
                self.final = cluster
                return
        elif self.medial and self.initial and jamo in FINALS:
            self.final = jamo
            return
        self.flush()
        self.initial = jamo

    def vowel(self, jamo: str) -> None:
        if self.final:
            # The final consonant (or a cluster's second half) starts the next syllable.
            first, moved = SPLIT_CLUSTER.get(self.final, ("", self.final))
            self.final = first
            self.flush()
            self.initial, self.medial = moved, jamo
            return
        if self.medial:
            compound = COMPOUND_VOWELS.get((self.medial, jamo))
            if compound:
                self.medial = compound
                return
            self.flush()
            self.medial = jamo
            return
        self.medial = jamo

    def add(self, jamo: str) -> None:
        if jamo not in _SINGLE_JAMO:
            raise ValueError(f"not a single jamo: {jamo!r}")
        if is_vowel(jamo):
            self.vowel(jamo)
        else:
            self.consonant(jamo)


def compose_jamo(jamos: Iterable[str]) -> Composition:
    """Compose single jamo typed one after another, as a Korean input method does.

    >>> compose_jamo("ㅇㅏㄴㄴㅕㅇ").text
    '안녕'
    """
    composer = _Composer()
    for jamo in jamos:
        composer.add(jamo)
    composer.flush()
    return Composition("".join(composer.out), composer.syllables, composer.lone)


def jamo_to_hangul(text: str) -> str:
    """Compose each run of separately typed jamo ("ㅅㅣㅂㅏㄹ" -> "시발"); keep the rest.

    Compound vowels and clusters typed as one character are first spelled out.
    """
    out: list[str] = []
    run: list[str] = []
    for ch in text:
        parts = spell(ch)
        if all(p in _SINGLE_JAMO for p in parts):
            run.extend(parts)
            continue
        if run:
            out.append(compose_jamo(run).text)
            run.clear()
        out.append(ch)
    if run:
        out.append(compose_jamo(run).text)
    return "".join(out)


def hangul_to_jamo(text: str) -> str:
    """The single jamo typed for ``text`` ("안녕" -> "ㅇㅏㄴㄴㅕㅇ", "과" -> "ㄱㅗㅏ")."""
    out: list[str] = []
    for ch in text:
        parts = decompose(ch)
        for jamo in parts if parts is not None else (ch,):
            out.append(spell(jamo))
    return "".join(out)


# -- particles --------------------------------------------------------------------------------

_RO_FAMILY = ("으로", "으로서", "으로써", "으로는", "으로도", "으로만")
_CANONICAL = [
    ("이", "가"), ("을", "를"), ("은", "는"), ("과", "와"), ("아", "야"),
    ("이나", "나"), ("이랑", "랑"), ("이라는", "라는"), ("이라고", "라고"), ("이라면", "라면"),
    ("이라서", "라서"), ("이야", "야"), ("이에요", "예요"), ("이었어요", "였어요"),
    ("이며", "며"), ("이고", "고"), ("이든", "든"), ("이든지", "든지"), ("이나마", "나마"),
    *((ro, ro[1:]) for ro in _RO_FAMILY),
]  # fmt: skip
#: "with final/without final" -> (form after a final consonant, form after a vowel)
PAIRS: dict[str, tuple[str, str]] = {f"{a}/{b}": (a, b) for a, b in _CANONICAL}
_LOOKUP: dict[str, tuple[str, str]] = {}
for _a, _b in _CANONICAL:
    _LOOKUP[f"{_a}/{_b}"] = _LOOKUP[f"{_b}/{_a}"] = (_a, _b)
    if _a.startswith(("이", "으")) and _a[1:] == _b:
        _LOOKUP[f"({_a[0]}){_b}"] = (_a, _b)

_RIEUL = 8  # index of ㄹ in FINALS
_DIGIT_FINAL = {
    "0": 21, "1": 8, "2": 0, "3": 16, "4": 0, "5": 0, "6": 1, "7": 8, "8": 8, "9": 0,
}  # fmt: skip
_SMALL_UNIT_FINAL = {1: 17, 2: 1, 3: 4}  # 십 ㅂ, 백 ㄱ, 천 ㄴ
_LARGE_UNIT_FINAL = {1: 4, 2: 1, 3: 0, 4: 21}  # 만 ㄴ, 억 ㄱ, 조 -, 경 ㅇ
_LETTER_NAME_FINAL = {"l": _RIEUL, "r": _RIEUL, "m": 16, "n": 4}  # 엘 알 엠 엔
_LATIN_VOWELS = set("aeiou")
_SKIPPED = re.compile(r"[^0-9A-Za-z%\u3131-\u3163\uAC00-\uD7A3]+$")
_LATIN_RUN = re.compile(r"[A-Za-z]+$")
_NUMBER = re.compile(r"\d+$")


def _pair(pair: str) -> tuple[str, str]:
    try:
        return _LOOKUP[pair.replace(" ", "")]
    except KeyError:
        raise ValueError(f"unknown particle pair {pair!r} (known: {', '.join(PAIRS)})") from None


def _number_final(digits: str) -> int:
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped)
    if not stripped or zeros == 0:
        return _DIGIT_FINAL[digits[-1]]
    if zeros % 4:
        return _SMALL_UNIT_FINAL[zeros % 4]
    return _LARGE_UNIT_FINAL.get(zeros // 4, 0)


def _latin_final(letters: str) -> int:
    if len(letters) == 1 or (letters.isupper() and len(letters) <= 4):
        return _LETTER_NAME_FINAL.get(letters[-1].lower(), 0)
    word = letters.lower()
    silent_e = len(word) >= 3 and word[-1] == "e" and word[-2] not in _LATIN_VOWELS | {"e"}
    if silent_e:
        word = word[:-1]
        if word.endswith(("m", "n")):
            return 16 if word[-1] == "m" else 4
        return _RIEUL if word.endswith("l") else 0
    if word.endswith("ng"):
        return 21
    last, before = word[-1], word[-2]
    if last == "m":
        return 16
    if last == "n":
        return 4
    if last == "l":
        return _RIEUL
    if word.endswith("ck") or (last in "kc" and before in _LATIN_VOWELS):
        return 1
    if last == "p" and before in _LATIN_VOWELS:
        return 17
    if last == "t" and before in _LATIN_VOWELS:
        return 19
    return 0


def final_consonant(word: str) -> int | None:
    """Index in ``FINALS`` of the consonant ``word`` ends in when read (0 = none).

    ``None`` only when nothing in ``word`` can be read (see the module docstring).
    """
    text = _SKIPPED.sub("", str(word))
    if not text:
        return None
    last = text[-1]
    parts = decompose(last)
    if parts is not None:
        return FINALS.index(parts[2])
    if last in MEDIALS:
        return 0
    if last in INITIALS:
        return FINALS.index(last) if last in FINALS else 1
    if last == "%":
        return 0
    number = _NUMBER.search(text)
    if number:
        return _number_final(number.group(0))
    letters = _LATIN_RUN.search(text)
    if letters:
        return _latin_final(letters.group(0))
    return None


def syllables_ending_in(final: str) -> str:
    """A regex character class of every syllable whose final consonant is ``final`` (a jamo
    of ``FINALS``): ``syllables_ending_in("ㄴ")`` matches 는, 은, 인, … ("맞는가요")."""
    index = FINALS.index(final)
    count = _SYLLABLES // len(FINALS)
    return "[" + "".join(chr(_FIRST_SYLLABLE + len(FINALS) * i + index) for i in range(count)) + "]"


def has_final(word: str) -> bool:
    """Does ``word`` end in a consonant when read? (no readable end: False)"""
    return bool(final_consonant(word))


def particle(word: str, pair: str) -> str:
    """The form of ``pair`` that follows ``word``: particle("서울", "으로/로") == "로"."""
    with_final, without = _pair(pair)
    final = final_consonant(word) or 0
    if with_final in _RO_FAMILY:
        return without if final in (0, _RIEUL) else with_final
    return with_final if final else without


def josa(word: str, pair: str) -> str:
    """``word`` followed by the right form of ``pair`` ("이/가", "을/를", "으로/로", ...).

    >>> josa("라면", "이/가"), josa("3", "이/가"), josa("2", "을/를"), josa("서울", "으로/로")
    ('라면이', '3이', '2를', '서울로')
    >>> josa("알람", "을/를"), josa("점심", "(이)라는"), josa("Zoom", "으로/로")
    ('알람을', '점심이라는', 'Zoom으로')
    """
    return f"{word}{particle(word, pair)}"


def say_elapsed(seconds: float) -> str:
    """How long ago, for "… 전에 받아 둔 정보": "방금", "35분", "2시간 5분"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "방금"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes}분"
    return f"{hours}시간 {rest}분" if rest else f"{hours}시간"


# -- questions --------------------------------------------------------------------------------

_QUESTION_WORDS = r"뭐|뭘|어디|언제|왜|어떻게|어때|어떨|몇|무슨|어느|어떡해|어떻해|어떡하|어떻하"
_QUESTION = re.compile(
    rf"[?？]\s*$|(?:{_QUESTION_WORDS})|(?:[을를]?까요?|니|냐|나요|가요|죠|지)\s*[.!~ㅋㅎ]*$"
)
_TRAILING_NOISE = re.compile(r"(?:[ㅋㅎㅠㅜㄷ]|[^\w?？])+$")
#: for :func:`ends_as_question`: question words, asking endings (not a statement's -야지 /
#: -었지, nor 생각나요), and question words that ask nothing: idioms and embedded questions
_QUESTION_WORD = re.compile(_QUESTION_WORDS)
#: (-가요 only after a final ㄴ: the -ㄴ가요 of a question, "맞는가요", "괜찮은가요", not the
#: verb 가다, "평창으로 올라가요", blind set Z2)
_ASKING_ENDING = re.compile(
    r"(?:[을를]?까요?|(?<!더)(?<!다)니|냐|(?<!생각)(?<!기억)(?<!눈물)(?<!웃음)(?<!소리)(?<!짜증)나요"
    rf"|(?<={syllables_ending_in('ㄴ')})가요|죠"
    rf"|(?<!야)(?<!{syllables_ending_in('ㅆ')})(?<![겠이])(?<!그렇)지)\s*[.!~ㅋㅎ]*$"
)
_NOT_ASKING = re.compile(
    r"(?:뭐|무엇|어디|언제|왜|어떻게|(?:무슨|어느|몇)\s*\S*?)(?:이?라고|인지|는지|던지|든지|든가)"
    r"|(?:뭐|뭘|어디|언제|왜|어떻게|무슨|어느|몇)\S*(?=(?:\s+\S+){0,3}?(?:는지|인지|은지|을지)(?:\s|$))"
    r"|\S+(?:는지|인지|은지|을지)(?=\s|$)|몇\s*번(?:을|이나)?\s*\S*도"
    r"|몇\s*\S*?이?나(?=\s)"  # "유니폼을 몇 번이나 다려보고 있어요": so many, not how many
    r"|(?:뭘|뭐를?|어딜|어디를?|누굴|언제)\s+\S*[어아여해]도(?=\s|$)"
    r"|(?:어디|언제|뭐|무엇)(?:에|에서)?(?:도|든)|(?:^|\s)뭐\s+(?=원래|그냥|어쩌)"
    r"|(?<=[지어])\s+뭐(?:야|예요|에요)?(?=[\s.!~ㅋㅎ]*$)"  # "웃어야지 뭐", "넘어졌지 뭐야"
    # a question someone else asked: "'오빠'가 무슨 뜻이냐고 물어봐" (blind set Z10)
    r"|(?:뭐|뭘|무엇|어디|언제|왜|어떻게|무슨|어느|몇|누가|누구)[^?？]*?[냐니](?:고|며)(?=\s)"
)
#: endings that ask even without a question mark ("방법 있나요", "뭐가 좋을까요")
_ASKING_END = re.compile(r"(?:나요|까요|니|냐)$")
#: ... and, in chat, also these ("뭐가 나아", "뭐부터 해야 돼", "뭐 먹을래", "추천해 줘")
_CHAT_ASKING_END = re.compile(r"(?:[?？]|나요|까요|까|니|냐|래|줘|줄래|돼|되나|나아)$")
#: words that ask for information: what, where, when, why, how, how many/much, a way, a pick
_INFO = re.compile(r"뭐|뭘|무엇|어디|언제|왜|어떻게|몇|무슨|어느|얼마|방법|추천")
#: a request for a tip or a pick, whatever the ending ("노래 추천해줘요", "하나 골라 주세요")
_ASK_FOR = re.compile(r"(?:추천|알려|골라)\s*(?:해\s*)?(?:줘|줄래|주세요|줄 수|주실)")


def _plain(text: str) -> str:
    return _TRAILING_NOISE.sub("", text.strip())


def is_question(text: str) -> bool:
    """A question by its mark, a question word or a question ending ("뭐 먹지", "갈까");
    laughter, crying and emoji after it do not hide it ("팁 있어?ㅋㅋ")."""
    return bool(_QUESTION.search(_plain(text)))


def ends_as_question(text: str) -> bool:
    """Whether ``text`` ends as a question: its last sentence has a question mark, a
    question word or a question ending ("뭐 먹지", "갈까", "너 몇 살이야"), or the text is a
    request for information ("추천해 줘"). Unlike :func:`is_question`, an earlier sentence's
    question word, a question word inside an idiom or an embedded question ("이게 뭐라고
    자꾸 웃음이 나", "무슨 말인지 하나도 안 들려요", "몇 번을 봐도 안 질려") and a statement's
    -지 ("연습해야지", "나비였지") do not count (blind small-talk sets U and V)."""
    plain = _plain(text)
    last = re.split(r"[.!?？…]+\s+|\n", plain)[-1]
    if last.endswith(("?", "？")) or requests_information(text):
        return True
    last = _NOT_ASKING.sub(" ", last)
    return bool(_QUESTION_WORD.search(last)) or bool(_ASKING_ENDING.search(last))


def asks_for_information(text: str) -> bool:
    """A question mark (or a plain question ending: "방법 있나요") and a word that asks for
    information ("커피 하루에 몇 잔까지 괜찮아?", "빨래 잘 마르는 방법 있어?"), not a
    greeting or a rhetorical question ("주말 잘 보냈어?", "이게 말이 돼?")."""
    plain = _plain(text)
    marked = plain.endswith(("?", "？")) or bool(_ASKING_END.search(plain))
    return marked and bool(_INFO.search(plain))


#: "…먹이 양 늘려야 되나?", "…비행 승인 받아야 돼?": what one has to do is asked, not said
_MUST = re.compile(r"야\s*(?:돼|되나|되나요|돼요|되죠|하나|하나요|할까|할까요)\s*[?？]$")


#: "고양이한테 귤 줘도 돼?", "같은 거야?", "큰 테이블 놓는 거 어때요?", "원래 예수님 생일
#: 맞지?", "흰색이 나아 베이지가 나아?": asking whether, or which, with a typed "?"
_WHETHER = re.compile(
    r"(?:돼|되나|될까|돼요|되나요|될까요|괜찮아|괜찮나|괜찮을까|괜찮아요|괜찮나요|괜찮을까요"
    r"|맞지|맞아|맞나|맞죠|맞아요|맞나요|거야|건가|건가요|거예요|거에요|어때|어때요|어떨까|어떨까요"
    r"|나아|나을까|낫나|나아요|나을까요|같아|같아요|있어|있나|있을까|있어요|있나요|있을까요"
    r"|않아|않나|않아요|않나요)\s*[ㅋㅎ]*\s*[?？]$"
)
#: ... but not a rhetorical one ("이게 말이 돼?", "장난해?")
_RHETORICAL = re.compile(r"말이\s*(?:돼|되냐|됩니까)|장난|실화|미쳤|제정신|어쩌라")


#: "왜 (이렇게)", "왤케", "왜 이리" before what one suffers: a complaint ("아 오늘 왜 이렇게 덥냐",
#: "요즘 왤케 추워", "왜 이렇게 심심하지"), not a question for anyone to answer
_COMPLAINING_WHY = re.compile(
    r"(?:^|\s)(?:왜|왤케|왜케|왜캐|왜이리|왜이렇게|어째)\s*(?:이렇게|이리|이케|케)?(?:\s|$)"
)
_SO_MUCH = re.compile(
    r"(?:^|\s)(?:왤케|왜케|왜캐|왜이리|왜이렇게|왜\s*(?:이렇게|이리|이케))(?:\s|$)"
)


def complains_why(text: str, *, strict: bool = False) -> bool:
    """Whether ``text`` is a complaint in the form of a why: "왜 이렇게 덥냐", "왤케 추워",
    "왜 이리 졸리지". With ``strict`` only "왜 이렇게 / 왜 이리 / 왤케" count; otherwise a bare
    "왜" before the complaint does too ("아 왜 덥냐")."""
    return bool((_SO_MUCH if strict else _COMPLAINING_WHY).search(text))


def asks_first(text: str) -> bool:
    """A sentence of ``text`` that asks for information (:func:`asks_for_information`),
    what one has to do ("…늘려야 되나?") or whether or which ("귤 줘도 돼?", "같은 거야?",
    "흰색이 나아 베이지가 나아?"; never with 왜 or a rhetorical "말이 돼?"), also when more
    follows it ("검은 발톱은 어떻게 해요? 보호자분들이 자꾸 물어보셔서", which does not end
    as a question; blind sets Z7 and Z10)."""
    return any(
        asks_for_information(question)
        or (
            (_MUST.search(question) or _WHETHER.search(question.strip()))
            and "왜" not in question
            and not _RHETORICAL.search(question)
        )
        for question in re.findall(r"[^?？]+[?？]", text)
    )


def asks_nothing(text: str) -> bool:
    """Whether a remark (as typed) asks nothing: no question mark anywhere, no question word
    or asking ending (:func:`is_question`, :func:`ends_as_question`: also "-까요", "-나요"
    without a mark, "용돈을 줘도 될까요"), and no request (:func:`requests_information`)."""
    if "?" in text or "？" in text:
        return False
    return not (is_question(text) or ends_as_question(text) or requests_information(text))


def mentions_information(text: str) -> bool:
    """Whether ``text`` has a word that asks for information (anywhere)."""
    return bool(_INFO.search(text))


def requests_information(text: str) -> bool:
    """A request for information or a tip, with the chat endings too ("맥북이랑 그램 중에
    뭐가 나아", "벼락치기 하려면 뭐부터 해야돼", "비 오는 날 들을 노래 추천해줘"); never
    with 왜, which mostly complains ("왜 나만 이래?"). Statements that only use a question
    word ("뭘 해도 재미가 없어", "몇 번을 말해") are not requests."""
    plain = _plain(text)
    if "왜" in plain:
        return False
    return bool(_CHAT_ASKING_END.search(plain) and _INFO.search(plain)) or bool(
        _ASK_FOR.search(plain)
    )


#: endings of Jeolla, Gyeongsang and Chungcheong speech that standard Korean does not use
#: ("생각났는디", "좋당께", "추웠던 것 같어", "하겄다", "먹었슈" anywhere; "맞다 아이가", "뭐하노",
#: "했심더", "왔데이" at the end): a reflection said such a remark back half in dialect (set Z8)
_WORD_END = r"(?=[\s.,!?~^ㅋㅎㅠㅜ]|$)"
_DIALECT = re.compile(
    rf"(?:[는은랬았었했]디|[당랑긍]께|같어|[었았였했겠]슈){_WORD_END}|겄"
    r"|(?:[다지]\s*아이가|[하카]노|[심니]더|[었았였했왔갔한간는]데이)[\s.,!?~^ㅋㅎㅠㅜ]*$"
)


def speaks_dialect(text: str) -> bool:
    """Whether ``text`` has a regional ending that standard Korean never uses (a word-final
    "-는디", "-당께", "같어", "-었슈", any "겄"; "… 아이가", "-하노", "-심더", "-데이" at the end)."""
    return bool(_DIALECT.search(text.strip()))
