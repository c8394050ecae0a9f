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
    name = speech.label(row.name, row.kind, row.duration)
    left = speech.say_duration(row.left(now))
    if row.state == "paused":
        return f"{name} {left} 남음(멈춤)"
    if row.kind == "alarm":
        return f"{name} {speech.say_clock(service.local(row.ends_at or now), service.app.now())}"
    end = (
        f" ({speech.say_clock(service.local(row.ends_at or now), service.app.now())})"
        if with_end
        else ""
    )
    return f"{name} {left} 남음{end}"


def numbered(rows: list[TimerRow], service: TimerService) -> str:
    return ", ".join(f"{i}) {describe(r, service, with_end=False)}" for i, r in enumerate(rows, 1))


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
            row.name or "-",
            "알람" if row.kind == "alarm" else "타이머",
            end,
            speech.say_duration(row.left(now)),
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
        "label": speech.label(row.name, row.kind, row.duration),
        "kind": row.kind,
        "ends_at": ends_at,
        "remaining": round(row.left(now), 3),
        "state": row.state,
        "duration": round(row.duration, 3),
    }


def noun(kind: str | None) -> str:
    return {"alarm": "알람", "timer": "타이머"}.get(kind or "", "타이머나 알람")


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
        name = josa(speech.label(row.name, row.kind, row.duration), "은/는")
        left = speech.say_duration(row.left(now))
        if row.state == "paused":
            text = f"{name} 멈춰 있어요. {left} 남았어요."
        elif row.kind == "alarm":
            when = speech.say_clock(service.local(row.ends_at or now), service.app.now())
            text = f"{name} {when}에 울려요. {left} 남았어요."
        else:
            when = speech.say_clock(service.local(row.ends_at or now), service.app.now())
            text = f"{name} {left} 남았어요. {when}에 끝나요."
        return Reply(text, data=data)
    kinds = {r.kind for r in rows}
    what = (
        "타이머와 알람이" if len(kinds) == 2 else ("알람이" if kinds == {"alarm"} else "타이머가")
    )
    listing = ", ".join(describe(r, service) for r in rows)
    return Reply(
        f"{what} {len(rows)}개 있어요: {listing}.", table=timers_table(rows, service), data=data
    )
