"""Built-in plugin: timers, alarms and reminders ("5분 타이머", "매일 7시에 깨워줘",
"내일 8시에 약 먹으라고 알려줘").

Registered through the same hooks as any third-party plugin:

- ``register_intents``: timer.start, alarm.set, reminder.set, reminder.snooze,
  reminder.skip, timer.status, timer.cancel, timer.pause, timer.resume, timer.add
  (phrases in :mod:`.phrases`; days, dates and repeats read by :mod:`.when`);
- ``startup`` / ``shutdown``: in the interactive assistant, announce timers
  missed while no assistant ran, then run the APScheduler firing loop;
- ``register_commands``: ``assistant timers [--json]``;
- ``register_slash_commands``: ``/timers``.

The source of truth is ``timers.db`` in the data directory (see :mod:`.store`).
Settings: ``plugins.timers`` in assistant.yaml.

Routing needs only :mod:`.phrases` and :mod:`.when`; the handlers (and the store, scheduler
and wording modules behind them) are imported by the first turn that runs one, so a cold
``assistant route`` does not load them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING, Any

from assistant import hookimpl
from assistant.store import StoreError
from assistant.types import Intent, Notification, Reply, Request, SlashCommand

from . import phrases, when

if TYPE_CHECKING:
    import click

    from assistant.app import App

log = logging.getLogger("assistant.timers")


class _Lazy:
    """The functions of a module of this package, imported on first use: ``_handlers.cancel``
    is the handler ``cancel`` of :mod:`.handlers`, which loads when it first runs."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Callable[[Request], Any]:
        module = self._module

        def run(request: Request) -> Any:
            return getattr(import_module(f"{__name__}.{module}"), name)(request)

        run.__name__ = run.__qualname__ = name
        return run


_handlers, _reminders = _Lazy("handlers"), _Lazy("reminders")


@hookimpl
def register_intents(register: Callable[[Intent], None]) -> None:
    register(Intent(
        "timer.start", _handlers.start_timer, patterns=phrases.TIMER_START,
        keywords=phrases.TIMER_START_KEYWORDS, examples=phrases.TIMER_START_EXAMPLES,
        description="타이머 맞추기 (여러 개 동시에, 이름 붙이기 가능)",
    ))  # fmt: skip
    register(Intent(
        "alarm.set", _reminders.set_alarm, patterns=phrases.ALARM_SET,
        keywords=phrases.ALARM_SET_KEYWORDS, examples=phrases.ALARM_SET_EXAMPLES,
        description="정해진 시각에 알람 (요일·날짜·반복)",
    ))  # fmt: skip
    # Alarms and reminders on days, dates and repeats: read by .when. The extra alarm.set rule
    # outranks the plain patterns above on ties, since it also reads repeats and weekdays.
    register(Intent(
        "alarm.set", _reminders.set_alarm, match=when.match_for("alarm.set"), priority=1,
        keywords=phrases.WHEN_KEYWORDS, description="정해진 시각에 알람 (요일·날짜·반복)",
    ))  # fmt: skip
    register(Intent(
        "reminder.set", _reminders.set_reminder, match=when.match_for("reminder.set"), priority=1,
        keywords=phrases.WHEN_KEYWORDS, examples=phrases.REMINDER_SET_EXAMPLES,
        description="할 일 알림 (날짜·요일·반복)",
    ))  # fmt: skip
    register(Intent(
        "reminder.snooze", _reminders.snooze, patterns=phrases.SNOOZE,
        keywords=phrases.SNOOZE_KEYWORDS, examples=phrases.SNOOZE_EXAMPLES,
        description="방금 울린 알람·알림 조금 뒤에 다시",
    ))  # fmt: skip
    register(Intent(
        "reminder.skip", _reminders.skip, patterns=phrases.SKIP,
        keywords=phrases.SKIP_KEYWORDS, examples=phrases.SKIP_EXAMPLES,
        description="반복 알람·알림 한 번 건너뛰기",
    ))  # fmt: skip
    register(Intent(
        "timer.status", _handlers.status, patterns=phrases.TIMER_STATUS,
        keywords=phrases.TIMER_STATUS_KEYWORDS, examples=phrases.TIMER_STATUS_EXAMPLES,
        description="남은 시간, 타이머 목록",
    ))  # fmt: skip
    register(Intent(
        "timer.cancel", _handlers.cancel, patterns=phrases.TIMER_CANCEL, match=phrases.all_cancel_match,
        keywords=phrases.TIMER_CANCEL_KEYWORDS, examples=phrases.TIMER_CANCEL_EXAMPLES,
        description="타이머·알람 취소 (하나 또는 모두)",
    ))  # fmt: skip
    register(Intent(
        "timer.pause", _handlers.pause, patterns=phrases.TIMER_PAUSE,
        keywords=phrases.TIMER_PAUSE_KEYWORDS, examples=phrases.TIMER_PAUSE_EXAMPLES,
        description="타이머 잠깐 멈추기",
    ))  # fmt: skip
    register(Intent(
        "timer.resume", _handlers.resume, patterns=phrases.TIMER_RESUME,
        keywords=phrases.TIMER_RESUME_KEYWORDS, examples=phrases.TIMER_RESUME_EXAMPLES,
        description="멈춘 타이머 다시 시작",
    ))  # fmt: skip
    register(Intent(
        "timer.add", _handlers.add_time, patterns=phrases.TIMER_ADD,
        keywords=phrases.TIMER_ADD_KEYWORDS, examples=phrases.TIMER_ADD_EXAMPLES,
        description="돌아가는 타이머에 시간 더하기·빼기",
    ))  # fmt: skip


@hookimpl
def startup(app: App) -> None:
    """Interactive assistant only: announce missed timers, then start firing on time."""
    if not app.interactive:
        return
    from .service import service_for

    service = service_for(app)
    try:
        service.announce_missed()
    except StoreError as exc:
        log.warning("timers: %s", exc)
        app.notify(
            Notification(text=str(exc), title="타이머", intent="timer.error", plugin="timers")
        )
    notice = service.take_notice()
    if notice:
        app.notify(Notification(text=notice, title="타이머", intent="timer.error", plugin="timers"))
    service.start_scheduler()


@hookimpl
def shutdown(app: App) -> None:
    from .service import STATE_KEY

    service = app.state.pop(STATE_KEY, None)
    if service is not None:
        service.close()


def timers_reply(app: App, argument: str = "") -> Reply:
    """The list of active timers (``/timers``)."""
    from . import listing
    from .service import service_for

    service = service_for(app)
    try:
        rows = service.pending()
    except StoreError as exc:
        return Reply(str(exc))
    reply = listing.status_reply(rows, service)
    notice = service.take_notice()
    if notice:
        reply.text = f"{notice}\n{reply.text}"
    return reply


@hookimpl
def register_slash_commands(register: Callable[[SlashCommand], None]) -> None:
    register(SlashCommand("timers", "돌아가는 타이머·알람·알림 보기", timers_reply))


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .commands import add_timers_command

    add_timers_command(cli)
