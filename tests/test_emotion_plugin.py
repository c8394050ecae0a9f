"""The emotion plugin in the assistant: detection hook, lazy loading, tone, --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant import hookimpl
from assistant.types import Emotion, Reply, Request
from assistant_plugins.emotion import tone
from assistant_plugins.emotion.runtime import state
from conftest import ROOT, cli_env
from emotion_helpers import LABELS, make_kobert_dir, write_config


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_kobert_dir(tmp_path_factory.mktemp("tiny-emotion"))


class FixedChat:
    """A test plugin: a fixed chat reply and an emotion chosen by keyword."""

    def __init__(self, reply: str = "그랬군요. 이야기해 주셔서 고마워요.") -> None:
        self.reply = reply

    @hookimpl
    def detect_emotion(self, text: str, app):
        for word, label in (("속상", "슬픔"), ("떨려", "불안"), ("합격", "기쁨")):
            if word in text:
                return Emotion(label, 0.97)
        return None

    @hookimpl
    def fallback_reply(self, request):
        return self.reply


def _openers(label: str) -> list[str]:
    from assistant.config import load_config

    return load_config(None).plugin("emotion")["emotions"][label]["openers"]


def _opener_of(text: str, label: str) -> str | None:
    return next((o for o in _openers(label) if text.startswith(o)), None)


def test_sad_chat_gets_an_opener_never_the_same_twice_in_a_row(make_assistant, tiny_model):
    assistant = make_assistant(
        {"plugins": {"emotion": {"model": str(tiny_model)}}}, extra_plugins={"fixed": FixedChat()}
    )
    used = []
    for _ in range(8):
        turn = assistant.respond("오늘 시험 망쳐서 너무 속상해")
        assert turn.emotion is not None and turn.emotion.label == "슬픔"
        opener = _opener_of(turn.reply.text, "슬픔")
        assert opener is not None, turn.reply.text
        assert turn.reply.text.endswith("그랬군요. 이야기해 주셔서 고마워요.")
        assert turn.reply.style == "blue"
        assert turn.reply.data["tone"] == {"emotion": "슬픔", "opener": opener}
        used.append(opener)
    assert all(a != b for a, b in zip(used, used[1:], strict=False))
    assert len(set(used)) > 1


def test_opener_not_stacked_on_a_reply_that_already_expresses_it(make_assistant):
    chat = FixedChat("많이 속상하셨겠어요. 제가 들어 드릴게요.")
    assistant = make_assistant(extra_plugins={"fixed": chat})
    turn = assistant.respond("오늘 너무 속상해")
    assert turn.reply.text == "많이 속상하셨겠어요. 제가 들어 드릴게요."
    assert turn.reply.style == "blue"  # the colour still follows the emotion
    chat.reply = "속상한 일이 있으셨군요."  # a marker word ("속상") counts too
    assert assistant.respond("또 속상해").reply.text == "속상한 일이 있으셨군요."


def test_no_opener_against_a_reply_that_already_reads_the_other_way(make_assistant):
    # the reply's author read the remark as good news; a worried opener would contradict it
    chat = FixedChat("첫 월급이라니 정말 잘됐네요! 어디에 쓰실 거예요?")
    assistant = make_assistant(extra_plugins={"fixed": chat})
    turn = assistant.respond("첫 월급 받는 날이라 떨려")
    assert turn.emotion is not None and turn.emotion.label == "불안"
    assert turn.reply.text == "첫 월급이라니 정말 잘됐네요! 어디에 쓰실 거예요?"
    assert turn.reply.style is None and "tone" not in turn.reply.data
    chat.reply = "많이 걱정되셨겠어요."  # and the other way round
    turn = assistant.respond("합격 발표 기다리는 중")
    assert turn.reply.text == "많이 걱정되셨겠어요."
    chat.reply = "그랬군요."  # a reply that reads no feeling still gets the opener
    assert _opener_of(assistant.respond("합격 발표 기다리는 중").reply.text, "기쁨")


def test_a_remark_without_korean_is_not_read(make_assistant, tiny_model):
    assistant = make_assistant({"plugins": {"emotion": {"model": str(tiny_model)}}})
    assert assistant.respond("ab").emotion is None  # the shipped model had read 우울 0.95
    assert assistant.respond("오늘 좀 속상해").emotion is not None
    assert assistant.respond("ㅠㅠ").emotion is not None  # jamo carry a feeling


def test_other_emotions_and_neutral(make_assistant):
    assistant = make_assistant(extra_plugins={"fixed": FixedChat()})
    happy = assistant.respond("드디어 합격했어")
    assert _opener_of(happy.reply.text, "기쁨") and "😊" in happy.reply.text
    worried = assistant.respond("내일 면접이라 떨려")
    assert _opener_of(worried.reply.text, "불안")
    plain = assistant.respond("그냥 말 걸어봤어")
    assert plain.reply.text == "그랬군요. 이야기해 주셔서 고마워요."
    assert plain.reply.style is None


def test_tone_off_and_low_scores(make_assistant):
    off = make_assistant(
        {"plugins": {"emotion": {"tone": False}}}, extra_plugins={"fixed": FixedChat()}
    )
    turn = off.respond("오늘 너무 속상해")
    assert turn.emotion.label == "슬픔"  # detection still runs
    assert turn.reply.text == "그랬군요. 이야기해 주셔서 고마워요." and turn.reply.style is None
    picky = make_assistant(
        {"plugins": {"emotion": {"tone_min_score": 0.99}}}, extra_plugins={"fixed": FixedChat()}
    )
    assert picky.respond("오늘 너무 속상해").reply.text == "그랬군요. 이야기해 주셔서 고마워요."


def test_only_configured_intents_are_toned(make_assistant):
    assistant = make_assistant()
    app = assistant.app
    sad = Emotion("슬픔", 0.97)
    command = Request("타이머 속상해", "타이머 속상해", "timer.start", {}, app, emotion=sad)
    assert tone.adjust(Reply("5분 타이머를 맞췄어요."), command, state(app)) is None
    state(app).settings = {**state(app).settings, "tone_intents": ["smalltalk", "timer.start"]}
    toned = tone.adjust(Reply("5분 타이머를 맞췄어요."), command, state(app))
    assert toned is not None and toned.text.endswith("5분 타이머를 맞췄어요.")


def test_generation_overrides_come_with_the_emotion(make_assistant, tiny_model):
    assistant = make_assistant(
        {"plugins": {"emotion": {"model": str(tiny_model), "threshold": 0.0}}}
    )
    from assistant_plugins.emotion import detect_emotion

    emotion = detect_emotion("아무 말", assistant.app)
    assert emotion is not None and emotion.label in LABELS and 0 < emotion.score <= 1
    configured = assistant.app.config.plugin("emotion")["emotions"][emotion.label]["generation"]
    assert dict(emotion.generation) == configured


def test_interactive_startup_loads_in_the_background(make_assistant, tiny_model):
    assistant = make_assistant(
        {"plugins": {"emotion": {"model": str(tiny_model)}}}, interactive=True
    )
    current = state(assistant.app)
    assert current.loader.state == "idle" and current.classifier is None
    assistant.startup()
    assert current.loader.state in ("loading", "ready")
    assert current.loader.get(wait=60) is current.classifier is not None
    # one-shot mode loads on demand instead, and only once
    oneshot = make_assistant({"plugins": {"emotion": {"model": str(tiny_model)}}})
    oneshot.startup()
    assert state(oneshot.app).loader.state == "idle" and state(oneshot.app).classifier is None


def test_model_off_loads_nothing_and_detects_nothing(make_assistant):
    assistant = make_assistant({"plugins": {"emotion": {"model": False}}}, interactive=True)
    assistant.startup()
    from assistant_plugins.emotion import detect_emotion

    assert detect_emotion("오늘 너무 속상해", assistant.app) is None
    assert state(assistant.app).loader.state == "idle"


def test_broken_model_logged_once_and_assistant_keeps_going(make_assistant, tmp_path, caplog):
    bad = tmp_path / "bad-model"
    bad.mkdir()
    (bad / "config.json").write_text("{}", encoding="utf-8")
    assistant = make_assistant(
        {"plugins": {"emotion": {"model": str(bad)}}}, extra_plugins={"fixed": NoEmotionChat()}
    )
    with caplog.at_level("ERROR", logger="assistant.emotion"):
        first = assistant.respond("오늘 너무 속상해")
        second = assistant.respond("내일 면접이라 떨려")
    assert first.emotion is None and second.emotion is None
    assert first.reply.text == "네, 듣고 있어요."
    errors = [r for r in caplog.records if r.name == "assistant.emotion" and r.levelname == "ERROR"]
    assert len(errors) == 1 and "safetensors" in errors[0].getMessage()


class NoEmotionChat:
    @hookimpl
    def fallback_reply(self, request):
        return "네, 듣고 있어요."


PING_PLUGIN = """
from assistant import hookimpl
from assistant.types import Intent

