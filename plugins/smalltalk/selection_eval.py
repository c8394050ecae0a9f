"""Response selection on held-out pairs: hits@1 of 20 for the shipped selection and baselines.

The standard response-selection measure: for every held-out (utterance, reply) pair the true
reply is shuffled among ``candidates - 1`` random replies of the same held-out split (texts
different from the true reply and from each other; a fixed seed), each arm scores the
candidates, and hits@1 is the fraction of pairs whose true reply scores highest (a tie for
first place counts as 1/k of a hit, i.e. random tie-breaking in expectation).

Arms, all computed in the same run on the same candidate sets:

- ``hits_at_1``: the shipped selection, ``selector + vote_weight * neighbor_vote`` (the weight
  fit on a dev split of the training data at training time, see ``selector_training``);
- ``selector_only``: the selector's cosine alone;
- ``baselines.random``: 1 / candidates (exact);
- ``baselines.generator_loglik``: the generator's mean log p(reply | utterance) per token;
- ``baselines.generator_pmi``: that minus the mean log p(reply) after an empty user turn;
- ``baselines.bm25``: BM25 of the candidate reply for the utterance's morphemes (Kiwi);
- ``baselines.neighbor_vote``: the replies of the 20 training utterances most similar to the
  user's (BM25 over Kiwi morphemes) vote for each candidate by character-bigram similarity,
  weighted by the BM25 score (:func:`selector.neighbor_votes`).

Neighbours come from the training split only (the held-out pairs never enter the index), so
no held-out utterance finds itself.

Public API::

    SelectionPair(context, utterance, reply)
    pairs_of(dialogues) -> list[SelectionPair]
    candidate_sets(pairs, candidates=20, seed=0) -> list[CandidateSet]
    hits_at_1(score_lists, sets) -> float
    NeighborIndex.build(pairs) / index.search(text, k) -> list[Neighbor]
    vote_lists(index, sets, neighbors=20) -> list[list[float]]
    fit_vote_weight(selector_lists, vote_lists, sets) -> float
    evaluate_selection(train, held_out, *, selector=None, chat=None, candidates=20, seed=0,
                       neighbors=20) -> dict
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant_plugins.smalltalk.data import Dialogue
from assistant_plugins.smalltalk.selector import neighbor_votes

log = logging.getLogger("assistant.smalltalk")

#: weights tried when fitting ``vote_weight`` on the dev split (0 = selector alone)
VOTE_WEIGHT_GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 50.0)


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
    """Kiwi morphemes (``form/tag``) of each text, punctuation and symbols dropped."""
    global _KIWI
    if _KIWI is None:
        from kiwipiepy import Kiwi

        _KIWI = Kiwi()
    return [
        [
            f"{t.form}/{t.tag}"
            for t in tokens
            if not t.tag.startswith(("SF", "SP", "SS", "SE", "SO", "SW"))
        ]
        for tokens in _KIWI.tokenize(list(texts))
    ]


_KIWI: Any = None


class NeighborIndex:
    """BM25 (``bm25s``) over Kiwi morphemes of training utterances."""

    def __init__(self, pairs: Sequence[tuple[str, str]], retriever: Any) -> None:
        self.pairs = list(pairs)
        self.retriever = retriever

    @classmethod
    def build(cls, pairs: Sequence[tuple[str, str]]) -> NeighborIndex:
        import bm25s

        retriever = bm25s.BM25()
        retriever.index(morphemes([u for u, _ in pairs]), show_progress=False)
        return cls(pairs, retriever)

    def search(self, text: str, k: int = 20) -> list[Neighbor]:
        import numpy as np

        tokens = morphemes([text])[0]
        if not tokens:
            return []
        scores = self.retriever.get_scores(tokens)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Neighbor(self.pairs[i], float(scores[i])) for i in top.tolist() if scores[i] > 0]


def vote_lists(
    index: NeighborIndex, sets: Sequence[CandidateSet], neighbors: int = 20
) -> list[list[float]]:
    """``neighbor_vote`` scores of every candidate set."""
    result = []
    for cset in sets:
        hits = index.search(cset.pair.utterance, neighbors)
        result.append(neighbor_votes([(h.pair[1], h.score) for h in hits], cset.candidates))
    return result


def selector_lists(selector: Any, sets: Sequence[CandidateSet]) -> list[list[float]]:
    selector.precompute([c for s in sets for c in s.candidates])
    return [
        selector.score(list(s.pair.context), s.pair.utterance, list(s.candidates)) for s in sets
    ]


def combined_lists(
    selector_scores: Sequence[Sequence[float]], votes: Sequence[Sequence[float]], weight: float
) -> list[list[float]]:
    return [
        [s + weight * v for s, v in zip(ss, vv, strict=True)]
        for ss, vv in zip(selector_scores, votes, strict=True)
    ]


def fit_vote_weight(
    selector_scores: Sequence[Sequence[float]],
    votes: Sequence[Sequence[float]],
    sets: Sequence[CandidateSet],
    grid: Sequence[float] = VOTE_WEIGHT_GRID,
) -> tuple[float, dict[str, float]]:
    """The grid weight with the best hits@1 (the smallest on ties) and every weight's hits@1."""
    figures = {str(w): hits_at_1(combined_lists(selector_scores, votes, w), sets) for w in grid}
    best = max(grid, key=lambda w: (figures[str(w)], -w))
    return float(best), figures


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
        scores = retriever.get_scores(tokens) if tokens else None
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
    seed: int = 0,
    neighbors: int = 20,
    index: NeighborIndex | None = None,
) -> dict[str, Any]:
    """hits@1 of ``candidates`` on ``held_out`` for the shipped selection and the baselines.

    ``train``: the training split (the neighbours, never the held-out pairs); ``selector``:
    a loaded :class:`~assistant_plugins.smalltalk.selector.Selector` (None: no selector
    arms); ``chat``: a loaded ``ChatModel`` for the generator baselines (None: left out);
    ``index``: a prebuilt :class:`NeighborIndex` over ``train`` (built here if None).

    Returns ``{"hits_at_1", "selector_only", "vote_weight", "candidates", "sets", "seed",
    "baselines": {"random", "generator_loglik", "generator_pmi", "bm25", "neighbor_vote"},
    "seconds": {...}}``; figures are rounded to 4 places; arms that could not run are None.
    """
    timings: dict[str, float] = {}
    sets = candidate_sets(pairs_of(held_out), candidates, seed)
    if index is None:
        train_pairs = [(p.utterance, p.reply) for p in pairs_of(train)]
        index = _timed("index", timings, lambda: NeighborIndex.build(train_pairs))
    votes = _timed("neighbor_vote", timings, lambda: vote_lists(index, sets, neighbors))
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
    shipped = alone = weight = None
    if selector is not None:
        scores = _timed("selector", timings, lambda: selector_lists(selector, sets))
        weight = float(selector.config.vote_weight)
        alone = round(hits_at_1(scores, sets), 4)
        shipped = round(hits_at_1(combined_lists(scores, votes, weight), sets), 4)
    return {
        "hits_at_1": shipped,
        "selector_only": alone,
        "vote_weight": weight,
        "candidates": candidates,
        "sets": len(sets),
        "seed": seed,
        "baselines": baselines,
        "seconds": timings,
    }
