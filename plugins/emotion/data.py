"""Reading emotion data files into ``Example(text, label)`` rows of the six classes.

Formats (``--format``; ``auto`` looks at the file name and the first row):

- ``kote``: KOTE TSV without header: ``id<TAB>text<TAB>0-based label indices, comma-separated``.
  The label names come from ``labels.txt`` beside the file (or ``labels_file``); the row's
  class is decided by the weighted-vote rule of :mod:`.labels` (``kote_mapping.tsv``).
- ``chatbotdata``: ChatbotData CSV (``Q,A,label``); the question ``Q`` is the text and
  ``label`` 0/1/2 maps through ``chatbotdata_mapping.tsv``.
- ``aihub``: AI Hub 감성대화 tables (CSV or XLSX) with ``감정_대분류`` and ``사람문장1``
  (``aihub_mapping.tsv``; a mapped ``감정_소분류`` overrides the 대분류).
- ``tsv``: a plain table with header ``text<TAB>label`` (labels used as they are).

Files may be UTF-8, UTF-8 with BOM or CP949 (:func:`assistant.training.tables.read_table`).
Rows that can't be used are skipped and recorded in a ``SkipLog`` with file, row and reason.
This module imports no torch: the readers are cheap and tested on their own.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assistant.training.tables import DataError, Row, SkipLog, no_usable_rows, read_table

from . import labels as lab

log = logging.getLogger("assistant.emotion")

FORMATS = ("auto", "kote", "chatbotdata", "aihub", "tsv")
_INDICES = re.compile(r"^\s*\d+(\s*,\s*\d+)*\s*$")
MAX_TEXT_CHARS = 2000


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    file: str = ""
    row: int = 0


def detect_format(path: str | Path) -> str:
    """Guess the format of a data file from its first row (raises ``DataError`` if unknown)."""
    path = Path(path)
    first: list[str] = []
    for row in read_table(path, header=False):
        first = [str(v).strip().lstrip("\ufeff") for v in row.values]
        break
    names = set(first)
    if {"감정_대분류", "사람문장1"} <= names:
        return "aihub"
    if {"Q", "label"} <= names:
        return "chatbotdata"
    if {"text", "label"} <= names:
        return "tsv"
    if len(first) == 3 and _INDICES.match(first[2]):
        return "kote"
    raise DataError(
        f"'{path}' 파일의 형식을 알아낼 수 없어요. --format 으로 kote, chatbotdata, aihub, tsv "
        "중 하나를 지정해 주세요."
    )


def find_kote_labels(path: Path, labels_file: str | Path | None) -> list[str]:
    """KOTE label names: ``labels_file``, else ``labels.txt`` beside ``path``, else the default."""
    candidate = Path(labels_file) if labels_file else path.parent / "labels.txt"
    if labels_file and not candidate.is_file():
        raise DataError(f"라벨 이름 파일을 찾을 수 없어요: '{candidate}'")
    if candidate.is_file():
        names = [
            str(row.values[0]).strip()
            for row in read_table(candidate, header=False, delimiter="\t")
            if row.values and str(row.values[0]).strip()
        ]
        if not names:
            raise DataError(f"라벨 이름 파일이 비어 있어요: '{candidate}'")
        return names
    log.info("no labels.txt beside %s: using KOTE's published label order", path)
    return lab.kote_default_names()


def read_examples(
    path: str | Path,
    fmt: str = "auto",
    *,
    labels_file: str | Path | None = None,
    skip_log: SkipLog | None = None,
) -> list[Example]:
    """All usable examples of one file; bad rows go to ``skip_log``."""
    path = Path(path)
    skip_log = skip_log if skip_log is not None else SkipLog()
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in FORMATS:
        raise DataError(f"알 수 없는 데이터 형식이에요: '{fmt}' ({', '.join(FORMATS)})")
    if fmt == "kote":
        examples = list(_read_kote(path, find_kote_labels(path, labels_file), skip_log))
    else:
        reader = {"chatbotdata": _read_chatbotdata, "aihub": _read_aihub, "tsv": _read_tsv}[fmt]
        examples = list(reader(path, skip_log))
    if not examples:
        raise no_usable_rows(path, skip_log)
    return examples


def read_texts(
    path: str | Path,
    fmt: str = "auto",
    *,
    labels_file: str | Path | None = None,
    skip_log: SkipLog | None = None,
) -> list[str]:
    """Unlabeled text of one data file for masked-LM pretraining: the texts of
    :func:`read_examples`, and for ChatbotData the answers ``A`` as well."""
    path = Path(path)
    skip_log = skip_log if skip_log is not None else SkipLog()
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt != "chatbotdata":
        return [
            e.text for e in read_examples(path, fmt, labels_file=labels_file, skip_log=skip_log)
        ]
    texts = []
    for row in read_table(path, skip_log=skip_log):
        for key in ("Q", "A"):
            text = _text(row, key, skip_log)
            if text is not None:
                texts.append(text)
    if not texts:
        raise no_usable_rows(path, skip_log)
    return texts


def _text(row: Row, key: str | int, skip_log: SkipLog) -> str | None:
    text = " ".join(row.get(key).split())
    if not text:
        skip_log.skip(row, "문장이 비어 있음")
        return None
    if len(text) > MAX_TEXT_CHARS:
        skip_log.skip(row, f"문장이 너무 김 ({len(text)}자)")
        return None
    return text


def _read_kote(path: Path, names: list[str], skip_log: SkipLog) -> Iterable[Example]:
    for row in read_table(path, header=False, delimiter="\t", skip_log=skip_log):
        if len(row.values) != 3:
            skip_log.skip(row, f"열 개수가 3이 아님 ({len(row.values)})")
            continue
        text = _text(row, 1, skip_log)
        if text is None:
            continue
        raw = row.get(2)
        if not _INDICES.match(raw):
            skip_log.skip(row, "라벨 번호 형식이 잘못됨")
            continue
        indices = [int(x) for x in raw.split(",")]
        if any(i >= len(names) for i in indices):
            skip_log.skip(row, f"라벨 번호가 범위를 벗어남 (라벨 {len(names)}개)")
            continue
        label = lab.kote_class([names[i] for i in indices])
        if label is None:
            skip_log.skip(row, "라벨이 애매함 (동점)")
            continue
        yield Example(text, label, str(path), row.number)


def _read_chatbotdata(path: Path, skip_log: SkipLog) -> Iterable[Example]:
    table = lab.chatbotdata_table()
    for row in read_table(path, skip_log=skip_log):
        text = _text(row, "Q", skip_log)
        if text is None:
            continue
        label = table.get(row.get("label"))
        if label is None:
            skip_log.skip(row, f"알 수 없는 라벨 '{row.get('label')}'")
            continue
        yield Example(text, label, str(path), row.number)


def _read_aihub(path: Path, skip_log: SkipLog) -> Iterable[Example]:
    table = lab.aihub_table()
    for row in read_table(path, skip_log=skip_log):
        text = _text(row, "사람문장1", skip_log)
        if text is None:
            continue
        major = row.get("감정_대분류")
        label = table.get(("감정_소분류", row.get("감정_소분류"))) or table.get(
            ("감정_대분류", major)
        )
        if label is None:
            skip_log.skip(row, f"알 수 없는 감정_대분류 '{major}'")
            continue
        yield Example(text, label, str(path), row.number)


def _read_tsv(path: Path, skip_log: SkipLog) -> Iterable[Example]:
    for row in read_table(path, skip_log=skip_log):
        text = _text(row, "text", skip_log)
        if text is None:
            continue
        label = row.get("label")
        if not label:
            skip_log.skip(row, "라벨이 비어 있음")
            continue
        yield Example(text, label, str(path), row.number)


def label_set(examples: Iterable[Example]) -> list[str]:
    """The taxonomy of a data set: the six default classes in order when they cover it,
    else the default classes present followed by the others in order of appearance."""
    seen: list[str] = []
    for example in examples:
        if example.label not in seen:
            seen.append(example.label)
    if set(seen) <= set(lab.LABELS):
        return list(lab.LABELS)
    return [name for name in lab.LABELS if name in seen] + [
        name for name in seen if name not in lab.LABELS
    ]


#: Endings people add without changing what they feel: laughter on bad news ("최종면접까지 갔는데
#: 떨어졌다ㅋㅋㅋㅋ" is still sad, "생일날 야근 시켜주시고^^" still angry) and tears on good news
#: ("아빠 돼요ㅠㅠ" is still glad). Test set E (session 18) had 기쁨 read on five such remarks.
LAUGHTER = ("ㅋㅋ", "ㅋㅋㅋ", "ㅋㅋㅋㅋ", "ㅎㅎ", "^^", "ㅋ")
TEARS = ("ㅠㅠ", "ㅜㅜ", "ㅠ")
_MARKED = re.compile(r"[ㅋㅎㅠㅜ]|\^\^")


def marked_copies(rows: list[Example], fraction: float, seed: int) -> list[Example]:
    """Copies of about ``fraction`` of ``rows`` with a laughter ending (rows of every feeling
    but 기쁨) or a tears ending (기쁨 rows), label unchanged, so that neither mark decides the
    feeling. Rows that already have a mark are not copied; the choice is fixed by ``seed``."""
    rng = random.Random(seed)
    copies = []
    for row in rows:
        if _MARKED.search(row.text) or rng.random() >= fraction:
            continue
        ending = rng.choice(TEARS if row.label == lab.JOY else LAUGHTER)
        copies.append(Example(row.text.rstrip() + ending, row.label, row.file, row.row))
    return copies
