"""A real ``torchrun --nproc_per_node=2 -m assistant train ...`` run with gloo on CPU.

A local plugin (written to a temp dir, loaded through ``plugin_paths``) registers a toy
trainer built only from the toolkit, exactly like the smalltalk/emotion trainers do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, cli_env, interrupt_after

PLUGIN = '''
"""Toy trainer: character ids of column Q -> tiny GPT-2, trained with the shared toolkit."""
import json

import click

from assistant import hookimpl
from assistant.training.options import training_options


@hookimpl
def register_trainers(train):
    @train.command("toytrain")
    @training_options("toytrain", presets=("mini",))
    @click.option("--note", default="", help="an extra plugin-specific option")
    def toytrain(settings, note):
        """Train the toy model."""
        import torch
        from transformers import GPT2Config, GPT2LMHeadModel

        from assistant.training.batching import make_collate, split_eval
        from assistant.training.device import is_main_process
        from assistant.training.loop import seed_everything, train as run
        from assistant.training.tables import SkipLog, read_table

        import time

        from assistant.training.device import main_process_first

        # Before train(): main_process_first joins the process group itself.
        marker = settings.output / "marker.txt"
        with main_process_first():
            if is_main_process():
                time.sleep(1.0)
                settings.output.mkdir(parents=True, exist_ok=True)
                marker.write_text("ok")
            else:
                assert marker.read_text() == "ok"

        skips = SkipLog()
        examples = []
        for path in settings.data:
            for row in read_table(path, skip_log=skips):
                text = row.get("Q")
                if not text:
                    skips.skip(row, "빈 칸")
                    continue
                ids = [1] + [4 + ord(c) % 60 for c in text] + [2]
                examples.append({"input_ids": ids, "labels": list(ids)})
        train_set, held = split_eval(examples, settings.eval_split, seed=settings.seed)
        seed_everything(settings.seed)
        config = GPT2Config(vocab_size=64, n_positions=64, n_embd=32, n_layer=2, n_head=2)
        model = GPT2LMHeadModel(config)
        result = run(model, train_set, held, settings, collate=make_collate(0),
                     metadata={"skipped_rows": skips.as_json(), "note": note})
        total = float(sum(p.detach().double().sum() for p in model.parameters()))
        rank = torch.distributed.get_rank() if torch.distributed.is_initialized() else 0
        (settings.output / f"rank{rank}.json").write_text(json.dumps(
            {"eval_loss": result.eval_loss, "steps": result.steps, "param_sum": total,
             "world_size": result.world_size}))
        if is_main_process():
            click.echo("RESULT " + json.dumps(result.metrics))
'''


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "toytrain.py").write_text(PLUGIN, encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        "plugin_paths: [toytrain.py]\n"
        "plugins:\n"
        "  toytrain:\n"
        "    training:\n"
        "      batch_size: 4\n"
        "      eval_every: 3\n"
        "      log_every: 1\n"
        "      lr: 0.003\n"
        "      eval_split: 0.2\n",
        encoding="utf-8",
    )
    data = tmp_path / "data.csv"
    lines = (
        ["Q,A"] + [f"{'가나다라마바사'[i % 7] * (1 + i % 9)}{i},답" for i in range(60)] + [",빈"]
    )
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config, data


@pytest.mark.slow
def test_torchrun_two_processes_gloo_cpu(tmp_path: Path, home: Path) -> None:
    config, data = _setup(tmp_path)
    out = tmp_path / "out"
    torchrun = Path(sys.executable).with_name("torchrun")
    cmd = [
        str(torchrun), "--standalone", "--nproc_per_node=2", "-m", "assistant",
        "--config", str(config), "train", "toytrain", "--data", str(data),
        "--output", str(out), "--device", "cpu", "--max-steps", "6", "--note", "ddp",
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=300, cwd=ROOT,
        env=cli_env(home, OMP_NUM_THREADS="1"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    # Only rank 0 prints: one result line, each eval reported once.
    assert proc.stdout.count("RESULT ") == 1, proc.stdout
    assert proc.stderr.count("검증 (스텝 3)") == 1 and proc.stderr.count("검증 (스텝 6)") == 1
    assert proc.stderr.count("학습 샘플 ") == 1 and "프로세스 2" in proc.stderr
    assert "Traceback" not in proc.stderr
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0]["world_size"] == ranks[1]["world_size"] == 2
    assert ranks[0]["steps"] == ranks[1]["steps"] == 6
    # DDP keeps the replicas identical; the all-reduced held-out loss is the same on both.
    assert ranks[0]["eval_loss"] == pytest.approx(ranks[1]["eval_loss"], rel=1e-6)
    assert ranks[0]["param_sum"] == pytest.approx(ranks[1]["param_sum"], rel=1e-9)
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["world_size"] == 2 and meta["note"] == "ddp"
    assert meta["skipped_rows"]["count"] == 1
    assert meta["settings"]["batch_size"] == 4  # from the config file
    assert (out / "model.safetensors").is_file() and not (out / "checkpoint").exists()


def test_single_process_cli_uses_config_defaults_and_korean_errors(
    tmp_path: Path, home: Path
) -> None:
    config, data = _setup(tmp_path)
    base = [sys.executable, "-m", "assistant", "--config", str(config), "train", "toytrain"]
    env = cli_env(home, OMP_NUM_THREADS="1")
    missing = subprocess.run(base, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert missing.returncode != 0 and "--data" in missing.stderr
    out = tmp_path / "out"
    resume = subprocess.run(
        [*base, "--data", str(data), "--output", str(out), "--resume"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert resume.returncode == 1
    assert "오류: 이어서 학습할 체크포인트가 없어요" in resume.stderr
    assert "Traceback" not in resume.stderr


@pytest.mark.slow
def test_ctrl_c_on_a_real_cli_process_then_resume(tmp_path: Path, home: Path) -> None:

    config, data = _setup(tmp_path)
    out = tmp_path / "out"
    base = [sys.executable, "-m", "assistant", "--config", str(config), "train", "toytrain"]
    args = ["--data", str(data), "--output", str(out), "--device", "cpu"]
    env = cli_env(home, OMP_NUM_THREADS="1")
    code, stdout, stderr = interrupt_after([*base, *args, "--max-steps", "400"], env, "스텝 2/400")
    assert code == 130, stderr  # the shared wrapper, although toytrain prints nothing itself
    assert stderr.count("--resume") == 1 and "Traceback" not in stderr
    stopped = json.loads(stdout.split("RESULT ", 1)[1])
    assert stopped["interrupted"] and 2 <= stopped["steps"] < 400
    assert (out / "checkpoint" / "trainer_state.json").is_file()
    target = stopped["steps"] + 3
    resumed = subprocess.run(
        [*base, *args, "--max-steps", str(target), "--resume"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=180,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    final = json.loads(resumed.stdout.split("RESULT ", 1)[1])
    assert final["steps"] == target and not final["interrupted"]
    assert f"스텝 {stopped['steps'] + 1}/{target}" in resumed.stderr
    assert f"{stopped['steps']} 스텝부터" in resumed.stderr
    assert (out / "model.safetensors").is_file()


def _torchrun(config: Path, data: Path, out: Path, *extra: str) -> list[str]:
    torchrun = Path(sys.executable).with_name("torchrun")
    return [
        str(torchrun), "--standalone", "--nproc_per_node=2", "-m", "assistant",
        "--config", str(config), "train", "toytrain", "--data", str(data),
        "--output", str(out), "--device", "cpu", *extra,
    ]  # fmt: skip


@pytest.mark.slow
def test_torchrun_ctrl_c_then_resume_matches_an_uninterrupted_run(
    tmp_path: Path, home: Path
) -> None:
    """Ctrl-C in a terminal signals the whole process group (torchrun and both workers,
    and torchrun forwards it again): the workers agree to stop, save one checkpoint,
    and a resumed run ends with exactly the weights of an uninterrupted one."""
    import os
    import signal
    import time

    config, data = _setup(tmp_path)
    env = cli_env(home, OMP_NUM_THREADS="1")
    steps = "30"
    straight = subprocess.run(
        _torchrun(config, data, tmp_path / "a", "--max-steps", steps),
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert straight.returncode == 0, straight.stderr[-3000:]

    out = tmp_path / "b"
    proc = subprocess.Popen(
        _torchrun(config, data, out, "--max-steps", steps),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if line.startswith("스텝 2/") or not line:
                break
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    stopped = json.loads(stdout.split("RESULT ", 1)[1])
    assert stopped["interrupted"] and stopped["steps"] < int(steps), stderr[-3000:]
    checkpoint = out / "checkpoint"
    state = json.loads((checkpoint / "trainer_state.json").read_text(encoding="utf-8"))
    assert state["world_size"] == 2 and state["step"] == stopped["steps"]
    assert (checkpoint / "rng_rank0.safetensors").is_file()
    assert (checkpoint / "rng_rank1.safetensors").is_file()

    resumed = subprocess.run(
        _torchrun(config, data, out, "--max-steps", steps, "--resume"),
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    for rank in (0, 1):
        a = json.loads((tmp_path / "a" / f"rank{rank}.json").read_text())
        b = json.loads((out / f"rank{rank}.json").read_text())
        assert b["steps"] == int(steps)
        assert b["eval_loss"] == a["eval_loss"] and b["param_sum"] == a["param_sum"]
