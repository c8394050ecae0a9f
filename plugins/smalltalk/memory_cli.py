"""``assistant memory add|list|remove``: the user's own question -> answer pairs.

Kept apart from the training commands so that registering it (every CLI start, including
``assistant route``) imports nothing but click.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click


def _refuse(message: str) -> NoReturn:
    """``assistant memory``: a Korean ``오류: ...`` on stderr and exit code 1."""
    click.echo(f"오류: {message}", err=True)
    sys.exit(1)


def memory_command() -> click.Group:
    """``assistant memory add|list|remove``: the user's own question -> answer pairs."""

    @click.group("memory")
    def group() -> None:
        """잡담 기억: 내가 정한 질문과 답 (같은 정도로 맞으면 기본 기억보다 먼저 써요)."""

    def store(ctx: click.Context) -> Any:
        from assistant_plugins.smalltalk.user_memory import UserMemory

        return UserMemory(Path(ctx.find_root().obj.app.data_dir))

    @group.command("add")
    @click.argument("utterance")
    @click.argument("reply")
    @click.pass_context
    def add(ctx: click.Context, utterance: str, reply: str) -> None:
        """질문과 답을 기억해요. 예) assistant memory add "좋아하는 색은?" "파란색이요." """
        from assistant_plugins.smalltalk.user_memory import UserMemoryError

        app = ctx.find_root().obj.app
        try:
            pair = store(ctx).add(utterance, reply, app.now().isoformat(timespec="seconds"))
        except UserMemoryError as exc:
            _refuse(str(exc))
        except OSError as exc:
            _refuse(f"기억 파일에 쓸 수 없어요: {exc}")
        click.echo(f"기억했어요 ({pair.id}): '{pair.utterance}' -> '{pair.reply}'")

    @group.command("list")
    @click.option(
        "--json", "as_json", is_flag=True, help="JSON 목록으로 출력 (id, utterance, reply, added)"
    )
    @click.pass_context
    def list_(ctx: click.Context, as_json: bool) -> None:
        """기억한 질문과 답을 보여줘요."""
        memory = store(ctx)
        pairs = memory.read()
        if memory.skipped:
            click.echo(
                f"경고: {memory.path} 에서 읽을 수 없는 줄 {memory.skipped}개를 건너뛰었어요 "
                f"({', '.join(map(str, memory.skipped_rows[:10]))}번째 줄; 파일에는 그대로 남아 있어요).",
                err=True,
            )
        if as_json:
            click.echo(json.dumps([p.__dict__ for p in pairs], ensure_ascii=False))
            return
        if not pairs:
            click.echo('기억한 질문이 없어요. assistant memory add "질문" "답" 으로 추가해 보세요.')
            return
        for pair in pairs:
            click.echo(f"{pair.id}\t{pair.utterance}\t-> {pair.reply}")

    @group.command("remove")
    @click.argument("pair_id", metavar="ID")
    @click.pass_context
    def remove(ctx: click.Context, pair_id: str) -> None:
        """번호(ID)로 기억을 지워요. 예) assistant memory remove u1"""
        from assistant_plugins.smalltalk.user_memory import UserMemoryError

        try:
            pair = store(ctx).remove(pair_id)
        except UserMemoryError as exc:
            _refuse(str(exc))
        except OSError as exc:
            _refuse(f"기억 파일에 쓸 수 없어요: {exc}")
        click.echo(f"지웠어요 ({pair.id}): '{pair.utterance}'")

    return group
