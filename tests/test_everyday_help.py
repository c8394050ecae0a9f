"""Help: the spoken help intent, examples of this area's intents, third-party plugins in help."""

from __future__ import annotations

import json

import pytest

from assistant import hookimpl
from assistant.types import Intent

OWN_PLUGINS = ("clock", "lotto", "help", "profanity")


@pytest.mark.parametrize(
    "text",
    ["뭐 할 수 있어?", "도움말", "할 수 있는 거 알려줘", "너 뭐 할 줄 알아?", "이랑아 뭐 할 수 있어?",
     "무슨 기능 있어?", "사용법 알려줘", "help"],
)  # fmt: skip
def test_help_requests_route_to_help(make_assistant, text):
    assert make_assistant().route(text).intent == "help.show"


@pytest.mark.parametrize(
    "text", ["내가 할 수 있는 게 없어", "주말에 뭐 할 수 있을까", "도움이 필요해"]
)
def test_similar_chat_is_not_help(make_assistant, text):
    assert make_assistant().route(text).intent != "help.show"


def test_every_intent_of_this_area_is_documented_and_its_examples_route(make_assistant):
    assistant = make_assistant()
    own = {n: i for n, (i, p) in assistant.router.intents.items() if p in OWN_PLUGINS}
    assert {"clock.time", "clock.date", "lotto.draw", "help.show", "guard.profanity"} <= set(own)
    for name, intent in own.items():
        assert intent.description and any("가" <= ch <= "힣" for ch in intent.description)
        assert intent.examples or name == "guard.profanity", name  # the guard isn't advertised
        assert intent.keywords or intent.match is not None, name
        for example in intent.examples:
            assert assistant.route(example).intent == name, (example, name)


def test_help_reply_lists_plugins_with_examples(make_assistant):
    assistant = make_assistant()
    reply = assistant.respond("뭐 할 수 있어?").reply
    for plugin in assistant.host.plugin_names():
        intents = [i for i, p in assistant.router.intents.values() if p == plugin and i.examples]
        if not intents:
            continue
        assert f"[{plugin}]" in reply.text
        for intent in intents:
            assert intent.description in reply.text
            assert f'"{intent.examples[0]}"' in reply.text
    assert reply.title == "도움말"
    assert reply.data["help"]["clock"][0]["intent"] == "clock.time"


def test_disabled_plugins_are_not_listed(make_assistant):
    reply = make_assistant({"plugins": {"lotto": {"enabled": False}}}).respond("도움말").reply
    assert "[lotto]" not in reply.text
    assert "[clock]" in reply.text


class GreeterPlugin:
    """A third-party plugin known only at run time."""

    @hookimpl
    def register_intents(self, register):
        register(
            Intent(
                name="greeter.hello",
                handler=lambda request: "반가워요!",
                patterns=["반갑게 인사해"],
                keywords=["인사"],
                examples=["반갑게 인사해 줘"],
                description="반갑게 인사해 드려요",
            )
        )


def test_a_new_plugin_appears_in_help_by_itself(make_assistant):
    assistant = make_assistant(extra_plugins={"greeter": GreeterPlugin()})
    assert assistant.route("반갑게 인사해 줘").intent == "greeter.hello"
    reply = assistant.respond("도움말").reply
    assert '[greeter]\n- 반갑게 인사해 드려요: "반갑게 인사해 줘"' in reply.text


def test_cli_help_renders_this_area(run_cli):
    result = run_cli("help")
    assert result.returncode == 0, result.stderr
    for text in (
        "지금 시각을 알려 드려요",
        "로또 번호를 뽑아 드려요",
        "지금 몇 시야?",
        "로또 번호 뽑아줘",
    ):
        assert text in result.stdout


def test_cli_ask_help(run_cli):
    result = run_cli("ask", "--json", "뭐 할 수 있어?")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["intent"] == "help.show"
    assert "[clock]" in data["reply"] and "[lotto]" in data["reply"]


def test_help_mentions_keyboard_recovery_only_when_enabled(make_assistant):
    from assistant_plugins.help import KEYBOARD_TIP

    assert KEYBOARD_TIP in make_assistant().respond("도움말").reply.text
    off = make_assistant({"plugins": {"keyboard": {"enabled": False}}})
    assert KEYBOARD_TIP not in off.respond("도움말").reply.text
