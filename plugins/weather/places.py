"""Korean place names: the built-in table (``places.tsv``) and matching helpers.

The table answers provinces, metropolitan cities and major cities without a
network call. Anything else (a 동, a 구, a foreign city) goes to the provider's
geocoder; :func:`pick_result` then prefers the result inside the region the
user named ("인천 고잔동" -> the 고잔동 in 인천, not the one in 안산).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

#: Short keys of first-level regions and the names they go by (Korean and English).
ADMIN1: dict[str, tuple[str, ...]] = {
    "서울": ("서울특별시", "서울시", "서울", "Seoul"),
    "부산": ("부산광역시", "부산시", "부산", "Busan"),
    "대구": ("대구광역시", "대구시", "대구", "Daegu"),
    "인천": ("인천광역시", "인천시", "인천", "Incheon"),
    "광주": ("광주광역시", "광주", "Gwangju"),
    "대전": ("대전광역시", "대전시", "대전", "Daejeon"),
    "울산": ("울산광역시", "울산시", "울산", "Ulsan"),
    "세종": ("세종특별자치시", "세종시", "세종", "Sejong"),
    "경기": ("경기도", "경기", "Gyeonggi-do", "Gyeonggi"),
    "강원": ("강원특별자치도", "강원도", "강원", "Gangwon-do", "Gangwon"),
    "충북": ("충청북도", "충북", "Chungcheongbuk-do", "North Chungcheong"),
    "충남": ("충청남도", "충남", "Chungcheongnam-do", "South Chungcheong"),
    "전북": ("전북특별자치도", "전라북도", "전북", "Jeollabuk-do", "North Jeolla"),
    "전남": ("전라남도", "전남", "Jeollanam-do", "South Jeolla"),
    "경북": ("경상북도", "경북", "Gyeongsangbuk-do", "North Gyeongsang"),
    "경남": ("경상남도", "경남", "Gyeongsangnam-do", "South Gyeongsang"),
    "제주": ("제주특별자치도", "제주도", "제주", "Jeju-do", "Jeju"),
}
_ADMIN1_BY_NAME = {n.lower(): key for key, names in ADMIN1.items() for n in names}

#: Administrative suffixes dropped when comparing names ("안산시" ~ "안산").
_ADMIN_SUFFIX = re.compile(r"(?:특별자치시|특별자치도|특별시|광역시|시|군|구)$")


@dataclass(frozen=True)
class Place:
    """A resolved place: what the reply names and where the forecast is asked for."""

    name: str  # what the reply calls it ("인천 남동구 고잔동", "부산")
    latitude: float
    longitude: float
    admin: tuple[str, ...] = ()  # enclosing regions, largest first ("인천광역시", "남동구")
    country_code: str = "KR"
    timezone: str | None = None
    source: str = "table"  # table | geocoder

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "admin": list(self.admin),
            "country_code": self.country_code,
            "timezone": self.timezone,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: dict) -> Place:
        return cls(
            name=str(data["name"]),
            latitude=float(data["latitude"]),
            longitude=float(data["longitude"]),
            admin=tuple(str(a) for a in data.get("admin") or ()),
            country_code=str(data.get("country_code") or ""),
            timezone=data.get("timezone"),
            source=str(data.get("source") or "geocoder"),
        )


@dataclass(frozen=True)
class TableEntry:
    name: str
    admin1: str
    latitude: float
    longitude: float
    aliases: tuple[str, ...] = field(default=())

    def place(self) -> Place:
        admin = (
            ()
            if self.admin1 == self.name or _short(self.admin1) == _short(self.name)
            else (self.admin1,)
        )
        return Place(self.name, self.latitude, self.longitude, admin, "KR", "Asia/Seoul", "table")


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _short(name: str) -> str:
    """A comparable form of a region name: no spaces, no 시/군/구 suffix, admin1 short key."""
    key = _ADMIN1_BY_NAME.get(name.strip().lower())
    if key:
        return key
    flat = compact(name)
    stripped = _ADMIN_SUFFIX.sub("", flat)
    return (stripped if len(stripped) >= 2 else flat).lower()


@lru_cache(maxsize=1)
def table() -> tuple[TableEntry, ...]:
    """The built-in places (read once from ``places.tsv``)."""
    text = resources.files(__package__).joinpath("places.tsv").read_text(encoding="utf-8")
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        aliases = tuple(
            a.strip() for a in (cols[4] if len(cols) > 4 else "").split(",") if a.strip()
        )
        entries.append(TableEntry(cols[0], cols[1], float(cols[2]), float(cols[3]), aliases))
    return tuple(entries)


@lru_cache(maxsize=1)
def _index() -> dict[str, list[TableEntry]]:
    index: dict[str, list[TableEntry]] = {}
    for entry in table():
        for name in (entry.name, *entry.aliases):
            bucket = index.setdefault(compact(name), [])
            if entry not in bucket:
                bucket.append(entry)
    return index


def lookup(name: str) -> list[TableEntry]:
    """Table entries called ``name`` (spaces ignored), best first; [] if none."""
    return list(_index().get(compact(name), ()))


def is_known(word: str) -> bool:
    """True when ``word`` alone names a built-in place."""
    return bool(lookup(word))


def resolve_from_table(words: list[str]) -> Place | None:
    """A table place for the phrase, or None when the geocoder must be asked.

    The whole phrase first ("경기 광주"), then the last word with the others
    as region hints ("경남 고성" -> 고성 in 경상남도). A phrase whose last word
    is not in the table ("인천 고잔동") returns None.
    """
    if not words:
        return None
    whole = lookup(" ".join(words))
    if whole:
        return whole[0].place()
    candidates = lookup(words[-1])
    if not candidates:
        return None
    hints = words[:-1]
    if not hints:
        return candidates[0].place()
    for entry in candidates:
        if all(region_matches(h, (entry.admin1, entry.name)) for h in hints):
            return entry.place()
    # The hint contradicts every table entry ("인천 수원"): let the geocoder decide.
    return None


def region_matches(hint: str, regions: tuple[str, ...] | list[str]) -> bool:
    """Does the place named by ``regions`` (admin names, largest first) lie in ``hint``?"""
    want = _short(hint)
    if not want:
        return False
    for region in regions:
        if not region:
            continue
        have = _short(region)
        if have == want or (len(want) >= 2 and have.startswith(want)):
            return True
    return False


def suggestions(name: str, limit: int = 3) -> list[str]:
    """Built-in place names that look like ``name`` (for "did you mean")."""
    names = sorted({e.name for e in table()})
    flat = compact(name)
    close = difflib.get_close_matches(flat, names, n=limit, cutoff=0.5)
    if len(close) < limit:
        for candidate in names:
            if candidate not in close and flat and (flat[:2] in candidate or candidate in flat):
                close.append(candidate)
            if len(close) >= limit:
                break
    return close[:limit]
