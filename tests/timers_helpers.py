"""Helpers for the timers tests: a controllable clock and notification capture."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from assistant.types import Notification

SEOUL = ZoneInfo("Asia/Seoul")


class FakeClock:
    """A clock for ``make_assistant(clock=...)`` that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def seoul(hour: int, minute: int = 0, second: int = 0, day: int = 22) -> datetime:
    """A Seoul wall-clock time on 2026-11-`day`."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SEOUL)


class Inbox:
    """Collects the notifications an App delivers (attach with ``app.set_notifier``)."""

    def __init__(self) -> None:
        self.items: list[Notification] = []
        self._cond = threading.Condition()

    def __call__(self, note: Notification) -> None:
        with self._cond:
            self.items.append(note)
            self._cond.notify_all()

    def wait(self, count: int = 1, timeout: float = 5.0) -> list[Notification]:
        """Wait until ``count`` notifications arrived (or the timeout) and return all."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.items) < count and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            return list(self.items)

    @property
    def texts(self) -> list[str]:
        return [n.text for n in self.items]


def timers_json(run_cli) -> list[dict]:
    """``assistant timers --json`` in a real process, parsed."""
    result = run_cli("timers", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
