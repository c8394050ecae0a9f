"""The web API against a real ``assistant web`` process on 127.0.0.1 (see web_helpers)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from web_helpers import EventReader, WebServer, run_cli, write_config


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebServer, Path]]:
    base = tmp_path_factory.mktemp("web-api")
    config = write_config(base / "config")
    server = WebServer(base / "home", config)
    yield server, config
    code, err = server.stop()
    assert code == 0, err
    assert "Traceback" not in err


@pytest.fixture
def server(setup: tuple[WebServer, Path]) -> WebServer:
    return setup[0]


def test_ask_returns_the_object_of_ask_json(setup: tuple[WebServer, Path]) -> None:
    server, config = setup
    result = server.ask("도움말")
    cli = run_cli(server.home, config, "ask", "--json", "도움말")
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)
    for key in expected.keys() - {"elapsed_ms"}:
        assert result[key] == expected[key], key
    assert result.keys() - expected.keys() == {"view", "debug"}
    assert result["view"]["kind"] == "card" and result["view"]["title"] == "도움말"
    assert result["debug"]["intent"] == "help.show" or result["debug"]["plugin"] == "help"


def test_timers_are_shared_with_other_processes(setup: tuple[WebServer, Path]) -> None:
    server, config = setup
    made = server.ask("빨래 타이머 50분 맞춰줘")
    assert made["plugin"] == "timers" and made["data"]["timer"]["name"] == "빨래"
    assert made["data"]["timer"]["remaining"] > 2900
    listed = run_cli(server.home, config, "timers", "--json")
    assert "빨래" in [t["name"] for t in json.loads(listed.stdout)]
    # and one set from a terminal shows up on the page's list
    assert run_cli(server.home, config, "ask", "계란 타이머 40분").returncode == 0
    status, _, data = server.request("GET", "/api/timers")
    assert status == 200 and data["available"] is True
    assert {"빨래", "계란"} <= {t["name"] for t in data["timers"]}
    server.ask("빨래 타이머 취소해줘")
    server.ask("계란 타이머 취소해줘")


def test_each_tab_has_its_own_conversation(server: WebServer) -> None:
    asked = server.ask("타이머 맞춰줘", session="tab-one-1234")
    assert "몇 분" in asked["reply"]
    # another tab's "3분" is not the answer to tab one's question
    other = server.ask("3분", session="tab-two-1234")
    assert other["intent"] != "timer.start"
    answered = server.ask("3분", session="tab-one-1234")
    assert answered["intent"] == "timer.start" and "3분 타이머 맞췄어요" in answered["reply"]
    server.ask("타이머 취소해줘", session="tab-one-1234")


def test_reset_forgets_only_this_tabs_context(server: WebServer) -> None:
    assert "몇 분" in server.ask("타이머 맞춰줘", session="tab-reset-1")["reply"]
    status, _, data = server.request(
        "POST", "/api/command", {"text": "/reset"}, headers={"X-Session-Id": "tab-reset-1"}
    )
    assert status == 200 and "맥락을 지웠어요" in data["reply"]
    assert server.ask("3분", session="tab-reset-1")["intent"] != "timer.start"


def test_slash_commands_run_as_in_the_terminal(server: WebServer) -> None:
    status, _, data = server.request("POST", "/api/command", {"text": "/timers"})
    assert status == 200 and data["command"] == "timers" and "timers" in data["data"]
    status, _, data = server.request("POST", "/api/command", {"text": "/없는명령"})
    assert data["unknown"] is True and "/help" in data["reply"]
    status, _, data = server.request("POST", "/api/command", {"text": "/plugins"})
    assert "timers" in [p["name"] for p in data["plugins"]]


def test_a_slow_chat_turn_blocks_no_command_turn(server: WebServer) -> None:
    slow: dict = {}
    thread = threading.Thread(
        target=lambda: slow.update(server.ask("천천히 생각해 줘", session="slow-chat-1"))
    )
    thread.start()
    time.sleep(0.3)  # the chat turn is in its worker now
    answers = [server.ask("지금 몇 시야", session=f"quick-tab-{i}") for i in range(3)]
    status, _, timers = server.request("GET", "/api/timers")
    still_thinking = thread.is_alive()
    thread.join(timeout=30)
    assert all(a["plugin"] == "clock" for a in answers) and status == 200
    assert still_thinking, "the command turns waited for the slow chat turn"
    assert slow["reply"] == "천천히 생각해 봤어요."


def test_notifications_reach_every_open_page(server: WebServer) -> None:
    first, second = EventReader(server), EventReader(server)
    try:
        assert first.next("hello") and second.next("hello")
        server.ask("1초 타이머")
        for reader in (first, second):
            note = reader.next("notification")
            assert note["intent"] == "timer.fired" and "끝났어요" in note["text"]
    finally:
        first.close()
        second.close()
    status, _, data = server.request("GET", "/api/history?n=3")
    assert any(t["intent"] == "timer.fired" and t["text"] == "" for t in data["turns"])


def test_history_comes_from_the_log(server: WebServer) -> None:
    server.ask("지금 몇 시야", session="history-tab-1")
    status, _, data = server.request("GET", "/api/history?n=1")
    assert status == 200 and data["logging"] is True
    assert [t["text"] for t in data["turns"]] == ["지금 몇 시야"]
    status, _, data = server.request("GET", "/api/history?n=0")
    assert status == 422 and "형식" in data["error"]


def test_help_is_the_data_of_slash_help(server: WebServer) -> None:
    status, _, data = server.request("GET", "/api/help")
    assert status == 200
    plugins = {entry["plugin"]: entry["intents"] for entry in data["plugins"]}
    assert "timers" in plugins and plugins["timers"][0]["examples"]
    assert {"help", "debug", "reset", "timers"} <= {s["name"] for s in data["slash"]}


def test_bad_input_gets_a_korean_message_and_no_trace(server: WebServer) -> None:
    long = server.ask("가" * 2001)
    assert "너무 길어요" in long["reply"] and long["intent"] is None
    empty = server.ask(" \x00\x07 ")
    assert "듣지 못했어요" in empty["reply"]
    odd = server.ask("이상한 데이터")  # values JSON can't carry become text, as in ask --json
    assert odd.get("data") == {"when": "2026-01-02 03:04:00", "tags": "{'a'}"}
    boom = server.ask("폭탄 테스트")
    assert "문제가 생겼어요" in boom["reply"] and "secret" not in json.dumps(boom)
    status, _, data = server.request(
        "POST", "/api/ask", raw=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert status == 422 and "JSON" in data["error"]
    status, _, data = server.request("POST", "/api/ask", {"text": "가" * 70_000})
    assert status == 413 and "너무 커요" in data["error"]
    status, _, data = server.request("POST", "/api/ask", {"text": 5})
    assert status == 422
    for payload in (long, empty, boom, data):
        assert "Traceback" not in json.dumps(payload, ensure_ascii=False)


def test_an_alert_card_is_marked_for_the_page(server: WebServer) -> None:
    result = server.ask("긴급 테스트")
    assert result["view"]["kind"] == "alert"
    assert result["view"]["resources"] == [{"name": "자살예방상담전화", "phone": "109"}]


def test_ctrl_c_stops_cleanly_with_open_pages_and_keeps_timers(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config")
    server = WebServer(tmp_path / "home", config)
    server.ask("장보기 타이머 2시간 맞춰줘")
    reader = EventReader(server)
    reader.next("hello")
    started = time.monotonic()
    code, err = server.stop()
    assert code == 0 and "Traceback" not in err
    assert time.monotonic() - started < 10
    assert any("멈췄어요" in line for line in server.output)
    reader.close()
    listed = run_cli(tmp_path / "home", config, "timers", "--json")
    assert [t["name"] for t in json.loads(listed.stdout)] == ["장보기"]
