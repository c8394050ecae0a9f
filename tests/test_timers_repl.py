"""The notification path through the real interactive assistant in a pseudo-terminal.

A timer set from another process (``assistant ask``) must pop up above the
waiting prompt within a second of its end, ring the bell and be recorded in
the history; with two assistants open it pops up in exactly one.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT, cli_env

pexpect = pytest.importorskip("pexpect")

PROMPT = "나>"


def spawn_repl(home):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "assistant"],
        cwd=str(ROOT),
        env=cli_env(home),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.expect(PROMPT)
    return child


def ask(home, text):
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", text],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def quit_repl(child):
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    child.close()


def fired_rows(home):
    conn = sqlite3.connect(home / "timers.db")
    try:
        return conn.execute(
            "SELECT name, ends_at, fired_at FROM timers WHERE state = 'fired'"
        ).fetchall()
    finally:
        conn.close()


def test_timer_set_elsewhere_pops_up_above_the_prompt(home):
    child = spawn_repl(home)
    try:
        assert "맞췄어요" in ask(home, "라면 타이머 1초")
        child.expect("라면 타이머\\(1초\\)가 끝났어요!", timeout=10)
        child.expect("\a", timeout=5)  # the terminal bell
        child.expect(PROMPT, timeout=5)  # the prompt is back, still waiting for input
        ((name, ends_at, fired_at),) = fired_rows(home)
        assert name == "라면"
        assert 0 <= fired_at - ends_at < 5.0  # never early; on time even on a busy machine
        # The REPL itself keeps working and its own timers fire too.
        child.sendline("2초 타이머")
        child.expect("2초 타이머 맞췄어요")
        child.expect("2초 타이머가 끝났어요!", timeout=10)
    finally:
        quit_repl(child)
    history = subprocess.run(
        [sys.executable, "-m", "assistant", "history", "--json"],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=ROOT,
        timeout=60,
    )
    fired = [t["reply"] for t in json.loads(history.stdout) if t["intent"] == "timer.fired"]
    assert fired == ["라면 타이머(1초)가 끝났어요!", "2초 타이머가 끝났어요!"]


def test_missed_timer_is_announced_when_the_assistant_starts(home):
    ask(home, "계란 타이머 1초")
    time.sleep(1.3)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "assistant"],
        cwd=str(ROOT),
        env=cli_env(home),
        encoding="utf-8",
        timeout=30,
    )
    try:
        child.expect("놓친 타이머가 있어요: 계란 \\(방금 끝났어요\\)")
        child.expect(PROMPT)
    finally:
        quit_repl(child)
    # announced once: the row is no longer due for the next start (see also test_timers_scheduling)
    assert [name for name, _, _ in fired_rows(home)] == ["계란"]


@pytest.mark.slow
def test_two_assistants_one_notification(home):
    first, second = spawn_repl(home), spawn_repl(home)
    try:
        ask(home, "1초 타이머")
        shown = 0
        for child in (first, second):
            try:
                # generous: only a missing or a second notification fails, not a slow machine
                child.expect("1초 타이머가 끝났어요!", timeout=15)
                shown += 1
            except pexpect.TIMEOUT:
                pass
        assert shown == 1
        assert len(fired_rows(home)) == 1
    finally:
        quit_repl(first)
        quit_repl(second)
