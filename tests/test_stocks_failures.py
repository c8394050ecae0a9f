"""Slow, broken and missing answers: a clear Korean reply, one retry, a labelled stale answer."""

from __future__ import annotations

import sqlite3
import time

import pytest

from assistant_plugins.stocks.names import Directory, read_table
from stocks_helpers import KST, OPEN_NOW, ChartServer, Clock


@pytest.fixture
def server():
    with ChartServer() as s:
        yield s


def cache_rows(home) -> int:
    conn = sqlite3.connect(home / "stocks.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("mode", "words", "attempts"),
    [
        ("500", "HTTP 500", 2),  # transient: retried once
        ("malformed", "응답이 깨져", 1),
        ("truncated", "응답이 깨져", 2),  # a short read is retried
        ("missing", "응답이 깨져", 1),
        ("html", "응답이 깨져", 1),
    ],
)
def test_broken_answers_apologise_in_plain_korean(
    make_assistant, server, home, mode, words, attempts
):
    server.mode = mode
    assistant = make_assistant(server.overrides(), clock=Clock())
    text = assistant.respond("삼성전자 주가").reply.text
    assert text.startswith("죄송해요, 삼성전자(005930) 시세를 가져오지 못했어요.")
    assert "시세 서버" in text and words in text
    assert "Traceback" not in text and "Error" not in text
    assert len(server.hits()) == attempts
    assert assistant.host.failures == []
    server.mode = "ok"  # nothing broken was cached: once the server is fine the answer is fresh
    reply = assistant.respond("삼성전자 주가").reply
    assert reply.text.startswith("삼성전자(005930)는 71,200원이고")
    assert reply.data["source"] == "network"
    assert cache_rows(home) == 1


def test_chart_error_means_unknown_symbol(make_assistant, server):
    server.mode = "chart_error"
    text = make_assistant(server.overrides(), clock=Clock()).respond("코스피 지수").reply.text
    assert text == "죄송해요, 시세 서버에 코스피 지수가 없어요."


def test_flaky_server_is_retried_once(make_assistant, server):
    server.mode = "flaky"
    reply = make_assistant(server.overrides(), clock=Clock()).respond("삼전 얼마야").reply
    assert reply.text.startswith("삼성전자(005930)는 71,200원")
    assert len(server.hits()) == 2


def test_slow_server_times_out_within_the_budget(make_assistant, server):
    server.mode = "slow"
    server.delay = 3.0
    assistant = make_assistant(
        server.overrides(read_timeout=0.3, retry_backoff=0.05), clock=Clock()
    )
    started = time.monotonic()
    text = assistant.respond("삼성전자 주가").reply.text
    assert time.monotonic() - started < 3.0  # two 0.3 s reads and a pause, not the 3 s reply
    assert "시세 서버가 제때 응답하지 않았어요" in text
    assert len(server.hits()) == 2


def test_refused_connection(make_assistant, server):
    server.__exit__()  # nothing listens any more
    text = make_assistant(server.overrides(), clock=Clock()).respond("삼성전자 주가").reply.text
    assert "시세 서버에 연결하지 못했어요" in text


def test_cache_during_market_hours_is_short(make_assistant, server):
    clock = Clock()
    assistant = make_assistant(server.overrides(), clock=clock)
    assistant.respond("삼전 얼마야")
    clock.advance(seconds=30)
    assert assistant.respond("삼성전자 주가").reply.data["source"] == "cache"
    clock.advance(seconds=40)
    assert assistant.respond("삼성전자 주가").reply.data["source"] == "network"
    assert len(server.hits()) == 2


def test_cache_after_close_is_longer_but_not_across_the_opening(make_assistant, server):
    clock = Clock(OPEN_NOW.replace(hour=16, minute=0))
    assistant = make_assistant(server.overrides(), clock=clock)
    assistant.respond("삼전 얼마야")
    clock.advance(minutes=20)
    assert assistant.respond("삼전 얼마야").reply.data["source"] == "cache"
    clock.advance(minutes=20)  # 16:40: past cache_minutes_closed
    assert assistant.respond("삼전 얼마야").reply.data["source"] == "network"
    clock.now = OPEN_NOW.replace(hour=8, minute=50)
    assistant.respond("삼전 얼마야")
    clock.now = OPEN_NOW.replace(hour=9, minute=5)  # the market opened: fetch again
    assert assistant.respond("삼전 얼마야").reply.data["source"] == "network"


