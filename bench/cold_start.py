"""Cold start: a fresh `assistant route` process vs `python -c "import torch"`, same run.

Headline: both run as on a user's machine, with Python's bytecode cache (``__pycache__``;
pip writes it for torch at install time, ours is written by the warm-up run), so
``PYTHONDONTWRITEBYTECODE`` is removed from the environment. Also measured
(``our_source_compiled``): the project's own modules compiled from source at every start,
as in an environment with ``PYTHONDONTWRITEBYTECODE=1`` and no ``__pycache__`` in the
repository (the bench deletes the repository's ``__pycache__`` folders first); torch and
the standard library still load from their installed bytecode there.

The two commands alternate so that load from other processes affects both alike; medians
of wall time and of CPU time (user + system, less sensitive to a busy machine) are compared.

.venv/bin/python bench/cold_start.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.15
ROUTE = [sys.executable, "-m", "assistant", "route", "--json", "이랑아, 5분 타이머 맞춰줘"]
TORCH = [sys.executable, "-c", "import torch"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds user+system) of one run of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{cmd} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def compare(env: dict[str, str], runs: int) -> dict[str, float]:
    timed(ROUTE, env), timed(TORCH, env)  # warm the file (and bytecode) caches
    route, torch = [], []
    for _ in range(runs):
        route.append(timed(ROUTE, env))
        torch.append(timed(TORCH, env))
    r, t = statistics.median(w for w, _ in route), statistics.median(w for w, _ in torch)
    rc, tc = statistics.median(c for _, c in route), statistics.median(c for _, c in torch)
    return {
        "route_ms": round(r * 1000, 1),
        "import_torch_ms": round(t * 1000, 1),
        "ratio": round(r / t, 3),
        "route_cpu_ms": round(rc * 1000, 1),
        "import_torch_cpu_ms": round(tc * 1000, 1),
        "cpu_ratio": round(rc / tc, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    base = {**os.environ, "ASSISTANT_HOME": tempfile.mkdtemp()}
    base.pop("PYTHONPYCACHEPREFIX", None)
    for package in ("assistant", "plugins", "models"):
        for cache in (ROOT / package).rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
    bare = compare({**base, "PYTHONDONTWRITEBYTECODE": "1"}, runs)
    cached_env = dict(base)
    cached_env.pop("PYTHONDONTWRITEBYTECODE", None)
    cached = compare(cached_env, runs)
    load = round(os.getloadavg()[0], 1)
    for name, figures in (("bytecode cache", cached), ("our source compiled", bare)):
        print(
            f"{name:>19}: assistant route {figures['route_ms']:.0f} ms "
            f"(CPU {figures['route_cpu_ms']:.0f}), import torch {figures['import_torch_ms']:.0f} ms "
            f"(CPU {figures['import_torch_cpu_ms']:.0f}): ratio {figures['ratio']:.3f} "
            f"(CPU {figures['cpu_ratio']:.3f})"
        )
    print(
        json.dumps(
            {
                "bench": "cold_start",
                "runs": runs,
                **cached,
                "our_source_compiled": bare,
                "load_average": load,
                "target_ratio": TARGET,
                "meets_target": cached["ratio"] <= TARGET,
            }
        )
    )


if __name__ == "__main__":
    main()
