"""Which utterances are stock questions, and with which slots (no network involved)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, cli_env

ISSUE_PHRASES = [
    ("삼성전자 주가 알려줘", "stock.price", {"company": "삼성전자"}),
    ("삼전 얼마야", "stock.price", {"company": "삼성전자"}),
    ("카카오 주식 어때?", "stock.price", {"company": "카카오"}),
    (
        "SK하이닉스 오늘 올랐어?",
        "stock.price",
        {"company": "SK하이닉스", "ask": "up", "today": True},
    ),
    ("현대차 시세", "stock.price", {"company": "현대차"}),
    ("005930 주가", "stock.price", {"company": "005930"}),
    ("코스피 지수", "stock.index", {"index": "KOSPI"}),
    ("코스닥 어때", "stock.index", {"index": "KOSDAQ"}),
    ("삼성전자 사도 돼?", "stock.price", {"company": "삼성전자", "ask": "advice"}),
]

NICKNAMES_AND_TYPOS = [
    ("하닉 떨어졌어?", {"company": "SK하이닉스", "ask": "down"}),
    ("현차 주가", {"company": "현대차"}),
    ("엘지엔솔 시세 알려줘", {"company": "LG에너지솔루션"}),
    ("카뱅 얼마야", {"company": "카카오뱅크"}),
    ("sk 하이닉스 주가", {"company": "SK하이닉스"}),  # spacing and case
    ("Sk하이닉스 주가", {"company": "SK하이닉스"}),
    ("삼성 전자 주가", {"company": "삼성전자"}),
    ("셀트리은 주가", {"company": "셀트리온"}),  # one letter off
    ("카카우 얼마야", {"company": "카카오"}),
    ("하이닉수 주가 어때", {"company": "SK하이닉스"}),
    ("삼성전자는 얼마야", {"company": "삼성전자"}),  # particle
    ("이랑아, 기아차 주가 좀 알려줘", {"company": "기아"}),
    ("에코프로비엠 현재가", {"company": "에코프로비엠"}),
    ("현대 주가", {"company": "현대"}),  # ambiguous: kept as said, the handler asks back
    ("오늘 코스피 올랐어?", {"index": "KOSPI", "ask": "up", "today": True}),
    ("나스닥 지수 알려줘", {"index": "NASDAQ"}),
]

CHAT = [
    "주식 공부 좀 해볼까",
    "주식으로 돈 날렸어",
    "개미들 힘내자",
    "주식 어때",
    "내 주식 어때",
    "요즘 주식 하는 사람 많지",
    "사과 얼마야",
    "이거 얼마야",
    "뭐 어때",
    "오늘 기분 어때",
    "삼성전자 다니는 친구가 있어",
    "코스피 3000 가자",
    "주가 조작은 나빠",
]


@pytest.mark.parametrize(("text", "intent", "slots"), ISSUE_PHRASES)
def test_issue_phrases_route_with_slots(make_assistant, text, intent, slots):
    route = make_assistant().route(text)
    assert (route.intent, route.plugin, route.slots) == (intent, "stocks", slots)


@pytest.mark.parametrize(("text", "slots"), NICKNAMES_AND_TYPOS)
def test_nicknames_spacing_and_typos(make_assistant, text, slots):
    route = make_assistant().route(text)
    assert route.intent.startswith("stock."), text
    assert route.slots == slots


@pytest.mark.parametrize("text", CHAT)
def test_chat_about_stocks_stays_smalltalk(make_assistant, text):
    assert make_assistant().route(text).intent == "smalltalk", text


def test_help_examples_route_to_stocks(make_assistant):
    assistant = make_assistant()
    for name in ("stock.price", "stock.index"):
        intent, plugin = assistant.router.intents[name]
        assert plugin == "stocks" and intent.keywords
        for example in intent.examples:
            assert assistant.route(example).intent == name, example


def test_weather_and_timers_are_not_taken(make_assistant):
    assistant = make_assistant()
    assert assistant.route("서울 날씨 어때?").intent == "weather.get"
    assert assistant.route("5분 타이머 맞춰줘").intent == "timer.start"


def test_route_stays_light_and_offline(home):
    """Routing a stock question loads the name table only: no network, cache or calendar code."""
    code = textwrap.dedent(
        """
        import json, sys, time
        from assistant.cli import main
        sys.argv = ["assistant", "route", "--json", "삼전 얼마야"]
        try:
            main()
        except SystemExit:
            pass
        loaded = [m for m in ("torch", "transformers", "kiwipiepy", "http.client", "sqlite3",
                              "holidays", "assistant.http", "assistant_plugins.stocks.service")
                  if m in sys.modules]
        print("LOADED", json.dumps(loaded))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(home), cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    route = json.loads(result.stdout.splitlines()[0])
    assert route["intent"] == "stock.price" and route["slots"] == {"company": "삼성전자"}
    loaded = json.loads(result.stdout.split("LOADED", 1)[1])
    assert not [m for m in loaded if m not in ("sqlite3",)], loaded
