"""A small JSON-over-HTTP(S) client on the standard library, with honest failures.

Shared by the plugins that call web APIs (weather, stocks): each builds an
:class:`HttpClient` with its own :class:`HttpSettings` (``name`` for the log and
the User-Agent, ``server`` for the Korean messages: "날씨 서버", "시세 서버").

- separate connect and read timeouts, plus an overall deadline shared by every
  request of one answer (the handler runs synchronously in ``assistant ask``);
- one retry (configurable) with backoff on transient failures: timeouts,
  refused/reset connections, a truncated body, HTTP 5xx and 429;
- a User-Agent header, URL-encoded query parameters, a size limit on bodies.

Every failure is a :class:`FetchError` whose ``kind`` says what went wrong and
whose :meth:`FetchError.korean` explains it in plain Korean.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

from assistant import __version__
from assistant.korean import josa

MAX_BODY_BYTES = 4 * 1024 * 1024


class FetchError(Exception):
    """A request that did not give usable JSON.

    ``kind``: ``dns`` | ``connect`` | ``timeout`` | ``http`` | ``bad_response`` | ``config``.
    ``server``: what the Korean messages call the server ("날씨 서버"); the client
    that raised the error sets it (:meth:`HttpClient.error` for providers' own checks).
    """

    def __init__(
        self, kind: str, detail: str, status: int | None = None, *, server: str = "서버"
    ) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail
        self.status = status
        self.server = server

    @property
    def transient(self) -> bool:
        if self.kind in ("timeout", "connect"):
            return True
        if self.kind == "http":
            return self.status is not None and (self.status >= 500 or self.status == 429)
        return self.kind == "bad_response" and self.detail.startswith("truncated")

    def because(self) -> str:
        """The failure as a Korean "because" clause ("날씨 서버에 연결하지 못해서")."""
        if self.kind == "dns":
            return f"{self.server} 주소를 찾지 못해서"
        if self.kind == "connect":
            return f"{self.server}에 연결하지 못해서"
        if self.kind == "timeout":
            return f"{josa(self.server, '이/가')} 제때 응답하지 않아서"
        if (
            self.kind == "http"
            and self.status is not None
            and (self.status >= 500 or self.status == 429)
        ):
            return f"{self.server}에 문제가 생겨서(HTTP {self.status})"
        if self.kind == "http":
            return f"{josa(self.server, '이/가')} 요청을 받아 주지 않아서(HTTP {self.status})"
        if self.kind == "config":
            return f"{self.server} 주소 설정이 잘못돼서"
        return f"{self.server}의 응답이 깨져 있어서"

    def korean(self) -> str:
        """What went wrong, in plain Korean, for the user."""
        if self.kind == "dns":
            return f"{self.server} 주소를 찾지 못했어요. 인터넷 연결(DNS)을 확인해 주세요."
        if self.kind == "connect":
            return f"{self.server}에 연결하지 못했어요. 인터넷 연결을 확인해 주세요."
        if self.kind == "timeout":
            return (
                f"{josa(self.server, '이/가')} 제때 응답하지 않았어요. 잠시 후 다시 물어봐 주세요."
            )
        if self.kind == "http" and self.status == 429:
            return f"{self.server}에 요청이 너무 많대요(HTTP 429). 잠시 후 다시 물어봐 주세요."
        if self.kind == "http" and self.status is not None and self.status >= 500:
            return (
                f"{self.server}에 문제가 생겼어요(HTTP {self.status}). 잠시 후 다시 물어봐 주세요."
            )
        if self.kind == "http":
            return f"{josa(self.server, '이/가')} 요청을 받아 주지 않았어요(HTTP {self.status}). 설정의 주소를 확인해 주세요."
        if self.kind == "config":
            return f"{self.server} 주소 설정이 잘못됐어요({self.detail})."
        return f"{self.server}의 응답이 깨져 있어서 읽지 못했어요. 잠시 후 다시 물어봐 주세요."


@dataclass
class HttpSettings:
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    retries: int = 1
    retry_backoff: float = 0.5
    total_timeout: float = 12.0
    #: short id for the log ("assistant.NAME"), the DNS thread and the User-Agent
    name: str = "http"
    #: the server as Korean messages call it ("날씨 서버", "시세 서버")
    server: str = "서버"
    #: "" = "irang-assistant/VERSION (NAME plugin)"
    user_agent: str = ""


def http_settings(config: Mapping[str, Any], *, name: str, server: str) -> HttpSettings:
    """:class:`HttpSettings` from a plugin's settings (``connect_timeout``, ``read_timeout``,
    ``retries``, ``retry_backoff``, ``total_timeout``; the defaults where absent)."""
    d = HttpSettings()
    return HttpSettings(
        connect_timeout=float(config.get("connect_timeout", d.connect_timeout)),
        read_timeout=float(config.get("read_timeout", d.read_timeout)),
        retries=max(0, int(config.get("retries", d.retries))),
        retry_backoff=float(config.get("retry_backoff", d.retry_backoff)),
        total_timeout=float(config.get("total_timeout", d.total_timeout)),
        name=name,
        server=server,
    )


class Deadline:
    """The time budget of one answer, shared by all its requests."""

    def __init__(self, seconds: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self.end = monotonic() + max(0.0, seconds)

    def remaining(self) -> float:
        return self.end - self._monotonic()


class HttpClient:
    """GET JSON with timeouts, retries and a deadline (see the module docstring)."""

    def __init__(self, settings: HttpSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self.deadline = Deadline(settings.total_timeout)
        self.log = logging.getLogger(f"assistant.{settings.name}")
        self.user_agent = (
            settings.user_agent or f"irang-assistant/{__version__} ({settings.name} plugin)"
        )

    def error(self, kind: str, detail: str, status: int | None = None) -> FetchError:
        """A :class:`FetchError` worded for this client's server (for a provider's own checks)."""
        return FetchError(kind, detail, status, server=self.settings.server)

    def new_deadline(self) -> None:
        """Start the time budget of a new answer."""
        self.deadline = Deadline(self.settings.total_timeout)

    def get_json(self, url: str, params: Mapping[str, Any]) -> Any:
        """GET ``url`` with URL-encoded ``params``; the decoded JSON or :class:`FetchError`."""
        query = urlencode([(k, _param(v)) for k, v in params.items() if v is not None])
        full = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
        s = self.settings
        attempt = 0
        while True:
            try:
                return self._once(full)
            except FetchError as exc:
                exc.server = s.server
                self.log.warning(
                    "%s request %s failed (attempt %d): %s", s.name, full, attempt + 1, exc
                )
                if not exc.transient or attempt >= s.retries:
                    raise
                pause = s.retry_backoff * (2**attempt)
                if self.deadline.remaining() < pause + 0.2:
                    raise
                self._sleep(pause)
                attempt += 1

    def _once(self, full: str) -> Any:
        s = self.settings
        try:
            parts = urlsplit(full)
            port = parts.port
        except ValueError as exc:  # "http://host:abc"
            raise FetchError("config", full.split("?")[0]) from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError("config", full.split("?")[0])
        remaining = self.deadline.remaining()
        if remaining <= 0.05:
            raise FetchError("timeout", "no time left for this answer")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn: http.client.HTTPConnection
        connect_timeout = min(s.connect_timeout, remaining)
        headers = {
            "User-Agent": self.user_agent,
            "Accept": "application/json",
            "Accept-Encoding": "identity",
        }
        proxy = proxy_for(parts.scheme, parts.hostname)
        if proxy is not None:
            proxy_host, proxy_port, proxy_auth = proxy
            if parts.scheme == "https":  # CONNECT tunnel through the proxy
                conn = http.client.HTTPSConnection(
                    proxy_host,
                    proxy_port,
                    timeout=connect_timeout,
                    context=ssl.create_default_context(),
                )
                conn.set_tunnel(parts.hostname, port, headers=proxy_auth)
            else:  # plain HTTP: the proxy gets the absolute URL
                conn = http.client.HTTPConnection(proxy_host, proxy_port, timeout=connect_timeout)
                target = full
                headers.update(proxy_auth)
        elif parts.scheme == "https":
            conn = http.client.HTTPSConnection(
                parts.hostname, port, timeout=connect_timeout, context=ssl.create_default_context()
            )
        else:
            conn = http.client.HTTPConnection(parts.hostname, port, timeout=connect_timeout)
        try:
            try:
                # Name resolution has no timeout of its own: bound it, then connect to
                # the addresses found (TLS still checks the host name).
                addresses = resolve(
                    conn.host, conn.port, min(s.connect_timeout, remaining), f"{s.name}-dns"
                )
                conn._create_connection = partial(_connect_any, addresses)  # noqa: SLF001
                conn.connect()
            except socket.gaierror as exc:
                raise FetchError("dns", f"{parts.hostname}: {exc}") from exc
            except TimeoutError as exc:
                raise FetchError("timeout", f"connect to {parts.hostname}: {exc}") from exc
            except ssl.SSLError as exc:
                raise FetchError("connect", f"TLS with {parts.hostname}: {exc}") from exc
            except OSError as exc:
                raise FetchError("connect", f"{parts.hostname}:{port}: {exc}") from exc
            read_deadline = Deadline(min(s.read_timeout, self.deadline.remaining()))
            try:
                sock = conn.sock
                assert sock is not None
                sock.settimeout(max(0.05, read_deadline.remaining()))
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                body = _read_body(response, sock, read_deadline)
            except TimeoutError as exc:
                raise FetchError("timeout", f"reading from {parts.hostname}: {exc}") from exc
            except http.client.IncompleteRead as exc:
                raise FetchError("bad_response", f"truncated body ({exc})") from exc
            except (http.client.HTTPException, OSError) as exc:
                raise FetchError(
                    "connect", f"{parts.hostname}: {type(exc).__name__}: {exc}"
                ) from exc
        finally:
            conn.close()
        if not 200 <= response.status < 300:
            raise FetchError("http", f"HTTP {response.status} {response.reason}", response.status)
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FetchError("bad_response", f"not JSON: {exc}") from exc


def _read_body(
    response: http.client.HTTPResponse, sock: socket.socket, deadline: Deadline
) -> bytes:
    """Read the body in chunks, giving up at the read deadline or the size limit."""
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline.remaining()
        if left <= 0:
            raise TimeoutError("read deadline passed")
        sock.settimeout(max(0.05, left))
        chunk = response.read1(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise FetchError("bad_response", f"body larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    expected = response.getheader("Content-Length")
    if expected and expected.isdigit() and int(expected) > size:
        raise http.client.IncompleteRead(b"".join(chunks), int(expected) - size)
    return b"".join(chunks)


def resolve(host: str, port: int, timeout: float, thread_name: str = "http-dns") -> list[tuple]:
    """``socket.getaddrinfo`` for a TCP connection, giving up after ``timeout`` seconds.

    Raises :class:`FetchError` (``dns``) when the name can't be resolved in time.
    """
    found: dict[str, Any] = {}

    def work() -> None:
        try:
            found["addresses"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            found["error"] = exc

    worker = threading.Thread(target=work, name=thread_name, daemon=True)
    worker.start()
    worker.join(max(0.05, timeout))
    if worker.is_alive():
        raise FetchError("dns", f"resolving {host} took longer than {timeout:.1f} s")
    if "error" in found:
        raise FetchError("dns", f"{host}: {found['error']}") from found["error"]
    if not found.get("addresses"):
        raise FetchError("dns", f"{host}: no address")
    return found["addresses"]


def _connect_any(
    addresses: list[tuple], address: tuple, timeout: float | None = None, source_address=None
):
    """Stand-in for ``socket.create_connection`` that uses addresses resolved beforehand."""
    last: OSError | None = None
    for family, kind, proto, _, sockaddr in addresses:
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            last = exc
            sock.close()
    raise last or OSError(f"cannot connect to {address}")


_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def proxy_for(scheme: str, host: str) -> tuple[str, int, dict[str, str]] | None:
    """``(host, port, auth headers)`` of the proxy to use (``https_proxy`` etc.), or None.

    Follows the usual environment variables like urllib does (``no_proxy``
    included); loopback addresses never go through a proxy.
    """
    if host in _LOOPBACK:
        return None
    proxies = urllib.request.getproxies()
    url = proxies.get(scheme)
    if not url or urllib.request.proxy_bypass(host):
        return None
    if "://" not in url:
        url = "http://" + url
    p = urlsplit(url)
    if not p.hostname:
        return None
    auth: dict[str, str] = {}
    if p.username:
        token = base64.b64encode(
            f"{unquote(p.username)}:{unquote(p.password or '')}".encode()
        ).decode()
        auth["Proxy-Authorization"] = f"Basic {token}"
    return p.hostname, p.port or 80, auth


def _param(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)