@hookimpl
def register_intents(register):
    register(Intent("test.ping", lambda request: "퐁", patterns=["핑 테스트"], keywords=["핑"]))
"""


def _run(args: list[str], home: Path, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=input,
        capture_output=True,
        text=True,
        timeout=180,
        env=cli_env(home),
        cwd=ROOT,
    )


def test_ask_json_has_emotion_for_chat_and_none_for_commands(tmp_path, home, tiny_model):
    (tmp_path / "ping.py").write_text(PING_PLUGIN, encoding="utf-8")
    config = write_config(
        tmp_path / "config.yaml", {"model": str(tiny_model)}, plugin_paths=["ping.py"]
    )
    done = _run(
        ["--config", str(config), "ask", "-", "--json"],
        home,
        input="오늘 시험 망쳐서 너무 속상해\n핑 테스트\n",
    )
    assert done.returncode == 0, done.stderr
    chat, command = (json.loads(line) for line in done.stdout.splitlines())
    assert chat["intent"] == "smalltalk"
    assert chat["emotion"]["label"] in LABELS and 0 < chat["emotion"]["score"] <= 1
    assert command["intent"] == "test.ping" and command["reply"] == "퐁"
    assert command.get("emotion") is None
    assert "Traceback" not in done.stderr and "Loading weights" not in done.stderr


def test_route_loads_no_model(tmp_path, home, tiny_model):
    config = write_config(tmp_path / "config.yaml", {"model": str(tiny_model)})
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        f"try:\n    main(['--config', {str(config)!r}, 'route', '오늘 너무 속상해', '--json'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('transformers', 'sentencepiece', 'assistant_plugins.emotion.classifier') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(home),
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert json.loads(done.stdout.splitlines()[0])["intent"] == "smalltalk"


def test_no_congratulations_on_bad_news_whatever_the_model_says(make_assistant):
    """The 기쁨 opener is ruled out by words of the utterance (``unless``), even at score 1."""
    from assistant.types import Emotion, Reply, Request
    from assistant_plugins.emotion.runtime import state
    from assistant_plugins.emotion.tone import adjust

    assistant = make_assistant()
    app = assistant.app

    def toned(text: str) -> Reply | None:
        request = Request(
            text=text,
            normalized=text,
            intent="smalltalk",
            slots={},
            app=app,
            emotion=Emotion("기쁨", 0.99),
        )
        return adjust(Reply("네."), request, state(app))

    assert toned("할머니가 돌아가셨어요") is None
    assert toned("시험 망쳤어 ㅠㅠ") is None
    assert toned("로또 맞고 싶다") is None  # a wish is not good news yet
    assert toned("로또 당첨되면 뭐 할래?") is None
    assert toned("합격했으면 좋겠다") is None
    happy = toned("드디어 합격했어요")
    assert happy is not None and happy.text != "네." and happy.text.endswith("네.")


def test_a_per_emotion_min_score_only_makes_openers_stricter(make_assistant):
    """``emotions.<label>.min_score`` raises the bar for that emotion alone; a value below
    ``tone_min_score`` does not lower it."""
    assistant = make_assistant(
        {
            "plugins": {
                "emotion": {
                    "tone_min_score": 0.5,
                    "emotions": {"기쁨": {"min_score": 0.95}, "불안": {"min_score": 0.1}},
                }
            }
        }
    )
    app = assistant.app
    settings = state(app).settings
    assert tone.opener_min_score(settings, "기쁨") == 0.95
    assert tone.opener_min_score(settings, "불안") == 0.5
    assert tone.opener_min_score(settings, "슬픔", 0.7) == 0.7

    def toned(label: str, score: float, text: str = "오늘 이런 일이 있었어") -> Reply | None:
        request = Request(text, text, "smalltalk", {}, app, emotion=Emotion(label, score))
        return tone.adjust(Reply("네."), request, state(app))

    assert toned("기쁨", 0.9) is None
    assert toned("기쁨", 0.97) is not None
    assert toned("슬픔", 0.6) is not None
    assert toned("불안", 0.3) is None


def test_the_emotion_hook_sees_the_final_question_mark(make_assistant):
    """The model was trained and is measured on text with its "?" and "!": the core hands
    the normalized utterance (vocative gone) over with them."""
    seen: list[str] = []

    class Recorder:
        @hookimpl
        def detect_emotion(self, text: str, app):
            seen.append(text)
            return None

    assistant = make_assistant(
        {"plugins": {"emotion": {"model": "off"}}},
        extra_plugins={"recorder": Recorder(), "fixed": FixedChat()},
    )
    assistant.respond("이랑아, 어디 살아요?")
    assistant.respond("드디어 끝났다!! ")
    assert seen == ["어디 살아요?", "드디어 끝났다!!"]
