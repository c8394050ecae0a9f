"""Small-talk generation on CTranslate2 (the ``[fast]`` extra): the lean decoder's interface.

:class:`CT2Decoder` offers :meth:`generate_many` with the same arguments and results as
:class:`assistant_plugins.smalltalk.fastgen.FastGPT2` (greedy and sampling, temperature,
top-k / top-p, repetition penalty, no-repeat n-grams, banned tokens, stop tokens; the new ids
with the stop token, and their mean log-probability per token under the model itself), run
by a ``ctranslate2.Generator`` on int8 weights. Conversion and the fall-back to torch live
in :mod:`assistant.fast_runtime`; ``ChatModel`` picks the decoder.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from assistant import fast_runtime


class CT2Decoder:
    """A CTranslate2 generator for one converted GPT-2 folder."""

    def __init__(self, directory: str | Path, window: int, threads: int = 1) -> None:
        self.directory = Path(directory)
        self.window = window
        self.generator = fast_runtime.load_generator(self.directory, threads)
        self.name = f"ctranslate2-{fast_runtime.quantization_of(self.directory)}"

    @classmethod
    def for_model(
        cls,
        model_dir: str | Path,
        cache_root: str | Path,
        window: int,
        threads: int = 1,
        quantization: str = fast_runtime.DEFAULT_QUANTIZATION,
    ) -> CT2Decoder:
        """Convert (once, cached) and load; raises :class:`fast_runtime.FastUnavailable`.

        A cached conversion that does not load (a damaged file) is converted again, once.
        """
        directory = fast_runtime.converted_dir(model_dir, cache_root, quantization)
        try:
            return cls(directory, window, threads)
        except Exception as exc:  # a damaged converted folder, an unsupported CPU, ...
            failure = exc
        if fast_runtime.is_cached(directory, cache_root):
            fast_runtime.log.warning("converting %s again: %s", model_dir, failure)
            shutil.rmtree(directory, ignore_errors=True)
            directory = fast_runtime.converted_dir(model_dir, cache_root, quantization)
            try:
                return cls(directory, window, threads)
            except Exception as exc:
                failure = exc
        raise fast_runtime.FastUnavailable(
            f"CTranslate2 could not load {directory}: {type(failure).__name__}: {failure}"
        ) from failure

    def generate(self, prompt: Sequence[int], **options: Any) -> list[int]:
        return self.generate_many(prompt, 1, **options)[0][0]

    def generate_many(
        self,
        prompt: Sequence[int],
        rows: int,
        *,
        max_new_tokens: int,
        stop_ids: Iterable[int],
        do_sample: bool = False,
        temperature: float = 1.0,
        top_k: int = 0,
        top_p: float = 1.0,
        repetition_penalty: float = 1.0,
        no_repeat_ngram_size: int = 0,
        bad_words_ids: Sequence[Sequence[int]] = (),
        generator: Any = None,
        scores: bool = True,
    ) -> list[tuple[list[int], float]]:
        """``rows`` continuations of ``prompt`` side by side (see ``FastGPT2.generate_many``).

        The mean log-probabilities come from :meth:`mean_logprobs`, one scoring pass after
        decoding (CTranslate2's own decoding scores are those of the filtered sampling
        distribution, not the model's); ``scores=False`` skips it (NaN scores), for a
        single draw that nothing is ranked against.

        ``generator`` is accepted for the same signature and ignored: CTranslate2's sampler
        can't be re-seeded per call (``ChatModel`` samples with a fixed seed on torch).
        """
        budget = min(max_new_tokens, self.window - len(prompt))
        if budget <= 0:
            return [([], 0.0) for _ in range(rows)]
        options: dict[str, Any] = {
            "max_length": budget,
            "include_prompt_in_result": False,
            "end_token": sorted(set(stop_ids)),
            "return_end_token": True,
            "repetition_penalty": repetition_penalty,
            "no_repeat_ngram_size": no_repeat_ngram_size,
        }
        if bad_words_ids:
            options["suppress_sequences"] = [fast_runtime.tokens(w) for w in bad_words_ids]
        if do_sample:
            options.update(
                sampling_topk=max(0, int(top_k)),
                sampling_topp=float(top_p),
                sampling_temperature=max(float(temperature), 1e-5),
            )
        else:
            options["sampling_topk"] = 1
        start = fast_runtime.tokens(prompt)
        results = self.generator.generate_batch([start] * rows, **options)
        news = [list(r.sequences_ids[0]) for r in results]
        if not scores:  # nothing to rank: no second pass
            return [(new, math.nan) for new in news]
        return list(zip(news, self.mean_logprobs(prompt, news), strict=True))

    def mean_logprobs(
        self, prompt: Sequence[int], continuations: Sequence[list[int]]
    ) -> list[float]:
        """Mean log-probability per token of each continuation (model only: no temperature,
        penalties or filtering), one batched scoring pass."""
        scored = [i for i, c in enumerate(continuations) if c]
        means = [0.0] * len(continuations)
        if not scored:
            return means
        batch = [fast_runtime.tokens([*prompt, *continuations[i]]) for i in scored]
        for i, result in zip(scored, self.generator.score_batch(batch), strict=True):
            picked = result.log_probs[-len(continuations[i]) :]
            means[i] = float(sum(picked) / len(picked))
        return means

    def logits(self, sequences: Sequence[Sequence[int]]) -> Any:
        """Next-token logits at every position, ``numpy`` ``[rows, length, vocab]`` (padded)."""
        import numpy as np

        return np.asarray(self.generator.forward_batch([list(s) for s in sequences]))
