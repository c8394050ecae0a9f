"""One conversation per browser tab, and the worker pools that run their turns.

Each tab sends its own session id (``X-Session-Id``); its conversation is an
:meth:`Assistant.new_conversation` of the server's assistant: same plugins, log
and timers, its own context and pending question. A conversation runs one turn
at a time (an ``asyncio.Lock``, so waiting costs no thread).

Turns run in two thread pools: small-talk turns (model calls) in ``chat``,
everything else (commands, follow-up answers, slash commands) in ``commands``.
A slow chat turn therefore never holds up a timer, the event stream (both on
other threads / the event loop) or another tab's command turn.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assistant.engine import Assistant, Route
from assistant.router import SMALLTALK

T = TypeVar("T")
SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
DEFAULT_SESSION = "api"  # requests without a session id (curl, scripts) share this one


@dataclass
class Conversation:
    assistant: Assistant
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_used: float = field(default_factory=time.monotonic)


class Conversations:
    """The conversations of the open tabs, least recently used forgotten beyond ``limit``."""

    def __init__(self, base: Assistant, limit: int = 200) -> None:
        self.base = base
        self.limit = max(1, limit)
        self._items: OrderedDict[str, Conversation] = OrderedDict()

    def get(self, session: str | None) -> Conversation:
        key = session if session and SESSION_RE.match(session) else DEFAULT_SESSION
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = Conversation(self.base.new_conversation())
            self._evict()
        self._items.move_to_end(key)
        found.last_used = time.monotonic()
        return found

    def _evict(self) -> None:
        for key in list(self._items):
            if len(self._items) <= self.limit:
                return
            if not self._items[key].lock.locked():
                del self._items[key]

    def __len__(self) -> int:
        return len(self._items)


class TurnPools:
    """The ``commands`` and ``chat`` thread pools."""

    def __init__(self, chat_workers: int = 2, command_workers: int = 4) -> None:
        self.commands = ThreadPoolExecutor(max(1, command_workers), thread_name_prefix="web-cmd")
        self.chat = ThreadPoolExecutor(max(1, chat_workers), thread_name_prefix="web-chat")

    async def run(self, pool: ThreadPoolExecutor, function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(pool, function, *args)

    def pool_for(self, assistant: Assistant, route: Route) -> ThreadPoolExecutor:
        """Small talk (a model call) goes to ``chat``; commands and follow-ups to ``commands``."""
        is_chat = route.error is None and route.intent == SMALLTALK and assistant.pending is None
        return self.chat if is_chat else self.commands

    def close(self) -> None:
        self.commands.shutdown(wait=False, cancel_futures=True)
        self.chat.shutdown(wait=False, cancel_futures=True)
