"""The user's own (question -> answer) pairs: ``smalltalk_memory.jsonl`` in the data directory.

``assistant memory add "질문" "답"``, ``assistant memory list [--json]`` and
``assistant memory remove ID`` edit it; the small-talk pipeline searches it on every chat
turn (re-read when the file changes) and prefers its pairs over shipped ones at equal fit.
One JSON object per line: ``{"id": "u3", "utterance": ..., "reply": ..., "added": ISO time}``.
A broken line is skipped (counted, with its line number), never fatal, and kept: ``add`` and
``remove`` write it back unchanged after the pairs, for the user to mend.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant_plugins.smalltalk.memory import MemoryPair

FILE_NAME = "smalltalk_memory.jsonl"
MAX_CHARS = 300


class UserMemoryError(ValueError):
    """Bad input for the user memory; ``str(exc)`` is a Korean message."""


@dataclass(frozen=True)
class UserPair:
    id: str
    utterance: str
    reply: str
    added: str = ""

    def as_pair(self) -> MemoryPair:
        return MemoryPair(self.id, self.utterance, self.reply, None, "user")


def _clean(text: str, what: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    text = " ".join(text.split())
    if not text:
        raise UserMemoryError(f"{what}이 비어 있어요. 내용을 적어 주세요.")
    if len(text) > MAX_CHARS:
        raise UserMemoryError(
            f"{what}이 너무 길어요({len(text):,}자). {MAX_CHARS}자 이하로 적어 주세요."
        )
    return text


class UserMemory:
    """Read/write the user memory file."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        #: line numbers (1-based) of the lines :meth:`read` could not read, and those lines as
        #: they are: :meth:`_write` keeps them (after the pairs), so a hand edit is never lost
        self.skipped_rows: list[int] = []
        self._unread: list[str] = []

    @property
    def skipped(self) -> int:
        """How many lines the last :meth:`read` could not read."""
        return len(self.skipped_rows)

    def stamp(self) -> tuple[float, int] | None:
        """(mtime, size) of the file, None if absent: tells when to re-read it."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime, stat.st_size

    def read(self) -> list[UserPair]:
        self.skipped_rows, self._unread = [], []
        if not self.path.is_file():
            return []
        pairs = []
        for number, line in enumerate(
            self.path.read_text("utf-8", errors="replace").splitlines(), 1
        ):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pairs.append(
                    UserPair(
                        str(row["id"]),
                        _clean(str(row["utterance"]), "질문"),
                        _clean(str(row["reply"]), "답"),
                        str(row.get("added", "")),
                    )
                )
            except (ValueError, KeyError, TypeError):
                self.skipped_rows.append(number)
                self._unread.append(line)
        return pairs

    def _write(self, pairs: list[UserPair]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        with temporary.open("w", encoding="utf-8") as f:
            for pair in pairs:
                f.write(json.dumps(pair.__dict__, ensure_ascii=False) + "\n")
            for line in self._unread:  # kept as they were, for the user to mend
                f.write(line + "\n")
        os.replace(temporary, self.path)

    def add(self, utterance: str, reply: str, added: str = "") -> UserPair:
        question = _clean(utterance, "질문")
        answer = _clean(reply, "답")
        pairs = self.read()
        for pair in pairs:
            if pair.utterance == question and pair.reply == answer:
                raise UserMemoryError(f"이미 기억하고 있어요 ({pair.id}).")
        numbers = [int(p.id[1:]) for p in pairs if p.id[1:].isdigit()]
        # ... and the ids of unread lines, which the user may mend: never the same number twice
        numbers += [int(n) for line in self._unread for n in re.findall(r'"id":\s*"u(\d+)"', line)]
        pair = UserPair(f"u{max(numbers, default=0) + 1}", question, answer, added)
        self._write([*pairs, pair])
        return pair

    def remove(self, pair_id: str) -> UserPair:
        pairs = self.read()
        wanted = pair_id.strip()
        for pair in pairs:
            if pair.id == wanted:
                self._write([p for p in pairs if p.id != wanted])
                return pair
        known = ", ".join(p.id for p in pairs[:10]) or "없음"
        raise UserMemoryError(f"'{wanted}' 번호의 기억이 없어요. 지금 있는 번호: {known}")
