"""One conversation turn: normalize, route, handle (or fall back), detect emotion, adjust, log."""

from __future__ import annotations

import copy
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timezone
from typing import Any

from assistant import text as textutil
from assistant.app import App
from assistant.plugins import PluginHost
from assistant.router import SMALLTALK, PatternError, Router
from assistant.store import History, StoreError
from assistant.types import (
    Emotion,
    HandlerResult,
    Intent,
    Notification,
    Reply,
    Request,
    SlashCommand,
)

log = logging.getLogger("assistant.engine")

APOLOGY = "죄송해요, '{plugin}' 기능에서 문제가 생겼어요. 잠시 후 다시 시도해 주세요."
NO_FALLBACK = (
    "죄송해요, 그 말씀에는 아직 답을 드리기 어려워요. '/help'로 제가 할 수 있는 일을 확인해 보세요."
)
EMPTY = "말씀을 듣지 못했어요. 무엇을 도와드릴까요?"
TOO_LONG = "말씀이 너무 길어요({length:,}자). {limit:,}자 이하로 나눠서 말씀해 주세요."


@dataclass
class Route:
    """Where an utterance goes, without running anything."""

    text: str
    normalized: str
    intent: str | None
    slots: dict[str, Any] = field(default_factory=dict)
    confidence: float = 0.0
    plugin: str | None = None
    raw_slots: dict[str, str] = field(default_factory=dict)
    slot_errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # set for input that is not routed at all (empty, too long)

    def as_json(self) -> dict[str, Any]:
        data = {
            "text": self.text,
            "normalized": self.normalized,
            "intent": self.intent,
            "slots": self.slots,
            "confidence": round(self.confidence, 3),
            "plugin": self.plugin,
        }
        if self.slot_errors:
            data["slot_errors"] = self.slot_errors
        if self.error:
            data["error"] = self.error
        return data


@dataclass
class Turn:
    route: Route
    reply: Reply
    plugin: str | None
    emotion: Emotion | None
    elapsed_ms: float

    def as_json(self) -> dict[str, Any]:
        data = {
            "text": self.route.text,
            "intent": self.route.intent,
            "slots": self.route.slots,
            "reply": self.reply.text,
            "emotion": self.emotion.as_json() if self.emotion else None,
            "plugin": self.plugin,
            "elapsed_ms": round(self.elapsed_ms, 1),
        }
        if self.reply.data:
            data["data"] = self.reply.data
        return data


@dataclass
class _Pending:
    intent: str
    plugin: str | None
    ask: Callable[[Request], HandlerResult | None]


