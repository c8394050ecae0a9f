"""``assistant train smalltalk --stage memory``: build the reply memory and fit the selection rule.

1. Read the dialogue data (same readers as the generator) and take the **training split**
   (the generator's fixed-seed split: ``eval_split``/``seed`` from the model's
   ``metadata.json`` when there is one, else the command's), so held-out pairs never enter
   the memory. ``--memory-split all`` keeps everything (for your own data).
2. Fit the :class:`~assistant_plugins.smalltalk.pipeline.Weights` on a dev split carved out of
   the training split (5 %, seed + 1): a temporary memory of the rest answers each dev
   utterance; a small grid search picks the weights whose chosen reply is closest (character-
   bigram F1) to the true reply. The reported held-out and eval-prompt figures never see it.
3. Index all training pairs and save ``<output>/memory/`` with ``pipeline.json`` (weights and
   dev figures), the data's licence (a ``LICENSE`` file next to a data file is copied as
   ``LICENSE-<data file name>``) and ``NOTICE.txt`` (attribution).
"""

from __future__ import annotations

import itertools
import json
import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant_plugins.smalltalk.data import Dialogue
from assistant_plugins.smalltalk.memory import MemoryPair, ReplyMemory
from assistant_plugins.smalltalk.pipeline import (
    Candidate,
    ReplyPipeline,
    Weights,
    load_persona,
    pair_mood,
)

log = logging.getLogger("assistant.smalltalk")

DEV_FRACTION = 0.05
ATTRIBUTION = {
    "ChatbotData": (
        "ChatbotData by songys (https://github.com/songys/Chatbot_data), "
        "MIT License, Copyright (c) 2018: see LICENSE-ChatbotData.csv"
    )
}
GRID: dict[str, Sequence[float]] = {
    "fit": (0.5, 1.0, 2.0),
    "vote": (0.0, 0.5, 1.0, 2.0, 4.0),
    "generated_fit": (0.0, 0.2, 0.4, 0.6),
    "min_fit": (0.2, 0.3, 0.4, 0.5, 0.6),
    "emotion": (0.0, 0.1, 0.3),
}
SELECTOR_GRID = (0.0, 0.5, 1.0, 2.0)


def memory_pairs(dialogues: Sequence[Dialogue]) -> list[MemoryPair]:
    """One pair per system turn: (the user turn before it, the system turn)."""
    pairs = []
    for d in dialogues:
        stem = Path(d.file).stem or "data"
        label: int | None = None
        emotion: str | None = None
        if d.emotion is not None:
            if str(d.emotion).strip().isdigit():
                label = int(str(d.emotion).strip())
            else:
                emotion = str(d.emotion)
        for n, end in enumerate(range(1, len(d.turns), 2), start=1):
            pair_id = f"{stem}:{d.row}" + (f"#{n}" if n > 1 else "")
            pairs.append(
                MemoryPair(
                    pair_id, d.turns[end - 1], d.turns[end], label, Path(d.file).name, emotion
                )
            )
    return pairs


def bigram_f1(a: str, b: str) -> float:
    from assistant_plugins.smalltalk.evaluate import bigram_f1 as f1

    return f1(a, b)


@dataclass
class DevItem:
    truth: str
    mood: int
    candidates: list[Candidate]
    f1: list[float]


def _score(c: Candidate, w: dict[str, float], mood: int) -> float | None:
    if mood and c.mood == -mood:
        return None
    fit = w["generated_fit"] if c.source == "generated" else c.fit
    if c.source == "generated" and not c.fluent:
        return None
    if c.source != "generated" and c.fit < w["min_fit"]:
        return None
    same = 1.0 if mood and c.mood == mood else 0.0
    return (
        w["fit"] * fit
        + w["vote"] * c.vote
        + w.get("selector", 0.0) * c.selector
        + w["emotion"] * same
        + (0.01 if c.source == "persona" else 0.0)
    )


def _objective(items: Sequence[DevItem], w: dict[str, float], neutral_f1: list[float]) -> float:
    total = 0.0
    for item, fallback in zip(items, neutral_f1, strict=True):
        best, best_f1 = None, fallback
        for c, f1 in zip(item.candidates, item.f1, strict=True):
            s = _score(c, w, item.mood)
            if s is not None and (best is None or s > best):
                best, best_f1 = s, f1
        total += best_f1
    return total / max(1, len(items))


