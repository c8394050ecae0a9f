"""Small Korean text helpers for plugins: particles (조사) that fit the word before them."""

from __future__ import annotations

_DIGIT_HAS_FINAL = {
    "0": True,
    "1": True,
    "2": False,
    "3": True,
    "4": False,
    "5": False,
    "6": True,
    "7": True,
    "8": True,
    "9": False,
}
_PAIRS = {
    "이/가": ("이", "가"),
    "을/를": ("을", "를"),
    "은/는": ("은", "는"),
    "과/와": ("과", "와"),
    "아/야": ("아", "야"),
    "이에요/예요": ("이에요", "예요"),
    "으로/로": ("으로", "로"),
    "이라는/라는": ("이라는", "라는"),
    "이라고/라고": ("이라고", "라고"),
    "이나/나": ("이나", "나"),
}
# Latin letters read by their English names: the ones whose name ends in a consonant
# (L 엘, M 엠, N 엔, R 알) and its final's index (8 = ㄹ, 16 = ㅁ, 4 = ㄴ).
_LATIN_FINAL = {"l": 8, "m": 16, "n": 4, "r": 8}


def final_consonant(word: str) -> int | None:
    """Index of the last syllable's final consonant (0 = none), None if not decidable."""
    for ch in reversed(word.strip()):
        if "가" <= ch <= "힣":
            return (ord(ch) - 0xAC00) % 28
        if ch.isdigit():
            return 1 if _DIGIT_HAS_FINAL[ch] else 0
        if "a" <= ch.lower() <= "z":
            return _LATIN_FINAL.get(ch.lower(), 0)
        if ch.isalpha():
            return None
    return None


def josa(word: str, pair: str) -> str:
    """``word`` followed by the right form of ``pair`` ("이/가", "을/를", "은/는", "으로/로", ...).

    Latin letters count by their English names ("TV" -> "TV가", "PM" -> "PM이");
    a word with nothing readable at its end takes the form without a final consonant.

    >>> josa("라면", "이/가"), josa("3", "이/가"), josa("2", "을/를"), josa("서울", "으로/로")
    ('라면이', '3이', '2를', '서울로')
    """
    with_final, without = _PAIRS[pair]
    final = final_consonant(word)
    if final is None:
        final = 0
    if pair == "으로/로":
        return word + ("로" if final in (0, 8) else "으로")  # 8 = ㄹ
    return word + (with_final if final else without)
