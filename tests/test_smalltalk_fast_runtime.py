"""The CTranslate2 runtime of small talk ([fast] extra) on tiny local models: agreement with
torch, the default when installed, the fall-back when it is not, and the export command."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant import fast_runtime
from conftest import ROOT, cli_env
from smalltalk_helpers import build_tiny_model, write_config

CHAT = "그냥 이런저런 이야기 하고 싶어"
PROMPTS = ["안녕하세요", "배고파", "심심해", "시험 망쳤어", "잘 자", "오늘 날씨 좋다"]

needs_ct2 = pytest.mark.skipif(
    fast_runtime.missing_reason() is not None, reason="the [fast] extra is not installed"
)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def blocked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PYTHONPATH folder whose sitecustomize makes ``import ctranslate2`` fail, as on a
    machine without the extra (``sys.modules[name] = None`` is Python's own import block)."""
    folder = tmp_path_factory.mktemp("no-ct2")
    (folder / "sitecustomize.py").write_text('import sys\nsys.modules["ctranslate2"] = None\n')
    return folder


def _settings(model: Path, **extra: object) -> dict:
    smalltalk = {"model": str(model), "pipeline": False, **extra}
    return {"plugins": {"smalltalk": smalltalk, "emotion": {"enabled": False}}}


def _chat(model: Path):
    from assistant_plugins.smalltalk.chat import ChatModel

    return ChatModel.load(str(model))


def _prompts(chat) -> list[list[int]]:
    from assistant_plugins.smalltalk.chat import GenerationSettings

    settings = GenerationSettings.from_mapping({"strategy": "greedy"})
    return [chat.prompt_ids(text, (), settings) for text in PROMPTS]


def test_settings_are_parsed_with_safe_defaults() -> None:
    assert fast_runtime.parse_runtime(None) == "auto"
    assert fast_runtime.parse_runtime(" Torch ") == "torch"
    assert fast_runtime.parse_runtime("ct2") == "ctranslate2"
    assert fast_runtime.parse_runtime("gpu-please") == "auto"
    small, base = type("C", (), {"n_embd": 256}), type("C", (), {"hidden_size": 768})
    assert fast_runtime.pick_quantization("auto", small) == "float32"
    assert fast_runtime.pick_quantization("auto", base) == "int8"
    assert fast_runtime.pick_quantization("int8", small) == "int8"
    assert fast_runtime.pick_quantization("int3", base) == "int8"


@needs_ct2
def test_ctranslate2_agrees_with_the_torch_decoder(tiny_dir: Path, tmp_path: Path) -> None:
    """float32: the same greedy tokens and likelihoods; int8: the same next-token choice at
    almost every position (teacher-forced), likelihoods within a few hundredths."""
    import torch

    from assistant_plugins.smalltalk.ct2gen import CT2Decoder

    chat = _chat(tiny_dir)
    stops = (chat.encoder.eos_id, chat.encoder.usr_id)
    exact = CT2Decoder(fast_runtime.convert(tiny_dir, tmp_path / "f32", "float32"), chat.window)
    for prompt in _prompts(chat):
        options = {
            "max_new_tokens": 12,
            "stop_ids": stops,
            "bad_words_ids": [[chat.encoder.sys_id]],
        }
        ((want, want_score),) = chat.fast.generate_many(prompt, 1, **options)
        ((got, got_score),) = exact.generate_many(prompt, 1, **options)
        assert got == want
        assert got_score == pytest.approx(want_score, abs=1e-3)

    int8 = CT2Decoder(fast_runtime.convert(tiny_dir, tmp_path / "i8", "int8"), chat.window)
    same = total = 0
    for prompt in _prompts(chat):
        sequence = prompt + chat.fast.generate(prompt, max_new_tokens=12, stop_ids=())
        with torch.inference_mode():
            want = chat.model(torch.tensor([sequence])).logits[0].argmax(-1).numpy()
        got = int8.logits([sequence])[0].argmax(-1)
        span = slice(len(prompt) - 1, len(sequence) - 1)
        same += int((want[span] == got[span]).sum())
        total += len(sequence) - len(prompt)
    assert same / total >= 0.9, f"int8 agreement {same}/{total}"