def test_network_failure_gives_a_stale_but_labelled_answer(make_assistant, server):
    clock = Clock()
    assistant = make_assistant(server.overrides(), clock=clock)
    assistant.respond("삼성전자 주가")
    clock.advance(minutes=35)
    server.mode = "500"
    reply = assistant.respond("삼성전자 주가").reply
    assert reply.text.startswith("삼성전자(005930)는 71,200원이고")
    assert reply.text.endswith(
        "다만 시세 서버에 문제가 생겨서(HTTP 500) 35분 전에 받아 둔 시세예요."
    )
    assert reply.data["source"] == "stale"
    clock.advance(hours=30)  # past stale_hours: no answer rather than a wrong one
    text = assistant.respond("삼성전자 주가").reply.text
    assert text.startswith("죄송해요, 삼성전자(005930) 시세를 가져오지 못했어요.")


def test_unknown_provider_is_said(make_assistant, server):
    text = make_assistant(server.overrides(provider="nope"), clock=Clock()).respond("삼전 얼마야")
    assert "시세 제공자 'nope'" in text.reply.text and "yahoo" in text.reply.text


def test_broken_table_rows_are_skipped_and_counted(tmp_path):
    table = tmp_path / "more.tsv"
    table.write_text(
        "# extra companies\ncode\tname\tmarket\tnicknames\n"
        "999990\t이랑전자\tKOSDAQ\t이랑,이전\n"
        "12345\t짧은코드\tKOSPI\t\n"
        "999991\t\tKOSPI\t\n"
        "999992\t시장틀림\tNYSE\t\n"
        "only-one-column\n",
        encoding="utf-8",
    )
    companies, problems = read_table(table)
    assert [c.name for c in companies] == ["이랑전자"]
    assert len(problems) == 4 and problems[0].startswith("more.tsv:4:")


def test_extra_table_from_the_config_is_used(make_assistant, server, tmp_path):
    table = tmp_path / "more.tsv"
    table.write_text("999990\t이랑전자\tKOSDAQ\t이랑\n", encoding="utf-8")
    server.quotes["999990.KQ"] = (5000.0, 5000.0)
    assistant = make_assistant(server.overrides(tables=[str(table)]), clock=Clock())
    reply = assistant.respond("이랑전자 주가").reply
    assert reply.text.startswith("이랑전자(999990)는 5,000원이고")
    assert server.hits() == ["999990.KQ"]


def test_shipped_table_is_sound():
    directory = Directory.load()
    codes = [c.code for c in directory.companies]
    assert len(codes) == len(set(codes)) >= 340
    markets = {m: sum(c.market == m for c in directory.companies) for m in ("KOSPI", "KOSDAQ")}
    assert markets["KOSPI"] >= 190 and markets["KOSDAQ"] >= 140
    for code, name in [
        ("005930", "삼성전자"),
        ("000660", "SK하이닉스"),
        ("373220", "LG에너지솔루션"),
        ("035720", "카카오"),
        ("247540", "에코프로비엠"),
        ("005380", "현대차"),
    ]:
        assert directory.by_code[code].name == name
    for nickname, name in [
        ("삼전", "삼성전자"),
        ("하닉", "SK하이닉스"),
        ("현차", "현대차"),
        ("엘지엔솔", "LG에너지솔루션"),
        ("카뱅", "카카오뱅크"),
    ]:
        assert directory.find(nickname).company.name == name


def test_quote_time_is_korean_time_whatever_the_zone(make_assistant, server):
    server.quote_time = OPEN_NOW.replace(hour=10, minute=5).astimezone(KST).timestamp()
    text = make_assistant(server.overrides(), clock=Clock()).respond("삼성전자 주가").reply.text
    assert "오전 10시 5분 시세예요." in text


def test_a_damaged_cache_file_is_moved_aside(make_assistant, server, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "stocks.db").write_bytes(b"this is not a database" * 100)
    reply = make_assistant(server.overrides(), clock=Clock()).respond("삼전 얼마야").reply
    assert reply.text.startswith("삼성전자(005930)는 71,200원이고")
    assert list(home.glob("stocks.db.corrupt-*"))
    assert cache_rows(home) == 1
