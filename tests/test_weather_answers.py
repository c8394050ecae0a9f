"""Weather answers against a real loopback HTTP server shaped like Open-Meteo."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from assistant_plugins.weather.answer import number
from assistant_plugins.weather.places import lookup
from weather_helpers import NOW, Clock, DayScenario, OpenMeteoServer


@pytest.fixture
def server():
    with OpenMeteoServer() as s:
        yield s


@pytest.fixture
def ask(make_assistant, server):
    """ask(text, **settings) -> Turn, with the plugin pointed at the fake server and a fixed clock."""
    clock = Clock()
    made = {}

    def run(text, **settings):
        key = tuple(sorted(settings.items()))
        if key not in made:
            made[key] = make_assistant(server.overrides(**settings), clock=clock)
        return made[key].respond(text)

    run.clock = clock
    return run


def test_current_weather_for_a_table_city_names_place_and_figures(ask, server):
    turn = ask("서울 날씨 어때?")
    assert turn.route.intent == "weather.get"
    text = turn.reply.text
    assert text.startswith("서울은 지금")
    assert f"{number(server.scenario.current.temperature)}도" in text
    assert f"{number(server.scenario.current.apparent)}도" in text
    assert "구름이 조금 있고" in text  # WMO code 2 in words
    d = server.scenario.days[0]
    assert f"최저 {number(d.tmin)}도" in text and f"최고 {number(d.tmax)}도" in text
    # The built-in table answered the place: no geocoding request.
    assert server.hits("/v1/search") == []
    [hit] = server.hits("/v1/forecast")
    seoul = lookup("서울")[0]
    assert float(hit.query["latitude"]) == pytest.approx(seoul.latitude, abs=1e-3)
    assert float(hit.query["longitude"]) == pytest.approx(seoul.longitude, abs=1e-3)
    assert (
        "temperature_2m" in hit.query["current"]
        and "precipitation_probability" in hit.query["hourly"]
    )
    assert hit.headers["User-Agent"].startswith("irang-assistant/")
    assert turn.reply.data["place"] == "서울" and turn.reply.data["source"] == "network"


def test_tomorrow_and_day_after_use_those_days(ask, server):
    server.scenario.days[1] = DayScenario(code=3, tmin=-4.0, tmax=3.5, pop=20)
    server.scenario.days[2] = DayScenario(code=0, tmin=7.0, tmax=16.0, pop=0)
    text = ask("내일 부산 날씨 알려줘").reply.text
    assert text.startswith("내일 부산은 흐리고")
    assert "최저 -4도" in text and "최고 3.5도" in text
    text = ask("모레 제주도 날씨는?").reply.text
    assert text.startswith("모레 제주도는 맑고")
    assert "최저 7도" in text and "최고 16도" in text


def test_incheon_gojan_dong_picks_the_one_in_incheon(ask, server):
    turn = ask("인천 고잔동 날씨 어때?")
    assert "인천 남동구 고잔동" in turn.reply.text
    [geo] = server.hits("/v1/search")
    assert (
        geo.query["name"] == "고잔동"
        and geo.query["countryCode"] == "KR"
        and geo.query["language"] == "ko"
    )
    assert "%EA%B3%A0%EC%9E%94%EB%8F%99" in geo.raw_query  # URL-encoded Hangul
    [fc] = server.hits("/v1/forecast")
    assert float(fc.query["latitude"]) == pytest.approx(37.4009, abs=1e-3)


def test_bare_gojan_dong_uses_the_first_result_and_mentions_the_other(ask, server):
    text = ask("고잔동 날씨 어때?").reply.text
    assert text.startswith("경기 안산시 단원구 고잔동은 지금")
    assert "인천 남동구 고잔동" in text and "'인천 고잔동 날씨'" in text


def test_place_not_in_the_named_region_is_not_guessed(ask, server):
    text = ask("부산 고잔동 날씨 어때?").reply.text
    assert "찾지 못했어요" in text
    assert server.hits("/v1/forecast") == []


def test_unknown_place_gets_suggestions_not_a_guess(ask, server):
    text = ask("수언 날씨 어때?").reply.text
    assert "어느 지역인지 찾지 못했어요" in text
    assert "수원" in text
    assert server.hits("/v1/forecast") == []
    # KR first, then worldwide
    assert [h.query.get("countryCode") for h in server.hits("/v1/search")] == ["KR", None]


def test_rain_question_is_answered_yes_first_with_figures(ask, server):
    server.scenario.days[0] = DayScenario(
        code=63, tmin=5, tmax=9, pop=80, rain_mm=12.0, wet_hours=(15, 21)
    )
    text = ask("오늘 비 와?").reply.text
    assert text.startswith("네, 오늘 서울에는 비 소식이 있어요.")
    assert "오후 3시쯤부터" in text and "80%" in text and "12mm" in text and "우산" in text


def test_rain_question_no(ask, server):
    server.scenario.days[1] = DayScenario(code=1, pop=10)
    text = ask("내일 비 온대?").reply.text
    assert text.startswith("아니요, 내일 서울에는 비 소식이 없어요.")


def test_umbrella_question(ask, server):
    server.scenario.days[0] = DayScenario(code=61, pop=70, rain_mm=3.0)
    assert ask("우산 챙겨야 돼?").reply.text.startswith("네, 우산을 챙기시는 게 좋겠어요.")


def test_umbrella_not_needed(ask, server):
    assert ask("우산 챙겨야 돼?").reply.text.startswith("아니요")


def test_cold_question_uses_the_feels_like_temperature(ask, server):
    server.scenario.current.apparent = -1.5
    text = ask("밖에 많이 추워?").reply.text
    assert text.startswith("네, 지금 서울은 추워요.")
    assert "-1.5도" in text


def test_not_cold(ask, server):
    server.scenario.current.temperature = 21.0
    server.scenario.current.apparent = 21.0
    assert ask("밖에 많이 추워?").reply.text.startswith("아니요, 지금 서울은 춥지 않아요.")


def test_temperature_question(ask, server):
    text = ask("오늘 기온 몇 도야?").reply.text
    assert text.startswith(f"서울의 지금 기온은 {number(server.scenario.current.temperature)}도")


def test_snow_question_for_gangneung_tomorrow(ask, server):
    server.scenario.days[1] = DayScenario(
        code=73, tmin=-6, tmax=-1, pop=90, rain_mm=4.0, snow_cm=5.5
    )
    text = ask("강릉 내일 눈 와?").reply.text
    assert text.startswith("네, 내일 강릉에는 눈 소식이 있어요.")
    assert "5.5cm" in text
    [fc] = server.hits("/v1/forecast")
    assert float(fc.query["latitude"]) == pytest.approx(lookup("강릉")[0].latitude, abs=1e-3)


def test_current_conditions_now_in_daejeon(ask, server):
    assert ask("대전은 지금 날씨가 어때?").reply.text.startswith("대전은 지금")


def test_default_place_comes_from_config(ask, server):
    assert ask("날씨어때").reply.text.startswith("서울은 지금")
    assert ask("날씨어때", default_place="부산").reply.text.startswith("부산은 지금")


def test_fahrenheit_units_are_requested_and_said(ask, server):
    text = ask("서울 날씨 어때?", temperature_unit="fahrenheit").reply.text
    assert server.hits("/v1/forecast")[-1].query["temperature_unit"] == "fahrenheit"
    assert "화씨" in text


def test_answers_are_cached_for_the_configured_time(ask, server):
    ask("서울 날씨 어때?")
    ask("오늘 비 와?")  # same place: served from the cache
    assert len(server.hits("/v1/forecast")) == 1
    ask.clock.advance(minutes=11)
    turn = ask("서울 날씨 어때?")
    assert len(server.hits("/v1/forecast")) == 2
    assert turn.reply.data["source"] == "network"


def test_cache_survives_a_new_process_and_geocoding_is_cached(make_assistant, server):
    clock = Clock()
    make_assistant(server.overrides(), clock=clock).respond("인천 고잔동 날씨 어때?")
    turn = make_assistant(server.overrides(), clock=clock).respond("인천 고잔동 날씨 어때?")
    assert turn.reply.data["source"] == "cache"
    assert len(server.hits("/v1/search")) == 1 and len(server.hits("/v1/forecast")) == 1


def test_the_clock_decides_today(make_assistant, server):
    """Late in the evening the remaining hours of today count, not the morning."""
    server.scenario.days[0] = DayScenario(code=61, pop=80, rain_mm=3.0, wet_hours=(6, 9))
    late = Clock(NOW.replace(hour=22))
    text = make_assistant(server.overrides(), clock=late).respond("오늘 비 와?").reply.text
    assert not text.startswith("네"), text


def test_geocoder_url_and_forecast_url_are_settings(ask, server):
    ask("역삼동 날씨 어때?")
    assert urlsplit(server.hits("/v1/search")[0].path).path == "/v1/search"
    assert len(server.hits("/v1/forecast")) == 1


def test_http_proxy_from_the_environment_is_used(make_assistant, server, monkeypatch):
    """With http_proxy set, requests go to the proxy with the absolute URL (no DNS lookup here)."""
    for name in ("no_proxy", "NO_PROXY", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", server.base)
    settings = server.settings(forecast_url="http://weather.test/v1/forecast")
    turn = make_assistant({"plugins": {"weather": settings}}, clock=Clock()).respond(
        "서울 날씨 어때?"
    )
    assert turn.reply.text.startswith("서울은 지금")
    [hit] = server.hits("/v1/forecast")
    assert hit.headers["Host"] == "weather.test"


def test_a_fuzzy_geocoder_match_is_a_suggestion_not_a_guess(ask, server):
    text = ask("고잔도 날씨 어때?").reply.text
    assert text.startswith("죄송해요, '고잔도'가 어느 지역인지 찾지 못했어요.")
    assert "경기 안산시 단원구 고잔동" in text
    assert server.hits("/v1/forecast") == []


def test_latin_place_names_trust_the_geocoder(ask, server):
    text = ask("Seoul 날씨 어때?").reply.text
    assert text.startswith("서울은 지금")


def test_part_of_day_uses_those_hours(ask, server):
    # Tomorrow: dry morning, wet evening.
    server.scenario.days[1] = DayScenario(
        code=63, tmin=1, tmax=9, pop=80, rain_mm=6.0, wet_hours=(18, 23)
    )
    text = ask("내일 아침 비 와?").reply.text
    assert text.startswith("아니요, 내일 아침 서울에는 비 소식이 없어요."), text
    text = ask("내일 저녁 비 와?").reply.text
    assert text.startswith("네, 내일 저녁 서울에는 비 소식이 있어요."), text
    assert "저녁 6시쯤부터" in text
    text = ask("내일 아침 날씨 어때?").reply.text
    assert text.startswith("내일 아침 서울은")


def test_now_rain_question_answers_about_now_and_mentions_later(ask, server):
    server.scenario.days[0] = DayScenario(code=61, pop=70, rain_mm=3.0, wet_hours=(15, 18))
    text = ask("지금 비 와?").reply.text
    assert text.startswith(
        "아니요, 지금 서울에는 비가 오지 않아요. 다만 오후 3시쯤부터 비 소식이 있어요."
    )
    server.scenario.current.code = 63
    ask.clock.advance(minutes=11)
    assert ask("지금 비 와?").reply.text.startswith("네, 지금 서울에는 비가 오고 있어요.")


def test_days_it_cannot_answer_are_said_plainly(ask, server):
    assert ask("글피 날씨 어때?").reply.text.startswith(
        "죄송해요, 글피 날씨는 아직 알려드릴 수 없어요."
    )
    assert ask("어제 날씨 어때?").reply.text.startswith("죄송해요, 지난 날씨는 알려드릴 수 없어요.")
    assert server.requests == []


def test_old_forecasts_are_pruned_but_geocoding_is_kept(make_assistant, server, home):
    import sqlite3

    clock = Clock()
    assistant = make_assistant(server.overrides(), clock=clock)
    assistant.respond("인천 고잔동 날씨 어때?")
    clock.advance(days=2)
    assistant.respond("서울 날씨 어때?")  # a fresh fetch prunes forecasts older than ~a day
    conn = sqlite3.connect(home / "weather.db")
    keys = sorted(k for (k,) in conn.execute("SELECT key FROM answers"))
    conn.close()
    assert [k.split("|")[0] for k in keys] == ["fc", "geo"]
    assistant.respond("인천 고잔동 날씨 어때?")
    assert len(server.hits("/v1/search")) == 1


@pytest.fixture
def ask_on_wednesday(make_assistant):
    """Like ``ask`` but on Wednesday 2026-11-25, with the server's forecast starting that day."""
    wednesday = NOW.replace(day=25)
    with OpenMeteoServer(today=wednesday.date()) as server:
        assistant = make_assistant(server.overrides(), clock=Clock(wednesday))
        yield assistant.respond, server


