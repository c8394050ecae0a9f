"""``assistant train smalltalk --stage memory``: build the reply memory and fit the selection rule.

1. Read the dialogue data (same readers as the generator) and take the **training split**
   (the generator's fixed-seed split: ``eval_split``/``seed`` from the model's
   ``metadata.json`` when there is one, else the command's), so held-out pairs never enter
   the memory. ``--memory-split all`` keeps everything (for your own data).
2. Fit the :class:`~assistant_plugins.smalltalk.pipeline.Weights` on a dev split carved out of
   the training split (5 %, seed + 1): a temporary memory of the rest answers each dev
   utterance; a small grid search picks the weights whose chosen reply is closest (chance-
   corrected character-bigram F1, see :func:`fit_weights`) to the true reply, and the highest
   relevance floor (``min_cover``) the dev split does not object to. The project's everyday
   exchanges (``everyday.py``, unless ``everyday=False``) join the memory; 10 % of them
   (seed + 1) join the dev pairs. The reported held-out and eval-prompt figures never see it.
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
from assistant_plugins.smalltalk.everyday import EVERYDAY_DIR
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
    "min_cover": (0.0, 0.2, 0.3, 0.4, 0.5, 0.6),
    "need_key": (0.0, 1.0),
    "question_clash": (0.0, 1.0),
}
SELECTOR_GRID = (0.0, 0.5, 1.0, 2.0)
#: weights of the rule that the grid never searches (set by hand-rating, see Weights)
UNSEARCHED = (
    "min_fit_data",
    "generated_min_selector",
    "generate",
    "reflect_below_fit",
    "reflect_below_fit_data",
    "reflect_mood_consensus",
)
#: dev replies a candidate is also compared with (its chance-level F1)
CHANCE_POOL = 100
#: dialogue-data dev pairs the rule is fit on (the first of the dev split)
DEV_LIMIT = 400
#: the everyday exchanges held out of the fitting memory to fit the rule on (seed + 1)
EVERYDAY_DEV_FRACTION = 0.1


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
    id: str
    truth: str
    mood: int
    candidates: list[Candidate]
    f1: list[float]


@dataclass
class DevTable:
    """The dev candidates as padded (items x candidates) arrays, for a fast grid search."""

    ids: list[str]
    fit: Any
    cover: Any
    key: Any
    vote: Any
    selector: Any
    same: Any  # candidate's mood = the item's mood (both non-neutral)
    opposite: Any  # candidate's mood is the opposite of the item's
    generated: Any
    fluent: Any
    persona: Any
    data: Any  # a pair of the dialogue data (source "memory"), under ``min_fit_data``
    asks_clash: Any  # the remark asks for information, the matched utterance is a statement
    valid: Any  # a real candidate (not padding)
    value: Any  # chance-corrected F1 of each candidate against the item's true reply
    raw_f1: Any
    neutral_value: Any
    neutral_f1: Any


def chance_corrected(texts: Sequence[str], truth: str, pool: Sequence[str]) -> list[float]:
    """F1 vs ``truth`` minus the mean F1 vs the replies of ``pool`` (what any truth gives)."""
    out = []
    for text in texts:
        chance = sum(bigram_f1(text, other) for other in pool) / max(1, len(pool))
        out.append(bigram_f1(text, truth) - chance)
    return out


def dev_table(items: Sequence[DevItem], neutral: str, pool: Sequence[str]) -> DevTable:
    import numpy as np

    n, m = len(items), max([len(i.candidates) for i in items] + [1])

    def grid(get: Callable[[Candidate, DevItem], float]) -> Any:
        out = np.zeros((n, m))
        for r, item in enumerate(items):
            for c, cand in enumerate(item.candidates):
                out[r, c] = get(cand, item)
        return out

    value = np.zeros((n, m))
    raw = np.zeros((n, m))
    neutral_value = np.zeros(n)
    neutral_f1 = np.zeros(n)
    chance_neutral = sum(bigram_f1(neutral, other) for other in pool) / max(1, len(pool))
    for r, item in enumerate(items):
        texts = [c.text for c in item.candidates]
        value[r, : len(texts)] = chance_corrected(texts, item.truth, pool)
        raw[r, : len(texts)] = item.f1
        neutral_f1[r] = bigram_f1(neutral, item.truth)
        neutral_value[r] = neutral_f1[r] - chance_neutral
    return DevTable(
        ids=[i.id for i in items],
        fit=grid(lambda c, i: c.fit),
        cover=grid(lambda c, i: c.cover),
        key=grid(lambda c, i: float(c.key)).astype(bool),
        vote=grid(lambda c, i: c.vote),
        selector=grid(lambda c, i: c.selector),
        same=grid(lambda c, i: float(bool(i.mood) and c.mood == i.mood)),
        opposite=grid(lambda c, i: float(bool(i.mood) and c.mood == -i.mood)).astype(bool),
        generated=grid(lambda c, i: float(c.source == "generated")).astype(bool),
        fluent=grid(lambda c, i: float(c.fluent)).astype(bool),
        persona=grid(lambda c, i: float(c.source == "persona")),
        data=grid(lambda c, i: float(c.source == "memory")).astype(bool),
        asks_clash=grid(lambda c, i: float(c.asks_clash)).astype(bool),
        valid=grid(lambda c, i: 1.0).astype(bool),
        value=value,
        raw_f1=raw,
        neutral_value=neutral_value,
        neutral_f1=neutral_f1,
    )


def chosen_values(t: DevTable, w: dict[str, float], raw: bool = False) -> Any:
    """Per dev item: the (chance-corrected, or ``raw``) F1 of the reply the rule ``w`` picks."""
    import numpy as np

    fit = np.where(t.generated, w["generated_fit"], t.fit)
    score = (
        w["fit"] * fit
        + w["vote"] * t.vote
        + w.get("selector", 0.0) * t.selector
        + w["emotion"] * t.same
        + 0.01 * t.persona
    )
    retrieved_ok = (t.fit >= w["min_fit"]) & (t.cover >= w.get("min_cover", 0.0))
    retrieved_ok &= ~t.data | (t.fit >= w.get("min_fit_data", 0.0))
    if w.get("need_key", 0.0):
        retrieved_ok &= t.key
    if w.get("question_clash", 0.0):
        retrieved_ok &= ~t.asks_clash
    generated_ok = t.fluent
    if w.get("selector", 0.0):
        generated_ok = generated_ok & (t.selector >= w.get("generated_min_selector", 0.0))
    allowed = t.valid & ~t.opposite & np.where(t.generated, generated_ok, retrieved_ok)
    score = np.where(allowed, score, -np.inf)
    best = score.argmax(axis=1)
    rows = np.arange(len(best))
    values, fallback = (t.raw_f1, t.neutral_f1) if raw else (t.value, t.neutral_value)
    return np.where(allowed.any(axis=1), values[rows, best], fallback)


def item_weights(ids: Sequence[str]) -> Any:
    """Weights summing to 1: each source (dialogue data, everyday exchanges) counts equally."""
    import numpy as np

    from assistant_plugins.smalltalk.everyday import ID_PREFIX

    everyday = np.array([i.startswith(ID_PREFIX) for i in ids], dtype=bool)
    groups = [g for g in (everyday, ~everyday) if g.any()]
    share = np.zeros(len(ids))
    for g in groups:
        share[g] = 1.0 / (len(groups) * g.sum())
    return share


def fit_weights(
    fit_pairs: Sequence[MemoryPair],
    fit_tokens: Sequence[list[str]],
    dev_pairs: Sequence[MemoryPair],
    *,
    dev_seed: int,
    name: str = "이랑",
    generate: Callable[[str], list[str]] | None = None,
    selector: Any = None,
    limit: int | None = None,
    echo: Callable[[str], None] = lambda s: None,
    fixed: dict[str, float] | None = None,
) -> tuple[Weights, dict[str, Any]]:
    """Grid-search the selection weights: a memory of ``fit_pairs`` answers ``dev_pairs``.

    Objective: the chance-corrected character-bigram F1 of the chosen reply (its F1 against
    the true reply minus its mean F1 against ``CHANCE_POOL`` other dev replies, so that
    polite endings every reply shares earn nothing; the canned neutral reply is scored the
    same way), averaged per source (dialogue data, everyday exchanges) and then over the
    sources, so the few everyday dev pairs weigh as much as the many others. The relevance
    floors (``need_key``, then ``min_cover``) are then made as strict as the objective allows
    within one standard error (paired, over the dev items) of the best rule: when the dev
    split cannot tell a weak match from the neutral reply, the neutral reply wins, as the
    issue asks (better a neutral reply than an off-topic one). Last, a rule that gives the
    selector a weight must beat the best rule without it (same floors) by more than one such
    standard error, or the cheaper rule wins (the selector costs a BERT pass per turn).

    ``fixed``: a rule to ship instead of the grid's choice (``--rule FILE``, e.g. one chosen
    by hand-rating replies); both are scored on the dev split and reported. The
    :data:`UNSEARCHED` weights come from ``fixed`` or :class:`Weights`' defaults.
    """
    import random

    import numpy as np

    from assistant_plugins.smalltalk.cleaning import NEUTRAL_REPLIES

    memory = ReplyMemory.build(fit_pairs, token_lists=fit_tokens)
    base = Weights(selector=1.0 if selector is not None else 0.0, min_fit=0.0, emotion=0.0)
    pipeline = ReplyPipeline(memory, load_persona(name), None, selector, base)
    items: list[DevItem] = []
    started = time.perf_counter()
    for pair in list(dev_pairs)[:limit]:  # limit None: all of them
        generated = generate(pair.utterance) if generate is not None else []
        candidates = pipeline.candidates(pair.utterance, (), None, generated)
        items.append(
            DevItem(
                pair.id,
                pair.reply,
                pair_mood(pair),
                candidates,
                [bigram_f1(c.text, pair.reply) for c in candidates],
            )
        )
    truths = [item.truth for item in items]
    pool = random.Random(dev_seed).sample(truths, min(CHANCE_POOL, len(truths)))
    table = dev_table(items, NEUTRAL_REPLIES[0], pool)
    echo(f"선택 규칙 맞추기: dev {len(items)}쌍 후보 계산 {time.perf_counter() - started:.0f}초")
    grid = dict(GRID)
    if selector is not None:
        grid["selector"] = SELECTOR_GRID
    names = list(grid)
    rules = [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]
    share = item_weights(table.ids)
    means = np.array([float(share @ chosen_values(table, w)) for w in rules])
    top = int(means.argmax())
    top_values = chosen_values(table, rules[top])
    chosen_index, floor_levels = top, {}
    levels = sorted({(w["need_key"], w["min_cover"]) for w in rules})  # less strict first
    for level in levels:
        at = [i for i, w in enumerate(rules) if (w["need_key"], w["min_cover"]) == level]
        best_at = max(at, key=lambda i: means[i])
        diff = top_values - chosen_values(table, rules[best_at])
        d = float(share @ diff)
        se = float(np.sqrt(share**2 @ (diff - d) ** 2))
        floor_levels[f"need_key={level[0]:g} min_cover={level[1]:g}"] = {
            "objective": round(float(means[best_at]), 4),
            "behind_best": round(d, 4),
            "standard_error": round(se, 4),
        }
        if d <= se:  # levels go from loose to strict: the strictest one within 1 SE wins
            chosen_index = best_at
    selector_check = None
    if selector is not None and rules[chosen_index]["selector"] > 0:
        # the selector costs a BERT pass per turn: without it, if dev can't tell them apart
        same = {k: v for k, v in rules[chosen_index].items() if k != "selector"}
        at = [
            i
            for i, w in enumerate(rules)
            if w["selector"] == 0 and all(w[k] == same[k] for k in ("need_key", "min_cover"))
        ]
        plain = max(at, key=lambda i: means[i])
        diff = chosen_values(table, rules[chosen_index]) - chosen_values(table, rules[plain])
        d = float(share @ diff)
        se = float(np.sqrt(share**2 @ (diff - d) ** 2))
        selector_check = {
            "without_selector": {"weights": rules[plain], "chosen": round(float(means[plain]), 4)},
            "selector_gain": round(d, 4),
            "standard_error": round(se, 4),
        }
        if d <= se:
            chosen_index = plain
    grid_choice = rules[chosen_index]
    unsearched = {k: getattr(Weights(), k) for k in UNSEARCHED}  # never on the grid
    chosen = {k: float(v) for k, v in (fixed or {}).items() if k in names or k in UNSEARCHED}
    best_w = {**grid_choice, **unsearched, **chosen}
    forced = None  # the best rule that does use the selector (for the ablation's arm)
    forced_value = -1.0
    if selector is not None:
        with_sel = [i for i, w in enumerate(rules) if w["selector"] > 0]
        i = max(with_sel, key=lambda i: means[i])
        forced, forced_value = rules[i], float(means[i])
    weights = Weights(**{**Weights().as_json(), **best_w})
    if selector is None:
        weights.selector = 0.0
    memory_only = {**best_w, "generated_fit": -9.0}
    generator_only = {**best_w, "min_fit": 9.0}

    def mean(w: dict[str, float], raw: bool = False, everyday: bool | None = None) -> float | None:
        from assistant_plugins.smalltalk.everyday import ID_PREFIX

        v = chosen_values(table, w, raw)
        if everyday is None:
            return round(float(share @ v), 4)
        keep = np.array([i.startswith(ID_PREFIX) == everyday for i in table.ids])
        return round(float(v[keep].mean()), 4) if keep.any() else None

    report = {
        "dev_pairs": len(items),
        "objective": (
            f"chance-corrected character-bigram F1 of the chosen reply vs the true reply "
            f"(minus its mean F1 vs {len(pool)} other dev replies), averaged over the dev "
            "items of each source (dialogue data, everyday exchanges), then over the sources; "
            "floors (need_key, then min_cover): the strictest within one paired standard "
            "error of the best rule"
        ),
        "chosen": mean(best_w),
        "rule_from": "fixed (--rule)" if fixed is not None else "grid",
        "grid_choice": {"weights": grid_choice, "chosen": mean(grid_choice)},
        "best_rule": {
            "weights": rules[top],
            "chosen": round(float(means[top]), 4),
        },
        "floor_levels": floor_levels,
        "selector_check": selector_check,
        "chosen_on_data_dev": mean(best_w, everyday=False),
        "chosen_on_everyday_dev": mean(best_w, everyday=True),
        "chosen_raw_f1": mean(best_w, raw=True),
        "dev_seed": dev_seed,
        "memory_only": mean(memory_only),
        "generator_only": mean(generator_only) if generate is not None else None,
        "neutral_only": round(float(share @ table.neutral_value), 4),
        "with_selector": {"weights": forced, "chosen": round(forced_value, 4)}
        if forced is not None
        else None,
        "grid": {k: list(v) for k, v in grid.items()},
    }
    return weights, report


def copy_licences(paths: Sequence[Path], directory: Path, everyday: bool = False) -> list[str]:
    """Copy a LICENSE next to each data file; write NOTICE.txt naming the data."""
    from assistant_plugins.smalltalk.everyday import NOTICE

    notes = []
    for path in paths:
        licence = Path(path).parent / "LICENSE"
        if licence.is_file():
            shutil.copyfile(licence, directory / f"LICENSE-{Path(path).name}")
        stem = Path(path).stem
        notes.append(ATTRIBUTION.get(stem, f"{Path(path).name}: see its own licence"))
    if everyday:
        notes.append(NOTICE)
    text = (
        "This reply memory contains question/answer pairs from the data below (training\n"
        "split only), indexed for retrieval by the 이랑 assistant.\n\n" + "\n".join(notes) + "\n"
    )
    (directory / "NOTICE.txt").write_text(text, "utf-8")
    return notes


def everyday_pairs(
    held_out: Sequence[Dialogue], echo: Callable[[str], None], directory: Path = EVERYDAY_DIR
) -> tuple[list[MemoryPair], dict[str, Any]]:
    """The everyday exchanges of ``directory``, minus any whose remark is a held-out user turn."""
    from assistant.training.export import portable
    from assistant.training.tables import SkipLog, sha256_file
    from assistant_plugins.smalltalk.everyday import (
        everyday_files,
        read_everyday,
        without_held_out,
    )

    files = everyday_files(directory)
    skipped = SkipLog()
    pairs = read_everyday(files, skipped)
    pairs = without_held_out(pairs, [t for d in held_out for t in d.turns[::2]], skipped)
    if skipped.count:
        echo(f"일상 대화 {skipped.count}행 건너뜀\n{skipped.summary()}")
    echo(f"일상 대화(이 프로젝트가 쓴 것, MIT): {len(pairs):,}쌍, 파일 {len(files)}개")
    info = {
        "used": True,
        "pairs": len(pairs),
        "files": portable([{"path": str(f), "sha256": sha256_file(f)} for f in files]),
        "skipped_rows": portable(skipped.as_json()),
        "licence": "MIT (the project's own text)",
    }
    return pairs, info


def everyday_dev_split(
    pairs: Sequence[MemoryPair], seed: int
) -> tuple[list[MemoryPair], list[MemoryPair]]:
    """(fit, dev): a fixed-seed ``EVERYDAY_DEV_FRACTION`` of the exchanges for the rule's dev."""
    import random

    if not pairs:
        return [], []
    order = list(range(len(pairs)))
    random.Random(seed + 1).shuffle(order)
    chosen = set(order[: max(1, round(len(pairs) * EVERYDAY_DEV_FRACTION))])
    fit = [p for i, p in enumerate(pairs) if i not in chosen]
    dev = [p for i, p in enumerate(pairs) if i in chosen]
    return fit, dev


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
    everyday: Path | None = EVERYDAY_DIR,
    rule: dict[str, float] | None = None,
) -> dict[str, Any]:
    """Build ``<output>/memory`` from ``settings.data``; returns a summary for the command.

    ``rule``: weights to ship instead of the dev grid's choice (``--rule``; both reported).

    ``everyday``: the folder of everyday exchanges (``*.tsv``) to add to the memory (the
    project's own by default); None = the dialogue data alone.
    """
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
    extra, extra_info = (
        everyday_pairs(held_d, echo, everyday) if everyday is not None else ([], {"used": False})
    )
    extra_fit, extra_dev = everyday_dev_split(extra, seed)
    fit_pairs = memory_pairs(fit_d) + extra_fit
    dev_pairs = memory_pairs(dev_d) + extra_dev
    # the rule is fit on the first DEV_LIMIT dialogue-data dev pairs + the everyday dev pairs
    rule_dev = dev_pairs[: len(dev_pairs) - len(extra_dev)][:DEV_LIMIT] + extra_dev
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
    echo(
        f"선택 규칙 dev: 대화 데이터 {len(rule_dev) - len(extra_dev)}쌍"
        + (f" + 일상 대화 {len(extra_dev)}쌍" if extra_dev else "")
    )
    weights, report = fit_weights(
        fit_pairs,
        fit_tokens,
        rule_dev,
        dev_seed=seed,
        name=name,
        generate=generate,
        selector=selector,
        echo=echo,
        fixed=rule,
    )
    report["dev_fraction"] = DEV_FRACTION
    report["everyday_dev_fraction"] = EVERYDAY_DEV_FRACTION if extra else None
    report["everyday_dev_pairs"] = len(extra_dev)
    pairs = fit_pairs + dev_pairs
    tokens = fit_tokens + [dev_tokens[p.id] for p in dev_pairs]
    from assistant.training.export import portable

    info = {
        "data": portable(data.files),
        "skipped_rows": portable(data.skipped.as_json()),
        "split": {"use": memory_split, "eval_split": fraction, "seed": seed, "from": split_from},
        "dialogues": {"memory": len(train_d), "held_out_excluded": len(held_d)},
        "everyday": extra_info,
        "analyse_seconds": round(analysed, 1),
    }
    index_started = time.perf_counter()
    memory = ReplyMemory.build(pairs, info, tokens)
    memory.info["build_seconds"] = round(analysed + time.perf_counter() - index_started, 1)
    directory = output / "memory"
    if directory.exists():
        shutil.rmtree(directory)
    memory.save(directory)
    notes = copy_licences([Path(p) for p in settings.data], directory, everyday=bool(extra))
    save_weights(directory, weights, report)
    size = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
    return {
        "directory": str(directory),
        "pairs": len(memory),
        "everyday_pairs": len(extra),
        "bytes": size,
        "weights": weights.as_json(),
        "dev": report,
        "notice": notes,
        "build_seconds": memory.info["build_seconds"],
    }
