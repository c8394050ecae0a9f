"""Which utterances are weather questions, and with which slots (no network involved)."""

from __future__ import annotations

import pytest

ISSUE_PHRASES = [
    ("서울 날씨 어때?", {"place": "서울"}),
    ("부산 날씨 알려줘", {"place": "부산"}),
    ("오늘 날씨 어때?", {"day": "today"}),
    ("내일 부산 날씨 알려줘", {"place": "부산", "day": "tomorrow"}),
    ("모레 제주도 날씨는?", {"place": "제주도", "day": "day_after_tomorrow"}),
    ("고잔동 날씨 어때?", {"place": "고잔동"}),
    ("인천 고잔동 날씨 어때?", {"place": "인천 고잔동"}),
    ("대전은 지금 날씨가 어때?", {"place": "대전", "now": True}),
    ("오늘 비 와?", {"day": "today", "ask": "rain"}),
    ("내일 비 온대?", {"day": "tomorrow", "ask": "rain"}),
    ("우산 챙겨야 돼?", {"ask": "umbrella"}),
    ("밖에 많이 추워?", {"ask": "cold"}),
    ("오늘 기온 몇 도야?", {"day": "today", "ask": "temperature"}),
    ("강릉 내일 눈 와?", {"place": "강릉", "day": "tomorrow", "ask": "snow"}),
    # a kind of snow is not a place called "첫" (blind small-talk set Z10)
    ("이랑아 밖에 첫눈 와!!", {"ask": "snow"}),
    ("서울에 함박눈 온대?", {"place": "서울", "ask": "snow"}),
    ("날씨어때", {}),
]

MORE_WEATHER = [
    (
        "이랑아, 내일 아침 서울 날씨 좀 알려줘",
        {"place": "서울", "day": "tomorrow", "part": "morning"},
    ),
    ("오늘밤 추워?", {"day": "today", "part": "evening", "ask": "cold"}),
    ("오후에 우산 챙겨야 돼?", {"part": "afternoon", "ask": "umbrella"}),
    ("지금 비 와?", {"now": True, "ask": "rain"}),
    ("Seoul 날씨 어때", {"place": "Seoul"}),
    ("내일 모레 날씨 어때", {"day": "day_after_tomorrow"}),
    ("오늘 날씨 맑아?", {"day": "today"}),
    ("부산 날씨 어때? 우산 필요해?", {"place": "부산", "ask": "umbrella"}),
    ("오늘 날씨 추워?", {"day": "today", "ask": "cold"}),
    ("뉴욕 내일 날씨 알려줘", {"place": "뉴욕", "day": "tomorrow"}),
    ("이번 주 날씨 어때", {"days": "this_week"}),
    ("이번 주말에 비 와?", {"days": "weekend", "ask": "rain"}),
    ("다음 주 토요일 부산 날씨 알려줘", {"days": "saturday", "next_week": True, "place": "부산"}),
    ("글피 날씨 어때", {"day_unsupported": "글피"}),
    ("부산에서 내일 비 와?", {"place": "부산", "day": "tomorrow", "ask": "rain"}),
    ("서울 추워?", {"place": "서울", "ask": "cold"}),
    ("지금 몇 도야", {"now": True, "ask": "temperature"}),
    ("보은 날씨", {"place": "보은"}),
    ("영종도 날씨 어때", {"place": "영종도"}),
    ("내일모레 광주 날씨 어때요", {"place": "광주", "day": "day_after_tomorrow"}),
    ("요즘 너무 덥던데 내일 날씨 어때", {"day": "tomorrow"}),
    # a clause before a short form is not a place (blind small-talk set R: "'빨래 널어놨는데'의
    # 위치를 찾는 중에 문제가 생겼어요")
    ("빨래 널어놨는데 오후에 비 온대", {"part": "afternoon", "ask": "rain"}),
    ("우산 없는데 비 와?", {"ask": "rain"}),
    # an adverb is no place
    ("오늘 이렇게 추워?", {"day": "today", "ask": "cold"}),
    ("내일 우산 가져가야 할까", {"day": "tomorrow", "ask": "umbrella"}),
]

CHAT = [
    "날씨가 좋아서 기분이 좋다",
    "비 오는 날 좋아해",
    "오늘 날씨 좋다",
    "너무 추워",
    "나 추워",
    "눈이 아파",
    "우산 잃어버렸어",
    "방 온도 몇 도야",
    "물 끓는 점이 몇 도야",
    "비밀 하나 알려줄까",
    "좋은 날씨",
    "비가 많이 오네",
    "날씨 때문에 우울해",
    "추워서 죽겠어",
    "여름이라 너무 더워",
    "날씨 얘기 좀 하자",
    "오늘 날씨 어때? 난 기분이 좋아",
    "이런 날씨 싫어",
    "눈물이 나",
    # a complaint, not a question (blind small-talk set Z12: "'왜 이렇게'의 위치를 찾는 중에 …")
    "아 오늘 왜 이렇게 덥냐",
    "요즘 왤케 추워",
    "왜 이리 춥냐 진짜",
]


@pytest.mark.parametrize(("text", "slots"), ISSUE_PHRASES + MORE_WEATHER)
def test_weather_questions_route_with_slots(make_assistant, text, slots):
    route = make_assistant().route(text)
    assert route.intent == "weather.get", text
    assert route.plugin == "weather"
    assert route.slots == slots


@pytest.mark.parametrize("text", CHAT)
def test_chat_about_weather_stays_smalltalk(make_assistant, text):
    assert make_assistant().route(text).intent != "weather.get"


def test_help_examples_route_to_weather(make_assistant):
    assistant = make_assistant()
    intent, plugin = assistant.router.intents["weather.get"]
    assert plugin == "weather"
    assert intent.keywords and len(intent.examples) >= 5
    for example in intent.examples:
        assert assistant.route(example).intent == "weather.get", example


def test_absurd_place_strings_still_reach_the_weather_plugin(make_assistant):
    """So the user gets a clear "not a place" answer instead of chit-chat."""
    assistant = make_assistant()
    for text in [
        "😀😀 날씨 어때",
        "'; DROP TABLE answers; -- 날씨 알려줘",
        "가" * 500 + " 날씨 어때",
    ]:
        route = assistant.route(text)
        assert route.intent == "weather.get"
        assert route.slots.get("place")


def test_route_command_shows_weather_slots(run_cli):
    result = run_cli("route", "--json", "인천 고잔동 날씨 어때?")
    assert result.returncode == 0, result.stderr
    assert '"intent": "weather.get"' in result.stdout
    assert '"place": "인천 고잔동"' in result.stdout
