"""The table of listed companies and finding the one a user meant.

``companies.tsv`` (shipped) and any extra tables named in ``plugins.stocks.tables``
have one company a row: 6-digit code, official name, market (KOSPI | KOSDAQ) and
comma-separated nicknames. Lookup is tolerant of spacing, case and small typos
(edit distance on the letters' jamo), and says when a name fits several
companies ("현대" -> 현대차, 현대모비스, 현대건설 …) instead of guessing.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.korean import hangul_to_jamo

if TYPE_CHECKING:
    from assistant.app import App

log = logging.getLogger("assistant.stocks")

SHIPPED_TABLE = Path(__file__).with_name("companies.tsv")
MARKETS = ("KOSPI", "KOSDAQ")
_CODE = re.compile(r"^\d{6}$")
_NOISE = re.compile(r"[\s\-_.·&()'’]|주식회사|\(주\)")


@dataclass(frozen=True)
class Company:
    code: str
    name: str
    market: str  # KOSPI | KOSDAQ | "" (a code not in the table: market unknown)
    nicknames: tuple[str, ...] = ()


@dataclass
class Found:
    """What a name refers to: one company, several (ask back), or none."""

    how: str  # exact | code | prefix | typo | ambiguous | none
    company: Company | None = None
    candidates: list[Company] = field(default_factory=list)


def key(text: str) -> str:
    """A name as compared: NFC, no spaces or punctuation, lower case ("SK 하이닉스" -> "sk하이닉스")."""
    return _NOISE.sub("", unicodedata.normalize("NFC", text)).lower()


def read_table(path: Path) -> tuple[list[Company], list[str]]:
    """Companies of one TSV table and the problems of rows that were skipped (file:row: why)."""
    companies: list[Company] = []
    problems: list[str] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: {exc}"]
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#") or line.startswith("code\t"):
            continue
        cells = line.split("\t")
        if len(cells) < 3:
            problems.append(f"{path.name}:{number}: fewer than 3 columns")
            continue
        code, name, market = (c.strip() for c in cells[:3])
        if not _CODE.match(code) or not name or market not in MARKETS:
            problems.append(f"{path.name}:{number}: bad code, name or market ({line[:40]!r})")
            continue
        nicknames = (
            tuple(n.strip() for n in cells[3].split(",") if n.strip()) if len(cells) > 3 else ()
        )
        companies.append(Company(code, name, market, nicknames))
    return companies, problems


class Directory:
    """All known companies, indexed by code and by the keys of their names and nicknames."""

    def __init__(self, companies: list[Company]) -> None:
        self.companies: list[Company] = []
        self.by_code: dict[str, Company] = {}
        self.by_key: dict[str, list[Company]] = {}
        for company in companies:
            if company.code in self.by_code:  # a later table may not redefine a code
                continue
            self.by_code[company.code] = company
            self.companies.append(company)
            for name in (company.name, *company.nicknames):
                bucket = self.by_key.setdefault(key(name), [])
                if company not in bucket:
                    bucket.append(company)
        self._letters = {k: hangul_to_jamo(k) for k in self.by_key}

    @classmethod
    def load(cls, extra: list[Path] = ()) -> Directory:
        companies: list[Company] = []
        for path in (SHIPPED_TABLE, *extra):
            rows, problems = read_table(path)
            if problems:
                log.warning(
                    "%d row(s) of %s skipped: %s", len(problems), path, "; ".join(problems[:5])
                )
            companies.extend(rows)
        return cls(companies)

    def find(self, text: str, *, typos: bool = True) -> Found:
        k = key(text)
        if not k:
            return Found("none")
        if _CODE.match(k):
            return Found("code", self.by_code.get(k) or Company(k, k, ""))
        exact = self.by_key.get(k)
        if exact:
            return Found("exact", exact[0]) if len(exact) == 1 else Found("ambiguous", None, exact)
        if len(k) >= 2:
            starting = _unique(c for kk, cs in self.by_key.items() if kk.startswith(k) for c in cs)
            if len(starting) == 1:
                return Found("prefix", starting[0])
            if starting:
                return Found("ambiguous", None, starting)
        if typos and len(k) >= 3:
            return self._typo(k)
        return Found("none")

    def _typo(self, k: str) -> Found:
        """Names one or two jamo away ("삼성전지" -> 삼성전자); several equally close: ambiguous."""
        letters = hangul_to_jamo(k)
        limit = 1 if len(letters) <= 8 else 2
        best: list[Company] = []
        best_distance = limit + 1
        for kk, target in self._letters.items():
            if abs(len(target) - len(letters)) > limit:
                continue
            d = _distance(letters, target, limit + 1)
            if d < best_distance:
                best, best_distance = list(self.by_key[kk]), d
            elif d == best_distance <= limit:
                best.extend(c for c in self.by_key[kk] if c not in best)
        if not best:
            return Found("none")
        return Found("typo", best[0]) if len(best) == 1 else Found("ambiguous", None, best)


def _unique(companies) -> list[Company]:
    seen: dict[str, Company] = {}
    for c in companies:
        seen.setdefault(c.code, c)
    order = {c.code: i for i, c in enumerate(seen.values())}
    return sorted(seen.values(), key=lambda c: order[c.code])


def _distance(a: str, b: str, give_up: int) -> int:
    """Levenshtein distance, or ``give_up`` as soon as it can only be larger."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) >= give_up:
            return give_up
        previous = current
    return previous[-1]


def load_directory(app: App) -> Directory:
    """The shipped table plus ``plugins.stocks.tables`` (relative to the config file)."""
    settings = app.config.plugin("stocks")
    extra = []
    for raw in settings.get("tables") or ():
        path = Path(str(raw)).expanduser()
        if not path.is_absolute() and app.config.sources:
            path = app.config.sources[-1].parent / path
        extra.append(path)
    return Directory.load(extra)
