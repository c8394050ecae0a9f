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
    # the emotion plugin (if installed) rewrites replies and tunes decoding: keep it out here;
    # these tests are about the generator, so the reply pipeline (memories) is off
    # (tests/test_smalltalk_pipeline.py covers it)
    smalltalk = {"model": str(model), "pipeline": False, **extra}
    return {"plugins": {"smalltalk": smalltalk, "emotion": {"enabled": False}}}


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
    runtime = assistant.app.state["smalltalk"]
    assert runtime._background is not None  # generator, then kiwipiepy + memories, in order
    runtime._background.join(timeout=120)
    assert runtime.generator.state == "ready" and runtime.generator.error is None
    assert runtime.retrieval.state == "ready"  # the persona memory (no memory beside it)
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
    """Importing the plugin and `assistant route` load no model library (nor kiwipiepy/bm25s)."""
    code = textwrap.dedent(
        """
        import sys
        from assistant.cli import main
        main(["route", "그냥 이야기 하고 싶어"])
        main(["train", "smalltalk", "--help"])
        heavy = ("torch", "transformers", "tokenizers", "kiwipiepy", "bm25s", "scipy")
        heavy = [m for m in heavy if m in sys.modules]
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


def test_side_by_side_draws_follow_their_own_context(tiny_dir: Path) -> None:
    """Rows decoded in one batch (finished rows dropped on the way) each continue their own text.

    With top-k 3 and no penalties, every sampled token must be among the 3 likeliest tokens
    of the model's own full forward pass over that row's prompt and earlier tokens: a row
    reading another row's cache would soon pick tokens outside them.
    """
    import torch

    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings

    chat = ChatModel.load(str(tiny_dir), True)
    prompt = chat.prompt_ids(CHAT, (), GenerationSettings())
    draws = chat.fast.generate_many(
        prompt,
        6,
        max_new_tokens=12,
        stop_ids=(chat.encoder.eos_id, chat.encoder.usr_id),
        do_sample=True,
        temperature=1.5,
        top_k=3,
        generator=torch.Generator().manual_seed(5),
    )
    rows = [tokens for tokens, _ in draws]
    assert len(rows) == 6 and len({tuple(r) for r in rows}) > 1
    assert len({len(r) for r in rows}) > 1, "want rows that finish at different steps"
    for row in rows:
        ids = torch.tensor([prompt + row])
        with torch.inference_mode():
            logits = chat.model(input_ids=ids).logits[0]
        for offset, token in enumerate(row):
            top = logits[len(prompt) - 1 + offset].topk(3).indices.tolist()
            assert token in top


def test_sampling_keeps_the_likeliest_of_its_candidates(tiny_dir: Path) -> None:
    import torch

    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings
    from assistant_plugins.smalltalk.cleaning import is_degenerate

    chat = ChatModel.load(str(tiny_dir), True)
    settings = GenerationSettings.from_mapping({"seed": 7, "candidates": 5, "temperature": 1.3})
    prompt = chat.prompt_ids(CHAT, (), settings)
    draws = chat._candidates(prompt, settings)
    assert len(draws) == 5 and len({tuple(d) for d, _ in draws}) > 1
    scores = [score for _, score in draws]
    texts = [chat._decode(d)[0] for d, _ in draws]
    # the lean decoder's scores are the model's own mean log-probability per token (end
    # token included), as a full forward pass of the transformers model computes them
    forward = chat.mean_logprob(prompt, [d for d, _ in draws])
    assert all(abs(a - b) < 1e-4 for a, b in zip(scores, forward, strict=True))
    first = chat._until_stop(draws[0][0])
    with torch.inference_mode():
        logits = chat.model(input_ids=torch.tensor([prompt + first])).logits[0]
    logprobs = logits[len(prompt) - 1 : -1].log_softmax(-1)
    manual = sum(float(logprobs[i, t]) for i, t in enumerate(first)) / len(first)
    assert abs(forward[0] - manual) < 1e-4
    usable = [i for i, t in enumerate(texts) if not is_degenerate(t, CHAT)] or range(len(draws))
    best = max(usable, key=lambda i: scores[i])
    assert chat._generate_once(prompt, settings, CHAT)[0] == texts[best]
    one = GenerationSettings.from_mapping({"seed": 7, "candidates": 1})
    assert len(chat._candidates(prompt, one)) == 1
    greedy = GenerationSettings.from_mapping({"strategy": "greedy", "candidates": 5})
    assert len(chat._candidates(prompt, greedy)) == 1  # nothing to choose between
    slow = ChatModel.load(str(tiny_dir), True, fast=False)  # model.generate path
    slow_draws = slow._candidates(prompt, settings)
    assert len(slow_draws) == 5 and all(score is None for _, score in slow_draws)
    assert slow._generate_once(prompt, settings, CHAT)[0].strip()


def test_candidates_avoid_this_process_s_recent_replies(tiny_dir: Path) -> None:
    import torch

    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings

    chat = ChatModel.load(str(tiny_dir), True)
    settings = GenerationSettings.from_mapping({"candidates": 6, "temperature": 1.5})
    prompt = chat.prompt_ids(CHAT, (), settings)

    def best() -> str:
        torch.manual_seed(11)  # the same six draws each time
        return chat._generate_once(prompt, settings, CHAT)[0]

    first = best()
    torch.manual_seed(11)
    texts = {chat._decode(d)[0] for d, _ in chat._candidates(prompt, settings)}
    assert len(texts) > 1
    chat.recent.append(first)
    second = best()
    assert second != first and second in texts
    chat.recent.append(second)
    assert best() not in {first, second} or len(texts) == 2
    settings.avoid_recent = 0
    assert best() == first  # off: the likeliest again
    seeded = GenerationSettings.from_mapping({"candidates": 6, "temperature": 1.5, "seed": 4})
    again = chat._generate_once(prompt, seeded, CHAT)[0]
    chat.recent.append(again)
    assert chat._generate_once(prompt, seeded, CHAT)[0] == again  # a seed wins: reproducible
    reply = chat.reply(CHAT, (), settings)
    assert chat.recent[-1] == reply.text  # every reply is remembered
