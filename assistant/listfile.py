"""Plugins' list files: one entry per line, ``#`` comments and blank lines skipped.

The profanity guard and the safety plugin keep their rules this way (``words.txt``,
``crisis_patterns.txt``, ``false_friends.txt``), readable and editable by people.
"""

from __future__ import annotations

from pathlib import Path


def read_list(path: Path) -> list[str]:
    """Entries of a list file: one per line, ``#`` comments and blank lines skipped."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            entries.append(line)
    return entries
