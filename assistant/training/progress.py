"""Training progress on stderr: a rich bar on a terminal, plain periodic lines otherwise.

``Reporter(total_steps, start_step=0, enabled=True, log_every=10, stream=None)`` is a context
manager with ``step(step, loss, lr, tokens_per_s)``, ``eval(step, loss, best)`` and
``message(text)``. It prints nothing when ``enabled`` is false (ranks other than 0).
The rich bar is used only when the stream is a TTY; otherwise one line every ``log_every``
steps: ``스텝 120/1000 | loss 2.3456 | lr 3.00e-04 | 1,234 tok/s | 남은 시간 2m10s``;
held-out results: ``검증 (스텝 120): loss 2.1000 (최고 2.0500)``.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


def format_eta(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class Reporter:
    def __init__(
        self,
        total_steps: int,
        start_step: int = 0,
        enabled: bool = True,
        log_every: int = 10,
        stream: TextIO | None = None,
    ) -> None:
        self.total = total_steps
        self.start_step = start_step
        self.enabled = enabled
        self.log_every = max(1, log_every)
        self.stream = stream or sys.stderr
        self.fancy = enabled and bool(getattr(self.stream, "isatty", lambda: False)())
        self._progress: Any = None
        self._task: Any = None
        self._t0 = time.perf_counter()

    def __enter__(self) -> Reporter:
        self._t0 = time.perf_counter()
        if self.fancy:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            console = Console(file=self.stream)
            self._progress = Progress(
                TextColumn("[bold]학습[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("loss {task.fields[loss]}"),
                TextColumn("{task.fields[tps]} tok/s"),
                TimeElapsedColumn(),
                TextColumn("남은 시간"),
                TimeRemainingColumn(),
                console=console,
                transient=False,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task(
                "train", total=self.total, completed=self.start_step, loss="-", tps="-"
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(None, None, None)
            self._progress = None

    def _eta(self, step: int) -> float:
        done = step - self.start_step
        if done <= 0:
            return 0.0
        return (time.perf_counter() - self._t0) / done * (self.total - step)

    def step(self, step: int, loss: float, lr: float, tokens_per_s: float) -> None:
        if not self.enabled:
            return
        if self._progress is not None:
            self._progress.update(
                self._task, completed=step, loss=f"{loss:.4f}", tps=f"{tokens_per_s:,.0f}"
            )
            return
        if step % self.log_every == 0 or step == self.total:
            self._print(
                f"스텝 {step}/{self.total} | loss {loss:.4f} | lr {lr:.2e} | "
                f"{tokens_per_s:,.0f} tok/s | 남은 시간 {format_eta(self._eta(step))}"
            )

    def eval(self, step: int, loss: float, best: float | None) -> None:
        if self.enabled:
            best_text = f" (최고 {best:.4f})" if best is not None else ""
            self._print(f"검증 (스텝 {step}): loss {loss:.4f}{best_text}")

    def message(self, text: str) -> None:
        if self.enabled:
            self._print(text)

    def _print(self, text: str) -> None:
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream, flush=True)
