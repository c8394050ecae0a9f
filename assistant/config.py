"""Configuration: the shipped ``assistant.yaml`` deep-merged with the user's file.

Errors name the file, the line and the key, and exit with code 2 (see cli).
Only ``yaml.safe_load``-equivalent loading is used.

The defaults are also kept parsed in ``defaults.json`` (data and key lines, with the YAML
text they were read from): a command without a user config file then does not import yaml
at all (importing it is a twentieth of a cold ``assistant route``, see
bench/cold_start.py). The snapshot is used only when its text is exactly the text of
``defaults.yaml``; otherwise the YAML is parsed as usual. After editing assistant.yaml, run
``python -m assistant.config`` to rewrite it (a test says so when it is stale).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULTS_PATH = Path(__file__).resolve().parent / "defaults.yaml"
DEFAULTS_SNAPSHOT = Path(__file__).resolve().parent / "defaults.json"


class ConfigError(Exception):
    """A configuration file that can't be used; the message is for the user (Korean)."""


class Config(dict):
    """The merged configuration (a plain dict) plus where it came from."""

    def __init__(self, data: Mapping[str, Any], sources: list[Path], key_lines: dict) -> None:
        super().__init__(data)
        self.sources = sources
        self.key_lines = key_lines  # (path tuple) -> (file, line) for messages

    def plugin(self, name: str) -> dict[str, Any]:
        """Settings under ``plugins.<name>`` (empty dict if none)."""
        value = (self.get("plugins") or {}).get(name) or {}
        return value if isinstance(value, dict) else {}

    def where(self, *key: str) -> str:
        """'file:line' where a key was set, for messages."""
        found = self.key_lines.get(tuple(key))
        return f"{found[0]}:{found[1]}" if found else "assistant.yaml"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"설정 파일을 찾을 수 없어요: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"설정 파일을 읽을 수 없어요: {path} ({exc})") from exc


def _read_yaml(path: Path, text: str | None = None) -> tuple[dict[str, Any], dict]:
    import yaml

    #: yaml.safe_load's loader, in C when libyaml is there (about 6x faster: config is read
    #: on every command, see bench/cold_start.py)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if text is None:
        text = _read_text(path)
    try:
        node = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"설정 파일 {where}번째 줄을 읽을 수 없어요 (YAML 오류: {problem})."
        ) from exc
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(f"설정 파일 {path}:1 의 최상위는 'key: value' 형태여야 해요.")
    lines: dict = {}
    _collect_lines(node, (), path, lines)
    return data, lines


def _collect_lines(node: Any, prefix: tuple, path: Path, out: dict) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = prefix + (str(key_node.value),)
            out[key] = (str(path), key_node.start_mark.line + 1)
            _collect_lines(value_node, key, path, out)


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` wins; nested mappings merge key by key; lists are replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _check_types(default: Any, value: Any, key: tuple, lines: dict) -> None:
    """The user's value must have the default's type (ints pass for floats)."""
    if default is None or value is None:
        return
    if isinstance(default, Mapping):
        if not isinstance(value, Mapping):
            _type_error(key, lines, "설정 묶음(key: value)")
        for k, v in value.items():
            if k in default:
                _check_types(default[k], v, key + (k,), lines)
        return
    expected: tuple[type, ...]
    if isinstance(default, bool):
        expected, word = (bool,), "true/false"
    elif isinstance(default, (int, float)):
        expected, word = (int, float), "숫자"
    elif isinstance(default, str):
        expected, word = (str,), "문자열"
    elif isinstance(default, list):
        expected, word = (list,), "목록"
    else:
        return
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        _type_error(key, lines, word)


def _type_error(key: tuple, lines: dict, word: str) -> None:
    file, line = lines.get(key, ("?", "?"))
    dotted = ".".join(map(str, key))
    raise ConfigError(f"설정 파일 {file}:{line} 의 '{dotted}' 값은 {word}이어야 해요.")


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Defaults, then ``path`` (or ``$ASSISTANT_CONFIG``) deep-merged over them."""
    defaults, default_lines = _read_defaults()
    sources = [DEFAULTS_PATH]
    path = path or os.environ.get("ASSISTANT_CONFIG") or None
    if not path:
        return Config(defaults, sources, default_lines)
    user_path = Path(path).expanduser()
    user, user_lines = _read_yaml(user_path)
    _check_types(defaults, user, (), user_lines)
    sources.append(user_path)
    return Config(deep_merge(defaults, user), sources, {**default_lines, **user_lines})


def _read_defaults() -> tuple[dict[str, Any], dict]:
    """``defaults.yaml`` parsed: from the snapshot when it was made from exactly this text."""
    text = _read_text(DEFAULTS_PATH)
    try:
        snapshot = json.loads(DEFAULTS_SNAPSHOT.read_text(encoding="utf-8"))
        if snapshot["source"] == text:
            where = str(DEFAULTS_PATH)
            lines = {tuple(key): (where, line) for *key, line in snapshot["lines"]}
            return snapshot["data"], lines
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return _read_yaml(DEFAULTS_PATH, text)


def snapshot_defaults() -> str:
    """The text of ``defaults.json`` for the current ``defaults.yaml`` (ValueError when a
    value would not read back from JSON exactly as YAML gives it)."""
    text = _read_text(DEFAULTS_PATH)
    data, lines = _read_yaml(DEFAULTS_PATH, text)
    if not _same(json.loads(json.dumps(data)), data):
        raise ValueError(
            "defaults.yaml holds values JSON can't carry (dates, sets, non-string keys)"
        )
    rows = [[*key, line] for key, (_, line) in lines.items()]
    return json.dumps({"source": text, "data": data, "lines": rows}, ensure_ascii=False) + "\n"


def _same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1, 1.0 and True are not the same)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    return a == b or (a != a and b != b)  # NaN


if __name__ == "__main__":
    DEFAULTS_SNAPSHOT.write_text(snapshot_defaults(), encoding="utf-8")
    print(f"wrote {DEFAULTS_SNAPSHOT}")
