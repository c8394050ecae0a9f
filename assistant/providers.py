"""Named providers a plugin can choose from, registered in code or by entry points.

A plugin with interchangeable back ends (weather sources, stock quote sources)
keeps one :class:`ProviderRegistry`: built-in providers register themselves in
code, other packages declare an entry point in the registry's group, and the
setting naming the provider picks one. A provider that fails to load is logged
and left out; it never breaks the plugin.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any


class ProviderRegistry:
    """Provider factories by name; ``factories`` is the plain dict (tests may patch it)."""

    def __init__(self, group: str, log: logging.Logger) -> None:
        self.group = group
        self.log = log
        self.factories: dict[str, Callable[..., Any]] = {}

    def register(self, name: str, factory: Callable[..., Any]) -> None:
        self.factories[name] = factory

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self.factories)

    def make(self, name: str, *args: Any) -> Any:
        """``factory(*args)`` of the provider called ``name``; KeyError if there is none."""
        if name not in self.factories:
            self._load_entry_points()
        return self.factories[name](*args)

    def _load_entry_points(self) -> None:
        from importlib.metadata import entry_points

        for ep in entry_points(group=self.group):
            if ep.name in self.factories:
                continue
            try:
                self.factories[ep.name] = ep.load()
            except Exception:  # a broken third-party provider must not break the plugin
                self.log.exception("provider %s (%s) failed to load", ep.name, self.group)
