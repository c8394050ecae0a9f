"""Timers read out as lists: one-line descriptions, the table, the JSON form, status replies."""

from __future__ import annotations

from assistant.korean import josa
from assistant.types import Reply, Table

from . import speech
from .service import TimerService
from .store import TimerRow


def describe(row: TimerRow, service: TimerService, *, with_end: bool = True) -> str:
    """ "라면 타이머 2분 10초 남음 (오후 2시 35분)" for lists."""
    now = service.now()
    name = speech.label(row.name, row.kind, row.duration, row.message)
    left = speech.say_wait(row.left(now))
    if row.state == "paused":
        return f"{name} {left} 남음(멈춤)"
    if row.kind == "reminder":
        name = f"{speech.emoji_for(row.message)} {row.message}"
    if row.kind != "timer":
        at = speech.say_clock(service.local(row.ends_at or now), service.app.now())
        rule = row.rule
        return f"{name} {at}" + (f" ({speech.say_repeat(rule)})" if rule else "")
    end = (
        f" ({speech.say_clock(service.local(row.ends_at or now), service.app.now())})"
        if with_end
        else ""
    )
    return f"{name} {left} 남음{end}"


def numbered(rows: list[TimerRow], service: TimerService) -> str:
    return ", ".join(f"{i}) {describe(r, service, with_end=False)}" for i, r in enumerate(rows, 1))


KIND_NAMES = {"timer": "타이머", "alarm": "알람", "reminder": "알림"}


def _called(row: TimerRow) -> str:
    """The table's name column: a reminder's message with its emoji ("💊 약 먹을 시간")."""
    if row.kind == "reminder":
        return f"{speech.emoji_for(row.message)} {row.message}"
    return row.name or "-"


def timers_table(rows: list[TimerRow], service: TimerService) -> Table:
    now = service.now()
    table_rows = []
    for i, row in enumerate(rows, 1):
        end = (
            "-"
            if row.state == "paused"
            else speech.say_clock(
                service.local(row.ends_at or now), service.app.now(), seconds=True
            )
        )
        table_rows.append([
            str(i),
            _called(row),
            KIND_NAMES[row.kind] + (f" ({speech.say_repeat(row.rule)})" if row.rule else ""),
            end,
            speech.say_wait(row.left(now)),
            "멈춤" if row.state == "paused" else "진행 중",
        ])  # fmt: skip
    return Table(["#", "이름", "종류", "끝나는 시각", "남은 시간", "상태"], table_rows)


def row_json(row: TimerRow, service: TimerService) -> dict:
    """The public JSON form of a timer (``assistant timers --json``, reply data)."""
    now = service.now()
    ends_at = (
        None
        if row.state == "paused" or row.ends_at is None
        else service.local(row.ends_at).isoformat(timespec="milliseconds")
    )
    return {
        "id": row.id,
        "name": row.name,
        "label": speech.label(row.name, row.kind, row.duration, row.message),
        "kind": row.kind,
        "ends_at": ends_at,
        "remaining": round(row.left(now), 3),
        "state": row.state,
        "duration": round(row.duration, 3),
        "message": row.message,
        "repeat": _repeat_json(row),
        "next_at": ends_at,
    }


def _repeat_json(row: TimerRow) -> dict | None:
    """A repeating item's rule: {"repeat": "weekly", "time": "20:00", "weekdays": [...], ...}."""
    rule = row.rule
    if rule is None:
        return None
    data: dict = {"repeat": rule.repeat, "time": rule.time}
    if rule.repeat == "weekly":
        data["weekdays"] = list(rule.weekdays)
    if rule.repeat == "monthly":
        data["day_of_month"] = rule.day_of_month
    return data


def noun(kind: str | None) -> str:
    return {"alarm": "알람", "timer": "타이머", "reminder": "알림"}.get(kind or "", "타이머나 알람")


def none_left(kind: str | None, others: list[TimerRow]) -> str:
    text = f"지금 돌아가는 {josa(noun(kind), '이/가')} 없어요."
    if kind and others:
        other = noun("timer" if kind == "alarm" else "alarm")
        text += f" ({josa(other, '은/는')} {len(others)}개 있어요.)"
    return text


def status_reply(rows: list[TimerRow], service: TimerService, kind: str | None = None) -> Reply:
    if not rows:
        return Reply(none_left(kind, []), data={"timers": []})
    data = {"timers": [row_json(r, service) for r in rows]}
    if len(rows) == 1:
        row = rows[0]
        now = service.now()
        name = josa(speech.label(row.name, row.kind, row.duration, row.message), "은/는")
        left = speech.say_wait(row.left(now))
        if row.state == "paused":
            text = f"{name} 멈춰 있어요. {left} 남았어요."
        elif row.kind != "timer":
            when = speech.say_clock(service.local(row.ends_at or now), service.app.now())
            text = f"{name} {when}에 울려요. {left} 남았어요."
            if row.rule:
                text += f" ({speech.say_repeat(row.rule)}마다)"
        else:
            when = speech.say_clock(service.local(row.ends_at or now), service.app.now())
            text = f"{name} {left} 남았어요. {when}에 끝나요."
        return Reply(text, data=data)
    kinds = {r.kind for r in rows}
    nouns = [KIND_NAMES[k] for k in ("timer", "alarm", "reminder") if k in kinds]
    what = josa(speech.join_nouns(nouns), "이/가")
    listing = ", ".join(describe(r, service) for r in rows)
    return Reply(
        f"{what} {len(rows)}개 있어요: {listing}.", table=timers_table(rows, service), data=data
    )
