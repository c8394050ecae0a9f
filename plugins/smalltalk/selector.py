"""The response selector: a BERT bi-encoder that scores (context + utterance, candidate reply).

One shared encoder (``AutoModel``, a BERT-family model) embeds both sides, told apart by the
segment id: the query side (earlier turns and the user's utterance, joined with ``[SEP]``,
the oldest turn dropped first) has ``token_type_ids`` 0, a candidate reply has 1. Each side
is mean-pooled over its tokens and L2-normalised; the score is the cosine similarity (in
[-1, 1], higher = the reply fits better). Candidate embeddings are cached per text, so a
memory reply is encoded once per process (or ahead of time with :meth:`Selector.precompute`).

The selection the project ships (:meth:`Selector.select`) combines the selector with what the
memory's nearest training pairs say: ``neighbor_vote`` (:func:`neighbor_votes`, TF-IDF
character bigrams) and the neural vote (:meth:`Selector.neighbor_similarity`, the selector's own reply
embeddings), with weights fit on a dev split of the training data (``selector.json``).

A selector directory holds ``config.json`` + ``model.safetensors`` (the encoder, Hugging Face
format), the tokenizer (KoBERT-style ``spiece.model`` [+ ``vocab.txt``] or ``tokenizer.json``),
``selector.json`` (:class:`SelectorConfig`), ``metadata.json`` and a model card.

Public API::

    Selector.load(directory, *, threads=1) -> Selector          # SelectorUnavailable (Korean)
    selector.score(context, utterance, candidates) -> list[float]
    selector.select(context, utterance, candidates, neighbors) -> list[float]
    selector.neighbor_similarity(neighbors, candidates) -> (mean, max)
    selector.precompute(replies) -> None
    neighbor_votes(neighbors, candidates, idf) -> list[float]     # torch-free
    vote_features(neighbors, candidates, idf) -> (vote, vote_max) # torch-free
    BigramIdf.of(replies) -> BigramIdf                            # torch-free
    SelectorConfig.load(directory) / config.save(directory)

torch and transformers are imported inside functions only.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from assistant.korean import josa
from assistant.loading import heavy_imports, quiet, torch_threads
from assistant_plugins.smalltalk.chat import ModelUnavailable

log = logging.getLogger("assistant.smalltalk")

SELECTOR_DIR = "selector"
CONFIG_FILE = "selector.json"
#: candidate embeddings kept per process (a shipped memory has ~7,000 distinct replies)
CACHE_LIMIT = 50_000
QUERY_SEGMENT, REPLY_SEGMENT = 0, 1
_SPACE = re.compile(r"\s+")


class SelectorUnavailable(ModelUnavailable):
    """The selector can't be loaded; ``str(exc)`` is a Korean explanation."""


@dataclass
class SelectorConfig:
    """How a selector encodes and combines; saved as ``selector.json`` beside the weights."""

    #: earlier turns (user and system, counted as single turns) kept before the utterance
    context_turns: int = 2
    #: tokens per side (query or reply), including [CLS]/[SEP]
    max_length: int = 64
    #: the temperature used in training (scores are cosines; only training uses the scale)
    scale: float = 20.0
    #: weights of the shipped selection (fit on the dev split, see :meth:`Selector.select`)
    vote_weight: float = 0.0
    vote_max_weight: float = 0.0
    neighbor_mean_weight: float = 0.0
    neighbor_max_weight: float = 0.0
    #: training utterances that vote (the ``neighbor_vote`` baseline's 20)
    neighbors: int = 20
    #: the dev split carved out of the training split (``selector_training.dev_split``):
    #: fit combination weights on it, never on the held-out split
    dev_fraction: float = 0.05
    dev_seed: int = 42
    #: encoders trained with different seeds (``member-1/`` ... beside the first); the
    #: embedding is their unit vectors concatenated / sqrt(members), so every cosine is the
    #: members' mean cosine
    members: int = 1

    def save(self, directory: str | Path) -> None:
        path = Path(directory) / CONFIG_FILE
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> SelectorConfig:
        path = Path(directory) / CONFIG_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise SelectorUnavailable(
                f"응답 선택 모델 폴더에 {CONFIG_FILE} 이 없어요: '{directory}'"
            ) from exc
        except (OSError, ValueError) as exc:
            raise SelectorUnavailable(f"{josa(str(path), '을/를')} 읽을 수 없어요: {exc}") from exc
        if not isinstance(data, dict):
            raise SelectorUnavailable(f"{path} 의 형식이 올바르지 않아요 (JSON 객체가 아니에요).")
        floats = {
            "scale",
            "vote_weight",
            "vote_max_weight",
            "neighbor_mean_weight",
            "neighbor_max_weight",
            "dev_fraction",
        }
        known = {f.name for f in fields(cls)}
        try:
            values = {
                k: (float(v) if k in floats else int(v)) for k, v in data.items() if k in known
            }
        except (TypeError, ValueError) as exc:
            raise SelectorUnavailable(f"{path} 의 값이 올바르지 않아요: {exc}") from exc
        return cls(**values)


