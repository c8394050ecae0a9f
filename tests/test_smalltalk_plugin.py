"""The small-talk fallback with tiny local models: loading, context, decoding, failures."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant import hookimpl
from assistant.types import Emotion, Intent, Request
from assistant_plugins.smalltalk.cleaning import NEUTRAL_REPLIES
from conftest import ROOT, cli_env
from smalltalk_helpers import PAIRS, build_tiny_model, write_config

CHAT = "그냥 이런저런 이야기 하고 싶어"
SPECIALS = ("<usr>", "<sys>", "</s>", "<unk>", "<pad>", "<unused")


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def mute_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("mute") / "model", always_end=True)


def _settings(model: Path, **extra: object) -> dict:
    # the emotion plugin (if installed) rewrites replies and tunes decoding: keep it out here
    return {"plugins": {"smalltalk": {"model": str(model), **extra}, "emotion": {"enabled": False}}}


def _assert_clean(reply: str, user_text: str) -> None:
    assert reply.strip()
    assert not any(token in reply for token in SPECIALS)
    assert reply != user_text


class _Echo:
    """A command plugin, to show commands keep working when the chat model is broken."""

    @hookimpl
    def register_intents(self, register) -> None:
        register(
            Intent(
                name="test.echo",
                handler=lambda request: "명령이 잘 실행됐어요.",
                patterns=["테스트 명령"],
                keywords=["테스트"],
            )
        )


def test_reply_from_a_configured_local_model(make_assistant, tiny_dir: Path) -> None:
    assistant = make_assistant(_settings(tiny_dir))
    turn = assistant.respond(CHAT)
    assert turn.route.intent == "smalltalk" and turn.plugin == "smalltalk"
    _assert_clean(turn.reply.text, CHAT)


def test_greedy_and_seeded_sampling_are_reproducible(make_assistant, tiny_dir: Path) -> None:
    # seeded: a degenerate first try is retried with (seeded) sampling
    greedy = make_assistant(_settings(tiny_dir, generation={"strategy": "greedy", "seed": 1}))
    first = greedy.respond(CHAT).reply
    assert first.text == greedy.respond(CHAT).reply.text
    assert first.data["smalltalk"]["strategy"] == "greedy"
    seeded = make_assistant(_settings(tiny_dir, generation={"strategy": "sampling", "seed": 3}))
    assert seeded.respond(CHAT).reply.text == seeded.respond(CHAT).reply.text
    beam = make_assistant(_settings(tiny_dir, generation={"strategy": "beam", "num_beams": 3}))
    _assert_clean(beam.respond(CHAT).reply.text, CHAT)


def test_emotion_overrides_reach_generation(make_assistant, tiny_dir: Path) -> None:
    from assistant_plugins.smalltalk import fallback_reply

    assistant = make_assistant(_settings(tiny_dir, generation={"strategy": "sampling", "seed": 0}))

    def ask(emotion: Emotion | None) -> dict:
        request = Request(CHAT, CHAT, "smalltalk", {}, assistant.app, emotion=emotion)
        return fallback_reply(request).data["smalltalk"]

    plain = ask(None)
    assert plain["strategy"] == "sampling" and plain["new_tokens"] > 2
    tuned = ask(Emotion("슬픔", 0.9, generation={"strategy": "greedy", "max_new_tokens": 2}))
    assert tuned["strategy"] == "greedy" and tuned["new_tokens"] <= 2


def test_fast_decoder_matches_model_generate(tiny_dir: Path) -> None:
    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings

    fast = ChatModel.load(str(tiny_dir), True, fast=True)
    slow = ChatModel.load(str(tiny_dir), True, fast=False)
    assert fast.fast is not None and slow.fast is None
    settings = GenerationSettings.from_mapping(
        {
            "strategy": "greedy",
            "repetition_penalty": 1.3,
            "max_new_tokens": 12,
            "bad_words": ["<unk>", "요"],
        }
    )
    for text in ["안녕하세요", "배고파", "오늘 날씨 좋다"]:
        prompt = fast.prompt_ids(text, [("심심해", "저랑 이야기해요.")], settings)
        assert fast._generate_once(prompt, settings) == slow._generate_once(prompt, settings)


def test_context_is_trimmed_oldest_first_to_the_window(tiny_dir: Path) -> None:
    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings

    chat = ChatModel.load(str(tiny_dir), True)
    settings = GenerationSettings.from_mapping({"max_new_tokens": 20})
    history = list(PAIRS)  # more than fits in the 64-token window of the tiny model
    prompt = chat.prompt_ids("배고파", history, settings)
    assert len(prompt) <= chat.window - settings.max_new_tokens
    assert prompt[-1] == chat.encoder.sys_id
    assert prompt[-len(chat.encoder.text_ids("배고파")) - 1 : -1] == chat.encoder.text_ids("배고파")
    newest = [chat.encoder.usr_id, *chat.encoder.text_ids(history[-1][0])]
    assert any(prompt[i : i + len(newest)] == newest for i in range(len(prompt)))
    oldest = [chat.encoder.usr_id, *chat.encoder.text_ids(history[0][0])]
    assert not any(prompt[i : i + len(oldest)] == oldest for i in range(len(prompt)))


def test_history_reaches_the_prompt_through_the_engine(make_assistant, tiny_dir: Path) -> None:
    generation = {"strategy": "greedy", "seed": 1, "max_new_tokens": 8}
    settings = _settings(tiny_dir, context_turns=2, generation=generation)
    assistant = make_assistant(settings)
    alone = assistant.respond(CHAT).reply
    assert alone.data["smalltalk"]["context_pairs"] == 0
    assistant.respond("배고파")
    assert assistant.respond("심심해").reply.data["smalltalk"]["context_pairs"] == 2
    assert assistant.respond(CHAT).reply.data["smalltalk"]["context_pairs"] == 2  # config limit
    assistant.reset()  # what /reset does
    again = assistant.respond(CHAT).reply
    assert again.data["smalltalk"]["context_pairs"] == 0 and again.text == alone.text
    single_turn = build_tiny_model(tiny_dir.parent / "single", context_turns=0)
    plain = make_assistant(_settings(single_turn))
    plain.respond("배고파")
    assert plain.respond(CHAT).reply.data["smalltalk"]["context_pairs"] == 0


def test_empty_generations_are_retried_then_neutral(make_assistant, mute_dir: Path) -> None:
    assistant = make_assistant(_settings(mute_dir))
    turn = assistant.respond(CHAT)
    assert turn.reply.text in NEUTRAL_REPLIES


def test_background_load_in_the_interactive_assistant(make_assistant, tiny_dir: Path) -> None:
    assistant = make_assistant(_settings(tiny_dir), interactive=True)
    assistant.startup()
    holder = assistant.app.state["smalltalk"]
    assert holder._thread is not None
    holder._thread.join(timeout=120)
    assert holder.model is not None and holder.error is None
    _assert_clean(assistant.respond(CHAT).reply.text, CHAT)


def test_one_shot_assistant_does_not_preload(make_assistant, tiny_dir: Path) -> None:
    assistant = make_assistant(_settings(tiny_dir), interactive=False)
    assistant.startup()
    assert "smalltalk" not in assistant.app.state


def _corrupt_model(directory: Path) -> Path:
    directory.mkdir(parents=True)
    (directory / "config.json").write_text("{이건 JSON이 아니에요", encoding="utf-8")
    (directory / "model.safetensors").write_bytes(b"\x00\x01garbage")
    return directory


def test_corrupt_or_missing_model_gives_a_clear_message(make_assistant, tmp_path: Path) -> None:
    broken = _corrupt_model(tmp_path / "broken")
    assistant = make_assistant(_settings(broken), extra_plugins={"echo": _Echo()})
    turn = assistant.respond(CHAT)
    assert "대화 모델을 불러오지 못해서" in turn.reply.text and str(broken) in turn.reply.text
    assert assistant.respond("테스트 명령").reply.text == "명령이 잘 실행됐어요."
    assert "대화 모델을 불러오지 못해서" in assistant.respond("또 이야기해요").reply.text
    missing = make_assistant(_settings(tmp_path / "nowhere"))
    assert "없어요" in missing.respond(CHAT).reply.text


def test_corrupt_model_in_a_real_process(run_cli, tmp_path: Path) -> None:
    broken = _corrupt_model(tmp_path / "broken")
    config = write_config(tmp_path / "config.yaml", {"model": str(broken)})
    result = run_cli("--config", str(config), "ask", "-", input=f"{CHAT}\n이것도 잡담이에요\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2 and all("대화 모델을 불러오지 못해서" in line for line in lines)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    listed = run_cli("--config", str(config), "plugins", "--json")
    assert listed.returncode == 0 and '"smalltalk"' in listed.stdout


def test_no_model_or_torch_import_on_the_command_path(home: Path) -> None:
    """Importing the plugin and `assistant route` load neither torch nor transformers."""
    code = textwrap.dedent(
        """
        import sys
        from assistant.cli import main
        main(["route", "그냥 이야기 하고 싶어"])
        main(["train", "smalltalk", "--help"])
        heavy = [m for m in ("torch", "transformers", "tokenizers") if m in sys.modules]
        print("HEAVY", heavy)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout and "smalltalk" in result.stdout
