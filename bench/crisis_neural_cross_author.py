"""A neural crisis classifier across authors: does a fine-tuned BERT-mini generalise better?

The shipped detector (rules + the n-gram scorer of plugins/safety) is strong on the sets
its authors wrote and weaker on a new voice (bench/crisis_cross_author.py). This bench
fine-tunes a binary classifier (crisis / safe) from the encoder of ``models/emotion-mini``
(a new 2-class head) and measures it leaving one author out, exactly as that bench does:

- for each author, a model is trained on every OTHER author's sets plus a subsample of the
  everyday chat questions (ChatbotData; the chat is split in as many parts as there are
  authors, part k is never trained on in fold k) and scores the held-out author's sets and
  chat part k. The n-gram scorer is retrained the same way (``train.fit``, shipped
  settings) so the in-run baseline is "rules fire, or no false friend and score >= the
  shipped threshold", with the rules of a commit from before the author's sets were read;
- thresholds for the held-out author are chosen on the OTHER authors' out-of-author scores
  only (their own folds), never on the author being measured: the lowest threshold whose
  false-alarm rate stays within ``--max-fa`` and whose chat fire rate stays within
  ``--max-chat``. The rules author's sets are measured with rules tuned on them, so they
  are reported but never used to choose a threshold for a combination with the rules.

Phases (each neural fold is one run of a few minutes on two CPU threads)::

    .venv/bin/python bench/crisis_neural_cross_author.py scorer          # n-gram folds
    .venv/bin/python bench/crisis_neural_cross_author.py fold --fold 0   # ... 0..4
    .venv/bin/python bench/crisis_neural_cross_author.py summary

``all`` runs the three in turn. Scores are cached in ``runs/crisis_neural/``. The last line
of ``summary`` is JSON: per held-out author recall (direct / indirect), false alarms and
chat fire rate of the neural model alone, of "rules OR scorer OR neural >= t", of "rules OR
neural >= t" and of the shipped detector alone (the in-run baseline), and pooled figures
over the authors whose rules had not seen their sets. ``plugins/safety/crisis_test_j.tsv``
(the lead's held-out set) is never read.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

from assistant_plugins.safety.detect import Detector, spellings
from assistant_plugins.safety.scorer import WEIGHTS_PATH, features, load
from assistant_plugins.safety.train import (
    EPOCHS,
    HELD_OUT,
    KEEP,
    KINDS,
    fit,
    read_set,
)

ROOT = Path(__file__).resolve().parent.parent
SETS = ROOT / "plugins" / "safety"
BASE = ROOT / "models" / "emotion-mini"
CACHE = ROOT / "runs" / "crisis_neural"
sys.path.insert(0, str(Path(__file__).resolve().parent))
#: the authors, their rules commits and the chat questions: as bench/crisis_cross_author.py
from crisis_cross_author import AUTHORS, chat_questions, rules_at  # noqa: E402

assert not HELD_OUT.intersection(s for sets, _ in AUTHORS.values() for s in sets)


def data() -> tuple[dict[str, list[tuple[str, str, str]]], list[str]]:
    rows = {a: [r for s in sets for r in read_set(s)] for a, (sets, _) in AUTHORS.items()}
    return rows, chat_questions(rules_at(None))


def gate(detector: Detector, text: str) -> tuple[bool, bool]:
    """(a rule fires, the scorer is vetoed: false friend or under three syllables)."""
    primary = spellings(text)[0]
    short = sum("가" <= c <= "힣" for c in primary[0]) < 3
    return detector.find(text) is not None, detector.has_false_friend(text) or short


# -- phase 1: the n-gram scorer and the rules, per fold ---------------------------------


def run_scorer() -> None:
    rows, chat = data()
    names = list(AUTHORS)
    feats = {a: [features(spellings(t)[0], KINDS) for _, _, t in rows[a]] for a in names}
    chat_feats = [features(spellings(q)[0], KINDS) for q in chat]
    out: dict[str, dict] = {}
    for k, held in enumerate(names):
        started = time.perf_counter()
        train = [(f, int(r[0] == "crisis")) for a in names if a != held
                 for f, r in zip(feats[a], rows[a], strict=True)]  # fmt: skip
        train += [(f, 0) for i, f in enumerate(chat_feats) if i % len(names) != k]
        weights, bias = fit(train, epochs=EPOCHS, keep=KEEP)

        def prob(f: set[str], weights: dict = weights, bias: float = bias) -> float:
            z = bias + sum(weights.get(x, 0.0) for x in f)
            return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

        rules = rules_at(AUTHORS[held][1])
        out[held] = {
            "rows": [
                [*gate(rules, t), round(prob(f), 4)]
                for (_, _, t), f in zip(rows[held], feats[held], strict=True)
            ],  # fmt: skip
            "chat": [
                [*gate(rules, q), round(prob(f), 4)]
                for i, (q, f) in enumerate(zip(chat, chat_feats, strict=True))
                if i % len(names) == k
            ],  # fmt: skip
        }
        print(f"scorer fold {held}: {time.perf_counter() - started:.0f} s", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "scorer.json").write_text(json.dumps(out), encoding="utf-8")


# -- phase 2: the neural classifier, one fold per run -----------------------------------


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
    base: str | Path = BASE,
    epochs: int = 3,
    lr: float = 1e-4,
    batch_size: int = 32,
    max_length: int = 48,
    seed: int = 0,
    threads: int = 2,
    log_every: int = 100,
):
    """A sequence classifier (labels safe, crisis) from ``base``'s encoder, fine-tuned on
    (texts, labels); returns (model, tokenizer). ``base``: ``models/emotion-mini`` (default),
    or any encoder a user has, as a local directory or a hub id (e.g. a Korean RoBERTa or
    BERT; resolved and checked as ``assistant train emotion --base`` does)."""
    import torch
    from transformers import AutoModelForSequenceClassification
    from transformers.utils import logging as hf_logging

    from assistant_plugins.emotion.classifier import check_model_dir, resolve
    from assistant_plugins.emotion.tokenization import load_tokenizer, pad_batch

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    directory = resolve(str(base), setting="--base")
    check_model_dir(directory)
    tokenizer = load_tokenizer(directory, max_length=max_length)
    model = AutoModelForSequenceClassification.from_pretrained(
        str(directory),
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


def run_fold(k: int, args: argparse.Namespace) -> None:
    rows, chat = data()
    names = list(AUTHORS)
    held = names[k]
    texts = [t for a in names if a != held for _, _, t in rows[a]]
    labels = [int(lab == "crisis") for a in names if a != held for lab, _, _ in rows[a]]
    pool = [q for i, q in enumerate(chat) if i % len(names) != k]
    rng = random.Random(args.seed)
    sample = rng.sample(pool, min(args.chat, len(pool)))
    texts += sample
    labels += [0] * len(sample)
    started = time.perf_counter()
    print(f"fold {held}: {len(texts)} examples ({sum(labels)} crisis)", flush=True)
    model, tokenizer = fine_tune(
        texts, labels, base=BASE, epochs=args.epochs, lr=args.lr, seed=args.seed,
        threads=args.threads, max_length=args.max_length,
    )  # fmt: skip
    trained = time.perf_counter() - started
    held_chat = [q for i, q in enumerate(chat) if i % len(names) == k]
    result = {
        "held": held,
        "settings": vars(args),
        "train_seconds": round(trained),
        "rows": crisis_probabilities(model, tokenizer, [t for _, _, t in rows[held]]),
        "chat": crisis_probabilities(model, tokenizer, held_chat),
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / f"neural_{held}_s{args.seed}.json").write_text(json.dumps(result), encoding="utf-8")
    print(f"fold {held}: trained in {trained:.0f} s, total "
          f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip


# -- phase 3: thresholds across authors and the table -----------------------------------


def rates(fired: list[bool], rows: list[tuple[str, str, str]]) -> dict[str, float]:
    crisis = [f for f, r in zip(fired, rows, strict=True) if r[0] == "crisis"]
    direct = [f for f, r in zip(fired, rows, strict=True) if r[0] == "crisis" and r[1] == "direct"]
    indirect = [f for f, r in zip(fired, rows, strict=True)
                if r[0] == "crisis" and r[1] == "indirect"]  # fmt: skip
    safe = [f for f, r in zip(fired, rows, strict=True) if r[0] == "safe"]
    return {
        "recall": sum(crisis) / max(1, len(crisis)),
        "direct": sum(direct) / max(1, len(direct)),
        "indirect": sum(indirect) / max(1, len(indirect)),
        "false_alarms": sum(safe) / max(1, len(safe)),
        "n": [sum(crisis), len(crisis), sum(safe), len(safe)],
    }


def summary(args: argparse.Namespace) -> dict:
    rows, _ = data()
    names = list(AUTHORS)
    scorer = json.loads((CACHE / "scorer.json").read_text(encoding="utf-8"))
    seeds = args.seeds
    neural: dict[str, dict] = {}
    for a in names:
        runs = [json.loads((CACHE / f"neural_{a}_s{s}.json").read_text(encoding="utf-8"))
                for s in seeds if (CACHE / f"neural_{a}_s{s}.json").exists()]  # fmt: skip
        if not runs:
            raise SystemExit(f"no neural fold for {a}: run 'fold --fold {names.index(a)}'")
        # several seeds: their mean probability (an ensemble of the runs)
        neural[a] = {
            "rows": [sum(v) / len(v) for v in zip(*(r["rows"] for r in runs), strict=True)],
            "chat": [sum(v) / len(v) for v in zip(*(r["chat"] for r in runs), strict=True)],
            "seeds": len(runs),
        }
    shipped = load(WEIGHTS_PATH)
    t_scorer = shipped.threshold if shipped else 0.5

    def fired(a: str, variant: str, t: float, part: str = "rows") -> list[bool]:
        out = []
        for (hit, veto, p), q in zip(scorer[a][part], neural[a][part], strict=True):
            detector = hit or (not veto and p >= t_scorer)
            if variant == "neural":
                out.append(q >= t)
            elif variant == "rules+neural":
                out.append(hit or q >= t)
            elif variant == "detector+neural":
                out.append(detector or q >= t)
            elif variant == "fused":  # rules, or no veto and the mean of both scores
                out.append(hit or (not veto and (p + q) / 2 >= t))
            elif variant == "scorer@t":  # the shipped detector with another scorer threshold
                out.append(hit or (not veto and p >= t))
            elif variant == "detector":
                out.append(detector)
            elif variant == "rules":
                out.append(hit)
        return out

    def pooled_rates(authors: list[str], variant: str, t: float) -> tuple[float, float, float]:
        n = [0, 0, 0, 0]
        chat = [0, 0]
        for a in authors:
            r = rates(fired(a, variant, t), rows[a])
            n = [x + y for x, y in zip(n, r["n"], strict=True)]
            c = fired(a, variant, t, "chat")
            chat = [chat[0] + sum(c), chat[1] + len(c)]
        return n[0] / max(1, n[1]), n[2] / max(1, n[3]), chat[0] / max(1, chat[1])

    grid = sorted({i / 100 for i in range(1, 100)} | {i / 1000 for i in range(950, 1000)})

    def choose(variant: str, others: list[str]) -> float:
        """Lowest t whose pooled false alarms (and chat fire rate) on ``others`` stay within
        the limits; 1.01 (never) when none does. The neural model alone: ``--max-fa`` and
        ``--max-chat``. Combinations with the rules: no more false alarms on ``others``
        than the shipped detector has there (plus ``--fa-slack``), and a chat fire rate
        within ``--max-chat`` or the detector's, whichever is higher."""
        max_fa, max_chat = args.max_fa, args.max_chat
        if variant != "neural":
            _, det_fa, det_chat = pooled_rates(others, "detector", 2.0)
            max_fa, max_chat = det_fa + args.fa_slack, max(max_chat, det_chat)
        best = 1.01
        for t in sorted(grid, reverse=True):
            _, fa, chat = pooled_rates(others, variant, t)
            if fa > max_fa + 1e-9 or chat > max_chat + 1e-9:
                break
            best = t
        return best

    out_of_sample = [a for a in names if AUTHORS[a][1] is not None]
    table: dict[str, dict] = {}
    for a in names:
        others = [b for b in names if b != a]
        others_oos = [b for b in others if AUTHORS[b][1] is not None]
        entry: dict[str, dict] = {}
        for variant in ("rules", "detector"):
            r = rates(fired(a, variant, 2.0), rows[a])
            c = fired(a, variant, 2.0, "chat")
            entry[variant] = {**r, "chat": sum(c) / max(1, len(c))}
        for variant, pool in (
            ("neural", others),
            ("rules+neural", others_oos),
            ("detector+neural", others_oos),
            ("fused", others_oos),
        ):
            t = choose(variant, pool)
            r = rates(fired(a, variant, t), rows[a])
            c = fired(a, variant, t, "chat")
            entry[variant] = {**r, "chat": sum(c) / max(1, len(c)), "t": t}
        table[a] = entry
    pooled: dict[str, dict] = {}
    for variant in ("rules", "detector", "neural", "rules+neural", "detector+neural", "fused"):
        n = [0, 0, 0, 0]
        for a in out_of_sample:
            n = [x + y for x, y in zip(n, table[a][variant]["n"], strict=True)]
        pooled[variant] = {"recall": n[0] / n[1], "false_alarms": n[2] / n[3]}
    # the curve of the pooled out-of-author figures (for choosing a shipped threshold)
    curve = {}
    for variant in ("neural", "detector+neural", "fused", "scorer@t"):
        curve[variant] = {
            t: [round(x, 4) for x in pooled_rates(out_of_sample, variant, t)]
            for t in (0.3, 0.4, 0.5, 0.6, 0.7, 0.78, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99)
        }
    print(f"thresholds on the other authors: neural alone FA <= {args.max_fa}, chat <= "
          f"{args.max_chat}; with the rules: FA <= the detector's + {args.fa_slack}; "
          f"shipped scorer threshold {t_scorer}")  # fmt: skip
    header = f"{'author':13} {'variant':16} {'t':>5} {'recall':>6} {'dir':>5} {'ind':>5}"
    print(header + f" {'FA':>6} {'chat':>6}")
    for a, entry in table.items():
        for variant, r in entry.items():
            t = f"{r['t']:.3f}" if "t" in r else "  -  "
            print(f"{a:13} {variant:16} {t:>5} {r['recall']:6.3f} {r['direct']:5.2f} "
                  f"{r['indirect']:5.2f} {r['false_alarms']:6.3f} {r['chat']:6.4f}")  # fmt: skip
    print(f"pooled over {', '.join(out_of_sample)} (rules out-of-sample):")
    for variant, r in pooled.items():
        print(f"  {variant:16} recall {r['recall']:.3f}  FA {r['false_alarms']:.4f}")
    result = {
        "bench": "crisis_neural_cross_author",
        "seeds": seeds,
        "max_fa": args.max_fa,
        "max_chat": args.max_chat,
        "fa_slack": args.fa_slack,
        "scorer_threshold": t_scorer,
        "per_author": {
            a: {
                v: {k: (round(x, 4) if isinstance(x, float) else x) for k, x in r.items()}
                for v, r in e.items()
            }
            for a, e in table.items()
        },  # fmt: skip
        "pooled_out_of_sample": {
            v: {k: round(x, 4) for k, x in r.items()} for v, r in pooled.items()
        },
        "pooled_curve": curve,
        "baseline": {"detector": pooled["detector"], "rules_alone": pooled["rules"]},
    }
    print(json.dumps(result, ensure_ascii=False))
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["scorer", "fold", "summary", "all"])
    parser.add_argument("--fold", type=int, nargs="*", default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--chat", type=int, default=3000, help="chat questions trained on")
    parser.add_argument("--max-length", type=int, default=48)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-fa", type=float, default=0.015)
    parser.add_argument("--max-chat", type=float, default=0.005)
    parser.add_argument("--fa-slack", type=float, default=0.0)
    args = parser.parse_args(argv)
    if args.phase in ("scorer", "all"):
        run_scorer()
    if args.phase in ("fold", "all"):
        for k in args.fold if args.fold is not None else range(len(AUTHORS)):
            run_fold(k, args)
    if args.phase in ("summary", "all"):
        summary(args)


if __name__ == "__main__":
    sys.exit(main())
