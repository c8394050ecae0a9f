"""Rich rendering of replies, tables and help. Imported only by commands that print richly."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from assistant.types import Reply

if TYPE_CHECKING:
    from assistant.engine import Assistant, Turn

_console: Console | None = None


def console() -> Console:
    global _console
    if _console is None:
        _console = Console(file=sys.stdout, highlight=False)
    return _console


def reply_renderable(reply: Reply, name: str) -> RenderableType:
    """A reply as the terminal shows it: a panel/table for commands, styled text for chat."""
    body: list[RenderableType] = [Text(reply.text, style=reply.style or "")]
    if reply.table is not None:
        table = Table(*reply.table.columns, show_edge=False, header_style="bold")
        for row in reply.table.rows:
            table.add_row(*[str(c) for c in row])
        body.append(table)
    if reply.title or reply.table is not None:
        return Panel(Group(*body), title=reply.title or name, title_align="left", expand=False)
    return Text.assemble((f"{name}> ", "bold cyan"), Text(reply.text, style=reply.style or ""))


def debug_line(turn: Turn) -> Text:
    route = turn.route
    parts = [f"의도={route.intent}", f"신뢰도={route.confidence:.2f}", f"플러그인={turn.plugin}"]
    if route.slots:
        parts.append("슬롯=" + ", ".join(f"{k}={v}" for k, v in route.slots.items()))
    if route.normalized != route.text.strip():
        parts.append(f"정규화='{route.normalized}'")
    if turn.emotion:
        parts.append(f"감정={turn.emotion.label}({turn.emotion.score:.2f})")
    extra = turn.reply.data.get("debug") if turn.reply.data else None
    if isinstance(extra, str) and extra:  # a plugin's own one-line explanation (small talk)
        parts.append(extra)
    parts.append(f"{turn.elapsed_ms:.0f}ms")
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
    by_plugin: dict[str, list] = {}
    for intent, plugin in assistant.router.intents.values():
        if intent.examples:  # intents without examples (guards) are not advertised
            by_plugin.setdefault(plugin, []).append(intent)
    table = Table("플러그인", "할 수 있는 일", "이렇게 말해 보세요", show_lines=True)
    for plugin, intents in by_plugin.items():
        for intent in intents:
            examples = " / ".join(f'"{e}"' for e in intent.examples[:3])
            table.add_row(plugin, intent.description or intent.name, examples)
    fallback = [name for name, _, _ in assistant.host.implementations("fallback_reply")]
    if fallback:
        table.add_row(", ".join(fallback), "그 밖의 말씀에는 대화로 답해요", '"오늘 좀 피곤하다"')
    slash = [
        "/help 도움말",
        "/plugins 플러그인",
        "/debug 디버그 표시",
        "/reset 대화 맥락 지우기",
        "/quit 끝내기",
    ]
    slash += [f"/{name} {cmd.help}" for name, (_, cmd) in assistant.slash_commands.items()]
    return Group(table, Text("명령: " + " · ".join(slash), style="dim"))
