"""The ``assistant`` command line.

Plugins add commands through the ``register_commands``, ``register_trainers``
and ``register_evaluators`` hooks, so the plugins are loaded before click
parses the arguments. Nothing here imports torch, transformers or rich at
module level: ``assistant route`` must stay fast.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import click

from assistant.app import App, default_data_dir, private_dir
from assistant.config import Config, ConfigError, load_config
from assistant.engine import Assistant, Turn
from assistant.plugins import PluginHost

EXIT_CONFIG = 2
WEB_PACKAGES = {"fastapi", "fastapi_offline", "uvicorn", "starlette", "pydantic"}
_TOKEN_RE = re.compile(r"^[A-Za-z0-9._~-]{8,200}$")


class Runtime:
    """Lazily built pieces of one process, shared by all commands (``ctx.obj``)."""

    def __init__(self, config: Config, host: PluginHost) -> None:
        self.config = config
        self.host = host
        self.interactive = False

    @cached_property
    def app(self) -> App:
        return App(self.config, interactive=self.interactive)

    @cached_property
    def assistant(self) -> Assistant:
        assistant = Assistant(self.app, self.host)
        return assistant

    def warn(self) -> None:
        """Print start-up warnings (broken plugins, unknown settings) once, to stderr."""
        for line in self.assistant.warnings:
            click.echo(f"경고: {line}", err=True)
        self.assistant.warnings.clear()


def _setup_logging(data_dir: Path) -> None:
    """Log to ``assistant.log`` (0600) in the data directory; never to the screen."""
    root = logging.getLogger("assistant")
    root.propagate = False
    if root.handlers:
        return
    path = private_dir(data_dir) / "assistant.log"
    try:
        fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
        os.close(fd)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    threading.excepthook = _log_thread_exception


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """An exception escaping a plugin's background thread goes to the log, not the screen."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    logging.getLogger("assistant.threads").error(
        "uncaught exception in thread %s",
        name,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
    )


def _config_arg(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--config" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--config="):
            return arg.split("=", 1)[1]
    return None


