"""Timers across real processes: set in one, list and cancel in another, survive kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone

from conftest import ROOT, cli_env
from timers_helpers import timers_json


def test_set_in_one_process_list_and_cancel_in_others(run_cli):
    started = time.time()
    result = run_cli("ask", "라면 타이머 5분 맞춰줘")
    assert result.returncode == 0, result.stderr
    assert "라면 타이머 5분 맞췄어요" in result.stdout
    run_cli("ask", "오후 3시에 회의 알림 해줘")

    listed = {t["name"]: t for t in timers_json(run_cli)}
    assert set(listed) == {"라면", "회의"}
    ramen = listed["라면"]
    assert (ramen["kind"], ramen["state"]) == ("timer", "running")
    assert 180 < ramen["remaining"] <= 300  # minus the time two subprocesses took
    ends = datetime.fromisoformat(ramen["ends_at"])
    assert ends.utcoffset().total_seconds() == 9 * 3600  # Asia/Seoul by default
    assert abs(ends.timestamp() - (started + 300)) < 30
    meeting = listed["회의"]
    assert meeting["kind"] == "alarm"
    assert datetime.fromisoformat(meeting["ends_at"]).astimezone(ends.tzinfo).hour == 15

    human = run_cli("timers")
    assert human.returncode == 0 and "라면" in human.stdout and "회의" in human.stdout

    cancelled = run_cli("ask", "라면 타이머 취소")
    assert "라면 타이머를 취소했어요" in cancelled.stdout
    assert [t["name"] for t in timers_json(run_cli)] == ["회의"]


def test_paused_timer_in_the_json_list(run_cli):
    run_cli("ask", "계란 타이머 10분")
    run_cli("ask", "타이머 잠깐 멈춰")
    (item,) = timers_json(run_cli)
    assert item["state"] == "paused"
    assert item["ends_at"] is None
    first = item["remaining"]
    time.sleep(0.5)
    assert timers_json(run_cli)[0]["remaining"] == first  # frozen while paused


def test_ask_json_carries_the_timer(run_cli):
    import json

    result = run_cli("ask", "--json", "90초 타이머")
    data = json.loads(result.stdout)
    assert data["intent"] == "timer.start"
    assert data["slots"] == {"duration": 90}
    assert data["data"]["timer"]["kind"] == "timer"


def test_parallel_writers_lose_nothing(home):
    """Four processes setting timers at the same moment: every one is stored."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "assistant", "ask", f"{minutes}분 타이머"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=cli_env(home),
            cwd=ROOT,
        )
        for minutes in (1, 2, 3, 4)
    ]
    outputs = [p.communicate(timeout=60)[0].decode("utf-8") for p in procs]
    assert all("맞췄어요" in out for out in outputs), outputs
    conn = sqlite3.connect(home / "timers.db")
    durations = sorted(d for (d,) in conn.execute("SELECT duration FROM timers"))
    assert durations == [60.0, 120.0, 180.0, 240.0]


def test_timer_survives_kill_right_after_the_reply(home):
    """SIGKILL as soon as the confirmation is printed: the timer must already be stored."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "5분 타이머"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(home),
        cwd=ROOT,
    )
    line = proc.stdout.readline().decode("utf-8")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert "맞췄어요" in line
    assert proc.returncode == -signal.SIGKILL
    rows = (
        sqlite3.connect(home / "timers.db").execute("SELECT state, duration FROM timers").fetchall()
    )
    assert rows == [("running", 300.0)]
    listing = subprocess.run(
        [sys.executable, "-m", "assistant", "timers", "--json"],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=ROOT,
        timeout=60,
    )
    assert '"duration": 300.0' in listing.stdout and '"state": "running"' in listing.stdout


def test_kill_in_the_middle_of_many_writes_keeps_every_confirmed_timer(home):
    """Kill -9 while a process is busy setting timers: the file stays sound, nothing confirmed is lost."""
    lines = "".join(f"{n}분 타이머\n" for n in range(1, 41)).encode("utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ask", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(home),
        cwd=ROOT,
    )
    proc.stdin.write(lines)
    proc.stdin.flush()
    confirmed = [proc.stdout.readline().decode("utf-8") for _ in range(12)]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert all("맞췄어요" in line for line in confirmed)
    conn = sqlite3.connect(home / "timers.db")
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = {int(d) // 60 for (d,) in conn.execute("SELECT duration FROM timers")}
    assert set(range(1, 13)) <= stored  # every confirmed one (and maybe a few more)


def test_timers_command_when_the_database_is_locked(run_cli, home, tmp_path):
    home.mkdir(parents=True, exist_ok=True)
    config = tmp_path / "fast-lock.yaml"
    config.write_text("plugins:\n  timers:\n    lock_timeout_seconds: 0.2\n", encoding="utf-8")
    locker = sqlite3.connect(home / "timers.db", isolation_level=None)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("CREATE TABLE other (x)")
    locker.execute("BEGIN EXCLUSIVE")
    try:
        result = run_cli("--config", str(config), "timers", "--json")
    finally:
        locker.close()
    assert result.returncode == 1
    assert "timers.db" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missed_timer_is_due_not_listed(run_cli, home):
    """A timer whose end passed with no assistant running is not 'running' any more."""
    run_cli("ask", "1초 타이머")
    time.sleep(1.2)
    assert timers_json(run_cli) == []
    rows = (
        sqlite3.connect(home / "timers.db").execute("SELECT state, ends_at FROM timers").fetchall()
    )
    assert rows[0][0] == "running" and rows[0][1] < datetime.now(timezone.utc).timestamp()
