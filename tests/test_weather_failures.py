"""Failures end in a short Korean apology, never a traceback, and never damage the cache."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time

import pytest

from assistant_plugins.weather import providers
from assistant_plugins.weather.places import Place
from assistant_plugins.weather.providers import Current, Day, Forecast
from weather_helpers import Clock, OpenMeteoServer, closed_port


@pytest.fixture
def server():
    with OpenMeteoServer() as s:
        yield s


def cache_rows(home) -> int:
    conn = sqlite3.connect(home / "weather.db")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    finally:
        conn.close()


def no_failures(assistant) -> None:
    """The plugin handled the problem itself: the core recorded no crash."""
    assert assistant.host.failures == []


@pytest.mark.parametrize(
    ("mode", "words", "attempts"),
    [
        ("500", "HTTP 500", 2),  # transient: retried once
        ("404", "HTTP 404", 1),  # not transient: no retry
        ("malformed", "응답이 깨져", 1),
        ("truncated", "응답이 깨져", 2),  # a short read is retried
        ("missing", "응답이 깨져", 1),
        ("html", "응답이 깨져", 1),
    ],
)
def test_forecast_failures_apologise_in_plain_korean(
    make_assistant, server, home, mode, words, attempts
):
    server.mode["/v1/forecast"] = mode
    assistant = make_assistant(server.overrides(), clock=Clock())
    turn = assistant.respond("서울 날씨 어때?")
    text = turn.reply.text
    assert text.startswith("죄송해요, 서울 날씨를 가져오지 못했어요.")
    assert words in text
    assert "Traceback" not in text and "Error" not in text
    assert len(server.hits("/v1/forecast")) == attempts
    no_failures(assistant)
    # Nothing broken was cached; once the server is fine the answer is fresh and right.
    server.mode["/v1/forecast"] = "ok"
    turn = assistant.respond("서울 날씨 어때?")
    assert turn.reply.text.startswith("서울은 지금")
    assert turn.reply.data["source"] == "network"
    assert cache_rows(home) == 1


def test_a_transient_failure_is_retried_and_then_answered(make_assistant, server):
    server.mode["/v1/forecast"] = "flaky"
    turn = make_assistant(server.overrides(), clock=Clock()).respond("서울 날씨 어때?")
    assert turn.reply.text.startswith("서울은 지금")
    assert len(server.hits("/v1/forecast")) == 2


def test_geocoding_failure_says_so(make_assistant, server):
    server.mode["/v1/search"] = "500"
    assistant = make_assistant(server.overrides(), clock=Clock())
    text = assistant.respond("인천 고잔동 날씨 어때?").reply.text
    assert "위치를 찾는 중에 문제가 생겼어요" in text and "HTTP 500" in text
    assert server.hits("/v1/forecast") == []
    no_failures(assistant)


def test_slow_server_times_out_within_the_budget(make_assistant, server):
    server.mode["/v1/forecast"] = "slow"
    server.delay = 60  # the server would answer after a minute (released at shutdown)
    assistant = make_assistant(
        server.overrides(read_timeout=0.4, retry_backoff=0.05, total_timeout=2), clock=Clock()
    )
    started = time.monotonic()
    text = assistant.respond("서울 날씨 어때?").reply.text
    elapsed = time.monotonic() - started
    assert "제때 응답하지 않았어요" in text
    # two attempts of 0.4 s plus backoff (~0.9 s); the bound leaves room for a busy machine
    # and still proves that nobody waited for the slow server
    assert elapsed < 10
    assert len(server.hits("/v1/forecast")) == 2


def test_total_timeout_bounds_all_requests_of_one_answer(make_assistant, server):
    server.mode["/v1/search"] = "slow"
    server.delay = 60
    assistant = make_assistant(server.overrides(read_timeout=30, total_timeout=1), clock=Clock())
    started = time.monotonic()
    text = assistant.respond("인천 고잔동 날씨 어때?").reply.text
    # the 1 s budget cuts the 30 s read timeout short (room left for a busy machine)
    assert time.monotonic() - started < 10
    assert "제때 응답하지 않았어요" in text


def test_connection_refused(make_assistant):
    port = closed_port()
    url = f"http://127.0.0.1:{port}"
    assistant = make_assistant(
        {
            "plugins": {
                "weather": {
                    "forecast_url": f"{url}/v1/forecast",
                    "geocoding_url": f"{url}/v1/search",
                    "retry_backoff": 0.05,
                }
            }
        },
        clock=Clock(),
    )
    text = assistant.respond("부산 날씨 알려줘").reply.text
    assert (
        text
        == "죄송해요, 부산 날씨를 가져오지 못했어요. 날씨 서버에 연결하지 못했어요. 인터넷 연결을 확인해 주세요."
    )
    no_failures(assistant)


def test_dns_failure(make_assistant, monkeypatch):
    """Name resolution is made to fail in-process: no test may query a real DNS server."""

    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    assistant = make_assistant(
        {"plugins": {"weather": {"forecast_url": "https://weather.example.invalid/v1/forecast"}}},
        clock=Clock(),
    )
    text = assistant.respond("서울 날씨 어때?").reply.text
    assert "날씨 서버 주소를 찾지 못했어요" in text


def test_stale_answer_is_used_when_the_network_fails_and_its_age_is_said(make_assistant, server):
    clock = Clock()
    assistant = make_assistant(server.overrides(), clock=clock)
    assistant.respond("서울 날씨 어때?")
    server.mode["/v1/forecast"] = "500"
    clock.advance(minutes=35)
    turn = assistant.respond("서울 날씨 어때?")
    assert turn.reply.text.startswith("서울은 지금")
    assert "35분 전에 받아 둔 정보" in turn.reply.text and "HTTP 500" in turn.reply.text
    assert turn.reply.data["source"] == "stale"
    clock.advance(hours=3)  # older than stale_hours (3): not used any more
    text = assistant.respond("서울 날씨 어때?").reply.text
    assert text.startswith("죄송해요, 서울 날씨를 가져오지 못했어요.")


@pytest.mark.parametrize(
    "text",
    [
        "가" * 500 + " 날씨 어때",
        "😀🌧️ 날씨 어때",
        "'; DROP TABLE answers; -- 날씨 알려줘",
        '서울" OR 1=1 날씨 어때',
    ],
)
def test_absurd_place_strings_get_a_clear_answer_and_no_request(make_assistant, server, home, text):
    assistant = make_assistant(server.overrides(), clock=Clock())
    assistant.respond("서울 날씨 어때?")  # something in the cache to protect
    turn = assistant.respond(text)
    assert turn.route.intent == "weather.get"
    assert turn.reply.text.startswith("죄송해요")
    assert "지역 이름" in turn.reply.text
    assert len(turn.reply.text) < 200
    assert server.hits("/v1/search") == []
    no_failures(assistant)
    assert cache_rows(home) == 1


def test_corrupt_cache_is_moved_aside_and_weather_still_works(make_assistant, server, home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "weather.db").write_bytes(b"this is not a database" * 100)
    turn = make_assistant(server.overrides(), clock=Clock()).respond("서울 날씨 어때?")
    assert turn.reply.text.startswith("서울은 지금")
    assert list(home.glob("weather.db.corrupt-*"))
    assert cache_rows(home) == 1


def test_unknown_provider_is_named(make_assistant):
    text = (
        make_assistant({"plugins": {"weather": {"provider": "kma"}}})
        .respond("서울 날씨 어때?")
        .reply.text
    )
    assert "'kma'" in text and "open-meteo" in text


class FixedProvider:
    """A third-party provider registered through the plugin's registry."""

    name = "fixed"

    def __init__(self, settings, http):
        self.calls = 0

    def geocode(self, name, *, country_code, count):
        return [
            Place(
                "테스트동", 35.0, 129.0, ("부산광역시", "테스트구"), "KR", "Asia/Seoul", "geocoder"
            )
        ]

    def forecast(self, place, *, days):
        today = "2026-11-22"
        return Forecast(
            current=Current(
                time=f"{today}T10:00", temperature=30.0, weather_code=0, apparent_temperature=33.0
            ),
            days=[Day(date=today, weather_code=0, temperature_min=24.0, temperature_max=33.5)],
        )


