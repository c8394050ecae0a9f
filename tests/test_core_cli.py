"""The command line as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT, cli_env

BAD_PLUGIN = """
from assistant import hookimpl
from assistant.types import Intent

def _boom(request):
    raise RuntimeError("handler exploded")

@hookimpl
def register_intents(register):
    register(Intent("bad.boom", _boom, patterns=["폭발 테스트"], keywords=["폭발"]))
    raise RuntimeError("register exploded after registering")

@hookimpl
def normalize_utterance(text, app):
    raise RuntimeError("normalize exploded")

@hookimpl
def detect_emotion(text, app):
    raise RuntimeError("emotion exploded")

@hookimpl
def fallback_reply(request):
    raise RuntimeError("fallback exploded")

@hookimpl
def adjust_reply(reply, request):
    raise RuntimeError("adjust exploded")

@hookimpl
def startup(app):
    raise RuntimeError("startup exploded")

@hookimpl
def shutdown(app):
    raise RuntimeError("shutdown exploded")

@hookimpl
def register_commands(cli):
    raise RuntimeError("commands exploded")
"""

ECHO_PLUGIN = """
from assistant import hookimpl
from assistant.types import Intent
__version__ = "0.3"

@hookimpl
def register_intents(register):
    register(Intent("echo.say", lambda r: "메아리: " + r.slots["what"], patterns=["메아리 {what}"],
                    keywords=["메아리"], examples=["메아리 안녕"], description="따라 말해요"))
"""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _jsonl(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_ask_json_has_the_documented_fields(run_cli, tmp_path):
    _write(tmp_path / "echo.py", ECHO_PLUGIN)
    cfg = _write(tmp_path / "my.yaml", "plugin_paths: [echo.py]\n")
    result = run_cli("--config", str(cfg), "ask", "--json", "이랑아, 메아리 안녕하세요")
    assert result.returncode == 0, result.stderr
    (turn,) = _jsonl(result.stdout)
    assert set(turn) >= {"text", "intent", "slots", "reply", "emotion", "plugin", "elapsed_ms"}
    assert turn["intent"] == "echo.say" and turn["plugin"] == "echo"
    assert turn["reply"] == "메아리: 안녕하세요"
    assert turn["emotion"] is None and turn["elapsed_ms"] >= 0


def test_ask_stdin_answers_each_line_in_order_and_survives_bad_bytes(run_cli, tmp_path):
    _write(tmp_path / "echo.py", ECHO_PLUGIN)
    cfg = _write(tmp_path / "my.yaml", "plugin_paths: [echo.py]\n")
    data = (
        "메아리 하나\n\n메아리 둘\x07\x1b\n".encode()
        + b"\xff\xfe\xc3(\n"
        + "메아리 셋\n".encode()
        + b"\xff"
        + "메아리 ".encode()
        + b"\xfe"
        + "넷\n".encode()
    )
    result = run_cli("--config", str(cfg), "ask", "-", "--json", input=data)
    assert result.returncode == 0
    turns = _jsonl(result.stdout.decode())
    assert [t["reply"] for t in turns if t["intent"] == "echo.say"] == [
        "메아리: 하나",
        "메아리: 둘",
        "메아리: 셋",
        "메아리: 넷",  # undecodable bytes are dropped before routing, not read as words
    ]
    assert turns[1]["intent"] is None and "말씀" in turns[1]["reply"]  # empty line gets a message
    assert "4번째 줄" in result.stderr.decode()  # the undecodable line is named
    assert len(turns) == 6


def test_huge_and_emoji_only_input(run_cli):
    huge = run_cli("ask", "-", "--json", input="가" * 100_000 + "\n")
    assert huge.returncode == 0
    (turn,) = _jsonl(huge.stdout)
    assert turn["intent"] is None and "100,000자" in turn["reply"]
    emoji = run_cli("route", "--json", "😀😀😀")
    assert json.loads(emoji.stdout)["intent"] == "smalltalk"


def test_route_imports_no_model_library(home):
    code = textwrap.dedent(
        """
        import sys
        from assistant.cli import main
        sys.argv = ["assistant", "route", "--json", "5분 타이머 맞춰줘"]
        try:
            main()
        except SystemExit:
            pass
        heavy = [m for m in ("torch", "transformers", "tokenizers", "rich", "prompt_toolkit",
                             "assistant.loading", "assistant.training.options",
                             "assistant_plugins.smalltalk.commands",
                             "assistant_plugins.emotion.commands") if m in sys.modules]
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
    assert "HEAVY []" in result.stdout


