"""Rebuild ``syllables.tsv``, the syllable statistics the typo recovery scores with.

Counts Hangul syllables and within-word syllable pairs ("^" marks the start of a
word, "$" its end) in Korean text files and keeps those seen at least
``--min-count`` times. Run it by hand; the assistant never runs it::

    python plugins/keyboard/make_syllable_table.py \\
        /path/to/ChatbotData.csv /path/to/kote/val.tsv -o plugins/keyboard/syllables.tsv

Only counts are written, no text of the sources. The shipped table was built
from the two files above (ChatbotData Q/A and the KOTE validation split).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

_WORD = re.compile("[가-힣]+")


def count(paths: list[Path]) -> tuple[Counter[str], Counter[str]]:
    """(syllable counts incl. "^" per word, pair counts "ab"/"^a"/"a$") of text files."""
    return count_texts(path.read_text(encoding="utf-8") for path in paths)


def count_texts(texts: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """The same counts over texts in memory (``bench/keyboard_recovery.py`` builds a
    table without its held-out comments this way)."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    for text in texts:
        for word in _WORD.findall(text):
            seq = ["^", *word, "$"]
            unigrams.update(seq[:-1])
            bigrams.update(a + b for a, b in zip(seq, seq[1:], strict=False))
    return unigrams, bigrams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path)
    parser.add_argument(
        "-o", "--output", type=Path, default=Path(__file__).with_name("syllables.tsv")
    )
    parser.add_argument("--min-count", type=int, default=2)
    args = parser.parse_args()
    unigrams, bigrams = count(args.sources)
    total = sum(n for s, n in unigrams.items() if s != "^")
    lines = [
        "# Hangul syllable statistics for keyboard typo recovery: key<TAB>count.",
        "# A 1-character key is a syllable (^ = words counted), a 2-character key a",
        "# pair of neighbours inside a word (^ = word start, $ = word end).",
        f"# Built by make_syllable_table.py from: {', '.join(p.name for p in args.sources)}",
        f"# total\t{total}",
    ]
    lines += [f"{s}\t{n}" for s, n in unigrams.most_common() if n >= args.min_count]
    lines += [f"{s}\t{n}" for s, n in bigrams.most_common() if n >= args.min_count]
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 5} entries ({total} syllables counted) -> {args.output}")


if __name__ == "__main__":
    main()
