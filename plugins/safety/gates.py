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

Gate = frozenset[str] | None


def sources_sha256() -> str:
    """Hash of what the gates depend on: the rule files, the cue file and the macros."""
    digest = hashlib.sha256()
    for path in (PATTERNS_PATH, FALSE_FRIENDS_PATH, CUES_PATH):
        digest.update(path.read_bytes())
    digest.update(json.dumps(MACROS, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def gate_of(pattern: str) -> Gate:
    """Characters every match of the rule ``pattern`` contains one of; None when unknown."""
    source = expand_rule(pattern)
    if rule_flags(source):
        return None  # case-insensitive: the folded variants are not worth it (8 rules)
    gate = _sequence_gate(sre_parse.parse(source))
    return frozenset(gate) if gate else None


def _sequence_gate(items) -> set[str] | None:
    """The smallest gate among the mandatory atoms of a sequence (the first on ties)."""
    best: set[str] | None = None
    for op, arg in items:
        gate = _atom_gate(op, arg)
        if gate is not None and (best is None or len(gate) < len(best)):
            best = gate
    return best


def _atom_gate(op, arg) -> set[str] | None:
    c = sre_constants
    if op is c.LITERAL:
        return {chr(arg)}
    if op is c.IN:
        return _class_gate(arg)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, inner = arg
        return _sequence_gate(inner) if low >= 1 else None
    if op is c.SUBPATTERN:
        return _sequence_gate(arg[-1])
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sequence_gate(arg)
    if op is c.BRANCH:
        union: set[str] = set()
        for alternative in arg[1]:
            gate = _sequence_gate(alternative)
            if gate is None:
                return None
            union |= gate
        return union if len(union) <= MAX_GATE else None
    return None  # anchors, lookarounds, ., \S, back references ...: not a gate


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
        gates[rule] = "".join(sorted(gate)) if gate is not None else None
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
            rule: frozenset(chars) if chars is not None else None
            for rule, chars in data["gates"].items()
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
