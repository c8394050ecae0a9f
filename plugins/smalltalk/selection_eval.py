"""Response selection on held-out pairs: hits@1 of 20 for the shipped selection and baselines.

The standard response-selection measure: for every held-out (utterance, reply) pair the true
reply is shuffled among ``candidates - 1`` random replies of the same held-out split (texts
different from the true reply and from each other; a fixed seed), each arm scores the
candidates, and hits@1 is the fraction of pairs whose true reply scores highest (a tie for
first place counts as 1/k of a hit, i.e. random tie-breaking in expectation).

Arms, all computed in the same run on the same candidate sets:

- ``hits_at_1``: the shipped selection (``Selector.select``): the selector's cosine plus the
  neighbour votes, character-bigram (mean and best match) and neural (mean and max), with weights fit on a dev split of the
  training data at training time (``selector_training``);
- ``selector_only``: the selector's cosine alone; ``selector_and_vote``: plus the bigram vote;
- ``baselines.random``: 1 / candidates (exact);
- ``baselines.generator_loglik``: the generator's mean log p(reply | utterance) per token;
- ``baselines.generator_pmi``: that minus the mean log p(reply) after an empty user turn;
- ``baselines.bm25``: BM25 of the candidate reply for the utterance's morphemes (Kiwi);
- ``baselines.neighbor_vote``: the replies of the 20 training utterances most similar to the
  user's (BM25 over Kiwi morphemes) vote for each candidate by character-bigram similarity
  (TF-IDF cosine, IDF over the training replies), weighted by the BM25 score
  (:func:`selector.neighbor_votes`).

Neighbours come from the training split only (the held-out pairs never enter the index), so
no held-out utterance finds itself.

Public API::

    SelectionPair(context, utterance, reply)
    pairs_of(dialogues) -> list[SelectionPair]
    candidate_sets(pairs, candidates=20, seed=0) -> list[CandidateSet]
    hits_at_1(score_lists, sets) -> float
    NeighborIndex.build(pairs) / index.search(text, k) -> list[Neighbor]
    vote_lists(index, sets, neighbors=20) -> list[list[float]]
    feature_lists(selector, index, sets, neighbors=20) -> {feature: score lists}
    fit_weights(features, sets) -> (weights, hits@1)
    evaluate_selection(train, held_out, *, selector=None, chat=None, candidates=20, seed=42,
                       neighbors=20) -> dict
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant_plugins.smalltalk.data import Dialogue
from assistant_plugins.smalltalk.selector import BigramIdf, vote_features

log = logging.getLogger("assistant.smalltalk")

#: the features the shipped selection combines (``Selector.select``)
FEATURES = ("selector", "vote", "vote_max", "neighbor_mean", "neighbor_max")
#: the features whose weights are fit (the selector's weight is 1)
WEIGHTED = FEATURES[1:]
#: weights tried per feature when fitting the combination on the dev split
WEIGHT_GRID = (0.0, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)


@dataclass(frozen=True)
class SelectionPair:
    """One system turn to select: the turns before it, the user's utterance and the reply."""

    context: tuple[str, ...]
    utterance: str
    reply: str


@dataclass(frozen=True)
class CandidateSet:
    pair: SelectionPair
    candidates: tuple[str, ...]
    true_index: int


@dataclass(frozen=True)
class Neighbor:
    """A training pair retrieved for an utterance, with its BM25 score."""

    pair: tuple[str, str]
    score: float


def pairs_of(dialogues: Sequence[Dialogue]) -> list[SelectionPair]:
    """One pair per system turn, with every earlier turn as context."""
    pairs = []
    for dialogue in dialogues:
        turns = dialogue.turns
        for end in range(2, len(turns) + 1, 2):
            pairs.append(SelectionPair(tuple(turns[: end - 2]), turns[end - 2], turns[end - 1]))
    return pairs


