"""Web page under load: latency of command and chat turns with 1, 10 and 20 concurrent tabs.

Starts a real ``assistant web`` on 127.0.0.1 (a free port, a throw-away data
directory, the shipped small-talk and emotion models) and, for each level of
concurrency, lets every client (its own session, i.e. its own browser tab)
alternate a small-talk turn (a model call) and a command turn (clock, timer
status, lotto, help) through ``POST /api/ask``. Reports p50/p99 per kind of turn;
the single-client figures are the in-run baseline (what one user alone sees).
What it shows: with many chat turns queued on the model workers, command turns
stay fast, because they run in their own pool.

Bounded: ``--turns`` per client per level (default 6; three times that for the
single client, so the baseline has enough turns) and ``--max-seconds`` per
level (default 90; clients stop early, what was measured is reported). Loopback
only. With few turns, p99 is close to the maximum: read it as "the worst seen".
The machine is shared: figures measured while others load it are noisy.

    .venv/bin/python bench/web_load.py [--levels 1,10,20] [--turns 6] [--max-seconds 90]

The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from latency import percentile

ROOT = Path(__file__).resolve().parent.parent
CHAT = [
    "안녕 반가워",
    "오늘 너무 피곤해",
    "배고파",
    "심심한데 뭐 하지",
    "요즘 잠이 안 와",
    "주말에 놀러 가고 싶다",
    "친구랑 싸웠어",
    "커피 마실까",
    "운동 시작했어",
    "오늘 기분 좋아",
]
COMMANDS = [
    "지금 몇 시야",
    "타이머 얼마나 남았어?",
    "로또 번호 뽑아줘",
    "오늘 며칠이야",
    "뭐 할 수 있어?",
]


def summary(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50_ms": None, "p99_ms": None}
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
    }


def start_server(home: Path, config: Path) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update({"ASSISTANT_HOME": str(home), "PYTHONIOENCODING": "utf-8"})
    command = [sys.executable, "-m", "assistant", "--config", str(config), "web"]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        if line.startswith("이랑 웹 페이지: "):
            return proc, line.split(": ", 1)[1].strip()
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise SystemExit("the web server did not start")


def ask(host: str, port: int, session: str, text: str) -> tuple[float, dict]:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    body = json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
    started = time.perf_counter()
    try:
        conn.request(
            "POST",
            "/api/ask",
            body=body,
            headers={"Content-Type": "application/json", "X-Session-Id": session},
        )
        response = conn.getresponse()
        data = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {data}")
    finally:
        conn.close()
    return (time.perf_counter() - started) * 1000, data


def run_level(host: str, port: int, clients: int, turns: int, max_seconds: float) -> dict:
    times: dict[str, list[float]] = {"command": [], "chat": []}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def client(index: int) -> None:
        session = f"bench-{clients:02d}-{index:03d}-session"
        for turn in range(turns):
            if time.monotonic() > deadline:
                return
            kind = "chat" if (turn + index) % 2 == 0 else "command"
            pool = CHAT if kind == "chat" else COMMANDS
            text = pool[(turn * 7 + index) % len(pool)]
            try:
                elapsed, data = ask(host, port, session, text)
                routed_chat = data.get("intent") == "smalltalk"
                if routed_chat != (kind == "chat"):
                    raise RuntimeError(f"{text!r} routed to {data.get('intent')}")
            except Exception as exc:  # reported, never hidden
                with lock:
                    errors.append(str(exc)[:200])
                continue
            with lock:
                times[kind].append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "clients": clients,
        "seconds": round(time.perf_counter() - started, 2),
        "command": summary(times["command"]),
        "chat": summary(times["chat"]),
        "errors": len(errors),
        "error_samples": errors[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--levels", default="1,10,20")
    parser.add_argument("--turns", type=int, default=6, help="turns per client per level")
    parser.add_argument("--max-seconds", type=float, default=90.0, help="time cap per level")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",") if x.strip()]

    with tempfile.TemporaryDirectory(prefix="irang-web-bench-") as tmp:
        config = Path(tmp) / "bench.yaml"
        config.write_text("web:\n  rate_limit_per_minute: 100000\n", encoding="utf-8")
        proc, url = start_server(Path(tmp) / "home", config)
        try:
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port or 0
            assert host == "127.0.0.1", "loopback only"
            # warm-up: the first chat turn loads the models
            for text in ["안녕", "지금 몇 시야", "오늘 기분 좋아"]:
                ask(host, port, "bench-warmup-session", text)
            # the single-client baseline gets more turns: its figures are the yardstick
            results = [
                run_level(host, port, n, args.turns * (3 if n == 1 else 1), args.max_seconds)
                for n in levels
            ]
        finally:
            proc.terminate()
            proc.wait(timeout=30)

    baseline = results[0]
    for level in results:
        print(
            f"{level['clients']:>3} clients: command p50 {level['command']['p50_ms']} ms"
            f" / p99 {level['command']['p99_ms']} ms; chat p50 {level['chat']['p50_ms']} ms"
            f" / p99 {level['chat']['p99_ms']} ms; errors {level['errors']}"
        )
    top = results[-1]

    def ratio(kind: str, key: str) -> float | None:
        base, high = baseline[kind][key], top[kind][key]
        return round(high / base, 2) if base and high else None

    print(
        json.dumps(
            {
                "bench": "web_load",
                "turns_per_client": args.turns,
                "levels": results,
                "baseline": {
                    "clients": baseline["clients"],
                    "command": baseline["command"],
                    "chat": baseline["chat"],
                },
                "at_most_clients": {
                    "clients": top["clients"],
                    "command_p50_vs_baseline": ratio("command", "p50_ms"),
                    "command_p99_vs_baseline": ratio("command", "p99_ms"),
                    "chat_p50_vs_baseline": ratio("chat", "p50_ms"),
                },
                "errors": sum(level["errors"] for level in results),
                "cpus": os.cpu_count(),
                "note": "shared machine; p99 of few turns is about the maximum seen",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
