"""SQLite helpers and the conversation log (``history.db`` in the data directory).

Databases are created readable by the user only. A file that is not a usable
SQLite database is moved aside (``NAME.corrupt-YYYYmmdd-HHMMSS``), never
overwritten, and a fresh one is started.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("assistant.store")


class StoreError(Exception):
    """A database that can't be used right now; the message is for the user (Korean)."""


def connect(
    path: Path, schema: str, *, timeout: float = 5.0
) -> tuple[sqlite3.Connection, Path | None]:
    """Open (creating, 0600) a SQLite file in autocommit mode and apply ``schema``.

    Returns the connection and, if the file was not a usable database, where
    the old file was moved aside (a fresh database is then started). Raises
    :class:`StoreError` when the file is locked or can't be opened at all.
    Use ``with conn:`` or explicit ``BEGIN IMMEDIATE`` for transactions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _open(path, schema, timeout), None
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"{path.name} 파일을 다른 프로그램이 잠그고 있어요. 잠시 후 다시 해 주세요."
            ) from exc
        if "unable to open" in str(exc):
            raise StoreError(f"{path} 파일을 열 수 없어요 ({exc}).") from exc
        aside = _move_aside(path, exc)
    except sqlite3.DatabaseError as exc:
        aside = _move_aside(path, exc)
    return _open(path, schema, timeout), aside


def _open(path: Path, schema: str, timeout: float) -> sqlite3.Connection:
    new = not path.exists()
    if new:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.executescript(schema)
        conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError:
        conn.close()
        raise
    with contextlib.suppress(OSError):
        path.chmod(0o600)
    return conn


def _move_aside(path: Path, exc: Exception) -> Path:
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    n = 1
    while aside.exists():
        aside = aside.with_name(f"{aside.name}.{n}")
        n += 1
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(aside.with_name(aside.name + suffix))
    log.error("database %s unusable (%s); kept aside as %s", path, exc, aside)
    return aside


HISTORY_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    text TEXT NOT NULL,
    normalized TEXT,
    intent TEXT,
    slots TEXT,
    reply TEXT,
    emotion TEXT,
    plugin TEXT,
    confidence REAL,
    elapsed_ms REAL
);
"""


class History:
    """The conversation log: one row per turn (or notification)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn, self.moved_aside = connect(path, HISTORY_SCHEMA)
        self._lock = threading.Lock()  # turns and notifications come from several threads

    def add(self, row: dict[str, Any]) -> None:
        with self._lock:
            self._insert(row)

    def _insert(self, row: dict[str, Any]) -> None:
        self.conn.execute(
            "INSERT INTO turns (at, text, normalized, intent, slots, reply, emotion, plugin, confidence, elapsed_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row["at"],
                row.get("text", ""),
                row.get("normalized"),
                row.get("intent"),
                json.dumps(row.get("slots") or {}, ensure_ascii=False, default=str),
                row.get("reply"),
                json.dumps(row.get("emotion"), ensure_ascii=False) if row.get("emotion") else None,
                row.get("plugin"),
                row.get("confidence"),
                row.get("elapsed_ms"),
            ),
        )

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The last ``limit`` turns, oldest first."""
        cur = self.conn.execute(
            "SELECT at, text, normalized, intent, slots, reply, emotion, plugin, confidence, elapsed_ms"
            " FROM turns ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        keys = [d[0] for d in cur.description]
        rows = [dict(zip(keys, r, strict=True)) for r in cur.fetchall()]
        for r in rows:
            r["slots"] = json.loads(r["slots"] or "{}")
            r["emotion"] = json.loads(r["emotion"]) if r["emotion"] else None
        return rows[::-1]

    def close(self) -> None:
        self.conn.close()
