"""What every front end (the terminal REPL, the web page) shares.

One place decides how a reply is presented (plain chat, a card, an alert card),
what help lists, which slash commands exist and how a plugin's slash command
runs, and what a notification does besides being shown (it is logged). The
terminal renders these decisions with rich (:mod:`assistant.render`), the web
page with HTML (:mod:`assistant.web`). Nothing heavy is imported here.

Alert cards (a generic hook for plugins such as a safety plugin): a reply is
presented as an alert -- a card that stands out, red in the terminal and on
the page -- when its ``Reply.data`` says so with any of

- ``data["card"]`` in :data:`ALERT_KINDS` (``"alert"``, ``"crisis"``, ``"care"``,
  ``"important"``, ``"urgent"``, ``"warning"``),
- ``data["display"]`` a mapping whose ``"variant"``, ``"kind"`` or ``"level"`` is one
  of those (``{"variant": "care", "title": "..."}`` is the safety plugin's crisis card),
- ``data["crisis"]`` or ``data["important"]`` true.

The card's title is ``Reply.title`` or ``data["display"]["title"]``; its variant
(``care``, ``crisis``, ...) picks the colours (``care``: a calm purple with 💜, the
others red). It may list ``data["resources"]``: strings, or mappings with ``name``
and ``phone`` / ``url`` / ``note`` (helplines), shown as text under the reply.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from assistant.korean import josa
from assistant.types import Notification, Reply

if TYPE_CHECKING:
    from assistant.engine import Assistant, Turn
    from assistant.plugins import PluginHost

log = logging.getLogger("assistant.frontend")

#: Slash commands every front end understands, with their help text.
BUILTIN_SLASH = {
    "help": "할 수 있는 일과 예시",
    "plugins": "플러그인 목록",
    "debug": "의도·슬롯·신뢰도·감정·시간 표시 켜기/끄기",
    "reset": "대화 맥락 지우기",
    "quit": "끝내기",
}

ALERT_KINDS = frozenset({"alert", "crisis", "care", "important", "urgent", "warning"})
_DISPLAY_KEYS = ("variant", "kind", "level")
#: rich colour names a tone plugin may use in ``Reply.style``, in the order they are looked for
TONE_COLOURS = ("red", "green", "yellow", "blue", "magenta", "cyan", "white")


def greeting(name: str) -> str:
    """The first thing every front end says ("안녕하세요, 이랑이에요. 무엇을 도와드릴까요?")."""
    return f"안녕하세요, {josa(name, '이에요/예요')}. 무엇을 도와드릴까요?"


def _display(reply: Reply) -> Mapping[str, Any]:
    display = (reply.data or {}).get("display")
    return display if isinstance(display, Mapping) else {}


def alert_variant(reply: Reply) -> str | None:
    """The alert kind the reply's data asks for (``care``, ``crisis``, ...), or None."""
    data = reply.data or {}
    card = str(data.get("card") or "").lower()
    if card in ALERT_KINDS:
        return card
    display = _display(reply)
    for key in _DISPLAY_KEYS:
        value = str(display.get(key) or "").lower()
        if value in ALERT_KINDS:
            return value
    if data.get("crisis") is True:
        return "crisis"
    if data.get("important") is True:
        return "important"
    return None


def is_alert(reply: Reply) -> bool:
    """Does the reply's data ask to be shown as an alert card (see the module doc)?"""
    return alert_variant(reply) is not None


def reply_kind(reply: Reply) -> str:
    """``alert``, ``card`` (a title or a table: a command's result) or ``chat``."""
    if is_alert(reply):
        return "alert"
    if reply.title or reply.table is not None:
        return "card"
    return "chat"


def tone_colour(style: str | None) -> str | None:
    """The colour word of a rich style ("italic magenta" -> "magenta"), if any."""
    words = re.split(r"[\s,]+", (style or "").lower())
    return next((c for c in TONE_COLOURS if c in words or f"bright_{c}" in words), None)


def _resources(data: Mapping[str, Any]) -> list[dict[str, str]]:
    found = data.get("resources")
    if not isinstance(found, list):
        display = data.get("display")
        found = display.get("resources") if isinstance(display, Mapping) else None
    out = []
    for item in found if isinstance(found, list) else []:
        if isinstance(item, Mapping):
            out.append({k: str(item[k]) for k in ("name", "phone", "url", "note") if item.get(k)})
        elif item:
            out.append({"name": str(item)})
    return out


