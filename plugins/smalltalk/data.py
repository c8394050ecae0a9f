"""Reading dialogue data for ``assistant train smalltalk`` / ``assistant eval smalltalk``.

Formats (``--format auto`` picks one per file):

- ``chatbotdata``: CSV/TSV with columns ``Q``, ``A`` and optional ``label``
  (the songys ChatbotData layout); one row = one (user, system) pair.
- ``aihub``: AI Hub 감성대화 style CSV/TSV/XLSX with ``사람문장1``, ``시스템문장1``,
  ``사람문장2``, ... and an optional ``감정_대분류``; one row = one dialogue,
  pairs taken in order until the first empty one.
- ``jsonl``: one JSON object per line, either ``{"dialog": ["user", "system", ...]}``
  or ``{"messages": [{"role": "user"|"assistant", "content": "..."}]}``
  (``system`` role messages are ignored; consecutive messages of one role are joined).
  An optional ``"emotion"`` field is kept.

Tables are read with :mod:`assistant.training.tables` (UTF-8, UTF-8-BOM or CP949).
Unusable rows (empty cells, duplicates, over-long turns, broken JSON) are skipped
and recorded in a ``SkipLog`` with file and row; a file with no usable dialogue
raises ``DataError``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("auto", "chatbotdata", "aihub", "jsonl")
JSONL_SUFFIXES = {".jsonl", ".json", ".ndjson"}
#: a turn longer than this (characters) is treated as broken data
MAX_TURN_CHARS = 500

_AIHUB_USER = re.compile(r"^사람문장\s*(\d+)$")
_AIHUB_SYSTEM = re.compile(r"^시스템(?:문장|응답)\s*(\d+)$")
_SPACE = re.compile(r"\s+")

REASON_EMPTY = "빈 칸"
REASON_DUPLICATE = "중복된 대화"
REASON_TOO_LONG = "너무 긴 문장"
REASON_JSON = "JSON 형식 오류"
REASON_SHAPE = "대화 형식이 아님"


@dataclass
class Dialogue:
    """Alternating turns starting with the user and ending with a system turn."""

    turns: list[str]
    emotion: str | None = None
    file: str = ""
    row: int = 0

    @property
    def pairs(self) -> int:
        return len(self.turns) // 2


@dataclass
class DataSet:
    """Dialogues read from all files, with the skip log and per-file facts."""

    dialogues: list[Dialogue] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    skipped: Any = None  # assistant.training.tables.SkipLog


def clean_turn(text: Any) -> str:
    return _SPACE.sub(" ", str(text or "")).strip()


def detect_format(path: Path) -> str:
    """The format of ``path`` from its suffix and header (``DataError`` if unknown)."""
    from assistant.training.tables import DataError, read_table

    if path.suffix.lower() in JSONL_SUFFIXES:
        return "jsonl"
    header: Sequence[str] = ()
    for row in read_table(path, header=False):
        header = [str(v).strip().lstrip("\ufeff") for v in row.values]
        break
    names = set(header)
    if {"Q", "A"} <= names:
        return "chatbotdata"
    if any(_AIHUB_USER.match(n) for n in names) and any(_AIHUB_SYSTEM.match(n) for n in names):
        return "aihub"
    shown = ", ".join(header[:6]) or "없음"
    raise DataError(
        f"'{path}' 파일의 형식을 알 수 없어요 (머리행: {shown}). "
        "Q,A 열(ChatbotData), 사람문장1/시스템문장1 열(AI Hub) 또는 JSONL 파일이어야 해요. "
        "--format 으로 직접 지정할 수도 있어요."
    )


def _chatbotdata(path: Path, skipped: Any) -> Iterator[Dialogue]:
    from assistant.training.tables import read_table

    for row in read_table(path, skip_log=skipped):
        q, a = clean_turn(row.get("Q")), clean_turn(row.get("A"))
        if not q or not a:
            skipped.skip(row, REASON_EMPTY)
            continue
        label = row.get("label") or None  # row.get strips: "2   " -> "2"
        yield Dialogue([q, a], label, str(path), row.number)


def _aihub(path: Path, skipped: Any) -> Iterator[Dialogue]:
    from assistant.training.tables import read_table

    for row in read_table(path, skip_log=skipped):
        values = row.values if isinstance(row.values, dict) else {}
        users = {int(m.group(1)): k for k in values if (m := _AIHUB_USER.match(k))}
        systems = {int(m.group(1)): k for k in values if (m := _AIHUB_SYSTEM.match(k))}
        turns: list[str] = []
        for i in sorted(users):
            u = clean_turn(row.get(users[i]))
            s = clean_turn(row.get(systems[i])) if i in systems else ""
            if not u or not s:
                break
            turns += [u, s]
        if not turns:
            skipped.skip(row, REASON_EMPTY)
            continue
        emotion = row.get("감정_대분류") or None
        yield Dialogue(turns, emotion, str(path), row.number)


def _jsonl_turns(obj: Any) -> list[str] | None:
    if not isinstance(obj, dict):
        return None
    if isinstance(obj.get("dialog"), list):
        turns = [clean_turn(t) for t in obj["dialog"] if isinstance(t, str)]
        if len(turns) != len(obj["dialog"]) or any(not t for t in turns):
            return None
        return turns[: len(turns) // 2 * 2]
    messages = obj.get("messages")
    if not isinstance(messages, list):
        return None
    turns: list[str] = []
    roles: list[str] = []
    for message in messages:
        if not isinstance(message, dict):
            return None
        role = {"user": "user", "human": "user", "assistant": "assistant", "bot": "assistant"}.get(
            str(message.get("role", "")).lower()
        )
        content = clean_turn(message.get("content"))
        if role is None or not content:
            continue
        if not roles and role != "user":
            continue  # a reply before any user turn has no prompt
        if roles and roles[-1] == role:
            turns[-1] += " " + content
        else:
            turns.append(content)
            roles.append(role)
    return turns[: len(turns) // 2 * 2]


def _jsonl(path: Path, skipped: Any) -> Iterator[Dialogue]:
    from assistant.training.tables import DataError, detect_encoding

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"'{path}' 파일을 읽을 수 없어요: {exc.strerror or exc}") from exc
    text = data.decode(detect_encoding(data, path))
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            skipped.add(path, number, REASON_JSON)
            continue
        turns = _jsonl_turns(obj)
        if turns is None:
            skipped.add(path, number, REASON_SHAPE)
            continue
        if not turns:
            skipped.add(path, number, REASON_EMPTY)
            continue
        emotion = obj.get("emotion") if isinstance(obj.get("emotion"), str) else None
        yield Dialogue(turns, clean_turn(emotion) or None, str(path), number)


READERS = {"chatbotdata": _chatbotdata, "aihub": _aihub, "jsonl": _jsonl}


def read_dialogues(paths: Iterable[str | Path], fmt: str = "auto", skipped: Any = None) -> DataSet:
    """Read every file; skips go to ``skipped`` (a new ``SkipLog`` if None)."""
    from assistant.training.tables import DataError, SkipLog, no_usable_rows, sha256_file

    if fmt not in FORMATS:
        raise DataError(f"알 수 없는 데이터 형식 '{fmt}' ({', '.join(FORMATS)} 중 하나여야 해요).")
    skipped = skipped if skipped is not None else SkipLog()
    result = DataSet(skipped=skipped)
    seen: set[tuple[str, ...]] = set()
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise DataError(f"데이터 파일을 찾을 수 없어요: '{path}'")
        kind = detect_format(path) if fmt == "auto" else fmt
        count = 0
        for dialogue in READERS[kind](path, skipped):
            if any(len(t) > MAX_TURN_CHARS for t in dialogue.turns):
                skipped.add(path, dialogue.row, REASON_TOO_LONG)
                continue
            key = tuple(dialogue.turns)
            if key in seen:
                skipped.add(path, dialogue.row, REASON_DUPLICATE)
                continue
            seen.add(key)
            result.dialogues.append(dialogue)
            count += 1
        if count == 0:
            raise no_usable_rows(path, skipped)
        result.files.append(
            {
                "path": str(path.resolve()),
                "format": kind,
                "dialogues": count,
                "sha256": sha256_file(path),
            }
        )
    return result


def user_prompts(dialogues: Sequence[Dialogue], limit: int) -> list[tuple[str, str]]:
    """Distinct first user turns with their reference replies, in order, for reply checks."""
    prompts: list[tuple[str, str]] = []
    seen: set[str] = set()
    for dialogue in dialogues:
        first = dialogue.turns[0]
        if first not in seen:
            seen.add(first)
            prompts.append((first, dialogue.turns[1]))
            if len(prompts) >= limit:
                break
    return prompts
