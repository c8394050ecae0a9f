"""A cache of web answers in a SQLite file of the data directory (``weather.db``, ``stocks.db``).

Shared by the plugins that call web APIs. Only answers that were parsed and
checked are stored (as JSON text), so a broken server reply can never poison
the cache. Entries are keyed by provider,
kind and request, and stamped with the time they were fetched (epoch seconds
from the app clock). A cache that can't be opened or written is logged and
skipped: the answer is still fetched.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

from assistant.store import StoreError, connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    fetched_at REAL NOT NULL,
    body TEXT NOT NULL
);
"""


class JsonCache:
    """get/put of JSON values with their fetch time; every failure is logged, never raised.

    ``name`` (``weather``) names the logger (``assistant.NAME``) and the log lines.
    """

    def __init__(self, path: Path, name: str) -> None:
        self.path = path
        self.name = name
        self.log = logging.getLogger(f"assistant.{name}")
        self._conn: sqlite3.Connection | None = None
        self._failed = False
        self.moved_aside: Path | None = None

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is None and not self._failed:
            try:
                self._conn, self.moved_aside = connect(self.path, SCHEMA, timeout=2.0)
            except (StoreError, sqlite3.Error, OSError) as exc:
                self.log.error(
                    "%s cache %s unusable, going on without it: %s", self.name, self.path, exc
                )
                self._failed = True
                return None
            if self.moved_aside:
                self.log.warning(
                    "%s cache was damaged; kept aside as %s", self.name, self.moved_aside
                )
        return self._conn

    def get(self, key: str) -> tuple[float, Any] | None:
        """``(fetched_at, value)`` or None when absent or unreadable."""
        conn = self._connection()
        if conn is None:
            return None
        try:
            row = conn.execute(
                "SELECT fetched_at, body FROM answers WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error as exc:
            self.log.error("%s cache read failed: %s", self.name, exc)
            return None
        if row is None:
            return None
        try:
            return float(row[0]), json.loads(row[1])
        except (TypeError, ValueError) as exc:
            self.log.error("%s cache entry %s unreadable, ignoring it: %s", self.name, key, exc)
            return None

    def put(self, key: str, fetched_at: float, value: Any) -> None:
        conn = self._connection()
        if conn is None:
            return
        try:
            body = json.dumps(value, ensure_ascii=False)
            with conn:
                conn.execute(
                    "INSERT OR REPLACE INTO answers (key, fetched_at, body) VALUES (?, ?, ?)",
                    (key, fetched_at, body),
                )
        except (sqlite3.Error, TypeError, ValueError) as exc:
            self.log.error("%s cache write failed: %s", self.name, exc)

    def prune(self, older_than: float, prefix: str = "") -> None:
        """Drop entries whose key starts with ``prefix`` fetched before ``older_than`` (epoch s)."""
        conn = self._connection()
        if conn is None:
            return
        try:
            with conn:
                conn.execute(
                    "DELETE FROM answers WHERE fetched_at < ? AND substr(key, 1, ?) = ?",
                    (older_than, len(prefix), prefix),
                )
        except sqlite3.Error as exc:
            self.log.error("%s cache prune failed: %s", self.name, exc)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
