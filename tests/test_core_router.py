"""The router and pattern language, with real intents registered through a plugin object."""

from __future__ import annotations

import pytest

from assistant import hookimpl
from assistant.router import PatternError, Router, compile_pattern
from assistant.text import clean, normalize
from assistant.types import Intent


def _noop(request):
    return "ok"


def test_space_in_pattern_means_optional_whitespace():
    regex = compile_pattern("{duration} 타이머").regex
    for text in ("5분 타이머", "5분타이머", "5분   타이머"):
        assert regex.search(text), text


def test_typed_slots_are_parsed_and_named():
    router = Router()
    router.add(Intent("demo.timer", _noop, patterns=["{label:text} 타이머 {duration}"]), "demo")
    match = router.match("라면 타이머 3분")
    assert match is not None
    assert match.slots == {"label": "라면", "duration": 180}
    assert match.raw_slots == {"label": "라면", "duration": "3분"}


def test_unknown_slot_type_is_rejected():
    with pytest.raises(PatternError):
        compile_pattern("{when:season} 알람")  # weekday and date are real types


def test_bad_regex_is_rejected():
    with pytest.raises(PatternError):
        compile_pattern("타이머 (")


def test_confidence_is_coverage_ignoring_polite_endings():
    router = Router()
    router.add(Intent("demo.timer", _noop, patterns=["타이머 {duration}"]), "demo")
    assert router.match("타이머 5분 맞춰 줄래요").confidence < 1.0
    assert router.match("타이머 5분 해줘").confidence == pytest.approx(1.0)
    assert router.match("타이머 5분").confidence == pytest.approx(1.0)


def test_low_coverage_goes_to_small_talk():
    router = Router(min_confidence=0.5)
    router.add(Intent("demo.timer", _noop, patterns=["타이머"]), "demo")
    assert router.match("타이머 소리가 너무 커서 깜짝 놀랐던 기억이 나네") is None


def test_tie_break_priority_then_specificity_then_order():
    router = Router()
    router.add(Intent("a.generic", _noop, patterns=["{x} 타이머"]), "p")
    router.add(Intent("b.specific", _noop, patterns=["라면 타이머"]), "p")
    assert router.match("라면 타이머").intent == "b.specific"  # more literal characters
    router.add(Intent("c.priority", _noop, patterns=["{y} 타이머"], priority=5), "p")
    assert router.match("라면 타이머").intent == "c.priority"
    router2 = Router()
    router2.add(Intent("first", _noop, patterns=["안녕"]), "p")
    router2.add(Intent("second", _noop, patterns=["안녕"]), "p")
    assert router2.match("안녕").intent == "first"


def test_keywords_prefilter_rules():
    router = Router(min_confidence=0.0)
    router.add(Intent("demo.timer", _noop, patterns=["{duration}"], keywords=["타이머"]), "demo")
    assert router.match("5분") is None  # keyword absent: the rule is not even tried
    assert router.match("5분 타이머") is not None
    assert router.candidates("5 분타 이머")  # spaces don't hide a keyword


def test_match_callable_rules():
    router = Router()
    router.add(
        Intent(
            "demo.guard", _noop, match=lambda t: (1.0, {"hit": True}) if "나쁜말" in t else None
        ),
        "g",
    )
    assert router.match("이건 나쁜말이야").slots == {"hit": True}
    assert router.match("좋은 말") is None


def test_slot_errors_keep_the_match():
    router = Router()
    router.add(Intent("demo.alarm", _noop, patterns=["{time}에 알람"]), "demo")
    match = router.match("25시에 알람")
    assert match.intent == "demo.alarm"
    assert "time" in match.slot_errors and "time" not in match.slots


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("이랑아, 5분 타이머", "5분 타이머"),
        ("이랑아 5분 타이머 맞춰줘?", "5분 타이머 맞춰줘"),
        ("  이랑, 날씨   어때?! ", "날씨 어때"),
        ("헤이 이랑 안녕", "안녕"),
        ("이랑아", "이랑아"),  # the name alone is kept, never emptied
        ("이랑이랑 놀자", "이랑이랑 놀자"),  # not followed by a separator: not a vocative
        ("이랑 씨, 주말 잘 보냈어요?", "주말 잘 보냈어요"),  # 씨/님 go with the name
        ("이랑 님 고마워요", "고마워요"),
        ("이랑 씨는 뭐 좋아해요?", "이랑 씨는 뭐 좋아해요"),  # the subject, not a vocative
    ],
)
def test_vocative_and_punctuation(raw, expected):
    assert normalize(raw, "이랑") == expected


def test_control_characters_and_zero_width_are_removed():
    assert clean("5분\x00 타이머\u200b\x1b[31m") == "5분 타이머"  # the escape sequence whole
    assert clean("안\x07녕\u200b하세요") == "안녕하세요"  # a stray control joins the word
    assert clean("줄 하나\u2028줄 둘\x1c끝") == "줄 하나 줄 둘 끝"  # separators are spaces
    assert clean("\t\n  ") == ""


def test_custom_assistant_name(make_assistant):
    assistant = make_assistant({"name": "자비스"})
    route = assistant.route("자비스야, 반가워")
    assert route.normalized == "반가워"


class _DemoPlugin:
    @hookimpl
    def register_intents(self, register):
        register(
            Intent(
                "demo.echo",
                lambda r: f"따라 했어요: {r.slots['what']}",
                patterns=["따라 해 {what}"],
                keywords=["따라"],
            )
        )