def candidate_sets(
    pairs: Sequence[SelectionPair], candidates: int = 20, seed: int = 0
) -> list[CandidateSet]:
    """The true reply among ``candidates - 1`` random other replies of ``pairs`` (fixed seed).

    Distractors differ in text from the true reply and from each other; pairs whose pool has
    too few distinct replies are left out.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    replies = [p.reply for p in pairs]
    sets = []
    for i, pair in enumerate(pairs):
        chosen: list[str] = []
        seen = {pair.reply}
        for j in rng.permutation(len(pairs)).tolist():
            if j != i and replies[j] not in seen:
                seen.add(replies[j])
                chosen.append(replies[j])
                if len(chosen) == candidates - 1:
                    break
        if len(chosen) < candidates - 1:
            continue
        position = int(rng.integers(candidates))
        chosen.insert(position, pair.reply)
        sets.append(CandidateSet(pair, tuple(chosen), position))
    return sets


def hit(scores: Sequence[float], true_index: int) -> float:
    """1 if the true candidate scores highest, 1/k if it ties with k-1 others, else 0."""
    best = max(scores)
    if scores[true_index] < best:
        return 0.0
    return 1.0 / sum(1 for s in scores if s == best)


def hits_at_1(score_lists: Sequence[Sequence[float]], sets: Sequence[CandidateSet]) -> float:
    if not sets:
        return float("nan")
    total = sum(hit(s, c.true_index) for s, c in zip(score_lists, sets, strict=True))
    return total / len(sets)


def morphemes(texts: Sequence[str]) -> list[list[str]]:
    """The reply memory's search tokens (Kiwi content morphemes, negation kept) per text."""
    from assistant_plugins.smalltalk.morphemes import tokens

    return [tokens(t) for t in texts]


class NeighborIndex:
    """The reply memory (``memory.ReplyMemory``: BM25 over Kiwi morphemes) of training pairs,
    with the bigram IDF of its replies (``idf``, for ``neighbor_vote``)."""

    def __init__(self, memory: Any) -> None:
        self.memory = memory
        self.idf: BigramIdf = memory.bigram_idf()

    @classmethod
    def build(cls, pairs: Sequence[tuple[str, str]]) -> NeighborIndex:
        from assistant_plugins.smalltalk.memory import MemoryPair, ReplyMemory

        return cls(
            ReplyMemory.build(
                MemoryPair(f"t:{i}", u, r, None, "train") for i, (u, r) in enumerate(pairs)
            )
        )

    def search(self, text: str, k: int = 20) -> list[Neighbor]:
        return [
            Neighbor((h.pair.utterance, h.pair.reply), h.score) for h in self.memory.search(text, k)
        ]


def vote_lists(
    index: NeighborIndex, sets: Sequence[CandidateSet], neighbors: int = 20
) -> list[list[float]]:
    """``neighbor_vote`` scores of every candidate set."""
    return feature_lists(None, index, sets, neighbors)["vote"]


def feature_lists(
    selector: Any, index: NeighborIndex, sets: Sequence[CandidateSet], neighbors: int = 20
) -> dict[str, list[list[float]]]:
    """Per feature (``FEATURES``), the score lists of every candidate set.

    Without a selector only ``vote`` and ``vote_max`` are filled.
    """
    features: dict[str, list[list[float]]] = {name: [] for name in FEATURES}
    if selector is not None:
        selector.precompute([c for s in sets for c in s.candidates])
    for cset in sets:
        hits = index.search(cset.pair.utterance, neighbors)
        found = [(h.pair[1], h.score) for h in hits]
        votes, vote_max = vote_features(found, cset.candidates, index.idf)
        features["vote"].append(votes)
        features["vote_max"].append(vote_max)
        if selector is None:
            continue
        features["selector"].append(
            selector.score(list(cset.pair.context), cset.pair.utterance, list(cset.candidates))
        )
        mean, best = selector.neighbor_similarity(found, cset.candidates)
        features["neighbor_mean"].append(mean)
        features["neighbor_max"].append(best)
    return features


