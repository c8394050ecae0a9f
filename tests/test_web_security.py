"""Access rules of the web API (token, origin, host, rate limit, headers), on real servers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.web.security import access_for
from web_helpers import EventReader, WebServer, write_config

STATIC = Path(__file__).resolve().parent.parent / "assistant" / "web" / "static"
TOKEN = "test-token-0123456789"


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """Loopback, no token (the default)."""
    base = tmp_path_factory.mktemp("web-open")
    server = WebServer(base / "home", write_config(base / "config", rate_per_minute=5))
    yield server
    assert server.stop()[0] == 0


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    base = tmp_path_factory.mktemp("web-token")
    server = WebServer(base / "home", write_config(base / "config"), "--token", TOKEN)
    yield server
    assert server.stop()[0] == 0


def test_a_token_is_generated_for_any_address_but_loopback() -> None:
    assert access_for("127.0.0.1", None).token is None
    assert access_for("::1", None).token is None
    assert access_for("localhost", None).token is None
    generated = access_for("0.0.0.0", None)
    assert generated.token and len(generated.token) >= 24 and not generated.loopback_only
    assert access_for("192.168.0.10", None).token != generated.token
    assert access_for("0.0.0.0", "mine-12345").token == "mine-12345"
    assert access_for("127.0.0.1", "mine-12345").token == "mine-12345"


def test_without_the_token_every_api_call_and_the_stream_get_401(token_server: WebServer) -> None:
    for method, path, body in [
        ("GET", "/api/status", None),
        ("GET", "/api/timers", None),
        ("GET", "/api/history?n=1", None),
        ("GET", "/api/help", None),
        ("POST", "/api/ask", {"text": "5분 타이머"}),
        ("POST", "/api/command", {"text": "/reset"}),
    ]:
        status, headers, data = token_server.request(method, path, body)
        assert status == 401, path
        assert "토큰" in data["error"] and headers["www-authenticate"] == "Bearer"
        wrong = token_server.request(method, path, body, headers={"Authorization": "Bearer nope"})
        assert wrong[0] == 401, path
    assert EventReader(token_server).status == 401
    # nothing was done: no timer was set
    ok = token_server.request("GET", "/api/timers", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok[0] == 200 and ok[2]["timers"] == []


def test_the_bearer_token_or_the_cookie_from_the_printed_url_opens_the_api(
    token_server: WebServer,
) -> None:
    assert any(f"?token={TOKEN}" in line for line in token_server.output)
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert token_server.request("GET", "/api/status", headers=bearer)[0] == 200
    status, headers, _ = token_server.request("GET", f"/?token={TOKEN}")
    assert status == 303 and headers["location"] == "/"
    cookie = headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    jar = {"Cookie": cookie.split(";", 1)[0]}
    status, _, data = token_server.request(
        "POST", "/api/ask", {"text": "지금 몇 시야"}, headers=jar
    )
    assert status == 200 and data["plugin"] == "clock"
    stream = EventReader(token_server, headers=jar)
    try:
        assert stream.status == 200 and stream.next("hello")
    finally:
        stream.close()
    assert token_server.request("GET", "/?token=wrong-token")[0] == 401


def test_foreign_origins_and_hosts_are_refused(open_server: WebServer) -> None:
    own = f"http://{open_server.host}:{open_server.port}"
    good = open_server.request("GET", "/api/help", headers={"Origin": own})
    assert good[0] == 200
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": f"http://{open_server.host}:{open_server.port + 1}"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        status, _, data = open_server.request(
            "POST", "/api/ask", {"text": "5분 타이머"}, headers=headers, source="127.0.0.3"
        )
        assert status == 403 and "받지 않아요" in data["error"], headers
    # DNS rebinding: a page on evil.example resolved to 127.0.0.1 sends Host: evil.example
    status, _, data = open_server.request(
        "GET", "/api/help", headers={"Host": f"evil.example:{open_server.port}"}
    )
    assert status == 403 and "localhost" in data["error"]


def test_post_is_json_only_and_get_changes_nothing(open_server: WebServer) -> None:
    status, _, data = open_server.request(
        "POST",
        "/api/ask",
        raw=b"text=hi",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        source="127.0.0.4",
    )
    assert status == 415 and "JSON" in data["error"]
    status, _, data = open_server.request(
        "POST",
        "/api/ask",
        raw=b'{"text": "hi"}',
        headers={"Content-Type": "text/plain"},
        source="127.0.0.4",
    )
    assert status == 415
    assert open_server.request("GET", "/api/ask?text=5%EB%B6%84", source="127.0.0.4")[0] == 405
    assert open_server.request("GET", "/api/command?text=/reset", source="127.0.0.4")[0] == 405


def test_every_response_forbids_inline_and_foreign_scripts(open_server: WebServer) -> None:
    for path in ("/", "/static/app.js", "/api/help", "/nothing-here"):
        status, headers, _ = open_server.request("GET", path, source="127.0.0.5")
        csp = headers["content-security-policy"]
        script = re.search(r"script-src ([^;]+)", csp).group(1)
        assert script.strip() == "'self'", path
        assert "unsafe-inline" not in csp and "default-src 'self'" in csp
        assert headers["x-content-type-options"] == "nosniff"
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []  # no inline script
    assert not re.search(r"\son[a-z]+\s*=", page)  # no inline handlers
    assert not re.search(r"https?://", page.replace("http://www.w3.org", ""))  # nothing foreign


def test_the_page_never_renders_text_as_html() -> None:
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script, sink


def test_each_client_is_rate_limited(open_server: WebServer) -> None:
    statuses = [open_server.request("GET", "/api/help", source="127.0.0.2")[0] for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    status, headers, data = open_server.request("GET", "/api/help", source="127.0.0.2")
    assert status == 429 and "잦아요" in data["error"] and "retry-after" in headers
    # another client is not affected
    assert open_server.request("GET", "/api/help", source="127.0.0.6")[0] == 200
