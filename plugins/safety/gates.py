"""Gates of the crisis rules: characters every match of a rule must contain.

Compiling the ~440 rules of ``crisis_patterns.txt`` and ``false_friends.txt`` (and the
scorer's 21 cue classes of ``crisis_cues.txt``) costs about 70 ms, too much for each ``assistant route``. A rule's *gate* is a set of characters such
that every match contains at least one of them (its most selective mandatory atom: a
literal, a small character class like ``[죽쥭죾줙]``, or for alternatives the union of
theirs); :class:`.detect.Detector` compiles and tries a gated rule only when the
utterance's forms contain a gate character, so a short command compiles almost none.
A rule that cannot be analysed (or uses ``re.IGNORECASE``) has no gate: always tried.

Analysing needs Python's regex parser, itself too slow for every start, so the gates are
precomputed into ``rule_gates.json`` (keyed by rule text, with the sha256 of the three
files and the macros). Rebuild it after editing one of them (a test fails until you do):

    .venv/bin/python -m assistant_plugins.safety.gates

A stale or missing file means no gates: every rule is compiled at start, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
from functools import lru_cache
from pathlib import Path

from assistant.listfile import read_list

from .detect import FALSE_FRIENDS_PATH, MACROS, PATTERNS_PATH, expand_rule, rule_flags
from .scorer import CUES_PATH, read_cues

try:  # Python 3.11+
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

GATES_PATH = Path(__file__).resolve().parent / "rule_gates.json"
REBUILD = ".venv/bin/python -m assistant_plugins.safety.gates"
#: a character class with more characters than this is no useful gate
MAX_GATE = 64
log = logging.getLogger(__name__)

Gate = tuple[frozenset[str], ...] | None


def sources_sha256() -> str:
    """Hash of what the gates depend on: the rule files, the cue file and the macros."""
    digest = hashlib.sha256()
    for path in (PATTERNS_PATH, FALSE_FRIENDS_PATH, CUES_PATH):
        digest.update(path.read_bytes())
    digest.update(json.dumps(MACROS, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def gate_of(pattern: str) -> Gate:
    """Character sets such that every match of the rule ``pattern`` contains a character
    of each (smallest first); None when no mandatory atom is known."""
    source = expand_rule(pattern)
    if rule_flags(source):
        return None  # case-insensitive: the folded variants are not worth it (8 rules)
    unique = list(dict.fromkeys(frozenset(s) for s in _sequence_sets(sre_parse.parse(source))))
    kept = [s for s in unique if not any(other < s for other in unique)]  # implied: dropped
    return tuple(sorted(kept, key=lambda s: (len(s), sorted(s)))) or None


def _sequence_sets(items) -> list[set[str]]:
    """The character sets of the mandatory atoms of a sequence."""
    found: list[set[str]] = []
    for op, arg in items:
        found += _atom_sets(op, arg)
    return found


def _atom_sets(op, arg) -> list[set[str]]:
    c = sre_constants
    if op is c.LITERAL:
        return [{chr(arg)}]
    if op is c.IN:
        chars = _class_gate(arg)
        return [chars] if chars else []
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, inner = arg
        return _sequence_sets(inner) if low >= 1 else []
    if op is c.SUBPATTERN:
        return _sequence_sets(arg[-1])
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sequence_sets(arg)
    if op is c.BRANCH:  # the union of each alternative's smallest set
        union: set[str] = set()
        for alternative in arg[1]:
            sets = _sequence_sets(alternative)
            if not sets:
                return []
            union |= min(sets, key=len)
        return [union] if len(union) <= MAX_GATE else []
    return []  # anchors, lookarounds, ., \S, back references ...: no set


def _class_gate(items) -> set[str] | None:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre_constants.LITERAL:
            chars.add(chr(arg))
        elif op is sre_constants.RANGE and arg[1] - arg[0] < MAX_GATE:
            chars.update(chr(i) for i in range(arg[0], arg[1] + 1))
        else:
            return None  # negated, a category like \s, a wide range
    return chars if len(chars) <= MAX_GATE else None


def build() -> dict:
    """The gate file's content for the shipped rule files."""
    cues = [rule for _name, rule in read_cues()]
    rules = read_list(PATTERNS_PATH) + read_list(FALSE_FRIENDS_PATH) + cues
    gates = {}
    for rule in rules:
        gate = gate_of(rule)
        gates[rule] = ["".join(sorted(chars)) for chars in gate] if gate is not None else None
    return {"sources_sha256": sources_sha256(), "gates": gates}


def write(path: Path = GATES_PATH) -> dict:
    data = build()
    text = json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")
    return data


@lru_cache(maxsize=4)
def load(path: Path = GATES_PATH) -> dict[str, Gate] | None:
    """The gates by rule text, or None (logged once) when the file is missing, broken or
    stale. Read once per process: do not change the returned mapping."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["sources_sha256"] != sources_sha256():
            log.warning("crisis rule gates %s are stale: all rules compiled (%s)", path, REBUILD)
            return None
        return {
            rule: tuple(frozenset(chars) for chars in sets) if sets else None
            for rule, sets in data["gates"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("crisis rule gates %s unreadable: all rules compiled (%s)", path, REBUILD)
        return None


def main() -> None:
    data = write()
    gated = sum(g is not None for g in data["gates"].values())
    print(f"{GATES_PATH.name}: {gated} of {len(data['gates'])} rules gated")


if __name__ == "__main__":
    main()
