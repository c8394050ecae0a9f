"""The six default emotion classes and the data-driven mappings from other datasets' labels.

The mapping tables are shipped as data next to this module (documented in README.md):

- ``kote_mapping.tsv``: each of KOTE's 44 labels -> one class and a vote weight.
  KOTE is multi-label (the union of several annotators' choices). A row's class is
  decided by **weighted votes**: every label of the row adds its weight to its
  class; the class with the highest total wins. Neutral-ish labels (없음, 깨달음,
  신기함/관심, 놀람, 비장함, 재미없음) vote for 일상, so a row with only those is 일상.
  A tie between the two best classes makes the row ambiguous: it is skipped and
  counted (never guessed).
- ``chatbotdata_mapping.tsv``: ChatbotData's 0/1/2 -> 일상/슬픔/기쁨.
- ``aihub_mapping.tsv``: AI Hub 감성대화 ``감정_대분류`` (and a few ``감정_소분류``
  values that override it, e.g. 우울한 -> 우울).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: The default taxonomy, in this order (class ids 0..5).
LABELS: tuple[str, ...] = ("일상", "기쁨", "슬픔", "분노", "불안", "우울")
NEUTRAL = "일상"
#: the class whose wrong readings cost most (a cheerful opener on bad news)
JOY = "기쁨"
#: which side each default class is on (+1 good, -1 bad): a reply that already says a feeling
#: of one side gets no opener of the other (``tone.opposite_expressed``)
VALENCE: dict[str, int] = {"기쁨": 1, "슬픔": -1, "분노": -1, "불안": -1, "우울": -1}


@dataclass(frozen=True)
class KoteLabel:
    index: int
    name: str
    target: str
    weight: float


def _read_tsv(name: str) -> list[dict[str, str]]:
    with (HERE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@cache
def kote_table() -> dict[str, KoteLabel]:
    """KOTE label name -> its class and vote weight (from ``kote_mapping.tsv``)."""
    table = {}
    for row in _read_tsv("kote_mapping.tsv"):
        label = KoteLabel(int(row["index"]), row["label"], row["class"], float(row["weight"]))
        table[label.name] = label
    return table


def kote_default_names() -> list[str]:
    """KOTE's label names in their published order (used when no labels.txt is found)."""
    return [label.name for label in sorted(kote_table().values(), key=lambda lab: lab.index)]


def kote_class(names: list[str]) -> str | None:
    """The class of one KOTE row given its label names, or ``None`` when ambiguous (a tie)."""
    table = kote_table()
    votes: dict[str, float] = {}
    for name in names:
        label = table.get(name)
        if label is not None:
            votes[label.target] = votes.get(label.target, 0.0) + label.weight
    if not votes:
        return None
    ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


@cache
def chatbotdata_table() -> dict[str, str]:
    """ChatbotData label ('0', '1', '2') -> class."""
    return {row["label"]: row["class"] for row in _read_tsv("chatbotdata_mapping.tsv")}


@cache
def aihub_table() -> dict[tuple[str, str], str]:
    """(column, value) -> class for AI Hub 감성대화 tables."""
    return {(row["column"], row["value"]): row["class"] for row in _read_tsv("aihub_mapping.tsv")}
