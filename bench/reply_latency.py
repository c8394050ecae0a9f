"""Small-talk reply latency: the full reply pipeline, the generator alone, and a KoGPT2-base shape.

0. The full pipeline the plugin runs (one generation pass of ``candidates`` draws unless the
   memory's ``pipeline.json`` says ``generate: 0``, as the shipped one does, then retrieval
   from the persona and shipped memories and the dev-fitted selection, plus the selector when
   one is shipped) vs, as the in-run baseline, the generator-only pipeline (the same
   generation pass, keeping the likeliest draw): same prompts, same decoding, one thread, no
   extra scoring pass in either arm. ``full_drawing``: the full pipeline with the generation
   pass always drawn (the plugin before session 20). Also reported: the memory's index build
   time (morpheme analysis from ``memory.json`` + bm25s indexing measured here), load time
   (kiwipiepy, the saved index, the persona memory) and resident memory it adds.
   Target: p50 <= 60 ms, p90 <= 120 ms.
1. Shipped model (``models/smalltalk-mini``), 30 varied everyday prompts, after warm-up:
   latency of a full reply (prompt encoding, generation with the configured decoding,
   cleaning) p50/p90 and generated tokens/s, through ``ChatModel.reply`` (the plugin's
   path, with its lean GPT-2 decoder) and, as the in-run baseline, the same model and
   settings through plain ``model.generate``.
2. A randomly initialised model of KoGPT2-base shape (vocab 51,200, 12 layers, 768 wide),
   a fixed number of new tokens per prompt (a random model never stops by itself), with the
   lean decoder vs plain ``model.generate``: where a user with real KoGPT2 would stand.

    .venv/bin/python bench/reply_latency.py [--model DIR] [--threads N]

The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from latency import percentile

PROMPTS = [
    "안녕 반가워",
    "오늘 너무 피곤해",
    "배고파",
    "심심한데 뭐 하지",
    "요즘 잠이 안 와",
    "주말에 놀러 가고 싶다",
    "시험 망쳤어",
    "친구랑 싸웠어",
    "비 오는 날 좋아해?",
    "커피 마실까",
    "운동 시작했어",
    "회사 가기 싫다",
    "오늘 기분 좋아",
    "헤어졌어",
    "고마워",
    "생일 축하해줘",
    "다이어트 해야 하는데",
    "여행 가고 싶어",
    "날씨가 추워졌네",
    "영화 추천해줘",
    "너무 외로워",
    "취업 준비 힘들어",
    "고양이 키우고 싶다",
    "내일 면접 있어",
    "잘 자",
    "사랑하는 사람이 생겼어",
    "스트레스 받아",
    "점심 뭐 먹지",
    "오늘 하루 어땠어?",
    "노래 듣고 싶다",
]


def summarize(latencies: list[float], tokens: int) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(latencies), 1),
        "p90_ms": round(percentile(latencies, 0.9), 1),
        "tokens_per_s": round(tokens / (sum(latencies) / 1000), 1) if latencies else 0.0,
    }


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure_pipeline(chat, settings, source: str, local: bool, config: dict) -> dict:
    """Full pipeline vs generator-only, plus the memory's build/load time and size."""
    from pathlib import Path

    from assistant_plugins.smalltalk import morphemes
    from assistant_plugins.smalltalk.memory import ReplyMemory
    from assistant_plugins.smalltalk.pipeline import ReplyPipeline, Weights, load_persona

    directory = Path(source) / "memory"
    if not local or not directory.is_dir():
        raise SystemExit(f"{source}: no memory/ folder (assistant train smalltalk --stage memory)")
    before = rss_mb()
    started = time.perf_counter()
    morphemes.warm_up()
    kiwi_s = time.perf_counter() - started
    memory = ReplyMemory.load(directory)
    persona = load_persona("이랑")
    weights = Weights.load(directory)
    load_s = time.perf_counter() - started
    selector = None
    if weights.selector and (Path(source) / "selector").is_dir():
        from assistant_plugins.smalltalk.selector import Selector

        selector = Selector.load(Path(source) / "selector")
        selector.precompute([p.reply for p in memory.pairs])
    load_all_s = time.perf_counter() - started
    grown = rss_mb() - before
    started = time.perf_counter()
    ReplyMemory.build(memory.pairs, token_lists=memory.token_lists)
    index_s = time.perf_counter() - started
    pipeline = ReplyPipeline(memory, persona, None, selector, weights)

    def full(prompt: str) -> str:  # as the plugin runs it: weights.generate decides the draw
        generated = chat.reply_candidates(prompt, (), settings) if weights.generate else []
        return pipeline.choose(prompt, (), None, generated).source

    def full_drawing(prompt: str) -> str:  # the generation pass always drawn (before session 20)
        generated = chat.reply_candidates(prompt, (), settings)
        return pipeline.choose(prompt, (), None, generated).source

    def alone(prompt: str) -> str:
        return "neutral" if chat.reply(prompt, (), settings).neutral else "generated"

    results = {}
    arms = (("generator_only", alone), ("full", full), ("full_drawing", full_drawing))
    for name, run in arms:
        for prompt in PROMPTS[:3]:
            run(prompt)  # warm-up
        times, sources = [], []
        for prompt in PROMPTS:
            start = time.perf_counter()
            sources.append(run(prompt))
            times.append((time.perf_counter() - start) * 1000)
        results[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p90_ms": round(percentile(times, 0.9), 1),
            "sources": {s: sources.count(s) for s in sorted(set(sources))},
        }
    size = sum(f.stat().st_size for f in directory.rglob("*") if f.is_file())
    return {
        **results,
        "generate": bool(weights.generate),
        "selector": selector is not None,
        "memory_pairs": len(memory),
        "memory_mb_on_disk": round(size / 1e6, 1),
        "index_build_s": {
            "morpheme_analysis_at_build": memory.info.get("analyse_seconds"),
            "bm25s_indexing": round(index_s, 2),
        },
        "load_s": round(load_s, 2),
        "load_s_kiwipiepy": round(kiwi_s, 2),
        "load_s_with_selector": round(load_all_s, 2),
        "rss_mb": round(grown, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="", help="model dir (default: the shipped model)")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: plugins.smalltalk.threads)",
    )
    parser.add_argument(
        "--big-prompts", type=int, default=8, help="prompts for the KoGPT2-shape model"
    )
    parser.add_argument("--big-new-tokens", type=int, default=16)
    args = parser.parse_args()

    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    from assistant.config import load_config
    from assistant_plugins.smalltalk.chat import ChatModel, GenerationSettings, resolve_source
    from assistant_plugins.smalltalk.fastgen import FastGPT2

    config = load_config(None).plugin("smalltalk")
    threads = int(config.get("threads", 0)) if args.threads is None else args.threads
    if threads > 0:
        torch.set_num_threads(threads)
    source, local = resolve_source(args.model or config.get("model"))
    chat = ChatModel.load(source, local)
    if chat.fast is None:
        raise SystemExit(f"{source}: not a plain GPT-2, the lean decoder does not apply")
    settings = GenerationSettings.from_mapping(config.get("generation"))

    # 0. the full pipeline vs the generator-only pipeline
    pipeline_result = measure_pipeline(chat, settings, source, local, config)

    # 1. shipped model: the plugin path vs plain model.generate, same settings
    for prompt in PROMPTS[:3]:  # warm-up
        chat.reply(prompt, (), settings)
    ours, ours_tokens, replies = [], 0, []
    for prompt in PROMPTS:
        result = chat.reply(prompt, (), settings)
        ours.append(result.elapsed_ms)
        ours_tokens += result.new_tokens
        replies.append({"prompt": prompt, "reply": result.text})
    fast, chat.fast = chat.fast, None  # same object, plain model.generate
    for prompt in PROMPTS[:3]:
        chat.reply(prompt, (), settings)
    plain, plain_tokens = [], 0
    for prompt in PROMPTS:
        result = chat.reply(prompt, (), settings)
        plain.append(result.elapsed_ms)
        plain_tokens += result.new_tokens
    chat.fast = fast

    # 2. KoGPT2-base shape, random weights: fixed-length generations
    torch.manual_seed(0)
    big = GPT2LMHeadModel(
        GPT2Config(vocab_size=51200, n_positions=1024, n_embd=768, n_layer=12, n_head=12)
    ).eval()
    big_fast = FastGPT2(big)
    prompts = [chat.prompt_ids(p, (), settings) for p in PROMPTS[: args.big_prompts]]
    n_new = args.big_new_tokens
    no_stop = [-1]

    def run_fast(ids: list[int]) -> None:
        big_fast.generate(
            ids,
            max_new_tokens=n_new,
            stop_ids=no_stop,
            do_sample=True,
            top_k=50,
            top_p=0.9,
            temperature=0.8,
            repetition_penalty=1.2,
            no_repeat_ngram_size=3,
        )

    def run_generate(ids: list[int]) -> None:
        with torch.inference_mode():
            big.generate(
                torch.tensor([ids]),
                attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                max_new_tokens=n_new,
                min_new_tokens=n_new,
                do_sample=True,
                top_k=50,
                top_p=0.9,
                temperature=0.8,
                repetition_penalty=1.2,
                no_repeat_ngram_size=3,
                pad_token_id=0,
            )

    big_results = {}
    for name, runner in (("fast", run_fast), ("generate", run_generate)):
        runner(prompts[0])  # warm-up
        times = []
        for ids in prompts:
            start = time.perf_counter()
            runner(ids)
            times.append((time.perf_counter() - start) * 1000)
        big_results[name] = summarize(times, n_new * len(prompts))

    result = {
        "bench": "smalltalk_reply_latency",
        "model": source,
        "torch_threads": torch.get_num_threads(),
        "decoding": settings.strategy,
        "prompts": len(PROMPTS),
        "shipped": {
            **summarize(ours, ours_tokens),
            "mean_new_tokens": round(ours_tokens / len(PROMPTS), 1),
        },
        "shipped_generate_baseline": summarize(plain, plain_tokens),
        "speedup_p50": round(statistics.median(plain) / statistics.median(ours), 2),
        "kogpt2_shape_random": {
            "new_tokens": n_new,
            "prompts": len(prompts),
            "fast": big_results["fast"],
            "generate": big_results["generate"],
        },
        "pipeline": pipeline_result,
        "target_p50_ms": 60,
        "target_p90_ms": 120,
        "meets_target": pipeline_result["full"]["p50_ms"] <= 60
        and pipeline_result["full"]["p90_ms"] <= 120,
        "sample_replies": replies[:5],
    }
    full, alone = pipeline_result["full"], pipeline_result["generator_only"]
    drawing = pipeline_result["full_drawing"]
    print(
        f"full pipeline p50 {full['p50_ms']} ms / p90 {full['p90_ms']} ms "
        f"(always drawing: p50 {drawing['p50_ms']} / p90 {drawing['p90_ms']} ms; "
        f"generator only: p50 {alone['p50_ms']} / p90 {alone['p90_ms']} ms); memory load "
        f"{pipeline_result['load_s']} s, +{pipeline_result['rss_mb']} MB"
    )
    print(
        f"shipped model p50 {result['shipped']['p50_ms']} ms / p90 {result['shipped']['p90_ms']} ms "
        f"(model.generate: p50 {result['shipped_generate_baseline']['p50_ms']} ms); "
        f"KoGPT2-shape: {big_results['fast']['p50_ms']} ms vs generate {big_results['generate']['p50_ms']} ms "
        f"for {n_new} tokens"
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
