"""Write ``plugins/emotion/conversations_train_h.tsv`` and ``conversations_train_i.tsv`` from the
project's everyday exchanges (session 11; model card, "Session 11").

.venv/bin/python bench/emotion_everyday_train_files.py [--out DIR]

The utterances (column Q) of ``plugins/smalltalk/everyday/topics_*.tsv`` (not ``held_back/``):
label 0 (daily) as 일상 -> ``_h``, label 2 (positive) as weak 기쁨 -> ``_i``; label 1 is
not used (its feelings are of four classes). Left out: questions and requests for information
(``?`` or :func:`assistant.korean.requests_information`: run M1 used those, and the lexicon's
rule already reads them as 일상), repeats and sentences already in another training file, and
every sentence equal or near (half its character bigrams, the rule of
``tests/test_emotion_eval_sets.py``) to a sentence of an emotion evaluation set or of the seen
small-talk evaluation sets (``eval_prompts.tsv``, ``_b`` … ``_r``, so that
``bench/emotion_chat_readings.py`` is not flattered). The comparison is made by the program;
no evaluation sentence is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.korean import requests_information
from assistant_plugins.emotion.data import read_examples

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "emotion"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from emotion_chat_readings import SETS as CHAT_SETS  # noqa: E402
from emotion_chat_readings import read_remarks  # noqa: E402
from test_emotion_eval_sets import EVALUATION, bigrams, core  # noqa: E402

OUTPUTS = {"0": ("conversations_train_h.tsv", "일상"), "2": ("conversations_train_i.tsv", "기쁨")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=PLUGIN)
    args = parser.parse_args()
    references = [core(e.text) for path in EVALUATION for e in read_examples(path)]
    references += [core(r["text"]) for r in read_remarks(CHAT_SETS)]
    reference_bigrams = [bigrams(r) for r in references]
    mine = {name for name, _ in OUTPUTS.values()}
    own = {
        core(e.text)
        for path in sorted(PLUGIN.glob("conversations_train*.tsv"))
        if path.name not in mine
        for e in read_examples(path)
    }
    kept: dict[str, list[str]] = {label: [] for label in OUTPUTS}
    seen: set[str] = set()
    for path in sorted((ROOT / "plugins" / "smalltalk" / "everyday").glob("topics_*.tsv")):
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("#") or line.startswith("Q\t"):
                continue
            cells = line.split("\t")
            if len(cells) < 3 or cells[2] not in OUTPUTS:
                continue
            text = cells[0].strip()
            if "?" in text or requests_information(text):
                continue
            key = core(text)
            if key in seen or key in own:
                continue
            mine_bigrams = bigrams(key)
            if any(len(mine_bigrams & r) >= 0.5 * len(mine_bigrams | r) for r in reference_bigrams):
                continue
            seen.add(key)
            kept[cells[2]].append(text)
    for label, (name, emotion) in OUTPUTS.items():
        rows = "".join(f"{text}\t{emotion}\n" for text in kept[label])
        (args.out / name).write_text("text\tlabel\n" + rows, encoding="utf-8")
        print(f"{name}: {len(kept[label])} rows ({emotion})")


if __name__ == "__main__":
    main()
