"""The standard 2-set (두벌식) Korean keyboard: Latin keystrokes -> Hangul syllables.

:func:`keys_to_hangul` replays what a Korean input method does with the same
keys: each key's jamo goes through the core's composition automaton
(:func:`assistant.korean.compose_jamo`: initial/medial/final composition, compound
vowels, final-consonant clusters and the re-split of a final consonant when a vowel
follows: "dkssud" -> 안녕, not 안ㄴ녀ㅇ). Shifted keys type double consonants/vowels
(Q W E R T O P -> ㅃ ㅉ ㄸ ㄲ ㅆ ㅒ ㅖ).

This module is the keyboard layout only; jamo and syllables live in :mod:`assistant.korean`.
Pure functions, standard library only: this runs on every utterance.
"""

from __future__ import annotations

from assistant.korean import Composition, compose_jamo, hangul_to_jamo

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
_JAMO_TO_KEY = {jamo: key for key, jamo in KEYS.items()} | {j: k for k, j in SHIFTED.items()}

#: the result of :func:`keys_to_hangul` (text, complete syllables, lone jamo)
Conversion = Composition


def key_to_jamo(key: str) -> str | None:
    """The jamo a Latin key types in Korean mode, or None for any other character."""
    return SHIFTED.get(key) or KEYS.get(key.lower())


def keys_to_hangul(keys: str) -> Conversion:
    """Convert a run of Latin letters typed in English mode to the intended Hangul.

    >>> keys_to_hangul("dkssud").text
    '안녕'
    >>> keys_to_hangul("skfTl").text
    '날씨'
    """
    jamos = []
    for key in keys:
        jamo = key_to_jamo(key)
        if jamo is None:
            raise ValueError(f"not a keyboard letter: {key!r}")
        jamos.append(jamo)
    return compose_jamo(jamos)


def hangul_to_keys(text: str) -> str:
    """The keys that type ``text`` on the 2-set layout ("안녕" -> "dkssud"); others kept.

    The inverse of :func:`keys_to_hangul`, used to check the automaton and by tests.
    """
    return "".join(_JAMO_TO_KEY.get(ch, ch) for ch in hangul_to_jamo(text))
