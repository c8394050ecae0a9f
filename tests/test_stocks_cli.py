"""The stocks plugin through the real ``assistant`` command (a separate process, real clock).

The process runs on the machine's real time, so the fake server's quotes are
stamped with the real time too, and the market-hours label expected is computed
for that moment (if the market opens or closes during the run, the label is not
checked). ``TZ`` is set to a far-away zone: market hours must not depend on it.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import yaml

from assistant_plugins.stocks.market import closed_reason
from loopback_helpers import closed_port
from stocks_helpers import KST, ChartServer


@pytest.fixture
def server():
    with ChartServer(now=datetime.now(KST)) as s:
        yield s


def write_config(tmp_path, settings: dict) -> str:
    path = tmp_path / "config.yaml"
    path.write_text(
        yaml.safe_dump({"plugins": {"stocks": settings}}, allow_unicode=True), encoding="utf-8"
    )
    return str(path)


def test_ask_answers_many_questions_from_stdin(run_cli, server, tmp_path):
    config = write_config(tmp_path, server.settings())
    # (small-talk lines are checked by routing in-process: here they would load the chat model)
    lines = "삼성전자 주가 알려줘\n삼전 얼마야\n코스피 지수\n"
    before = closed_reason(datetime.now(KST))
    result = run_cli(
        "--config", config, "ask", "--json", "-", input=lines, env={"TZ": "America/New_York"}
    )
    after = closed_reason(datetime.now(KST))
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["intent"] for t in turns] == ["stock.price", "stock.price", "stock.index"]
    first = turns[0]
    assert first["slots"] == {"company": "삼성전자"}
    assert first["data"]["code"] == "005930"
    assert first["reply"].startswith(
        "삼성전자(005930)는 71,200원이고, 전날 종가보다 1,200원(1.71%) 올랐어요."
    )
    assert "시세는 실제보다 늦을 수 있어요." in first["reply"]
    if before == after:
        assert ("장 마감 기준" in first["reply"]) == (before is not None)
    assert turns[1]["data"]["source"] == "cache"  # one fetch for both questions
    assert server.hits() == ["005930.KS", "^KS11"]


def test_network_down_gives_an_apology_exit_0_and_no_traceback(run_cli, home, tmp_path):
    config = write_config(
        tmp_path,
        {"chart_url": f"http://127.0.0.1:{closed_port()}/v8/finance/chart", "retry_backoff": 0.05},
    )
    result = run_cli("--config", config, "ask", "삼성전자 주가")
    assert result.returncode == 0
    assert result.stdout.startswith("죄송해요, 삼성전자(005930) 시세를 가져오지 못했어요.")
    assert "Traceback" not in result.stdout + result.stderr
    log = (home / "assistant.log").read_text(encoding="utf-8")
    assert "stocks request" in log
