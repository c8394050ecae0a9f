"""Intent routing: the core pattern language and the rule matcher.

Pattern language (``Intent.patterns``):

- A pattern is a Python regular expression searched in the normalized utterance.
- A literal space means "optional whitespace" (``5분 타이머`` also matches ``5분타이머``).
- ``{duration}``, ``{time}``, ``{day}``, ``{place}``, ``{number}`` insert a typed slot
  named after its type; ``{name:type}`` names it differently; ``{name}`` with an
  unknown type name is a free ``text`` slot (shortest match, or the rest of the
  utterance when it ends the pattern). Slot values come from
  :mod:`assistant.slots`.

Confidence of a match is the share of the utterance it covers (spaces and
polite request endings such as "해 줘", "줄래요" are not counted). Matches under
``router.min_confidence`` are dropped. The best match wins by, in order:
higher confidence, higher ``Intent.priority``, the more specific pattern (more
literal characters), earlier registration. Nothing matched -> ``smalltalk``.

Patterns compile lazily: ``Router.add`` checks the slot names at once (an unknown slot
type is a ``PatternError`` right away) and compiles nothing. The first time an utterance
contains one of an intent's keywords (intents without keywords: on the first utterance), the
intent's patterns are only *parsed* with their slots left out (a regex syntax error is
reported then: ``on_error``, the engine records it as the plugin's failure, and that intent
stops matching). The parse gives each pattern a gate: the literal words it cannot match
without, in order (a ``{duration}`` needs 시간, 분 or 초; ``^타이머 {duration} 더`` needs
the utterance to start with 타이머 and then hold a unit and 더). A pattern's full regular
expression (slot expressions are most of the compile time) is compiled the first time an
utterance passes its gate, so a cold ``assistant route`` compiles only the patterns that
could match its utterance; the gate only ever skips a pattern whose regex could not match.
``Router.compile_all()`` compiles everything at once (the tests call it, so a bad pattern
still fails before release).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.slots import SLOT_TYPES, SlotError
from assistant.types import Intent

try:  # the regex parser behind re.compile (Python 3.11+; sre_parse before)
    from re import _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

SMALLTALK = "smalltalk"

log = logging.getLogger("assistant.router")

_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")
#: Polite request endings that don't count against a match's coverage.
_FILLER = re.compile(
    r"(?:\s*좀)?(?:\s*(?:해|하여|알려|말해|보여))?\s*"
    r"(?:줘|줘요|주세요|줄래|줄래요|줄 ?수 ?있어|줄 ?수 ?있어요|주실래요|주시겠어요|주겠니|봐|봐요|줘봐|요|래|라)?"
    r"\s*[?!.~]*$"
)


class PatternError(ValueError):
    """An intent pattern that does not compile."""


@dataclass(frozen=True)
class CompiledPattern:
    regex: re.Pattern[str]
    slot_types: dict[str, str]
    specificity: int  # literal characters in the pattern


def check_pattern(pattern: str) -> None:
    """The cheap part of :func:`compile_pattern`: every ``{name:type}`` names a known type."""
    for m in _SLOT.finditer(pattern):
        if m.group(2) and m.group(2) not in SLOT_TYPES:
            raise PatternError(f"unknown slot type {m.group(2)!r} in pattern {pattern!r}")


def compile_pattern(pattern: str) -> CompiledPattern:
    """Compile one pattern of the pattern language (see module docstring)."""
    source, slot_types = _convert(pattern, lambda name, type_, regex: regex)
    literal = _SLOT.sub("", pattern)
    specificity = len(re.sub(r"[\s\\()\[\]?*+|.^$]", "", literal))
    try:
        regex = re.compile(source)
    except re.error as exc:
        raise PatternError(f"pattern {pattern!r} does not compile: {exc}") from exc
    return CompiledPattern(regex, slot_types, specificity)


def _convert(
    pattern: str, slot_regex: Callable[[str, str, str], str]
) -> tuple[str, dict[str, str]]:
    """(regular expression, slot name -> type) of a pattern; ``slot_regex(name, type,
    regex)`` gives the expression put in each slot's named group."""
    slot_types: dict[str, str] = {}
    out: list[str] = []
    pos = 0
    for m in _SLOT.finditer(pattern):
        out.append(_spaces(pattern[pos : m.start()]))
        name, type_ = m.group(1), m.group(2) or m.group(1)
        if type_ not in SLOT_TYPES:
            if m.group(2):
                raise PatternError(f"unknown slot type {type_!r} in pattern {pattern!r}")
            type_ = "text"
        slot_types[name] = type_
        regex = SLOT_TYPES[type_].regex
        if type_ == "text" and not pattern[m.end() :].strip(" $"):
            regex = ".+"  # a trailing free-text slot takes the rest of the utterance
        out.append(f"(?P<{name}>{slot_regex(name, type_, regex)})")
        pos = m.end()
    out.append(_spaces(pattern[pos:]))
    return "".join(out), slot_types


