"""The training CLI's edges: one error path (Korean, no click "Error:"), one Ctrl-C hint with
exit code 130, one preset policy, defaults from the dataclass, the shared eval options and
the one multi-process tokenizer strategy (two real torchrun processes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from training_helpers import PAD, lm_examples, one_torch_thread, tiny_gpt2  # noqa: F401

torch = pytest.importorskip("torch")

from assistant.loading import ModelUnavailable  # noqa: E402
from assistant.training.errors import DataError, TrainingError  # noqa: E402
from assistant.training.options import (  # noqa: E402
    TrainSettings,
    evaluation_options,
    plugin_config,
    training_options,
)

ROOT = Path(__file__).resolve().parent.parent


def _cli(config: dict, body) -> click.Group:
    class Runtime:
        pass

    runtime = Runtime()
    runtime.config = config

    @click.group()
    @click.pass_context
    def cli(ctx):
        ctx.obj = runtime

    @cli.command("toy")
    @training_options("toy", presets=("mini", "tiny"))
    def toy(settings: TrainSettings) -> None:
        body(settings)

    @cli.command("toyeval")
    @evaluation_options("toy")
    def toyeval(data: tuple[Path, ...], model_source: str | None, as_json: bool) -> None:
        body((data, model_source, as_json, plugin_config("toy")))

    return cli


@pytest.mark.parametrize(
    "error", [TrainingError("데이터가 이상해요"), DataError("데이터가 이상해요")]
)
def test_training_errors_are_korean_and_shown_once(tmp_path: Path, error: Exception) -> None:
    def body(settings):
        raise error

    result = CliRunner().invoke(_cli({}, body), ["toy", "--data", str(tmp_path / "d.csv")])
    assert result.exit_code == 1
    assert result.output == "오류: 데이터가 이상해요\n"


def test_eval_options_and_errors(tmp_path: Path) -> None:
    seen = []
    config = {"plugins": {"toy": {"model": "shipped", "threshold": 0.3}}}
    cli = _cli(config, seen.append)
    data = str(tmp_path / "d.tsv")
    ok = CliRunner().invoke(cli, ["toyeval", "--data", data, "--model", "x/y", "--json"])
    assert ok.exit_code == 0, ok.output
    assert seen == [((Path(data),), "x/y", True, config["plugins"]["toy"])]
    missing = CliRunner().invoke(cli, ["toyeval"])
    assert missing.exit_code == 2 and "--data" in missing.output

    def unavailable(_):
        raise ModelUnavailable("모델 폴더를 찾을 수 없어요")

    failed = CliRunner().invoke(_cli({}, unavailable), ["toyeval", "--data", data])
    assert failed.exit_code == 1 and failed.output == "오류: 모델 폴더를 찾을 수 없어요\n"


@pytest.mark.parametrize(
    ("configured", "args", "preset", "base"),
    [
        ({}, [], "mini", None),  # neither: the command's first preset
        ({}, ["--preset", "tiny"], "tiny", None),
        ({}, ["--base", "org/model"], None, "org/model"),
        ({"preset": "tiny"}, [], "tiny", None),
        ({"base": "org/model"}, [], None, "org/model"),
        ({"base": "org/model", "preset": "tiny"}, [], None, "org/model"),  # base wins
        ({"base": "org/model"}, ["--preset", "mini"], "mini", None),  # command line wins
        ({"preset": "tiny"}, ["--base", "org/model"], None, "org/model"),
    ],
)
def test_one_preset_policy(tmp_path: Path, configured, args, preset, base) -> None:
    seen: list[TrainSettings] = []
    cli = _cli({"plugins": {"toy": {"training": configured}}}, seen.append)
    result = CliRunner().invoke(cli, ["toy", "--data", str(tmp_path / "d.csv"), *args])
    assert result.exit_code == 0, result.output
    assert (seen[0].preset, seen[0].base) == (preset, base)


def test_defaults_come_from_the_dataclass() -> None:
    built = TrainSettings.from_config("toy", {})
    plain = TrainSettings(plugin="toy")
    for spec in fields(TrainSettings):
        if spec.name not in ("output", "command_line"):
            assert getattr(built, spec.name) == getattr(plain, spec.name), spec.name
    assert built.output == Path("runs/toy")
    configured = TrainSettings.from_config("toy", {"plugins": {"toy": {"training": {"lr": 0.5}}}})
    assert configured.lr == 0.5 and configured.batch_size == plain.batch_size


@pytest.mark.usefixtures("one_torch_thread")
def test_ctrl_c_prints_one_hint_and_exits_130(tmp_path: Path) -> None:
    """A real SIGINT during a real (tiny) run: one resume hint, exit code 130, checkpoint."""
    from assistant.training.batching import make_collate
    from assistant.training.loop import train

    collate = make_collate(PAD)
    calls = 0

    def interrupting(batch):
        nonlocal calls
        calls += 1
        if calls == 3:
            os.kill(os.getpid(), signal.SIGINT)
        return collate(batch)

    def body(settings: TrainSettings) -> None:
        train(tiny_gpt2(), lm_examples(40), [], settings, collate=interrupting)

    out = tmp_path / "out"
    args = ["toy", "--data", str(tmp_path / "d.csv"), "--output", str(out), "--device", "cpu"]
    result = CliRunner().invoke(_cli({}, body), [*args, "--max-steps", "50"])
    assert result.exit_code == 130, result.output
    assert result.output.count("--resume") == 1
    assert (out / "checkpoint" / "trainer_state.json").is_file()


SHARED_TOKENIZER_SCRIPT = """
import json, os, sys
from pathlib import Path
from assistant.training.device import cleanup_distributed, shared_tokenizer

out = Path(sys.argv[1])
rank = os.environ["RANK"]

def build():
    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.json").write_text(json.dumps({"built_by": rank}))
    return "built"

def load():
    return json.loads((out / "vocab.json").read_text())["built_by"]

got = shared_tokenizer(out / "vocab.json", build=build, load=load, resume=False)
(out / f"rank{rank}.txt").write_text(got)
cleanup_distributed()
"""


def test_shared_tokenizer_rank0_builds_the_others_load(tmp_path: Path) -> None:
    """Two real torchrun processes (gloo on CPU): one vocabulary, built once by rank 0."""
    script = tmp_path / "tok.py"
    script.write_text(SHARED_TOKENIZER_SCRIPT, encoding="utf-8")
    torchrun = Path(sys.executable).with_name("torchrun")
    out = tmp_path / "out"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [str(torchrun), "--standalone", "--nproc_per_node=2", str(script), str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "rank0.txt").read_text() == "built"
    assert (out / "rank1.txt").read_text() == "0"  # loaded what rank 0 saved


def test_metadata_paths_are_repository_relative(tmp_path: Path) -> None:
    from assistant.training.export import portable

    repo = tmp_path / "repo"
    data = tmp_path / "shared" / "data" / "a.csv"
    meta = {
        "data": [str(data)],
        "output": repo / "models" / "x",
        "other": "/elsewhere/file",
        "n": 3,
    }
    assert portable(meta, base=repo) == {
        "data": ["../shared/data/a.csv"],
        "output": "models/x",
        "other": "/elsewhere/file",
        "n": 3,
    }
