"""The shared model runtime (assistant.loading): background loader, model setting, quiet, threads."""

from __future__ import annotations

import logging
import threading
import warnings
from pathlib import Path

import pytest

from assistant.loading import (
    BackgroundLoader,
    ModelSourceError,
    ModelUnavailable,
    StillLoading,
    import_transformers,
    quiet,
    resolve_model_source,
    torch_threads,
)


class Gate:
    """A load function that blocks until released and counts its calls."""

    def __init__(self, result: object = "model", error: Exception | None = None) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.calls = 0
        self.threads: list[str] = []
        self.result = result
        self.error = error

    def __call__(self) -> object:
        self.calls += 1
        self.threads.append(threading.current_thread().name)
        self.entered.set()
        assert self.release.wait(30)
        if self.error is not None:
            raise self.error
        return self.result


def test_background_load_states_and_waiting():
    gate = Gate()
    loader = BackgroundLoader(gate, name="test-load", wait=0.05)
    assert loader.state == "idle" and loader.value is None and loader.error is None
    loader.start()
    assert gate.entered.wait(30)
    assert loader.state == "loading"
    with pytest.raises(StillLoading):
        loader.get()  # the constructor's wait ran out
    assert loader.get_or_none(wait=0.01) is None
    loader.start()  # no second thread while loading
    gate.release.set()
    assert loader.get(wait=30) == "model"
    assert loader.state == "ready" and loader.value == "model"
    assert gate.calls == 1 and gate.threads == ["test-load"]
    loader.start()  # nothing to do once loaded
    assert gate.calls == 1


def test_on_demand_load_happens_once_for_concurrent_callers():
    gate = Gate()
    loader = BackgroundLoader(gate, name="unused")
    results: list[object] = []
    callers = [threading.Thread(target=lambda: results.append(loader.get())) for _ in range(4)]
    for caller in callers:
        caller.start()
    assert gate.entered.wait(30)
    gate.release.set()
    for caller in callers:
        caller.join(30)
    assert results == ["model"] * 4
    assert gate.calls == 1 and gate.threads[0] != "unused"  # a caller's thread, no new one


def test_failure_is_remembered_in_korean_and_never_retried(caplog):
    gate = Gate(error=ModelUnavailable("모델 폴더가 없어요"))
    gate.release.set()
    loader = BackgroundLoader(gate, name="test-fail", log=logging.getLogger("test.loading"))
    loader.start()
    with pytest.raises(ModelUnavailable, match="모델 폴더가 없어요"):
        loader.get()
    assert loader.state == "failed" and loader.error == "모델 폴더가 없어요"
    assert loader.get_or_none() is None
    loader.start()
    assert gate.calls == 1
    assert [r.levelname for r in caplog.records if r.name == "test.loading"] == ["ERROR"]


def test_unexpected_exception_stays_in_the_thread_and_is_logged_with_traceback(caplog):
    gate = Gate(error=RuntimeError("boom"))
    gate.release.set()
    loader = BackgroundLoader(gate, name="test-crash", log=logging.getLogger("test.loading"))
    loader.start()
    assert loader.get_or_none(wait=30) is None
    assert loader.state == "failed" and loader.error == "RuntimeError: boom"
    (record,) = [r for r in caplog.records if r.name == "test.loading"]
    assert record.exc_info is not None


# -- the model setting ------------------------------------------------------------------------


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    directory = tmp_path / "thing-mini"
    directory.mkdir()
    return directory


@pytest.mark.parametrize("value", [None, "", "  ", "shipped", "SHIPPED", "thing-mini"])
def test_shipped_vocabulary(value, shipped):
    source = resolve_model_source(value, shipped)
    assert source.kind == "shipped" and source.path == shipped and source.enabled


@pytest.mark.parametrize("value", [False, "off", "Off", "false", "none"])
def test_off_vocabulary(value, shipped):
    source = resolve_model_source(value, shipped)
    assert source.kind == "off" and not source.enabled
    with pytest.raises(ModelUnavailable, match="껐어요"):
        source.local_dir()


def test_local_directory_and_hub_id(shipped, tmp_path, monkeypatch):
    own = tmp_path / "runs" / "mine"
    own.mkdir(parents=True)
    assert resolve_model_source(str(own), shipped).path == own
    monkeypatch.chdir(tmp_path)
    local = resolve_model_source("runs/mine", shipped)  # owner/name-shaped but a folder here
    assert local.kind == "local" and local.local_dir() == own.resolve()
    hub = resolve_model_source("skt/kogpt2-base-v2", shipped)
    assert hub.kind == "hub" and hub.hub_id == "skt/kogpt2-base-v2" and hub.path is None


@pytest.mark.parametrize("value", [True, 3, ["a"], "./nope", "/no/such/dir", "a/b/c", "x y"])
def test_bad_values_are_korean_errors_naming_the_setting(value, shipped):
    with pytest.raises(ModelSourceError, match="plugins.thing.model") as caught:
        resolve_model_source(value, shipped, setting="plugins.thing.model")
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, ModelUnavailable)


def test_a_file_is_not_a_model_folder(shipped, tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"x")
    with pytest.raises(ModelSourceError, match="폴더가 아니에요"):
        resolve_model_source(str(tmp_path / "weights.bin"), shipped)


def test_hub_model_offline_is_a_korean_error(shipped, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(ModelUnavailable, match="허브 모델을 받을 수 없어요.*owner/model"):
        resolve_model_source("owner/model", shipped).local_dir(["*.json"])


# -- quiet and threads ------------------------------------------------------------------------


def test_quiet_silences_and_restores_what_it_changed():
    hf_logging = import_transformers("logging", "transformers.utils")
    from huggingface_hub import utils as hub

    before = hf_logging.get_verbosity()
    torch_logger = logging.getLogger("torch")
    torch_level = torch_logger.level
    hf_logging.set_verbosity_info()
    hf_logging.enable_progress_bar()
    hub.enable_progress_bars()
    torch_logger.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            with quiet():
                assert hf_logging.get_verbosity() == logging.ERROR
                assert not hf_logging.is_progress_bar_enabled()
                assert hub.are_progress_bars_disabled()
                assert torch_logger.level == logging.ERROR
                warnings.warn("hidden", UserWarning, stacklevel=1)
            warnings.warn("shown", UserWarning, stacklevel=1)
        assert [str(w.message) for w in seen] == ["shown"]
        assert hf_logging.get_verbosity() == logging.INFO
        assert hf_logging.is_progress_bar_enabled() and not hub.are_progress_bars_disabled()
        assert torch_logger.level == logging.DEBUG
    finally:
        hf_logging.set_verbosity(before)
        torch_logger.setLevel(torch_level)


def test_quiet_keeps_progress_bars_off_when_they_were_off():
    hf_logging = import_transformers("logging", "transformers.utils")
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        with quiet():
            pass
        assert not hf_logging.is_progress_bar_enabled()
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def test_import_transformers_returns_the_module_or_the_name():
    transformers = import_transformers()
    assert import_transformers("AutoConfig") is transformers.AutoConfig


def test_torch_threads_restores_the_previous_count():
    import torch

    before = torch.get_num_threads()
    other = 2 if before == 1 else 1
    try:
        with torch_threads(other):
            assert torch.get_num_threads() == other
        assert torch.get_num_threads() == before
        with pytest.raises(KeyError), torch_threads(other):
            raise KeyError("x")
        assert torch.get_num_threads() == before
        for unchanged in (0, -1, None):
            with torch_threads(unchanged):
                assert torch.get_num_threads() == before
    finally:
        torch.set_num_threads(before)
