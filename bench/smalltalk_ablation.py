"""Small-talk ablation on the everyday remarks (``plugins/smalltalk/eval_prompts.tsv``).

Four arms through the real assistant (routing, emotion detection and tone, the plugin):

- ``generator_only``: the GPT-2 generator alone (``pipeline: false``), the in-run baseline;
- ``memory_only``: persona + shipped memory, no generator (``model: off``), no selector;
- ``memory_selector``: the same plus the response selector (only when the model ships one),
  with the best dev-fitted rule that gives the selector a weight
  (``pipeline.json`` -> ``dev.with_selector``; the shipped rule may give it none);
- ``full``: the shipped pipeline (memories + selector if shipped + generated candidates
  unless the memory's ``pipeline.json`` says ``generate: 0``, as the shipped one does).

Per arm: made-up-word rate (reply words absent from the training data), distinct-reply
ratio, source mix, latency; ``--out FILE`` writes every reply (JSON) for hand rating.
The prompts were written before any tuning and are never tuned on.

    .venv/bin/python bench/smalltalk_ablation.py [--arms full generator_only] [--out FILE]

The last line printed is a JSON object with the figures (replies left out).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

ARMS = {
    "generator_only": {"pipeline": False},
    "memory_only": {"model": "off", "selector": "off"},
    "memory_selector": {"model": "off"},
    "full": {},
}


def make_assistant(overrides: dict, home: Path):
    from assistant.app import App
    from assistant.config import Config, deep_merge, load_config
    from assistant.engine import Assistant
    from assistant.plugins import PluginHost

    base = load_config(None)
    config = Config(
        deep_merge(base, {"plugins": {"smalltalk": overrides}}), base.sources, base.key_lines
    )
    host = PluginHost(config)
    host.load()
    return Assistant(App(config, home), host)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arms", nargs="+", default=list(ARMS), choices=list(ARMS))
    parser.add_argument("--out", type=Path, default=None, help="write all replies here (JSON)")
    args = parser.parse_args()

    from assistant_plugins.smalltalk.chat import shipped_model_dir
    from assistant_plugins.smalltalk.everyday_eval import everyday_report, read_prompts, vocabulary

    model_dir = shipped_model_dir()
    known = vocabulary(model_dir / "memory")
    prompts = read_prompts()
    results, replies = {}, {}
    with tempfile.TemporaryDirectory() as home:
        for arm in args.arms:
            if arm == "memory_selector" and not (model_dir / "selector").is_dir():
                results[arm] = None  # no shipped selector
                continue
            overrides = dict(ARMS[arm])
            if arm == "memory_selector":
                fitted = json.loads((model_dir / "memory" / "pipeline.json").read_text("utf-8"))
                forced = (fitted["dev"].get("with_selector") or {}).get("weights") or {}
                overrides["weights"] = forced
            assistant = make_assistant(overrides, Path(home) / arm)
            report = everyday_report(assistant, prompts, known)
            assistant.shutdown()
            replies[arm] = report.pop("rows")
            results[arm] = report
            print(
                f"{arm}: made-up words {report['made_up_word_rate']:.3f}, distinct "
                f"{report['distinct_reply_ratio']:.2f}, sources {report['source_mix']}, "
                f"p50 {report['latency_ms_p50']} ms"
            )
    if args.out:
        args.out.write_text(json.dumps(replies, ensure_ascii=False, indent=1), "utf-8")
    print(
        json.dumps(
            {
                "bench": "smalltalk_ablation",
                "prompts": len(prompts),
                "baseline": "generator_only",
                "arms": results,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
