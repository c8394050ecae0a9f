"""PluginHost.call follows each hookspec: firstresult hooks stop at the first answer, other
hooks collect every answer; hook wrappers are skipped and the log says so."""

from __future__ import annotations

import logging

import pytest

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


@pytest.mark.parametrize(
    "group", ["assistant", "assistant.stock_providers", "console_scripts", "pytest11"]
)
def test_entry_points_are_read_as_importlib_metadata_reads_them(group):
    """The plugin host reads entry points without importing importlib.metadata (a faster
    cold start): the same entry points, in the same order, from the same distributions."""
    from assistant import entry_points as fast

    def key(eps):
        return [(e.name, e.value, e.group, e.distribution, e.version) for e in eps]

    assert key(fast._scan(group)) == key(fast._from_importlib(group))


def test_entry_points_fall_back_to_importlib_metadata_for_a_zip_on_sys_path(tmp_path, monkeypatch):
    from assistant import entry_points as fast

    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip archive
    monkeypatch.syspath_prepend(str(archive))
    with pytest.raises(fast._Unsupported):
        fast._scan("assistant")
    assert [e.name for e in fast.entry_points("assistant")] == [
        e.name for e in fast._from_importlib("assistant")
    ]