class Assistant:
    """The dispatcher: owns the router, the conversation context and the log."""

    def __init__(self, app: App, host: PluginHost) -> None:
        self.app = app
        self.host = host
        app.host = host
        cfg = app.config
        self.max_chars = int(cfg.get("max_utterance_chars") or 2000)
        self.emotion_scope = str(cfg.get("emotion_scope") or SMALLTALK)
        self.router = Router(
            float((cfg.get("router") or {}).get("min_confidence", 0.5)),
            on_error=lambda plugin, exc: host.record_failure(plugin, "register_intents", exc),
        )
        app.router = self.router  # read-only use by plugins (e.g. a spoken "help" intent)
        self.context: deque[tuple[str, str]] = deque(maxlen=int(cfg.get("context_turns") or 10))
        self.pending: _Pending | None = None
        self.slash_commands: dict[str, tuple[str, SlashCommand]] = {}
        self._register()
        self._history: History | None = None
        self.warnings: list[str] = list(host.warnings)

    # -- setup -----------------------------------------------------------------

    def _register(self) -> None:
        for plugin, function, argnames in self.host.implementations("register_intents"):

            def register(intent: Intent, plugin: str = plugin) -> None:
                try:
                    self.router.add(intent, plugin)
                except PatternError as exc:
                    self.host.record_failure(plugin, "register_intents", exc)

            offered = {"register": register, "app": self.app}
            self.host.call_one(
                plugin, "register_intents", function, {a: offered[a] for a in argnames}
            )
        for plugin, function, _ in self.host.implementations("register_slash_commands"):

            def add(command: SlashCommand, plugin: str = plugin) -> None:
                self.slash_commands.setdefault(command.name.lstrip("/"), (plugin, command))

            self.host.call_one(plugin, "register_slash_commands", function, {"register": add})

    @property
    def history(self) -> History | None:
        """The conversation log, opened on first use (None when logging is off or unusable)."""
        if self._history is None and self.app.config.get("logging", True):
            try:
                self._history = History(self.app.data_dir / "history.db")
            except StoreError as exc:
                self.warnings.append(str(exc))
                self.app.config["logging"] = False
                return None
            if self._history.moved_aside:
                self.warnings.append(
                    f"대화 기록 파일이 손상되어 {self._history.moved_aside.name} 으로 옮겨 두고 새로 시작했어요."
                )
        return self._history

    def startup(self) -> None:
        self.host.call("startup", app=self.app)

    def shutdown(self) -> None:
        self.host.call("shutdown", app=self.app)
        if self._history is not None:
            self._history.close()
            self._history = None

    # -- routing ---------------------------------------------------------------

    def normalize(self, text: str) -> str:
        normalized = textutil.normalize(text, self.app.name)
        for plugin, function, _ in self.host.implementations("normalize_utterance"):
            ok, result = self.host.call_one(
                plugin, "normalize_utterance", function, {"text": normalized, "app": self.app}
            )
            if ok and isinstance(result, str) and result.strip():
                normalized = textutil.normalize(result, self.app.name)
        return normalized

    def route(self, text: str) -> Route:
        """Route one utterance. Runs no handler, loads no model."""
        cleaned = textutil.clean(text)
        if not cleaned:
            return Route(text, "", None, error=EMPTY)
        if len(cleaned) > self.max_chars:
            return Route(
                text, "", None, error=TOO_LONG.format(length=len(cleaned), limit=self.max_chars)
            )
        normalized = self.normalize(cleaned)
        match = self.router.match(normalized)
        if match is None:
            return Route(text, normalized, SMALLTALK, confidence=1.0)
        return Route(
            text,
            normalized,
            match.intent,
            match.slots,
            match.confidence,
            match.plugin,
            match.raw_slots,
            match.slot_errors,
        )

    # -- answering -------------------------------------------------------------

    def respond(self, text: str) -> Turn:
        """Answer one utterance; never raises for a plugin's fault."""
        started = time.perf_counter()
        route = self.route(text)
        emotion: Emotion | None = None
        if route.error:
            reply, plugin = Reply(route.error), None
        else:
            reply, plugin, emotion = self._answer(route)
            reply = self._adjust(reply, self._request(route, emotion))
        turn = Turn(route, reply, plugin, emotion, (time.perf_counter() - started) * 1000)
        if not route.error:
            self.context.append((route.text, reply.text))
        self._log(turn)
        return turn

    def _request(self, route: Route, emotion: Emotion | None) -> Request:
        return Request(
            text=route.text,
            normalized=route.normalized,
            intent=route.intent or SMALLTALK,
            slots=route.slots,
            app=self.app,
            emotion=emotion,
            history=tuple(self.context),
            confidence=route.confidence,
            raw_slots=route.raw_slots,
            slot_errors=route.slot_errors,
        )

    def _answer(self, route: Route) -> tuple[Reply, str | None, Emotion | None]:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            request = self._request(route, None)
            request.intent = pending.intent
            result = self._run(pending.plugin, pending.intent, pending.ask, request)
            if result is not None:
                # the follow-up may have filled slots in its request: show and log those
                route.intent, route.plugin, route.slots = (
                    pending.intent,
                    pending.plugin,
                    request.slots,
                )
                return self._finish(result, pending.intent, pending.plugin), pending.plugin, None
        emotion = None
        if route.intent == SMALLTALK or self.emotion_scope == "all":
            # the normalized text with its final "?" / "!" back: "어디 살아요?" is a question
            feeling = route.normalized + textutil.trailing_punctuation(route.text)
            found = self.host.call("detect_emotion", text=feeling, app=self.app)
            emotion = found[0][1] if found and isinstance(found[0][1], Emotion) else None
        request = self._request(route, emotion)
        if route.intent == SMALLTALK:
            failures_before = len(self.host.failures)
            found = self.host.call("fallback_reply", request=request)
            if not found:
                failed = self.host.failures[failures_before:]
                text = APOLOGY.format(plugin=failed[-1].plugin) if failed else NO_FALLBACK
                return Reply(text), None, emotion
            plugin, result = found[0]
            route.plugin = plugin
            return self._finish(result, SMALLTALK, plugin), plugin, emotion
        intent, plugin = self.router.intents[route.intent]
        result = self._run(plugin, route.intent, intent.handler, request)
        if result is None:
            return Reply(APOLOGY.format(plugin=plugin)), plugin, emotion
        return self._finish(result, route.intent, plugin), plugin, emotion

    def _run(self, plugin: str | None, intent: str, handler: Callable, request: Request) -> Any:
        try:
            return handler(request)
        except Exception as exc:
            self.host.record_failure(plugin or "?", f"handler {intent}", exc)
            return Reply(APOLOGY.format(plugin=plugin))

    def _finish(self, result: HandlerResult, intent: str, plugin: str | None) -> Reply:
        reply = result if isinstance(result, Reply) else Reply(str(result))
        if reply.followup is not None:
            self.pending = _Pending(intent, plugin, reply.followup)
        return reply

    def _adjust(self, reply: Reply, request: Request) -> Reply:
        """Run the ``adjust_reply`` hooks in turn, stopping as soon as the reply is final."""
        for plugin, function, _ in self.host.implementations("adjust_reply"):
            if reply.final:
                break
            ok, result = self.host.call_one(
                plugin, "adjust_reply", function, {"reply": reply, "request": request}
            )
            if ok and isinstance(result, Reply):
                reply = result
        return reply

    def reset(self) -> None:
        """Forget the conversation context and any pending question."""
        self.context.clear()
        self.pending = None

    def new_conversation(self) -> Assistant:
        """Another conversation on this engine (a browser tab): its own context and
        pending question; the same app, plugins, router, slash commands and log.

        One conversation is not thread-safe: its owner runs one turn at a time.
        """
        history = self.history  # opened once, shared (History is thread-safe)
        other = copy.copy(self)
        other._history = history
        other.context = deque(maxlen=self.context.maxlen)
        other.pending = None
        return other

    # -- logging ---------------------------------------------------------------

    def _log(self, turn: Turn) -> None:
        self._store(
            {
                "text": turn.route.text[: self.max_chars * 2],
                "normalized": turn.route.normalized,
                "intent": turn.route.intent,
                "slots": turn.route.slots,
                "reply": turn.reply.text,
                "emotion": turn.emotion.as_json() if turn.emotion else None,
                "plugin": turn.plugin,
                "confidence": turn.route.confidence,
                "elapsed_ms": turn.elapsed_ms,
            }
        )

    def record_notification(self, note: Notification) -> None:
        """Store a notification (a timer going off) as a turn without user text."""
        self._store({"text": "", "intent": note.intent, "reply": note.text, "plugin": note.plugin})

    def _store(self, row: dict[str, Any]) -> None:
        history = self.history
        if history is None:
            return
        row["at"] = self.app.now().astimezone(timezone.utc).isoformat(timespec="milliseconds")
        try:
            history.add(row)
        except Exception as exc:  # the log must never take the assistant down
            log.error("could not store turn: %s", exc)
            self.warnings.append(f"대화 기록을 저장하지 못했어요: {exc}")
