"""한/영 typo recovery: recall on Korean the syllable table never saw, false positives on English.

Korean recall (exact recovery of a comment typed with the keyboard in English mode):

- ``kote_held_out``: every KOTE validation comment whose id is divisible by 5 (about 1,000;
  Hangul/digits/basic punctuation only, at least 2 syllables), recovered with a table built
  by ``make_syllable_table.py``'s recipe from ChatbotData Q/A + the OTHER KOTE comments:
  text disjoint from the table. This is the headline.
- ``kote_held_out_shipped_table`` and ``chatbotdata_in_sample``: the shipped table, which was
  built from these very texts (in-sample, for comparison only).

False positives (English left alone?), shipped table: English prose lines and distinct
English words from Python's own documentation (``pydoc_data.topics``, in every Python
install; code-like lines dropped).

In-run baseline: the same automaton without the syllable statistics ("convert whenever every
Latin word composes into complete syllables, >= 2 syllables"), what a simple converter does.

    .venv/bin/python bench/keyboard_recovery.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import re
import time
from collections.abc import Callable
from pathlib import Path

from assistant_plugins.keyboard.hangul import hangul_to_keys
from assistant_plugins.keyboard.make_syllable_table import count_texts
from assistant_plugins.keyboard.recover import SyllableModel, analyse, recover

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_TYPABLE = re.compile(r"[가-힣0-9 .,!?~]+")
_PROSE = re.compile(r"[A-Za-z][A-Za-z ,.'-]+")


def read_kote(path: Path) -> list[tuple[int, str]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0].isdigit():
                rows.append((int(parts[0]), parts[1]))
    return rows


def read_chatbot(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [(row["Q"], row["A"]) for row in csv.DictReader(handle)]


def typable(text: str) -> bool:
    text = " ".join(text.split())
    return bool(_TYPABLE.fullmatch(text)) and len(re.findall("[가-힣]", text)) >= 2


def english_text() -> tuple[list[str], list[str]]:
    """(prose lines, distinct words) of Python's documentation topics."""
    from pydoc_data.topics import topics

    lines, words = [], set()
    for body in topics.values():
        for raw in body.splitlines():
            line = " ".join(raw.split())
            if len(line.split()) >= 3 and _PROSE.fullmatch(line):
                lines.append(line)
            words.update(w for w in re.findall("[A-Za-z]+", raw) if len(w) >= 2)
    return sorted(set(lines)), sorted(words)


def rate(texts: list[str], convert: Callable[[str], str | None], expect_same: bool) -> dict:
    """Recall (``expect_same``: Korean typed in English mode comes back exactly) or the
    false-positive rate (English that gets converted)."""
    if expect_same:
        hits = sum(convert(hangul_to_keys(t)) == t for t in texts)
        return {"n": len(texts), "recovered": hits, "recall": round(hits / len(texts), 4)}
    hits = [t for t in texts if convert(t) is not None]
    return {
        "n": len(texts),
        "converted": len(hits),
        "rate": round(len(hits) / len(texts), 4),
        "examples": [f"{t} -> {convert(t)}" for t in hits[:8]],
    }


def well_formed_only(model: SyllableModel) -> Callable[[str], str | None]:
    def convert(text: str) -> str | None:
        found = analyse(text, model)
        return found.text if found is not None and found.syllables >= 2 else None

    return convert


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    started = time.perf_counter()
    kote = read_kote(args.data / "kote" / "val.tsv")
    chatbot = read_chatbot(args.data / "chatbotdata" / "ChatbotData.csv")
    held_out = [" ".join(t.split()) for i, t in kote if i % 5 == 0 and typable(t)]
    table_texts = [q for q, _ in chatbot] + [a for _, a in chatbot]
    table_texts += [t for i, t in kote if i % 5 != 0]
    disjoint = SyllableModel.from_counts(*count_texts(table_texts))
    shipped = None  # recover()'s default: the shipped syllables.tsv
    questions = [q for q, _ in chatbot if typable(q)]
    lines, words = english_text()

    def ours(model: SyllableModel | None) -> Callable[[str], str | None]:
        return lambda text: recover(text, model=model)

    from assistant_plugins.keyboard.recover import syllable_model

    result = {
        "bench": "keyboard_recovery",
        "korean_recall": {
            "kote_held_out": rate(held_out, ours(disjoint), True),
            "kote_held_out_shipped_table_in_sample": rate(held_out, ours(shipped), True),
            "chatbotdata_questions_in_sample": rate(questions, ours(shipped), True),
        },
        "english_false_positives": {
            "source": f"pydoc_data.topics (Python {platform.python_version()})",
            "lines": rate(lines, ours(shipped), False),
            "distinct_words": rate(words, ours(shipped), False),
        },
        "baseline_well_formed_only": {
            "kote_held_out_recall": rate(held_out, well_formed_only(disjoint), True)["recall"],
            "english_lines": rate(lines, well_formed_only(syllable_model()), False)["rate"],
            "english_words": rate(words, well_formed_only(syllable_model()), False)["rate"],
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
    recall = result["korean_recall"]
    fp = result["english_false_positives"]
    print(
        f"held-out KOTE recall {recall['kote_held_out']['recall']:.3f} "
        f"(in-sample: KOTE {recall['kote_held_out_shipped_table_in_sample']['recall']:.3f}, "
        f"ChatbotData {recall['chatbotdata_questions_in_sample']['recall']:.3f}); "
        f"English converted: {fp['lines']['converted']}/{fp['lines']['n']} lines, "
        f"{fp['distinct_words']['converted']}/{fp['distinct_words']['n']} words"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
