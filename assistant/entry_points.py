"""Entry points of one group, read the way :func:`importlib.metadata.entry_points` reads them,
without importing :mod:`importlib.metadata` (it imports email, zipfile, csv and more: with
the scan and the metadata parse, about a tenth of a cold ``assistant route``, see
bench/cold_start.py).

The reader handles what an ordinary environment has on ``sys.path``: folders holding
``*.dist-info`` / ``*.egg-info`` metadata (pip, including editable installs). Distributions
are taken in the same order and deduplicated by the same normalized name as
importlib.metadata does (the first on ``sys.path`` wins), and ``entry_points.txt`` is parsed
by the same rules. Anything else (a zip file or an ``.egg`` on ``sys.path``, another finder
of distributions on ``sys.meta_path``, a file the reader does not understand) makes
:func:`entry_points` use importlib.metadata itself, so the answer is always the same.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from functools import reduce
from importlib import import_module
from typing import Any

#: importlib.metadata.EntryPoint.pattern
_VALUE = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")


def normalize(name: str) -> str:
    """A distribution name as importlib.metadata compares them ("irang-assistant" -> "irang_assistant")."""
    return re.sub(r"[-_.]+", "-", name).lower().replace("-", "_")


class EntryPoint:
    """The parts of an importlib.metadata entry point the plugin host uses."""

    __slots__ = ("name", "value", "group", "distribution", "_version")

    def __init__(
        self, name: str, value: str, group: str, distribution: str, version: Callable[[], Any]
    ) -> None:
        self.name = name
        self.value = value
        self.group = group
        self.distribution = distribution  # normalized name of the distribution
        self._version = version

    @property
    def version(self) -> str | None:
        """The distribution's version (read on demand)."""
        return self._version()

    def load(self) -> Any:
        """Import the module and return the named object (as EntryPoint.load does)."""
        match: Any = _VALUE.match(self.value)  # None for a malformed value: as importlib
        module = import_module(match.group("module"))
        attrs = filter(None, (match.group("attr") or "").split("."))
        return reduce(getattr, attrs, module)

    def __repr__(self) -> str:
        return f"EntryPoint(name={self.name!r}, value={self.value!r}, group={self.group!r})"


class _Unsupported(Exception):
    """sys.path holds something only importlib.metadata reads."""


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of ``group`` in importlib.metadata's order."""
    try:
        return _scan(group)
    except _Unsupported:
        return _from_importlib(group)


def _from_importlib(group: str) -> list[EntryPoint]:
    from importlib.metadata import entry_points as metadata_entry_points

    found = []
    for ep in metadata_entry_points(group=group):
        dist = getattr(ep, "dist", None)
        found.append(
            EntryPoint(
                ep.name,
                ep.value,
                ep.group,
                normalize(dist.name) if dist is not None else "",
                (lambda d=dist: d.version if d is not None else None),
            )
        )
    return found


def _scan(group: str) -> list[EntryPoint]:
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is not PathFinder and getattr(finder, "find_distributions", None):
            raise _Unsupported(finder)
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for entry in sys.path:
        root = entry or "."
        try:
            children = os.listdir(root)
        except OSError:
            if os.path.exists(root):
                raise _Unsupported(root) from None  # a zip file
            continue
        if root.lower().endswith(".egg"):
            raise _Unsupported(root)
        by_name: dict[str, list[str]] = {}
        for child in children:
            low = child.lower()
            if low.endswith((".dist-info", ".egg-info")):
                if not child.endswith((".dist-info", ".egg-info")):
                    raise _Unsupported(child)  # importlib.metadata names these differently
                name = normalize(low.rpartition(".")[0].partition("-")[0])
                by_name.setdefault(name, []).append(child)
        for name, folders in by_name.items():
            for folder in folders:
                if name in seen:
                    continue
                seen.add(name)
                path = os.path.join(root, folder)
                text = _read(os.path.join(path, "entry_points.txt"))
                if text:
                    found += _parse(text, group, name, path)
    return found


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise _Unsupported(path) from exc


def _parse(text: str, group: str, distribution: str, folder: str) -> list[EntryPoint]:
    """importlib.metadata's Sectioned.section_pairs, for one group."""
    found = []
    section = None
    for line in map(str.strip, text.splitlines()):
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section is None:
            continue
        if "=" not in line:
            raise _Unsupported(folder)  # importlib.metadata raises: let it say so
        name, value = line.split("=", 1)
        if section == group:
            found.append(
                EntryPoint(
                    name.strip(), value.strip(), group, distribution, lambda: _version(folder)
                )
            )
    return found


def _version(folder: str) -> str | None:
    """The Version header of the distribution's METADATA (PKG-INFO for an egg-info; the
    file itself for an egg-info that is a file), or None."""
    try:
        text = (
            _read(os.path.join(folder, "METADATA"))
            or _read(os.path.join(folder, "PKG-INFO"))
            or (_read(folder) if os.path.isfile(folder) else None)
            or ""
        )
    except _Unsupported:
        from importlib.metadata import PathDistribution
        from pathlib import Path

        return PathDistribution(Path(folder)).version
    for line in text.splitlines():
        if not line.strip():
            break  # the headers end at the first empty line
        if line[0] in " \t":
            continue  # the continuation of a folded header
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "version":
            return value.strip()
    return None
