"""Stock answers in Korean against a fake chart API on 127.0.0.1, with the injectable clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from stocks_helpers import KST, OPEN_NOW, WEEKEND_NOW, ChartServer, Clock

DELAY = "시세는 실제보다 늦을 수 있어요."


@pytest.fixture
def server():
    with ChartServer() as s:
        yield s


def ask(make_assistant, server, text, now=OPEN_NOW, **settings):
    assistant = make_assistant(server.overrides(**settings), clock=Clock(now))
    turn = assistant.respond(text)
    assert assistant.host.failures == []
    return turn.reply


@pytest.mark.parametrize(
    ("text", "code", "start"),
    [
        (
            "삼성전자 주가 알려줘",
            "005930",
            "삼성전자(005930)는 71,200원이고, 전날 종가보다 1,200원(1.71%) 올랐어요.",
        ),
        ("삼전 얼마야", "005930", "삼성전자(005930)는 71,200원이고"),
        (
            "카카오 주식 어때?",
            "035720",
            "카카오(035720)는 41,250원이고, 전날 종가와 같아서 그대로예요.",
        ),
        (
            "현대차 시세",
            "005380",
            "현대차(005380)는 215,000원이고, 전날 종가보다 5,000원(2.38%) 올랐어요.",
        ),
        ("005930 주가", "005930", "삼성전자(005930)는 71,200원이고"),
        (
            "에코프로비엠 주가",
            "247540",
            "에코프로비엠(247540)은 150,000원이고, 전날 종가보다 10,000원(6.25%) 내렸어요.",
        ),
    ],
)
def test_price_rises_falls_and_unchanged(make_assistant, server, text, code, start):
    reply = ask(make_assistant, server, text)
    assert reply.text.startswith(start)
    assert "오전 10시 30분 시세예요." in reply.text and DELAY in reply.text
    assert "장 마감" not in reply.text
    assert reply.data["code"] == code and reply.data["source"] == "network"


def test_kosdaq_company_uses_the_kq_symbol(make_assistant, server):
    ask(make_assistant, server, "에코프로비엠 주가")
    assert server.hits() == ["247540.KQ"]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("SK하이닉스 오늘 올랐어?", "아니요, 내렸어요."),
        ("하닉 떨어졌어?", "네, 내렸어요."),
        ("삼성전자 올랐어?", "네, 올랐어요."),
        ("삼전 떨어졌어?", "아니요, 올랐어요."),
        ("카카오 올랐어?", "아니요, 전날과 그대로예요."),
    ],
)
def test_yes_no_questions_answer_first(make_assistant, server, text, first):
    reply = ask(make_assistant, server, text)
    assert reply.text.startswith(first + " ")
    assert "원이고" in reply.text


def test_never_advice_but_the_price(make_assistant, server):
    reply = ask(make_assistant, server, "삼성전자 사도 돼?")
    assert reply.text.startswith("투자 판단은 도와드릴 수 없어요.")
    assert "71,200원" in reply.text and reply.data["code"] == "005930"


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("코스피 지수", "코스피 지수는 2,650.12이고, 전날 종가보다 12.30포인트(0.47%) 올랐어요."),
        ("코스닥 어때", "코스닥 지수는 850.50이고, 전날 종가보다 9.75포인트(1.13%) 내렸어요."),
        ("오늘 코스닥 올랐어?", "아니요, 내렸어요. 코스닥 지수는 850.50이고"),
        ("나스닥 지수 알려줘", "나스닥 종합 지수는 18,000.00이고"),
    ],
)
def test_indices(make_assistant, server, text, start):
    reply = ask(make_assistant, server, text)
    assert reply.text.startswith(start)
    assert DELAY in reply.text


def test_index_symbols(make_assistant, server):
    assistant = make_assistant(server.overrides(), clock=Clock())
    for text in ("코스피 지수", "코스닥 어때"):
        assistant.respond(text)
    assert server.hits() == ["^KS11", "^KQ11"]


def test_weekend_answers_from_the_last_close(make_assistant, server):
    server.now = WEEKEND_NOW
    server.quote_time = datetime(2026, 11, 27, 15, 30, tzinfo=KST).timestamp()  # Friday close
    reply = ask(make_assistant, server, "삼성전자 오늘 올랐어?", now=WEEKEND_NOW)
    assert reply.text.startswith("오늘은 주말이라 장이 열리지 않았어요.")
    assert "11월 27일(금) 오후 3시 30분, 장 마감 기준이에요." in reply.text


@pytest.mark.parametrize(
    ("now", "reason"),
    [
        (datetime(2026, 11, 24, 8, 59, tzinfo=KST), "before"),
        (datetime(2026, 11, 24, 15, 30, tzinfo=KST), "after"),
        (datetime(2026, 9, 25, 11, 0, tzinfo=KST), "holiday"),  # 추석 (Friday)
        (datetime(2026, 12, 31, 11, 0, tzinfo=KST), "holiday"),  # year-end closing day
    ],
)
def test_outside_market_hours_says_closing_basis(make_assistant, server, now, reason):
    server.now = now
    reply = ask(make_assistant, server, "삼성전자 주가", now=now)
    assert "장 마감 기준이에요." in reply.text, reason


def test_market_hours_do_not_depend_on_the_configured_time_zone(make_assistant, server):
    """10:30 in Seoul is open whatever zone the assistant speaks in."""
    assistant = make_assistant(
        {"timezone": "America/New_York", **server.overrides()}, clock=Clock(OPEN_NOW)
    )
    text = assistant.respond("삼성전자 주가").reply.text
    assert "오전 10시 30분 시세예요." in text and "장 마감" not in text


def test_extra_closed_days_from_the_config(make_assistant, server):
    reply = ask(make_assistant, server, "삼성전자 주가", closed_days=["2026-11-24"])
    assert "장 마감 기준이에요." in reply.text


def test_ambiguous_name_asks_back_and_the_answer_works(make_assistant, server):
    assistant = make_assistant(server.overrides(), clock=Clock())
    reply = assistant.respond("현대 주가 알려줘").reply
    assert reply.text.startswith("'현대'는 여러 종목이 있어요. 현대차, 현대모비스,")
    assert "어느 것인가요?" in reply.text
    assert [c["code"] for c in reply.data["choices"]][:2] == ["005380", "012330"]
    assert server.hits() == []
    answer = assistant.respond("모비스요").reply
    assert answer.text.startswith("현대모비스(012330)는 250,000원이고")
    assert answer.data["code"] == "012330"


def test_ambiguity_answered_by_number(make_assistant, server):
    assistant = make_assistant(server.overrides(), clock=Clock())
    assistant.respond("현대 얼마야")
    assert assistant.respond("1번").reply.data["code"] == "005380"


def test_ambiguity_keeps_the_yes_no_question(make_assistant, server):
    assistant = make_assistant(server.overrides(), clock=Clock())
    assistant.respond("현대 올랐어?")
    assert assistant.respond("현대모비스").reply.text.startswith("아니요, 내렸어요.")


def test_something_else_after_the_question_is_routed_as_usual(make_assistant, server):
    assistant = make_assistant(server.overrides(), clock=Clock())
    assistant.respond("현대 주가")
    turn = assistant.respond("코스피 지수")
    assert turn.reply.text.startswith("코스피 지수는")


def test_typo_ambiguity_asks_back(make_assistant, server):
    reply = ask(make_assistant, server, "삼성전지 주가")  # 삼성전자 or 삼성전기?
    assert "삼성전자, 삼성전기 중 어느 것인가요?" in reply.text


def test_unknown_company_is_said_plainly(make_assistant, server):
    reply = ask(make_assistant, server, "이랑전자 주가 알려줘")
    assert reply.text.startswith("죄송해요, '이랑전자'가 어느 상장 종목인지 찾지 못했어요.")
    assert server.hits() == []


def test_unknown_code_is_tried_on_both_markets_then_said(make_assistant, server):
    reply = ask(make_assistant, server, "123456 주가")
    assert reply.text.startswith("죄송해요, 종목코드 123456의 시세를 찾을 수 없어요.")
    assert reply.data == {"error": "unknown_symbol", "code": "123456"}
    assert server.hits() == ["123456.KS", "123456.KQ"]


def test_a_code_missing_from_the_table_but_listed_is_answered(make_assistant, server):
    server.quotes["999990.KQ"] = (1234.0, 1000.0)
    reply = ask(make_assistant, server, "999990 주가")
    assert reply.text.startswith(
        "종목코드 999990은 1,234원이고, 전날 종가보다 234원(23.40%) 올랐어요."
    )


def test_user_agent_is_sent(make_assistant, server):
    ask(make_assistant, server, "삼전 얼마야")
    assert server.user_agents[0].startswith("irang-assistant/")


def test_a_company_that_moved_market_is_still_found(make_assistant, server):
    server.quotes["066970.KS"] = (90000.0, 90000.0)  # the table says KOSDAQ
    reply = ask(make_assistant, server, "엘앤에프 주가")
    assert reply.text.startswith("엘앤에프(066970)는 90,000원이고")
    assert server.hits() == ["066970.KQ", "066970.KS"]
    assert reply.data["symbol"] == "066970.KS"


def test_ambiguity_answered_by_ordinal_word(make_assistant, server):
    assistant = make_assistant(server.overrides(), clock=Clock())
    assistant.respond("현대 시세")
    assert assistant.respond("두 번째").reply.data["code"] == "012330"


def test_today_asked_before_the_open_says_so(make_assistant, server):
    early = datetime(2026, 11, 24, 8, 30, tzinfo=KST)
    server.quote_time = datetime(2026, 11, 23, 15, 30, tzinfo=KST).timestamp()  # Monday close
    reply = ask(make_assistant, server, "SK하이닉스 오늘 올랐어?", now=early)
    assert reply.text.startswith(
        "오늘 장은 아직 열리지 않았어요. 마지막 거래일 기준으로 알려드릴게요. 아니요, 내렸어요."
    )
    assert "11월 23일(월) 오후 3시 30분, 장 마감 기준이에요." in reply.text