def reply_view(reply: Reply) -> dict[str, Any]:
    """How to present a reply, as JSON: kind, title, table, tone colour, resources."""
    kind = reply_kind(reply)
    view: dict[str, Any] = {
        "kind": kind,
        "title": reply.title or (str(_display(reply).get("title") or "") or None),
        "tone": tone_colour(reply.style),
        "table": None,
    }
    if reply.table is not None:
        view["table"] = {
            "columns": [str(c) for c in reply.table.columns],
            "rows": [[str(c) for c in row] for row in reply.table.rows],
        }
    if kind == "alert":
        view["variant"] = alert_variant(reply)
        view["resources"] = _resources(reply.data or {})
    return view


def debug_data(turn: Turn) -> dict[str, Any]:
    """What the debug display shows for a turn (route, slots, confidence, emotion, source, time)."""
    route = turn.route
    note = (turn.reply.data or {}).get("debug")  # a plugin's own one-line explanation
    return {
        "intent": route.intent,
        "confidence": round(route.confidence, 3),
        "plugin": turn.plugin,
        "slots": route.slots,
        "normalized": route.normalized if route.normalized != route.text.strip() else None,
        "emotion": turn.emotion.as_json() if turn.emotion else None,
        "elapsed_ms": round(turn.elapsed_ms, 1),
        "note": note if isinstance(note, str) and note else None,
    }


def turn_json(turn: Turn) -> dict[str, Any]:
    """``assistant ask --json``'s object for a turn plus ``view`` and ``debug`` (for pages)."""
    return {**turn.as_json(), "view": reply_view(turn.reply), "debug": debug_data(turn)}


def help_data(assistant: Assistant) -> dict[str, Any]:
    """What each enabled plugin understands (intents with examples), chat, slash commands."""
    by_plugin: dict[str, list[dict[str, Any]]] = {}
    for intent, plugin in assistant.router.intents.values():
        if intent.examples:  # intents without examples (guards) are not advertised
            by_plugin.setdefault(plugin, []).append(
                {
                    "intent": intent.name,
                    "description": intent.description or intent.name,
                    "examples": list(intent.examples[:3]),
                }
            )
    fallback = [name for name, _, _ in assistant.host.implementations("fallback_reply")]
    slash = [{"name": name, "help": text} for name, text in BUILTIN_SLASH.items()]
    slash += [{"name": n, "help": cmd.help} for n, (_, cmd) in assistant.slash_commands.items()]
    return {
        "plugins": [{"plugin": p, "intents": intents} for p, intents in by_plugin.items()],
        "fallback": fallback,
        "fallback_example": "오늘 좀 피곤하다",
        "slash": slash,
    }


def slash_names(assistant: Assistant) -> list[str]:
    return sorted({*BUILTIN_SLASH, *assistant.slash_commands})


def run_plugin_slash(assistant: Assistant, name: str, argument: str) -> Reply | None:
    """Run a plugin's ``/name`` command; its failure becomes a Korean apology (logged)."""
    plugin, command = assistant.slash_commands[name]
    try:
        result = command.run(assistant.app, argument.strip())
    except Exception as exc:
        assistant.host.record_failure(plugin, f"/{name}", exc)
        result = f"죄송해요, '/{name}' 명령에서 문제가 생겼어요."
    if result is None:
        return None
    return result if isinstance(result, Reply) else Reply(str(result))


def plugin_infos(host: PluginHost) -> list[dict[str, Any]]:
    return [info.as_json() for info in host.infos.values()]


def notification_json(note: Notification) -> dict[str, Any]:
    return {
        "text": note.text,
        "title": note.title or "알림",
        "intent": note.intent,
        "plugin": note.plugin,
        "bell": note.bell,
    }


def notification_sink(
    assistant: Assistant, show: Callable[[Notification], None]
) -> Callable[[Notification], None]:
    """The notifier a front end attaches (``app.set_notifier``): show it, then log it.

    Called from any thread (timers fire on the scheduler's). A front end that
    fails to show it still logs it.
    """

    def deliver(note: Notification) -> None:
        try:
            show(note)
        finally:
            assistant.record_notification(note)

    return deliver
