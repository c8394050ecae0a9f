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
type is a ``PatternError`` right away) but compiles an intent's regular expressions only
the first time an utterance contains one of its keywords (intents without keywords: on the
first utterance), so a cold ``assistant route`` compiles only the rules it needs. A regex
that turns out not to compile is reported then (``on_error``; the engine records it as the
plugin's failure) and that intent stops matching; ``Router.compile_all()`` compiles
everything at once (the tests call it, so a bad pattern still fails before release).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.slots import SLOT_TYPES, SlotError
from assistant.types import Intent

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
        out.append(f"(?P<{name}>{regex})")
        pos = m.end()
    out.append(_spaces(pattern[pos:]))
    literal = _SLOT.sub("", pattern)
    specificity = len(re.sub(r"[\s\\()\[\]?*+|.^$]", "", literal))
    try:
        regex = re.compile("".join(out))
    except re.error as exc:
        raise PatternError(f"pattern {pattern!r} does not compile: {exc}") from exc
    return CompiledPattern(regex, slot_types, specificity)


def _spaces(fragment: str) -> str:
    return re.sub(r" +", r"\\s*", fragment)


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
    _compiled: list[CompiledPattern] | None = None
    error: PatternError | None = None

    def patterns(
        self, on_error: Callable[[str, PatternError], None] | None
    ) -> list[CompiledPattern]:
        """The compiled patterns (compiled on first use; none if one does not compile)."""
        if self._compiled is None:
            try:
                self._compiled = [compile_pattern(p) for p in self.intent.patterns]
            except PatternError as exc:
                self._compiled, self.error = [], exc
                log.error("intent %s of plugin %s disabled: %s", self.intent.name, self.plugin, exc)
                if on_error is not None:
                    on_error(self.plugin, exc)
        return self._compiled


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
        for pattern in rule.patterns(self.on_error):
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
