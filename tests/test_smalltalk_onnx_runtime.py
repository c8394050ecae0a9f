"""The ONNX Runtime int8 generator of small talk ([fast] extra) on tiny local models and the
shipped mini: agreement with torch, the default for int8, the fall-back to CTranslate2 and
torch, a damaged export, and the export command."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_smalltalk_fast_runtime import CHAT, _ask_in_a_process, _chat, _prompts, _settings

from assistant import fast_runtime
from smalltalk_helpers import build_tiny_model, write_config

pytestmark = pytest.mark.skipif(
    fast_runtime.missing_reason() is not None
    or __import__("importlib").util.find_spec("onnxruntime") is None,
    reason="the [fast] extra is not installed",
)


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def no_onnxruntime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A PYTHONPATH folder whose sitecustomize makes ``import onnxruntime`` fail."""
    folder = tmp_path_factory.mktemp("no-ort")
    (folder / "sitecustomize.py").write_text('import sys\nsys.modules["onnxruntime"] = None\n')
    return folder


def _agreement(chat, decoder, prompts: list[list[int]]) -> float:
    """Teacher-forced greedy-token agreement with torch fp32 along torch's greedy replies."""
    import torch

    same = total = 0
    for prompt in prompts:
        reply = chat.fast.generate(prompt, max_new_tokens=16, stop_ids=sorted(chat.stop_ids))
        if not reply:
            continue
        sequence = prompt + reply
        with torch.inference_mode():
            want = chat.model(torch.tensor([sequence])).logits[0].argmax(-1).numpy()
        got = decoder.logits([sequence])[0].argmax(-1)
        span = slice(len(prompt) - 1, len(sequence) - 1)
        same += int((want[span] == got[span]).sum())
        total += len(reply)
    return same / total


def test_int8_keeps_the_trained_minis_greedy_tokens(tmp_path: Path) -> None:
    """On the shipped (trained) mini, int8 with per-block int8 activations keeps torch's
    greedy tokens (teacher-forced) on everyday prompts; the same draws stay reproducible
    with a seed, and the model's own scores stay within a few hundredths."""
    import torch

    from assistant_plugins.smalltalk.chat import shipped_model_dir
    from assistant_plugins.smalltalk.ortgen import OrtGPT2

    source = shipped_model_dir()
    chat = _chat(source)
    decoder = OrtGPT2.for_model(chat.model, source, tmp_path, chat.window)
    texts = ["오늘 너무 피곤해", "주말에 뭐 하지", "시험 잘 봤어", "친구랑 싸웠어", "배고파"]
    texts += ["비가 와서 우울해", "새 옷 샀어", "회사 가기 싫다", "강아지 키우고 싶어", "잘 자"]
    from assistant_plugins.smalltalk.chat import GenerationSettings

    greedy = GenerationSettings.from_mapping({"strategy": "greedy"})
    prompts = [chat.prompt_ids(t, (), greedy) for t in texts]
    # the bench measures 99.1-99.4 % on held-out prompts; a few hundred tokens here, and other
    # CPUs may round int8 differently: a margin for one or two near-ties
    assert _agreement(chat, decoder, prompts) >= 0.97

    options = {"max_new_tokens": 12, "stop_ids": chat.stop_ids, "do_sample": True, "top_k": 50}
    first = decoder.generate_many(
        prompts[0], 3, generator=torch.Generator().manual_seed(5), **options
    )
    again = decoder.generate_many(
        prompts[0], 3, generator=torch.Generator().manual_seed(5), **options
    )
    assert first == again
    ((want, want_score),) = chat.fast.generate_many(prompts[1], 1, max_new_tokens=12, stop_ids=())
    ((got, got_score),) = decoder.generate_many(prompts[1], 1, max_new_tokens=12, stop_ids=())
    assert got_score == pytest.approx(want_score, abs=0.05)


def test_the_plugin_decodes_int8_on_onnxruntime(make_assistant, tiny_dir: Path, home: Path) -> None:
    fast = make_assistant(_settings(tiny_dir, quantization="int8"))
    reply = fast.respond(CHAT).reply
    assert reply.text.strip() and reply.data["smalltalk"]["runtime"] == "onnxruntime-int8"
    exported = list((fast.app.data_dir / "onnx").iterdir())
    assert len(exported) == 1 and (exported[0] / "model.onnx").is_file()

    forced = make_assistant(_settings(tiny_dir, quantization="int8", runtime="ctranslate2"))
    assert forced.respond(CHAT).reply.data["smalltalk"]["runtime"] == "ctranslate2-int8"


def test_without_onnxruntime_int8_decodes_on_ctranslate2(
    home: Path, tiny_dir: Path, tmp_path: Path, no_onnxruntime: Path
) -> None:
    """A real process where ``import onnxruntime`` fails: CTranslate2 int8 answers."""
    config = write_config(
        tmp_path / "config.yaml",
        {"model": str(tiny_dir), "pipeline": False, "quantization": "int8"},
    )
    turn = _ask_in_a_process(home, config, no_onnxruntime)
    assert turn["reply"].strip() and turn["data"]["smalltalk"]["runtime"] == "ctranslate2-int8"
    log = next(home.rglob("assistant.log")).read_text("utf-8")
    assert "int8 on ONNX Runtime is not available" in log


def test_a_damaged_export_is_built_again_and_a_failing_one_hands_over_to_torch(
    tiny_dir: Path, home: Path
) -> None:
    from assistant_plugins.smalltalk.chat import GenerationSettings

    chat = _chat(tiny_dir)
    chat.use_fast_runtime("auto", tiny_dir, home, quantization="int8")
    assert chat.runtime == "onnxruntime-int8"
    cached = chat.runtime_decoder.directory
    (cached / "model.onnx").write_bytes(b"not a model")  # damaged on disk
    again = _chat(tiny_dir)
    again.use_fast_runtime("auto", tiny_dir, home, quantization="int8")
    assert again.runtime == "onnxruntime-int8" and again.runtime_decoder.directory == cached

    greedy = GenerationSettings.from_mapping({"strategy": "greedy"})
    prompt = _prompts(chat)[0]
    want = _chat(tiny_dir)._candidates(prompt, greedy)[0][0]  # torch
    again.runtime_decoder.session = None  # ONNX Runtime fails on every call from now on
    assert again._candidates(prompt, greedy)[0][0] == want
    assert again.runtime == "torch" and again.runtime_decoder is None


def test_export_int8_ships_the_onnx_graph(
    run_cli, make_assistant, tiny_dir: Path, tmp_path: Path, home: Path
) -> None:
    out = tmp_path / "exported"
    result = run_cli("export", "smalltalk", "--model", str(tiny_dir), "--int8", str(out))
    assert result.returncode == 0, result.stderr
    assert "onnx-int8" in result.stdout
    assert (out / "onnx-int8" / "model.onnx").is_file()
    assistant = make_assistant(_settings(out, quantization="int8"))
    assert assistant.respond(CHAT).reply.data["smalltalk"]["runtime"] == "onnxruntime-int8"
    assert not (home / "onnx").exists()  # the exported graph was used, nothing built