def test_a_registered_provider_replaces_open_meteo(make_assistant, monkeypatch):
    monkeypatch.setitem(providers._REGISTRY, "fixed", FixedProvider)
    assistant = make_assistant({"plugins": {"weather": {"provider": "fixed"}}}, clock=Clock())
    text = assistant.respond("테스트동 더워?").reply.text
    assert text.startswith("네, 지금 부산 테스트구 테스트동은 아주 더워요.")
    assert assistant.respond("서울 날씨 어때?").reply.data["provider"] == "fixed"


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/v1/forecast", "http://127.0.0.1:notaport/x", "nonsense"]
)
def test_a_bad_url_setting_is_named(make_assistant, url):
    assistant = make_assistant({"plugins": {"weather": {"forecast_url": url}}}, clock=Clock())
    text = assistant.respond("서울 날씨 어때?").reply.text
    assert "날씨 서버 주소 설정이 잘못됐어요" in text
    no_failures(assistant)


def test_a_hanging_name_lookup_is_cut_off_by_the_connect_timeout(make_assistant, monkeypatch):
    """getaddrinfo has no timeout of its own; the plugin bounds it (in-process, no real DNS)."""
    release = threading.Event()

    def slow_dns(*args, **kwargs):
        release.wait(5)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", slow_dns)
    settings = {
        "forecast_url": "https://weather.example.invalid/v1/forecast",
        "connect_timeout": 0.3,
    }
    assistant = make_assistant({"plugins": {"weather": settings}}, clock=Clock())
    started = time.monotonic()
    text = assistant.respond("서울 날씨 어때?").reply.text
    release.set()
    assert time.monotonic() - started < 1.5
    assert "날씨 서버 주소를 찾지 못했어요" in text
