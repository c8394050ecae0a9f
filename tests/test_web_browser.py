"""The page in a real browser: Playwright driving Debian's chromium (one browser, one server).

Screenshots are saved to tests/artifacts/web/ (ignored by git). Without
/usr/bin/chromium these tests fail with a message saying how to install it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from web_helpers import CHROMIUM_ARGS, WebServer, chromium_path, write_config

ARTIFACTS = ROOT / "tests" / "artifacts" / "web"
XSS = "'<img src=x onerror=alert(1)>' 타이머 취소해줘"
WAIT = 15_000  # ms; generous for a busy machine, never reached when things work

# Records what the page asks the browser to show as a notification (a headless browser
# shows none), then hands it to the real API.
RECORD_NOTIFICATIONS = """
window.__notifications = [];
const RealNotification = window.Notification;
window.Notification = class extends RealNotification {
  constructor(title, options) {
    super(title, options);
    window.__notifications.push({ title, body: options && options.body });
  }
};
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need the playwright package: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    base = tmp_path_factory.mktemp("web-browser")
    server = WebServer(base / "home", write_config(base / "config"))
    yield server
    code, err = server.stop()
    assert code == 0 and "Traceback" not in err, err


class Tab:
    """A page with everything that must never happen recorded (dialogs, script errors, CSP)."""

    def __init__(self, browser: Any, server: WebServer, **context: Any) -> None:
        self.context = browser.new_context(locale="ko-KR", **context)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("dialog", lambda d: (self.problems.append(f"dialog {d.message}"), d.dismiss()))
        self.page.on("pageerror", lambda e: self.problems.append(f"error {e}"))
        self.page.on(
            "console",
            lambda m: self.problems.append(m.text) if m.type == "error" else None,
        )
        self.server = server

    def open(self) -> Any:
        self.page.goto(self.server.url)
        self.page.locator(".msg.system.greeting").wait_for(timeout=WAIT)
        return self.page

    def say(self, text: str) -> Any:
        """Type ``text``, press Enter; the reply item that answered it."""
        before = self.page.locator(".msg.bot:not(.past):not(.pending)").count()
        self.page.locator("#input").fill(text)
        self.page.keyboard.press("Enter")
        replies = self.page.locator(".msg.bot:not(.past):not(.pending)")
        replies.nth(before).wait_for(timeout=WAIT)
        return replies.nth(before)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


@pytest.fixture
def tab(browser: Any, server: WebServer) -> Iterator[Tab]:
    opened = Tab(browser, server, viewport={"width": 1100, "height": 760})
    yield opened
    opened.close()


def test_type_a_message_and_see_the_reply(tab: Tab) -> None:
    page = tab.open()
    assert page.locator("#input").evaluate("e => e === document.activeElement")
    # what a screen reader announces: a named input, a conversation log, named buttons
    assert page.get_by_role("textbox", name="이랑에게 할 말").is_visible()
    assert page.get_by_role("log", name="대화 내용").count() == 1
    for name in ("도움말", "디버그", "맥락 지우기", "보내기"):
        assert page.get_by_role("button", name=name, exact=True).is_visible(), name
    reply = tab.say("안녕 반가워")
    assert reply.inner_text().strip().endswith("네, 듣고 있어요: 안녕 반가워")
    clock = tab.say("지금 몇 시야")
    assert "지금은" in clock.inner_text()
    # the debug toggle shows route, confidence, source and time for every turn
    assert not clock.locator(".debug").is_visible()
    page.locator("#btn-debug").click()
    debug = clock.locator(".debug").inner_text()
    assert "의도=clock" in debug and "신뢰도=" in debug and "출처=clock" in debug and "ms" in debug
    # ↑ brings back earlier inputs, keyboard only
    page.locator("#input").focus()
    page.keyboard.press("ArrowUp")
    assert page.locator("#input").input_value() == "지금 몇 시야"
    page.keyboard.press("ArrowUp")
    assert page.locator("#input").input_value() == "안녕 반가워"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("#input").input_value() == ""
    # help from the same data as /help; Escape closes it and focus goes back to the input
    page.locator("#input").fill("/help")
    page.keyboard.press("Enter")
    dialog = page.locator("dialog#help")
    dialog.wait_for(state="visible", timeout=WAIT)
    assert "timers" in dialog.inner_text() and "/reset" in dialog.inner_text()
    tab.shot("help")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=WAIT)
    assert page.locator("#input").evaluate("e => e === document.activeElement")
    tab.shot("chat")
    # the conversation comes back from the log after a reload
    page.reload()
    page.locator(".msg.user.past", has_text="지금 몇 시야").first.wait_for(timeout=WAIT)


