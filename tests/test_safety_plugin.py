"""The safety plugin in the assistant: crisis replies, precedence, final replies, gentle turns."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant import hookimpl
from assistant.types import Emotion, Intent, Reply
from conftest import ROOT, cli_env

#: The remarks of issue 12, answered by the chat model before the plugin existed.
ISSUE_TABLE = [
    "수면제 모아둔 거 오늘 다 먹을까 봐",
    "다리 위에 서 있는데 뛰어내리면 끝나겠지",
    "그냥 영원히 잠들고 싶다",
    "내가 죽으면 다들 편해질 거야",
]
NUMBERS = ["109", "1577-0199", "1388", "119", "112"]
CHEERFUL = "하하, 재미있는 농담 하나 해 드릴까요?"


class Chat:
    """A test plugin standing in for small talk and emotion: a cheerful chat reply, a fixed
    emotion for every utterance, and a third-party adjuster that appends a joke."""

    def __init__(self, label: str = "기쁨") -> None:
        self.label = label
        self.chat_calls = 0

    @hookimpl
    def detect_emotion(self, text, app):
        return Emotion(self.label, 0.99)

    @hookimpl
    def fallback_reply(self, request):
        self.chat_calls += 1
        return CHEERFUL

    @hookimpl
    def adjust_reply(self, reply, request):
        return Reply(reply.text + " ㅋㅋ 농담이에요!", style="bold yellow", data=reply.data)


#: Emotion everywhere, tone for every intent and any score: the adjusters would touch anything.
TONE_EVERYWHERE = {
    "emotion_scope": "all",
    "plugins": {"emotion": {"tone_intents": ["smalltalk", "safety.crisis"], "tone_min_score": 0.0}},
}


def _openers(assistant) -> list[str]:
    emotions = assistant.app.config.plugin("emotion")["emotions"]
    return [o for e in emotions.values() for o in e.get("openers") or []]


def _crisis_texts(assistant) -> tuple[str, list[str], list[str]]:
    from assistant_plugins.safety import state

    safety = state(assistant.app)
    return (
        safety.fill(safety.first[0]),
        [safety.fill(t) for t in safety.again],
        [safety.fill(t) for t in safety.gentle],
    )


@pytest.mark.parametrize("text", ISSUE_TABLE)
def test_issue_table_gets_the_help_lines(make_assistant, text):
    turn = make_assistant().respond(text)
    assert turn.route.intent == "safety.crisis"
    assert turn.plugin == "safety"
    assert turn.reply.final
    for number in NUMBERS:
        assert number in turn.reply.text
    assert "걱정" in turn.reply.text and "고마워요" in turn.reply.text  # worried, glad it was said
    assert turn.reply.data["display"] == {"variant": "care", "title": "도움을 받을 수 있는 곳"}
    lines = turn.reply.data["safety"]["lines"]
    assert lines[0] == {
        "name": "자살예방상담전화",
        "number": "109",
        "note": "24시간",
        "tel": ["109"],
    }
    assert lines[-1]["tel"] == ["119", "112"]


def test_ask_in_a_real_process_plain_and_json(run_cli):
    plain = run_cli("ask", ISSUE_TABLE[0])
    assert plain.returncode == 0, plain.stderr
    assert "자살예방상담전화 109 (24시간)" in plain.stdout
    # one process, one conversation: the four remarks of the table, one JSON object per line
    result = run_cli("ask", "-", "--json", input="\n".join(ISSUE_TABLE) + "\n")
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert [a["intent"] for a in answers] == ["safety.crisis"] * 4
    assert all(a["plugin"] == "safety" and a["emotion"] is None for a in answers)
    for answer in answers:
        assert all(number in answer["reply"] for number in NUMBERS)
        assert answer["data"]["display"]["variant"] == "care"
    replies = [a["reply"] for a in answers]
    assert replies[0] != replies[1] != replies[2]  # repeats are worded differently
    assert [a["data"]["safety"]["repeat"] for a in answers] == [0, 1, 2, 3]


def test_route_finds_it_without_loading_a_model(home):
    code = (
        "import sys, json\n"
        "from assistant.config import load_config\n"
        "from assistant.plugins import PluginHost\n"
        "from assistant.app import App\n"
        "from assistant.engine import Assistant\n"
        "config = load_config(None); host = PluginHost(config); host.load()\n"
        "from pathlib import Path\n"
        "a = Assistant(App(config, Path(sys.argv[1])), host)\n"
        "print(json.dumps([a.route('죽고 싶어').intent,\n"
        "    [m for m in ('torch', 'transformers', 'kiwipiepy') if m in sys.modules]]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(home)],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["safety.crisis", []]


def test_second_remark_gets_the_lines_again_worded_differently(make_assistant):
    assistant = make_assistant(extra_plugins={"chat": Chat()})
    first, again, _ = _crisis_texts(assistant)
    texts = [
        assistant.respond(t).reply.text for t in ("죽고 싶어", "그냥 사라지고 싶다", "자살할래")
    ]
    assert texts == [first, again[0], again[1]]
    assert len(set(texts)) == 3
    for text in texts:
        assert all(number in text for number in NUMBERS)


def test_crisis_beats_profanity_small_talk_and_commands(make_assistant):
    assistant = make_assistant()
    assert assistant.route("씨발").intent == "guard.profanity"  # the guard is on
    for text in ("씨발 죽고 싶다", "ㅅㅂ 그냥 사라지고 싶어", "존나 살기 싫어"):
        turn = assistant.respond(text)
        assert turn.route.intent == "safety.crisis", text
        assert "109" in turn.reply.text
    assert assistant.route("5분 타이머 맞춰줘 그리고 죽고 싶어").intent == "safety.crisis"
    assert assistant.route("5분 타이머 맞춰줘").intent == "timer.start"


class Greedy:
    """A third-party intent that claims every utterance with full confidence."""

    @hookimpl
    def register_intents(self, register):
        register(
            Intent(
                name="greedy.all",
                handler=lambda request: "다 제 거예요",
                patterns=[".+"],
                priority=1000,
            )
        )


def test_crisis_beats_a_greedy_third_party_intent(make_assistant):
    assistant = make_assistant(extra_plugins={"greedy": Greedy()})
    assert assistant.route("안녕").intent == "greedy.all"
    assert assistant.route("죽고 싶어").intent == "safety.crisis"


def test_a_pending_followup_question_does_not_swallow_a_crisis_remark(make_assistant):
    assistant = make_assistant()
    asked = assistant.respond("타이머 맞춰줘")
    assert asked.reply.followup is not None  # "몇 분으로 맞출까요?"
    assert assistant.respond("죽고 싶어").route.intent == "safety.crisis"


def test_tone_and_third_party_adjusters_cannot_change_a_crisis_reply(make_assistant):
    chat = Chat("우울")
    assistant = make_assistant(TONE_EVERYWHERE, extra_plugins={"chat": chat})
    chatty = assistant.respond("오늘 날씨 좋네").reply  # the adjusters are really on
    assert chatty.text.endswith("ㅋㅋ 농담이에요!")
    assert any(chatty.text.startswith(o) for o in _openers(assistant))
    assistant.reset()
    first, _, _ = _crisis_texts(assistant)
    turn = assistant.respond("그냥 영원히 잠들고 싶다")
    assert turn.emotion is not None and turn.emotion.label == "우울"  # seen by the tone plugin
    assert turn.reply.text == first  # ... which still changed nothing
    assert turn.reply.style is None and "tone" not in turn.reply.data


def test_final_is_honoured_by_the_engine_for_any_reply(make_assistant):
    class Finaliser:
        @hookimpl
        def fallback_reply(self, request):
            return Reply("그대로 보여 주세요.", final=True)

    assistant = make_assistant(TONE_EVERYWHERE, extra_plugins={"chat": Chat(), "f": Finaliser()})
    assert assistant.respond("안녕하세요").reply.text == "그대로 보여 주세요."


def test_gentle_turns_after_a_crisis_remark_then_back_to_normal(make_assistant):
    chat = Chat("기쁨")
    assistant = make_assistant(TONE_EVERYWHERE, extra_plugins={"chat": chat})
    _, _, gentle = _crisis_texts(assistant)
    assistant.respond("내가 죽으면 다들 편해질 거야")
    calls = chat.chat_calls
    replies = [assistant.respond(t).reply for t in ("고마워", "그냥 좀 피곤해", "재밌는 얘기 해줘")]
    for reply in replies:
        assert reply.text in gentle and reply.final
        assert "ㅋㅋ" not in reply.text and "하하" not in reply.text
        assert not any(o in reply.text for o in _openers(assistant))  # no cheerful opener
    assert len({r.text for r in replies}) == 3  # never the same supportive line twice
    assert chat.chat_calls == calls  # the chat model was not even asked
    assert assistant.respond("5분 타이머 맞춰줘").route.intent == "timer.start"  # commands work
    back = assistant.respond("재밌는 얘기 해줘").reply  # gentle_turns (3) are over
    assert CHEERFUL in back.text


def test_reset_ends_the_gentle_turns(make_assistant):
    assistant = make_assistant(TONE_EVERYWHERE, extra_plugins={"chat": Chat()})
    _, _, gentle = _crisis_texts(assistant)
    assistant.respond("죽고 싶어")
    assert assistant.respond("응").reply.text in gentle
    assistant.reset()
    assert CHEERFUL in assistant.respond("응").reply.text
    first, _, _ = _crisis_texts(assistant)
    assert assistant.respond("죽고 싶어").reply.text == first  # a new conversation


def test_gentle_turns_can_be_switched_off(make_assistant):
    assistant = make_assistant(
        {"plugins": {"safety": {"gentle_turns": 0}}}, extra_plugins={"chat": Chat()}
    )
    assistant.respond("죽고 싶어")
    assert CHEERFUL in assistant.respond("응").reply.text


def test_help_lines_and_wording_come_from_the_config(make_assistant):
    assistant = make_assistant(
        {
            "plugins": {
                "safety": {
                    "lines": [{"name": "Samaritans", "number": "116 123", "note": "24/7"}],
                    "title": "Help",
                    "replies": {"first": ["I am worried about you.\n{lines}"]},
                }
            }
        }
    )
    reply = assistant.respond("죽고 싶어").reply
    assert reply.text == "I am worried about you.\n· Samaritans 116 123 (24/7)"
    assert "109" not in reply.text
    assert reply.data["safety"]["lines"] == [
        {"name": "Samaritans", "number": "116 123", "note": "24/7", "tel": ["116", "123"]}
    ]
    assert reply.data["display"]["title"] == "Help"


def test_broken_lines_fall_back_to_the_shipped_ones(make_assistant):
    assistant = make_assistant(
        {"plugins": {"safety": {"lines": [{"name": "이름만"}, "문자열", {}]}}}
    )
    assert "자살예방상담전화 109" in assistant.respond("죽고 싶어").reply.text


def test_extra_patterns_and_false_friends_from_config(make_assistant):
    assistant = make_assistant(
        {
            "plugins": {
                "safety": {"extra_patterns": ["소멸각"], "false_friends": ["죽고 싶을 만큼 웃겼"]}
            }
        }
    )
    assert assistant.route("나 오늘 소멸각").intent == "safety.crisis"
    assert assistant.route("죽고 싶을 만큼 웃겼어").intent != "safety.crisis"


def test_a_broken_user_rule_keeps_the_shipped_rules(make_assistant):
    assistant = make_assistant({"plugins": {"safety": {"extra_patterns": ["(unclosed"]}}})
    assert assistant.route("죽고 싶어").intent == "safety.crisis"


def test_the_terminal_shows_a_styled_panel():
    from rich.console import Console
    from rich.panel import Panel

    from assistant.render import reply_renderable

    reply = Reply(
        "걱정돼요.\n· 자살예방상담전화 109 (24시간)",
        final=True,
        data={"display": {"variant": "care", "title": "도움을 받을 수 있는 곳"}},
    )
    panel = reply_renderable(reply, "이랑")
    assert isinstance(panel, Panel) and panel.border_style == "bold magenta"
    console = Console(record=True, width=60, color_system=None)
    console.print(panel)
    shown = console.export_text()
    assert "도움을 받을 수 있는 곳" in shown and "자살예방상담전화 109" in shown
    assert shown.lstrip().startswith("╭")


def test_the_interactive_assistant_shows_the_panel_and_reset_works(home, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    from conftest import spawn_assistant

    config = tmp_path / "config.yaml"
    config.write_text(  # no chat or emotion model: this test is about the panel
        "plugins:\n  smalltalk:\n    enabled: false\n  emotion:\n    enabled: false\n",
        encoding="utf-8",
    )
    child = spawn_assistant(home, config)
    try:
        child.expect("나>")
        child.sendline("그냥 영원히 잠들고 싶다")
        child.expect("도움을 받을 수 있는 곳")  # the panel's title
        child.expect("\x1b\\[1;35m│")  # a bold magenta border (the care variant)
        child.expect("자살예방상담전화 109")
        child.expect("╰")  # the panel is closed
        child.expect("나>")
        child.sendline("응")
        child.expect("(천천히|고마워요|버거우셨죠|쉬어 가셔도|큰 용기)")  # a gentle turn
        child.expect("나>")
        child.sendline("/reset")
        child.expect("대화 맥락을 지웠어요")
        child.sendline("/quit")
        child.expect(pexpect.EOF)
    finally:
        child.close()


def _grey_detector_weights(tmp_path, monkeypatch):
    """Shipped rules with weights that put "내일 아침 일찍 나 이제 떠날게" (p 0.5) in the check-in band."""
    from assistant_plugins.safety import detect
    from assistant_plugins.safety.scorer import Scorer

    weights = tmp_path / "grey.json"
    scorer = Scorer({"s떠날게": 1.0}, -1.0, 0.9, ("s",), 0.4, 0.2)
    weights.write_text(scorer.to_json({}), encoding="utf-8")
    monkeypatch.setattr(detect, "WEIGHTS_PATH", weights)


def test_a_grey_band_remark_gets_a_check_in_not_the_chat_model(
    make_assistant, tmp_path, monkeypatch
):
    _grey_detector_weights(tmp_path, monkeypatch)
    chat = Chat("슬픔")
    assistant = make_assistant(TONE_EVERYWHERE, extra_plugins={"chat": chat})
    result = assistant.respond("내일 아침 일찍 나 이제 떠날게")
    assert result.route.intent == "smalltalk"  # not a crisis remark: the router is unchanged
    reply = result.reply
    assert reply.final and "109" in reply.text and "ㅋㅋ" not in reply.text
    assert reply.data["safety"] == {"kind": "check_in"} and chat.chat_calls == 0
    assert CHEERFUL in assistant.respond("재밌는 얘기 해줘").reply.text  # no gentle window


@pytest.mark.parametrize(
    ("label", "checked"),
    [("일상", False), ("기쁨", False), ("슬픔", True), ("불안", True), ("분노", True)],
)
def test_a_calm_reading_rules_the_check_in_out(
    make_assistant, tmp_path, monkeypatch, label, checked
):
    """ "편의점에서 신상 과자 사 왔어" must not be asked whether things are hard."""
    _grey_detector_weights(tmp_path, monkeypatch)
    assistant = make_assistant(extra_plugins={"chat": Chat(label)})
    reply = assistant.respond("내일 아침 일찍 나 이제 떠날게").reply
    assert (reply.data.get("safety", {}).get("kind") == "check_in") is checked


def test_the_check_in_can_be_switched_off(make_assistant, tmp_path, monkeypatch):
    _grey_detector_weights(tmp_path, monkeypatch)
    assistant = make_assistant(
        {"plugins": {"safety": {"check_in": False}}}, extra_plugins={"chat": Chat()}
    )
    assert CHEERFUL in assistant.respond("내일 아침 일찍 나 이제 떠날게").reply.text


@pytest.mark.parametrize(("label", "checked"), [("우울", True), ("기쁨", False)])
def test_a_low_mood_turn_widens_the_check_in_band(
    make_assistant, tmp_path, monkeypatch, label, checked
):
    from assistant_plugins.safety import detect
    from assistant_plugins.safety.scorer import Scorer

    weights = (
        tmp_path / "low.json"
    )  # "내일 아침 일찍 나 이제 떠날게" scores 0.27: in the band only when 우울
    weights.write_text(
        Scorer({"s떠날게": 0.0}, -1.0, 0.9, ("s",), 0.4, 0.2).to_json({}), encoding="utf-8"
    )
    monkeypatch.setattr(detect, "WEIGHTS_PATH", weights)
    assistant = make_assistant(extra_plugins={"chat": Chat(label)})
    reply = assistant.respond("내일 아침 일찍 나 이제 떠날게").reply
    assert (reply.data.get("safety", {}).get("kind") == "check_in") is checked


def test_a_command_that_covers_the_whole_utterance_beats_the_scorer_not_a_rule(make_assistant):
    """A crisis rule always wins; a scorer-only detection (confidence 0.99) yields to a
    command pattern that covers the whole utterance (the scorer once read the timer
    question "몇 분 남았어?" as a crisis), never to a partial one."""
    from assistant.types import Intent

    class Leave:
        @hookimpl
        def register_intents(self, register):
            register(
                Intent(
                    "demo.whole",
                    lambda r: "명령",
                    patterns=["다들 잘 지내 나는 이제 갈게", "죽고 싶어"],
                    keywords=["다들", "죽고"],
                )
            )
            register(
                Intent("demo.part", lambda r: "명령", patterns=["끝낼 거야"], keywords=["끝낼"])
            )

    assistant = make_assistant(extra_plugins={"leave": Leave()})
    assert assistant.route("다들 잘 지내 나는 이제 갈게").intent == "demo.whole"  # scorer only
    assert assistant.route("끝낼 거야").intent == "demo.part"  # nothing fires on it alone
    assert assistant.route("오늘 밤 끝낼 거야").intent == "safety.crisis"  # scorer, partial
    assert assistant.route("죽고 싶어").intent == "safety.crisis"  # a rule


#: Worry about someone else's safety (train_g, train_k, train_n wrote such rows as safe).
CONCERN = [
    "친구가 죽고 싶다고 했는데 뭐라고 해 줘야 할까?",
    "동생이 자해하는 것 같아요. 부모로서 어떻게 도와줘야 하나요",
    "사촌 동생이 SNS에 마지막 인사 같은 걸 올렸어. 연락이 안 돼. 경찰에 신고해도 되는 거야?",
    # the other person named by their body (test_n had given it the crisis reply)
    "친구 팔에 상처가 있는 걸 봤는데 혹시 자해일까 봐 걱정돼요. 어떻게 말 꺼내야 해요?",
]


@pytest.mark.parametrize("text", CONCERN)
def test_worry_about_someone_else_gets_help_for_the_helper(make_assistant, text):
    assistant = make_assistant(TONE_EVERYWHERE, extra_plugins={"chat": Chat("기쁨")})
    turn = assistant.respond(text)
    assert turn.route.intent == "safety.concern"
    assert turn.reply.final and turn.reply.data["safety"]["kind"] == "concern"
    assert "힘드신 것 같아" not in turn.reply.text  # not the reply to one's own crisis
    assert all(number in turn.reply.text for number in NUMBERS)
    assert not turn.reply.text.endswith("농담이에요!")  # no adjuster touched it


@pytest.mark.parametrize(
    "text",
    [
        "친구가 죽고 싶대. 아니 사실 내 얘기야. 나도 죽고 싶어",  # the speaker's own wish
        "걔가 결혼한대 난 죽고 싶은데",
        "엄마가 나 낳은 거 후회한대 그럼 내가 없어져줄게",
        "친구가 떠나서 죽고 싶다는 생각이 들어. 어떻게 해야 할지 모르겠어",
    ],
)
def test_ones_own_crisis_next_to_someone_else_stays_a_crisis(make_assistant, text):
    assert make_assistant().route(text).intent == "safety.crisis"


def test_no_crisis_remark_of_the_labelled_sets_is_taken_for_worry_about_someone_else():
    from assistant_plugins.safety.detect import Detector
    from assistant_plugins.safety.train import AUTHORS, HELD_OUT, read_set

    names = sorted(set(AUTHORS) - HELD_OUT)
    taken = [
        text
        for name in names
        for label, _, text in read_set(name)
        if label == "crisis" and Detector.concern(text)
    ]
    assert taken == []


def test_a_second_worry_is_worded_differently(make_assistant):
    assistant = make_assistant()
    first = assistant.respond(CONCERN[0]).reply.text
    second = assistant.respond(CONCERN[1]).reply.text
    assert first != second and "109" in second
