"""Ctrl-C and SIGTERM during training: stop after the current optimizer step.

Public API::

    StopFlag()          # context manager installing SIGINT/SIGTERM handlers (main thread)
        flag.requested  # True once a signal arrived

The first signal only sets ``requested`` (the loop checks it between optimizer steps, saves
a checkpoint and returns); a second one more than ``REPEAT_GRACE_S`` seconds later raises
``KeyboardInterrupt`` at once. The previous handlers are restored on exit. Off the main
thread no handler can be installed and the flag stays unset.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

log = logging.getLogger("assistant.training")


class StopFlag:
    """SIGINT/SIGTERM set a flag (checked between optimizer steps); a second one aborts.

    SIGTERM is handled too because torchrun (and schedulers) stop workers with it.
    """

    SIGNALS = tuple(s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None)

    # torchrun forwards the terminal's Ctrl-C to workers that already got it from the
    # terminal: a repeat this soon after the first signal is the same request.
    REPEAT_GRACE_S = 2.0

    def __init__(self) -> None:
        self.requested = False
        self._first_at = 0.0
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopFlag:
        for sig in self.SIGNALS:
            try:
                self._previous[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: no signal handling
                break
        return self

    def _handle(self, signum: int, frame: Any) -> None:
        now = time.monotonic()
        if self.requested:
            if now - self._first_at > self.REPEAT_GRACE_S:
                raise KeyboardInterrupt
            return
        self.requested = True
        self._first_at = now
        log.info("signal %d: stopping after this optimizer step", signum)

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