def _spaces(fragment: str) -> str:
    return re.sub(r" +", r"\\s*", fragment)


# -- gates ---------------------------------------------------------------------------------
#
# A gate is a necessary condition for a pattern's regex to find a match: the literal runs
# (consecutive literal characters) that any match contains, in the order they occur in it,
# each as a set of alternatives ((?:알람|알림) -> {"알람", "알림"}); the first may have to
# start the utterance (a leading ``^``). It is read from the parse tree of the pattern with
# plain groups in place of the slot expressions (slot types contribute their own runs, read
# once from their regex). Anything the reader does not know contributes nothing, so a gate
# can be weaker than it could be but never wrong.

_Clause = tuple[str, ...]


class _Gate:
    __slots__ = ("clauses", "anchored")

    def __init__(self, clauses: list[_Clause], anchored: bool) -> None:
        self.clauses = clauses
        self.anchored = anchored  # the first clause must start the text

    def admits(self, text: str) -> bool:
        """False only if the pattern's regex cannot match anywhere in ``text``."""
        pos = 0
        for i, alternatives in enumerate(self.clauses):
            end = -1
            for literal in alternatives:
                if i == 0 and self.anchored:
                    found = 0 if text.startswith(literal) else -1
                else:
                    found = text.find(literal, pos)
                if found >= 0 and (end < 0 or found + len(literal) < end):
                    end = found + len(literal)
            if end < 0:
                return False
            pos = end  # the next run starts after this one ends (earliest end: greedy is exact)
        return True


_REPEATS = tuple(
    op
    for op in (getattr(_sre, n, None) for n in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))
    if op is not None
)
_ATOMIC = getattr(_sre, "ATOMIC_GROUP", None)
_SLOT_CLAUSES: dict[str, list[_Clause]] = {}


def _runs(items: Any, slots: dict[int, str], top: bool = False) -> tuple[list[_Clause], bool]:
    """(clauses, anchored) of a parsed sequence; ``slots`` maps group numbers to slot regexes."""
    clauses: list[_Clause] = []
    anchored = False
    run: list[str] = []
    run_start = 0

    def flush() -> None:
        nonlocal anchored
        if run:
            if top and run_start == 1 and not clauses and _is_begin(items[0]):
                anchored = True
            clauses.append(("".join(run),))
            run.clear()

    for index, (op, av) in enumerate(items):
        if op is _sre.LITERAL:
            if not run:
                run_start = index
            run.append(chr(av))
            continue
        flush()
        if op is _sre.SUBPATTERN:
            group, add_flags, del_flags, sub = av
            if group in slots:
                clauses += _slot_clauses(slots[group])
            elif not add_flags and not del_flags:
                clauses += _runs(sub, slots)[0]
        elif op is _sre.BRANCH:
            union: set[str] = set()
            for alternative in av[1]:
                found = _runs(alternative, slots)[0]
                if not found:
                    break
                union.update(found[0])
            else:
                clauses.append(tuple(sorted(union)))
        elif op in _REPEATS:
            if av[0] >= 1:
                clauses += _runs(av[2], slots)[0]
        elif op is _ATOMIC:
            clauses += _runs(av, slots)[0]
        # anything else (sets, any character, anchors, lookarounds, group references)
        # contributes nothing
    flush()
    return clauses, anchored


def _is_begin(item: tuple[Any, Any]) -> bool:
    op, av = item
    return op is _sre.AT and av in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING)


def _slot_clauses(regex: str) -> list[_Clause]:
    """The literal runs every match of a slot expression contains (read once per process)."""
    found = _SLOT_CLAUSES.get(regex)
    if found is None:
        try:
            found = _runs(_sre.parse(regex), {})[0]
        except Exception:  # noqa: BLE001 - no runs known: the gate just gets weaker
            found = []
        _SLOT_CLAUSES[regex] = found
    return found


def pattern_gate(pattern: str) -> _Gate | None:
    """The gate of a pattern (None: always try it); raises PatternError when the pattern's
    own text is not a valid regular expression."""
    groups: dict[str, str] = {}

    def placeholder(name: str, type_: str, regex: str) -> str:
        groups[name] = regex
        return ".+?"

    skeleton, _ = _convert(pattern, placeholder)
    try:
        parsed = _sre.parse(skeleton)
    except re.error:
        compile_pattern(pattern)  # the error message of the real expression
        return None  # (only if, against all odds, the real one compiles)
    try:
        if parsed.state.flags & ~_sre.SRE_FLAG_UNICODE:
            return None  # inline flags (ignore case ...): no gate
        slots = {parsed.state.groupdict[name]: regex for name, regex in groups.items()}
        clauses, anchored = _runs(parsed, slots, top=True)
    except Exception:  # noqa: BLE001 - an unexpected parse tree: no gate, always try
        return None
    return _Gate(clauses, anchored) if clauses else None


