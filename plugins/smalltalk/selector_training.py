"""Training the response selector (the selector stage of ``assistant train smalltalk``).

Recipe: a BERT-family encoder (by default initialised from the shipped emotion model's
encoder, ``models/emotion-mini``, with its SentencePiece tokenizer) becomes a bi-encoder
(:mod:`assistant_plugins.smalltalk.selector`). Each training step takes a batch of B
(context + utterance, reply) pairs plus one random reply per pair (drawn once, fixed seed,
with a text different from the pair's reply) and scores every query against all 2B replies:
softmax cross-entropy with temperature ``scale`` over the cosines, the pair's own reply as
target (in-batch + random negatives). Candidates with the same text as the target (ChatbotData
repeats many replies) are masked out, so a duplicate is never taught as wrong. Options:
``hard_negatives`` (the extra reply is a BM25 neighbour's other reply) and ``symmetric``
(adds the reply -> query direction); both off in the shipped recipe (no gain on dev).

``members`` encoders (default 2) train this way one after the other with seeds ``seed``,
``seed + 1``, ... on the same data and dev split; the first is saved in the selector
directory, the others in ``member-1/`` ...; the selector scores their mean cosine.

Splits: the caller passes the *training* split only (the held-out split of
``training.split_dialogues`` never reaches this module). :func:`dev_split` carves a dev split
out of it (``dev_fraction``, the run's seed): the encoder trains on the rest, the dev loss
picks the best weights (early stopping), and the dev split fits the weights of the shipped
selection (``Selector.select``: the neighbour votes added to the selector's score; neighbours
from the rest only). The same dev split
(``selector.json``: ``dev_fraction``/``dev_seed``) is the one to fit other combination weights
on; never fit anything on the held-out split.

The loop is the shared one (:func:`assistant.training.loop.train`): CPU or GPUs, mixed
precision, torchrun/DDP, checkpoints and ``--resume``, Ctrl-C, ``metadata.json``.

Public API::

    SelectorRecipe(...)                         # the selector's own hyper-parameters
    dev_split(train_dialogues, fraction, seed) -> (fit, dev)
    train_selector(settings, train_dialogues, *, recipe=None, output=None,
                                  held_out=(), chat=None) -> SelectorResult
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.korean import josa
from assistant.loading import quiet
from assistant_plugins.smalltalk.data import Dialogue
from assistant_plugins.smalltalk.selection_eval import SelectionPair, pairs_of
from assistant_plugins.smalltalk.selector import (
    QUERY_SEGMENT,
    SELECTOR_DIR,
    SelectorConfig,
    join_turns,
)

log = logging.getLogger("assistant.smalltalk")

#: ``SelectorRecipe.base`` values that name the shipped emotion encoder's shape
EMOTION_BASE = "emotion"
MINI_BASE = "mini"


@dataclass
class SelectorRecipe:
    """Hyper-parameters of the selector stage (the loop's device, precision, seed, resume,
    warm-up, weight decay, clipping and logging come from the command's ``TrainSettings``).

    ``base``: ``None`` (default) = the command's ``--base`` when that is a BERT-family
    encoder (``--stage selector --base skt/kobert-base-v1``), else ``"mini"``;
    ``"mini"`` = a small BERT built from config, randomly initialised, with the
    shipped emotion model's SentencePiece tokenizer and width (``models/emotion-mini``) and
    ``mini_layers`` layers of feed-forward size ``mini_ffn``; ``"emotion"`` = the shipped
    emotion model's encoder itself (4 layers) and tokenizer; anything else = a hub id or local directory of a BERT-family model
    (KoBERT-style SentencePiece or ``tokenizer.json``), loaded with ``AutoModel``
    (safetensors only, no remote code).
    """

    base: str | None = None
    mini_layers: int = 2
    mini_ffn: int = 512
    epochs: int = 3
    batch_size: int = 64
    lr: float = 3e-4
    #: tokens per side (query, reply)
    max_length: int = 64
    #: earlier turns kept before the utterance on the query side
    context_turns: int = 2
    #: fraction of the training dialogues held back as the dev split
    dev_fraction: float = 0.05
    #: softmax temperature over cosines
    scale: float = 20.0
    #: dev-loss evaluations (optimizer steps apart; 0 = only at the end) and patience
    eval_every: int = 100
    patience: int = 4
    #: candidates per dev set when fitting the weights (1 true + random dev replies)
    candidates: int = 20
    neighbors: int = 20
    #: the extra negative per pair: 0 = a random reply; k > 0 = the reply of one of the k
    #: training utterances most similar to the pair's (BM25, ``NeighborIndex``) whose text
    #: differs from the pair's reply (a random reply when there is none)
    hard_negatives: int = 0
    #: also the reply -> query direction: each reply picks its own query among the batch's
    symmetric: bool = False
    #: encoders trained (seeds seed, seed + 1, ...; the same dev split), scored as their mean
    #: cosine (``SelectorConfig.members``); the first is saved in the selector directory,
    #: the others in ``member-1/`` ...
    members: int = 2


@dataclass
class SelectorResult:
    """What :func:`train_selector` did; ``dev``/``held_out`` hold hits@1 figures."""

    output: Path
    metrics: dict[str, Any] = field(default_factory=dict)
    dev: dict[str, Any] = field(default_factory=dict)
    held_out: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False

    def summary(self) -> str:
        """One Korean line per figure set, for the training command's output."""
        if self.interrupted:
            return "응답 선택 모델 학습이 중단됐어요 (--resume 으로 이어서 할 수 있어요)."
        lines = []
        too_few = (
            "후보 {n}개를 채울 만큼 대화가 많지 않아 {part}에서는 정답 1위 비율을 재지 못했어요."
        )
        for part, figures in (("dev", self.dev), ("검증 분할", self.held_out)):
            if figures and not figures.get("sets"):
                lines.append(too_few.format(n=figures.get("candidates", 20), part=part))
        if self.dev.get("sets"):
            lines.append(
                f"응답 선택(dev {self.dev['sets']}개, 후보 {self.dev['candidates']}개 중 정답 1위 비율): "
                f"선택 모델+이웃 투표 {self.dev['combined']:.3f} "
                f"(선택 모델만 {self.dev['selector_only']:.3f}, 이웃 투표만 "
                f"{self.dev['neighbor_vote']:.3f})"
            )
        if self.held_out.get("sets"):
            base = self.held_out["baselines"]
            lines.append(
                f"응답 선택(검증 분할 {self.held_out['sets']}개): {self.held_out['hits_at_1']:.3f} "
                f"(선택 모델만 {self.held_out['selector_only']:.3f}, 이웃 투표 "
                f"{base['neighbor_vote']:.3f}, BM25 {base['bm25']:.3f}, 무작위 {base['random']:.3f})"
            )
        return "\n".join(lines)


def dev_split(
    train_dialogues: Sequence[Dialogue], fraction: float, seed: int
) -> tuple[list[Dialogue], list[Dialogue]]:
    """(fit, dev): the dev split carved out of the training split (by dialogue, fixed seed)."""
    from assistant.training.batching import split_eval

    return split_eval(list(train_dialogues), fraction, seed=seed)


def load_base(base: str, mini_layers: int = 2, mini_ffn: int = 512) -> tuple[Any, Any]:
    """(encoder, tokenizer) for ``SelectorRecipe.base`` (see there); ``TrainingError`` if not."""
    from assistant.training.errors import TrainingError
    from assistant_plugins.emotion.classifier import ModelError, resolve
    from assistant_plugins.emotion.tokenization import TokenizerError, load_tokenizer

    shipped = base in (EMOTION_BASE, MINI_BASE)
    try:
        directory = resolve("shipped" if shipped else base)
        tokenizer = load_tokenizer(directory)
        from transformers import AutoConfig, AutoModel

        # no "Loading weights" bar in the training log; "unused weights: classifier/pooler"
        # is expected
        with quiet():
            if base == MINI_BASE:
                config = AutoConfig.from_pretrained(str(directory), trust_remote_code=False)
                config.num_hidden_layers, config.intermediate_size = mini_layers, mini_ffn
                model = AutoModel.from_config(config, add_pooling_layer=False)
            else:
                model = AutoModel.from_pretrained(
                    str(directory),
                    use_safetensors=True,
                    trust_remote_code=False,
                    add_pooling_layer=False,
                )
    except (ModelError, TokenizerError) as exc:
        raise TrainingError(f"응답 선택 모델의 기반 '{base}': {exc}") from exc
    except Exception as exc:  # transformers raises many kinds (no safetensors, not BERT, ...)
        log.exception("could not load the selector base %s", base)
        raise TrainingError(
            f"응답 선택 모델의 기반 {josa(repr(base), '을/를')} 불러오지 못했어요 ({type(exc).__name__}). "
            "BERT 계열 모델의 허브 ID나 폴더(config.json, safetensors, 토크나이저)인지 확인해 주세요."
        ) from exc
    if getattr(model.config, "type_vocab_size", 0) < 2:
        raise TrainingError(
            f"기반 모델 '{base}'에 문장 구분(token type) 임베딩이 2개 이상 있어야 해요."
        )
    return model, tokenizer


#: ``config.json`` model types a selector can start from (they have token type embeddings)
ENCODER_TYPES = ("bert", "electra")


def pick_base(recipe_base: str | None, command_base: str | None) -> str:
    """The selector's base: the recipe's, else the command's ``--base`` if it is a BERT-family
    encoder (a causal LM given for the generator is not), else the ``mini`` preset."""
    if recipe_base:
        return recipe_base
    if not command_base:
        return MINI_BASE
    try:
        from assistant_plugins.emotion.classifier import resolve

        config = json.loads((resolve(command_base) / "config.json").read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - not a usable encoder: the mini preset
        log.info("--base %s is not a selector base; using the mini preset", command_base)
        return MINI_BASE
    return command_base if config.get("model_type") in ENCODER_TYPES else MINI_BASE


def hard_negative_replies(pairs: Sequence[SelectionPair], k: int, seed: int) -> list[str | None]:
    """Per pair, the reply of a random one of the ``k`` most similar other training utterances
    (BM25 over Kiwi morphemes) whose text differs from the pair's reply (None if none)."""
    import numpy as np

    from assistant_plugins.smalltalk.selection_eval import NeighborIndex

    index = NeighborIndex.build([(p.utterance, p.reply) for p in pairs])
    rng = np.random.default_rng(seed)
    chosen: list[str | None] = []
    for pair in pairs:
        found = [h.pair[1] for h in index.search(pair.utterance, k + 1)]
        other = [r for r in dict.fromkeys(found) if r != pair.reply][:k]
        chosen.append(other[int(rng.integers(len(other)))] if other else None)
    return chosen


def encode_pairs(
    pairs: Sequence[SelectionPair],
    tokenizer: Any,
    config: SelectorConfig,
    seed: int,
    negatives: Sequence[str | None] | None = None,
) -> list[dict[str, Any]]:
    """Training examples: query, reply and one other reply (ids), with reply keys.

    The other reply is ``negatives[i]`` when given and not None, else a random reply.
    """
    import numpy as np

    keys: dict[str, int] = {}
    for pair in pairs:
        keys.setdefault(pair.reply, len(keys))
    cache: dict[str, list[int]] = {}

    def reply_ids(text: str) -> list[int]:
        if text not in cache:
            cache[text] = list(tokenizer.encode(text, config.max_length))
        return cache[text]

    rng = np.random.default_rng(seed)
    texts = list(keys)
    examples = []
    for i, pair in enumerate(pairs):
        negative = negatives[i] if negatives is not None and negatives[i] else pair.reply
        if negative == pair.reply and len(texts) > 1:
            while negative == pair.reply:
                negative = texts[int(rng.integers(len(texts)))]
        keep = list(pair.context)[-config.context_turns :] if config.context_turns else []
        examples.append(
            {
                "input_ids": join_turns(
                    lambda t: tokenizer.encode(t, config.max_length),
                    [*keep, pair.utterance],
                    config.max_length,
                ),
                "reply_ids": reply_ids(pair.reply),
                "negative_ids": reply_ids(negative),
                "reply_key": keys[pair.reply],
                "negative_key": keys.get(negative, -1),
            }
        )
    return examples


def make_collate(pad_id: int, reply_segment: int = 1) -> Any:
    """Queries, replies and negatives as one ``3B`` batch (one forward pass: DDP-friendly)."""

    def collate(examples: Sequence[dict[str, Any]]) -> dict[str, Any]:
        import torch

        from assistant_plugins.smalltalk.selector import batch_rows

        rows = [(ex["input_ids"], QUERY_SEGMENT) for ex in examples]
        rows += [(ex["reply_ids"], reply_segment) for ex in examples]
        rows += [(ex["negative_ids"], reply_segment) for ex in examples]
        batch = batch_rows(rows, pad_id)
        batch["reply_key"] = torch.tensor([ex["reply_key"] for ex in examples])
        batch["negative_key"] = torch.tensor([ex["negative_key"] for ex in examples])
        return batch

    return collate


def make_loss(scale: float, symmetric: bool = False) -> Any:
    """In-batch + random-negative softmax loss over cosines (same-text replies masked).

    ``symmetric``: the mean of that and the reply -> query loss (each pair's reply against
    every query of the batch; queries whose own reply has the same text are masked).
    """

    def loss_fn(model: Any, batch: dict[str, Any]) -> Any:
        import torch
        import torch.nn.functional as F

        from assistant_plugins.smalltalk.selector import pooled

        vectors = pooled(
            model, batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]
        )
        size = batch["reply_key"].shape[0]
        queries, candidates = vectors[:size], vectors[size:]
        logits = scale * queries @ candidates.T  # [B, 2B]
        keys = torch.cat([batch["reply_key"], batch["negative_key"]])
        same = keys.unsqueeze(0) == batch["reply_key"].unsqueeze(1)
        own = torch.zeros_like(same)
        own[torch.arange(size), torch.arange(size)] = True
        logits = logits.masked_fill(same & ~own, float("-inf"))
        target = torch.arange(size, device=logits.device)
        loss = F.cross_entropy(logits, target)
        if not symmetric:
            return loss
        backward = logits[:, :size].T  # [reply i, query j]; same-text masks are symmetric
        return (loss + F.cross_entropy(backward, target)) / 2

    return loss_fn


def _length(example: dict[str, Any]) -> int:
    return max(len(example["input_ids"]), len(example["reply_ids"]), len(example["negative_ids"]))


def dev_figures(
    selector: Any,
    fit_pairs: Sequence[SelectionPair],
    dev_pairs: Sequence[SelectionPair],
    recipe: SelectorRecipe,
    seed: int,
) -> dict[str, Any]:
    """hits@1 on the dev split: selector, neighbor vote, and the fitted combination weights."""
    from assistant_plugins.smalltalk.selection_eval import (
        NeighborIndex,
        candidate_sets,
        feature_lists,
        fit_weights,
        hits_at_1,
    )

    sets = candidate_sets(dev_pairs, recipe.candidates, seed)
    if not sets:  # tiny data: not enough distinct replies for one candidate set
        weights, _ = fit_weights({}, sets)
        return {"sets": 0, "candidates": recipe.candidates, "seed": seed, "weights": weights}
    index = NeighborIndex.build([(p.utterance, p.reply) for p in fit_pairs])
    features = feature_lists(selector, index, sets, recipe.neighbors)
    weights, best = fit_weights(features, sets)
    return {
        "sets": len(sets),
        "candidates": recipe.candidates,
        "seed": seed,
        "selector_only": round(hits_at_1(features["selector"], sets), 4),
        "neighbor_vote": round(hits_at_1(features["vote"], sets), 4),
        "vote_max": round(hits_at_1(features["vote_max"], sets), 4),
        "neighbor_mean": round(hits_at_1(features["neighbor_mean"], sets), 4),
        "neighbor_max": round(hits_at_1(features["neighbor_max"], sets), 4),
        "combined": round(best, 4),
        "weights": weights,
    }


def train_selector(
    settings: Any,
    train_dialogues: Sequence[Dialogue],
    *,
    recipe: SelectorRecipe | None = None,
    output: Path | None = None,
    held_out: Sequence[Dialogue] = (),
    chat: Any = None,
) -> SelectorResult:
    """Train the selector on ``train_dialogues`` (the TRAINING split only) and save it.

    - ``settings``: the command's ``assistant.training.options.TrainSettings``; its device,
      precision, compile, seed, resume, warm-up, weight decay, clipping, logging, data files
      and command line are used as they are; epochs, batch size, lr, max length, eval
      cadence and patience come from ``recipe`` (the selector needs other values than the
      generator).
    - ``recipe``: :class:`SelectorRecipe` (defaults: the shipped recipe).
    - ``output``: where to save (default ``settings.output / "selector"``, the directory the
      small-talk model ships it in).
    - ``held_out``: the held-out dialogues; if given, :func:`selection_eval.evaluate_selection`
      runs on them after training (with ``chat``, a loaded ``ChatModel``, for the generator
      baselines) and the figures go into ``metadata.json`` (reported, never tuned on).

    Writes ``config.json``, ``model.safetensors``, the tokenizer (and ``member-1/`` ... with the
    other members' own), ``selector.json`` (with the
    dev-fitted combination weights and the dev split's fraction/seed), ``metadata.json`` and
    ``loss_curve.png``. Only the main process writes; under torchrun every rank trains.
    Raises ``TrainingError`` (Korean message) for a base that can't be loaded or no pairs.
    """
    from assistant.training.device import is_main_process
    from assistant.training.errors import DataError
    from assistant.training.loop import seed_everything, train
    from assistant_plugins.smalltalk.selector import Selector

    recipe = recipe or SelectorRecipe()
    recipe = replace(recipe, base=pick_base(recipe.base, getattr(settings, "base", None)))
    output = Path(output) if output is not None else Path(settings.output) / SELECTOR_DIR
    fit_d, dev_d = dev_split(train_dialogues, recipe.dev_fraction, settings.seed)
    fit_pairs, dev_pairs = pairs_of(fit_d), pairs_of(dev_d)
    if not fit_pairs:
        raise DataError("응답 선택 모델을 학습할 대화가 없어요.")
    seed_everything(settings.seed)
    model, tokenizer = load_base(str(recipe.base), recipe.mini_layers, recipe.mini_ffn)
    window = int(getattr(model.config, "max_position_embeddings", 0) or 0)
    config = SelectorConfig(
        context_turns=recipe.context_turns,
        max_length=min(recipe.max_length, window) if window else recipe.max_length,
        scale=recipe.scale,
        neighbors=recipe.neighbors,
        dev_fraction=recipe.dev_fraction,
        dev_seed=settings.seed,
        members=max(1, recipe.members),
    )
    negatives = (
        hard_negative_replies(fit_pairs, recipe.hard_negatives, settings.seed)
        if recipe.hard_negatives
        else None
    )
    dev_examples = encode_pairs(dev_pairs, tokenizer, config, settings.seed + 1)
    main = is_main_process()
    if main:
        print(
            f"응답 선택 모델 학습: 대화 {len(fit_pairs):,}쌍, 개발용 {len(dev_pairs):,}쌍, "
            f"기반 {recipe.base}, 모델 {config.members}개",
            file=sys.stderr,
        )
    models, metrics = [], []
    for member in range(config.members):
        seed = settings.seed + member
        if member:
            seed_everything(seed)
            model, _ = load_base(str(recipe.base), recipe.mini_layers, recipe.mini_ffn)
        place = output / f"member-{member}" if member else output
        loop_settings = replace(
            settings,
            output=place,
            seed=seed,
            epochs=recipe.epochs,
            max_steps=int(getattr(settings, "max_steps", 0) or 0),  # --max-steps: every stage
            batch_size=recipe.batch_size,
            lr=recipe.lr,
            max_length=config.max_length,
            eval_every=recipe.eval_every,
            patience=recipe.patience,
        )
        metadata = {
            "task": "smalltalk-selector",
            "recipe": asdict(recipe),
            "selector": asdict(config),
            "member": member,
            "pairs": {"train": len(fit_pairs), "dev": len(dev_pairs)},
            "dialogues": {"train": len(fit_d), "dev": len(dev_d)},
        }
        result = train(
            model,
            encode_pairs(fit_pairs, tokenizer, config, seed, negatives),
            dev_examples,
            loop_settings,
            collate=make_collate(tokenizer.pad_id),
            loss_fn=make_loss(recipe.scale, recipe.symmetric),
            tokenizer=tokenizer,
            metadata=metadata,
            length_of=_length,
        )
        models.append(model)
        metrics.append(result.metrics)
        if result.interrupted:  # every rank trains every member: DDP needs them all
            break
    outcome = SelectorResult(output=output, metrics=metrics[0], interrupted=result.interrupted)
    if len(metrics) > 1:
        outcome.metrics = {**metrics[0], "members": metrics}
    if result.interrupted or not main:
        return outcome
    selector = Selector(models[0], tokenizer, config, output, threads=0, members=models[1:])
    if dev_pairs:
        outcome.dev = dev_figures(selector, fit_pairs, dev_pairs, recipe, settings.seed)
        weights = outcome.dev["weights"]
        config.vote_weight = weights["vote"]
        config.vote_max_weight = weights["vote_max"]
        config.neighbor_mean_weight = weights["neighbor_mean"]
        config.neighbor_max_weight = weights["neighbor_max"]
        selector.config = config
    config.save(output)
    if held_out:
        from assistant_plugins.smalltalk.selection_eval import evaluate_selection

        outcome.held_out = evaluate_selection(
            train_dialogues, held_out, selector=selector, chat=chat, seed=settings.seed
        )
    meta_path = output / "metadata.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["selector"] = asdict(config)
    if len(metrics) > 1:
        meta["members"] = [
            {"directory": f"member-{i}" if i else ".", "seed": settings.seed + i, **m}
            for i, m in enumerate(metrics)
        ]
    meta["selection_dev"] = outcome.dev
    if outcome.held_out:
        meta["selection_held_out"] = outcome.held_out
    meta_path.write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return outcome
