"""The FastAPI application and ``serve`` (what ``assistant web`` runs).

Everything the page shows comes from the same engine and plugins as the
terminal: turns from :meth:`Assistant.respond`, presentation from
:mod:`assistant.frontend`, timers from the timers plugin's ``/timers`` command,
help from :func:`assistant.frontend.help_data`. See docs/web.md for the API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import threading
import webbrowser
from collections.abc import AsyncIterator
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field

from assistant import frontend
from assistant.router import SMALLTALK
from assistant.web.events import EventHub
from assistant.web.security import (
    COOKIE,
    DOCS_CSP,
    HEADERS,
    PAGE_CSP,
    Access,
    RateLimiter,
    access_for,
)
from assistant.web.sessions import Conversations, TurnPools

if TYPE_CHECKING:
    from assistant.cli import Runtime
    from assistant.types import Notification

log = logging.getLogger("assistant.web")

STATIC = Path(str(files("assistant.web") / "static"))
MAX_BODY = 64 * 1024  # bytes; the utterance limit itself is max_utterance_chars (as in the CLI)
SESSION_HEADER = "x-session-id"

E_SERVER = "죄송해요, 서버에서 문제가 생겼어요. 잠시 후 다시 시도해 주세요."
E_TOKEN = "접근 토큰이 필요해요. 서버를 시작할 때 출력된 주소(…/?token=…)로 열어 주세요."
E_ORIGIN = "다른 사이트에서 온 요청은 받지 않아요."
E_HOST = "이 서버는 이 컴퓨터(localhost)의 주소로만 열 수 있어요."
E_RATE = "요청이 너무 잦아요. 잠시 후 다시 시도해 주세요."
E_JSON = "요청은 JSON으로 보내 주세요 (Content-Type: application/json)."
E_BODY = "요청이 너무 커요. 말씀을 나눠서 보내 주세요."
E_LENGTH = "요청 길이(Content-Length)를 알려 주세요."
E_FORMAT = '요청 형식이 맞지 않아요. {"text": "말씀"} 형태의 JSON을 보내 주세요.'
E_NO_TIMERS = "타이머 플러그인이 꺼져 있어요."


class AskBody(BaseModel):
    text: str = Field(description="What the user said (same limit as the CLI: max_utterance_chars)")


class CommandBody(BaseModel):
    text: str = Field(description='A slash command as typed, e.g. "/timers" or "/reset"')


def _plain(payload: dict[str, Any]) -> dict[str, Any]:
    """JSON-safe as in ``assistant ask --json`` (a plugin's odd value becomes its str)."""
    return json.loads(json.dumps(payload, ensure_ascii=False, default=str))


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def create_app(runtime: Runtime, access: Access) -> FastAPI:
    """The web application around ``runtime``'s assistant (started and stopped by its lifespan)."""
    assistant = runtime.assistant
    web_cfg = runtime.config.get("web") or {}
    hub = EventHub()
    conversations = Conversations(assistant, int(web_cfg.get("max_sessions") or 200))
    pools = TurnPools(chat_workers=int(web_cfg.get("chat_workers") or 2))
    limiter = RateLimiter(int(web_cfg.get("rate_limit_per_minute") or 120))

    def show(note: Notification) -> None:
        hub.publish("notification", frontend.notification_json(note))

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        hub.bind(asyncio.get_running_loop())
        assistant.startup()
        assistant.app.set_notifier(frontend.notification_sink(assistant, show))
        try:
            yield
        finally:
            hub.close()
            assistant.app.set_notifier(None)
            pools.close()
            assistant.shutdown()

    app = FastAPIOffline(
        title="이랑 web API",
        version=_version(),
        description="The same assistant as the terminal, for a browser. See docs/web.md.",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.hub = hub
    app.state.conversations = conversations

    # -- access rules, headers, errors (one middleware, in this order) ---------------------

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        response = await _checked(request, call_next)
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
        docs = request.url.path.startswith(("/docs", "/static-offline-docs"))
        response.headers["Content-Security-Policy"] = DOCS_CSP if docs else PAGE_CSP
        return response

    async def _checked(request: Request, call_next: Any) -> Response:
        host = request.headers.get("host")
        if not access.host_ok(host):
            return _error(403, E_HOST)
        origin = request.headers.get("origin")
        cross = request.headers.get("sec-fetch-site") == "cross-site"
        if cross or not access.origin_ok(origin, host, request.url.scheme):
            return _error(403, E_ORIGIN)
        path = request.url.path
        if path.startswith("/api/"):
            if not access.token_ok(
                request.headers.get("authorization"), request.cookies.get(COOKIE)
            ):
                return _error(401, E_TOKEN, **{"WWW-Authenticate": "Bearer"})
            client = request.client.host if request.client else "?"
            if path != "/api/events" and not limiter.allow(client):
                return _error(429, E_RATE, **{"Retry-After": "5"})
            if request.method == "POST":
                kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
                if kind != "application/json":
                    return _error(415, E_JSON)
                length = request.headers.get("content-length")
                if length is None or not length.isdigit():
                    return _error(411, E_LENGTH)
                if int(length) > MAX_BODY:
                    return _error(413, E_BODY)
        try:
            return await call_next(request)
        except Exception:
            log.exception("web request %s %s failed", request.method, path)
            return _error(500, E_SERVER)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, E_FORMAT)

    # -- the page ------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    async def page(request: Request, token: str | None = None) -> Response:
        if token is not None:
            if not access.token_ok(f"Bearer {token}", None):
                return _error(401, E_TOKEN)
            response = RedirectResponse("/", status_code=303)
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/")
            return response
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    # -- API -------------------------------------------------------------------------------

    def conversation(request: Request):
        return conversations.get(request.headers.get(SESSION_HEADER))

    @app.post("/api/ask", summary="One turn (the object `assistant ask --json` prints)")
    async def ask(body: AskBody, request: Request) -> dict[str, Any]:
        """Answer one utterance in this tab's conversation (header `X-Session-Id`).

        Returns `assistant ask --json`'s object (`text`, `intent`, `slots`, `reply`,
        `emotion`, `plugin`, `elapsed_ms`, `data` when the plugin gave any) plus
        `view` (how to present the reply) and `debug` (route details for the debug toggle).
        """
        conv = conversation(request)
        async with conv.lock:
            talk = conv.assistant
            route = await pools.run(pools.commands, talk.route, body.text)
            turn = await pools.run(pools.pool_for(talk, route), talk.respond, body.text)
        runtime.warn()
        if turn.plugin and turn.route.intent != SMALLTALK:
            # other tabs refresh what may have changed (e.g. their timer list)
            hub.publish("turn", {"plugin": turn.plugin, "intent": turn.route.intent})
        return _plain(frontend.turn_json(turn))

    @app.post("/api/command", summary="A slash command (/reset, /timers, /help, /plugins …)")
    async def command(body: CommandBody, request: Request) -> dict[str, Any]:
        """Run a slash command as the terminal does. `/debug` and `/quit` are the page's own."""
        name, _, argument = body.text.strip().lstrip("/").partition(" ")
        name = name.lower()
        conv = conversation(request)
        if name == "reset":
            async with conv.lock:
                conv.assistant.reset()
            return {"command": name, "reply": "대화 맥락을 지웠어요. 새로 이야기해요."}
        if name == "help":
            return {"command": name, "help": frontend.help_data(assistant)}
        if name == "plugins":
            return {"command": name, "plugins": frontend.plugin_infos(runtime.host)}
        if name in assistant.slash_commands:
            async with conv.lock:
                reply = await pools.run(
                    pools.commands, frontend.run_plugin_slash, conv.assistant, name, argument
                )
            if reply is None:
                return {"command": name, "reply": None}
            return _plain(
                {
                    "command": name,
                    "reply": reply.text,
                    "data": reply.data,
                    "view": frontend.reply_view(reply),
                }
            )
        return {
            "command": name,
            "reply": f"알 수 없는 명령이에요: /{name}. /help 를 입력해 보세요.",
            "unknown": True,
        }

    @app.get("/api/timers", summary="Running timers and alarms (`assistant timers --json`)")
    async def timers() -> dict[str, Any]:
        """The timers of every window and process (shared through the data directory)."""
        if "timers" not in assistant.slash_commands:
            return {"timers": [], "available": False, "reply": E_NO_TIMERS}
        reply = await pools.run(pools.commands, frontend.run_plugin_slash, assistant, "timers", "")
        found = (reply.data or {}).get("timers", []) if reply else []
        return {"timers": found, "available": True, "reply": reply.text if reply else ""}

    @app.get("/api/history", summary="The conversation log, oldest first")
    async def history(n: int = Query(50, ge=1, le=1000)) -> dict[str, Any]:
        """The last `n` turns of the log (`assistant history --json`); notifications have `text` ""."""
        store = assistant.history
        rows = await pools.run(pools.commands, store.recent, n) if store else []
        return {"turns": rows, "logging": store is not None}

    @app.get("/api/help", summary="What each plugin understands (the data of /help)")
    async def help_() -> dict[str, Any]:
        return frontend.help_data(assistant)

    @app.get("/api/status", summary="Name, version and limits the page needs")
    async def status() -> dict[str, Any]:
        return {
            "name": assistant.app.name,
            "greeting": frontend.greeting(assistant.app.name),
            "version": _version(),
            "max_chars": assistant.max_chars,
            "debug": bool((runtime.config.get("terminal") or {}).get("debug", False)),
            "slash": frontend.slash_names(assistant),
        }

    @app.get("/api/events", response_class=EventSourceResponse, summary="Notifications (SSE)")
    async def events() -> AsyncIterator[ServerSentEvent]:
        """Server-sent events: `notification` (a timer or alarm went off: `text`, `title`,
        `intent`, `plugin`) for every open page; `turn` (`plugin`, `intent`) after a command
        turn in any tab, so pages can refresh what it may have changed; `hello` on connect."""
        async for event in hub.stream():
            yield ServerSentEvent(data=event["data"], event=event["event"], id=str(event["id"]))

    return app


def _version() -> str:
    try:
        return metadata.version("irang-assistant")
    except metadata.PackageNotFoundError:
        return "0"


class _Server(uvicorn.Server):
    """uvicorn, printing the real URL once bound (``--port 0``) and ending event streams
    first on Ctrl-C, so shutdown never waits for open pages."""

    def __init__(self, config: uvicorn.Config, hub: EventHub, announce: Any) -> None:
        super().__init__(config)
        self.hub = hub
        self.announce = announce

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets)
        if not self.should_exit and self.servers:
            port = self.servers[0].sockets[0].getsockname()[1]
            self.announce(port)

    async def shutdown(self, sockets: Any = None) -> None:
        self.hub.close()
        await super().shutdown(sockets)


