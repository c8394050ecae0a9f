"""The standard 2-set (두벌식) Korean keyboard: Latin keystrokes -> Hangul syllables.

:func:`keys_to_hangul` replays what a Korean input method does with the same
keys: initial/medial/final composition, compound vowels (ㅘ ㅙ ㅚ ㅝ ㅞ ㅟ ㅢ),
final-consonant clusters (ㄳ ㄵ ㄶ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅄ), shifted double
consonants/vowels (Q W E R T O P -> ㅃ ㅉ ㄸ ㄲ ㅆ ㅒ ㅖ) and the re-split of a
final consonant when a vowel follows ("dkssud" -> 안녕, not 안ㄴ녀ㅇ).

Pure functions, standard library only: this runs on every utterance.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Lower-case keys; upper case only differs on Q W E R T O P.
KEYS: dict[str, str] = {
    "q": "ㅂ", "w": "ㅈ", "e": "ㄷ", "r": "ㄱ", "t": "ㅅ", "y": "ㅛ", "u": "ㅕ", "i": "ㅑ", "o": "ㅐ",
    "p": "ㅔ", "a": "ㅁ", "s": "ㄴ", "d": "ㅇ", "f": "ㄹ", "g": "ㅎ", "h": "ㅗ", "j": "ㅓ", "k": "ㅏ",
    "l": "ㅣ", "z": "ㅋ", "x": "ㅌ", "c": "ㅊ", "v": "ㅍ", "b": "ㅠ", "n": "ㅜ", "m": "ㅡ",
}  # fmt: skip
SHIFTED: dict[str, str] = {
    "Q": "ㅃ",
    "W": "ㅉ",
    "E": "ㄸ",
    "R": "ㄲ",
    "T": "ㅆ",
    "O": "ㅒ",
    "P": "ㅖ",
}

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


def is_vowel(jamo: str) -> bool:
    return jamo in MEDIALS


def key_to_jamo(key: str) -> str | None:
    """The jamo a Latin key types in Korean mode, or None for any other character."""
    return SHIFTED.get(key) or KEYS.get(key.lower())


def compose(initial: str, medial: str, final: str = "") -> str:
    """One precomposed syllable from its jamo (compatibility jamo letters)."""
    index = (INITIALS.index(initial) * 21 + MEDIALS.index(medial)) * 28 + FINALS.index(final)
    return chr(0xAC00 + index)


@dataclass
class Conversion:
    """The Hangul typed by a run of keys and how well-formed it is."""

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

    def key(self, key: str) -> None:
        jamo = key_to_jamo(key)
        if jamo is None:
            raise ValueError(f"not a keyboard letter: {key!r}")
        if is_vowel(jamo):
            self.vowel(jamo)
        else:
            self.consonant(jamo)


def keys_to_hangul(keys: str) -> Conversion:
    """Convert a run of Latin letters typed in English mode to the intended Hangul.

    >>> keys_to_hangul("dkssud").text
    '안녕'
    >>> keys_to_hangul("skfTl").text
    '날씨'
    """
    composer = _Composer()
    for key in keys:
        composer.key(key)
    composer.flush()
    return Conversion("".join(composer.out), composer.syllables, composer.lone)


_JAMO_TO_KEY = {jamo: key for key, jamo in KEYS.items()} | {j: k for k, j in SHIFTED.items()}


def jamo_to_hangul(text: str) -> str:
    """Compose a run of separately typed compatibility jamo ("ㅅㅣㅂㅏㄹ" -> "시발").

    Jamo with no key of their own (compound vowels, clusters) are first spelled
    out as the keys that type them. Other characters are kept in place.
    """
    out: list[str] = []
    keys: list[str] = []
    spelled = {v: a + b for (a, b), v in COMPOUND_VOWELS.items()} | {
        v: a + b for (a, b), v in CLUSTERS.items()
    }

    def emit() -> None:
        if keys:
            out.append(keys_to_hangul("".join(keys)).text)
            keys.clear()

    for ch in text:
        jamos = spelled.get(ch, ch)
        if all(j in _JAMO_TO_KEY for j in jamos):
            keys.extend(_JAMO_TO_KEY[j] for j in jamos)
        else:
            emit()
            out.append(ch)
    emit()
    return "".join(out)


def hangul_to_keys(text: str) -> str:
    """The keys that type ``text`` on the 2-set layout ("안녕" -> "dkssud"); others kept.

    The inverse of :func:`keys_to_hangul`, used to check the automaton and by tests.
    """
    spelled = {v: a + b for (a, b), v in COMPOUND_VOWELS.items()} | {
        v: a + b for (a, b), v in CLUSTERS.items()
    }
    out: list[str] = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            jamos = [INITIALS[code // 588], MEDIALS[(code % 588) // 28], FINALS[code % 28]]
        elif ch in _JAMO_TO_KEY or ch in spelled:
            jamos = [ch]
        else:
            out.append(ch)
            continue
        for jamo in jamos:
            for part in spelled.get(jamo, jamo):
                out.append(_JAMO_TO_KEY[part])
    return "".join(out)
