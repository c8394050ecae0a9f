"""Classification figures: accuracy, macro-F1, per-class P/R/F1 and the confusion matrix.

Pure Python (no torch). ``confusion[i][j]`` counts examples of gold class ``labels[i]``
predicted as ``labels[j]``. Macro-F1 averages over the classes that occur in the gold data
or the predictions (a class absent from both says nothing about the model).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def report(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """The figures as a JSON-ready dict (keys ``accuracy``, ``macro_f1``, ``per_class``,
    ``confusion``, ``labels``, ``count``)."""
    labels = list(labels)
    for name in [*gold, *predicted]:
        if name not in labels:
            labels.append(name)
    index = {name: i for i, name in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        matrix[index[g]][index[p]] += 1
    per_class: dict[str, dict[str, float]] = {}
    f1s = []
    for i, name in enumerate(labels):
        tp = matrix[i][i]
        support = sum(matrix[i])
        predicted_n = sum(row[i] for row in matrix)
        precision = tp / predicted_n if predicted_n else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
        if support or predicted_n:
            f1s.append(f1)
    total = len(gold)
    correct = sum(matrix[i][i] for i in range(len(labels)))
    return {
        "count": total,
        "accuracy": round(correct / total, 4) if total else 0.0,
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else 0.0,
        "per_class": per_class,
        "labels": labels,
        "confusion": matrix,
    }


def confusion_png(result: dict[str, Any], path: str | Path, title: str = "") -> Path:
    """Draw the confusion matrix (row-normalised colours, counts written) into a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    labels = result["labels"]
    matrix = result["confusion"]
    korean = [f.name for f in font_manager.fontManager.ttflist if _is_korean_font(f.name)]
    # Without a Korean font, show class numbers and list the names in the title.
    names = labels if korean else [str(i) for i in range(len(labels))]
    if korean:
        plt.rcParams["font.family"] = korean[0]
    fig, ax = plt.subplots(figsize=(1.1 * len(labels) + 2.5, 1.0 * len(labels) + 2))
    rates = [[v / max(1, sum(row)) for v in row] for row in matrix]
    ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            ax.text(
                j,
                i,
                str(value),
                ha="center",
                va="center",
                color="white" if rates[i][j] > 0.6 else "black",
            )
    ax.set_xticks(range(len(labels)), names)
    ax.set_yticks(range(len(labels)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    legend = "" if korean else "  " + " ".join(f"{i}={_romanize(n)}" for i, n in enumerate(labels))
    ax.set_title(
        f"{title} acc={result['accuracy']:.3f} macro-F1={result['macro_f1']:.3f}{legend}".strip(),
        fontsize=9,
    )
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _is_korean_font(name: str) -> bool:
    lowered = name.lower()
    return any(
        key in lowered
        for key in (
            "nanum",
            "noto sans cjk",
            "noto sans kr",
            "malgun",
            "gulim",
            "apple sd gothic",
            "unfont",
            "baekmuk",
        )
    )


_ROMAN = {
    "일상": "neutral",
    "기쁨": "joy",
    "슬픔": "sadness",
    "분노": "anger",
    "불안": "anxiety",
    "우울": "depression",
}


def _romanize(label: str) -> str:
    return _ROMAN.get(label, label)