def test_route_without_user_config_imports_neither_yaml_nor_importlib_metadata(home):
    """The cold start of a command (bench/cold_start.py): the defaults come from their JSON
    snapshot and entry points are read without importlib.metadata."""
    code = textwrap.dedent(
        """
        import sys
        from assistant.cli import main
        sys.argv = ["assistant", "route", "--json", "5분 타이머 맞춰줘"]
        try:
            main()
        except SystemExit:
            pass
        print("SLOW", [m for m in ("yaml", "importlib.metadata") if m in sys.modules])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=cli_env(home),  # no ASSISTANT_CONFIG
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert '"timer.start"' in result.stdout and "SLOW []" in result.stdout


def test_defaults_snapshot_is_current_and_reads_as_the_yaml(tmp_path, monkeypatch):
    from assistant import config

    assert config.DEFAULTS_SNAPSHOT.read_text(encoding="utf-8") == config.snapshot_defaults(), (
        "assistant.yaml changed: run  python -m assistant.config  to rewrite defaults.json"
    )
    data, lines = config._read_defaults()
    yaml_data, yaml_lines = config._read_yaml(config.DEFAULTS_PATH)
    assert config._same(data, yaml_data)
    assert list(lines.items()) == list(yaml_lines.items())
    stale = tmp_path / "defaults.json"
    stale.write_text(
        json.dumps({"source": "name: 옛날\n", "data": {"name": "옛날"}, "lines": []}),
        encoding="utf-8",
    )
    monkeypatch.setattr(config, "DEFAULTS_SNAPSHOT", stale)
    assert config._same(config._read_defaults()[0], yaml_data)  # stale: the YAML is read


def test_route_stdin_lists_normalized_text(run_cli):
    result = run_cli("route", "-", "--json", input="이랑아, 안녕?\n  \n")
    rows = _jsonl(result.stdout)
    assert rows[0]["normalized"] == "안녕" and rows[0]["intent"] == "smalltalk"
    assert set(rows[0]) >= {"text", "normalized", "intent", "slots", "confidence", "plugin"}
    assert rows[1]["intent"] is None and rows[1]["error"]


def test_history_is_private_and_listed(run_cli, home):
    run_cli("ask", "첫 번째 말")
    run_cli("ask", "두 번째 말")
    db = home / "history.db"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    rows = json.loads(run_cli("history", "-n", "1", "--json").stdout)
    assert [r["text"] for r in rows] == ["두 번째 말"]
    both = json.loads(run_cli("history", "--json").stdout)
    assert [r["text"] for r in both] == ["첫 번째 말", "두 번째 말"]
    assert "두 번째 말" in run_cli("history").stdout


def test_logging_false_writes_nothing(run_cli, home, tmp_path):
    cfg = _write(tmp_path / "quiet.yaml", "logging: false\n")
    run_cli("--config", str(cfg), "ask", "비밀 이야기")
    assert not (home / "history.db").exists()


def test_corrupt_history_is_kept_aside(run_cli, home):
    home.mkdir(parents=True)
    (home / "history.db").write_bytes(b"this is not sqlite" * 100)
    result = run_cli("ask", "안녕")
    assert result.returncode == 0
    assert "손상" in result.stderr
    aside = list(home.glob("history.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not sqlite")
    assert json.loads(run_cli("history", "--json").stdout)[-1]["text"] == "안녕"


def test_broken_yaml_names_file_and_line(run_cli, tmp_path):
    cfg = _write(tmp_path / "broken.yaml", "name: 이랑\nrouter:\n  min_confidence: [0.5\n")
    result = run_cli("--config", str(cfg), "route", "안녕")
    assert result.returncode == 2
    assert str(cfg) in result.stderr and "번째 줄" in result.stderr
    assert "Traceback" not in result.stderr


def test_wrong_type_names_key_and_line(tmp_path, run_cli):
    cfg = _write(tmp_path / "typed.yaml", "name: 이랑\nrouter:\n  min_confidence: 높게\n")
    result = run_cli("--config", str(cfg), "route", "안녕")
    assert result.returncode == 2
    assert f"{cfg}:3" in result.stderr and "router.min_confidence" in result.stderr


def test_config_from_environment_and_missing_file(run_cli, tmp_path):
    cfg = _write(tmp_path / "env.yaml", "name: 자비스\n")
    result = run_cli("route", "--json", "자비스, 안녕", env={"ASSISTANT_CONFIG": str(cfg)})
    assert json.loads(result.stdout)["normalized"] == "안녕"
    missing = run_cli("--config", str(tmp_path / "nope.yaml"), "route", "안녕")
    assert missing.returncode == 2 and "찾을 수 없어요" in missing.stderr


def test_unknown_plugin_settings_warn_but_run(run_cli, tmp_path):
    cfg = _write(tmp_path / "unknown.yaml", "plugins:\n  nosuchplugin:\n    enabled: true\n")
    result = run_cli("--config", str(cfg), "ask", "안녕")
    assert result.returncode == 0
    assert "nosuchplugin" in result.stderr and f"{cfg}:2" in result.stderr


def test_plugin_raising_everywhere_is_isolated(run_cli, tmp_path, home):
    _write(tmp_path / "bad.py", BAD_PLUGIN)
    _write(tmp_path / "echo.py", ECHO_PLUGIN)
    # Without the model plugins the bad fallback is the only one: its failure gets the apology.
    cfg = _write(
        tmp_path / "cfg.yaml",
        "plugin_paths: [bad.py, echo.py]\n"
        "plugins: {smalltalk: {enabled: false}, emotion: {enabled: false}}\n",
    )
    result = run_cli(
        "--config",
        str(cfg),
        "ask",
        "-",
        "--json",
        input="폭발 테스트\n메아리 살아있니\n그냥 잡담\n",
    )
    assert result.returncode == 0, result.stderr
    boom, echo, chat = _jsonl(result.stdout)
    assert boom["intent"] == "bad.boom" and "'bad' 기능에서 문제" in boom["reply"]
    assert echo["reply"] == "메아리: 살아있니"
    assert chat["intent"] == "smalltalk" and "'bad' 기능에서 문제" in chat["reply"]
    assert "Traceback" not in result.stderr
    log = (home / "assistant.log").read_text(encoding="utf-8")
    for hook in (
        "normalize_utterance",
        "adjust_reply",
        "startup",
        "handler bad.boom",
        "fallback_reply",
    ):
        assert f"plugin bad failed in {hook}" in log


def test_plugin_that_fails_to_import_is_reported_once_and_skipped(run_cli, tmp_path):
    _write(tmp_path / "broken.py", "import no_such_module_anywhere\n")
    _write(tmp_path / "echo.py", ECHO_PLUGIN)
    cfg = _write(tmp_path / "cfg.yaml", "plugin_paths: [broken.py, echo.py]\n")
    result = run_cli("--config", str(cfg), "ask", "-", input="메아리 하나\n메아리 둘\n")
    assert result.stdout.splitlines() == ["메아리: 하나", "메아리: 둘"]
    assert result.stderr.count("'broken'") == 1
    listing = {
        p["name"]: p for p in json.loads(run_cli("--config", str(cfg), "plugins", "--json").stdout)
    }
    assert (
        listing["broken"]["enabled"] is False
        and "ModuleNotFoundError" in listing["broken"]["error"]
    )


def test_plugins_listing_and_disabling(run_cli, tmp_path):
    _write(tmp_path / "plugs" / "echo.py", ECHO_PLUGIN)
    cfg = _write(tmp_path / "cfg.yaml", "plugin_paths: [plugs]\n")
    listing = {
        p["name"]: p for p in json.loads(run_cli("--config", str(cfg), "plugins", "--json").stdout)
    }
    echo = listing["echo"]
    assert echo == {
        **echo,
        "version": "0.3",
        "source": "local",
        "enabled": True,
        "hooks": ["register_intents"],
    }
    assert all(p["source"] == "builtin" for n, p in listing.items() if n != "echo")
    off = _write(
        tmp_path / "off.yaml", "plugin_paths: [plugs]\nplugins:\n  echo:\n    enabled: false\n"
    )
    listing = {
        p["name"]: p for p in json.loads(run_cli("--config", str(off), "plugins", "--json").stdout)
    }
    assert listing["echo"]["enabled"] is False and listing["echo"]["hooks"] == []
    assert (
        json.loads(run_cli("--config", str(off), "route", "--json", "메아리 안녕").stdout)["intent"]
        == "smalltalk"
    )
    table = run_cli("--config", str(cfg), "plugins")
    assert "echo" in table.stdout and "local" in table.stdout


def test_python_dash_m_and_help(run_cli):
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("ask", "route", "plugins", "history", "train", "eval", "help"):
        assert command in result.stdout


THREAD_PLUGIN = """
import threading
from assistant import hookimpl

def _crash():
    raise RuntimeError("background thread exploded")

@hookimpl
def startup(app):
    thread = threading.Thread(target=_crash, name="crashy")
    thread.start()
    thread.join()
"""


def test_exception_in_a_plugin_thread_goes_to_the_log_not_the_screen(run_cli, tmp_path, home):
    _write(tmp_path / "crashy.py", THREAD_PLUGIN)
    _write(tmp_path / "echo.py", ECHO_PLUGIN)
    cfg = _write(tmp_path / "cfg.yaml", "plugin_paths: [crashy.py, echo.py]\n")
    result = run_cli("--config", str(cfg), "ask", "메아리 괜찮니")
    assert result.returncode == 0
    assert result.stdout.strip() == "메아리: 괜찮니"
    assert "Traceback" not in result.stderr and "exploded" not in result.stderr
    log = (home / "assistant.log").read_text(encoding="utf-8")
    assert "uncaught exception in thread crashy" in log and "background thread exploded" in log
