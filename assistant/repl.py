"""The interactive terminal assistant (``assistant`` with no sub-command).

prompt-toolkit reads input (persistent history, slash-command completion);
rich renders replies. Notifications from plugins (timers) arrive on other
threads and are printed above the prompt through ``patch_stdout`` without
breaking what the user is typing. When stdin is not a terminal the same loop
runs line by line without prompt-toolkit.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from assistant.frontend import (
    greeting,
    notification_sink,
    plugin_infos,
    run_plugin_slash,
    slash_names,
)
from assistant.render import debug_line, help_panel, plugins_table, reply_renderable
from assistant.types import Notification

if TYPE_CHECKING:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from assistant.cli import Runtime
    from assistant.engine import Assistant

BYE = "안녕히 가세요!"


class Repl:
    """One interactive session: reads lines, answers them, shows notifications."""

    def __init__(self, runtime: Runtime, console: Console) -> None:
        self.runtime = runtime
        self.assistant: Assistant = runtime.assistant
        self.app = runtime.app
        self.console = console
        self.debug = bool((runtime.config.get("terminal") or {}).get("debug", False))
        self._print_lock = threading.Lock()

    # -- output ------------------------------------------------------------------

    def show(self, renderable) -> None:
        with self._print_lock:
            self.console.print(renderable)

    def on_notification(self, note: Notification) -> None:
        """Called from any thread: render above the prompt and ring (logged by the sink)."""
        title = note.title or "알림"
        self.show(
            Panel(
                Text(note.text, style="bold"),
                title=f"⏰ {title}",
                title_align="left",
                border_style="yellow",
                expand=False,
            )
        )
        if note.bell:
            with self._print_lock:
                sys.stdout.write("\a")
                sys.stdout.flush()

    def notifier(self):
        """What ``app.set_notifier`` gets: show above the prompt, then log (shared sink)."""
        return notification_sink(self.assistant, self.on_notification)

    # -- input ---------------------------------------------------------------------

    def handle(self, line: str) -> bool:
        """Answer one input line; False means quit."""
        stripped = line.strip()
        if stripped.startswith("/"):
            return self.slash(stripped)
        try:
            turn = self.assistant.respond(line)
        except KeyboardInterrupt:
            self.show(Text("취소했어요.", style="dim"))
            return True
        self.show(reply_renderable(turn.reply, self.app.name))
        if self.debug:
            self.show(debug_line(turn))
        self.runtime.warn()
        return True

    def slash(self, line: str) -> bool:
        name, _, argument = line[1:].partition(" ")
        name = name.lower()
        if name in ("quit", "exit", "q"):
            return False
        if name == "help":
            self.show(help_panel(self.assistant))
        elif name == "plugins":
            self.show(plugins_table(plugin_infos(self.runtime.host)))
        elif name == "debug":
            self.debug = not self.debug
            self.show(Text(f"디버그 표시를 {'켰' if self.debug else '껐'}어요.", style="dim"))
        elif name == "reset":
            self.assistant.reset()
            self.show(Text("대화 맥락을 지웠어요. 새로 이야기해요.", style="dim"))
        elif name in self.assistant.slash_commands:
            reply = run_plugin_slash(self.assistant, name, argument)
            if reply is not None:
                self.show(reply_renderable(reply, self.app.name))
        else:
            self.show(
                Text(f"알 수 없는 명령이에요: /{name}. /help 를 입력해 보세요.", style="yellow")
            )
        return True

    def slash_names(self) -> list[str]:
        return slash_names(self.assistant)

    def greet(self) -> None:
        self.show(
            Text.assemble(
                (greeting(self.app.name), "bold cyan"),
                " ",
                ("(/help 도움말 · /quit 끝내기 · Ctrl-D 종료)", "dim"),
            )
        )


def _slash_completer(names: Callable[[], Iterable[str]]):
    from prompt_toolkit.completion import Completer, Completion

    class SlashCompleter(Completer):
        def get_completions(self, document: Document, complete_event: CompleteEvent):
            text = document.text_before_cursor
            if not text.startswith("/") or " " in text:
                return
            for name in names():
                if ("/" + name).startswith(text):
                    yield Completion("/" + name, start_position=-len(text))

    return SlashCompleter()


def _history_file(path) -> str:
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
    return str(path)


def run_repl(runtime: Runtime) -> None:
    """Run the interactive assistant until /quit, Ctrl-D or end of input."""
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    console = Console(highlight=False, force_terminal=interactive or None)
    repl = Repl(runtime, console)
    assistant = repl.assistant
    for line in assistant.warnings:
        console.print(Text(f"경고: {line}", style="yellow"))
    assistant.warnings.clear()
    repl.greet()
    assistant.startup()
    try:
        if interactive:
            _prompt_loop(repl)
        else:
            repl.app.set_notifier(repl.notifier())
            for line in sys.stdin:
                if not repl.handle(line.rstrip("\r\n")):
                    break
    finally:
        repl.app.set_notifier(None)
        assistant.shutdown()
        console.print(BYE)
    _leave()


def _leave() -> None:
    """End the process once the session is over and everything is saved. A normal
    interpreter shutdown can abort (SIGABRT, "terminate called without an active exception")
    while native thread pools of the loaded models (Kiwi, CTranslate2, torch) are torn down,
    more often on a busy machine; leaving with ``os._exit`` skips those destructors."""
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(0)


def _prompt_loop(repl: Repl) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.patch_stdout import patch_stdout

    session: PromptSession[str] = PromptSession(
        history=FileHistory(_history_file(repl.app.data_dir / "prompt_history")),
        completer=_slash_completer(repl.slash_names),
        complete_while_typing=True,
    )
    prompt = [("class:prompt", "나> ")]
    with patch_stdout(raw=True):
        repl.app.set_notifier(repl.notifier())
        while True:
            try:
                line = session.prompt(prompt)
            except KeyboardInterrupt:
                continue  # Ctrl-C cancels the current input
            except EOFError:
                break  # Ctrl-D
            if not line.strip():
                continue
            if not repl.handle(line):
                break
