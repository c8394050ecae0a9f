"""Routing latency: built-in rules, then with 1,000 extra synthetic rules.

Baseline measured in the same run: the same 1,000 rules registered *without*
keywords, so every pattern is tried for every utterance (what a router without
the keyword index would do).

    .venv/bin/python bench/route_latency.py
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from assistant.app import App
from assistant.config import load_config
from assistant.engine import Assistant
from assistant.plugins import PluginHost
from assistant.types import Intent

UTTERANCES = [
    "이랑아, 5분 타이머 맞춰줘",
    "라면 타이머 3분",
    "한 시간 반 뒤에 알려 줘",
    "오전 7시 30분에 알람",
    "타이머 얼마나 남았어?",
    "모든 타이머 취소해",
    "서울 날씨 어때?",
    "내일 부산 비 와?",
    "지금 몇 시야?",
    "오늘 며칠이야?",
    "로또 번호 뽑아줘",
    "dkssud",
    "오늘 좀 피곤하다",
    "알람 소리가 너무 싫어",
    "10분 늦을 것 같아",
    "뭐 할 수 있어?",
    "주말에 뭐 하지",
]
ROUNDS = 300


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def measure(assistant: Assistant) -> tuple[float, float]:
    samples = []
    for _ in range(ROUNDS):
        for text in UTTERANCES:
            start = time.perf_counter()
            assistant.route(text)
            samples.append((time.perf_counter() - start) * 1000)
    return _percentiles(samples)


def synthetic(n: int, with_keywords: bool) -> list[Intent]:
    intents = []
    for i in range(n):
        word = f"합성명령{i}"
        intents.append(
            Intent(
                f"synthetic.cmd{i}",
                lambda r: "ok",
                patterns=[f"{word} {{duration}}", f"{word} 실행"],
                keywords=[word] if with_keywords else [],
            )
        )
    return intents


def build(extra: list[Intent]) -> Assistant:
    home = Path(tempfile.mkdtemp())
    config = load_config(None)
    host = PluginHost(config)
    host.load()
    assistant = Assistant(App(config, home), host)
    for intent in extra:
        assistant.router.add(intent, "synthetic")
    return assistant


def main() -> None:
    builtin = measure(build([]))
    indexed = measure(build(synthetic(1000, with_keywords=True)))
    unindexed = measure(build(synthetic(1000, with_keywords=False)))
    print(f"{'rules':<28}{'p50 ms':>10}{'p99 ms':>10}")
    for name, (p50, p99) in (
        ("built-in", builtin),
        ("+1000 with keywords", indexed),
        ("+1000 without (baseline)", unindexed),
    ):
        print(f"{name:<28}{p50:>10.4f}{p99:>10.4f}")
    print(
        json.dumps(
            {
                "bench": "route_latency",
                "utterances": len(UTTERANCES) * ROUNDS,
                "builtin_p50_ms": round(builtin[0], 4),
                "builtin_p99_ms": round(builtin[1], 4),
                "rules1000_p50_ms": round(indexed[0], 4),
                "rules1000_p99_ms": round(indexed[1], 4),
                "baseline_no_keywords_p99_ms": round(unindexed[1], 4),
                "speedup_vs_baseline_p99": round(unindexed[1] / indexed[1], 2),
                "target_p99_ms": 1.0,
                "meets_target": indexed[1] <= 1.0,
            }
        )
    )


if __name__ == "__main__":
    main()
