"""PluginHost.call follows each hookspec: firstresult hooks stop at the first answer, other
hooks collect every answer; hook wrappers are skipped and the log says so."""

from __future__ import annotations

import logging

from assistant import hookimpl
from assistant.config import load_config
from assistant.plugins import PluginHost


class Says:
    def __init__(self, word: str) -> None:
        self.word = word
        self.calls = 0

    @hookimpl
    def fallback_reply(self, request):
        self.calls += 1
        return self.word

    @hookimpl
    def normalize_utterance(self, text, app):
        return f"{text} {self.word}"


class Wraps:
    @hookimpl(hookwrapper=True)
    def fallback_reply(self, request):
        yield


def _host(**plugins) -> PluginHost:
    host = PluginHost(load_config(None))
    for name, plugin in plugins.items():
        host.pm.register(plugin, name=name)
    return host


def test_firstresult_comes_from_the_hookspec():
    first, second = Says("하나"), Says("둘")
    host = _host(first=first, second=second)
    assert host.is_firstresult("fallback_reply") and host.is_firstresult("detect_emotion")
    assert not host.is_firstresult("normalize_utterance")
    answered = host.call("fallback_reply", request=None)
    assert len(answered) == 1 and first.calls + second.calls == 1
    normalized = host.call("normalize_utterance", text="말", app=None)
    assert sorted(value for _, value in normalized) == ["말 둘", "말 하나"]
    assert len(host.call("fallback_reply", firstresult=False, request=None)) == 2


def test_a_skipped_hookwrapper_is_logged_once(caplog):
    host = _host(says=Says("네"), wraps=Wraps())
    with caplog.at_level(logging.WARNING, logger="assistant"):
        assert host.call("fallback_reply", request=None) == [("says", "네")]
        host.call("fallback_reply", request=None)
    skipped = [r.getMessage() for r in caplog.records if "hook wrapper" in r.getMessage()]
    assert len(skipped) == 1 and "wraps" in skipped[0] and "fallback_reply" in skipped[0]
