"""Rich rendering of replies, tables and help. Imported only by commands that print richly."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from assistant.frontend import debug_data, help_data, reply_view
from assistant.types import Reply

if TYPE_CHECKING:
    from assistant.engine import Assistant, Turn

_console: Console | None = None


def console() -> Console:
    global _console
    if _console is None:
        _console = Console(file=sys.stdout, highlight=False)
    return _console


#: alert card variant (see assistant.frontend) -> (panel border style, title prefix)
ALERT_STYLES = {"care": ("bold magenta", "💜 "), "alert": ("bold red", "")}


def reply_renderable(reply: Reply, name: str) -> RenderableType:
    """A reply as the terminal shows it: a panel/table for commands, styled text for chat.

    Which of the three (chat, card, alert card) is decided in :func:`assistant.frontend.reply_view`,
    the same decision the web page follows.
    """
    view = reply_view(reply)
    body: list[RenderableType] = [Text(reply.text, style=reply.style or "")]
    if reply.table is not None:
        table = Table(*reply.table.columns, show_edge=False, header_style="bold")
        for row in reply.table.rows:
            table.add_row(*[str(c) for c in row])
        body.append(table)
    for item in view.get("resources", []):
        body.append(Text(" · ".join(item.values()), style="bold"))
    if view["kind"] == "alert":
        border, prefix = ALERT_STYLES.get(view["variant"], ALERT_STYLES["alert"])
        return Panel(
            Group(*body),
            title=f"{prefix}{view['title'] or name}",
            title_align="left",
            border_style=border,
            expand=False,
        )
    if view["kind"] == "card":
        return Panel(Group(*body), title=view["title"] or name, title_align="left", expand=False)
    return Text.assemble((f"{name}> ", "bold cyan"), Text(reply.text, style=reply.style or ""))


def debug_line(turn: Turn) -> Text:
    data = debug_data(turn)
    parts = [
        f"의도={data['intent']}",
        f"신뢰도={data['confidence']:.2f}",
        f"플러그인={data['plugin']}",
    ]
    if data["slots"]:
        parts.append("슬롯=" + ", ".join(f"{k}={v}" for k, v in data["slots"].items()))
    if data["normalized"] is not None:
        parts.append(f"정규화='{data['normalized']}'")
    if data["emotion"]:
        parts.append(f"감정={data['emotion']['label']}({data['emotion']['score']:.2f})")
    if data["note"]:
        parts.append(data["note"])
    parts.append(f"{data['elapsed_ms']:.0f}ms")
    return Text("  [debug] " + " · ".join(parts), style="dim")


def plugins_table(infos: list[dict[str, Any]]) -> Table:
    table = Table("이름", "버전", "출처", "훅", "사용", title="플러그인")
    for info in infos:
        enabled = "예" if info["enabled"] else ("오류" if info["error"] else "아니요")
        table.add_row(
            info["name"], info["version"] or "-", info["source"], ", ".join(info["hooks"]), enabled
        )
    return table


def history_table(rows: list[dict[str, Any]]) -> Table:
    table = Table("시각", "말씀", "의도", "답", title="최근 대화")
    for row in rows:
        table.add_row(
            row["at"][:19].replace("T", " "), row["text"], row["intent"] or "-", row["reply"] or ""
        )
    return table


def help_panel(assistant: Assistant) -> RenderableType:
    """What each enabled plugin understands, with examples, plus slash commands."""
    data = help_data(assistant)
    table = Table("플러그인", "할 수 있는 일", "이렇게 말해 보세요", show_lines=True)
    for entry in data["plugins"]:
        for intent in entry["intents"]:
            examples = " / ".join(f'"{e}"' for e in intent["examples"])
            table.add_row(entry["plugin"], intent["description"], examples)
    if data["fallback"]:
        table.add_row(
            ", ".join(data["fallback"]),
            "그 밖의 말씀에는 대화로 답해요",
            f'"{data["fallback_example"]}"',
        )
    slash = [f"/{item['name']} {item['help']}" for item in data["slash"]]
    return Group(table, Text("명령: " + " · ".join(slash), style="dim"))
