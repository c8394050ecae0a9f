"""Small Korean text helpers for plugins: particles (조사) that fit the word before them, ages."""

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
}


def final_consonant(word: str) -> int | None:
    """Index of the last syllable's final consonant (0 = none), None if not decidable."""
    for ch in reversed(word.strip()):
        if "가" <= ch <= "힣":
            return (ord(ch) - 0xAC00) % 28
        if ch.isdigit():
            return 1 if _DIGIT_HAS_FINAL[ch] else 0
        if ch.isalpha():
            return None
    return None


def josa(word: str, pair: str) -> str:
    """``word`` followed by the right form of ``pair`` ("이/가", "을/를", "은/는", "으로/로", ...).

    >>> josa("라면", "이/가"), josa("3", "이/가"), josa("2", "을/를"), josa("서울", "으로/로")
    ('라면이', '3이', '2를', '서울로')
    """
    with_final, without = _PAIRS[pair]
    final = final_consonant(word)
    if final is None:
        return f"{word}{with_final}({without})" if pair != "으로/로" else f"{word}(으)로"
    if pair == "으로/로":
        return word + ("로" if final in (0, 8) else "으로")  # 8 = ㄹ
    return word + (with_final if final else without)


def say_elapsed(seconds: float) -> str:
    """How long ago, for "… 전에 받아 둔 정보": "방금", "35분", "2시간 5분"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "방금"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes}분"
    return f"{hours}시간 {rest}분" if rest else f"{hours}시간"