def combined_lists(
    features: dict[str, list[list[float]]], weights: dict[str, float]
) -> list[list[float]]:
    """``selector + sum(weight * feature)`` per candidate set (``weights`` by feature name)."""
    import numpy as np

    total = np.asarray(features["selector"], dtype=np.float64)
    for name, weight in weights.items():
        if weight:
            total = total + weight * np.asarray(features[name], dtype=np.float64)
    return total.tolist()


def config_weights(config: Any) -> dict[str, float]:
    """The combination weights of a ``SelectorConfig``, by feature name."""
    return {
        "vote": float(config.vote_weight),
        "vote_max": float(config.vote_max_weight),
        "neighbor_mean": float(config.neighbor_mean_weight),
        "neighbor_max": float(config.neighbor_max_weight),
    }


def fit_weights(
    features: dict[str, list[list[float]]],
    sets: Sequence[CandidateSet],
    grid: Sequence[float] = WEIGHT_GRID,
) -> tuple[dict[str, float], float]:
    """The grid weights of ``WEIGHTED`` (the selector's weight is 1) with the best hits@1 on
    ``sets`` (ties: the smallest total weight), and that hits@1."""
    import itertools

    import numpy as np

    chosen: dict[str, float] = dict.fromkeys(WEIGHTED, 0.0)  # no dev sets (tiny data)
    if not sets:
        return chosen, 0.0
    base = np.asarray(features["selector"], dtype=np.float64)
    stacked = np.stack([np.asarray(features[n], dtype=np.float64) for n in WEIGHTED])
    truth = np.asarray([c.true_index for c in sets])
    rows = np.arange(len(sets))
    best: tuple[float, float] = (-1.0, 0.0)
    for combo in itertools.product(grid, repeat=len(WEIGHTED)):
        total = base + np.tensordot(np.asarray(combo), stacked, axes=1)
        top = total.max(axis=1)
        won = total[rows, truth] >= top
        ties = (total == top[:, None]).sum(axis=1)
        figure = float(np.where(won, 1.0 / ties, 0.0).mean())
        key = (figure, -sum(combo))
        if key > best:
            best, chosen = key, dict(zip(WEIGHTED, combo, strict=True))
    return {k: float(v) for k, v in chosen.items()}, best[0]


def bm25_lists(sets: Sequence[CandidateSet]) -> list[list[float]]:
    """BM25 of each candidate reply for the utterance's morphemes (index: all candidates)."""
    import bm25s

    replies = sorted({c for s in sets for c in s.candidates})
    where = {r: i for i, r in enumerate(replies)}
    retriever = bm25s.BM25()
    retriever.index(morphemes(replies), show_progress=False)
    queries = morphemes([s.pair.utterance for s in sets])
    result = []
    for s, tokens in zip(sets, queries, strict=True):
        known = [t for t in tokens if t in retriever.vocab_dict]
        scores = retriever.get_scores(known) if known else None
        result.append(
            [float(scores[where[c]]) if scores is not None else 0.0 for c in s.candidates]
        )
    return result


def generator_lists(
    chat: Any, sets: Sequence[CandidateSet]
) -> tuple[list[list[float]], list[list[float]]]:
    """(mean log p(reply | utterance), PMI) per candidate, with the shipped generator."""
    from assistant_plugins.smalltalk.chat import GenerationSettings

    settings = GenerationSettings()
    encoder = chat.encoder
    empty = chat.prompt_ids("", [], settings)
    prior: dict[str, float] = {}
    loglik, pmi = [], []
    for s in sets:
        history = [
            (s.pair.context[i], s.pair.context[i + 1]) for i in range(0, len(s.pair.context) - 1, 2)
        ]
        prompt = chat.prompt_ids(s.pair.utterance, history, settings)
        rows = [[*encoder.text_ids(c), encoder.eos_id] for c in s.candidates]
        conditional = chat.mean_logprob(prompt, rows)
        todo = [c for c in s.candidates if c not in prior]
        if todo:
            values = chat.mean_logprob(
                empty, [[*encoder.text_ids(c), encoder.eos_id] for c in todo]
            )
            prior.update(zip(todo, values, strict=True))
        loglik.append(conditional)
        pmi.append([v - prior[c] for v, c in zip(conditional, s.candidates, strict=True)])
    return loglik, pmi


