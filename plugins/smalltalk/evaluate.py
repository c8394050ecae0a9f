"""``assistant eval smalltalk``: held-out loss/perplexity on system turns and reply sanity.

Loss is the mean cross-entropy over system-turn tokens only (user turns are
labelled -100, as in training), summed token by token over the whole file, so
it does not depend on the batch size. Reply sanity generates a reply for up to
``prompts`` distinct first user turns with the configured decoding and counts
empty replies, special-token leaks (in the raw text before the end token and in the
final reply), echoes of the prompt and the distinct-reply ratio.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings
from assistant_plugins.smalltalk.cleaning import is_echo
from assistant_plugins.smalltalk.turns import IGNORE, Sample

_SPECIAL = re.compile(r"<(?:unused\d+|unk|pad|mask|/?s|usr|sys)>")


@dataclass
class LossResult:
    loss: float
    perplexity: float
    tokens: int
    samples: int


def sample_loss(
    model: Any, samples: Sequence[Sample], pad_id: int, batch_size: int = 32
) -> LossResult:
    """Token-weighted mean cross-entropy over labelled (system) tokens."""
    import torch
    import torch.nn.functional as F

    total, count = 0.0, 0
    ordered = sorted(samples, key=len)
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(ordered), batch_size):
            batch = ordered[start : start + batch_size]
            width = max(len(s) for s in batch)
            ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
            labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            for i, s in enumerate(batch):
                ids[i, : len(s)] = torch.tensor(s.input_ids)
                labels[i, : len(s)] = torch.tensor(s.labels)
                mask[i, : len(s)] = 1
            logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
            target = labels[:, 1:]
            loss = F.cross_entropy(
                logits.reshape(-1, logits.shape[-1]),
                target.reshape(-1),
                ignore_index=IGNORE,
                reduction="sum",
            )
            total += float(loss)
            count += int((target != IGNORE).sum())
    mean = total / count if count else float("nan")
    return LossResult(
        mean, math.exp(min(mean, 50.0)) if count else float("nan"), count, len(samples)
    )


def bigram_f1(reply: str, reference: str) -> float:
    """Character-bigram F1 between a reply and the reference reply (a rough relevance proxy)."""

    def grams(text: str) -> Counter[str]:
        text = re.sub(r"\s+", "", text)
        return Counter(text[i : i + 2] for i in range(len(text) - 1))

    a, b = grams(reply), grams(reference)
    overlap = sum((a & b).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(a.values()), overlap / sum(b.values())
    return 2 * precision * recall / (precision + recall)


def reply_sanity(
    chat: ChatModel, prompts: Sequence[tuple[str, str]], settings: GenerationSettings
) -> dict[str, Any]:
    """Generate one reply per (prompt, reference) and count what can go wrong."""
    replies: list[dict[str, Any]] = []
    for prompt, reference in prompts:
        result = chat.reply(prompt, (), settings)
        raw_before_end = result.raw
        for stop in (chat.fmt.eos, chat.fmt.usr):
            raw_before_end = raw_before_end.split(stop, 1)[0]
        replies.append(
            {
                "prompt": prompt,
                "reply": result.text,
                "raw_special": bool(_SPECIAL.search(raw_before_end)),
                "leak": bool(_SPECIAL.search(result.text)),
                "echo": is_echo(result.text, prompt),
                "neutral": result.neutral,
                "retried": result.attempts > 1,
                "ms": result.elapsed_ms,
                "tokens": result.new_tokens,
                "f1": bigram_f1(result.text, reference),
            }
        )
    n = len(replies) or 1
    texts = [r["reply"] for r in replies]
    latencies = sorted(r["ms"] for r in replies) or [0.0]
    return {
        "prompts": len(replies),
        "empty": sum(not t.strip() for t in texts),
        "special_token_leaks": sum(r["leak"] for r in replies),
        "raw_special_tokens": sum(r["raw_special"] for r in replies),
        "echo": sum(r["echo"] for r in replies),
        "retried": sum(r["retried"] for r in replies),
        "neutral_fallbacks": sum(r["neutral"] for r in replies),
        "distinct_reply_ratio": round(len(set(texts)) / n, 4),
        "reference_bigram_f1": round(sum(r["f1"] for r in replies) / n, 4),
        "mean_reply_chars": round(sum(len(t) for t in texts) / n, 1),
        "hangul_reply_ratio": round(sum(bool(re.search("[가-힣]", t)) for t in texts) / n, 4),
        "latency_ms_p50": round(statistics.median(latencies), 1),
        "examples": [{"prompt": r["prompt"], "reply": r["reply"]} for r in replies[:10]],
    }
