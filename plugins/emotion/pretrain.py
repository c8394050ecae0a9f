"""Domain-adaptive masked-LM pretraining of the mini BERT before it learns the emotions.

``assistant train emotion --preset mini --mlm-steps N --mlm-text FILE`` first trains the
encoder of the freshly initialised classifier as a masked language model on unlabeled
Korean text (the training sentences, plus ``--mlm-text`` files such as ChatbotData's
questions *and* answers or KOTE comments), then fine-tunes it on the labels as usual. The
encoder weights are copied into the classifier (the pooler and the classification head
stay freshly initialised).

Masking is BERT's: 15 % of the ordinary tokens are chosen; 80 % of those become ``[MASK]``,
10 % a random token, 10 % stay. A short plain loop (AdamW, linear warm-up, cosine decay) on
the current device; no checkpoints (a few minutes of CPU).

torch and transformers are imported inside the functions only.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("assistant.emotion")

MASK_RATE = 0.15


def mask_tokens(
    ids: Any, *, special: Sequence[int], mask_id: int, vocab_size: int, generator: Any
) -> tuple[Any, Any]:
    """BERT masking of a padded ``input_ids`` batch: ``(inputs, labels)`` with labels -100
    everywhere except at the chosen positions."""
    import torch

    labels = ids.clone()
    ordinary = torch.ones_like(ids, dtype=torch.bool)
    for token in special:
        ordinary &= ids != token
    chosen = (torch.rand(ids.shape, generator=generator) < MASK_RATE) & ordinary
    labels[~chosen] = -100
    inputs = ids.clone()
    roll = torch.rand(ids.shape, generator=generator)
    inputs[chosen & (roll < 0.8)] = mask_id
    randomised = chosen & (roll >= 0.8) & (roll < 0.9)
    inputs[randomised] = torch.randint(
        max(special) + 1, vocab_size, ids.shape, generator=generator
    )[randomised]
    return inputs, labels


def mlm_pretrain(
    model: Any,
    texts: Sequence[str],
    tokenizer: Any,
    *,
    steps: int,
    batch_size: int = 32,
    lr: float = 5e-4,
    max_length: int = 64,
    seed: int = 42,
    echo: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Pretrain ``model.bert`` (a ``BertForSequenceClassification``) for ``steps`` steps.

    Returns what ``metadata.json`` records: texts, steps, first and last loss, seconds.
    """
    import torch
    from transformers import BertForMaskedLM

    from .tokenization import pad_batch

    started = time.perf_counter()
    device = next(model.parameters()).device
    encoded = [tokenizer.encode(t, max_length) for t in texts]
    encoded = [ids for ids in encoded if len(ids) > 3]
    if not encoded or steps <= 0:
        return {"texts": len(encoded), "steps": 0}
    torch.manual_seed(seed)
    mlm = BertForMaskedLM(model.config).to(device)
    mlm.bert.load_state_dict(model.bert.state_dict(), strict=False)
    mlm.train()
    decay = [p for n, p in mlm.named_parameters() if p.ndim >= 2]
    rest = [p for n, p in mlm.named_parameters() if p.ndim < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": rest, "weight_decay": 0.0}], lr=lr
    )
    warmup = max(1, steps // 20)

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(1, steps - warmup)
        return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    mask_id = getattr(tokenizer, "mask_id", None)
    if mask_id is None:
        raise ValueError("MLM pretraining needs a tokenizer with a [MASK] token")
    ids = (tokenizer.unk_id, tokenizer.pad_id, tokenizer.cls_id, tokenizer.sep_id, mask_id)
    special = sorted({t for t in ids if t is not None})
    generator = torch.Generator().manual_seed(seed)
    order = random.Random(seed)
    pool: list[list[int]] = []
    losses: list[float] = []
    for step in range(steps):
        if len(pool) < batch_size:
            fresh = list(encoded)
            order.shuffle(fresh)
            pool += fresh
        batch_ids, pool = pool[:batch_size], pool[batch_size:]
        batch = pad_batch(batch_ids, tokenizer.pad_id)
        inputs, labels = mask_tokens(
            batch["input_ids"],
            special=special,
            mask_id=mask_id,
            vocab_size=tokenizer.vocab_size,
            generator=generator,
        )
        chosen = labels != -100
        if not chosen.any():  # nothing masked in this batch (tiny inputs): skip it
            continue
        hidden = mlm.bert(
            input_ids=inputs.to(device), attention_mask=batch["attention_mask"].to(device)
        ).last_hidden_state
        # the vocabulary head only on the masked positions (an 8,000-way softmax on every
        # token would cost as much as the encoder)
        logits = mlm.cls(hidden[chosen.to(device)])
        loss = torch.nn.functional.cross_entropy(logits.float(), labels[chosen].to(device))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(mlm.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if (step + 1) % 100 == 0 or step + 1 == steps:
            window = losses[-100:]
            echo(f"MLM 사전학습 {step + 1}/{steps} 스텝 · 손실 {sum(window) / len(window):.3f}")
    model.bert.load_state_dict(mlm.bert.state_dict(), strict=False)
    first = losses[: min(50, len(losses))]
    last = losses[-min(50, len(losses)) :]
    return {
        "texts": len(encoded),
        "steps": steps,
        "batch_size": batch_size,
        "lr": lr,
        "max_length": max_length,
        "first_loss": round(sum(first) / len(first), 4),
        "last_loss": round(sum(last) / len(last), 4),
        "seconds": round(time.perf_counter() - started, 1),
    }
