"""The weather plugin through the real ``assistant`` command (a separate process)."""

from __future__ import annotations

import json

import pytest
import yaml

from weather_helpers import OpenMeteoServer, closed_port


@pytest.fixture
def server():
    # The assistant subprocess reads the real clock: serve days from the real "today" in Seoul.
    with OpenMeteoServer(live=True) as s:
        yield s


def write_config(tmp_path, settings: dict):
    path = tmp_path / "config.yaml"
    path.write_text(
        yaml.safe_dump({"plugins": {"weather": settings}}, allow_unicode=True), encoding="utf-8"
    )
    return str(path)


def test_ask_answers_from_the_configured_server(run_cli, server, tmp_path):
    config = write_config(tmp_path, server.settings())
    result = run_cli("--config", config, "ask", "--json", "인천 고잔동 날씨 어때?")
    assert result.returncode == 0, result.stderr
    turn = json.loads(result.stdout)
    assert turn["intent"] == "weather.get"
    assert turn["slots"] == {"place": "인천 고잔동"}
    assert turn["reply"].startswith("인천 남동구 고잔동은 지금")
    assert turn["data"]["place"] == "인천 남동구 고잔동"
    assert len(server.hits("/v1/search")) == 1 and len(server.hits("/v1/forecast")) == 1


def test_ask_many_questions_from_stdin(run_cli, server, tmp_path):
    config = write_config(tmp_path, server.settings())
    lines = "서울 날씨 어때?\n내일 비 온대?\n우산 챙겨야 돼?\n비 오는 날 좋아해\n"
    result = run_cli("--config", config, "ask", "--json", "-", input=lines)
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["intent"] for t in turns] == [
        "weather.get",
        "weather.get",
        "weather.get",
        "smalltalk",
    ]
    assert len(server.hits("/v1/forecast")) == 1  # one fetch, then the cache


def test_network_down_gives_an_apology_exit_0_and_no_traceback(run_cli, home, tmp_path):
    url = f"http://127.0.0.1:{closed_port()}"
    config = write_config(
        tmp_path,
        {
            "forecast_url": f"{url}/v1/forecast",
            "geocoding_url": f"{url}/v1/search",
            "retry_backoff": 0.05,
        },
    )
    result = run_cli("--config", config, "ask", "고잔동 날씨 어때?")
    assert result.returncode == 0
    assert result.stdout.startswith("죄송해요, '고잔동'의 위치를 찾는 중에 문제가 생겼어요.")
    assert "연결하지 못했어요" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    log = (home / "assistant.log").read_text(encoding="utf-8")
    assert "weather request" in log and "Connection refused" in log


def test_malformed_answer_through_the_cli(run_cli, server, tmp_path):
    server.mode["/v1/forecast"] = "truncated"
    config = write_config(tmp_path, server.settings())
    result = run_cli("--config", config, "ask", "서울 날씨 어때?")
    assert result.returncode == 0
    assert "응답이 깨져" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