def _timed(name: str, timings: dict[str, float], fn: Callable[[], Any]) -> Any:
    import time

    started = time.perf_counter()
    value = fn()
    timings[name] = round(time.perf_counter() - started, 2)
    return value


def evaluate_selection(
    train: Sequence[Dialogue],
    held_out: Sequence[Dialogue],
    *,
    selector: Any = None,
    chat: Any = None,
    candidates: int = 20,
    seed: int = 42,
    neighbors: int = 20,
    index: NeighborIndex | None = None,
) -> dict[str, Any]:
    """hits@1 of ``candidates`` on ``held_out`` for the shipped selection and the baselines.

    ``train``: the training split (the neighbours, never the held-out pairs); ``selector``:
    a loaded :class:`~assistant_plugins.smalltalk.selector.Selector` (None: no selector
    arms); ``chat``: a loaded ``ChatModel`` for the generator baselines (None: left out);
    ``index``: a prebuilt :class:`NeighborIndex` over ``train`` (built here if None).

    Returns ``{"hits_at_1", "selector_only", "selector_and_vote", "weights", "candidates",
    "sets", "seed", "baselines": {"random", "generator_loglik", "generator_pmi", "bm25",
    "neighbor_vote"}, "seconds": {...}}``; figures are rounded to 4 places; arms that could
    not run are None. ``selector_and_vote`` is an ablation: the selector plus only the
    character-bigram votes (with their shipped weights).
    """
    timings: dict[str, float] = {}
    sets = candidate_sets(pairs_of(held_out), candidates, seed)
    if not sets:  # too little held-out data for one set of candidates: nothing to measure
        return {
            "hits_at_1": None,
            "selector_only": None,
            "selector_and_vote": None,
            "weights": None,
            "candidates": candidates,
            "sets": 0,
            "seed": seed,
            "baselines": dict.fromkeys(
                ("random", "generator_loglik", "generator_pmi", "bm25", "neighbor_vote")
            ),
            "seconds": {},
        }
    if index is None:
        train_pairs = [(p.utterance, p.reply) for p in pairs_of(train)]
        index = _timed("index", timings, lambda: NeighborIndex.build(train_pairs))
    features = _timed(
        "selector_and_votes", timings, lambda: feature_lists(selector, index, sets, neighbors)
    )
    votes = features["vote"]
    baselines: dict[str, float | None] = {
        "random": round(1.0 / candidates, 4),
        "generator_loglik": None,
        "generator_pmi": None,
        "bm25": round(hits_at_1(_timed("bm25", timings, lambda: bm25_lists(sets)), sets), 4),
        "neighbor_vote": round(hits_at_1(votes, sets), 4),
    }
    if chat is not None:
        loglik, pmi = _timed("generator", timings, lambda: generator_lists(chat, sets))
        baselines["generator_loglik"] = round(hits_at_1(loglik, sets), 4)
        baselines["generator_pmi"] = round(hits_at_1(pmi, sets), 4)
    shipped = alone = with_vote = weights = None
    if selector is not None:
        weights = config_weights(selector.config)
        alone = round(hits_at_1(features["selector"], sets), 4)
        shipped = round(hits_at_1(combined_lists(features, weights), sets), 4)
        only_vote = {"vote": weights["vote"], "vote_max": weights["vote_max"]}
        with_vote = round(hits_at_1(combined_lists(features, only_vote), sets), 4)
    return {
        "hits_at_1": shipped,
        "selector_only": alone,
        "selector_and_vote": with_vote,
        "weights": weights,
        "candidates": candidates,
        "sets": len(sets),
        "seed": seed,
        "baselines": baselines,
        "seconds": timings,
    }
