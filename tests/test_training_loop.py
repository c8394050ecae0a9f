"""assistant.training.loop on tiny real models: learning, outputs, exact resume, Ctrl-C,
early stopping with best weights, bf16 on CPU, class-weighted loss_fn, error messages."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from conftest import recorded_path
from training_helpers import (  # noqa: F401 - one_torch_thread is a fixture
    PAD,
    cls_examples,
    lm_examples,
    one_torch_thread,
    settings,
    tiny_bert,
    tiny_gpt2,
    tiny_tokenizer,
)

torch = pytest.importorskip("torch")

from assistant.training.batching import make_collate  # noqa: E402
from assistant.training.errors import TrainingError  # noqa: E402
from assistant.training.loop import evaluate_loss, lr_at, seed_everything, train  # noqa: E402

COLLATE = make_collate(PAD)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def weights(model) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def test_lm_loss_goes_down_and_output_is_a_usable_hf_directory(tmp_path: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    data_file = tmp_path / "toy.csv"
    data_file.write_text("Q,A\n가,나\n", encoding="utf-8")
    examples = lm_examples(320, seed=0)
    held = lm_examples(40, seed=1)
    seed_everything(0)
    model = tiny_gpt2(dropout=0.0)
    before = evaluate_loss(model, held, COLLATE, batch_size=16, device="cpu")
    s = settings(tmp_path, max_steps=80, batch_size=16, lr=5e-3, data=[data_file], eval_every=40)
    result = train(
        model,
        examples,
        held,
        s,
        collate=COLLATE,
        tokenizer=tiny_tokenizer(),
        metadata={"format": "toy"},
        on_save=lambda out, m: (out / "extra.txt").write_text("ok"),
    )
    assert result.steps == 80 and not result.interrupted and not result.stopped_early
    assert result.eval_loss < before * 0.8, (before, result.eval_loss)
    assert result.useful_token_fraction > 0.9 and result.tokens_per_s > 0

    out = s.output
    for name in (
        "config.json",
        "model.safetensors",
        "metadata.json",
        "loss_curve.png",
        "extra.txt",
    ):
        assert (out / name).is_file(), name
    assert not (out / "checkpoint").exists()
    assert (out / "loss_curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["format"] == "toy" and meta["command_line"] == ["test"]
    assert (
        meta["data_files"][0]["sha256"]
        and recorded_path(meta["data_files"][0]["path"]) == data_file.resolve()
    )
    assert meta["metrics"]["eval_loss"] == pytest.approx(result.eval_loss)
    assert meta["metrics"]["eval_perplexity"] > 1 and meta["versions"]["torch"]
    assert meta["settings"]["max_steps"] == 80

    # The directory loads with plain transformers (safetensors) and gives the same loss.
    reloaded = AutoModelForCausalLM.from_pretrained(out)
    assert AutoTokenizer.from_pretrained(out).convert_tokens_to_ids("t5") == 5
    again = evaluate_loss(reloaded, held, COLLATE, batch_size=16, device="cpu")
    assert again == pytest.approx(result.eval_loss, rel=1e-5)


def _run(tmp: Path, *, interrupt_at_call: int | None = None, resume: bool = False):
    """A run with dropout and grad accumulation; optionally a real SIGINT mid-run."""
    seed_everything(5)
    model = tiny_gpt2(seed=5)
    calls = 0

    def collate(batch):
        nonlocal calls
        calls += 1
        if calls == interrupt_at_call:
            os.kill(os.getpid(), signal.SIGINT)
        return COLLATE(batch)

    s = settings(tmp, max_steps=12, grad_accum=2, eval_every=4, resume=resume, log_every=4)
    result = train(model, lm_examples(100, seed=2), lm_examples(12, seed=3), s, collate=collate)
    return result, model


def test_ctrl_c_saves_a_checkpoint_and_resume_is_exact(tmp_path: Path) -> None:
    straight, model_a = _run(tmp_path / "a")
    stopped, _ = _run(tmp_path / "b", interrupt_at_call=13)
    assert stopped.interrupted and 0 < stopped.steps < 12
    checkpoint = tmp_path / "b" / "out" / "checkpoint"
    assert (checkpoint / "trainer_state.json").is_file()
    assert not (tmp_path / "b" / "out" / "model.safetensors").exists()
    assert not list(checkpoint.glob("*.pt")) and not list(checkpoint.glob("*.bin"))
    resumed, model_b = _run(tmp_path / "b", resume=True)
    assert resumed.steps == 12 and not resumed.interrupted
    assert resumed.eval_loss == straight.eval_loss
    evals = lambda r: [(h["step"], h["eval_loss"]) for h in r.history if "eval_loss" in h]  # noqa: E731
    assert evals(resumed) == evals(straight)
    a, b = weights(model_a), weights(model_b)
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_resume_refuses_changed_settings_and_missing_checkpoint(tmp_path: Path) -> None:
    model = tiny_gpt2()
    with pytest.raises(TrainingError, match="체크포인트가 없어요"):
        train(model, lm_examples(20), [], settings(tmp_path, resume=True), collate=COLLATE)
    s = settings(tmp_path, max_steps=4, eval_every=2, keep_checkpoint=True)
    train(model, lm_examples(40), lm_examples(8, seed=1), s, collate=COLLATE)
    changed = settings(tmp_path, max_steps=8, batch_size=4, resume=True)
    with pytest.raises(TrainingError, match="batch_size"):
        train(tiny_gpt2(), lm_examples(40), lm_examples(8, seed=1), changed, collate=COLLATE)
    other_data = settings(tmp_path, max_steps=8, resume=True)
    with pytest.raises(TrainingError, match="data_fingerprint"):
        train(tiny_gpt2(), lm_examples(40, seed=9), [], other_data, collate=COLLATE)


def test_early_stopping_keeps_the_best_weights_with_class_weighted_loss_fn(tmp_path: Path) -> None:
    import torch.nn.functional as F

    train_set = cls_examples(240, seed=0)
    # Held-out labels are deliberately the "wrong" rule: the better the model learns the
    # training rule, the worse the held-out loss gets, so early stopping must trigger.
    held = [dict(ex, labels=(ex["labels"] + 1) % 3) for ex in cls_examples(30, seed=1)]
    class_weights = torch.tensor([1.0, 2.0, 0.5])
    calls = {"n": 0}

    def loss_fn(model, batch):
        calls["n"] += 1
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return F.cross_entropy(logits.float(), batch["labels"], weight=class_weights)

    seed_everything(0)
    model = tiny_bert()
    s = settings(tmp_path, max_steps=200, eval_every=5, patience=2, lr=3e-3, keep_checkpoint=True)
    result = train(model, train_set, held, s, collate=COLLATE, loss_fn=loss_fn)
    assert result.stopped_early and result.steps < 200
    assert calls["n"] > result.steps  # used for training (and eval)
    evals = [h for h in result.history if "eval_loss" in h]
    assert len(evals) >= 3 and result.best_step == min(evals, key=lambda h: h["eval_loss"])["step"]
    assert result.best_step < result.steps
    # The model returned (and saved) has the best weights, not the last ones.
    now = evaluate_loss(model, held, COLLATE, batch_size=8, device="cpu", loss_fn=loss_fn)
    assert now == pytest.approx(result.eval_loss, rel=1e-5)
    assert now < evals[-1]["eval_loss"]


def test_bf16_autocast_on_cpu(tmp_path: Path) -> None:
    seed_everything(0)
    model = tiny_gpt2()
    s = settings(tmp_path, max_steps=6, eval_every=3, precision="bf16")
    result = train(model, lm_examples(60), lm_examples(10, seed=1), s, collate=COLLATE)
    assert result.precision == "bf16" and result.eval_loss == result.eval_loss  # not NaN
    assert all(p.dtype == torch.float32 for p in model.parameters())
    from safetensors import safe_open

    with safe_open(str(s.output / "model.safetensors"), "pt") as f:
        name = next(iter(f.keys()))
        assert f.get_tensor(name).dtype == torch.float32


def test_lr_schedule_warms_up_then_decays() -> None:
    lrs = [lr_at(i, total_steps=100, lr=1.0, warmup_steps=10, min_lr=0.1) for i in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:], strict=False))
    assert lrs[-1] == pytest.approx(0.1, abs=1e-3)


def test_empty_training_set_is_a_clear_error(tmp_path: Path) -> None:
    from assistant.training.errors import DataError

    with pytest.raises(DataError, match="샘플이 하나도"):
        train(tiny_gpt2(), [], [], settings(tmp_path), collate=COLLATE)


def test_compile_failure_falls_back_to_eager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compiler that fails on the first batch (as inductor does without a C compiler)."""
    from torch._dynamo.exc import InternalTorchDynamoError

    class BrokenCompiled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, **batch):
            raise InternalTorchDynamoError("no compiler")

    monkeypatch.setattr(torch, "compile", lambda model, **kwargs: BrokenCompiled(model))
    seed_everything(0)
    s = settings(tmp_path, max_steps=3, eval_every=3, compile=True)
    result = train(tiny_gpt2(), lm_examples(40), lm_examples(8, seed=1), s, collate=COLLATE)
    assert result.steps == 3 and result.eval_loss == result.eval_loss