def test_route_runs_no_handler_and_respond_does(make_assistant):
    calls = []

    class Counting:
        @hookimpl
        def register_intents(self, register):
            register(
                Intent(
                    "demo.count",
                    lambda r: calls.append(r) or "셌어요",
                    patterns=["세어 줘"],
                    keywords=["세어"],
                )
            )

    assistant = make_assistant(extra_plugins={"counting": Counting()})
    assert assistant.route("세어 줘").intent == "demo.count"
    assert calls == []
    turn = assistant.respond("세어 줘")
    assert turn.reply.text == "셌어요" and len(calls) == 1 and turn.plugin == "counting"


def test_unmatched_goes_to_smalltalk(make_assistant):
    assistant = make_assistant(extra_plugins={"demo": _DemoPlugin()})
    assert assistant.route("오늘 좀 피곤하네").intent == "smalltalk"
    assert assistant.route("따라 해 안녕").slots == {"what": "안녕"}


def test_a_raising_fallback_does_not_silence_the_next_one(make_assistant):
    class Broken:
        @hookimpl
        def fallback_reply(self, request):
            raise RuntimeError("broken fallback")

    class Polite:
        @hookimpl(trylast=True)
        def fallback_reply(self, request):
            return "대신 답해 드릴게요."

    overrides = {"plugins": {"smalltalk": {"enabled": False}, "emotion": {"enabled": False}}}
    assistant = make_assistant(overrides, extra_plugins={"polite": Polite(), "broken": Broken()})
    turn = assistant.respond("그냥 이야기")
    assert turn.reply.text == "대신 답해 드릴게요." and turn.plugin == "polite"
    assert [f.plugin for f in assistant.host.failures] == ["broken"]


def test_every_installed_pattern_compiles(make_assistant):
    """Patterns compile lazily at run time; this compiles all of them now, so a bad one
    fails here, before a user's utterance ever reaches it."""
    router = make_assistant().router
    assert router.compile_all() == []
    assert len(router.intents) >= 10


def test_a_bad_pattern_is_compiled_on_first_use_and_reported_not_raised():
    errors = []
    router = Router(on_error=lambda plugin, exc: errors.append((plugin, str(exc))))
    router.add(Intent("demo.bad", _noop, patterns=["라면 ("], keywords=["라면"]), "demo")
    router.add(Intent("demo.good", _noop, patterns=["김밥"], keywords=["김밥"]), "demo")
    with pytest.raises(PatternError):
        router.add(Intent("demo.type", _noop, patterns=["{when:season}"]), "demo")  # at once
    assert router.match("김밥") is not None and errors == []  # the bad rule is not compiled
    assert router.match("라면 (") is None  # compiled now: reported, the rule stops matching
    assert [plugin for plugin, _ in errors] == ["demo"] and "does not compile" in errors[0][1]
    router.match("라면 (")
    assert len(errors) == 1
    assert [(intent, plugin) for intent, plugin, _ in router.compile_all()] == [
        ("demo.bad", "demo")
    ]


def test_the_engine_records_a_bad_pattern_as_the_plugins_failure(make_assistant):
    class BadPlugin:
        @hookimpl
        def register_intents(self, register):
            register(Intent("bad.one", _noop, patterns=["떡볶이 ("], keywords=["떡볶이"]))

    assistant = make_assistant(extra_plugins={"bad": BadPlugin()})
    assert assistant.route("떡볶이 (").intent != "bad.one"
    assert [(f.plugin, f.hook) for f in assistant.host.failures] == [("bad", "register_intents")]


def test_pattern_gates_read_literal_words_in_order():
    from assistant.router import pattern_gate

    gate = pattern_gate("^타이머(?:을|를)? {duration} (?:더|추가)")
    assert gate.anchored and gate.clauses == [("타이머",), ("분", "시간", "초"), ("더", "추가")]
    assert gate.admits("타이머 5분 더")
    assert not gate.admits("5분 타이머 더")  # not at the start
    assert not gate.admits("타이머 더 5분")  # the unit must come before 더
    assert pattern_gate("{name} (?:라면)?") is None  # nothing required: always tried
    assert pattern_gate("(?i)timer") is None  # flags: always tried
    with pytest.raises(PatternError, match="does not compile"):
        pattern_gate("라면 (")


def test_pattern_gates_never_hide_a_match(make_assistant):
    """Whatever a pattern's regex finds, its gate lets through (every installed pattern,
    every example and many more utterances)."""
    from assistant.router import pattern_gate

    router = make_assistant().router
    texts = {
        normalize(example, "이랑")
        for intent, _ in router.intents.values()
        for example in intent.examples
    }
    texts |= {
        "5분 타이머 맞춰줘", "타이머 취소해줘", "라면 타이머 3분", "타이머에 5분 더해줘",
        "7시에 깨워줘", "내일 아침 6시 반에 깨워줘", "알람 맞춰줘", "10분 뒤에 약 먹으라고 알려줘",
        "십오 분 세어 줘", "타이머 3분", "3분 알람", "남은 시간 얼마야", "부산 날씨 어때",
    }  # fmt: skip
    checked = 0
    for rule in router._rules:
        for pattern in rule.intent.patterns:
            gate = pattern_gate(pattern)
            regex = compile_pattern(pattern).regex
            for text in texts:
                if regex.search(text):
                    checked += 1
                    assert gate is None or gate.admits(text), (pattern, text)
    assert checked > 50


def test_a_command_compiles_few_patterns(make_assistant):
    router = make_assistant().router
    assert router.match("5분 타이머 맞춰줘").intent == "timer.start"
    compiled = sum(len(rule._compiled) for rule in router._rules)
    total = sum(len(rule.intent.patterns) for rule in router._rules)
    assert compiled <= 5 < total
    router.compile_all()
    assert sum(len(rule._compiled) for rule in router._rules) == total
