"""Cold start: a fresh `assistant route` process vs `python -c "import torch"`, same run.

.venv/bin/python bench/cold_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    env = {**os.environ, "ASSISTANT_HOME": tempfile.mkdtemp()}
    route_cmd = [sys.executable, "-m", "assistant", "route", "--json", "이랑아, 5분 타이머 맞춰줘"]
    torch_cmd = [sys.executable, "-c", "import torch"]
    timed(route_cmd, env), timed(torch_cmd, env)  # warm the OS file cache for both
    route = [timed(route_cmd, env) for _ in range(runs)]
    torch = [timed(torch_cmd, env) for _ in range(runs)]
    r, t = statistics.median(route), statistics.median(torch)
    print(
        f"assistant route: {r * 1000:.0f} ms   import torch: {t * 1000:.0f} ms   ratio {r / t:.3f}"
    )
    print(
        json.dumps(
            {
                "bench": "cold_start",
                "runs": runs,
                "route_ms": round(r * 1000, 1),
                "import_torch_ms": round(t * 1000, 1),
                "ratio": round(r / t, 3),
                "target_ratio": 0.25,
                "meets_target": r / t <= 0.25,
            }
        )
    )


if __name__ == "__main__":
    main()