@dataclass
class Match:
    intent: str
    plugin: str | None
    confidence: float
    slots: dict[str, Any] = field(default_factory=dict)
    raw_slots: dict[str, str] = field(default_factory=dict)
    slot_errors: dict[str, str] = field(default_factory=dict)


@dataclass
class _Rule:
    intent: Intent
    plugin: str
    keywords: tuple[str, ...]
    order: int
    _gates: list[_Gate | None] | None = None
    _compiled: dict[int, CompiledPattern] = field(default_factory=dict)
    error: PatternError | None = None

    def patterns(
        self, on_error: Callable[[str, PatternError], None] | None, text: str | None = None
    ) -> list[CompiledPattern]:
        """The compiled patterns that may match ``text`` (all when None), compiled on first
        use; none once a pattern of the intent turned out not to compile."""
        if self.error is not None:
            return []
        try:
            if self._gates is None:
                self._gates = [pattern_gate(p) for p in self.intent.patterns]
            wanted = [
                i
                for i, gate in enumerate(self._gates)
                if text is None or gate is None or gate.admits(text)
            ]
            for i in wanted:
                if i not in self._compiled:
                    self._compiled[i] = compile_pattern(self.intent.patterns[i])
        except PatternError as exc:
            self.error = exc
            log.error("intent %s of plugin %s disabled: %s", self.intent.name, self.plugin, exc)
            if on_error is not None:
                on_error(self.plugin, exc)
            return []
        return [self._compiled[i] for i in wanted]


class Router:
    """Matches normalized utterances against the registered intents.

    ``on_error(plugin, PatternError)`` is called when a pattern fails to compile on first use.
    """

    def __init__(
        self,
        min_confidence: float = 0.5,
        on_error: Callable[[str, PatternError], None] | None = None,
    ) -> None:
        self.min_confidence = min_confidence
        self.on_error = on_error
        self._rules: list[_Rule] = []
        self._by_keyword: dict[str, list[_Rule]] = {}
        self._always: list[_Rule] = []
        self.intents: dict[str, tuple[Intent, str]] = {}

    def add(self, intent: Intent, plugin: str) -> None:
        """Register an intent for ``plugin``; raises PatternError on an unknown slot type
        (the regular expressions compile on first use, see the module docstring)."""
        for pattern in intent.patterns:
            check_pattern(pattern)
        keywords = tuple(k.replace(" ", "") for k in intent.keywords if k.strip())
        rule = _Rule(intent, plugin, keywords, len(self._rules))
        self._rules.append(rule)
        self.intents.setdefault(intent.name, (intent, plugin))
        if keywords:
            for k in keywords:
                self._by_keyword.setdefault(k, []).append(rule)
        else:
            self._always.append(rule)

    def compile_all(self) -> list[tuple[str, str, PatternError]]:
        """Compile every registered pattern now: (intent, plugin, error) for each failure."""
        failures: list[tuple[str, str, PatternError]] = []
        for rule in self._rules:
            rule.patterns(self.on_error)
            if rule.error is not None:
                failures.append((rule.intent.name, rule.plugin, rule.error))
        return failures

    def candidates(self, text: str) -> list[_Rule]:
        compact = text.replace(" ", "")
        seen: dict[int, _Rule] = {r.order: r for r in self._always}
        for keyword, rules in self._by_keyword.items():
            if keyword in compact:
                for r in rules:
                    seen[r.order] = r
        return [seen[k] for k in sorted(seen)]

    def match(self, text: str) -> Match | None:
        """The best match for a normalized utterance, or None (small talk)."""
        content = _content_length(text)
        best: tuple[tuple[float, int, int, int], Match] | None = None
        for rule in self.candidates(text):
            for found in self._match_rule(rule, text, content):
                match, specificity = found
                if match.confidence < self.min_confidence:
                    continue
                key = (round(match.confidence, 3), rule.intent.priority, specificity, -rule.order)
                if best is None or key > best[0]:
                    best = (key, match)
        return best[1] if best else None

    def _match_rule(self, rule: _Rule, text: str, content: int):
        if rule.intent.match is not None:
            result = rule.intent.match(text)
            if result is not None:
                confidence, slots = result
                yield Match(rule.intent.name, rule.plugin, float(confidence), dict(slots)), 0
        for pattern in rule.patterns(self.on_error, text):
            m = pattern.regex.search(text)
            if not m:
                continue
            covered = len(m.group(0).replace(" ", ""))
            confidence = min(1.0, covered / content) if content else 0.0
            match = Match(rule.intent.name, rule.plugin, confidence)
            for name, type_ in pattern.slot_types.items():
                span = m.group(name)
                if span is None or not span.strip():
                    continue
                match.raw_slots[name] = span.strip()
                try:
                    match.slots[name] = SLOT_TYPES[type_].parse(span)
                except SlotError as exc:
                    match.slot_errors[name] = str(exc)
            yield match, pattern.specificity


def _content_length(text: str) -> int:
    """Characters that a match must cover: no spaces, no polite ending."""
    core = _FILLER.sub("", text) or text
    return len(core.replace(" ", ""))