def test_weekend_question_lists_saturday_and_sunday(ask_on_wednesday):
    ask, server = ask_on_wednesday
    server.scenario.days[4] = DayScenario(code=63, tmin=4, tmax=10, pop=80, rain_mm=8.0)  # Sunday
    turn = ask("이번 주말에 비 와?")
    text = turn.reply.text
    assert text.startswith("네, 이번 주말 서울에는 일요일에 비 소식이 있어요.")
    assert "토요일(11/28)" in text and "일요일(11/29) 비" in text
    assert [row[0] for row in turn.reply.table.rows] == ["토요일(11/28)", "일요일(11/29)"]
    assert turn.reply.data["days"] == [3, 4]


def test_a_weekday_is_its_next_occurrence(ask_on_wednesday):
    ask, server = ask_on_wednesday
    server.scenario.days[3] = DayScenario(code=0, tmin=-3, tmax=4)  # Saturday
    text = ask("토요일 날씨 어때?").reply.text
    assert text.startswith("토요일(11/28) 서울은 맑고 기온은 최저 -3도, 최고 4도예요.")
    assert ask("금요일에 우산 챙겨야 돼?").reply.text.startswith("아니요, 모레(금요일) 서울에는")


def test_this_week_runs_to_sunday_and_next_week_says_where_the_forecast_ends(ask_on_wednesday):
    ask, server = ask_on_wednesday
    turn = ask("이번 주 날씨 어때?")
    assert len(turn.reply.table.rows) == 5  # Wednesday to Sunday
    text = ask("다음 주 날씨 알려줘").reply.text
    assert "(화요일까지만 예보가 있어요.)" in text
    text = ask("다음 주 토요일 날씨 알려줘").reply.text
    assert text.startswith("죄송해요, 다음 주 토요일 날씨는 아직 예보가 없어요.")


