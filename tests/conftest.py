"""Shared fixtures: a private data directory per test and a real CLI process runner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
#: for the tests that read the shared data sets (ChatbotData, KOTE) beside the checkout: they
#: are not in the repository, so a clone elsewhere skips these tests (CI has them)
needs_shared_data = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"no shared data sets at {SHARED_DATA}"
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh $ASSISTANT_HOME for this test (also set in this process)."""
    path = tmp_path / "home"
    monkeypatch.setenv("ASSISTANT_HOME", str(path))
    monkeypatch.delenv("ASSISTANT_CONFIG", raising=False)
    return path


def recorded_path(value: str) -> Path:
    """A path as the project records it in metadata and reports (``portable``: relative to
    the repository when it lies beside it, e.g. a pytest temp folder next to a checkout in
    /tmp, else absolute), resolved."""
    return (ROOT / value).resolve()


def cli_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        {
            "ASSISTANT_HOME": str(home),
            "PYTHONIOENCODING": "utf-8",
            "NO_COLOR": "1",
            "COLUMNS": "120",
        }
    )
    env.update(extra)
    return env


def spawn_assistant(
    home: Path,
    config: Path | None = None,
    *,
    term: str = "xterm",
    timeout: float = 30,
    columns: int = 120,
) -> Any:
    """The interactive assistant in a real pseudo-terminal (pexpect), colours on."""
    import pexpect

    env = cli_env(home, TERM=term)
    env.pop("NO_COLOR", None)
    args = ["-m", "assistant", *(["--config", str(config)] if config else [])]
    return pexpect.spawn(
        sys.executable,
        args,
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=timeout,
        dimensions=(40, columns),
    )


def interrupt_after(
    command: list[str], env: dict[str, str], marker: str, wait: float = 240
) -> tuple[int, str, str]:
    """Run ``command``; press Ctrl-C (SIGINT) once a stderr line starts with ``marker``.

    Returns (exit code, stdout, all of stderr).
    """
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    seen = []
    try:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            seen.append(line)
            if line.startswith(marker) or not line:
                break
        proc.send_signal(signal.SIGINT)
        stdout, rest = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, stdout, "".join(seen) + rest


@pytest.fixture
def run_cli(home: Path):
    """Run ``python -m assistant ARGS`` as a real process; returns CompletedProcess (text)."""

    def run(
        *args: str, input: str | bytes | None = None, timeout: float = 120, env: dict | None = None
    ):
        binary = isinstance(input, bytes)
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            input=input,
            capture_output=True,
            text=not binary,
            timeout=timeout,
            env={**cli_env(home), **(env or {})},
            cwd=ROOT,
        )

    return run


@pytest.fixture
def make_assistant(home: Path):
    """Build an in-process Assistant with all installed plugins and optional config overrides."""
    from assistant.app import App
    from assistant.config import Config, deep_merge, load_config
    from assistant.engine import Assistant
    from assistant.plugins import PluginHost

    made = []

    def make(
        overrides: dict | None = None, *, clock=None, interactive: bool = False, extra_plugins=None
    ):
        base = load_config(None)
        config = Config(deep_merge(base, overrides or {}), base.sources, base.key_lines)
        host = PluginHost(config)
        host.load(extra_plugins)
        app = App(config, home, interactive=interactive, clock=clock)
        assistant = Assistant(app, host)
        made.append(assistant)
        return assistant

    yield make
    for assistant in made:
        assistant.shutdown()
