"""One process's view of the timers: the store, the settings and (interactive) the scheduler.

The table in ``timers.db`` is the source of truth. In the interactive
assistant an APScheduler ``BackgroundScheduler`` (in-memory job store) runs:

- a poll job every ``poll_seconds`` that re-reads the table when another
  process changed it (``PRAGMA data_version``) and re-creates one ``date`` job
  per running timer, and fires anything already due (a safety net for clock
  jumps and missed jobs);
- the ``date`` jobs, which fire their timer at its end time.

Firing first *claims* the row (``UPDATE ... WHERE state = 'running'``): with
several assistants open exactly one of them announces a timer.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from assistant.korean import josa
from assistant.store import StoreError
from assistant.types import Notification

from . import speech
from .recur import Rule, last_ring, next_occurrence
from .store import FILE_NAME, StoreBroken, TimerRow, TimerStore

if TYPE_CHECKING:
    from assistant.app import App

log = logging.getLogger("assistant.timers")

STATE_KEY = "timers"
DEFAULTS: dict[str, Any] = {
    "max_duration_seconds": 86400,
    "min_duration_seconds": 1,
    "max_active": 50,
    "lock_timeout_seconds": 3.0,
    "poll_seconds": 0.5,
    "bell": True,
    "default_time": "09:00",
    "snooze_window_seconds": 1800,
}


def _quiet_apscheduler() -> None:
    """Send APScheduler's warnings to the assistant's log file, never onto the terminal."""
    aps = logging.getLogger("apscheduler")
    if aps.propagate:
        aps.propagate = False
        aps.setLevel(logging.WARNING)
        for handler in logging.getLogger("assistant").handlers:
            aps.addHandler(handler)
        if not aps.handlers:
            aps.addHandler(logging.NullHandler())


def _hhmm(value: str) -> str:
    """A config time "9:00" -> "09:00" (an unusable value falls back to 09:00, logged)."""
    try:
        hour, minute = (int(x) for x in value.split(":"))
        if 0 <= hour < 24 and 0 <= minute < 60:
            return f"{hour:02d}:{minute:02d}"
    except ValueError:
        pass
    log.warning("timers: default_time %r is not HH:MM; using 09:00", value)
    return "09:00"


def service_for(app: App) -> TimerService:
    """The (lazily created) timer service of this process."""
    service = app.state.get(STATE_KEY)
    if service is None:
        service = app.state[STATE_KEY] = TimerService(app)
    return service


class TimerService:
    def __init__(self, app: App) -> None:
        self.app = app
        settings = {**DEFAULTS, **app.config.plugin("timers")}
        self.max_duration = float(settings["max_duration_seconds"])
        self.min_duration = float(settings["min_duration_seconds"])
        self.max_active = int(settings["max_active"])
        self.lock_timeout = float(settings["lock_timeout_seconds"])
        self.poll_seconds = max(0.05, float(settings["poll_seconds"]))
        self.bell = bool(settings["bell"])
        self.default_time = _hhmm(str(settings["default_time"]))
        self.snooze_window = float(settings["snooze_window_seconds"])
        self._store: TimerStore | None = None
        self._notice: str | None = None
        self._scheduler: Any = None
        self._open_lock = threading.Lock()
        self._seen_version: int | None = None
        self._jobs: dict[int, float] = {}  # timer id -> ends_at of its date job
        self._sync_lock = threading.Lock()

    # -- store -------------------------------------------------------------------

    @property
    def store(self) -> TimerStore:
        """The open store; raises StoreError (Korean message) if timers.db can't be used."""
        with self._open_lock:
            if self._store is None:
                self._store = TimerStore(self.app.data_dir / FILE_NAME, timeout=self.lock_timeout)
                if self._store.moved_aside is not None:
                    self._notice = (
                        f"타이머 저장 파일이 손상되어 {self._store.moved_aside.name} 으로 옮겨 두고 "
                        "새로 시작했어요. 예전 타이머는 그 파일에 남아 있어요."
                    )
            return self._store

    def take_notice(self) -> str | None:
        """A one-time message for the user (the database was moved aside), or None."""
        notice, self._notice = self._notice, None
        return notice

    def reopen(self) -> None:
        """Drop the connection after a failure; the next use connects afresh."""
        with self._open_lock:
            if self._store is not None:
                with contextlib.suppress(Exception):
                    self._store.close()
                self._store = None
        self._seen_version = None

    def close(self) -> None:
        self.stop_scheduler()
        with self._sync_lock, self._open_lock:  # let a poll in progress finish first
            if self._store is not None:
                self._store.close()
                self._store = None

    # -- time --------------------------------------------------------------------

    def now(self) -> float:
        """Current time as UTC epoch seconds (from the app's clock)."""
        return self.app.now().timestamp()

    def local(self, epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).astimezone(self.app.tz)

    # -- operations (each commits before returning) ---------------------------------

    def start_timer(self, seconds: float, name: str = "") -> TimerRow:
        now = self.now()
        row = self.store.add("timer", name, seconds, now, now + seconds, max_active=self.max_active)
        self.changed()
        return row

    def set_alarm(self, ends_at: float, name: str = "") -> TimerRow:
        return self.schedule("alarm", ends_at, name=name)

    def schedule(
        self,
        kind: str,
        ends_at: float,
        *,
        name: str = "",
        message: str = "",
        rule: Rule | None = None,
    ) -> TimerRow:
        """A new alarm or reminder ringing at ``ends_at`` (then by ``rule`` if it repeats)."""
        now = self.now()
        row = self.store.add(
            kind, name, ends_at - now, now, ends_at, max_active=self.max_active, message=message,
            repeat=rule.to_json() if rule else None,
        )  # fmt: skip
        self.changed()
        return row

    def snooze(self, row: TimerRow, seconds: float) -> TimerRow:
        """Ring ``row`` again in ``seconds`` (a one-off copy); its ring counts as snoozed."""
        new = self.schedule(row.kind, self.now() + seconds, name=row.name, message=row.message)
        self.store.mark_snoozed(row.id)
        return new

    def skip(self, row: TimerRow) -> TimerRow | None:
        """Skip the next ring of a repeating row: move it to the one after."""
        rule = row.rule
        if rule is None or row.ends_at is None:
            return None
        after = next_occurrence(rule, self.local(row.ends_at), self.app.tz)
        moved = self.store.move(row.id, after.timestamp(), row.ends_at)
        self.changed()
        return moved

    def recently_fired(self) -> list[TimerRow]:
        return self.store.recently_fired(self.now() - self.snooze_window)

    def pending(self) -> list[TimerRow]:
        return self.store.pending(self.now())

    def cancel(self, rows: list[TimerRow]) -> int:
        count = self.store.delete([r.id for r in rows])
        self.changed()
        return count

    def pause(self, row: TimerRow) -> TimerRow | None:
        result = self.store.pause(row.id, self.now())
        self.changed()
        return result

    def resume(self, row: TimerRow) -> TimerRow | None:
        result = self.store.resume(row.id, self.now())
        self.changed()
        return result

    def extend(self, row: TimerRow, seconds: float) -> TimerRow | None:
        result = self.store.extend(row.id, seconds, self.now())
        self.changed()
        return result

    # -- firing --------------------------------------------------------------------

    def fire_due(self) -> list[TimerRow]:
        """Claim and announce every due timer; returns the ones this process fired."""
        now = self.now()
        fired = []
        for row in self.store.due(now):
            if self._claim(row, now):
                fired.append(row)
                if row.repeat:
                    self._seen_version = None  # its next ring needs a date job
                self.app.notify(self._fired_notification(row, now))
        return fired

    def _claim(self, row: TimerRow, now: float) -> bool:
        """Claim a due row (exactly one process wins); a repeating one moves to its next ring.

        The next ring is the first one after *now*, so an item missed for days rings
        once, never once per missed repeat.
        """
        rule = row.rule
        if rule is None:
            return self.store.claim(row.id, now)
        after = next_occurrence(rule, self.local(now), self.app.tz)
        return self.store.claim_repeat(row, now, after.timestamp())

    def rang_at(self, row: TimerRow, now: float) -> float:
        """When a due row should have rung: a repeat's latest ring at or before ``now``."""
        due = row.ends_at or now
        rule = row.rule
        if rule is None:
            return due
        return last_ring(rule, self.local(due), self.local(now), self.app.tz).timestamp()

    def _fire_one(self, timer_id: int) -> None:
        """Date-job target: fire one timer if it is (still) due."""
        if self._scheduler is None:  # shutting down
            return
        try:
            now = self.now()
            row = self.store.get(timer_id)
            if row is None or row.state != "running" or (row.ends_at or 0) > now:
                return
            if self._claim(row, now):
                self.app.notify(self._fired_notification(row, now))
                if row.repeat:
                    self.changed()  # a date job for its next ring
        except Exception:  # a background job must never die loudly
            log.exception("firing timer %s failed", timer_id)

    def _fired_notification(self, row: TimerRow, now: float) -> Notification:
        late = speech.say_ago(now - self.rang_at(row, now))
        if row.kind == "reminder":
            text = speech.reminder_text(row.message)
            if late:
                text += f" ({late} 늦었어요)"
            return Notification(
                text=text, title="알림", bell=self.bell, intent="reminder.fired", plugin="timers"
            )
        if row.kind == "alarm":
            when = speech.say_clock(self.local(row.ends_at or 0), self.app.now())
            text = f"{speech.label(row.name, 'alarm', row.duration)} 시간이에요! ({when})"
            title = "알람"
        elif row.name:
            text = f"{row.name} 타이머({speech.say_duration(row.duration)})가 끝났어요!"
            title = "타이머"
        else:
            text = f"{josa(speech.label('', 'timer', row.duration), '이/가')} 끝났어요!"
            title = "타이머"
        return Notification(
            text=text, title=title, bell=self.bell, intent="timer.fired", plugin="timers"
        )

    def announce_missed(self) -> list[TimerRow]:
        """Announce (once, across processes) timers that came due while no assistant ran."""
        now = self.now()
        missed = [row for row in self.store.due(now) if self._claim(row, now)]
        if not missed:
            return []
        kinds = {row.kind for row in missed}
        nouns = [
            n
            for k, n in (("timer", "타이머"), ("alarm", "알람"), ("reminder", "알림"))
            if k in kinds
        ]
        what = speech.join_nouns(nouns)
        parts = []
        for row in missed:
            ago = speech.say_ago(now - self.rang_at(row, now))
            when = f"{ago} 전에" if ago else "방금"
            verb = "끝났어요" if row.kind == "timer" else "울릴 시간이었어요"
            name = row.name or speech.label("", row.kind, row.duration, row.message)
            parts.append(f"{name} ({when} {verb})")
        text = f"놓친 {josa(what, '이/가')} 있어요: " + ", ".join(parts)
        self.app.notify(
            Notification(
                text=text,
                title="놓친 " + what,
                bell=self.bell,
                intent="timer.missed",
                plugin="timers",
            )
        )
        return missed

    # -- scheduler (interactive only) --------------------------------------------------

    def start_scheduler(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        _quiet_apscheduler()
        scheduler = BackgroundScheduler(
            timezone=timezone.utc,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        scheduler.add_job(self._sync, "interval", seconds=self.poll_seconds, id="timers-sync")
        scheduler.start()
        self._scheduler = scheduler
        self.changed()

    def stop_scheduler(self) -> None:
        with self._sync_lock:  # no poll job is adding date jobs meanwhile
            scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            try:
                # Empty the job store first: this waits for a running pass of APScheduler's
                # loop, which removes a fired date job right after handing it to a worker
                # and raises JobLookupError in its thread if the scheduler is already
                # stopped by then. A timer not fired is still due in timers.db.
                scheduler.remove_all_jobs()
                scheduler.shutdown(wait=False)
            except Exception:
                log.exception("stopping the timer scheduler failed")
        self._jobs.clear()

    def changed(self) -> None:
        """Our own write (or start-up): bring the date jobs in line with the table now."""
        if self._scheduler is not None:
            self._seen_version = None
            self._sync()

    def _sync(self) -> None:
        """Poll job: reschedule when the table changed, then fire anything due."""
        with self._sync_lock:
            self._sync_locked()

    def _sync_locked(self) -> None:
        if self._scheduler is None:  # shutting down
            return
        try:
            store = self.store
            version = store.data_version()
            if version != self._seen_version:
                self._seen_version = version
                self._reschedule(store.active())
            self.fire_due()
        except StoreError as exc:
            log.warning("timers poll skipped: %s", exc)
            if isinstance(exc, StoreBroken):
                self.reopen()
        except Exception:
            log.exception("timers poll failed")

    def _reschedule(self, rows: list[TimerRow]) -> None:
        scheduler = self._scheduler
        if scheduler is None:
            return
        wanted = {r.id: r.ends_at for r in rows if r.state == "running" and r.ends_at is not None}
        for timer_id in list(self._jobs):
            if self._jobs[timer_id] != wanted.get(timer_id):
                self._remove_job(timer_id)
        for timer_id, ends_at in wanted.items():
            if timer_id in self._jobs:
                continue
            run_date = datetime.fromtimestamp(ends_at, tz=timezone.utc)
            scheduler.add_job(
                self._fire_one, "date", run_date=run_date, args=[timer_id],
                id=f"timer-{timer_id}", replace_existing=True,
            )  # fmt: skip
            self._jobs[timer_id] = ends_at

    def _remove_job(self, timer_id: int) -> None:
        self._jobs.pop(timer_id, None)
        with contextlib.suppress(Exception):  # already run or removed
            self._scheduler.remove_job(f"timer-{timer_id}")