def serve(
    runtime: Runtime, host: str, port: int, token: str | None, open_browser: bool = False
) -> None:
    """Run the web page until Ctrl-C. Non-loopback addresses always need a token."""
    access = access_for(host, token)
    token, loopback = access.token, access.loopback_only
    app = create_app(runtime, access)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    shown_host = f"[{shown_host}]" if ":" in shown_host else shown_host

    def announce(bound_port: int) -> None:
        url = f"http://{shown_host}:{bound_port}/"
        print(f"이랑 웹 페이지: {url}", flush=True)
        if token is not None:
            url = f"{url}?token={token}"
            print(f"접근 토큰: {token}", flush=True)
            print(f"이 주소로 여세요 (토큰이 쿠키로 저장돼요): {url}", flush=True)
        if not loopback:
            print(
                "주의: 이 컴퓨터 밖에서도 접속할 수 있는 주소예요. 토큰을 아는 사람만 쓸 수 있어요.",
                flush=True,
            )
        print("끝내려면 Ctrl-C를 누르세요.", flush=True)
        if open_browser:
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,
        lifespan="on",
    )
    server = _Server(config, app.state.hub, announce)
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled
        pass
    except SystemExit:  # uvicorn could not start (it logged why, e.g. the port is taken)
        server.started = False
    if server.started:
        print("웹 서버를 멈췄어요. 타이머는 그대로 저장되어 있어요.", flush=True)
    else:
        print(
            f"웹 서버를 시작하지 못했어요 ({host}:{port}). 포트가 이미 쓰이고 있는지 확인해 주세요.",
            file=sys.stderr,
        )
        sys.exit(1)
