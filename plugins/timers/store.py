"""The timers table: the source of truth, shared by every assistant process.

``timers.db`` in the data directory holds one plain row per timer or alarm
(no pickled state). Every change is committed before the caller replies, so a
``kill -9`` right after the confirmation loses nothing. Times are UTC epoch
seconds (``ends_at`` for running rows, ``remaining`` for paused ones), so
wall-clock and time-zone changes don't move a timer.

States: ``running`` -> ``fired`` (claimed by exactly one process when due),
``running`` <-> ``paused``; cancelled rows are deleted.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.store import StoreError, connect

from .recur import Rule

log = logging.getLogger("assistant.timers")

FILE_NAME = "timers.db"

TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('timer', 'alarm', 'reminder')),
    name TEXT NOT NULL DEFAULT '',
    duration REAL NOT NULL,            -- seconds as set (alarms: from creation to ring)
    created_at REAL NOT NULL,          -- UTC epoch seconds
    ends_at REAL,                      -- UTC epoch seconds (next ring); NULL while paused
    remaining REAL,                    -- seconds left; only while paused
    state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'fired')),
    fired_at REAL,                     -- UTC epoch seconds when it was last announced
    message TEXT NOT NULL DEFAULT '',  -- reminders: what to remember ("약 먹을 시간")
    repeat TEXT,                       -- JSON repeat rule (recur.Rule); NULL = one-off
    snoozed INTEGER NOT NULL DEFAULT 0 -- 1 once its last ring was snoozed ("5분만 더")
);
"""
SCHEMA = (
    TABLE.format(name="timers")
    + """
CREATE INDEX IF NOT EXISTS timers_by_state ON timers (state, ends_at);
"""
)
#: Schema version in ``PRAGMA user_version``: 0 = issue 3's table (no reminders), 2 = this one.
SCHEMA_VERSION = 2

#: Fired rows are kept this long (seconds) for the record, then purged.
KEEP_FIRED_SECONDS = 7 * 86400


@dataclass(frozen=True)
class TimerRow:
    id: int
    kind: str
    name: str
    duration: float
    created_at: float
    ends_at: float | None
    remaining: float | None
    state: str
    fired_at: float | None
    message: str = ""
    repeat: str | None = None
    snoozed: int = 0

    @property
    def rule(self) -> Rule | None:
        """The repeat rule of a repeating alarm or reminder, else None."""
        return Rule.from_json(self.repeat)

    def left(self, now: float) -> float:
        """Seconds left at ``now`` (epoch); 0 when due."""
        if self.state == "paused":
            return max(0.0, self.remaining or 0.0)
        return max(0.0, (self.ends_at or now) - now)


_COLUMNS = "id, kind, name, duration, created_at, ends_at, remaining, state, fired_at, message, repeat, snoozed"
_OLD_COLUMNS = "id, kind, name, duration, created_at, ends_at, remaining, state, fired_at"


def _locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class StoreBroken(StoreError):
    """timers.db failed in a way a retry won't fix; the service reopens it next time."""


def _store_error(exc: sqlite3.DatabaseError) -> StoreError:
    """A Korean StoreError for a sqlite error (details go to the log)."""
    if _locked(exc):
        return StoreError(LOCKED_MESSAGE)
    log.error("timers.db failed: %s", exc)
    return StoreBroken(
        f"타이머 저장 파일(timers.db)을 읽거나 쓰지 못했어요 ({exc}). 잠시 후 다시 말씀해 주세요."
    )


LOCKED_MESSAGE = "타이머 저장 파일(timers.db)을 다른 프로그램이 쓰고 있어서 지금은 바꿀 수 없어요. 잠시 후 다시 말씀해 주세요."