def _lines(source: str) -> Iterator[tuple[int, str]]:
    """TEXT itself, or with '-' each stdin line (invalid UTF-8 replaced, with a warning)."""
    if source != "-":
        yield 1, source
        return
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", errors="replace")
            click.echo(
                f"경고: {number}번째 줄에 UTF-8이 아닌 바이트가 있어 �로 바꿔 처리했어요.", err=True
            )
        yield number, line.rstrip("\r\n")


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def build_cli(runtime: Runtime) -> click.Group:
    @click.group(
        invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
    )
    @click.option(
        "--config",
        "config_path",
        metavar="FILE",
        help="설정 파일 (기본값 위에 덮어씀; $ASSISTANT_CONFIG)",
    )
    @click.version_option(package_name="irang-assistant", message="%(prog)s %(version)s")
    @click.pass_context
    def cli(ctx: click.Context, config_path: str | None) -> None:
        """이랑: 한국어 우선, 플러그인 기반 터미널 비서.

        하위 명령 없이 실행하면 대화형 비서가 시작돼요.
        """
        ctx.obj = runtime
        if ctx.invoked_subcommand is None:
            from assistant.repl import run_repl

            runtime.interactive = True
            run_repl(runtime)

    @cli.command()
    @click.argument("text")
    @click.option("--json", "as_json", is_flag=True, help="한 줄에 JSON 객체 하나로 출력")
    def ask(text: str, as_json: bool) -> None:
        """한 번 묻고 답을 출력해요. TEXT가 '-'이면 표준 입력의 각 줄에 차례로 답해요."""
        assistant = runtime.assistant
        runtime.warn()
        assistant.startup()
        try:
            for _, line in _lines(text):
                turn = assistant.respond(line)
                runtime.warn()
                _print_turn(turn, as_json)
                for note in runtime.app.take_pending():
                    click.echo(note.text)
        finally:
            assistant.shutdown()

    @cli.command()
    @click.argument("text")
    @click.option("--json", "as_json", is_flag=True, help="JSON으로 출력")
    def route(text: str, as_json: bool) -> None:
        """답하지 않고 어떤 의도로 갈지만 보여줘요 (모델도 네트워크도 쓰지 않아요)."""
        assistant = runtime.assistant
        for _, line in _lines(text):
            r = assistant.route(line)
            if as_json:
                click.echo(_dump(r.as_json()))
            else:
                slots = " ".join(f"{k}={v}" for k, v in r.slots.items())
                shown = r.error or f"{r.intent} ({r.confidence:.2f}) {slots}".rstrip()
                click.echo(f"{r.normalized or r.text!r} -> {shown}")

    @cli.command("plugins")
    @click.option("--json", "as_json", is_flag=True, help="JSON으로 출력")
    def plugins_command(as_json: bool) -> None:
        """설치된 플러그인 목록 (이름, 버전, 출처, 구현한 훅, 사용 여부)."""
        infos = [info.as_json() for info in runtime.host.infos.values()]
        if as_json:
            click.echo(_dump(infos))
            return
        from assistant.render import console, plugins_table

        console().print(plugins_table(infos))

    @cli.command("history")
    @click.option("-n", "limit", default=20, show_default=True, help="최근 몇 개의 대화를 보여줄지")
    @click.option("--json", "as_json", is_flag=True, help="JSON으로 출력")
    def history_command(limit: int, as_json: bool) -> None:
        """최근 대화 기록을 보여줘요."""
        store = runtime.assistant.history
        rows = store.recent(limit) if store else []
        runtime.warn()
        if as_json:
            click.echo(_dump(rows))
            return
        from assistant.render import console, history_table

        console().print(history_table(rows))

    @cli.command("help")
    def help_command() -> None:
        """플러그인별로 할 수 있는 일과 예시를 보여줘요."""
        from assistant.render import console, help_panel

        console().print(help_panel(runtime.assistant))

    @cli.command("web")
    @click.option(
        "--host",
        default="127.0.0.1",
        show_default=True,
        help="들을 주소 (루프백이 아니면 토큰 필수)",
    )
    @click.option(
        "--port",
        default=8765,
        show_default=True,
        type=click.IntRange(0, 65535),
        help="포트 (0: 빈 포트)",
    )
    @click.option(
        "--token", default=None, help="접근 토큰 (루프백이 아닌 주소에서 없으면 만들어 출력)"
    )
    @click.option("--open", "open_browser", is_flag=True, help="브라우저로 페이지 열기")
    def web(host: str, port: int, token: str | None, open_browser: bool) -> None:
        """브라우저에서 쓰는 이랑: 같은 비서를 웹 페이지로 (확장 [web] 필요)."""
        if token is not None and not _TOKEN_RE.match(token):
            raise click.BadParameter(
                "토큰은 8자 이상의 영문, 숫자, - _ . ~ 로 해 주세요.", param_hint="--token"
            )
        try:
            from assistant.web.server import serve
        except ImportError as exc:
            if (exc.name or "").split(".")[0] not in WEB_PACKAGES:
                raise
            raise click.ClickException(
                "웹 페이지에는 추가 패키지가 필요해요: pip install 'irang-assistant[web]'"
            ) from exc
        runtime.interactive = True
        runtime.warn()
        serve(runtime, host, port, token, open_browser)

    host = runtime.host

    @cli.group("train", cls=HookGroup, host=host, hook="register_trainers", argument="train")
    def train() -> None:
        """모델 학습: assistant train NAME --help"""

    @cli.group("eval", cls=HookGroup, host=host, hook="register_evaluators", argument="evaluate")
    def evaluate() -> None:
        """모델 평가: assistant eval NAME --help"""

    @cli.group("export", cls=HookGroup, host=host, hook="register_exporters", argument="export")
    def export() -> None:
        """모델 내보내기 (빠른 실행용 변환): assistant export NAME --help"""

    host.call("register_commands", cli=cli)
    return cli


class HookGroup(click.Group):
    """A command group filled by a plugin hook the first time the group is used.

    ``assistant route`` and the other commands never run ``register_trainers`` /
    ``register_evaluators`` (the trainers' modules stay unimported: a faster cold start).
    """

    def __init__(
        self, *args: Any, host: PluginHost, hook: str, argument: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._fill = lambda: host.call(hook, **{argument: self})
        self._filled = False

    def _ensure_filled(self) -> None:
        if not self._filled:
            self._filled = True
            self._fill()

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._ensure_filled()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._ensure_filled()
        return super().get_command(ctx, cmd_name)


def _print_turn(turn: Turn, as_json: bool) -> None:
    if as_json:
        click.echo(_dump(turn.as_json()))
    else:
        click.echo(turn.reply.text)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        config = load_config(_config_arg(argv))
        _setup_logging(default_data_dir())
        host = PluginHost(config)
        host.load()
        runtime = Runtime(config, host)
        cli = build_cli(runtime)
        cli.main(args=argv, prog_name="assistant", standalone_mode=False)
    except ConfigError as exc:
        click.echo(f"설정 오류: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
