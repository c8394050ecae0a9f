"""Device/precision choice (CUDA paths through a mocked ``is_cuda``), options, progress,
checkpoint serialisation without pickle."""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from training_helpers import config_group

torch = pytest.importorskip("torch")

from assistant.training import device as dev  # noqa: E402
from assistant.training.errors import TrainingError  # noqa: E402
from assistant.training.options import TrainSettings, training_options  # noqa: E402
from assistant.training.progress import Reporter, format_eta  # noqa: E402


def test_cpu_precisions() -> None:
    cpu = torch.device("cpu")
    assert dev.pick_device("cpu") == cpu
    assert dev.pick_precision("auto", cpu).name == "fp32"
    bf16 = dev.pick_precision("bf16", cpu)
    assert bf16.dtype == torch.bfloat16 and bf16.make_scaler(cpu) is None
    with bf16.autocast(cpu):
        out = torch.nn.Linear(4, 4)(torch.randn(2, 4))
    assert out.dtype == torch.bfloat16
    with pytest.raises(TrainingError, match="CUDA"):
        dev.pick_precision("fp16", cpu)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU message")
def test_missing_cuda_is_a_clear_error() -> None:
    with pytest.raises(TrainingError, match="CUDA GPU를 찾을 수 없어요"):
        dev.pick_device("cuda")


def test_cuda_paths_with_mocked_device_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only 'is this CUDA?' and 'bf16 support' are mocked; the real objects are built."""
    monkeypatch.setattr(dev, "is_cuda", lambda device: True)
    cpu = torch.device("cpu")
    monkeypatch.setattr(dev, "_cuda_bf16_supported", lambda: True)
    assert dev.pick_precision("auto", cpu).name == "bf16"
    monkeypatch.setattr(dev, "_cuda_bf16_supported", lambda: False)
    fp16 = dev.pick_precision("auto", cpu)
    assert fp16.name == "fp16" and fp16.use_scaler and fp16.dtype == torch.float16
    with pytest.raises(TrainingError, match="bf16"):
        dev.pick_precision("bf16", cpu)
    # TF32 switches are set on "CUDA" and restored afterwards.
    before = (torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    precision = torch.get_float32_matmul_precision()
    try:
        dev.configure_backends(cpu)
        assert torch.backends.cuda.matmul.allow_tf32 and torch.backends.cudnn.allow_tf32
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before
        torch.set_float32_matmul_precision(precision)
    # Fused AdamW is requested on CUDA; weight decay only on matrices.
    model = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.LayerNorm(4))
    opt = dev.make_optimizer(model, lr=1e-3, weight_decay=0.1, device=cpu)
    assert opt.defaults.get("fused") is True
    decay, no_decay = opt.param_groups
    assert [p.dim() for p in decay["params"]] == [2] and decay["weight_decay"] == 0.1
    assert all(p.dim() == 1 for p in no_decay["params"]) and no_decay["weight_decay"] == 0.0


def test_not_distributed_without_torchrun(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    info, device = dev.setup_distributed("cpu")
    assert not info.enabled and info.is_main and device.type == "cpu"
    assert dev.is_main_process() and dev.world_size() == 1
    monkeypatch.setenv("RANK", "1")
    assert not dev.is_main_process()


def _toy_cli(tmp_path: Path, config: dict):
    seen = {}

    cli = config_group(config)

    @cli.command("toy")
    @training_options("toy", presets=("mini",))
    @click.option("--format", "fmt", default="auto")
    def toy(settings: TrainSettings, fmt: str) -> None:
        seen["settings"], seen["fmt"] = settings, fmt

    return cli, seen


def test_options_defaults_come_from_config_and_cli_wins(tmp_path: Path) -> None:
    config = {"plugins": {"toy": {"training": {"batch_size": 7, "lr": 0.01, "warmup": 0.2}}}}
    cli, seen = _toy_cli(tmp_path, config)
    runner = CliRunner()
    data = tmp_path / "d.csv"
    result = runner.invoke(cli, ["toy", "--data", str(data), "--lr", "0.5", "--format", "x"])
    assert result.exit_code == 0, result.output
    s = seen["settings"]
    assert s.batch_size == 7 and s.lr == 0.5 and s.warmup == 0.2 and seen["fmt"] == "x"
    assert s.data == [data] and s.output == Path("runs/toy") and s.epochs == 3
    assert s.plugin == "toy" and not s.resume and s.checkpoint_dir == Path("runs/toy/checkpoint")
    help_text = runner.invoke(cli, ["toy", "--help"]).output
    assert "default: 7" in help_text and "--preset [mini]" in help_text

    missing = runner.invoke(cli, ["toy"])
    assert missing.exit_code != 0 and "--data 로 학습 데이터 파일" in missing.output
    both = runner.invoke(cli, ["toy", "--data", str(data), "--base", "x", "--preset", "mini"])
    assert both.exit_code != 0 and "함께 쓸 수 없어요" in both.output


def test_reporter_plain_lines_and_rich_bar() -> None:
    plain = io.StringIO()
    with Reporter(total_steps=20, log_every=10, stream=plain) as rep:
        for step in range(1, 21):
            rep.step(step, 1.5, 1e-3, 1234.0)
        rep.eval(20, 1.25, 1.2)
    lines = plain.getvalue().splitlines()
    assert len(lines) == 3 and lines[0].startswith("스텝 10/20 | loss 1.5000")
    assert (
        "1,234 tok/s" in lines[0]
        and "남은 시간" in lines[0]
        and "검증 (스텝 20): loss 1.2500" in lines[2]
    )

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    fancy = Tty()
    with Reporter(total_steps=5, stream=fancy) as rep:
        rep.step(5, 0.75, 1e-3, 99.0)
    assert "0.7500" in fancy.getvalue() and "tok/s" in fancy.getvalue()

    silent = io.StringIO()
    with Reporter(total_steps=5, enabled=False, stream=silent) as rep:
        rep.step(5, 0.75, 1e-3, 99.0)
        rep.message("x")
    assert silent.getvalue() == ""
    assert format_eta(3725) == "1h02m" and format_eta(65) == "1m05s"


def test_optimizer_state_round_trips_through_safetensors_and_json(tmp_path: Path) -> None:
    import json

    from safetensors.torch import load_file, save_file

    from assistant.training.checkpoint import (
        capture_rng,
        optimizer_from_flat,
        optimizer_to_flat,
        restore_rng,
    )

    model = torch.nn.Linear(3, 2)
    opt = dev.make_optimizer(model, lr=0.1, weight_decay=0.01, device=torch.device("cpu"))
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    tensors, meta = optimizer_to_flat(opt)
    save_file(tensors, str(tmp_path / "o.safetensors"))
    (tmp_path / "o.json").write_text(json.dumps(meta))
    other = dev.make_optimizer(model, lr=0.5, weight_decay=0.0, device=torch.device("cpu"))
    optimizer_from_flat(
        other,
        load_file(str(tmp_path / "o.safetensors")),
        json.loads((tmp_path / "o.json").read_text()),
    )
    a, b = opt.state_dict(), other.state_dict()
    assert a["param_groups"] == b["param_groups"]
    for index, state in a["state"].items():
        for key, value in state.items():
            assert torch.equal(value, b["state"][index][key])

    rng = capture_rng()
    first = (torch.rand(3), __import__("random").random(), __import__("numpy").random.rand())
    restore_rng(rng)
    second = (torch.rand(3), __import__("random").random(), __import__("numpy").random.rand())
    assert torch.equal(first[0], second[0]) and first[1:] == second[1:]
