"""The interactive assistant driven through a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import json
import textwrap
import time

import pexpect
import pytest

from conftest import spawn_assistant

PLUGIN = """
import threading
from assistant import hookimpl
from assistant.types import Intent, Notification, SlashCommand

@hookimpl
def register_intents(register):
    register(Intent("echo.say", lambda r: "메아리: " + r.slots["what"], patterns=["메아리 {what}"],
                    keywords=["메아리"], examples=["메아리 안녕"], description="따라 말해요"))

@hookimpl
def register_slash_commands(register):
    register(SlashCommand("ping", "응답 확인", lambda app, arg: "퐁! " + arg))

@hookimpl
def startup(app):
    if app.interactive:
        note = Notification("라면 타이머가 끝났어요!", title="타이머", bell=True, plugin="echo")
        threading.Timer(2.5, app.notify, args=(note,)).start()
"""


@pytest.fixture
def repl(home, tmp_path):
    (tmp_path / "echo.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("plugin_paths: [echo.py]\n", encoding="utf-8")
    child = spawn_assistant(home, cfg)
    yield child
    if child.isalive():
        child.terminate(force=True)


def test_repl_session(repl, run_cli):
    repl.expect("이랑이에요")
    repl.expect("나>")
    repl.send("메아리 반")  # typing, not yet submitted, when the notification arrives
    repl.expect("라면 타이머가 끝났어요")
    repl.expect("\a")  # the terminal bell
    repl.send("가워\r")  # what was typed before the notification is still there
    repl.expect("메아리: 반가워")

    repl.send("/debug\r")
    repl.expect("디버그 표시를 켰어요")
    repl.send("메아리 둘\r")
    repl.expect(r"의도=echo\.say")

    repl.send("지워질 말")
    repl.sendintr()  # Ctrl-C cancels the current input only
    repl.send("/ping 하나\r")
    repl.expect("퐁! 하나")

    repl.send("/reset\r")
    repl.expect("대화 맥락을 지웠어요")
    repl.send("/없는명령\r")
    repl.expect("알 수 없는 명령")
    repl.send("/help\r")
    repl.expect("따라 말해요")
    repl.expect("나>")  # Ctrl-D only counts once the prompt holds the terminal again
    time.sleep(0.5)

    repl.sendeof()  # Ctrl-D exits cleanly
    repl.expect("안녕히 가세요")
    repl.expect(pexpect.EOF)
    # the process may still be finishing its background loading on a busy machine: wait for
    # it (close() alone would kill a process that takes more than a fraction of a second)
    deadline = time.monotonic() + 60
    while repl.isalive() and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = repl.isalive()
    repl.close()
    assert (alive, repl.exitstatus, repl.signalstatus) == (False, 0, None)

    history = json.loads(run_cli("history", "--json").stdout)
    texts = [row["text"] for row in history]
    assert "지워질 말" not in " ".join(texts)
    assert "메아리 반가워" in texts
    assert any(row["intent"] == "notification" and "라면" in row["reply"] for row in history)


def test_repl_reads_piped_input(run_cli, tmp_path):
    result = run_cli(input="안녕\n/quit\n무시될 말\n")
    assert result.returncode == 0
    assert "안녕히 가세요" in result.stdout
    assert "무시될 말" not in json.dumps(
        json.loads(run_cli("history", "--json").stdout), ensure_ascii=False
    )
