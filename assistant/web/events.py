"""Fan-out of notifications to every open page (server-sent events).

Timers fire on the scheduler's thread; :meth:`EventHub.publish` may be called
from any thread and hands the event to each subscriber's queue on the event
loop. A subscriber that does not keep up loses its oldest events, never blocks
the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from typing import Any

QUEUE_SIZE = 100
_CLOSED: dict[str, Any] = {}


class EventHub:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self._ids = itertools.count(1)
        self.closed = False

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    @property
    def subscribers(self) -> int:
        return len(self._queues)

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        """Send ``data`` as event ``kind`` to every subscriber; safe from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        event = {"id": next(self._ids), "event": kind, "data": data}
        with contextlib.suppress(RuntimeError):  # the loop is shutting down
            loop.call_soon_threadsafe(self._deliver, event)

    def _deliver(self, event: dict[str, Any]) -> None:
        if self.closed and event is not _CLOSED:
            return
        for queue in list(self._queues):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(event)

    def close(self) -> None:
        """End every stream (server shutdown). Call on the event loop."""
        self.closed = True
        self._deliver(_CLOSED)

    async def stream(self) -> AsyncIterator[dict[str, Any]]:
        """Events for one subscriber until the server closes (or the client goes away)."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield {"id": 0, "event": "hello", "data": {"subscribers": len(self._queues)}}
            while not self.closed:
                event = await queue.get()
                if event is _CLOSED:
                    return
                yield event
        finally:
            self._queues.discard(queue)
