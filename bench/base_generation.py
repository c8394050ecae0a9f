"""Base-size models on a CPU: generation and scoring runtimes side by side (issue 19).

Everything runs in this one process, one after the other, with the same thread count
(``--threads``, default 1: the plugin's ``threads`` default; torch and CTranslate2 both get
it, ``OMP_NUM_THREADS`` is set to it before torch loads):

1. **Generation, KoGPT2-base shape** (``GPT2LMHeadModel``, 12 layers, 768 wide, 12 heads,
   51,200 tokens; random weights, seed 0): a 24-token prompt, ``--tokens`` new tokens
   (a random model never stops by itself, so stop tokens are off), greedy with one row and
   sampling with 4 rows side by side (the pipeline's candidates). Variants: HF
   ``model.generate`` fp32 (the baseline a user would otherwise run), ``model.generate`` in
   bf16 (only when the CPU lists avx512_bf16/amx), the project's lean decoder
   (``fastgen.py``) fp32, CTranslate2 float32 / int8_float32 / int8, and ONNX Runtime int8
   (``ortgen.py``: int8 weights and per-block int8 activations, output layer float32: what
   ``quantization: auto`` decodes a base-size model with). After a warm-up,
   ``--reps`` rounds that time every variant once each (round robin, so a change of load
   on a shared machine hits all variants alike); the best round of each counts.
2. **Scoring, KoBERT shape** (``BertModel``, 12 layers, 768 wide, vocab 8,002; random):
   the selector's call, one query + 8 candidate replies of 12-32 tokens in one batch,
   mean-pooled: HF fp32 vs CTranslate2 int8 (sequences/s), with the cosine between the two
   runtimes' embeddings (numerics only: random weights).
3. **Quality on the shipped models** (trained weights): ``models/smalltalk-mini`` on its
   held-out split of ChatbotData (the split in its ``metadata.json``, as ``assistant eval
   smalltalk --held-out``): *token_agreement_mini* = share of positions where the fast
   runtime's greedy next token (argmax) equals torch fp32's, teacher-forced along torch's
   greedy replies to the held-out user turns; *reply_exact_mini* = share of whole greedy
   replies that are identical; *loss_delta_mini* = relative change of the held-out loss
   (system tokens, as in ``assistant eval``). For the BERT models: the selector's
   (``models/smalltalk-mini/selector``) embedding cosine and top-1 choice agreement, the
   emotion model's (``models/emotion-mini``) label agreement on its dev conversations.
4. **Memory**: resident memory each variant adds (load + one generation), each measured in
   a fresh subprocess of this script.

    .venv/bin/python bench/base_generation.py [--threads 1] [--tokens 16] [--reps 3]

Needs the ``[fast]`` extra (``pip install -e '.[fast]'``) and ChatbotData under
``../shared/data/chatbotdata/`` (else part 3 is skipped). 3-4 minutes here. The machine
is shared: figures measured while others load it are noisy; rerun on an idle machine.
The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "chatbotdata" / "ChatbotData.csv"
PROMPT_LENGTH = 24
ROWS = 4
GPT2_BASE = {
    "vocab_size": 51200,
    "n_positions": 1024,
    "n_embd": 768,
    "n_layer": 12,
    "n_head": 12,
    "bos_token_id": 1,
    "eos_token_id": 1,
}
BERT_BASE = {
    "vocab_size": 8002,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
}
CT2_VARIANTS = ("float32", "int8_float32", "int8")


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def best_of(reps: int, run: Any) -> float:
    run()  # warm-up
    best = float("inf")
    for _ in range(reps):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def build_base_models(root: Path) -> tuple[Path, Path]:
    import torch
    from transformers import BertConfig, BertModel, GPT2Config, GPT2LMHeadModel

    from assistant.loading import quiet

    torch.manual_seed(0)
    with quiet():
        gpt2, bert = root / "gpt2-base", root / "bert-base"
        GPT2LMHeadModel(GPT2Config(**GPT2_BASE)).save_pretrained(gpt2, safe_serialization=True)
        BertModel(BertConfig(**BERT_BASE)).save_pretrained(bert, safe_serialization=True)
    return gpt2, bert


# -- 1. generation -------------------------------------------------------------------------


def generation_figures(gpt2: Path, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    import torch
    from transformers import GPT2LMHeadModel

    from assistant import fast_runtime
    from assistant.loading import quiet
    from assistant_plugins.smalltalk.ct2gen import CT2Decoder
    from assistant_plugins.smalltalk.fastgen import FastGPT2
    from assistant_plugins.smalltalk.ortgen import OrtGPT2

    with quiet():
        model = GPT2LMHeadModel.from_pretrained(gpt2, use_safetensors=True).eval()
    generator = torch.Generator().manual_seed(0)
    prompt = torch.randint(5, GPT2_BASE["vocab_size"], (1, PROMPT_LENGTH), generator=generator)
    n = args.tokens
    sampling = {"top_k": 50, "top_p": 0.9, "temperature": 0.8}

    def hf(m: Any, rows: int) -> Callable[[], list[list[int]]]:
        return hf_generate(m, prompt, n, rows, sampling)

    def decoder(d: Any, rows: int) -> Any:
        options = {"max_new_tokens": n, "stop_ids": (), "scores": rows > 1}  # as the plugin
        if rows > 1:
            options.update(do_sample=True, **sampling)
        return lambda: [t for t, _ in d.generate_many(prompt[0].tolist(), rows, **options)]

    runs: dict[str, dict[str, Any]] = {
        "hf_generate_fp32": {"greedy": hf(model, 1), "x4": hf(model, ROWS)}
    }
    flags = fast_runtime.cpu_flags()
    if {"avx512_bf16", "amx_bf16"} & set(flags):
        bf16 = GPT2LMHeadModel.from_pretrained(gpt2, use_safetensors=True, dtype=torch.bfloat16)
        runs["hf_generate_bf16"] = {"greedy": hf(bf16.eval(), 1), "x4": hf(bf16, ROWS)}
    fast = FastGPT2(model)
    runs["fastgen_fp32"] = {"greedy": decoder(fast, 1), "x4": decoder(fast, ROWS)}
    converted = {}
    for quantization in CT2_VARIANTS:
        converted[quantization] = fast_runtime.convert(
            gpt2, root / f"gpt2-{quantization}", quantization
        )
        ct2 = CT2Decoder(converted[quantization], GPT2_BASE["n_positions"], args.threads)
        runs[f"ct2_{quantization}"] = {"greedy": decoder(ct2, 1), "x4": decoder(ct2, ROWS)}
    started = time.perf_counter()
    ort = OrtGPT2.for_model(model, gpt2, root, GPT2_BASE["n_positions"], args.threads)
    print(f"ONNX export + int8: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    converted["ort_int8"] = ort.directory
    runs["ort_int8"] = {"greedy": decoder(ort, 1), "x4": decoder(ort, ROWS)}

    reference = runs["hf_generate_fp32"]["greedy"]()[0]
    best = time_round_robin(runs, args.reps)
    figures: dict[str, Any] = {}
    for name, variant in runs.items():
        same = variant["greedy"]()[0]
        figures[name] = {
            "greedy_tokens_per_s": round(n / best[name, "greedy"], 1),
            "candidates_x4_tokens_per_s": round(n * ROWS / best[name, "x4"], 1),
            "greedy_agreement_random": round(
                sum(a == b for a, b in zip(same, reference, strict=False)) / n, 3
            ),
        }
        print(name, figures[name], file=sys.stderr, flush=True)
    return {"variants": figures, "converted": {k: str(v) for k, v in converted.items()}}


# -- 2. BERT scoring -----------------------------------------------------------------------


def scoring_figures(bert: Path, root: Path, args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    import torch
    from transformers import BertModel

    from assistant import fast_runtime
    from assistant.loading import quiet

    with quiet():
        model = BertModel.from_pretrained(bert, use_safetensors=True).eval()
    rng = np.random.default_rng(0)
    rows = [
        [2, *rng.integers(5, BERT_BASE["vocab_size"], size=int(length) - 2).tolist(), 3]
        for length in [32, *rng.integers(12, 33, size=8)]
    ]
    types = [[0] * len(rows[0])] + [[1] * len(r) for r in rows[1:]]

    def torch_embed() -> Any:
        width = max(len(r) for r in rows)
        ids = torch.zeros((len(rows), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        segments = torch.zeros_like(ids)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
            segments[i, : len(row)] = types[i][0]
        with torch.inference_mode():
            hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=segments)
        m = mask.unsqueeze(-1).float()
        return ((hidden.last_hidden_state * m).sum(1) / m.sum(1)).numpy()

    encoder = fast_runtime.load_encoder(
        fast_runtime.convert(bert, root / "bert-int8", "int8"), args.threads
    )

    def ct2_embed() -> Any:
        return fast_runtime.pooled_embeddings(encoder, rows, types)

    reference, fast = torch_embed(), ct2_embed()
    cosine = (reference * fast).sum(1) / (
        np.linalg.norm(reference, axis=1) * np.linalg.norm(fast, axis=1)
    )
    torch_s = best_of(args.reps, torch_embed)
    ct2_s = best_of(args.reps, ct2_embed)
    return {
        "hf_fp32_sequences_per_s": round(len(rows) / torch_s, 1),
        "ct2_int8_sequences_per_s": round(len(rows) / ct2_s, 1),
        "speedup": round(torch_s / ct2_s, 2),
        "embedding_cosine_min_random": round(float(cosine.min()), 4),
    }


# -- 3. quality on the shipped models ------------------------------------------------------


def smalltalk_quality(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    import torch

    from assistant import fast_runtime
    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings, shipped_model_dir
    from assistant_plugins.smalltalk.ct2gen import CT2Decoder
    from assistant_plugins.smalltalk.data import read_dialogues
    from assistant_plugins.smalltalk.evaluate import sample_loss
    from assistant_plugins.smalltalk.ortgen import OrtGPT2
    from assistant_plugins.smalltalk.training import build_samples, split_dialogues
    from assistant_plugins.smalltalk.turns import IGNORE

    source = shipped_model_dir()
    chat = ChatModel.load(str(source))
    meta = json.loads((source / "metadata.json").read_text("utf-8"))["settings"]
    _, held_out = split_dialogues(
        read_dialogues([DATA]).dialogues, float(meta["eval_split"]), int(meta["seed"])
    )
    samples = build_samples(held_out, chat.encoder, chat.window, chat.fmt.context_turns)
    reference_loss = sample_loss(chat.model, samples, chat.pad_id).loss
    settings = GenerationSettings.from_mapping({"strategy": "greedy", "max_new_tokens": 32})
    stops = (chat.encoder.eos_id, chat.encoder.usr_id)
    chosen = held_out[args.prompt_offset : args.prompt_offset + args.prompts]
    prompts = [chat.prompt_ids(d.turns[0], (), settings) for d in chosen]
    references = [
        chat.fast.generate(p, max_new_tokens=32, stop_ids=stops, repetition_penalty=1.0)
        for p in prompts
    ]
    started = time.perf_counter()
    torch_tokens = sum(
        len(chat.fast.generate(p, max_new_tokens=32, stop_ids=stops, repetition_penalty=1.0))
        for p in prompts
    )
    results: dict[str, Any] = {
        "fastgen_fp32_tokens_per_s": round(torch_tokens / (time.perf_counter() - started), 1),
        "held_out_dialogues": len(held_out),
        "held_out_samples": len(samples),
        "greedy_prompts": len(prompts),
        "loss_fp32": round(reference_loss, 4),
    }
    decoders = {
        q: CT2Decoder(
            fast_runtime.convert(source, root / f"mini-{q}", q), chat.window, args.threads
        )
        for q in ("int8", "float32")
    }
    decoders["ort_int8"] = OrtGPT2.for_model(chat.model, source, root, chat.window, args.threads)
    for quantization, decoder in decoders.items():
        started = time.perf_counter()
        fast_tokens = sum(
            len(decoder.generate(p, max_new_tokens=32, stop_ids=stops, repetition_penalty=1.0))
            for p in prompts
        )
        tokens_per_s = round(fast_tokens / (time.perf_counter() - started), 1)
        same = total = exact = 0
        for prompt, reference in zip(prompts, references, strict=True):
            if not reference:
                continue
            with torch.inference_mode():
                want = chat.model(torch.tensor([prompt + reference])).logits[0].argmax(-1)
            got = decoder.logits([prompt + reference])[0].argmax(-1)
            span = slice(len(prompt) - 1, len(prompt) + len(reference) - 1)
            same += int((want[span].numpy() == got[span]).sum())
            total += len(reference)
            mine = decoder.generate(prompt, max_new_tokens=32, stop_ids=stops)
            exact += mine == reference
        loss_sum = count = 0.0
        for start in range(0, len(samples), 64):
            batch = samples[start : start + 64]
            for s, log_probs in zip(batch, log_probs_of(decoder, batch), strict=True):
                labels = np.asarray(s.labels[1:])
                keep = labels != IGNORE
                picked = log_probs[np.arange(len(labels)), np.where(keep, labels, 0)]
                loss_sum -= float(picked[keep].sum())
                count += int(keep.sum())
        loss = loss_sum / count
        results[quantization] = {
            "token_agreement": round(same / total, 4),
            "reply_exact": round(exact / len(prompts), 4),
            "loss": round(loss, 4),
            "loss_delta": round((loss - reference_loss) / reference_loss, 5),
            "tokens_per_s": tokens_per_s,
        }
        print("mini", quantization, results[quantization], file=sys.stderr, flush=True)
    return results


def log_probs_of(decoder: Any, samples: list[Any]) -> list[Any]:
    """Next-token log-probabilities ``[length, vocab]`` of each sample's input ids."""
    import numpy as np

    sequences = [s.input_ids for s in samples]
    if hasattr(decoder, "generator"):  # CTranslate2
        rows = decoder.generator.forward_batch(sequences, return_log_probs=True)
        return [np.asarray(r)[: len(s)] for r, s in zip(np.asarray(rows), sequences, strict=True)]
    out = []
    for logits in decoder.logits(sequences):
        shifted = logits - logits.max(-1, keepdims=True)
        out.append(shifted - np.log(np.exp(shifted).sum(-1, keepdims=True)))
    return out


