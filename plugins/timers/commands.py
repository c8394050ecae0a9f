"""``assistant timers [--json]``: list the active timers and alarms of every process.

The command is added to every ``assistant`` run (``register_commands``), so the store and
wording modules are imported only when it runs (a cold ``assistant route`` skips them)."""

from __future__ import annotations

import json
import sys

import click

from assistant.store import StoreError


def add_timers_command(cli: click.Group) -> None:
    @cli.command("timers")
    @click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="JSON 목록으로 출력 (name, kind, message, repeat, next_at, remaining, state)",
    )
    @click.pass_context
    def timers(ctx: click.Context, as_json: bool) -> None:
        """돌아가는 타이머, 알람, 알림을 보여줘요 (다른 창에서 맞춘 것도 포함)."""
        from . import listing
        from .service import service_for

        app = ctx.obj.app
        service = service_for(app)
        try:
            rows = service.pending()
            notice = service.take_notice()
            if notice:
                click.echo(f"경고: {notice}", err=True)
            if as_json:
                data = [listing.row_json(r, service) for r in rows]
                click.echo(json.dumps(data, ensure_ascii=False))
                return
            reply = listing.status_reply(rows, service)
            if reply.table is None:
                click.echo(reply.text)
                return
            from assistant.render import console, reply_renderable

            reply.title = "타이머·알람·알림"
            console().print(reply_renderable(reply, app.name))
        except StoreError as exc:
            click.echo(f"오류: {exc}", err=True)
            sys.exit(1)
        finally:
            service.close()
