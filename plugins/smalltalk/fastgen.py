"""A lean incremental decoder for GPT-2 models: the same weights, a fraction of the overhead.

``model.generate`` spends most of its time outside the matrix products for a small model
(cache objects, mask building, logits-processor plumbing): several ms per token on a
2-core CPU. :class:`FastGPT2` runs the GPT-2 block directly on the model's own
parameters with a plain key/value cache, and implements the decoding controls the plugin
offers (greedy, sampling with temperature / top-k / top-p, repetition penalty,
no-repeat n-grams, banned tokens, stop tokens) in the same order as transformers'
logits processors. Beam search is left to ``model.generate``.

Only standard GPT-2 (``GPT2LMHeadModel``: learned positions, pre-LayerNorm, tanh-GELU,
tied or untied head) is supported; :func:`supports` says whether a model qualifies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import torch
import torch.nn.functional as F

_GELUS = {"gelu_new", "gelu_pytorch_tanh", "gelu_fast"}


def supports(model: Any) -> bool:
    """Whether ``model`` is a plain GPT-2 this decoder reproduces exactly."""
    config = getattr(model, "config", None)
    return (
        type(model).__name__ == "GPT2LMHeadModel"
        and getattr(config, "activation_function", "") in _GELUS
        and getattr(config, "scale_attn_weights", True)
        and not getattr(config, "scale_attn_by_inverse_layer_idx", False)
        and not getattr(config, "reorder_and_upcast_attn", False)
        and not getattr(config, "add_cross_attention", False)
    )


class FastGPT2:
    """Incremental GPT-2 forward on the parameters of a ``GPT2LMHeadModel``."""

    def __init__(self, model: Any) -> None:
        if not supports(model):
            raise ValueError("not a plain GPT-2 model")
        config = model.config
        body = model.transformer
        self.n_head = config.n_head
        self.eps = config.layer_norm_epsilon
        self.window = config.n_positions
        self.wte = body.wte.weight.detach()
        self.wpe = body.wpe.weight.detach()
        self.head = model.lm_head.weight.detach()
        self.ln_f = (body.ln_f.weight.detach(), body.ln_f.bias.detach())
        self.blocks = []
        for block in body.h:
            self.blocks.append(
                tuple(
                    p.detach()
                    for p in (
                        block.ln_1.weight,
                        block.ln_1.bias,
                        block.attn.c_attn.weight,
                        block.attn.c_attn.bias,
                        block.attn.c_proj.weight,
                        block.attn.c_proj.bias,
                        block.ln_2.weight,
                        block.ln_2.bias,
                        block.mlp.c_fc.weight,
                        block.mlp.c_fc.bias,
                        block.mlp.c_proj.weight,
                        block.mlp.c_proj.bias,
                    )
                )
            )

    def step(
        self, tokens: torch.Tensor, cache: list[tuple[torch.Tensor, torch.Tensor]] | None
    ) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
        """Last-position logits ``[rows, vocab]`` for ``tokens`` ``[rows, length]`` after ``cache``.

        Every row continues the same number of cached positions; returns the new cache.
        """
        rows, length = tokens.shape
        start = 0 if not cache else cache[0][0].shape[2]
        positions = torch.arange(start, start + length)
        x = (self.wte[tokens] + self.wpe[positions]).reshape(rows * length, -1)
        width = x.shape[-1]
        heads, dim = self.n_head, width // self.n_head

        def split_heads(t: torch.Tensor) -> torch.Tensor:
            return t.reshape(rows, length, heads, dim).transpose(1, 2)

        new_cache = []
        for i, (l1w, l1b, aw, ab, pw, pb, l2w, l2b, fw, fb, mw, mb) in enumerate(self.blocks):
            h = F.layer_norm(x, (width,), l1w, l1b, self.eps)
            q, k, v = (split_heads(t) for t in torch.addmm(ab, h, aw).split(width, dim=-1))
            if cache:
                k = torch.cat((cache[i][0], k), dim=2)
                v = torch.cat((cache[i][1], v), dim=2)
            new_cache.append((k, v))
            if length > 1 and start > 0:
                mask = torch.ones(length, start + length, dtype=torch.bool).tril(start)
                a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            else:
                a = F.scaled_dot_product_attention(q, k, v, is_causal=length > 1)
            a = a.transpose(1, 2).reshape(rows * length, width)
            x = x + torch.addmm(pb, a, pw)
            h = F.layer_norm(x, (width,), l2w, l2b, self.eps)
            h = F.gelu(torch.addmm(fb, h, fw), approximate="tanh")
            x = x + torch.addmm(mb, h, mw)
        last = x.reshape(rows, length, width)[:, -1]
        last = F.layer_norm(last, (width,), self.ln_f[0], self.ln_f[1], self.eps)
        return last @ self.head.T, new_cache

    def generate(self, prompt: Sequence[int], **options: Any) -> list[int]:
        """New token ids for one continuation (see :meth:`generate_many` for the options)."""
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
        generator: torch.Generator | None = None,
        scores: bool = True,  # scoring is free here (CT2Decoder may skip it)
    ) -> list[tuple[list[int], float]]:
        """``rows`` continuations of ``prompt`` decoded side by side in one batch.

        For each row: the new token ids (the stop token included if one was produced) and
        their mean log-probability per token under the model itself (before temperature,
        penalties and filtering: how likely the model finds the text). The prompt is
        encoded once; its cache is shared by every row.
        """
        stops = set(stop_ids)
        budget = min(max_new_tokens, self.window - len(prompt))
        sequences = [list(prompt) for _ in range(rows)]
        new: list[list[int]] = [[] for _ in range(rows)]
        logprob = [0.0] * rows
        live = list(range(rows))
        single_bans = [w[0] for w in bad_words_ids if len(w) == 1]
        multi_bans = [list(w) for w in bad_words_ids if len(w) > 1]
        with torch.inference_mode():
            logits, cache = self.step(torch.tensor([list(prompt)], dtype=torch.long), None)
            if rows > 1:
                logits = logits.expand(rows, -1)
                cache = [(k.expand(rows, -1, -1, -1), v.expand(rows, -1, -1, -1)) for k, v in cache]
            for _ in range(max(0, budget)):
                picked = []
                for i, row in enumerate(live):  # logits row i belongs to sequence ``row``
                    sequence = sequences[row]
                    scores = logits[i].float().clone()
                    if repetition_penalty != 1.0:
                        seen = torch.tensor(sorted(set(sequence)), dtype=torch.long)
                        before = scores[seen]
                        scores[seen] = torch.where(
                            before < 0, before * repetition_penalty, before / repetition_penalty
                        )
                    banned = list(single_bans)
                    if no_repeat_ngram_size > 0:
                        banned += _ngram_bans(sequence, no_repeat_ngram_size)
                    for words in multi_bans:
                        if sequence[-(len(words) - 1) :] == words[:-1]:
                            banned.append(words[-1])
                    if banned:
                        scores[banned] = -math.inf
                    token = _choose(scores, do_sample, temperature, top_k, top_p, generator)
                    new[row].append(token)
                    logprob[row] += float(logits[i].float().log_softmax(-1)[token])
                    sequence.append(token)
                    picked.append(token)
                still = [i for i, row in enumerate(live) if picked[i] not in stops]
                if not still:
                    break
                if len(still) < len(live):  # drop finished rows from the batch
                    keep = torch.tensor(still, dtype=torch.long)
                    cache = [(k[keep], v[keep]) for k, v in cache]
                    live = [live[i] for i in still]
                    picked = [picked[i] for i in still]
                tokens = torch.tensor(picked, dtype=torch.long).unsqueeze(1)
                logits, cache = self.step(tokens, cache)
        return [(tokens, logprob[row] / max(1, len(tokens))) for row, tokens in enumerate(new)]


def _ngram_bans(sequence: Sequence[int], n: int) -> list[int]:
    """Tokens that would repeat an n-gram already in ``sequence`` (transformers' rule)."""
    if len(sequence) < n:
        return []
    prefix = tuple(sequence[len(sequence) - n + 1 :]) if n > 1 else ()
    bans = []
    for i in range(len(sequence) - n + 1):
        if tuple(sequence[i : i + n - 1]) == prefix:
            bans.append(sequence[i + n - 1])
    return bans


def _choose(
    scores: torch.Tensor,
    do_sample: bool,
    temperature: float,
    top_k: int,
    top_p: float,
    generator: torch.Generator | None,
) -> int:
    if not do_sample:
        return int(scores.argmax())
    scores = scores / max(temperature, 1e-5)
    # Work on the top-k candidates only (sorted, most likely first): top-p then needs no
    # full-vocabulary sort. Same result as transformers' TopK -> TopP warpers.
    if top_k and top_k < scores.numel():
        values, indices = torch.topk(scores, top_k)
    else:
        values, indices = torch.sort(scores, descending=True)
    probs = values.softmax(-1)
    if top_p < 1.0:
        before = probs.cumsum(-1) - probs  # probability mass of the more likely tokens
        probs = probs.masked_fill(before >= top_p, 0.0)
        probs[0] = probs[0].clamp_min(1e-12)  # always keep the most likely token
    choice = torch.multinomial(probs, 1, generator=generator)
    return int(indices[choice])