def fit_weights(
    fit_pairs: Sequence[MemoryPair],
    fit_tokens: Sequence[list[str]],
    dev_pairs: Sequence[MemoryPair],
    *,
    dev_seed: int,
    name: str = "이랑",
    generate: Callable[[str], list[str]] | None = None,
    selector: Any = None,
    limit: int = 400,
    echo: Callable[[str], None] = lambda s: None,
) -> tuple[Weights, dict[str, Any]]:
    """Grid-search the selection weights: a memory of ``fit_pairs`` answers ``dev_pairs``."""
    from assistant_plugins.smalltalk.cleaning import NEUTRAL_REPLIES

    memory = ReplyMemory.build(fit_pairs, token_lists=fit_tokens)
    base = Weights(selector=1.0 if selector is not None else 0.0, min_fit=0.0, emotion=0.0)
    pipeline = ReplyPipeline(memory, load_persona(name), None, selector, base)
    items: list[DevItem] = []
    started = time.perf_counter()
    for pair in list(dev_pairs)[:limit]:
        generated = generate(pair.utterance) if generate is not None else []
        candidates = pipeline.candidates(pair.utterance, (), None, generated)
        items.append(
            DevItem(
                pair.reply,
                pair_mood(pair),
                candidates,
                [bigram_f1(c.text, pair.reply) for c in candidates],
            )
        )
    echo(f"선택 규칙 맞추기: dev {len(items)}쌍 후보 계산 {time.perf_counter() - started:.0f}초")
    neutral_f1 = [bigram_f1(NEUTRAL_REPLIES[0], item.truth) for item in items]
    grid = dict(GRID)
    if selector is not None:
        grid["selector"] = SELECTOR_GRID
    names = list(grid)
    best_w, best_value = None, -1.0
    for values in itertools.product(*(grid[n] for n in names)):
        w = dict(zip(names, values, strict=True))
        value = _objective(items, w, neutral_f1)
        if value > best_value + 1e-9:
            best_w, best_value = w, value
    assert best_w is not None
    forced = None  # the best rule that does use the selector (for the ablation's arm)
    if selector is not None:
        forced_value = -1.0
        for values in itertools.product(*(grid[n] for n in names)):
            w = dict(zip(names, values, strict=True))
            if w["selector"] > 0:
                value = _objective(items, w, neutral_f1)
                if value > forced_value + 1e-9:
                    forced, forced_value = w, value
    weights = Weights(**{**Weights().as_json(), **best_w})
    if selector is None:
        weights.selector = 0.0
    memory_only = {**best_w, "generated_fit": -9.0}
    generator_only = {**best_w, "min_fit": 9.0, "persona_bonus": 0.0}
    report = {
        "dev_pairs": len(items),
        "dev_seed": dev_seed,
        "objective": "mean character-bigram F1 of the chosen reply vs the true reply",
        "chosen": round(best_value, 4),
        "memory_only": round(_objective(items, memory_only, neutral_f1), 4),
        "generator_only": round(_objective(items, generator_only, neutral_f1), 4)
        if generate is not None
        else None,
        "neutral_only": round(sum(neutral_f1) / max(1, len(neutral_f1)), 4),
        "with_selector": {"weights": forced, "chosen": round(forced_value, 4)}
        if forced is not None
        else None,
        "grid": {k: list(v) for k, v in grid.items()},
    }
    return weights, report


def copy_licences(paths: Sequence[Path], directory: Path) -> list[str]:
    """Copy a LICENSE next to each data file; write NOTICE.txt naming the data."""
    notes = []
    for path in paths:
        licence = Path(path).parent / "LICENSE"
        if licence.is_file():
            shutil.copyfile(licence, directory / f"LICENSE-{Path(path).name}")
        stem = Path(path).stem
        notes.append(ATTRIBUTION.get(stem, f"{Path(path).name}: see its own licence"))
    text = (
        "This reply memory contains question/answer pairs from the data below (training\n"
        "split only), indexed for retrieval by the 이랑 assistant.\n\n" + "\n".join(notes) + "\n"
    )
    (directory / "NOTICE.txt").write_text(text, "utf-8")
    return notes


