"""docs/plugins.md is exact, and the dice plugin it builds installs and answers."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT

DOC = ROOT / "docs" / "plugins.md"
BLOCK = re.compile(r'```\w+ title="([^"]+)"\n(.*?)\n```', re.S)


def test_tutorial_code_is_the_example_code():
    blocks = BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert {path for path, _ in blocks} == {
        "examples/plugin-dice/pyproject.toml",
        "examples/plugin-dice/assistant_dice/__init__.py",
    }
    for path, code in blocks:
        assert (ROOT / path).read_text(encoding="utf-8").rstrip() == code.rstrip(), path


@pytest.fixture(scope="module")
def dice_site(tmp_path_factory):
    """The example distribution really installed (pip, own pyproject) into a private target."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(ROOT / "examples" / "plugin-dice"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert list(target.glob("assistant_dice-1.0.0.dist-info"))
    return target


def test_installed_dice_plugin_is_listed_and_answers(run_cli, dice_site):
    env = {"PYTHONPATH": str(dice_site)}
    plugins = {p["name"]: p for p in json.loads(run_cli("plugins", "--json", env=env).stdout)}
    assert plugins["dice"]["source"] == "entrypoint" and plugins["dice"]["version"] == "1.0.0"
    rolls = run_cli(
        "ask",
        "-",
        "--json",
        env=env,
        input="주사위 굴려줘\n" * 30 + "이랑아, 주사위 두 개 던져 줘\n",
    )
    turns = [json.loads(line) for line in rolls.stdout.splitlines()]
    singles = [t["data"]["values"][0] for t in turns[:30]]
    assert all(t["intent"] == "dice.roll" and t["plugin"] == "dice" for t in turns)
    assert set(singles) <= set(range(1, 7)) and len(set(singles)) > 1
    assert all(f"{v}" in t["reply"] for v, t in zip(singles, turns, strict=False))
    assert turns[-1]["slots"] == {"number": 2} and len(turns[-1]["data"]["values"]) == 2


def test_dice_plugin_from_plugin_paths(run_cli, tmp_path):
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(
        f"plugin_paths: ['{ROOT / 'examples/plugin-dice/assistant_dice'}']\n", encoding="utf-8"
    )
    result = run_cli("--config", str(cfg), "route", "--json", "주사위굴려")
    assert json.loads(result.stdout)["intent"] == "dice.roll"
