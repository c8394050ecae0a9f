"""The project's own everyday exchanges for the reply memory (``plugins/smalltalk/everyday/``).

ChatbotData is mostly about love, break-ups and a little daily life, so everyday remarks
("첫눈 왔어", "빨래 돌려 놨어") used to find a lexically similar but off-topic pair. The
project wrote its own everyday (remark -> reply) exchanges, MIT like the rest of the
repository, in ``everyday/*.tsv``:

- ``#`` lines are comments; the first other line is the header ``Q<TAB>A<TAB>label``;
- one exchange per line: what a user says, 이랑's reply, and the feeling of the remark
  as in ChatbotData (0 daily, 1 negative, 2 positive).

``assistant train smalltalk --stage memory`` indexes them **into the same memory** as the
dialogue data (one BM25 index, so scores, IDF and the neighbour vote are shared), with row
ids ``everyday:<file stem>:<line>``; a reply taken from one of them is reported as source
``everyday`` (``ask --json`` ``data.smalltalk.source``). ``--no-everyday-data`` (or
``plugins.smalltalk.training.everyday_data: false``) builds a memory from your data alone.

Rows that can't be used (wrong number of columns, an empty cell, a label other than 0/1/2,
an over-long turn, a remark already seen) are skipped and counted with file and line, like
the dialogue readers do. Plain line splitting, not ``csv``: replies may start with a quote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from assistant_plugins.smalltalk.data import (
    MAX_TURN_CHARS,
    REASON_DUPLICATE,
    REASON_EMPTY,
    REASON_TOO_LONG,
    clean_turn,
)
from assistant_plugins.smalltalk.memory import MemoryPair

HERE = Path(__file__).resolve().parent
EVERYDAY_DIR = HERE / "everyday"
ID_PREFIX = "everyday:"
SOURCE = "everyday"
HEADER = ("Q", "A", "label")
NOTICE = (
    "Everyday exchanges (plugins/smalltalk/everyday/*.tsv) written by the 이랑 project "
    "itself, MIT License like the rest of the repository (no third-party text)"
)
REASON_COLUMNS = "열 개수가 맞지 않음"
REASON_LABEL = "라벨이 0/1/2가 아님"
REASON_HELD_OUT = "검증 분할의 질문과 같음"
_PUNCT = re.compile(r"[\W_]+")


def everyday_files(directory: Path = EVERYDAY_DIR) -> list[Path]:
    """The shipped exchange files, in name order (none if the folder is missing)."""
    return sorted(directory.glob("*.tsv")) if directory.is_dir() else []


def is_everyday(pair: MemoryPair) -> bool:
    return pair.id.startswith(ID_PREFIX)


def normalized(text: str) -> str:
    """``text`` without spaces and punctuation (for "is this the same remark?")."""
    return _PUNCT.sub("", unicodedata.normalize("NFC", text)).lower()


def read_everyday(paths: Iterable[Path], skipped: Any = None) -> list[MemoryPair]:
    """Every usable exchange of ``paths``; unusable rows go to ``skipped`` (a ``SkipLog``).

    A file that can't be decoded or has no ``Q/A/label`` header raises ``DataError``.
    """
    from assistant.training.tables import DataError, SkipLog, detect_encoding

    skipped = skipped if skipped is not None else SkipLog()
    pairs: list[MemoryPair] = []
    seen: set[str] = set()
    for path in paths:
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DataError(f"'{path}' 파일을 읽을 수 없어요: {exc.strerror or exc}") from exc
        text = data.decode(detect_encoding(data, path)).lstrip("\ufeff")
        header_seen = False
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in line.split("\t")]
            if not header_seen:
                if tuple(cells) != HEADER:
                    raise DataError(
                        f"'{path}' {number}행: 머리행이 Q, A, label 이어야 해요 "
                        f"(지금: {', '.join(cells[:4])})"
                    )
                header_seen = True
                continue
            if len(cells) != len(HEADER):
                skipped.add(path, number, f"{REASON_COLUMNS} ({len(cells)}/{len(HEADER)})")
                continue
            q, a = clean_turn(cells[0]), clean_turn(cells[1])
            if not q or not a:
                skipped.add(path, number, REASON_EMPTY)
                continue
            if cells[2] not in ("0", "1", "2"):
                skipped.add(path, number, REASON_LABEL)
                continue
            if len(q) > MAX_TURN_CHARS or len(a) > MAX_TURN_CHARS:
                skipped.add(path, number, REASON_TOO_LONG)
                continue
            key = normalized(q)
            if key in seen:
                skipped.add(path, number, REASON_DUPLICATE)
                continue
            seen.add(key)
            pairs.append(
                MemoryPair(f"{ID_PREFIX}{path.stem}:{number}", q, a, int(cells[2]), path.name)
            )
        if not header_seen:
            raise DataError(f"'{path}' 파일에 머리행(Q, A, label)이 없어요.")
    return pairs


def without_held_out(
    pairs: Sequence[MemoryPair], held_out: Iterable[str], skipped: Any
) -> list[MemoryPair]:
    """``pairs`` minus those whose remark is a held-out utterance (spaces/punctuation aside).

    The held-out split stays unseen: the memory must not find a held-out question verbatim,
    even with another reply.
    """
    held = {normalized(t) for t in held_out}
    kept = []
    for pair in pairs:
        if normalized(pair.utterance) in held:
            skipped.add(pair.source, int(pair.id.rsplit(":", 1)[1]), REASON_HELD_OUT)
            continue
        kept.append(pair)
    return kept