class TimerStore:
    """A connection to ``timers.db``; thread-safe (one lock around every statement)."""

    def __init__(self, path: Path, *, timeout: float = 3.0) -> None:
        self.path = path
        self.conn, self.moved_aside = connect(path, SCHEMA, timeout=timeout)
        self._lock = threading.RLock()
        self.migrated = False
        self._migrate()

    def _migrate(self) -> None:
        """Bring a timers.db of an older version up to :data:`SCHEMA_VERSION`, keeping every row.

        Version 0 (issue 3) had no ``message``/``repeat`` columns and a ``kind`` check
        without 'reminder'; SQLite can't change a CHECK, so the table is rebuilt in one
        transaction (another process migrating at the same time waits, then finds it done).
        """
        with self._lock:
            (version,) = self.conn.execute("PRAGMA user_version").fetchone()
            if version >= SCHEMA_VERSION:
                return
            with self._write() as conn:
                columns = {row[1] for row in conn.execute("PRAGMA table_info(timers)")}
                if "repeat" not in columns:
                    conn.execute("DROP TABLE IF EXISTS timers_v2")
                    conn.execute(TABLE.format(name="timers_v2"))
                    conn.execute(
                        f"INSERT INTO timers_v2 ({_OLD_COLUMNS}) SELECT {_OLD_COLUMNS} FROM timers"
                    )
                    conn.execute("DROP TABLE timers")
                    conn.execute("ALTER TABLE timers_v2 RENAME TO timers")
                    conn.execute(
                        "CREATE INDEX IF NOT EXISTS timers_by_state ON timers (state, ends_at)"
                    )
                    self.migrated = True
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT); sqlite errors -> StoreError."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as exc:
                raise _store_error(exc) from exc
            try:
                yield self.conn
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    raise _store_error(exc) from exc
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise _store_error(exc) from exc

    def _read(self, sql: str, args: tuple = ()) -> list[TimerRow]:
        with self._lock:
            try:
                rows = self.conn.execute(sql, args).fetchall()
            except sqlite3.DatabaseError as exc:
                raise _store_error(exc) from exc
        return [TimerRow(*r) for r in rows]

    # -- reading ---------------------------------------------------------------

    def active(self) -> list[TimerRow]:
        """Running and paused rows, soonest first (paused last), in creation order on ties."""
        return self._read(
            f"SELECT {_COLUMNS} FROM timers WHERE state IN ('running', 'paused')"
            " ORDER BY state = 'paused', COALESCE(ends_at, 0), id"
        )

    def pending(self, now: float) -> list[TimerRow]:
        """Rows still to come at ``now``: paused, or running and not yet due."""
        return [r for r in self.active() if r.state == "paused" or (r.ends_at or 0) > now]

    def due(self, now: float) -> list[TimerRow]:
        """Running rows whose end time has come."""
        return self._read(
            f"SELECT {_COLUMNS} FROM timers WHERE state = 'running' AND ends_at <= ? ORDER BY ends_at, id",
            (now,),
        )

    def get(self, timer_id: int) -> TimerRow | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM timers WHERE id = ?", (timer_id,))
        return rows[0] if rows else None

    def data_version(self) -> int:
        """Changes when another connection commits (``PRAGMA data_version``)."""
        with self._lock:
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    # -- writing ---------------------------------------------------------------

    def add(
        self,
        kind: str,
        name: str,
        duration: float,
        now: float,
        ends_at: float,
        *,
        max_active: int,
        message: str = "",
        repeat: str | None = None,
    ) -> TimerRow:
        """Insert a running timer/alarm (committed on return). StoreError when too many."""
        with self._write() as conn:
            (count,) = conn.execute(
                "SELECT COUNT(*) FROM timers WHERE state IN ('running', 'paused')"
            ).fetchone()
            if count >= max_active:
                raise StoreError(
                    f"타이머와 알람은 한 번에 {max_active}개까지만 둘 수 있어요. 필요 없는 것을 먼저 취소해 주세요."
                )
            cur = conn.execute(
                "INSERT INTO timers (kind, name, duration, created_at, ends_at, state, message, repeat)"
                " VALUES (?, ?, ?, ?, ?, 'running', ?, ?)",
                (kind, name, duration, now, ends_at, message, repeat),
            )
            timer_id = int(cur.lastrowid)
            conn.execute(
                "DELETE FROM timers WHERE state = 'fired' AND fired_at < ?",
                (now - KEEP_FIRED_SECONDS,),
            )
        row = self.get(timer_id)
        assert row is not None
        return row

    def delete(self, ids: list[int]) -> int:
        """Cancel: delete these rows if still active; returns how many were deleted."""
        with self._write() as conn:
            deleted = 0
            for timer_id in ids:
                cur = conn.execute(
                    "DELETE FROM timers WHERE id = ? AND state IN ('running', 'paused')",
                    (timer_id,),
                )
                deleted += cur.rowcount
        return deleted

    def pause(self, timer_id: int, now: float) -> TimerRow | None:
        """Freeze a running timer's remaining time; None if it is no longer running."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE timers SET state = 'paused', remaining = MAX(0, ends_at - ?), ends_at = NULL"
                " WHERE id = ? AND state = 'running' AND ends_at > ?",
                (now, timer_id, now),
            )
            changed = cur.rowcount == 1
        return self.get(timer_id) if changed else None

    def resume(self, timer_id: int, now: float) -> TimerRow | None:
        """Restart a paused timer from its remaining time; None if it is not paused."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE timers SET state = 'running', ends_at = ? + remaining, remaining = NULL"
                " WHERE id = ? AND state = 'paused'",
                (now, timer_id),
            )
            changed = cur.rowcount == 1
        return self.get(timer_id) if changed else None

    def extend(self, timer_id: int, seconds: float, now: float) -> TimerRow | None:
        """Add (or with a negative value, take) time; None if the timer is gone or due."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE timers SET ends_at = ends_at + ?, duration = duration + ?"
                " WHERE id = ? AND state = 'running' AND ends_at > ?",
                (seconds, seconds, timer_id, now),
            )
            if cur.rowcount == 0:
                cur = conn.execute(
                    "UPDATE timers SET remaining = remaining + ?, duration = duration + ?"
                    " WHERE id = ? AND state = 'paused'",
                    (seconds, seconds, timer_id),
                )
            changed = cur.rowcount == 1
        return self.get(timer_id) if changed else None

    def claim(self, timer_id: int, now: float) -> bool:
        """Mark a due one-off timer as fired; True only for the one process whose update won."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE timers SET state = 'fired', fired_at = ? WHERE id = ? AND state = 'running' AND ends_at <= ?",
                (now, timer_id, now),
            )
            return cur.rowcount == 1

    def claim_repeat(self, row: TimerRow, now: float, next_at: float) -> bool:
        """A due repeating row: move it to its next ring ``next_at``; True for the one winner.

        The row stays ``running``; ``fired_at`` records this ring (for "5분만 더").
        The update only applies while ``ends_at`` is still the due ring this process read.
        """
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE timers SET ends_at = ?, fired_at = ?, snoozed = 0 WHERE id = ? AND state = 'running'"
                " AND ends_at = ? AND ends_at <= ?",
                (next_at, now, row.id, row.ends_at, now),
            )
            return cur.rowcount == 1

    def move(self, timer_id: int, ends_at: float, expected: float | None) -> TimerRow | None:
        """Move a running row's next ring (skip one occurrence); None if it changed meanwhile."""
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE timers SET ends_at = ? WHERE id = ? AND state = 'running' AND ends_at = ?",
                (ends_at, timer_id, expected),
            )
            changed = cur.rowcount == 1
        return self.get(timer_id) if changed else None

    def recently_fired(self, since: float) -> list[TimerRow]:
        """Alarms and reminders announced at or after ``since``, the latest first."""
        return self._read(
            f"SELECT {_COLUMNS} FROM timers WHERE kind IN ('alarm', 'reminder')"
            " AND fired_at IS NOT NULL AND fired_at >= ? AND snoozed = 0 ORDER BY fired_at DESC, id DESC",
            (since,),
        )

    def mark_snoozed(self, timer_id: int) -> None:
        """Its last ring was snoozed: "5분만 더" again applies to the new snooze, not this."""
        with self._write() as conn:
            conn.execute("UPDATE timers SET snoozed = 1 WHERE id = ?", (timer_id,))