def bert_quality(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Selector embeddings and emotion labels: torch fp32 vs CTranslate2 int8."""
    import numpy as np

    from assistant import fast_runtime
    from assistant_plugins.emotion.classifier import EmotionClassifier
    from assistant_plugins.smalltalk.chat import shipped_model_dir
    from assistant_plugins.smalltalk.selector import QUERY_SEGMENT, REPLY_SEGMENT, Selector

    texts = [
        line.split("\t")[0]
        for line in (ROOT / "plugins/emotion/conversations_dev.tsv")
        .read_text("utf-8")
        .splitlines()[1:]
        if line.strip()
    ][: args.prompts]
    selector = Selector.load(shipped_model_dir() / "selector")
    fast_selector = Selector.load(shipped_model_dir() / "selector", threads=args.threads)
    fast_selector.use_fast_runtime("ctranslate2", root, quantization="int8")  # every member
    queries = [(selector.query_ids([], t), QUERY_SEGMENT) for t in texts]
    replies = [(selector.reply_ids(t), REPLY_SEGMENT) for t in texts]
    cosines, same_top = [], 0
    for start in range(0, len(texts), 10):
        rows = queries[start : start + 1] + replies[start : start + 10]
        reference = selector._embed(rows).numpy()
        fast = fast_selector._embed(rows).numpy()
        cosines.extend((reference * fast).sum(1).tolist())
        same_top += int((reference[1:] @ reference[0]).argmax() == (fast[1:] @ fast[0]).argmax())
    emotion = EmotionClassifier.load("shipped", threads=args.threads)
    head = fast_runtime.ClassifierHead.load(emotion.directory)
    emotion_encoder = fast_runtime.load_encoder(
        fast_runtime.convert(emotion.directory, root / "emotion-int8", "int8"), args.threads
    )
    want = np.asarray(emotion.logits(texts)).argmax(1)
    batch = emotion.tokenizer.batch(texts, emotion.max_length)
    ids = [
        row[: int(m.sum())].tolist()
        for row, m in zip(batch["input_ids"], batch["attention_mask"], strict=True)
    ]
    pooled = np.asarray(emotion_encoder.forward_batch(ids).pooler_output)
    got = head(pooled).argmax(1)
    return {
        "selector_embedding_cosine_min": round(float(min(cosines)), 4),
        "selector_top1_agreement": round(same_top / max(1, (len(texts) + 9) // 10), 4),
        "emotion_label_agreement": round(float((want == got).mean()), 4),
        "texts": len(texts),
    }


# -- 4. memory -----------------------------------------------------------------------------


def memory_of(variant: str, directory: str, tokens: int) -> float:
    """Resident memory (MB) that loading ``variant`` from ``directory`` and one generation add."""
    import ctranslate2  # noqa: F401
    import torch  # imports are not the model's memory
    from transformers import GPT2LMHeadModel

    torch.set_num_threads(1)
    before = rss_mb()
    prompt = list(range(5, 5 + PROMPT_LENGTH))
    options = {"max_new_tokens": tokens, "stop_ids": ()}
    if variant.startswith("ct2_"):
        from assistant_plugins.smalltalk.ct2gen import CT2Decoder

        model: Any = CT2Decoder(directory, GPT2_BASE["n_positions"])
        model.generate(prompt, **options)
    elif variant.startswith("ort_"):
        import onnxruntime  # noqa: F401

        from assistant_plugins.smalltalk.ortgen import OrtGPT2

        before = rss_mb()  # after the imports
        model = OrtGPT2(directory, GPT2_BASE["n_positions"])
        model.generate(prompt, **options)
    else:
        dtype = torch.bfloat16 if variant.endswith("bf16") else torch.float32
        model = GPT2LMHeadModel.from_pretrained(directory, use_safetensors=True, dtype=dtype)
        ids = torch.tensor([prompt])
        with torch.inference_mode():
            model.generate(
                ids, attention_mask=torch.ones_like(ids), max_new_tokens=tokens, pad_token_id=0
            )
    used = rss_mb() - before  # measured while the model is still referenced
    del model
    return used


def probe_memory(command: list[str]) -> float | None:
    """Run a ``--memory-of`` probe in a fresh one-thread process: the MB it printed last."""
    out = subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    try:
        return round(float(out.stdout.strip().splitlines()[-1]), 1)
    except (ValueError, IndexError):
        print(out.stderr[-2000:], file=sys.stderr)
        return None


def memory_figures(
    gpt2: Path, converted: dict[str, str], variants: list[str]
) -> dict[str, float | None]:
    figures: dict[str, float | None] = {}
    for variant in variants:
        directory = converted.get(variant.removeprefix("ct2_"), str(gpt2))
        directory = converted.get(variant, directory)
        figures[variant] = probe_memory([__file__, "--memory-of", variant, directory])
    figures["fastgen_fp32"] = figures.get("hf_generate_fp32")  # the same torch weights
    return figures


def hf_generate(
    model: Any, prompt: Any, n: int, rows: int, sampling: dict[str, float]
) -> Callable[[], list[list[int]]]:
    """HF ``generate`` for exactly ``n`` new tokens: greedy for one row, sampled with
    ``sampling`` for several (``num_return_sequences``); returns the new token ids."""
    import torch

    def run() -> list[list[int]]:
        with torch.inference_mode():
            out = model.generate(
                prompt,
                attention_mask=torch.ones_like(prompt),
                max_new_tokens=n,
                min_new_tokens=n,
                do_sample=rows > 1,
                num_return_sequences=rows,
                pad_token_id=0,
                **(sampling if rows > 1 else {}),
            )
        return out[:, prompt.shape[1] :].tolist()

    return run


def time_round_robin(
    runs: dict[str, dict[str, Callable[[], Any]]], reps: int
) -> dict[tuple[str, str], float]:
    """Best seconds of each (variant, mode) over ``reps`` round-robin repetitions: each
    repetition times every variant once, so a load change on the shared machine hits all of
    them alike (one warm-up call each first)."""
    best = {(name, mode): float("inf") for name in runs for mode in ("greedy", "x4")}
    for variant in runs.values():
        variant["greedy"](), variant["x4"]()  # warm-up
    for _ in range(reps):
        for name, variant in runs.items():
            for mode in ("greedy", "x4"):
                started = time.perf_counter()
                variant[mode]()
                best[name, mode] = min(best[name, mode], time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tokens", type=int, default=16)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--prompts", type=int, default=100, help="held-out prompts / texts")
    parser.add_argument(
        "--prompt-offset", type=int, default=0, help="skip this many held-out prompts first"
    )
    parser.add_argument("--memory-of", nargs=2, metavar=("VARIANT", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    sys.path.insert(0, str(ROOT))
    if args.memory_of:
        print(memory_of(args.memory_of[0], args.memory_of[1], args.tokens))
        return
    import torch

    from assistant import fast_runtime
    from assistant_plugins.smalltalk import ortgen

    for reason in (fast_runtime.missing_reason(), ortgen.missing_reason()):
        if reason:
            sys.exit(f"needs the [fast] extra: {reason}")
    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="irang-base-") as tmp:
        root = Path(tmp)
        gpt2, bert = build_base_models(root)
        generation = generation_figures(gpt2, root, args)
        scoring = scoring_figures(bert, root, args)
        print("bert", scoring, file=sys.stderr, flush=True)
        memory = memory_figures(
            gpt2,
            generation["converted"],
            [v for v in generation["variants"] if v != "fastgen_fp32"],
        )
        print("memory", memory, file=sys.stderr, flush=True)
        mini = smalltalk_quality(root, args) if DATA.is_file() else None
        berts = bert_quality(root, args)
        print("bert quality", berts, file=sys.stderr, flush=True)
    variants = generation["variants"]
    for name, mb in memory.items():
        variants[name]["memory_mb"] = mb
    from transformers import AutoConfig, GPT2Config

    from assistant_plugins.smalltalk.chat import shipped_model_dir

    quantization = fast_runtime.pick_quantization("auto", GPT2Config(**GPT2_BASE))
    mini_auto = fast_runtime.pick_quantization(
        "auto", AutoConfig.from_pretrained(shipped_model_dir())
    )
    chosen = "ort_int8" if quantization == "int8" else f"ct2_{quantization}"
    hf, fast = variants["hf_generate_fp32"], variants[chosen]
    report = {
        "bench": "base_generation",
        "threads": args.threads,
        "new_tokens": args.tokens,
        "prompt_tokens": PROMPT_LENGTH,
        "cpu_flags": fast_runtime.cpu_flags(),
        "chosen": chosen,
        "hf_generate_tokens_per_s": hf["greedy_tokens_per_s"],
        "fast_tokens_per_s": fast["greedy_tokens_per_s"],
        "speedup": round(fast["greedy_tokens_per_s"] / hf["greedy_tokens_per_s"], 2),
        "speedup_candidates_x4": round(
            fast["candidates_x4_tokens_per_s"] / hf["candidates_x4_tokens_per_s"], 2
        ),
        "bert_scoring": scoring,
        # the chosen base-size runtime (ONNX Runtime int8) applied to the trained mini ...
        "token_agreement_mini": mini[chosen.removeprefix("ct2_")]["token_agreement"]
        if mini
        else None,
        "loss_delta_mini": mini[chosen.removeprefix("ct2_")]["loss_delta"] if mini else None,
        # ... and what `quantization: auto` runs the mini model with
        "mini_auto_quantization": mini_auto,
        "token_agreement_mini_auto": mini[mini_auto]["token_agreement"] if mini else None,
        "loss_delta_mini_auto": mini[mini_auto]["loss_delta"] if mini else None,
        "mini": mini,
        "bert_mini": berts,
        "memory_mb": {name: v.get("memory_mb") for name, v in variants.items()},
        "variants": variants,
        "seconds": round(time.perf_counter() - started, 1),
        "note": "shared 2-core machine: noisy; rerun idle",
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
