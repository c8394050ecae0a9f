"""ONNX Runtime with weight-only 8-bit weights as a fast runtime candidate (issue 19).

An experiment beside ``bench/base_generation.py`` (same shapes, same baseline, same quality
method); it changes no runtime code.

1. **Export**: a small torch re-statement of ``GPT2LMHeadModel``'s forward with a KV cache
   (inputs ``input_ids``, ``position_ids``, ``logits_at`` (the positions whose logits are
   wanted: the last one when decoding, all when scoring) and ``past_key_i`` /
   ``past_value_i`` per layer; outputs ``logits`` and ``present_key_i`` /
   ``present_value_i``), exported with ``torch.onnx.export`` (TorchScript exporter, opset
   17, dynamic batch / length axes). Checked against the HF model's logits.
2. **Weight-only quantization** with ``onnxruntime.quantization.matmul_nbits_quantizer.
   MatMulNBitsQuantizer``: every ``MatMul`` with a constant weight, the 51,200 x 768 output
   projection included, becomes ``MatMulNBits`` (symmetric, per block of ``--block-size``
   along K). ``accuracy_level`` 1 keeps the activations in float32 (weight-only; on x86
   ORT 1.31 has no packed 8-bit kernel for it and dequantizes the whole weight on every
   call: slow); level 4 also quantizes the activations to int8 per block (like
   CTranslate2 int8, which quantizes them per row).
3. **Decoding**: a plain numpy greedy loop (and 4 sampled rows side by side: top-k 50,
   top-p 0.9, temperature 0.8; the prompt is encoded once and its cache repeated for the 4
   rows) on ``InferenceSession`` with ``intra_op_num_threads=--threads``.
4. **Speed** on the random KoGPT2-base shape exactly as ``base_generation.py`` builds it
   (24-token prompt, ``--tokens`` new tokens): HF ``generate`` fp32 (baseline), ORT
   float32, the quantizations of ``ORT_VARIANTS`` (8-bit weight-only, 8-bit with int8
   activations per block of 32, the same per block of 16 with the output projection kept
   float32, 4-bit weight-only), CTranslate2 int8 (what the ``[fast]`` extra ships);
   warm-up, then ``--reps`` round-robin rounds, the best round of each. **Memory**: RSS
   that loading + one generation add, each variant in a fresh subprocess.
5. **Quality** on the shipped trained mini (``models/smalltalk-mini``) with the bench's
   method: greedy-token agreement with torch fp32, teacher-forced along torch's greedy
   replies to the first ``--prompts`` held-out user turns (200: 1,034 tokens, the set of the
   README's "Tried on 2026-12-01" list; the first 100, the bench's set, shown too); whole
   replies identical; held-out loss change. The quantizations of ``MINI_ONLY`` are checked
   here only.

    .venv/bin/python bench/ort_weight_only.py [--threads 1] [--reps 4] [--block-size 32]

Needs ``onnxruntime`` (1.31), ``onnx``, ``onnx-ir`` and the ``[fast]`` extra (CTranslate2
reference). The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import base_generation as bg  # noqa: E402  (the shapes, data path and helpers of the bench)

CONVERTED: dict[str, str] = {}  # the CTranslate2 folder, for the memory probe
SAMPLING = {"top_k": 50, "top_p": 0.9, "temperature": 0.8}
# name -> (bits, accuracy_level, block size or None for --block-size, lm_head quantized too)
# accuracy_level 1: float32 activations (weight-only); 4: activations quantized to int8 per
# block of the same size (as CTranslate2 int8 quantizes them, but per block, not per row)
ORT_VARIANTS: dict[str, tuple[int, int, int | None, bool]] = {
    "ort_int8_weight_only": (8, 1, None, True),
    "ort_int8_act_int8": (8, 4, None, True),
    "ort_int8_act_int8_b16_lm_fp32": (8, 4, 16, False),
    "ort_int4_weight_only": (4, 1, None, True),
}
# more quantizations checked on the mini only (quality; their speed is in the results note)
MINI_ONLY: dict[str, tuple[int, int, int | None, bool]] = {
    "ort_int8_weight_only_b128": (8, 1, 128, True),
    "ort_int8_act_int8_b128": (8, 4, 128, True),
    "ort_int8_act_int8_b16": (8, 4, 16, True),
    "ort_int8_act_int8_lm_fp32": (8, 4, None, False),
}


# -- export --------------------------------------------------------------------------------


def export_gpt2(model: Any, path: Path) -> Path:
    """The shipped exporter (``plugins/smalltalk/ortgen.py``) with the output projection as
    its own ``lm_head`` constant, so that the variants here can quantize it too."""
    from assistant_plugins.smalltalk.ortgen import export_gpt2 as export

    return export(model, path, shared_head=False)


def quantize(
    source: Path, target: Path, spec: tuple[int, int, int | None, bool], block_size: int
) -> Path:
    import logging

    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)
    bits, accuracy_level, own_block_size, lm_head_too = spec
    model = onnx.load(str(source))
    lm_head = [
        n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] == "lm_head"
    ]
    quantizer = MatMulNBitsQuantizer(
        model,
        bits=bits,
        block_size=own_block_size or block_size,
        is_symmetric=True,
        accuracy_level=accuracy_level,
        nodes_to_exclude=[] if lm_head_too else lm_head,
        op_types_to_quantize=("MatMul",),
    )
    quantizer.process()
    quantizer.model.save_model_to_file(str(target), use_external_data_format=False)
    return target


# -- decoding ------------------------------------------------------------------------------


class OrtDecoder:
    """Greedy / sampled decoding of the exported graph with a numpy loop."""

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        inputs = self.session.get_inputs()
        self.past_names = [i.name for i in inputs if i.name.startswith("past_")]
        self.heads, self.head_dim = inputs[3].shape[1], inputs[3].shape[3]
        self.output_names = [o.name for o in self.session.get_outputs()]

    def empty_past(self, rows: int) -> list[Any]:
        import numpy as np

        return [np.zeros((rows, self.heads, 0, self.head_dim), np.float32) for _ in self.past_names]

    def step(self, ids: Any, start: int, past: list[Any], all_logits: bool = False) -> Any:
        import numpy as np

        rows, length = ids.shape
        feed = {
            "input_ids": ids.astype(np.int64),
            "position_ids": np.broadcast_to(
                np.arange(start, start + length, dtype=np.int64), (rows, length)
            ).copy(),
            "logits_at": np.arange(length if all_logits else 1, dtype=np.int64)
            + (0 if all_logits else length - 1),
        }
        feed.update(zip(self.past_names, past, strict=True))
        out = self.session.run(self.output_names, feed)
        return out[0], out[1:]

    def logits(self, ids: list[int]) -> Any:
        import numpy as np

        return self.step(np.asarray([ids]), 0, self.empty_past(1), all_logits=True)[0][0]

    def generate(
        self, prompt: list[int], max_new_tokens: int, stop_ids: tuple[int, ...] = ()
    ) -> list[int]:
        import numpy as np

        logits, past = self.step(np.asarray([prompt]), 0, self.empty_past(1))
        out: list[int] = []
        position = len(prompt)
        while True:
            token = int(logits[0, -1].argmax())
            out.append(token)  # the stop token included, as fastgen.py / ct2gen.py
            if token in stop_ids or len(out) >= max_new_tokens:
                break
            logits, past = self.step(np.asarray([[token]]), position, past)
            position += 1
        return out

    def sample(
        self, prompt: list[int], rows: int, max_new_tokens: int, rng: Any
    ) -> list[list[int]]:
        import numpy as np

        logits, past = self.step(np.asarray([prompt]), 0, self.empty_past(1))
        past = [np.repeat(p, rows, axis=0) for p in past]
        logits = np.repeat(logits[:, -1], rows, axis=0)
        out = np.zeros((rows, max_new_tokens), np.int64)
        position = len(prompt)
        for n in range(max_new_tokens):
            tokens = sample_rows(logits, rng, **SAMPLING)
            out[:, n] = tokens
            if n + 1 == max_new_tokens:
                break
            logits, past = self.step(tokens[:, None], position, past)
            logits = logits[:, -1]
            position += 1
        return out.tolist()


def sample_rows(logits: Any, rng: Any, top_k: int, top_p: float, temperature: float) -> Any:
    """One token per row: temperature, then top-k, then top-p (as HF's order)."""
    import numpy as np

    scaled = logits / temperature
    top = np.argpartition(-scaled, top_k - 1, axis=1)[:, :top_k]
    values = np.take_along_axis(scaled, top, axis=1)
    order = np.argsort(-values, axis=1)
    top, values = np.take_along_axis(top, order, axis=1), np.take_along_axis(values, order, axis=1)
    probs = np.exp(values - values[:, :1])
    probs /= probs.sum(1, keepdims=True)
    keep = np.cumsum(probs, axis=1) - probs < top_p  # always keeps the first
    probs = np.where(keep, probs, 0.0)
    probs /= probs.sum(1, keepdims=True)
    picks = [rng.choice(top.shape[1], p=row) for row in probs]
    return top[np.arange(len(picks)), picks]


# -- speed ---------------------------------------------------------------------------------


def build_variants(gpt2_dir: Path, root: Path, block_size: int) -> dict[str, Path]:
    import numpy as np
    import onnxruntime as ort
    import torch
    from transformers import GPT2LMHeadModel

    from assistant.loading import quiet

    with quiet():
        model = GPT2LMHeadModel.from_pretrained(gpt2_dir, use_safetensors=True).eval()
    paths = {"ort_fp32": export_gpt2(model, root / "gpt2-fp32.onnx")}
    # the export against HF's own forward (numerics check)
    ids = [5, 900, 77, 4000, 12, 31000, 8]
    with torch.inference_mode():
        want = model(torch.tensor([ids])).logits[0].numpy()
    session = OrtDecoder(paths["ort_fp32"], 1)
    got = session.logits(ids)
    print("export max |logit diff| vs HF:", float(np.abs(want - got).max()), file=sys.stderr)
    for name, spec in ORT_VARIANTS.items():
        paths[name] = quantize(paths["ort_fp32"], root / f"gpt2-{name}.onnx", spec, block_size)
    del ort
    return paths


def speed_figures(gpt2_dir: Path, paths: dict[str, Path], root: Path, args: Any) -> dict[str, Any]:
    import numpy as np
    import torch
    from transformers import GPT2LMHeadModel

    from assistant import fast_runtime
    from assistant.loading import quiet
    from assistant_plugins.smalltalk.ct2gen import CT2Decoder

    with quiet():
        model = GPT2LMHeadModel.from_pretrained(gpt2_dir, use_safetensors=True).eval()
    generator = torch.Generator().manual_seed(0)
    prompt = torch.randint(
        5, bg.GPT2_BASE["vocab_size"], (1, bg.PROMPT_LENGTH), generator=generator
    )
    prompt_list = prompt[0].tolist()
    n = args.tokens

    def hf(rows: int) -> Any:
        return bg.hf_generate(model, prompt, n, rows, SAMPLING)

    def ort_runs(path: Path) -> dict[str, Any]:
        decoder = OrtDecoder(path, args.threads)
        rng = np.random.default_rng(0)
        return {
            "greedy": lambda: [decoder.generate(prompt_list, n)],
            "x4": lambda: decoder.sample(prompt_list, bg.ROWS, n, rng),
        }

    def ct2_runs() -> dict[str, Any]:
        directory = fast_runtime.convert(gpt2_dir, root / "gpt2-ct2-int8", "int8")
        CONVERTED["ct2_int8"] = str(directory)
        decoder = CT2Decoder(directory, bg.GPT2_BASE["n_positions"], args.threads)
        options = {"max_new_tokens": n, "stop_ids": (), "scores": False}
        sampled = {**options, "scores": True, "do_sample": True, **SAMPLING}
        return {
            "greedy": lambda: [t for t, _ in decoder.generate_many(prompt_list, 1, **options)],
            "x4": lambda: [t for t, _ in decoder.generate_many(prompt_list, bg.ROWS, **sampled)],
        }

    runs: dict[str, dict[str, Any]] = {"hf_generate_fp32": {"greedy": hf(1), "x4": hf(bg.ROWS)}}
    for name, path in paths.items():
        runs[name] = ort_runs(path)
    runs["ct2_int8"] = ct2_runs()
    reference = runs["hf_generate_fp32"]["greedy"]()[0]
    best = bg.time_round_robin(runs, args.reps)
    figures: dict[str, Any] = {}
    for name, variant in runs.items():
        same = variant["greedy"]()[0]
        figures[name] = {
            "greedy_tokens_per_s": round(n / best[name, "greedy"], 1),
            "candidates_x4_tokens_per_s": round(n * bg.ROWS / best[name, "x4"], 1),
            "greedy_agreement_random": round(
                sum(a == b for a, b in zip(same, reference, strict=False)) / n, 3
            ),
        }
        print(name, figures[name], file=sys.stderr, flush=True)
    hf_figures = figures["hf_generate_fp32"]
    for f in figures.values():
        f["speedup_greedy"] = round(f["greedy_tokens_per_s"] / hf_figures["greedy_tokens_per_s"], 2)
        f["speedup_x4"] = round(
            f["candidates_x4_tokens_per_s"] / hf_figures["candidates_x4_tokens_per_s"], 2
        )
    return figures


# -- memory --------------------------------------------------------------------------------


def memory_of(variant: str, path: str, tokens: int) -> float:
    import numpy as np
    import onnxruntime  # noqa: F401  (imports are not the model's memory)

    before = bg.rss_mb()
    decoder = OrtDecoder(Path(path), 1)
    decoder.generate(list(range(5, 5 + bg.PROMPT_LENGTH)), tokens)
    decoder.sample(list(range(5, 5 + bg.PROMPT_LENGTH)), bg.ROWS, tokens, np.random.default_rng(0))
    used = bg.rss_mb() - before
    del decoder
    return used


def memory_figures(
    paths: dict[str, Path], gpt2_dir: Path, root: Path, tokens: int
) -> dict[str, float | None]:
    figures: dict[str, float | None] = {}
    bench = str(ROOT / "bench" / "base_generation.py")
    commands = {  # HF and CTranslate2 measured by base_generation.py's own probe
        "hf_generate_fp32": [bench, "--memory-of", "hf_generate_fp32", str(gpt2_dir)],
        "ct2_int8": [bench, "--memory-of", "ct2_int8", CONVERTED["ct2_int8"]],
    }
    for variant, path in paths.items():
        commands[variant] = [__file__, "--memory-of", variant, str(path)]
    for variant, command in commands.items():
        figures[variant] = bg.probe_memory([*command, "--tokens", str(tokens)])
    return figures


# -- quality on the shipped mini -----------------------------------------------------------


def mini_quality(root: Path, args: Any) -> dict[str, Any]:
    import numpy as np
    import torch

    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings, shipped_model_dir
    from assistant_plugins.smalltalk.data import read_dialogues
    from assistant_plugins.smalltalk.evaluate import sample_loss
    from assistant_plugins.smalltalk.training import build_samples, split_dialogues
    from assistant_plugins.smalltalk.turns import IGNORE

    source = shipped_model_dir()
    chat = ChatModel.load(str(source))
    meta = json.loads((source / "metadata.json").read_text("utf-8"))["settings"]
    _, held_out = split_dialogues(
        read_dialogues([bg.DATA]).dialogues,
        float(meta["eval_split"]),
        int(meta["seed"]),
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
    wants = []
    for prompt, reference in zip(prompts, references, strict=True):
        with torch.inference_mode():
            logits = chat.model(torch.tensor([prompt + reference])).logits[0]
        wants.append(logits.argmax(-1).numpy())
    fp32_path = export_gpt2(chat.model, root / "mini-fp32.onnx")
    variants = {"ort_fp32": fp32_path}
    for name, spec in {**ORT_VARIANTS, **MINI_ONLY}.items():
        variants[name] = quantize(fp32_path, root / f"mini-{name}.onnx", spec, args.block_size)
    results: dict[str, Any] = {
        "held_out_dialogues": len(held_out),
        "held_out_samples": len(samples),
        "greedy_prompts": len(prompts),
        "loss_fp32": round(reference_loss, 4),
    }
    for name, path in variants.items():
        decoder = OrtDecoder(path, args.threads)
        same = total = exact = 0
        first: tuple[int, int] = (0, 0)
        for number, (prompt, reference, want) in enumerate(
            zip(prompts, references, wants, strict=True)
        ):
            if number == 100:
                first = (same, total)  # the first 100 prompts: base_generation.py's count
            budget = min(32, chat.window - len(prompt))
            mine = decoder.generate(prompt, max_new_tokens=budget, stop_ids=stops)
            exact += mine == reference
            if not reference:
                continue
            got = decoder.logits(prompt + reference).argmax(-1)
            span = slice(len(prompt) - 1, len(prompt) + len(reference) - 1)
            same += int((want[span] == got[span]).sum())
            total += len(reference)
        loss_sum = count = 0.0
        for s in samples:
            logits = decoder.logits(list(s.input_ids))[:-1].astype(np.float64)
            log_probs = logits - logits.max(1, keepdims=True)
            log_probs -= np.log(np.exp(log_probs).sum(1, keepdims=True))
            labels = np.asarray(s.labels[1:])
            keep = labels != IGNORE
            picked = log_probs[np.arange(len(labels)), np.where(keep, labels, 0)]
            loss_sum -= float(picked[keep].sum())
            count += int(keep.sum())
        loss = loss_sum / count
        results[name] = {
            "token_agreement": round(same / total, 4),
            "agreeing_tokens": f"{same}/{total}",
            "token_agreement_first_100_prompts": round(first[0] / first[1], 4)
            if first[1]
            else None,
            "reply_exact": round(exact / len(prompts), 4),
            "loss": round(loss, 4),
            "loss_delta": round((loss - reference_loss) / reference_loss, 5),
        }
        print("mini", name, results[name], file=sys.stderr, flush=True)
    # CTranslate2 int8 (what the [fast] extra would run) on the same prompts, as the bench
    from assistant import fast_runtime
    from assistant_plugins.smalltalk.ct2gen import CT2Decoder

    ct2 = CT2Decoder(
        fast_runtime.convert(source, root / "mini-ct2-int8", "int8"), chat.window, args.threads
    )
    same = total = exact = 0
    for prompt, reference, want in zip(prompts, references, wants, strict=True):
        exact += ct2.generate(prompt, max_new_tokens=32, stop_ids=stops) == reference
        if reference:
            got = ct2.logits([prompt + reference])[0].argmax(-1)
            span = slice(len(prompt) - 1, len(prompt) + len(reference) - 1)
            same += int((want[span] == got[span]).sum())
            total += len(reference)
    results["ct2_int8"] = {
        "token_agreement": round(same / total, 4),
        "agreeing_tokens": f"{same}/{total}",
        "reply_exact": round(exact / len(prompts), 4),
    }
    print("mini ct2_int8", results["ct2_int8"], file=sys.stderr, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tokens", type=int, default=16)
    parser.add_argument("--reps", type=int, default=4)
    parser.add_argument("--block-size", type=int, default=32)
    parser.add_argument("--prompts", type=int, default=200, help="held-out prompts")
    parser.add_argument(
        "--prompt-offset", type=int, default=0, help="start at this held-out dialogue"
    )
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--quality-only", action="store_true", help="only the mini's quality")
    parser.add_argument("--memory-of", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    if args.memory_of:
        print(memory_of(args.memory_of[0], args.memory_of[1], args.tokens))
        return
    import onnxruntime as ort
    import torch

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="irang-ort-") as tmp:
        root = Path(tmp)
        if args.quality_only:
            sizes, speed, memory, load_after = {}, {}, {}, None
        else:
            gpt2_dir, _ = bg.build_base_models(root)
            paths = build_variants(gpt2_dir, root, args.block_size)
            sizes = {name: round(p.stat().st_size / 2**20, 1) for name, p in paths.items()}
            speed = speed_figures(gpt2_dir, paths, root, args)
            load_after = [round(x, 2) for x in os.getloadavg()]
            memory = memory_figures(paths, gpt2_dir, root, args.tokens)
            print("memory", memory, file=sys.stderr, flush=True)
        mini = None if args.skip_quality or not bg.DATA.is_file() else mini_quality(root, args)
    empty = {"greedy_tokens_per_s": None, "candidates_x4_tokens_per_s": None}
    empty.update(speedup_greedy=None, speedup_x4=None)
    hf = speed.get("hf_generate_fp32", empty)
    candidate = speed.get("ort_int8_weight_only", empty)
    report = {
        "bench": "ort_weight_only",
        "onnxruntime": ort.__version__,
        "threads": args.threads,
        "new_tokens": args.tokens,
        "prompt_tokens": bg.PROMPT_LENGTH,
        "reps": args.reps,
        "block_size": args.block_size,
        "prompt_offset": args.prompt_offset,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after_speed": load_after,
        "hf_generate_tokens_per_s": hf["greedy_tokens_per_s"],
        "hf_generate_x4_tokens_per_s": hf["candidates_x4_tokens_per_s"],
        "ort_int8_weight_only_tokens_per_s": candidate["greedy_tokens_per_s"],
        "speedup": candidate["speedup_greedy"],
        "speedup_candidates_x4": candidate["speedup_x4"],
        "token_agreement_mini": mini["ort_int8_weight_only"]["token_agreement"] if mini else None,
        "loss_delta_mini": mini["ort_int8_weight_only"]["loss_delta"] if mini else None,
        "onnx_file_mb": sizes,
        "memory_mb": memory,
        "variants": speed,
        "mini": mini,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
