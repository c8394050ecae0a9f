"""A real ``assistant web`` process on 127.0.0.1 (a free port) and a small HTTP client.

The test configuration switches the model plugins off (no torch in the server) and
adds ``webtest.py``, a local plugin on the public hooks: a small-talk fallback that
takes ``SLOW_SECONDS`` for "천천히" (a slow model call, to show it blocks nothing),
an intent whose reply asks for an alert card (``data["card"] = "crisis"``), and an
intent whose handler raises.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conftest import ROOT, cli_env

SLOW_SECONDS = 3.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
START_TIMEOUT = 30.0

PLUGIN = f"""
import time
from datetime import datetime
from assistant import hookimpl
from assistant.types import Intent, Reply


def _crisis(request):
    return Reply(
        "지금 많이 힘드시군요. 혼자 견디지 않으셔도 돼요.",
        title="도움을 받을 수 있는 곳",
        data={{"card": "crisis", "resources": [{{"name": "자살예방상담전화", "phone": "109"}}]}},
    )


def _odd(request):
    return Reply("이상한 데이터예요.", data={{"when": datetime(2026, 1, 2, 3, 4), "tags": {{"a"}}}})


def _boom(request):
    raise RuntimeError("secret internal detail /home/user/.ssh")


@hookimpl
def register_intents(register):
    register(Intent("webtest.crisis", _crisis, patterns=["^긴급 테스트$"], keywords=["긴급"]))
    register(Intent("webtest.boom", _boom, patterns=["^폭탄 테스트$"], keywords=["폭탄"]))
    register(Intent("webtest.odd", _odd, patterns=["^이상한 데이터$"], keywords=["이상한"]))


@hookimpl
def fallback_reply(request):
    if "천천히" in request.text:
        time.sleep({SLOW_SECONDS})
        return "천천히 생각해 봤어요."
    return "네, 듣고 있어요: " + request.text
"""


def write_config(folder: Path, rate_per_minute: int = 1000, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "webtest.py").write_text(PLUGIN, encoding="utf-8")
    config = folder / "assistant.yaml"
    config.write_text(
        "plugin_paths: [webtest.py]\n"
        "plugins:\n"
        "  smalltalk: {enabled: false}\n"
        "  emotion: {enabled: false}\n"
        "  timers: {poll_seconds: 0.2}\n"
        "web:\n"
        f"  rate_limit_per_minute: {rate_per_minute}\n" + extra,
        encoding="utf-8",
    )
    return config


class WebServer:
    """``assistant --config CONFIG web --port 0 [ARGS]``; ``url`` once it listens."""

    def __init__(self, home: Path, config: Path, *args: str) -> None:
        self.home = home
        self.config = config
        self.env = cli_env(home)
        command = [sys.executable, "-m", "assistant", "--config", str(config), "web", "--port", "0"]
        self.proc = subprocess.Popen(
            [*command, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
            cwd=ROOT,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for("이랑 웹 페이지: ").split(": ", 1)[1].strip()
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            self.lines.put(line)

    def wait_for(self, prefix: str, timeout: float = START_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if line.startswith(prefix):
                return line
        err = self.proc.stderr.read() if self.proc.poll() is not None and self.proc.stderr else ""
        raise AssertionError(f"no line {prefix!r} from the server; output: {self.output} {err}")

    def stop(self, timeout: float = 15.0) -> tuple[int, str]:
        """Ctrl-C (SIGINT), as a user would; returns (exit code, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        err = self.proc.stderr.read() if self.proc.stderr else ""
        if self.proc.stdout:
            self.proc.stdout.close()
        if self.proc.stderr:
            self.proc.stderr.close()
        return code, err

    # -- HTTP ----------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        source: str | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, dict[str, str], Any]:
        """One request; returns (status, headers (lower-case), JSON or text)."""
        conn = http.client.HTTPConnection(
            self.host, self.port, timeout=timeout, source_address=(source, 0) if source else None
        )
        sent = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            sent.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            payload = response.read().decode("utf-8", errors="replace")
            got = {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()
        try:
            parsed: Any = json.loads(payload)
        except ValueError:
            parsed = payload
        return response.status, got, parsed

    def ask(self, text: str, session: str = "session-aaaa", **kw: Any) -> dict[str, Any]:
        status, _, data = self.request(
            "POST", "/api/ask", {"text": text}, headers={"X-Session-Id": session, **kw}
        )
        assert status == 200, (status, data)
        return data


class EventReader:
    """An open ``/api/events`` stream, read on a thread; ``events`` collects (event, data)."""

    def __init__(self, server: WebServer, headers: dict[str, str] | None = None) -> None:
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        self.conn.request("GET", "/api/events", headers=headers or {})
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data, buffer = "message", "", b""
        try:
            while chunk := self.response.read1(65536):  # what has arrived, without waiting for more
                buffer += chunk
                *lines, buffer = buffer.split(b"\n")
                for raw in lines:
                    line = raw.decode("utf-8").rstrip("\r")
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data += line[5:].strip()
                    elif not line and data:
                        self.events.put((event, json.loads(data)))
                        event, data = "message", ""
        except Exception:  # closed by the test or by the server: the stream is over
            pass
        self.events.put(("closed", None))

    def next(self, kind: str, timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event, data = self.events.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if event == kind:
                return data
            if event == "closed":
                raise AssertionError(f"the event stream closed before a {kind!r} event")
        raise AssertionError(f"no {kind!r} event within {timeout} s")

    def close(self) -> None:
        """Hang up (shutting the socket down first wakes the reading thread at once)."""
        sock = self.conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()


def run_cli(home: Path, config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "--config", str(config), *args],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def chromium_path() -> str:
    """Debian's chromium; a clear failure (never a silent skip) when it is missing."""
    path = CHROMIUM
    if not Path(path).exists():
        import pytest

        pytest.fail(
            f"Chromium not found at {path}: the browser tests need Debian's chromium "
            "(apt-get install -y chromium; .ci/run installs it when missing)."
        )
    return path
