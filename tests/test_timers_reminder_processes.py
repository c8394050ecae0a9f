"""Reminders and repeating alarms across real processes (issue 16).

Set with ``assistant ask``, listed by ``assistant timers --json`` in another process,
fired by the interactive assistant in a pseudo-terminal.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import spawn_assistant
from timers_helpers import timers_json

pexpect = pytest.importorskip("pexpect")

PROMPT = "나>"


def test_reminder_set_in_ask_listed_elsewhere_fired_by_the_assistant(run_cli, home):
    child = spawn_assistant(home)
    child.expect(PROMPT)
    run_cli("ask", "매주 월, 수, 금 저녁 8시에 운동하라고 알려줘")
    # Long enough to be listed before it rings, even when every process starts slowly on a
    # busy machine (it is listed right after it is set).
    said = run_cli("ask", "20초 뒤에 약 먹으라고 알려줘")
    assert said.returncode == 0, said.stderr
    assert "'약 먹을 시간'이라고 알려드릴게요" in said.stdout

    listed = timers_json(run_cli)
    weekly, soon = sorted(listed, key=lambda t: t["id"])  # in the order they were set
    assert (soon["kind"], soon["message"], soon["repeat"]) == ("reminder", "약 먹을 시간", None)
    assert soon["next_at"] == soon["ends_at"]
    assert weekly["message"] == "운동할 시간"
    assert weekly["repeat"] == {
        "repeat": "weekly",
        "time": "20:00",
        "weekdays": ["mon", "wed", "fri"],
    }
    next_at = datetime.fromisoformat(weekly["next_at"])
    assert next_at.utcoffset() == timedelta(hours=9)  # Asia/Seoul, the default zone
    assert (next_at.weekday(), next_at.hour, next_at.minute) in {(d, 20, 0) for d in (0, 2, 4)}
    human = run_cli("timers")
    assert "🏃 운동할 시간" in human.stdout and "매주 월·수·금요일 오후 8시" in human.stdout

    try:
        child.expect("💊 약 먹을 시간이에요", timeout=60)
        child.expect(PROMPT, timeout=5)
        child.sendline("5분만 더")
        child.expect("5분 뒤", timeout=10)
        child.expect("다시 알려드릴게요", timeout=5)
    finally:
        child.sendline("/quit")
        child.expect(pexpect.EOF)
        child.close()
    left = timers_json(run_cli)
    assert sorted(t["message"] for t in left) == ["약 먹을 시간", "운동할 시간"]  # snoozed + weekly


def test_repeating_alarm_fires_once_and_moves_to_its_next_ring(run_cli, home):
    said = run_cli("ask", "매일 아침 7시에 깨워줘")
    assert "매일 오전 7시마다 울리게 맞췄어요" in said.stdout, said.stdout
    (item,) = timers_json(run_cli)
    first, second = spawn_assistant(home), spawn_assistant(home)
    try:
        first.expect(PROMPT)
        second.expect(PROMPT)
        # Bring its ring forward to "now + 1 s" as if 7 o'clock had come.
        conn = sqlite3.connect(home / "timers.db")
        conn.execute("UPDATE timers SET ends_at = ? WHERE id = ?", (time.time() + 1, item["id"]))
        conn.commit()
        conn.close()
        rang = 0
        for child in (first, second):
            try:
                child.expect("알람 시간이에요!", timeout=15)  # generous: a busy machine
                rang += 1
            except pexpect.TIMEOUT:
                pass
        assert rang == 1  # exactly one of the two assistants announces it
    finally:
        for child in (first, second):
            child.sendline("/quit")
            child.expect(pexpect.EOF)
            child.close()
    (after,) = timers_json(run_cli)
    next_at = datetime.fromisoformat(after["next_at"]).astimezone(ZoneInfo("Asia/Seoul"))
    assert (next_at.hour, next_at.minute) == (7, 0)
    assert 0 < next_at.timestamp() - time.time() <= 86400 + 60
