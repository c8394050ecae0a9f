"""Who may use the web API: token, origin and host checks, a rate limit, security headers.

- Bound to a loopback address without ``--token``, no token is needed; the
  ``Host`` header must then name a loopback host (a DNS-rebinding page can't
  reach the API). Bound to any other address, a token is required (given or
  generated): ``Authorization: Bearer TOKEN`` or the cookie set by opening
  ``/?token=TOKEN``. Without it: 401.
- A request whose ``Origin`` is not the page's own is refused (403), as is a
  browser request marked cross-site (``Sec-Fetch-Site``).
- POST bodies must be JSON (415 otherwise); GET never changes state.
- Each client (IP address) has a token bucket of ``rate_limit_per_minute``.
- Every response carries a Content-Security-Policy: scripts and styles only
  from this server, nothing inline (``/docs`` alone allows Swagger UI's inline
  start-up script).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time
from dataclasses import dataclass

COOKIE = "irang_token"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """``Host`` header without the port ("[::1]:8765" -> "::1", "a:80" -> "a")."""
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


@dataclass
class Access:
    """The access rules of one server."""

    token: str | None
    loopback_only: bool  # bound to loopback: the Host header must be a loopback name

    def token_ok(self, authorization: str | None, cookie: str | None) -> bool:
        if self.token is None:
            return True
        offered = []
        if authorization and authorization.lower().startswith("bearer "):
            offered.append(authorization[7:].strip())
        if cookie:
            offered.append(cookie)
        return any(hmac.compare_digest(o.encode(), self.token.encode()) for o in offered)

    def host_ok(self, host_header: str | None) -> bool:
        if not self.loopback_only:
            return True
        return bool(host_header) and is_loopback(host_name(host_header or ""))

    @staticmethod
    def origin_ok(origin: str | None, host_header: str | None, scheme: str) -> bool:
        """No ``Origin`` (same-origin GET, curl) or exactly this page's own origin."""
        if origin is None:
            return True
        return bool(host_header) and origin == f"{scheme}://{host_header}"


def access_for(host: str, token: str | None) -> Access:
    """The rules for a server bound to ``host``: a token is generated when the address is
    not loopback and none was given; an explicit token is required on any address."""
    loopback = is_loopback(host)
    if token is None and not loopback:
        token = secrets.token_urlsafe(24)
    return Access(token=token, loopback_only=loopback)


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.capacity = float(max(1, per_minute))
        self.rate = self.capacity / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            if len(self._buckets) > 10_000:  # forget the fullest (idle) buckets
                for key, (t, _) in list(self._buckets.items()):
                    if t >= self.capacity - 1:
                        del self._buckets[key]
            return allowed
