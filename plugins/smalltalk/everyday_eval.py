"""The everyday-remarks report of ``assistant eval smalltalk`` (``eval_prompts.tsv``).

Each remark goes through the real assistant (routing, emotion detection, the small-talk
pipeline) with a fresh conversation; the emotion plugin's opener, if any, is cut off so the
figures are about the small-talk reply itself. Reported:

- ``made_up_word_rate``: share of reply words (whitespace words, punctuation removed) that
  occur nowhere in the training data (the memory's ``words.txt``), the persona file, the
  canned replies (acknowledgements, a reflection's second sentence) or the user's own
  remark (a reflection says the user's words back, its final verb conjugated by Kiwi:
  ``reflection.py``).
  The fluency filter uses the same vocabulary, so replies the pipeline takes from the
  generator score 0 by construction; the figure is meaningful for the generator-only arm,
  and the hand rating (model card) is the independent check;
- ``distinct_reply_ratio``, ``source_mix`` (memory / everyday / persona / user / generated /
  neutral), latency p50/p90 of the small-talk reply, and every reply (``rows``). Remarks the router
  sends to a command ("무엇을 할 수 있어?" -> help) are counted apart, not in the rates.

The set was written before any tuning and is never tuned on.
"""

from __future__ import annotations

import random
import statistics
import sys
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PROMPTS_FILE = HERE / "eval_prompts.tsv"


def read_prompts(path: Path = PROMPTS_FILE) -> list[dict[str, str]]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        cells = line.split("\t")
        if len(cells) >= 3:
            rows.append({"id": cells[0], "kind": cells[1], "text": cells[2]})
    return rows


def vocabulary(memory_dir: Path | None, name: str = "이랑") -> set[str]:
    from assistant_plugins.smalltalk.choice import replies as choice_replies
    from assistant_plugins.smalltalk.cleaning import CANNED_REPLIES
    from assistant_plugins.smalltalk.morphemes import words
    from assistant_plugins.smalltalk.pipeline import persona_pairs
    from assistant_plugins.smalltalk.reflection import replies as reflection_replies

    known = {w for p in persona_pairs(name) for w in words(f"{p.utterance} {p.reply}")}
    known |= {w for reply in CANNED_REPLIES for w in words(reply)}
    known |= {w for reply in (*reflection_replies(), *choice_replies()) for w in words(reply)}
    if memory_dir is not None and (memory_dir / "words.txt").is_file():
        known |= set((memory_dir / "words.txt").read_text("utf-8").split())
    return known


def _without_opener(text: str, data: dict[str, Any]) -> str:
    """``text`` without the emotion plugin's opener and the emoji it appends ("걱정이 많이
    되시죠. 😟 …"; before session 16 the emoji was left on)."""
    opener = (data.get("tone") or {}).get("opener")
    if opener and text.startswith(opener):
        rest = text[len(opener) :].strip()
        first, _, after = rest.partition(" ")
        return after.strip() if first and not any(c.isalnum() for c in first) else rest
    return text


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def everyday_report(
    assistant: Any,
    prompts: Sequence[dict[str, str]],
    known: set[str],
    live: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Answer every prompt with ``assistant`` (an :class:`assistant.engine.Assistant`).

    ``live``: the small-talk plugin's live settings; without a ``generation.seed`` of the
    user's, each remark's draws get a seed of their own (its CRC-32), so that the generator
    samples on torch with it: CTranslate2's sampler can't be re-seeded, and two runs drew
    different replies (a flaky test)."""
    generation = dict((live or {}).get("generation") or {})
    own_seed = generation.get("seed") is not None
    from assistant_plugins.smalltalk.choice import options
    from assistant_plugins.smalltalk.morphemes import words

    rows = []
    for prompt in prompts:
        assistant.reset()
        # the pick among equivalent replies ("그렇군요. …" or "그러셨군요. …") and the
        # generator's draws (torch's global generator, used when no `seed` is set) depend on
        # the remark alone, so a run can be repeated and two pipelines differ only where they do
        random.seed(f"everyday\t{prompt['text']}")
        seed = zlib.crc32(prompt["text"].encode("utf-8"))
        if "torch" in sys.modules:
            sys.modules["torch"].manual_seed(seed)
        if live is not None and not own_seed:
            live["generation"] = {**generation, "seed": seed}
        turn = assistant.respond(prompt["text"])
        data = turn.reply.data or {}
        info = data.get("smalltalk") or {}
        reply = _without_opener(turn.reply.text, data)
        found = words(reply)
        said_back = set(words(prompt["text"]))  # the user's own words are not made up
        if info.get("source") == "reflection":  # ... nor their verb, conjugated by Kiwi
            # (two words for a plan said back: "사두려고 하시는군요"; the sentence that ends in
            # -군요, after a greeting said back if any)
            told = next((s for s in reply.split(". ") if s.endswith("군요")), reply)
            said_back |= set(words(told)[-2:])
        asked = options(prompt["text"]) if info.get("source") == "choice" else None
        if asked:  # the two things asked about, with a particle ("짬뽕이", "소금빵파예요")
            said_back |= {w for w in found if w.startswith((asked[0], asked[1]))}
        unknown = [w for w in found if w not in known and w not in said_back]
        checked_in = (data.get("safety") or {}).get("kind") == "check_in"
        if checked_in:  # the safety plugin's canned check-in, not a small-talk reply
            unknown = []
        rows.append(
            {
                **prompt,
                "reply": reply,
                "intent": turn.route.intent,
                "source": "safety check-in"
                if checked_in
                else info.get("source", "command" if turn.route.intent != "smalltalk" else "?"),
                "matched": info.get("matched"),
                "id_matched": info.get("id"),
                "score": info.get("score"),
                "candidates": info.get("candidates", []),
                "emotion": turn.emotion.label if turn.emotion else None,
                "made_up_words": unknown,
                "words": len(found),
                "ms": info.get("ms", turn.elapsed_ms),
            }
        )
    commands = [r for r in rows if r["intent"] != "smalltalk"]
    chat = [r for r in rows if r["intent"] == "smalltalk"]
    n = len(chat) or 1
    total_words = sum(r["words"] for r in chat) or 1
    latencies = [float(r["ms"]) for r in chat] or [0.0]
    return {
        "prompts": len(rows),
        "routed_to_commands": len(commands),
        "made_up_word_rate": round(sum(len(r["made_up_words"]) for r in chat) / total_words, 4),
        "replies_with_made_up_words": sum(bool(r["made_up_words"]) for r in chat),
        "distinct_reply_ratio": round(len({r["reply"] for r in chat}) / n, 4),
        "source_mix": dict(Counter(r["source"] for r in chat).most_common()),
        "latency_ms_p50": round(statistics.median(latencies), 1),
        "latency_ms_p90": round(_percentile(latencies, 0.9), 1),
        "rows": rows,
    }