def bigram_counts(text: str) -> Counter[str]:
    """Character bigrams of ``text`` with whitespace removed (the text itself if shorter)."""
    text = _SPACE.sub("", text)
    return Counter(text[i : i + 2] for i in range(len(text) - 1)) or Counter([text])


class BigramIdf:
    """Character-bigram TF-IDF vectors, with IDF over a set of replies (e.g. a memory's).

    ``BigramIdf.of(replies)`` counts in how many replies each bigram occurs;
    ``idf(gram) = log((N + 1) / (df + 0.5))`` (a bigram never seen counts most).
    ``BigramIdf()`` (no replies) weighs every bigram 1: plain count vectors.
    ``vector(text)`` is the unit-length TF-IDF vector of ``text``'s bigrams (cached per text).
    """

    CACHE_LIMIT = 50_000

    def __init__(self, df: dict[str, int] | None = None, documents: int = 0) -> None:
        import math

        self.documents = documents
        self._idf = {g: math.log((documents + 1) / (n + 0.5)) for g, n in df.items()} if df else {}
        self._unseen = math.log((documents + 1) / 0.5) if df else 1.0
        self._vectors: dict[str, dict[str, float]] = {}

    @classmethod
    def of(cls, replies: Sequence[str]) -> BigramIdf:
        df: Counter[str] = Counter()
        for reply in replies:
            df.update(set(bigram_counts(reply)))
        return cls(dict(df), len(replies))

    def idf(self, gram: str) -> float:
        return self._idf.get(gram, self._unseen)

    def vector(self, text: str) -> dict[str, float]:
        found = self._vectors.get(text)
        if found is None:
            import math

            weighted = {g: n * self.idf(g) for g, n in bigram_counts(text).items()}
            norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
            found = {g: v / norm for g, v in weighted.items()}
            if len(self._vectors) < self.CACHE_LIMIT:
                self._vectors[text] = found
        return found

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the TF-IDF bigram vectors of ``a`` and ``b`` (0..1)."""
        va, vb = self.vector(a), self.vector(b)
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(v * vb.get(g, 0.0) for g, v in va.items())


def vote_features(
    neighbors: Sequence[tuple[str, float]],
    candidates: Sequence[str],
    idf: BigramIdf | None = None,
) -> tuple[list[float], list[float]]:
    """(``neighbor_vote``, best single match) of each candidate.

    ``neighbors`` are (reply of a similar training utterance, its BM25 score), e.g. the top 20
    memory hits for the user's utterance; ``idf`` the bigram IDF of the memory's replies.
    Each neighbour's reply votes for each candidate with the character-bigram similarity
    (TF-IDF cosine, :class:`BigramIdf`) of the two, weighted by its BM25 score: the vote is
    the BM25-weighted mean, in [0, 1]; the second list is the highest single similarity.
    Both are 0 when nothing was retrieved.
    """
    idf = idf or BigramIdf()
    used = [(reply, max(0.0, float(score))) for reply, score in neighbors]
    total = sum(w for _, w in used)
    if total <= 0:
        return [0.0] * len(candidates), [0.0] * len(candidates)
    votes, best = [], []
    for candidate in candidates:
        similar = [idf.similarity(candidate, reply) for reply, _ in used]
        votes.append(sum(w * s for (_, w), s in zip(used, similar, strict=True)) / total)
        best.append(max(similar))
    return votes, best


def neighbor_votes(
    neighbors: Sequence[tuple[str, float]],
    candidates: Sequence[str],
    idf: BigramIdf | None = None,
) -> list[float]:
    """``neighbor_vote`` of each candidate (the first list of :func:`vote_features`)."""
    return vote_features(neighbors, candidates, idf)[0]


def check_selector_dir(directory: Path) -> None:
    """Refuse directories without a config, safetensors weights or ``selector.json``."""
    if not directory.is_dir():
        raise SelectorUnavailable(f"응답 선택 모델 폴더가 없어요: '{directory}'")
    if not (directory / "config.json").is_file():
        raise SelectorUnavailable(f"응답 선택 모델 폴더에 config.json 이 없어요: '{directory}'")
    if not any(directory.glob("*.safetensors")):
        pickled = [p.name for p in (*directory.glob("*.bin"), *directory.glob("*.pt"))]
        extra = f" ({', '.join(pickled)}는 보안상 읽지 않아요)" if pickled else ""
        raise SelectorUnavailable(
            f"응답 선택 모델 폴더에 safetensors 가중치가 없어요: '{directory}'{extra}"
        )


def member_dirs(directory: Path, members: int) -> list[Path]:
    """The directories of a selector's encoders: itself, then ``member-1/`` ...; each must
    hold a config and safetensors weights (:class:`SelectorUnavailable` if not)."""
    places = [directory, *(directory / f"member-{i}" for i in range(1, max(1, members)))]
    for place in places[1:]:
        check_selector_dir(place)
    return places


def batch_rows(rows: Sequence[tuple[Sequence[int], int]], pad_id: int) -> dict[str, Any]:
    """Pad (ids, segment) rows into ``input_ids`` / ``attention_mask`` / ``token_type_ids``."""
    import torch

    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    types = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (row, segment) in enumerate(rows):
        ids[i, : len(row)] = torch.as_tensor(row, dtype=torch.long)
        mask[i, : len(row)] = 1
        types[i, : len(row)] = segment
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def pooled(model: Any, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
    """Mean of the last hidden states over real tokens, L2-normalised (float32)."""
    import torch.nn.functional as F

    hidden = model(
        input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
    ).last_hidden_state.float()
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
    return F.normalize(mean, dim=-1)


def embed(model: Any, rows: Sequence[tuple[Sequence[int], int]], pad_id: int) -> Any:
    """Unit vectors of (ids, segment) rows, one forward pass."""
    batch = batch_rows(rows, pad_id)
    device = next(model.parameters()).device
    return pooled(model, **{k: v.to(device) for k, v in batch.items()})


def join_turns(encode: Any, turns: Sequence[str], max_length: int) -> list[int]:
    """``[CLS] t1 [SEP] t2 [SEP] ... utterance [SEP]``: the last turn whole (cut if needed),
    older turns dropped oldest first until the ids fit ``max_length``."""
    pieces = [list(encode(t)) for t in turns]
    last = pieces[-1][:max_length]
    if len(pieces[-1]) > max_length:  # keep the end marker of a cut utterance
        last[-1] = pieces[-1][-1]
    ids = last
    for earlier in reversed(pieces[:-1]):
        body = earlier[:-1]  # [CLS] text (its [SEP] separates it from what follows)
        if len(body) + 1 + len(ids) - 1 > max_length:  # the next turn loses its [CLS]
            break
        ids = body + [earlier[-1]] + ids[1:]
    return ids


class Selector:
    """A loaded selector: encoder, tokenizer and :class:`SelectorConfig`."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        config: SelectorConfig,
        directory: Path | None = None,
        threads: int = 1,
        members: Sequence[Any] = (),
    ) -> None:
        self.model = model.eval()
        #: every encoder: ``model`` and the other ensemble members (``SelectorConfig.members``)
        self.models = [self.model, *(m.eval() for m in members)]
        self.tokenizer = tokenizer
        self.config = config
        self.directory = directory
        #: CPU threads per call (0 = torch's setting); a small encoder is fastest on one
        self.threads = threads
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()
        #: CTranslate2 encoders of the same weights, one per ensemble member
        #: (:meth:`use_fast_runtime`); empty = torch
        self.fast_encoders: list[Any] = []

    @property
    def fast_encoder(self) -> Any:
        """The first member's CTranslate2 encoder, or None when the selector runs on torch."""
        return self.fast_encoders[0] if self.fast_encoders else None

    def use_fast_runtime(
        self,
        runtime: Any,
        cache_root: Path,
        *,
        quantization: Any = "auto",
        logger: logging.Logger = log,
    ) -> bool:
        """Encode on CTranslate2 (every ensemble member) when ``runtime`` allows it, else stay
        on torch; all members or none, so the ensemble's scores never mix runtimes."""
        from assistant import fast_runtime

        if self.directory is None:
            return False
        encoders = []
        places = member_dirs(self.directory, self.config.members)
        for place, model in zip(places, self.models, strict=True):
            encoder = fast_runtime.encoder_for(
                runtime,
                place,
                cache_root,
                threads=self.threads,
                quantization=quantization,
                config=model.config,
                what=f"the selector ({place.name})",
                logger=logger,
            )
            if encoder is None:
                self.fast_encoders = []
                return False
            encoders.append(encoder)
        self.fast_encoders = encoders
        self._cache.clear()  # embeddings of one runtime only
        return True

    @classmethod
    def load(cls, directory: str | Path, *, threads: int = 1) -> Selector:
        """Load a selector directory (safetensors only, no remote code).

        A missing or broken directory raises :class:`SelectorUnavailable` with a Korean
        message naming the directory.
        """
        directory = Path(directory)
        check_selector_dir(directory)
        config = SelectorConfig.load(directory)
        started = time.perf_counter()
        try:
            with heavy_imports():
                from assistant_plugins.emotion.tokenization import TokenizerError, load_tokenizer

                try:
                    tokenizer = load_tokenizer(directory, max_length=config.max_length)
                except TokenizerError as exc:
                    raise SelectorUnavailable(str(exc)) from exc
                import torch
                from transformers import AutoModel

                models = []
                for place in member_dirs(directory, config.members):
                    with quiet():
                        models.append(
                            AutoModel.from_pretrained(
                                str(place),
                                use_safetensors=True,
                                trust_remote_code=False,
                                dtype=torch.float32,
                                add_pooling_layer=False,
                            )
                        )
        except SelectorUnavailable:
            raise
        except Exception as exc:  # corrupt weights, wrong architecture, ...
            log.warning("could not load the selector from %s", directory, exc_info=exc)
            raise SelectorUnavailable(
                f"응답 선택 모델을 불러올 수 없어요: '{directory}' ({type(exc).__name__})"
            ) from exc
        selector = cls(models[0], tokenizer, config, directory, threads, models[1:])
        selector.score([], "안녕하세요", ["반가워요"])  # warm-up: the first call allocates
        selector._cache.clear()
        log.info("selector %s loaded in %.1f s", directory, time.perf_counter() - started)
        return selector

    # -- encoding --------------------------------------------------------------------

    def query_ids(self, context: Sequence[str], utterance: str) -> list[int]:
        keep = list(context)[-self.config.context_turns :] if self.config.context_turns else []
        turns = [t for t in (*keep, utterance) if t.strip()] or [utterance]
        return join_turns(self.tokenizer.encode, turns, self.config.max_length)

    def reply_ids(self, reply: str) -> list[int]:
        return list(self.tokenizer.encode(reply, self.config.max_length))

    def _embed(self, rows: Sequence[tuple[list[int], int]]) -> Any:
        import torch

        if self.fast_encoders:
            import numpy as np

            from assistant.fast_runtime import pooled_embeddings

            segments = [[segment] * len(ids) for ids, segment in rows]
            ids = [ids for ids, _ in rows]
            parts = [pooled_embeddings(encoder, ids, segments) for encoder in self.fast_encoders]
            joined = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)
            return torch.from_numpy(joined / len(parts) ** 0.5)
        with torch_threads(self.threads), torch.inference_mode():
            if len(self.models) == 1:
                return embed(self.model, rows, self.tokenizer.pad_id)
            parts = [embed(m, rows, self.tokenizer.pad_id) for m in self.models]
            return torch.cat(parts, dim=-1) / len(parts) ** 0.5

    def precompute(self, replies: Sequence[str], batch_size: int = 256) -> None:
        """Encode and cache ``replies`` ahead of time (e.g. every reply of the memory)."""
        todo = [r for r in dict.fromkeys(replies) if r not in self._cache]
        for start in range(0, len(todo), batch_size):
            chunk = todo[start : start + batch_size]
            vectors = self._embed([(self.reply_ids(r), REPLY_SEGMENT) for r in chunk])
            with self._lock:
                for text, vector in zip(chunk, vectors, strict=True):
                    if len(self._cache) < CACHE_LIMIT:
                        self._cache[text] = vector

    def score(
        self, context: Sequence[str], utterance: str, candidates: Sequence[str]
    ) -> list[float]:
        """Cosine between the query (recent ``context`` turns + ``utterance``) and each candidate.

        ``context`` is the earlier turns in order, user and system alternating, oldest first.
        One forward pass encodes the query together with the candidates not cached yet.
        """
        if not candidates:
            return []
        import torch

        missing = [c for c in dict.fromkeys(candidates) if c not in self._cache]
        rows = [(self.query_ids(context, utterance), QUERY_SEGMENT)]
        rows += [(self.reply_ids(c), REPLY_SEGMENT) for c in missing]
        vectors = self._embed(rows)
        query = vectors[0]
        fresh = dict(zip(missing, vectors[1:], strict=True))
        with self._lock:
            for text, vector in fresh.items():
                if len(self._cache) < CACHE_LIMIT:
                    self._cache[text] = vector
            stacked = torch.stack([fresh[c] if c in fresh else self._cache[c] for c in candidates])
        return (stacked @ query).tolist()

    def neighbor_similarity(
        self, neighbors: Sequence[tuple[str, float]], candidates: Sequence[str]
    ) -> tuple[list[float], list[float]]:
        """The neural vote of the neighbours' replies for each candidate.

        ``neighbors`` as for :func:`neighbor_votes`. Returns (BM25-weighted mean, max) of the
        cosine between the candidate's and each neighbour reply's embeddings: "a similar
        utterance was answered with something that means the same", which the character
        bigrams of ``neighbor_vote`` cannot see. (0, 0) per candidate without neighbours.
        """
        import torch

        used = [(reply, max(0.0, float(score))) for reply, score in neighbors]
        total = sum(w for _, w in used)
        if not candidates or total <= 0:
            return [0.0] * len(candidates), [0.0] * len(candidates)
        self.precompute([r for r, _ in used] + list(candidates))
        with self._lock:
            replies = torch.stack([self._cache_get(r) for r, _ in used])
            cands = torch.stack([self._cache_get(c) for c in candidates])
        similarity = cands @ replies.T  # [candidates, neighbours]
        weights = torch.tensor([w for _, w in used], dtype=similarity.dtype)
        mean = (similarity * weights.to(similarity.device)).sum(1) / total
        return mean.tolist(), similarity.max(1).values.tolist()

    def _cache_get(self, text: str) -> Any:
        vector = self._cache.get(text)
        if vector is None:  # the cache is full: encode without keeping it
            vector = self._embed([(self.reply_ids(text), REPLY_SEGMENT)])[0]
        return vector

    def select(
        self,
        context: Sequence[str],
        utterance: str,
        candidates: Sequence[str],
        neighbors: Sequence[tuple[str, float]] = (),
        idf: BigramIdf | None = None,
    ) -> list[float]:
        """The shipped selection score of each candidate (higher = better).

        ``selector + vote_weight * neighbor_vote + vote_max_weight * vote_max
        + neighbor_mean_weight * mean + neighbor_max_weight * max`` (:func:`vote_features`,
        :meth:`neighbor_similarity`), weights from ``selector.json`` (fit on the dev split).
        ``neighbors``: (reply, BM25 score) of the memory's top ``config.neighbors`` training
        pairs for the utterance; ``idf``: the bigram IDF of the memory's replies
        (:meth:`BigramIdf.of`); without neighbours this is :meth:`score`.
        """
        scores = self.score(context, utterance, candidates)
        if not neighbors or not candidates:
            return scores
        c = self.config
        neighbors = list(neighbors)[: c.neighbors] if c.neighbors else list(neighbors)
        votes, vote_max = vote_features(neighbors, candidates, idf)
        mean, best = self.neighbor_similarity(neighbors, candidates)
        return [
            s
            + c.vote_weight * v
            + c.vote_max_weight * vm
            + c.neighbor_mean_weight * m
            + c.neighbor_max_weight * b
            for s, v, vm, m, b in zip(scores, votes, vote_max, mean, best, strict=True)
        ]
