"""Rule gates (plugins/safety/gates.py): current, sound, and the detector unchanged by them."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from assistant.listfile import read_list
from assistant_plugins.safety import gates
from assistant_plugins.safety.detect import (
    FALSE_FRIENDS_PATH,
    PATTERNS_PATH,
    Detector,
    Rule,
    compile_rule,
    spellings,
)
from assistant_plugins.safety.scorer import cue_features, read_cues

SETS = Path(__file__).resolve().parent.parent / "plugins" / "safety"
CUES = read_cues()
RULES = read_list(PATTERNS_PATH) + read_list(FALSE_FRIENDS_PATH) + [rule for _n, rule in CUES]


def texts(name: str) -> list[str]:
    lines = (SETS / f"crisis_{name}.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[-1] for line in lines[2:] if line and not line.startswith("#")]


def test_gate_file_is_current():
    shipped = json.loads(gates.GATES_PATH.read_text(encoding="utf-8"))
    assert shipped == gates.build(), f"rule_gates.json is stale: run {gates.REBUILD}"
    assert gates.load() is not None


def test_every_rule_compiles():
    for rule in RULES:
        compile_rule(rule)  # raises ValueError naming the rule


def test_gate_analysis():
    def sets(*chars: str) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(c) for c in chars)

    assert gates.gate_of("{죽} {고} {싶}") == sets("시싑십싶", "죽쥭죾줙", "거고공구궁꼬")
    assert gates.gate_of("(?:가|나)다") == sets("다", "가나")  # one set per mandatory atom
    assert gates.gate_of("(?:가나|다라)마?") == sets("가다")  # alternatives: a union
    assert gates.gate_of("(?:가)?나") == sets("나")
    assert gates.gate_of("죽{2,}") == sets("죽")
    assert gates.gate_of("죽*다") == sets("다")
    assert gates.gate_of("[가나]다?가") == sets("가")  # a set implied by another: dropped
    for ungated in ["(?:가)?", "[^가]", r"\S+", r"(?:가|\S)", "[가-힣]", "wi-?fi", "{^}"]:
        assert gates.gate_of(ungated) is None, ungated


@pytest.mark.parametrize("name", ["dev", "test", "test_h", "train_b"])
def test_gates_hold_and_change_no_decision(name):
    gated = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH), gates=gates.load())
    eager = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH))
    by_text = dict(gates.load() or {})
    cues = [(cue, Rule(rule)) for cue, rule in CUES]  # no gate: compiled, always tried
    for text in texts(name):
        assert gated.find(text) == eager.find(text), text
        assert gated.has_false_friend(text) == eager.has_false_friend(text), text
        primary, joined = spellings(text)
        for form in primary + joined:
            singles = {f for f in cue_features(form) if "+" not in f}
            assert singles == {f"c{cue}" for cue, rule in cues if rule.regex.search(form)}
            for rule in eager.patterns + eager.false_friends + [rule for _n, rule in cues]:
                gate = by_text[rule.text]
                if gate is not None and rule.regex.search(form):
                    assert all(not chars.isdisjoint(form) for chars in gate), (rule.text, form)


def test_a_command_compiles_few_rules():
    detector = Detector.from_files()
    assert detector.find("이랑아, 5분 타이머 맞춰줘") is None
    rules = detector.patterns + detector.false_friends
    assert sum(r._regex is not None for r in rules) < len(rules) // 4
    assert detector.find("죽고 싶다") is not None


def test_stale_or_missing_gates_compile_every_rule(tmp_path, caplog):
    stale = tmp_path / "rule_gates.json"
    stale.write_text(json.dumps({"sources_sha256": "0" * 64, "gates": {}}), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert gates.load(stale) is None
        assert gates.load(tmp_path / "missing.json") is None
    assert "stale" in caplog.text and gates.REBUILD in caplog.text
    detector = Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH), gates=None)
    assert all(r._regex is not None for r in detector.patterns + detector.false_friends)


def test_a_rule_without_gate_fails_at_start():
    with pytest.raises(ValueError, match="does not compile"):
        Detector(["(unclosed"], [], gates={"죽": (frozenset("죽"),)})
