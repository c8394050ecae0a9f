"""The wrapper every timers handler runs in: its service, store errors as Korean replies, notices."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from assistant.store import StoreError
from assistant.types import Reply, Request

from .service import TimerService, service_for
from .store import StoreBroken

log = logging.getLogger("assistant.timers")

Handler = Callable[[Request], Reply]


def guarded(handler: Callable[[Request, TimerService], Reply | str]) -> Handler:
    """Give the handler its service; StoreError -> Korean reply; prepend one-time notices."""

    @functools.wraps(handler)
    def run(request: Request) -> Reply:
        service = service_for(request.app)
        try:
            result = handler(request, service)
        except StoreError as exc:
            log.warning("timers: %s", exc)
            if isinstance(exc, StoreBroken):
                service.reopen()  # the next request reconnects (a corrupt file is moved aside)
            result = Reply(str(exc), data={"error": "store"})
        reply = result if isinstance(result, Reply) else Reply(result)
        notice = service.take_notice()
        if notice:
            reply.text = f"{notice}\n{reply.text}"
        return reply

    return run
