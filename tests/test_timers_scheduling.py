"""Timers in-process with an injected clock: replies, state changes, firing, missed timers."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timedelta

import pytest

from timers_helpers import FakeClock, Inbox, seoul

#: How late a firing may be and still count as on time, on a machine whose cores are busy.
ON_TIME_SECONDS = 5.0


@pytest.fixture
def clock():
    return FakeClock(seoul(14, 32))


@pytest.fixture
def irang(make_assistant, clock):
    return make_assistant(clock=clock)


def service(assistant):
    from assistant_plugins.timers.service import service_for

    return service_for(assistant.app)


def active(assistant):
    return service(assistant).pending()


def say(assistant, text):
    return assistant.respond(text).reply


# -- setting and reading ---------------------------------------------------------------


def test_named_timer_reply_has_the_end_time(irang, clock):
    reply = say(irang, "라면 타이머 3분 맞춰줘")
    assert reply.text == "라면 타이머 3분 맞췄어요. 오후 2시 35분에 알려드릴게요."
    (row,) = active(irang)
    assert (row.name, row.kind, row.state) == ("라면", "timer", "running")
    assert row.ends_at == pytest.approx((clock.now + timedelta(minutes=3)).timestamp())
    assert reply.data["timer"]["ends_at"].startswith("2026-11-22T14:35:00")
    assert reply.data["timer"]["ends_at"].endswith("+09:00")


def test_remaining_time_is_read_naturally(irang, clock):
    say(irang, "라면 타이머 3분")
    clock.advance(50)
    assert (
        say(irang, "타이머 얼마나 남았어?").text
        == "라면 타이머는 2분 10초 남았어요. 오후 2시 35분에 끝나요."
    )
    clock.advance(129.4)
    assert "1초 남았어요" in say(irang, "남은 시간 알려줘").text  # rounds up, never "0초"


def test_several_timers_run_at_once_and_are_listed(irang, clock):
    say(irang, "5분 타이머 맞춰줘")
    say(irang, "계란 타이머 12분")
    say(irang, "1시간 30분 타이머")
    rows = active(irang)
    assert [r.duration for r in rows] == [300, 720, 5400]  # soonest first
    reply = say(irang, "타이머 목록 보여줘")
    assert reply.text.startswith("타이머가 3개 있어요")
    assert [row[1] for row in reply.table.rows] == ["-", "계란", "-"]
    assert reply.table.rows[1][4] == "12분"


def test_short_timer_shows_seconds_in_the_end_time(irang, clock):
    clock.now = seoul(14, 32, 10)
    assert (
        say(irang, "30초 타이머").text == "30초 타이머 맞췄어요. 오후 2시 32분 40초에 알려드릴게요."
    )


def test_status_by_name(irang, clock):
    say(irang, "라면 타이머 3분")
    say(irang, "계란 타이머 10분")
    assert say(irang, "계란 타이머 몇 분 남았어").text.startswith("계란 타이머는 10분 남았어요")
    assert "없어요" in say(irang, "피자 타이머 얼마나 남았어").text


# -- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("0분 타이머", "1초 이상"),
        ("-5분 타이머", "음수"),
        ("999시간 타이머", "최대 24시간"),
        ("25시에 알람", "25시는 없는 시각"),
    ],
)
def test_bad_input_gets_a_korean_answer_and_sets_nothing(irang, text, says):
    turn = irang.respond(text)
    assert turn.plugin == "timers"
    assert says in turn.reply.text
    assert active(irang) == []


def test_cancel_with_nothing_running(irang):
    assert say(irang, "타이머 취소").text == "지금 돌아가는 타이머가 없어요."
    assert say(irang, "모든 타이머 취소해").text == "지금 돌아가는 타이머가 없어요."


def test_maximum_follows_the_config(make_assistant, clock):
    irang = make_assistant({"plugins": {"timers": {"max_duration_seconds": 600}}}, clock=clock)
    assert "최대 10분" in say(irang, "11분 타이머").text
    assert "맞췄어요" in say(irang, "10분 타이머").text


def test_timer_without_a_length_asks_for_it(irang, clock):
    question = say(irang, "타이머 맞춰줘")
    assert question.followup is not None and "몇 분" in question.text
    assert active(irang) == []
    assert say(irang, "3분이요").text == "3분 타이머 맞췄어요. 오후 2시 35분에 알려드릴게요."
    (row,) = active(irang)
    assert row.duration == 180


def test_alarm_without_a_time_asks_for_it(irang, clock):
    assert "몇 시" in say(irang, "회의 알람 맞춰줘").text
    assert say(irang, "오후 3시").text.startswith("회의 알람을 오후 3시에 맞췄어요.")
    (row,) = active(irang)
    assert (row.kind, row.name) == ("alarm", "회의")


def test_question_answered_with_something_else_is_routed_normally(irang):
    say(irang, "타이머 맞춰줘")
    turn = irang.respond("타이머 목록 보여줘")
    assert turn.route.intent == "timer.status"
    assert active(irang) == []


# -- cancel, ambiguity ---------------------------------------------------------------------


def test_cancel_by_name(irang):
    say(irang, "라면 타이머 3분")
    say(irang, "계란 타이머 10분")
    assert say(irang, "라면 타이머 취소").text == "라면 타이머를 취소했어요."
    assert [r.name for r in active(irang)] == ["계란"]


def test_names_ending_in_particle_like_syllables(irang):
    say(irang, "고양이 타이머 3분")  # "이" is part of the name, not a particle
    say(irang, "요가 타이머 10분")
    assert say(irang, "고양이 타이머 몇 분 남았어").text.startswith("고양이 타이머는 3분 남았어요")
    say(irang, "타이머 취소")
    assert say(irang, "요가요").text == "요가 타이머를 취소했어요."
    assert [r.name for r in active(irang)] == ["고양이"]


def test_one_timer_is_cancelled_without_a_question(irang):
    say(irang, "5분 타이머")
    assert say(irang, "타이머 취소").text == "5분 타이머를 취소했어요."
    assert active(irang) == []


@pytest.mark.parametrize(
    ("answer", "left"),
    [
        ("라면", ["계란"]),
        ("라면 타이머", ["계란"]),
        ("첫 번째", ["계란"]),
        ("2번", ["라면"]),
        ("계란 타이머 취소해", ["라면"]),
        ("모두", []),
    ],
)
def test_ambiguous_cancel_asks_which_and_the_answer_completes_it(irang, answer, left):
    say(irang, "라면 타이머 3분")
    say(irang, "계란 타이머 10분")
    question = say(irang, "타이머 취소")
    assert question.followup is not None
    assert "어느 것을 취소할까요" in question.text
    assert "1) 라면 타이머" in question.text and "2) 계란 타이머" in question.text
    assert len(active(irang)) == 2  # nothing cancelled by the question
    turn = irang.respond(answer)
    assert turn.route.intent == "timer.cancel"
    assert "취소했어요" in turn.reply.text
    assert [r.name for r in active(irang)] == left


def test_unrelated_answer_is_routed_normally_and_nothing_is_cancelled(irang):
    say(irang, "라면 타이머 3분")
    say(irang, "계란 타이머 10분")
    say(irang, "타이머 취소")
    turn = irang.respond("5분 타이머 맞춰줘")
    assert turn.route.intent == "timer.start"
    assert sorted(r.name for r in active(irang)) == ["", "계란", "라면"]


def test_never_mind_keeps_the_timers(irang):
    say(irang, "라면 타이머 3분")
    say(irang, "계란 타이머 10분")
    say(irang, "타이머 취소")
    assert say(irang, "아니").text == "알겠어요, 그대로 둘게요."
    assert len(active(irang)) == 2


def test_cancel_all_leaves_alarms_and_says_so(irang):
    say(irang, "5분 타이머")
    say(irang, "10분 타이머")
    say(irang, "오후 6시에 알람")
    reply = say(irang, "모든 타이머 취소해")
    assert reply.text == "타이머 2개를 모두 취소했어요. (알람 1개는 그대로예요.)"
    assert [r.kind for r in active(irang)] == ["alarm"]
    assert "알람은 1개" in say(irang, "타이머 취소").text


# -- pause, resume, add --------------------------------------------------------------------


def test_pause_freezes_and_resume_continues(irang, clock):
    say(irang, "라면 타이머 3분")
    clock.advance(50)
    assert say(irang, "타이머 잠깐 멈춰").text.startswith(
        "라면 타이머를 멈췄어요. 2분 10초 남아 있어요."
    )
    clock.advance(600)
    assert service(irang).fire_due() == []
    assert (
        say(irang, "타이머 얼마나 남았어").text == "라면 타이머는 멈춰 있어요. 2분 10초 남았어요."
    )
    reply = say(irang, "타이머 다시 시작해줘")
    assert reply.text == "라면 타이머를 다시 시작했어요. 오후 2시 45분에 끝나요."  # 14:42:50 + 2:10
    (row,) = active(irang)
    assert row.ends_at == pytest.approx(clock.now.timestamp() + 130)
    assert say(irang, "타이머 다시 시작해줘").text == "멈춰 있는 타이머가 없어요."


def test_add_and_take_time(irang, clock):
    say(irang, "라면 타이머 3분")
    reply = say(irang, "타이머에 1분 더해줘")
    assert reply.text == "라면 타이머에 1분 더했어요. 4분 남았어요. 오후 2시 36분에 끝나요."
    say(irang, "타이머 30초 빼줘")
    (row,) = active(irang)
    assert row.ends_at - clock.now.timestamp() == pytest.approx(210)
    assert "뺄 수 없어요" in say(irang, "타이머 10분 빼줘").text
    assert "넘어서" in say(irang, "타이머 24시간 추가해줘").text


# -- alarms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "text", "rings"),
    [
        (seoul(10, 0), "7시에 깨워줘", seoul(19, 0)),  # bare hour: the next 7 o'clock
        (seoul(20, 0), "7시에 깨워줘", seoul(7, 0, day=23)),
        (seoul(6, 0), "7시에 깨워줘", seoul(7, 0)),
        (seoul(8, 0), "오전 7시 30분에 알람", seoul(7, 30, day=23)),
        (seoul(8, 0), "오후 3시에 알람", seoul(15, 0)),
        (seoul(8, 0), "저녁 6시에 회의 알림 해줘", seoul(18, 0)),
        (seoul(16, 0), "15시 20분에 알람 맞춰", seoul(15, 20, day=23)),
        (seoul(23, 0), "밤 12시에 알람", seoul(0, 0, day=23)),
        (seoul(23, 0), "새벽 2시에 깨워줘", seoul(2, 0, day=23)),
        (seoul(10, 0), "내일 7시 알람", seoul(7, 0, day=23)),
        (seoul(10, 0), "내일 알람 7시로 맞춰줘", seoul(7, 0, day=23)),
        (seoul(10, 0), "모레 아침 6시 반에 깨워줘", seoul(6, 30, day=24)),
        (seoul(10, 0), "12시에 깨워줘", seoul(12, 0)),  # bare 12: noon or midnight, the next one
        (seoul(13, 0), "12시에 깨워줘", seoul(0, 0, day=23)),
        (seoul(13, 0), "7시 반에 알람", seoul(19, 30)),
    ],
)
def test_alarm_rings_at_the_next_such_time(make_assistant, now, text, rings):
    irang = make_assistant(clock=FakeClock(now))
    turn = irang.respond(text)
    assert turn.route.intent == "alarm.set"
    (row,) = active(irang)
    assert row.kind == "alarm"
    assert row.ends_at == rings.timestamp()
    assert "맞췄어요" in turn.reply.text


def test_named_alarm_reply(make_assistant):
    irang = make_assistant(clock=FakeClock(seoul(8, 0)))
    assert (
        say(irang, "저녁 6시에 회의 알림 해줘").text
        == "회의 알람을 오후 6시에 맞췄어요. 10시간 뒤에 울려요."
    )
    (row,) = active(irang)
    assert row.name == "회의"


def test_alarm_for_a_time_already_past_today(make_assistant):
    irang = make_assistant(clock=FakeClock(seoul(20, 0)))
    assert "이미 지났어요" in say(irang, "오늘 오전 7시에 알람").text
    assert active(irang) == []


@pytest.mark.parametrize(
    "text", ["월요일 7시에 깨워줘", "25일 3시에 알람", "다음 주 오전 7시에 알람 맞춰"]
)
def test_alarm_on_a_weekday_or_date_is_refused_not_misplaced(make_assistant, text):
    irang = make_assistant(clock=FakeClock(seoul(10, 0)))
    reply = say(irang, text)
    assert "아직 맞출 수 없어요" in reply.text
    assert active(irang) == []


def test_repeating_alarm_is_set_once_and_says_so(make_assistant):
    irang = make_assistant(clock=FakeClock(seoul(10, 0)))
    reply = say(irang, "매일 아침 7시에 깨워줘")
    assert reply.text.startswith("반복 알람은 아직 못 맞춰요. 이번 한 번만")
    (row,) = active(irang)
    assert row.ends_at == seoul(7, 0, day=23).timestamp()


def test_time_zone_from_config(make_assistant):
    clock = FakeClock(seoul(14, 32))
    irang = make_assistant({"timezone": "America/New_York"}, clock=clock)
    reply = say(irang, "오후 3시에 알람")
    ends = datetime.fromisoformat(reply.data["timer"]["ends_at"])
    assert ends.utcoffset() == timedelta(hours=-5)
    assert (ends.hour, ends.minute) == (15, 0)
    assert ends > clock.now


def test_end_time_is_absolute_so_a_zone_change_does_not_move_it(make_assistant, clock):
    say(make_assistant(clock=clock), "5분 타이머")
    clock.advance(60)
    other = make_assistant({"timezone": "Europe/London"}, clock=clock)
    (row,) = active(other)
    assert row.left(clock.now.timestamp()) == pytest.approx(240)


# -- firing ----------------------------------------------------------------------------------


def test_due_timer_fires_once_with_a_bell(irang, clock):
    inbox = Inbox()
    irang.app.set_notifier(inbox)
    say(irang, "라면 타이머 3분")
    clock.advance(179)
    assert service(irang).fire_due() == []
    clock.advance(1)
    assert [r.name for r in service(irang).fire_due()] == ["라면"]
    assert service(irang).fire_due() == []
    (note,) = inbox.items
    assert note.text == "라면 타이머(3분)가 끝났어요!"
    assert note.bell and note.intent == "timer.fired" and note.plugin == "timers"
    assert active(irang) == []


def test_two_assistants_fire_a_timer_exactly_once(make_assistant, clock):
    first, second = make_assistant(clock=clock), make_assistant(clock=clock)
    inboxes = [Inbox(), Inbox()]
    first.app.set_notifier(inboxes[0])
    second.app.set_notifier(inboxes[1])
    say(first, "5분 타이머")
    say(second, "10분 타이머")
    clock.advance(600)
    fired = service(second).fire_due() + service(first).fire_due()
    assert sorted(r.duration for r in fired) == [300, 600]
    assert len(inboxes[0].items) + len(inboxes[1].items) == 2


def test_missed_timers_are_announced_once_at_start(make_assistant, clock):
    say(make_assistant(clock=clock), "라면 타이머 3분")
    say(make_assistant(clock=clock), "계란 타이머 1시간")
    clock.advance(6 * 60)
    irang = make_assistant(clock=clock, interactive=True)
    inbox = Inbox()
    irang.app.set_notifier(inbox)
    irang.startup()
    assert inbox.texts == ["놓친 타이머가 있어요: 라면 (3분 전에 끝났어요)"]
    assert [r.name for r in active(irang)] == ["계란"]
    again = make_assistant(clock=clock, interactive=True)
    again_inbox = Inbox()
    again.app.set_notifier(again_inbox)
    again.startup()
    time.sleep(0.3)
    assert again_inbox.items == []


def test_scheduler_fires_on_time_in_the_interactive_assistant(make_assistant):
    irang = make_assistant(interactive=True)
    inbox = Inbox()
    irang.app.set_notifier(inbox)
    irang.startup()
    say(irang, "1초 타이머")
    (row,) = active(irang)
    (note,) = inbox.wait(1, timeout=15)
    late = time.time() - row.ends_at
    assert note.text == "1초 타이머가 끝났어요!"
    # never early; "on time" allows for a busy machine (the scheduler thread may wait for a core)
    assert 0 <= late < ON_TIME_SECONDS


def test_scheduler_sees_timers_set_by_another_process(make_assistant):
    """A timer written to timers.db by someone else fires here (the poll job)."""
    irang = make_assistant(interactive=True)
    inbox = Inbox()
    irang.app.set_notifier(inbox)
    irang.startup()
    other = make_assistant()  # its own App and connection, like `assistant ask`
    say(other, "회의 타이머 1초")
    (note,) = inbox.wait(1, timeout=15)
    assert note.text == "회의 타이머(1초)가 끝났어요!"


def test_cancelled_elsewhere_does_not_fire(make_assistant):
    irang = make_assistant(interactive=True)
    inbox = Inbox()
    irang.app.set_notifier(inbox)
    irang.startup()
    say(irang, "2초 타이머")
    other = make_assistant()
    assert say(other, "타이머 취소").text == "2초 타이머를 취소했어요."
    time.sleep(2.5)
    assert inbox.items == []


# -- the database ------------------------------------------------------------------------------


def test_rows_are_plain_columns_in_timers_db(irang, home):
    say(irang, "라면 타이머 3분")
    conn = sqlite3.connect(home / "timers.db")
    (row,) = conn.execute(
        "SELECT kind, name, duration, state, typeof(ends_at) FROM timers"
    ).fetchall()
    assert row == ("timer", "라면", 180.0, "running", "real")
    assert (home / "timers.db").stat().st_mode & 0o777 == 0o600


def test_locked_database_gets_a_clear_answer_and_loses_nothing(make_assistant, home, clock):
    irang = make_assistant({"plugins": {"timers": {"lock_timeout_seconds": 0.2}}}, clock=clock)
    say(irang, "라면 타이머 3분")
    locker = sqlite3.connect(home / "timers.db", isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    try:
        turn = irang.respond("5분 타이머")
        assert turn.plugin == "timers"
        assert "다른 프로그램이 쓰고 있어서" in turn.reply.text
        assert "맞췄어요" not in turn.reply.text
        assert "다른 프로그램" in say(irang, "타이머 취소").text
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert [r.name for r in active(irang)] == ["라면"]
    assert "맞췄어요" in say(irang, "5분 타이머").text


def test_database_locked_at_open(make_assistant, home, clock):
    """The file is held exclusively (rollback journal) before we ever open it."""
    home.mkdir(parents=True, exist_ok=True)
    locker = sqlite3.connect(home / "timers.db", isolation_level=None)
    locker.execute("PRAGMA locking_mode=EXCLUSIVE")
    locker.execute("CREATE TABLE other (x)")
    locker.execute("BEGIN EXCLUSIVE")
    try:
        irang = make_assistant({"plugins": {"timers": {"lock_timeout_seconds": 0.2}}}, clock=clock)
        turn = irang.respond("5분 타이머")
        assert turn.plugin == "timers"
        assert "timers.db" in turn.reply.text and "잠시 후" in turn.reply.text
    finally:
        locker.close()
    assert "맞췄어요" in say(irang, "5분 타이머").text


def test_corrupt_database_is_kept_aside_and_the_user_is_told(make_assistant, home, clock):
    home.mkdir(parents=True, exist_ok=True)
    garbage = b"this is not a database" * 100
    (home / "timers.db").write_bytes(garbage)
    irang = make_assistant(clock=clock)
    reply = say(irang, "5분 타이머")
    assert "손상" in reply.text and "맞췄어요" in reply.text
    aside = [p for p in home.iterdir() if p.name.startswith("timers.db.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    assert aside[0].name in reply.text
    assert "손상" not in say(irang, "타이머 얼마나 남았어").text  # told once
    assert len(active(irang)) == 1


def test_database_broken_while_running_gets_a_clear_answer_then_recovers(irang, home):
    say(irang, "5분 타이머")
    other = sqlite3.connect(home / "timers.db", isolation_level=None)
    other.execute("DROP TABLE timers")
    other.close()
    turn = irang.respond("타이머 얼마나 남았어")
    assert turn.plugin == "timers"
    assert "timers.db" in turn.reply.text and "잠시 후 다시" in turn.reply.text
    assert "맞췄어요" in say(irang, "3분 타이머").text  # reconnected, table created again
    assert [r.duration for r in active(irang)] == [180]


def test_slash_command_lists_timers(irang):
    say(irang, "라면 타이머 3분")
    say(irang, "계란 타이머 10분")
    plugin, command = irang.slash_commands["timers"]
    reply = command.run(irang.app, "")
    assert plugin == "timers"
    assert reply.table is not None and len(reply.table.rows) == 2


def test_quitting_as_a_timer_fires_kills_no_thread(make_assistant):
    """Ctrl-D at the moment a timer fires: no exception in APScheduler's threads.

    APScheduler removes a fired date job just after handing it to its worker thread; a
    shutdown in between used to make that removal raise JobLookupError in the scheduler
    thread (a traceback on the user's terminal). The scheduler thread is held in that
    window here so the race happens every time.
    """
    import threading

    errors: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: errors.append(args.exc_value)
    try:
        irang = make_assistant(interactive=True)
        inbox = Inbox()
        irang.app.set_notifier(inbox)
        irang.startup()
        executor = service(irang)._scheduler._lookup_executor("default")
        submit = executor.submit_job

        def submit_then_stall(job, run_times):
            submit(job, run_times)
            if job.id.startswith("timer-"):
                time.sleep(0.5)  # the worker fires the timer; the user quits meanwhile

        executor.submit_job = submit_then_stall
        service(irang).start_timer(0.05)
        assert inbox.wait(1, timeout=5)
        irang.shutdown()
        time.sleep(0.2)
    finally:
        threading.excepthook = previous
    assert errors == []
