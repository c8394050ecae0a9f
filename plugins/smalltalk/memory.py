"""The reply memory: (utterance -> reply) pairs found again by BM25 over Korean morphemes.

Built by ``assistant train smalltalk`` (stage ``memory``) from the training split of the
dialogue data and saved beside the model, in ``memory/``:

- ``memory.json``: format version, counts, tokenizer and BM25 settings, data files, split;
- ``pairs.jsonl``: one pair per line (id, utterance, reply, label, emotion, source, tokens);
- ``morphemes/``, ``chars/``: the two ``bm25s`` indexes, saved by bm25s itself
  (numpy ``.npy`` arrays without pickle, JSON vocabulary and parameters);
- ``words.txt``: every word of the data (the fluency filter's vocabulary);
- ``LICENSE-*``/``NOTICE.txt``: the licence and attribution of the data it was built from.

Search: the query's morphemes (:func:`morphemes.tokens`) are scored by BM25 over the
utterances. Query morphemes the index has never seen (typos, rare words, foreign words)
fall back to character bigrams, scored on the second index and added with weight
``CHAR_WEIGHT``. Each hit carries the BM25 score and ``fit``, the IDF-weighted Dice overlap of
the query's and the utterance's morpheme sets (0..1; with one shared IDF it is comparable
across memories of any size), and ``cover``, the IDF-weighted share of the query's morphemes
the utterance has, and ``key``, whether the utterance has the query's rarest noun (the
pipeline's relevance floors).

No pickle anywhere; numpy, scipy and bm25s load with the memory, kiwipiepy on first search.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.korean import josa
from assistant.loading import ModelUnavailable
from assistant_plugins.smalltalk import morphemes

log = logging.getLogger("assistant.smalltalk")

FORMAT = 1
CHAR_WEIGHT = 0.5
BM25_PARAMS = {"k1": 1.2, "b": 0.75, "method": "lucene"}


class MemoryUnavailable(ModelUnavailable):
    """A memory folder that can't be read; ``str(exc)`` is a Korean explanation."""


@dataclass(frozen=True)
class MemoryPair:
    """One remembered exchange. ``label``: ChatbotData's 0/1/2 (else None)."""

    id: str
    utterance: str
    reply: str
    label: int | None
    source: str
    #: the data's own emotion label (AI Hub 감정_대분류, a JSONL "emotion"), if any
    emotion: str | None = None


@dataclass(frozen=True)
class MemoryHit:
    pair: MemoryPair
    score: float  # BM25 (morphemes + CHAR_WEIGHT x character bigrams of unseen words)
    fit: float = 0.0  # IDF-weighted Dice overlap of query and utterance morphemes, 0..1
    cover: float = 0.0  # IDF-weighted share of the query's morphemes the utterance has, 0..1
    key: bool = True  # the utterance has the query's rarest noun (or the query has none)
    tokens: tuple[str, ...] = field(default=(), compare=False)


def weighted_dice(a: Iterable[str], b: Iterable[str], idf: Callable[[str], float]) -> float:
    """Dice overlap of two token sets, each token weighted by its IDF (rare words count more)."""
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return 0.0
    total = sum(idf(t) for t in sa) + sum(idf(t) for t in sb)
    return 2 * sum(idf(t) for t in sa & sb) / total if total else 0.0


def key_noun(query: Iterable[str], idf: Callable[[str], float]) -> str | None:
    """The query's rarest noun (or foreign word), what the remark is most likely about."""
    nouns = sorted({t for t in query if t.endswith(("/N", "/L"))})
    return max(nouns, key=idf) if nouns else None


def weighted_cover(
    query: Iterable[str], other: Iterable[str], idf: Callable[[str], float]
) -> float:
    """IDF-weighted share of the query's tokens that ``other`` has too (0..1)."""
    sq, so = set(query), set(other)
    total = sum(idf(t) for t in sq)
    return sum(idf(t) for t in sq & so) / total if total else 0.0


def _index(docs: Sequence[list[str]]) -> Any:
    import bm25s

    index = bm25s.BM25(**BM25_PARAMS)
    index.index([d or [""] for d in docs], show_progress=False)
    return index


