"""Plain-torch speed-ups for a KoGPT2-base-size generator on the CPU (issue 19's other candidates).

``bench/base_generation.py`` compares the runtimes the ``[fast]`` extra can use (ONNX Runtime,
CTranslate2); this bench measures what stays inside torch, each variant in a fresh process,
one thread, on the same random KoGPT2-base shape (12 layers, 768 wide, 51,200 tokens, seed 0),
a 24-token prompt and 16 greedy tokens through HF ``model.generate``:

- ``hf_generate_fp32``: the baseline (eager, dynamic cache);
- ``static_cache_compile``: ``cache_implementation="static"`` and ``torch.compile`` of the
  forward (Inductor, C++ code generated on this machine; the first call compiles);
- ``torchao_int8_weight_only`` / ``torchao_int8_dynamic``: torchao's
  ``Int8WeightOnlyConfig`` / ``Int8DynamicActivationInt8WeightConfig``, eager and compiled
  (``..._compile``; torchao is made for ``torch.compile``).

Each variant times 3 calls after the first one (best call), then reports tokens/s, the
speed-up over the baseline timed in the same process, the first call's seconds (compile
time) and greedy-token agreement with the baseline (random weights: numerics only).

    .venv/bin/python bench/torch_cpu_options.py          # about 3 minutes here

Needs ``torchao`` for its variants (skipped without it). The last line printed is a JSON
object with the figures.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import subprocess
import sys
import time
from typing import Any

VARIANTS = (
    "static_cache_compile",
    "torchao_int8_weight_only",
    "torchao_int8_weight_only_compile",
    "torchao_int8_dynamic",
    "torchao_int8_dynamic_compile",
)
NEW_TOKENS = 16


def measure(variant: str) -> dict[str, Any]:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.set_num_threads(1)
    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=51200, n_positions=1024, n_embd=768, n_layer=12, n_head=12,
        bos_token_id=1, eos_token_id=1,
    )  # fmt: skip
    model = GPT2LMHeadModel(config).eval()
    prompt = torch.randint(5, 51200, (1, 24), generator=torch.Generator().manual_seed(0))

    def generate(m: Any) -> Any:
        with torch.inference_mode():
            return m.generate(
                prompt,
                attention_mask=torch.ones_like(prompt),
                max_new_tokens=NEW_TOKENS,
                min_new_tokens=NEW_TOKENS,
                do_sample=False,
                pad_token_id=0,
            )[0, prompt.shape[1] :]

    def tokens_per_s(m: Any) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            generate(m)
            best = min(best, time.perf_counter() - started)
        return NEW_TOKENS / best

    reference = generate(model)
    baseline = tokens_per_s(model)
    fast = copy.deepcopy(model)
    if variant.startswith("torchao"):
        from torchao.quantization import (
            Int8DynamicActivationInt8WeightConfig,
            Int8WeightOnlyConfig,
            quantize_,
        )

        weight_only = variant.startswith("torchao_int8_weight_only")
        quantize_(
            fast, Int8WeightOnlyConfig() if weight_only else Int8DynamicActivationInt8WeightConfig()
        )
    if variant.endswith("compile"):
        fast.generation_config.cache_implementation = "static"
        fast.forward = torch.compile(fast.forward, dynamic=False)
    started = time.perf_counter()
    first = generate(fast)
    first_call_s = time.perf_counter() - started
    speed = tokens_per_s(fast)
    return {
        "tokens_per_s": round(speed, 1),
        "hf_generate_tokens_per_s": round(baseline, 1),
        "speedup": round(speed / baseline, 2),
        "first_call_s": round(first_call_s, 1),
        "greedy_agreement_random": round(float((first == reference).float().mean()), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(measure(args.variant)))
        return
    started = time.perf_counter()
    has_torchao = importlib.util.find_spec("torchao") is not None
    figures: dict[str, Any] = {}
    for variant in VARIANTS:
        if variant.startswith("torchao") and not has_torchao:
            figures[variant] = "skipped: torchao is not installed"
            continue
        out = subprocess.run(
            [sys.executable, __file__, "--variant", variant],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "OMP_NUM_THREADS": "1"},
        )
        try:
            figures[variant] = json.loads(out.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            figures[variant] = f"failed: {out.stderr.strip().splitlines()[-1:]}"
        print(variant, figures[variant], file=sys.stderr, flush=True)
    speedups = [f["speedup"] for f in figures.values() if isinstance(f, dict)]
    print(
        json.dumps(
            {
                "bench": "torch_cpu_options",
                "threads": 1,
                "new_tokens": NEW_TOKENS,
                "baseline": "hf_generate_fp32, timed in each variant's own process",
                "best_speedup": max(speedups) if speedups else None,
                "variants": figures,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