@pytest.fixture
def chat(make_assistant, server):
    """An assistant without the (slow, model-based) chat plugins: small talk gets a fixed reply."""
    overrides = server.overrides()
    overrides["plugins"].update({"smalltalk": {"enabled": False}, "emotion": {"enabled": False}})
    return make_assistant(overrides, clock=Clock()).respond


def test_short_follow_ups_continue_the_last_weather_question(chat, server):
    server.scenario.days[1] = DayScenario(code=63, pop=80, rain_mm=5.0)
    assert chat("내일 비 와?").reply.text.startswith("네, 내일 서울에는 비 소식이 있어요.")
    turn = chat("부산은?")
    assert turn.route.intent == "weather.get"
    assert turn.reply.text.startswith("네, 내일 부산에는 비 소식이 있어요.")
    assert chat("모레는?").reply.text.startswith("아니요, 모레 부산에는 비 소식이 없어요.")
    assert chat("우산은?").reply.text.startswith("아니요, 모레 부산에는 비 소식이 없어서 우산은")
    # Anything else is routed as usual and ends the follow-up.
    assert chat("고마워").route.intent == "smalltalk"
    assert chat("부산은?").route.intent == "smalltalk"


def test_no_follow_up_after_a_failed_answer(chat, server):
    server.mode["/v1/forecast"] = "404"
    chat("서울 날씨 어때?")
    assert chat("부산은?").route.intent == "smalltalk"


def test_country_code_setting(ask, server):
    ask("역삼동 날씨 어때?", country_code="")
    assert "countryCode" not in server.hits("/v1/search")[0].query
    ask("역삼동 날씨 어때?", country_code="JP", geocode_cache_days=0)
    assert server.hits("/v1/search")[1].query["countryCode"] == "JP"


@pytest.mark.parametrize(
    ("place", "expected"),
    [("하남", "'하남'이"), ("광주", "'광주'가"), ("무을", "'무을'이"), ("Paris", "'Paris'가")],
)
def test_unknown_place_particle_fits_the_name(place, expected):
    from assistant_plugins.weather.service import check_place_text, unknown_place_message

    message = unknown_place_message(place)
    assert message.startswith(f"죄송해요, {expected} 어느 지역인지") and "(" not in message
    rejected = check_place_text("Zoom@@") or ""
    assert "'Zoom@@'은 지역 이름으로" in rejected and "(는)" not in rejected