def _bare(token: str) -> str:
    return token.lstrip("~").rsplit("/", 1)[0]


class ReplyMemory:
    """Pairs + their BM25 indexes. ``build`` from pairs, ``save``/``load`` a folder."""

    def __init__(
        self,
        pairs: list[MemoryPair],
        token_lists: list[list[str]],
        morph_index: Any,
        char_index: Any,
        words: set[str],
        info: dict[str, Any] | None = None,
    ) -> None:
        self.pairs = pairs
        self.token_lists = token_lists
        self.morph_index = morph_index
        self.char_index = char_index
        self.words = words
        self.info = dict(info or {})
        self._idf: dict[str, float] | None = None
        self._bigram_idf: Any = None

    def idf(self, token: str) -> float:
        """log((N + 1) / (df + 0.5)) over the memory's utterances; unseen tokens count most."""
        if self._idf is None:
            import math
            from collections import Counter

            df = Counter(t for toks in self.token_lists for t in set(toks))
            n = len(self.token_lists)
            self._idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
            self._idf[""] = math.log((n + 1) / 0.5)
        return self._idf.get(token, self._idf[""])

    def has_token(self, token: str) -> bool:
        """Whether a search token (``form/T``) occurs in the memory's utterances."""
        self.idf("")
        return token in (self._idf or {})

    def bigram_idf(self) -> Any:
        """The character-bigram IDF of the replies (``selector.BigramIdf``, for
        ``neighbor_vote``), built on first use."""
        if self._bigram_idf is None:
            from assistant_plugins.smalltalk.selector import BigramIdf

            self._bigram_idf = BigramIdf.of([p.reply for p in self.pairs])
        return self._bigram_idf

    def __len__(self) -> int:
        return len(self.pairs)

    # -- building --------------------------------------------------------------

    @classmethod
    def build(
        cls,
        pairs: Iterable[MemoryPair],
        info: dict[str, Any] | None = None,
        token_lists: Sequence[list[str]] | None = None,
    ) -> ReplyMemory:
        """Analyse every utterance and index it (``token_lists`` reuses earlier analyses)."""
        pairs = list(pairs)
        if not pairs:
            raise ValueError("a reply memory needs at least one pair")
        started = time.perf_counter()
        tokens = (
            [list(t) for t in token_lists]
            if token_lists is not None
            else [morphemes.tokens(p.utterance) for p in pairs]
        )
        grams = [morphemes.char_ngrams(p.utterance) for p in pairs]
        words = {w for p in pairs for text in (p.utterance, p.reply) for w in morphemes.words(text)}
        memory = cls(pairs, tokens, _index(tokens), _index(grams), words, info)
        memory.info.setdefault("build_seconds", round(time.perf_counter() - started, 2))
        return memory

    # -- files -----------------------------------------------------------------

    def save(self, directory: str | Path) -> Path:
        import bm25s
        import kiwipiepy

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with (directory / "pairs.jsonl").open("w", encoding="utf-8") as f:
            for pair, toks in zip(self.pairs, self.token_lists, strict=True):
                row = {k: v for k, v in asdict(pair).items() if v is not None}
                f.write(json.dumps({**row, "tokens": toks}, ensure_ascii=False) + "\n")
        self.morph_index.save(directory / "morphemes", show_progress=False)
        self.char_index.save(directory / "chars", show_progress=False)
        (directory / "words.txt").write_text("\n".join(sorted(self.words)) + "\n", "utf-8")
        meta = {
            **self.info,
            "format": FORMAT,
            "pairs": len(self.pairs),
            "tokenizer": {"kiwipiepy": kiwipiepy.__version__, "char_ngram": 2},
            "bm25": {**BM25_PARAMS, "library": f"bm25s {bm25s.__version__}"},
            "char_weight": CHAR_WEIGHT,
        }
        (directory / "memory.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> ReplyMemory:
        """Read a saved memory; ``MemoryUnavailable`` with a Korean message if broken."""
        directory = Path(directory)
        meta_path = directory / "memory.json"
        if not meta_path.is_file():
            raise MemoryUnavailable(f"답변 기억 폴더 {directory} 에 memory.json 이 없어요")
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            if int(meta.get("format", 0)) != FORMAT:
                raise MemoryUnavailable(
                    f"{directory} 의 답변 기억 형식({meta.get('format')})을 읽을 수 없어요. "
                    "assistant train smalltalk --stage memory 로 다시 만들어 주세요"
                )
            pairs: list[MemoryPair] = []
            token_lists: list[list[str]] = []
            with (directory / "pairs.jsonl").open(encoding="utf-8") as f:
                for line in f:
                    row = json.loads(line)
                    token_lists.append([str(t) for t in row.pop("tokens", [])])
                    label = row.get("label")
                    pairs.append(
                        MemoryPair(
                            id=str(row["id"]),
                            utterance=str(row["utterance"]),
                            reply=str(row["reply"]),
                            label=int(label) if label is not None else None,
                            source=str(row.get("source", "")),
                            emotion=row.get("emotion"),
                        )
                    )
            import bm25s

            morph = bm25s.BM25.load(directory / "morphemes", show_progress=False)
            chars = bm25s.BM25.load(directory / "chars", show_progress=False)
            words_path = directory / "words.txt"
            words = set(words_path.read_text("utf-8").split()) if words_path.is_file() else set()
        except MemoryUnavailable:
            raise
        except Exception as exc:  # truncated files, bad JSON, missing arrays
            log.exception("could not load the reply memory from %s", directory)
            raise MemoryUnavailable(
                f"답변 기억 {josa(str(directory), '을/를')} 읽을 수 없어요 ({type(exc).__name__})"
            ) from exc
        for name, index in (("morphemes", morph), ("chars", chars)):
            if int(index.scores.get("num_docs") or 0) != len(pairs):
                raise MemoryUnavailable(
                    f"답변 기억 {directory} 의 {name} 색인과 pairs.jsonl 의 개수가 달라요"
                )
        memory = cls(pairs, token_lists, morph, chars, words, meta)
        memory.bigram_idf()  # with the load (in the background), not on the first turn
        return memory

    # -- search ----------------------------------------------------------------

    def _scores(self, index: Any, query: list[str]) -> Any:
        known = [t for t in query if t and t in index.vocab_dict]
        if not known:
            return None
        return index.get_scores(known)

    def search(
        self,
        text: str,
        k: int = 10,
        query_tokens: Sequence[str] | None = None,
        idf: Callable[[str], float] | None = None,
    ) -> list[MemoryHit]:
        """The ``k`` best-matching pairs for ``text`` (no hit with score 0), best first.

        ``fit`` weighs tokens by ``idf`` (default: this memory's own; the pipeline passes the
        shipped memory's so that fits of small memories are comparable with it).
        """
        import numpy as np

        query = list(query_tokens) if query_tokens is not None else morphemes.tokens(text)
        scores = self._scores(self.morph_index, query)
        unseen = [t for t in query if t not in self.morph_index.vocab_dict]
        if unseen or not query:
            source = " ".join(_bare(t) for t in unseen) if unseen else text
            extra = self._scores(self.char_index, morphemes.char_ngrams(source))
            if extra is not None:
                scores = CHAR_WEIGHT * extra if scores is None else scores + CHAR_WEIGHT * extra
        if scores is None or k <= 0:
            return []
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        hits = []
        for i in top.tolist():
            score = float(scores[i])
            if score <= 0:
                break
            weigh = idf or self.idf
            fit = weighted_dice(query, self.token_lists[i], weigh)
            cover = weighted_cover(query, self.token_lists[i], weigh)
            key = key_noun(query, weigh)
            hits.append(
                MemoryHit(
                    self.pairs[i],
                    score,
                    round(fit, 4),
                    round(cover, 4),
                    key is None or key in self.token_lists[i],
                    tuple(self.token_lists[i]),
                )
            )
        return hits

    def known_words(self, text: str) -> tuple[int, int]:
        """(words of ``text`` found in this memory's data, all words of ``text``)."""
        found = morphemes.words(text)
        return sum(w in self.words for w in found), len(found)