def test_a_two_second_timer_notifies_the_page(browser: Any, server: WebServer) -> None:
    tab = Tab(browser, server, viewport={"width": 1100, "height": 760})
    try:
        tab.context.grant_permissions(["notifications"], origin=server.url.rstrip("/"))
        tab.context.add_init_script(RECORD_NOTIFICATIONS)
        page = tab.open()
        page.locator("#conn[data-state=open]").wait_for(timeout=WAIT)
        reply = tab.say("2초 타이머 맞춰줘")
        assert reply.locator(".countdown").count() == 1
        page.locator("#timers .timer-row").first.wait_for(timeout=WAIT)
        notice = page.locator(".card.notice:not(.past)", has_text="끝났어요")
        notice.first.wait_for(timeout=WAIT)
        assert "2초 타이머가 끝났어요" in notice.first.inner_text()
        shown = page.evaluate("window.__notifications")
        assert any("끝났어요" in (n["body"] or "") for n in shown), shown
        # the countdown runs on the page's clock and may reach zero a tick after the server's
        # notice arrives (a busy machine): wait for it rather than read it at once
        reply.locator(".countdown.done").wait_for(timeout=WAIT)
        assert reply.locator(".countdown").inner_text() == "끝!"
        page.locator("#timers .timer-row").first.wait_for(state="detached", timeout=WAIT)
        tab.shot("timer")
    finally:
        tab.close()


def test_a_reminder_days_ahead_counts_down_in_days(tab: Tab) -> None:
    page = tab.open()
    reply = tab.say("3일 뒤에 분리수거 알려줘")
    assert "분리수거" in reply.inner_text()
    row = page.locator("#timers .timer-row", has_text="분리수거")
    row.first.wait_for(timeout=WAIT)
    shown = row.first.locator(".countdown").inner_text()
    assert re.fullmatch(r"[23]일 \d\d:\d\d:\d\d", shown), shown
    tab.say("분리수거 알림 취소해줘")
    row.first.wait_for(state="detached", timeout=WAIT)


def test_the_xss_line_shows_as_text(tab: Tab) -> None:
    page = tab.open()
    reply = tab.say(XSS)
    mine = page.locator(".msg.user:not(.past) .bubble").last
    assert mine.inner_text() == XSS
    assert "<img src=x onerror=alert(1)>" in reply.inner_text()
    assert page.locator("#log img").count() == 0
    tab.shot("xss")  # tab.close() checks that no dialog opened and no script failed


def test_a_phone_width_screen_works(browser: Any, server: WebServer) -> None:
    tab = Tab(
        browser,
        server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = tab.open()
        alert = tab.say("긴급 테스트")
        card = alert.locator(".card.alert[role=alert]")
        assert "109" in card.inner_text() and card.is_visible()
        tab.say("라면 타이머 3분 맞춰줘")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width}px)"
        for selector in ("#input", "#send", "#btn-help"):
            box = page.locator(selector).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
            assert box["y"] + box["height"] <= 844, selector
        tab.shot("phone")
        tab.say("라면 타이머 취소해줘")
    finally:
        tab.close()


def test_with_a_token_the_printed_url_opens_the_page(browser: Any, tmp_path: Path) -> None:
    token = "browser-token-0123456789"
    server = WebServer(tmp_path / "home", write_config(tmp_path / "config"), "--token", token)
    tab = Tab(browser, server, viewport={"width": 1100, "height": 760})
    try:
        page = tab.page
        page.goto(server.url)  # without the token: the page says how to get in
        page.locator(".msg.system.error", has_text="토큰").first.wait_for(timeout=WAIT)
        tab.problems.clear()  # the browser logs the refused (401) requests as errors
        page.goto(f"{server.url}?token={token}")  # the printed URL: cookie, then back to /
        page.locator(".msg.system.greeting").wait_for(timeout=WAIT)
        assert page.url == server.url
        page.locator("#conn[data-state=open]").wait_for(timeout=WAIT)  # the stream too
        assert "지금은" in tab.say("지금 몇 시야").inner_text()
    finally:
        tab.close()
        code, err = server.stop()
        assert code == 0, err
