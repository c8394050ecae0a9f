"""WMO weather interpretation codes (as used by Open-Meteo) in natural Korean."""

from __future__ import annotations

#: code -> (noun phrase for "지금은 …이에요/예요", short sky word)
_CODES: dict[int, str] = {
    0: "맑음",
    1: "대체로 맑음",
    2: "구름 조금",
    3: "흐림",
    45: "안개",
    48: "서리 안개",
    51: "약한 이슬비",
    53: "이슬비",
    55: "강한 이슬비",
    56: "약한 어는 이슬비",
    57: "어는 이슬비",
    61: "약한 비",
    63: "비",
    65: "강한 비",
    66: "약한 어는 비",
    67: "어는 비",
    71: "약한 눈",
    73: "눈",
    75: "많은 눈",
    77: "싸락눈",
    80: "약한 소나기",
    81: "소나기",
    82: "강한 소나기",
    85: "약한 눈보라",
    86: "강한 눈보라",
    95: "뇌우",
    96: "우박을 동반한 뇌우",
    99: "강한 우박을 동반한 뇌우",
}

RAIN_CODES = frozenset({51, 53, 55, 56, 57, 61, 63, 65, 66, 67, 80, 81, 82, 95, 96, 99})
SNOW_CODES = frozenset({71, 73, 75, 77, 85, 86})


def describe(code: int | None) -> str | None:
    """ "맑음", "약한 비" … for a WMO code; None if unknown."""
    if code is None:
        return None
    return _CODES.get(int(code))


def is_rain(code: int | None) -> bool:
    return code is not None and int(code) in RAIN_CODES


def is_snow(code: int | None) -> bool:
    return code is not None and int(code) in SNOW_CODES


def is_wet(code: int | None) -> bool:
    """Rain or snow of any kind."""
    return is_rain(code) or is_snow(code)


#: code -> a clause to continue a sentence: "서울은 지금 {맑고}, 기온은 …"
_CLAUSES: dict[int, str] = {
    0: "맑고",
    1: "대체로 맑고",
    2: "구름이 조금 있고",
    3: "흐리고",
    45: "안개가 끼고",
    48: "서리 안개가 끼고",
    51: "약한 이슬비가 내리고",
    53: "이슬비가 내리고",
    55: "이슬비가 꽤 내리고",
    56: "약한 어는 비가 내리고",
    57: "어는 비가 내리고",
    61: "약한 비가 내리고",
    63: "비가 내리고",
    65: "강한 비가 내리고",
    66: "약한 어는 비가 내리고",
    67: "어는 비가 내리고",
    71: "약한 눈이 내리고",
    73: "눈이 내리고",
    75: "많은 눈이 내리고",
    77: "싸락눈이 내리고",
    80: "약한 소나기가 내리고",
    81: "소나기가 내리고",
    82: "강한 소나기가 내리고",
    85: "약한 눈보라가 치고",
    86: "강한 눈보라가 치고",
    95: "천둥 번개가 치고",
    96: "우박과 함께 천둥 번개가 치고",
    99: "강한 우박과 함께 천둥 번개가 치고",
}


def clause(code: int | None) -> str | None:
    """ "맑고", "비가 내리고" … to continue a sentence; None if unknown."""
    if code is None:
        return None
    return _CLAUSES.get(int(code))