@needs_ct2
def test_sampling_respects_the_decoding_controls(tiny_dir: Path, tmp_path: Path) -> None:
    import torch

    from assistant_plugins.smalltalk.ct2gen import CT2Decoder

    chat = _chat(tiny_dir)
    decoder = CT2Decoder(fast_runtime.convert(tiny_dir, tmp_path / "f32", "float32"), chat.window)
    stops = {chat.encoder.eos_id, chat.encoder.usr_id}
    prompt = _prompts(chat)[1]

    def draw(seed: int) -> list:
        return decoder.generate_many(
            prompt,
            4,
            max_new_tokens=10,
            stop_ids=stops,
            do_sample=True,
            top_k=50,
            top_p=0.9,
            temperature=1.5,
            no_repeat_ngram_size=2,
            bad_words_ids=[[chat.encoder.sys_id]],
            generator=torch.Generator().manual_seed(seed),
        )

    first = draw(7)
    assert len(first) == 4
    for tokens, score in first:
        assert 0 < len(tokens) <= 10 and score < 0
        assert chat.encoder.sys_id not in tokens
        assert not stops & set(tokens[:-1])  # a stop token can only end a draw
        pairs = list(zip(tokens, tokens[1:], strict=False))
        assert len(pairs) == len(set(pairs))  # no repeated bigram among the new tokens


@needs_ct2
def test_the_plugin_decodes_on_ctranslate2_by_default(make_assistant, tiny_dir: Path) -> None:
    fast = make_assistant(_settings(tiny_dir))
    reply = fast.respond(CHAT).reply
    assert reply.text.strip() and reply.data["smalltalk"]["runtime"] == "ctranslate2-float32"
    converted = list((fast.app.data_dir / "ctranslate2").iterdir())
    assert len(converted) == 1 and fast_runtime.is_converted(converted[0])

    plain = make_assistant(_settings(tiny_dir, runtime="torch"))
    assert plain.respond(CHAT).reply.data["smalltalk"]["runtime"] == "torch"


@needs_ct2
def test_chat_model_draws_match_torch_with_the_plugin_decoding(tiny_dir: Path, home: Path) -> None:
    """The default decoding (repetition penalty, banned words, stop tokens) on float32
    CTranslate2 gives torch's greedy tokens; a fixed seed samples on torch, reproducibly."""
    from assistant_plugins.smalltalk.chat import GenerationSettings

    torch_chat, fast_chat = _chat(tiny_dir), _chat(tiny_dir)
    fast_chat.use_fast_runtime("auto", tiny_dir, home)
    assert fast_chat.runtime == "ctranslate2-float32"
    greedy = GenerationSettings.from_mapping({"strategy": "greedy"})
    for prompt in _prompts(torch_chat):
        assert (
            fast_chat._candidates(prompt, greedy)[0][0]
            == torch_chat._candidates(prompt, greedy)[0][0]
        )
    seeded = GenerationSettings.from_mapping({"seed": 3, "candidates": 3})
    prompt = _prompts(torch_chat)[0]
    assert fast_chat._candidates(prompt, seeded) == torch_chat._candidates(prompt, seeded)


def _ask_in_a_process(home: Path, config: Path, pythonpath: Path | None) -> dict:
    env = cli_env(home, **({"PYTHONPATH": str(pythonpath)} if pythonpath else {}))
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--config", str(config), "ask", "--json", CHAT],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_without_the_extra_torch_answers_and_the_log_says_why(
    home: Path, tiny_dir: Path, tmp_path: Path, blocked: Path
) -> None:
    """A real process where ``import ctranslate2`` fails, asking for it explicitly."""
    config = write_config(
        tmp_path / "config.yaml",
        {"model": str(tiny_dir), "pipeline": False, "runtime": "ctranslate2"},
    )
    turn = _ask_in_a_process(home, config, blocked)
    assert turn["reply"].strip()
    assert turn["data"]["smalltalk"]["runtime"] == "torch"
    log = next(home.rglob("assistant.log")).read_text("utf-8")
    assert "WARNING" in log and "ctranslate2 is not installed" in log


