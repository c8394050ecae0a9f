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
        self, ids: Sequence[int], cache: list[tuple[torch.Tensor, torch.Tensor]] | None
    ) -> tuple[torch.Tensor, list[tuple[torch.Tensor, torch.Tensor]]]:
        """Logits of the last position for ``ids`` appended after ``cache``; the new cache."""
        start = 0 if not cache else cache[0][0].shape[1]
        tokens = torch.tensor(ids, dtype=torch.long)
        positions = torch.arange(start, start + len(ids))
        x = self.wte[tokens] + self.wpe[positions]
        width = x.shape[-1]
        heads, dim = self.n_head, width // self.n_head
        new_cache = []
        for i, (l1w, l1b, aw, ab, pw, pb, l2w, l2b, fw, fb, mw, mb) in enumerate(self.blocks):
            h = F.layer_norm(x, (width,), l1w, l1b, self.eps)
            q, k, v = torch.addmm(ab, h, aw).split(width, dim=-1)
            q = q.view(-1, heads, dim).transpose(0, 1)
            k = k.view(-1, heads, dim).transpose(0, 1)
            v = v.view(-1, heads, dim).transpose(0, 1)
            if cache:
                k = torch.cat((cache[i][0], k), dim=1)
                v = torch.cat((cache[i][1], v), dim=1)
            new_cache.append((k, v))
            causal = len(ids) > 1 and start == 0
            if len(ids) > 1 and start > 0:
                mask = torch.ones(len(ids), start + len(ids), dtype=torch.bool).tril(start)
                a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            else:
                a = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
            a = a.transpose(0, 1).reshape(-1, width)
            x = x + torch.addmm(pb, a, pw)
            h = F.layer_norm(x, (width,), l2w, l2b, self.eps)
            h = F.gelu(torch.addmm(fb, h, fw), approximate="tanh")
            x = x + torch.addmm(mb, h, mw)
        last = F.layer_norm(x[-1], (width,), self.ln_f[0], self.ln_f[1], self.eps)
        return self.head @ last, new_cache

    def generate(
        self,
        prompt: Sequence[int],
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
    ) -> list[int]:
        """New token ids (the stop token included if one was produced)."""
        stops = set(stop_ids)
        sequence = list(prompt)
        budget = min(max_new_tokens, self.window - len(sequence))
        new: list[int] = []
        single_bans = [w[0] for w in bad_words_ids if len(w) == 1]
        multi_bans = [list(w) for w in bad_words_ids if len(w) > 1]
        with torch.inference_mode():
            logits, cache = self.step(sequence, None)
            for _ in range(max(0, budget)):
                scores = logits.float().clone()
                if repetition_penalty != 1.0:
                    seen = torch.tensor(sorted(set(sequence)), dtype=torch.long)
                    picked = scores[seen]
                    scores[seen] = torch.where(
                        picked < 0, picked * repetition_penalty, picked / repetition_penalty
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
                new.append(token)
                sequence.append(token)
                if token in stops:
                    break
                logits, cache = self.step([token], cache)
        return new


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
