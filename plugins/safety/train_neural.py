"""Train the learned crisis classifier (``models/safety-mini``) on the labelled sets + chat.

    python -m assistant_plugins.safety.train_neural                 # -> models/safety-mini
    python -m assistant_plugins.safety.train_neural --out runs/safety-mini --seed 1
    assistant train safety                                           # the same command

A binary BertForSequenceClassification (labels ``safe``, ``crisis``) fine-tuned from the
encoder of ``models/emotion-mini`` (its head is replaced), on every set of
``train.TUNING_SETS`` plus a sample of the everyday chat questions (``train.CHAT_NEGATIVES``,
minus any a rule fires on) as harmless examples: 3 epochs, AdamW lr 1e-4 with 10 % warm-up
and linear decay, batches of 32 grouped by length, sequences of at most 48 pieces, two CPU
threads, seeded. About 3-4 minutes on a CPU. The threshold saved in ``metadata.json`` is
chosen across authors by ``bench/crisis_neural_cross_author.py`` (models that never saw an
author score that author's sets); pass it with ``--threshold``. Sets in ``train.HELD_OUT``
are refused. Only safetensors, the config, the tokenizer file, ``metadata.json`` and
``MODEL_CARD.md`` (written by hand) are kept in the output directory.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .train import CHAT_NEGATIVES, HELD_OUT, TUNING_SETS, read_set

ROOT = Path(__file__).resolve().parent.parent.parent
#: the threshold bench/crisis_neural_cross_author.py chose across authors (MODEL_CARD.md)
DEFAULT_THRESHOLD = 0.9
DEFAULT_CHAT = 3000


def base_dir() -> Path:
    from assistant_models import shipped

    return shipped("emotion-mini")


def buckets(order: list[int], encoded: list[list[int]], size: int, rng: random.Random):
    """Batches of similar length (far less padding): shuffled, sorted by length within
    windows of 20 batches, the batches shuffled again."""
    order = list(order)
    rng.shuffle(order)
    batches = []
    window = size * 20
    for start in range(0, len(order), window):
        part = sorted(order[start : start + window], key=lambda i: len(encoded[i]))
        batches += [part[i : i + size] for i in range(0, len(part), size)]
    rng.shuffle(batches)
    return batches


def fine_tune(
    texts: list[str],
    labels: list[int],
    *,
    base: Path | None = None,
    epochs: int = 3,
    lr: float = 1e-4,
    batch_size: int = 32,
    max_length: int = 48,
    seed: int = 0,
    threads: int = 2,
    log_every: int = 100,
):
    """A BertForSequenceClassification (labels safe, crisis) from ``base``'s encoder,
    fine-tuned on (texts, labels); returns (model, tokenizer)."""
    import torch
    from transformers import BertForSequenceClassification
    from transformers.utils import logging as hf_logging

    from assistant_plugins.emotion.tokenization import SentencePieceBertTokenizer, pad_batch

    base = base or base_dir()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    tokenizer = SentencePieceBertTokenizer.from_dir(base, max_length=max_length)
    model = BertForSequenceClassification.from_pretrained(
        str(base),
        num_labels=2,
        id2label={0: "safe", 1: "crisis"},
        label2id={"safe": 0, "crisis": 1},
        ignore_mismatched_sizes=True,
        use_safetensors=True,
    )
    encoded = [tokenizer.encode(t, max_length) for t in texts]
    order = list(range(len(texts)))
    steps = epochs * len(buckets(order, encoded, batch_size, random.Random(0)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup)))
    )
    rng = random.Random(seed)
    model.train()
    step, started = 0, time.perf_counter()
    for _ in range(epochs):
        for chunk in buckets(order, encoded, batch_size, rng):
            batch = pad_batch([encoded[i] for i in chunk], tokenizer.pad_id)
            target = torch.tensor([labels[i] for i in chunk])
            loss = torch.nn.functional.cross_entropy(model(**batch).logits, target)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            if log_every and step % log_every == 0:
                print(f"  step {step}/{steps} loss {loss.item():.3f} "
                      f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
    model.eval()
    return model, tokenizer


def crisis_probabilities(model, tokenizer, texts: list[str], max_length: int = 48) -> list[float]:
    """p(crisis) of each text (batches sorted by length)."""
    import torch

    from assistant_plugins.emotion.tokenization import pad_batch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    probs = [0.0] * len(texts)
    with torch.inference_mode():
        for start in range(0, len(order), 128):
            chunk = order[start : start + 128]
            ids = [tokenizer.encode(texts[i], max_length) for i in chunk]
            p = torch.softmax(model(**pad_batch(ids, tokenizer.pad_id)).logits.float(), dim=-1)
            for i, v in zip(chunk, p[:, 1].tolist(), strict=True):
                probs[i] = v
    return probs


def chat_negatives(path: Path = CHAT_NEGATIVES) -> list[str]:
    """Everyday chat questions no crisis rule fires on (train.read_negatives)."""
    from .detect import FALSE_FRIENDS_PATH, PATTERNS_PATH, Detector, read_list
    from .train import read_negatives

    if not path.exists():
        return []
    return read_negatives(path, Detector(read_list(PATTERNS_PATH), read_list(FALSE_FRIENDS_PATH)))


def train(
    sets: list[str],
    out: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    chat: int = DEFAULT_CHAT,
    epochs: int = 3,
    lr: float = 1e-4,
    seed: int = 0,
    threads: int = 2,
    base: Path | None = None,
    negatives: Path = CHAT_NEGATIVES,
) -> dict:
    refused = HELD_OUT.intersection(sets)
    if refused:
        raise SystemExit(f"{', '.join(sorted(refused))}: 보류 평가 세트는 학습에 쓸 수 없어요.")
    rows = [r for name in sets for r in read_set(name)]
    texts = [t for _, _, t in rows]
    labels = [int(label == "crisis") for label, _, _ in rows]
    pool = chat_negatives(negatives)
    sample = random.Random(seed).sample(pool, min(chat, len(pool)))
    texts += sample
    labels += [0] * len(sample)
    started = time.perf_counter()
    model, tokenizer = fine_tune(
        texts, labels, base=base, epochs=epochs, lr=lr, seed=seed, threads=threads
    )
    seconds = time.perf_counter() - started
    fitted = crisis_probabilities(model, tokenizer, texts)
    in_sample = {
        "recall": round(sum(p >= threshold for p, y in zip(fitted, labels, strict=True) if y)
                        / max(1, sum(labels)), 4),
        "false_alarms": round(sum(p >= threshold for p, y in zip(fitted, labels, strict=True)
                                  if not y) / max(1, len(labels) - sum(labels)), 4),
    }  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out), safe_serialization=True)
    tokenizer.save(out)
    for stray in out.glob("*.bin"):
        stray.unlink()
    meta = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "plugin": "safety",
        "command": "python -m assistant_plugins.safety.train_neural " + " ".join(sys.argv[1:]),
        "base": "models/emotion-mini (encoder; new 2-class head)",
        "sets": sets,
        "chat_negatives": len(sample),
        "examples": len(texts),
        "crisis_examples": sum(labels),
        "epochs": epochs,
        "lr": lr,
        "batch_size": 32,
        "max_length": 48,
        "seed": seed,
        "train_seconds": round(seconds),
        "threshold": threshold,
        "threshold_chosen_on": "bench/crisis_neural_cross_author.py: out-of-author scores",
        "in_sample_at_threshold": in_sample,
        "labels": {"0": "safe", "1": "crisis"},
    }
    (out / "metadata.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return meta


def main(argv: list[str] | None = None) -> None:
    from assistant_models import shipped

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=TUNING_SETS)
    parser.add_argument("--out", type=Path, default=shipped("safety-mini"))
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--chat", type=int, default=DEFAULT_CHAT, help="chat questions used")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    meta = train(
        args.sets,
        args.out,
        threshold=args.threshold,
        chat=args.chat,
        epochs=args.epochs,
        lr=args.lr,
        seed=args.seed,
        threads=args.threads,
    )
    print(json.dumps(meta, ensure_ascii=False))


if __name__ == "__main__":
    main()