def test_a_failed_conversion_falls_back_to_torch(
    make_assistant, tiny_dir: Path, home: Path
) -> None:
    """The conversion can't be written (a file where its folder should be): torch answers."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "ctranslate2").write_text("not a folder")
    assistant = make_assistant(_settings(tiny_dir, runtime="ctranslate2"))
    reply = assistant.respond(CHAT).reply
    assert reply.text.strip() and reply.data["smalltalk"]["runtime"] == "torch"


@needs_ct2
def test_export_writes_a_folder_that_runs_without_converting_again(
    run_cli, make_assistant, tiny_dir: Path, tmp_path: Path, home: Path
) -> None:
    out = tmp_path / "exported"
    result = run_cli("export", "smalltalk", "--model", str(tiny_dir), "--int8-float32", str(out))
    assert result.returncode == 0, result.stderr
    assert "저장했어요" in result.stdout and str(out) in result.stdout
    assert (out / "model.safetensors").is_file() and (out / "tokenizer.json").is_file()
    assert fast_runtime.is_converted(out / "ctranslate2-int8_float32", out)

    again = run_cli("export", "smalltalk", "--model", str(tiny_dir), str(out))
    assert again.returncode == 1 and "이미 있어요" in again.stderr  # never overwritten silently

    assistant = make_assistant(_settings(out, quantization="int8_float32"))
    reply = assistant.respond(CHAT).reply
    assert reply.data["smalltalk"]["runtime"] == "ctranslate2-int8_float32"
    assert not (home / "ctranslate2").exists()  # the exported conversion was used


def test_export_without_the_extra_says_what_to_install(
    home: Path, tiny_dir: Path, tmp_path: Path, blocked: Path
) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "export",
            "smalltalk",
            "--model",
            str(tiny_dir),
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=cli_env(home, PYTHONPATH=str(blocked)),
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert "irang-assistant[fast]" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_command_path_never_imports_ctranslate2(home: Path) -> None:
    code = textwrap.dedent(
        """
        import sys
        from assistant.cli import main
        main(["route", "그냥 이야기 하고 싶어"])
        main(["export", "smalltalk", "--help"])
        heavy = ("ctranslate2", "onnxruntime", "onnx", "torch", "numpy")
        print("HEAVY", [m for m in heavy if m in sys.modules])
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
    assert "HEAVY []" in result.stdout


@needs_ct2
def test_the_selector_scores_the_same_on_ctranslate2(tmp_path: Path) -> None:
    """The shipped selector (a trained BERT): float32 CTranslate2 gives torch's scores."""
    from assistant_plugins.smalltalk.chat import shipped_model_dir
    from assistant_plugins.smalltalk.selector import Selector

    directory = shipped_model_dir() / "selector"
    reference, fast = Selector.load(directory), Selector.load(directory)
    assert fast.use_fast_runtime("auto", tmp_path)
    assert len(fast.fast_encoders) == fast.config.members == 2  # the shipped ensemble
    candidates = ["푹 쉬세요.", "맛있는 거 드세요.", "저도 반가워요.", "좋은 꿈 꾸세요."]
    for context, utterance in [([], "오늘 너무 피곤해"), (["안녕", "안녕하세요."], "배고파")]:
        want = reference.score(context, utterance, candidates)
        got = fast.score(context, utterance, candidates)
        assert got == pytest.approx(want, abs=1e-3)
    assert fast_runtime.encoder_for("torch", directory, tmp_path) is None


@needs_ct2
def test_the_emotion_classifier_on_ctranslate2(tmp_path: Path) -> None:
    """The shipped emotion model (BertForSequenceClassification): the same probabilities."""
    from assistant_plugins.emotion.classifier import EmotionClassifier

    texts = ["오늘 정말 행복해", "시험 망쳐서 속상해", "내일 면접이라 떨려", "그냥 밥 먹었어"]
    reference = EmotionClassifier.load("shipped")
    fast = EmotionClassifier.load("shipped")
    fast.use_fast_runtime("auto", tmp_path)
    assert fast.fast_encoder is not None
    want, got = reference.probabilities(texts), fast.probabilities(texts)
    for a, b in zip(want, got, strict=True):
        assert b == pytest.approx(a, abs=1e-3)
    assert [p.label for p in fast.predict_many(texts)] == [
        p.label for p in reference.predict_many(texts)
    ]
    plain = EmotionClassifier.load("shipped")
    plain.use_fast_runtime("torch", tmp_path)
    assert plain.fast_encoder is None


@needs_ct2
def test_a_damaged_conversion_is_made_again_and_a_failing_one_hands_over_to_torch(
    tiny_dir: Path, home: Path
) -> None:
    chat = _chat(tiny_dir)
    chat.use_fast_runtime("ctranslate2", tiny_dir, home)
    cached = chat.runtime_decoder.directory
    (cached / "model.bin").write_bytes(b"not a model")  # damaged on disk
    again = _chat(tiny_dir)
    again.use_fast_runtime("ctranslate2", tiny_dir, home)
    assert again.runtime == "ctranslate2-float32" and again.runtime_decoder.directory == cached

    from assistant_plugins.smalltalk.chat import GenerationSettings

    greedy = GenerationSettings.from_mapping({"strategy": "greedy"})
    prompt = _prompts(chat)[0]
    want = _chat(tiny_dir)._candidates(prompt, greedy)[0][0]  # torch
    again.runtime_decoder.generator.unload_model()  # CTranslate2 raises on every call from now on
    assert again._candidates(prompt, greedy)[0][0] == want
    assert again.runtime == "torch" and again.runtime_decoder is None
    assert again.reply("배고파", (), greedy).text.strip()
