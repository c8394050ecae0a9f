"""Weight-space interpolation ("model soup", WiSE-FT) of the shipped emotion model and a
fine-tune of it, for a few shares α of the fine-tune. Writes one model folder per α.

.venv/bin/python bench/emotion_soup.py --tuned runs/M1 --alpha 0.3 --alpha 0.5 --out runs/soup

θ = (1 − α)·θ_base + α·θ_tuned (plugins/emotion/soup.py); the temperature is fitted again on
``conversations_dev.tsv`` by the trainer's own calibration, as ``--calibration-data`` does.
Measure the folders with ``bench/emotion_dev_sweep.py`` and
``bench/emotion_dev_lexicon_openers.py`` (dev sets only).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant_plugins.emotion.classifier import resolve
from assistant_plugins.emotion.data import read_examples
from assistant_plugins.emotion.soup import interpolate_dirs

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "plugins" / "emotion" / "conversations_dev.tsv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="shipped")
    parser.add_argument("--tuned", type=Path, required=True)
    parser.add_argument("--alpha", type=float, action="append", required=True)
    parser.add_argument("--out", type=Path, required=True, help="folder for <tuned>-a<α>/")
    parser.add_argument("--max-length", type=int, default=96)
    args = parser.parse_args()
    base = resolve(args.base)
    rows = read_examples(DEV)
    for alpha in args.alpha:
        output = args.out / f"{args.tuned.name}-a{alpha}"
        record = interpolate_dirs(base, args.tuned, alpha, output, rows, args.max_length)
        print(output, record)


if __name__ == "__main__":
    main()
