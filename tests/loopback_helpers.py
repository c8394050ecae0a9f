"""A real HTTP server on 127.0.0.1 for tests of plugins that call web APIs (weather, stocks).

Subclass :class:`LoopbackServer` and implement ``handle(h)`` (``h`` is the
``BaseHTTPRequestHandler`` of one GET); use it as a context manager. ``release``
is set at shutdown so that deliberately slow handlers stop waiting.
"""

from __future__ import annotations

import socket
import sys
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class QuietServer(ThreadingHTTPServer):
    """A client that gave up (timeout test) makes the late reply fail: that is expected."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Serves GET requests on a free 127.0.0.1 port in a background thread.

    ``plugin`` names the plugin whose settings :meth:`overrides` points here;
    :meth:`urls` gives the URL settings of this server.
    """

    plugin = ""

    def __init__(self) -> None:
        self.release = threading.Event()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                server.handle(self)

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    def urls(self) -> dict[str, str]:
        raise NotImplementedError

    def settings(self, **over) -> dict:
        """``plugins.<plugin>`` settings pointing at this server, with short timeouts."""
        base = {
            **self.urls(),
            "connect_timeout": 1,
            "read_timeout": 1,
            "retry_backoff": 0.05,
            "total_timeout": 4,
        }
        base.update(over)
        return base

    def overrides(self, **over) -> dict:
        return {"plugins": {self.plugin: self.settings(**over)}}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)

    @staticmethod
    def send(
        h: BaseHTTPRequestHandler, status: int, data: bytes, ctype: str = "application/json"
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    @staticmethod
    def send_truncated(h: BaseHTTPRequestHandler, data: bytes) -> None:
        """Promise the whole body, send half, close: the client sees a short read."""
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(data[: len(data) // 2])
        h.wfile.flush()
        h.close_connection = True


def closed_port() -> int:
    """A 127.0.0.1 port nothing listens on (connections are refused)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Clock:
    """A settable clock for ``make_assistant(clock=...)``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now = self.now + timedelta(**delta)
