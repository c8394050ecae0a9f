"""Plugin discovery, registration and fault-isolated hook calls.

Sources, in load order:

1. entry points in the group ``assistant`` (the built-in plugins are declared
   there by this project's own pyproject.toml, so they load exactly like
   third-party ones; their source shows as ``builtin``);
2. local files or folders listed under ``plugin_paths`` in ``assistant.yaml``
   (relative to that file). A ``.py`` file is one plugin named after the file;
   a folder with ``__init__.py`` is one plugin; any other folder contributes
   each ``.py`` file in it.

``plugins.<name>.enabled: false`` disables a plugin (it is not even imported).
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from assistant import __version__, hookspecs
from assistant.config import Config
from assistant.entry_points import entry_points, normalize
from assistant.korean import particle

log = logging.getLogger("assistant.plugins")

OWN_DISTRIBUTION = "irang-assistant"
ENTRY_POINT_GROUP = "assistant"


@dataclass
class PluginInfo:
    name: str
    source: str  # builtin | entrypoint | local
    location: str
    version: str | None = None
    enabled: bool = True
    hooks: list[str] = field(default_factory=list)
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "source": self.source,
            "location": self.location,
            "hooks": self.hooks,
            "enabled": self.enabled,
            "error": self.error,
        }


@dataclass
class HookFailure:
    plugin: str
    hook: str
    error: str


class PluginHost:
    """Owns the pluggy manager; calls every hook implementation in isolation."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.pm = pluggy.PluginManager("assistant")
        self.pm.add_hookspecs(hookspecs)
        self.infos: dict[str, PluginInfo] = {}
        self.failures: list[HookFailure] = []
        self._skipped_wrappers: set[tuple[str, str]] = set()
        self.warnings: list[str] = []

    # -- loading ---------------------------------------------------------------

    def load(self, extra: dict[str, object] | None = None) -> None:
        """Load every plugin source; problems become ``self.warnings``, never exceptions."""
        for ep in sorted(entry_points(ENTRY_POINT_GROUP), key=lambda e: e.name):
            own = ep.distribution == normalize(OWN_DISTRIBUTION)
            info = PluginInfo(
                ep.name,
                "builtin" if own else "entrypoint",
                ep.value,
                version=__version__ if own else ep.version,
            )
            self._add(info, ep.load)
        for path in self._local_paths():
            for name, loader, location in _local_plugins(path):
                self._add(PluginInfo(name, "local", location), loader)
        for name, plugin in (extra or {}).items():
            self._add(PluginInfo(name, "local", repr(plugin)), lambda p=plugin: p)
        self._warn_unknown_plugin_settings()

    def _add(self, info: PluginInfo, loader: Callable[[], object]) -> None:
        if info.name in self.infos:
            self.warnings.append(
                f"플러그인 이름 '{info.name}'{particle(info.name, '이/가')} 겹쳐서 "
                f"{info.location}{particle(info.location, '은/는')} 건너뛰었어요."
            )
            return
        self.infos[info.name] = info
        if self.config.plugin(info.name).get("enabled", True) is False:
            info.enabled = False
            return
        try:
            plugin = loader()
            self.pm.register(plugin, name=info.name)
        except Exception as exc:  # a broken plugin must not stop the assistant
            log.exception("plugin %s failed to load", info.name)
            info.enabled = False
            info.error = f"{type(exc).__name__}: {exc}"
            self.warnings.append(
                f"플러그인 '{info.name}'{particle(info.name, '을/를')} 불러오지 못해 건너뛰었어요: "
                f"{info.error}"
            )
            return
        if info.version is None:
            info.version = getattr(plugin, "__version__", None)
        info.hooks = sorted(h.name for h in self.pm.get_hookcallers(plugin) or [])

    def _local_paths(self) -> list[Path]:
        base = self.config.sources[-1].parent if self.config.sources else Path.cwd()
        paths = []
        for raw in self.config.get("plugin_paths") or []:
            path = (base / str(raw)).expanduser()
            if not path.exists():
                self.warnings.append(
                    f"plugin_paths 의 '{raw}'{particle(str(raw), '을/를')} 찾을 수 없어요 ({path})."
                )
                continue
            paths.append(path)
        return paths

    def _warn_unknown_plugin_settings(self) -> None:
        for name in self.config.get("plugins") or {}:
            if name not in self.infos:
                self.warnings.append(
                    f"설정 {self.config.where('plugins', name)} 의 'plugins.{name}'"
                    f"{particle(str(name), '은/는')} 설치되지 않은 플러그인이에요."
                )

    # -- calling ---------------------------------------------------------------

    def plugin_names(self) -> list[str]:
        return [name for name, info in self.infos.items() if info.enabled]

    def implementations(self, hook: str) -> Iterator[tuple[str, Callable[..., Any], list[str]]]:
        """(plugin name, function, argument names) in pluggy's call order.

        Hook wrappers (``hookwrapper=True`` / ``wrapper=True``) are not run: the core calls
        each implementation separately to isolate failures. Skipping one is logged (once).
        """
        caller = getattr(self.pm.hook, hook)
        for impl in reversed(caller.get_hookimpls()):
            if impl.hookwrapper or getattr(impl, "wrapper", False):
                if (impl.plugin_name, hook) not in self._skipped_wrappers:
                    self._skipped_wrappers.add((impl.plugin_name, hook))
                    log.warning(
                        "plugin %s: hook wrapper for %s skipped (the assistant calls each "
                        "implementation on its own; wrappers are not supported)",
                        impl.plugin_name,
                        hook,
                    )
                continue
            yield impl.plugin_name, impl.function, list(impl.argnames)

    def is_firstresult(self, hook: str) -> bool:
        """Does the hookspec say ``firstresult=True`` (the first non-None result wins)?"""
        spec = getattr(self.pm.hook, hook).spec
        return bool(spec is not None and spec.opts.get("firstresult"))

    def call(
        self, hook: str, *, firstresult: bool | None = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Call ``hook`` on every plugin; returns ``(plugin, result)`` for non-None results.

        An exception in one plugin is logged, recorded in ``self.failures`` and skipped.
        A ``firstresult`` hookspec (``detect_emotion``, ``fallback_reply``) stops at the first
        non-None result, as pluggy would; ``firstresult`` overrides the spec when given.
        """
        first = self.is_firstresult(hook) if firstresult is None else firstresult
        results = []
        for plugin, function, argnames in self.implementations(hook):
            ok, value = self.call_one(plugin, hook, function, {a: kwargs[a] for a in argnames})
            if ok and value is not None:
                results.append((plugin, value))
                if first:
                    break
        return results

    def call_one(
        self, plugin: str, hook: str, function: Callable[..., Any], kwargs: dict
    ) -> tuple[bool, Any]:
        try:
            return True, function(**kwargs)
        except Exception as exc:
            self.record_failure(plugin, hook, exc)
            return False, None

    def record_failure(self, plugin: str, hook: str, exc: BaseException) -> None:
        log.error("plugin %s failed in %s: %s", plugin, hook, exc, exc_info=exc)
        self.failures.append(HookFailure(plugin, hook, f"{type(exc).__name__}: {exc}"))


def _local_plugins(path: Path) -> Iterator[tuple[str, Callable[[], ModuleType], str]]:
    if path.is_file() and path.suffix == ".py":
        yield path.stem, (lambda p=path: _import_file(p.stem, p)), str(path)
    elif path.is_dir() and (path / "__init__.py").exists():
        yield path.name, (lambda p=path: _import_file(p.name, p / "__init__.py")), str(path)
    elif path.is_dir():
        for file in sorted(path.glob("*.py")):
            if not file.name.startswith("_"):
                yield file.stem, (lambda p=file: _import_file(p.stem, p)), str(file)


def _import_file(name: str, file: Path) -> ModuleType:
    module_name = f"assistant_local_plugin_{name}"
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module