def save_weights(directory: Path, weights: Weights, report: dict[str, Any]) -> None:
    (directory / "pipeline.json").write_text(
        json.dumps({"weights": weights.as_json(), "dev": report}, ensure_ascii=False, indent=2)
        + "\n",
        "utf-8",
    )


def run_memory_stage(
    settings: Any,
    *,
    data_format: str,
    memory_split: str,
    name: str,
    generation: dict[str, Any],
    echo: Callable[[str], None],
) -> dict[str, Any]:
    """Build ``<output>/memory`` from ``settings.data``; returns a summary for the command."""
    from assistant_plugins.smalltalk import morphemes
    from assistant_plugins.smalltalk.data import read_dialogues
    from assistant_plugins.smalltalk.selector_training import dev_split
    from assistant_plugins.smalltalk.training import split_dialogues

    output = Path(settings.output)
    data = read_dialogues(settings.data, data_format)
    fraction, seed, split_from = float(settings.eval_split), int(settings.seed), "command"
    meta_path = output / "metadata.json"
    if memory_split == "train" and meta_path.is_file():
        meta = json.loads(meta_path.read_text("utf-8")).get("settings", {})
        fraction = float(meta.get("eval_split", fraction))
        seed = int(meta.get("seed", seed))
        split_from = "metadata.json"
    if memory_split == "train":
        train_d, held_d = split_dialogues(data.dialogues, fraction, seed)
    else:
        train_d, held_d = list(data.dialogues), []
    echo(
        f"답변 기억: 대화 {len(data.dialogues):,}개 중 {len(train_d):,}개 사용 "
        f"({'학습 분할' if memory_split == 'train' else '전부'}, 검증 {len(held_d):,}개 제외)"
    )
    started = time.perf_counter()
    morphemes.warm_up()
    fit_d, dev_d = dev_split(train_d, DEV_FRACTION, seed)
    fit_pairs, dev_pairs = memory_pairs(fit_d), memory_pairs(dev_d)
    fit_tokens = [morphemes.tokens(p.utterance) for p in fit_pairs]
    dev_tokens = {p.id: morphemes.tokens(p.utterance) for p in dev_pairs}
    analysed = time.perf_counter() - started

    generate = None
    if (output / "model.safetensors").is_file():
        from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings

        chat = ChatModel.load(str(output), True)
        gen_settings = GenerationSettings.from_mapping(generation, {"seed": seed})

        def generate(text: str) -> list[str]:
            return chat.reply_candidates(text, (), gen_settings)

    selector = None
    if (output / "selector" / "selector.json").is_file():
        from assistant_plugins.smalltalk.selector import Selector

        selector = Selector.load(output / "selector")
    weights, report = fit_weights(
        fit_pairs,
        fit_tokens,
        dev_pairs,
        dev_seed=seed,
        name=name,
        generate=generate,
        selector=selector,
        echo=echo,
    )
    report["dev_fraction"] = DEV_FRACTION
    pairs = fit_pairs + dev_pairs
    tokens = fit_tokens + [dev_tokens[p.id] for p in dev_pairs]
    from assistant.training.export import portable

    info = {
        "data": portable(data.files),
        "skipped_rows": portable(data.skipped.as_json()),
        "split": {"use": memory_split, "eval_split": fraction, "seed": seed, "from": split_from},
        "dialogues": {"memory": len(train_d), "held_out_excluded": len(held_d)},
        "analyse_seconds": round(analysed, 1),
    }
    index_started = time.perf_counter()
    memory = ReplyMemory.build(pairs, info, tokens)
    memory.info["build_seconds"] = round(analysed + time.perf_counter() - index_started, 1)
    directory = output / "memory"
    if directory.exists():
        shutil.rmtree(directory)
    memory.save(directory)
    notes = copy_licences([Path(p) for p in settings.data], directory)
    save_weights(directory, weights, report)
    size = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
    return {
        "directory": str(directory),
        "pairs": len(memory),
        "bytes": size,
        "weights": weights.as_json(),
        "dev": report,
        "notice": notes,
        "build_seconds": memory.info["build_seconds"],
    }
