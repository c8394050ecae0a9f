"""The presentation decisions the terminal and the page share (assistant/frontend.py)."""

from __future__ import annotations

import pytest

from assistant.frontend import notification_sink, reply_view, tone_colour
from assistant.types import Notification, Reply, Table


@pytest.mark.parametrize(
    "data",
    [
        {"card": "crisis"},
        {"card": "Important"},
        {"display": {"variant": "care", "title": "도움을 받을 수 있는 곳"}},
        {"display": {"kind": "alert"}},
        {"display": {"level": "urgent"}},
        {"crisis": True},
    ],
)
def test_replies_whose_data_asks_for_it_are_alert_cards(data: dict) -> None:
    view = reply_view(Reply("지금 많이 힘드시군요.", data=data))
    assert view["kind"] == "alert" and view["variant"]


def test_the_safety_display_gives_title_and_variant() -> None:
    view = reply_view(
        Reply(
            "혼자 견디지 않으셔도 돼요.",
            data={
                "display": {"variant": "care", "title": "도움을 받을 수 있는 곳"},
                "resources": [
                    {"name": "자살예방상담전화", "phone": "109"},
                    "정신건강위기상담 1577-0199",
                ],
            },
        )
    )
    assert view["title"] == "도움을 받을 수 있는 곳" and view["variant"] == "care"
    assert view["resources"] == [
        {"name": "자살예방상담전화", "phone": "109"},
        {"name": "정신건강위기상담 1577-0199"},
    ]


@pytest.mark.parametrize(
    "data", [{}, {"card": "timer"}, {"crisis": "no"}, {"display": "care"}, {"important": 1}]
)
def test_other_data_is_no_alert(data: dict) -> None:
    assert reply_view(Reply("네", data=data))["kind"] == "chat"


def test_titles_and_tables_make_cards_and_styles_give_a_tone() -> None:
    table = Table(["이름"], [["라면"]])
    view = reply_view(Reply("타이머가 있어요", table=table, style="italic blue"))
    assert view["kind"] == "card" and view["tone"] == "blue"
    assert view["table"] == {"columns": ["이름"], "rows": [["라면"]]}
    assert reply_view(Reply("로또", title="로또 번호"))["kind"] == "card"
    assert tone_colour("dim cyan") == "cyan" and tone_colour("bold") is None


def test_a_notification_is_logged_even_when_showing_it_fails() -> None:
    logged: list[str] = []

    class Log:
        def record_notification(self, note: Notification) -> None:
            logged.append(note.text)

    def broken_show(note: Notification) -> None:
        raise OSError("the terminal went away")

    sink = notification_sink(Log(), broken_show)  # type: ignore[arg-type]
    with pytest.raises(OSError):
        sink(Notification("라면 타이머가 끝났어요!"))
    assert logged == ["라면 타이머가 끝났어요!"]
