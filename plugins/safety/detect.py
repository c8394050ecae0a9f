"""Finding crisis language (suicide, self-harm) in an utterance, by rules over data files.

Two data files drive it (see their headers and ``README.md``): ``crisis_patterns.txt``
(what fires) and ``false_friends.txt`` (everyday uses of 죽다, 끝내다, 사라지다, 살다 ...
that merely contain a crisis pattern: 추워 죽겠어, 프로젝트 빨리 끝내고 싶다, 살 빼야겠다).
Standard library only and no model: this runs on every utterance, in ``assistant route``.

How an utterance is checked (each form separately):

1. the text, lower-cased, punctuation turned into spaces;
2. separately typed jamo composed ("ㅈㅜㄱㄱㅗ" -> 죽고), when there are any;
3. runs of Latin letters read as keys typed in English mode ("wnrrh tlvek" -> 죽고 싶다),
   when there are any (also done by the keyboard plugin, but only when it is sure);
4. runs of one-syllable words joined ("죽 고 싶 다" -> 죽고싶다).

A pattern fires when it matches a form and no false friend overlaps the match in that
form. When none fires and no false friend occurs anywhere in the text, the small learned
scorer of :mod:`.scorer` (JSON weights, read on first use) decides, when the text has at
least three Hangul syllables (keys typed in English mode like "sibal" are left to the rules). In both files a literal space means optional whitespace, and these macros expand:
``{죽}`` 죽 and its typos, ``{고}`` 고/구/꼬, ``{싶}`` 싶 and its typos (십, 시퍼 ...),
``{^}`` "not right after another Hangul syllable" (a word start: 자살 but not 여자 살).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from assistant.korean import jamo_to_hangul
from assistant.listfile import read_list
from assistant_plugins.keyboard.hangul import keys_to_hangul

from .scorer import WEIGHTS_PATH, Scorer
from .scorer import load as load_scorer

HERE = Path(__file__).resolve().parent
PATTERNS_PATH = HERE / "crisis_patterns.txt"
FALSE_FRIENDS_PATH = HERE / "false_friends.txt"

MACROS = {
    "{죽}": "[죽쥭죾줙]",
    "{고}": "[고구꼬거궁공]",
    "{싶}": "(?:싶|십|싑|시퍼|시프|시포|시펑)",
    "{싫}": "(?:싫|시러|실어|시르|실타)",
    "{^}": "(?<![가-힣])",
}
_JAMO = re.compile("[ㄱ-ㅣ]")
_SYLLABLE = re.compile("[가-힣]")
#: a text of fewer Hangul syllables than this carries little evidence: the scorer alone calls
#: it a crisis remark only at SHORT_MIN_SCORE or more, and gives it no check-in ("그거 알려줘"
#: had scored 0.46, "이것도 잡담이에요" fell in the check-in band). Across authors this cost
#: 0.001 recall and cut the everyday chat's fire rate by a third (README)
SHORT_SYLLABLES = 10
SHORT_MIN_SCORE = 0.7


def syllables(text: str) -> int:
    """Hangul syllables in ``text`` (its first normalized spelling)."""
    return len(_SYLLABLE.findall(spellings(text)[0][0]))


def scorer_fires(probability: float, threshold: float, n_syllables: int) -> bool:
    """Whether the scorer alone makes a text a crisis remark (short texts need more)."""
    need = max(threshold, SHORT_MIN_SCORE) if n_syllables < SHORT_SYLLABLES else threshold
    return probability >= need


_LATIN_RUN = re.compile(r"[A-Za-z]+")
_PUNCT = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
_SPACED_JAMO = re.compile("(?<=[ㄱ-ㅣ]) (?=[ㄱ-ㅣ])")
#: a stray jamo typed between two syllables ("죽ㄱ고" -> "죽고")
_STRAY_JAMO = re.compile("(?<=[가-힣])[ㄱ-ㅣ](?=[가-힣])")
#: a backslash escape: its letter counts as cased unless it is a class or boundary (\s, \b ...)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def compile_rule(pattern: str) -> re.Pattern[str]:
    """One rule of the data files: macros expanded, a space = optional whitespace."""
    source = expand_rule(pattern)
    try:
        return re.compile(source, rule_flags(source))
    except re.error as exc:
        raise ValueError(f"crisis rule {pattern!r} does not compile: {exc}") from exc


def expand_rule(pattern: str) -> str:
    """The regular expression of a rule line (see :func:`compile_rule`)."""
    source = pattern.strip()
    for macro, regex in MACROS.items():
        source = source.replace(macro, regex)
    return re.sub(r" +", r"\\s*", source)


def rule_flags(source: str) -> int:
    """``re.IGNORECASE`` only for a rule with a cased character (the few English ones);
    the texts are lower-cased already, and the flag makes compiling Hangul rules slow
    (about a third of their compile time) while changing nothing for them."""
    letters = _ESCAPE.sub(lambda m: "" if m.group(1) in "sSwWdDbB" else m.group(1), source)
    return re.IGNORECASE if any(c.lower() != c.upper() for c in letters) else 0


def forms(text: str) -> list[str]:
    """Every spelling of ``text`` that is checked (see module docstring)."""
    primary, joined = spellings(text)
    return primary + joined


def spellings(text: str) -> tuple[list[str], list[str]]:
    """(primary forms, joined forms): the forms with one-syllable words run together come
    apart because :meth:`Detector.find` only trusts them when no primary form contains a
    false friend ("이 책 다 끝낼래" joined is "이책다 끝낼래", where 책 … 끝내 no longer
    starts a word)."""
    base = _SPACES.sub(" ", _PUNCT.sub(" ", text.lower())).strip()
    found = [base]
    if _JAMO.search(base):
        found.append(jamo_to_hangul(base))
        # spaced-out jamo: "ㅈ ㅜ ㄱ ㄱ ㅗ" -> 죽고
        found.append(jamo_to_hangul(_SPACED_JAMO.sub("", base)))
    if _LATIN_RUN.search(text):
        typed = _LATIN_RUN.sub(lambda m: keys_to_hangul(m.group(0)).text, text)
        found.append(_SPACES.sub(" ", _PUNCT.sub(" ", typed)).strip())
    for form in list(found):
        unstrayed = _STRAY_JAMO.sub("", form)
        if unstrayed != form:
            found.append(unstrayed)
    primary = list(dict.fromkeys(found))
    joined = [_join_single_syllables(form) for form in primary]
    return primary, list(dict.fromkeys(j for j in joined if j not in primary))


def _join_single_syllables(text: str) -> str:
    """Join runs of two or more one-character words ("죽 고 싶 다" -> "죽고싶다")."""
    words = text.split(" ")
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if run:
            out.append("".join(run) if len(run) > 1 else run[0])
            run = []
        if word:
            out.append(word)
    return " ".join(out)


class Rule:
    """A rule line, compiled on first use; ``gate``: character sets such that every match
    contains a character of each (see :mod:`.gates`), None for a rule tried on every text
    (compiled at once)."""

    __slots__ = ("text", "gate", "_regex")

    def __init__(self, text: str, gate: tuple[frozenset[str], ...] | None = None) -> None:
        self.text = text
        self.gate = gate
        self._regex = None if gate is not None else compile_rule(text)

    @property
    def regex(self) -> re.Pattern[str]:
        if self._regex is None:
            self._regex = compile_rule(self.text)
        return self._regex

    def may_match(self, chars: set[str]) -> bool:
        """False when no text made of ``chars`` can match (a gate set not in it)."""
        return self.gate is None or not any(chars.isdisjoint(s) for s in self.gate)


@dataclass(frozen=True)
class Hit:
    """A crisis pattern that fired: its source line and the matched text (for the log)."""

    pattern: str
    matched: str


class Detector:
    """Decides whether an utterance is crisis language."""

    def __init__(
        self,
        patterns: Iterable[str],
        false_friends: Iterable[str] = (),
        scorer_path: Path | None = None,
        gates: Mapping[str, tuple[frozenset[str], ...] | None] | None = None,
    ) -> None:
        """``gates`` (rule text: gate, see :mod:`.gates`): rules found there with a gate
        are compiled when first needed; every other rule is compiled now (a bad one fails
        here)."""
        gates = gates or {}
        self.patterns = [Rule(p.strip(), gates.get(p.strip())) for p in patterns if p.strip()]
        self.false_friends = [
            Rule(p.strip(), gates.get(p.strip())) for p in false_friends if p.strip()
        ]
        #: the learned scorer's weights (read on first use), None for the rules alone
        self.scorer_path = scorer_path

    @classmethod
    def from_files(
        cls,
        extra_patterns: Iterable[str] = (),
        extra_false_friends: Iterable[str] = (),
        scorer_path: Path = WEIGHTS_PATH,
    ) -> Detector:
        """The shipped rules and false friends (plus ``extra_*``) with the scorer at
        ``scorer_path`` (the shipped weights by default)."""
        patterns = read_list(PATTERNS_PATH) + [str(p) for p in extra_patterns]
        friends = read_list(FALSE_FRIENDS_PATH) + [str(p) for p in extra_false_friends]
        from .gates import load as load_gates

        return cls(patterns, friends, scorer_path=scorer_path, gates=load_gates())

    def find(self, text: str) -> Hit | None:
        """What fires on ``text``: the first crisis pattern, else the learned scorer when no
        false friend is in the text, or None (also when the remark voices worry about
        someone else: :meth:`concern`)."""
        if self.concern(text):
            return None
        hit, probability, scorer = self._judge(text)
        if (
            hit is None
            and scorer is not None
            and scorer_fires(probability, scorer.threshold, syllables(text))
        ):
            return Hit(f"scorer p={probability:.2f}", text[:80])
        return hit

    def check_in(self, text: str, *, low_mood: bool = False) -> Hit | None:
        """A remark in the scorer's grey band: no rule fires, no false friend, and the score
        is under the threshold but at least the check-in threshold (``meta`` of the weights
        file; the lower ``check_in_low_mood`` when the turn reads as 우울): not a crisis
        remark by itself, but worth a careful reply on a small-talk turn (see README)."""
        if self.concern(text):
            return None
        hit, probability, scorer = self._judge(text)
        if hit is not None or scorer is None or syllables(text) < SHORT_SYLLABLES:
            return None
        if probability >= scorer.threshold:
            return None
        if probability >= (scorer.check_in_low_mood if low_mood else scorer.check_in):
            return Hit(f"scorer p={probability:.2f} (check-in)", text[:80])
        return None

    @staticmethod
    def concern(text: str) -> bool:
        """Whether ``text`` voices worry about someone else's safety ("친구가 죽고 싶다고
        했는데 뭐라고 해 줘야 할까?", :mod:`.concern`): not a crisis remark of the user's."""
        from .concern import is_concern

        return is_concern(" ".join(text.split()))

    def _judge(self, text: str) -> tuple[Hit | None, float, Scorer | None]:
        """(rule hit, scorer probability, scorer): the scorer only when no rule fired and
        it may judge the text (no false friend, at least three Hangul syllables)."""
        primary, joined = spellings(text)
        chars = set().union(*primary, *joined)  # every form is made of these
        patterns = [r for r in self.patterns if r.may_match(chars)]
        friends = [r for r in self.false_friends if r.may_match(chars)]
        for form in primary:
            hit = self._find_in(form, patterns, friends)
            if hit is not None:
                return hit, 0.0, None
        vetoed = self._has_false_friend(primary, friends)
        if joined and not vetoed:
            for form in joined:
                hit = self._find_in(form, patterns, friends)
                if hit is not None:
                    return hit, 0.0, None
        if vetoed or self.scorer_path is None or len(_SYLLABLE.findall(primary[0])) < 3:
            return None, 0.0, None  # the scorer only judges Korean text of 3+ syllables
        scorer = load_scorer(self.scorer_path)
        if scorer is None:
            return None, 0.0, None
        return None, scorer.probability(primary), scorer

    def has_false_friend(self, text: str) -> bool:
        """Whether any false friend occurs in a primary spelling of ``text`` (a veto)."""
        primary = spellings(text)[0]
        chars = set().union(*primary)
        return self._has_false_friend(
            primary, [r for r in self.false_friends if r.may_match(chars)]
        )

    @staticmethod
    def _has_false_friend(primary: list[str], friends: list[Rule]) -> bool:
        return any(r.regex.search(f) for f in primary for r in friends)

    @staticmethod
    def _find_in(text: str, patterns: list[Rule], friends: list[Rule]) -> Hit | None:
        """The first pattern matching ``text`` where no false friend overlaps the match
        (``patterns`` and ``friends``: the rules that may match the utterance, in order)."""
        allowed: list[tuple[int, int]] | None = None
        for rule in patterns:
            for m in rule.regex.finditer(text):
                if allowed is None:
                    allowed = [f.span() for r in friends for f in r.regex.finditer(text)]
                start, end = m.span()
                if any(a < end and start < b for a, b in allowed):
                    continue
                return Hit(rule.text, m.group(0))
        return None