@pytest.fixture
def pretend_cuda(monkeypatch: pytest.MonkeyPatch):
    """Answer "yes" to "is this a CUDA device?" so the CUDA code paths (fp16 autocast +
    GradScaler, fused AdamW, TF32 switches) run for real on CPU tensors."""
    from assistant.training import device as dev
    from assistant.training import loop

    monkeypatch.setattr(dev, "is_cuda", lambda device: True)
    monkeypatch.setattr(dev, "_cuda_bf16_supported", lambda: False)
    monkeypatch.setattr(loop, "is_cuda", lambda device: True)
    flags = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    matmul = torch.get_float32_matmul_precision()
    yield
    torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = flags
    torch.set_float32_matmul_precision(matmul)


def test_fp16_grad_scaler_path_trains_and_resumes_exactly(tmp_path: Path, pretend_cuda) -> None:
    def run(tmp: Path, interrupt_at_call: int | None = None, resume: bool = False):
        seed_everything(3)
        model = tiny_gpt2(seed=3)
        calls = 0

        def collate(batch):
            nonlocal calls
            calls += 1
            if calls == interrupt_at_call:
                os.kill(os.getpid(), signal.SIGINT)
            return COLLATE(batch)

        s = settings(tmp, max_steps=8, eval_every=4, precision="auto", resume=resume)
        s.keep_checkpoint = True
        data = lm_examples(80, seed=4)
        return train(model, data, lm_examples(8, seed=5), s, collate=collate), model

    straight, model_a = run(tmp_path / "a")
    assert straight.precision == "fp16" and torch.backends.cuda.matmul.allow_tf32
    state = json.loads((tmp_path / "a/out/checkpoint/trainer_state.json").read_text())
    assert state["scaler"]["scale"] > 0 and state["optimizer"]["param_groups"][0]["fused"]
    stopped, _ = run(tmp_path / "b", interrupt_at_call=4)
    assert stopped.interrupted
    resumed, model_b = run(tmp_path / "b", resume=True)
    assert resumed.eval_loss == straight.eval_loss
    a, b = weights(model_a), weights(model_b)
    assert all(torch.equal(a[k], b[k]) for k in a)
