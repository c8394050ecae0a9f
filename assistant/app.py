"""The application object every plugin receives: config, data directory, clock, notifications."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from assistant.config import Config, ConfigError
from assistant.types import Notification

if TYPE_CHECKING:
    from assistant.plugins import PluginHost
    from assistant.router import Router

log = logging.getLogger("assistant")


def default_data_dir() -> Path:
    """``$ASSISTANT_HOME`` or the platform's per-user data directory."""
    home = os.environ.get("ASSISTANT_HOME")
    if home:
        return Path(home).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("assistant", appauthor=False))


def private_dir(path: Path) -> Path:
    """Create ``path`` readable by the user only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.chmod(0o700)
    return path


class App:
    """Shared state of one assistant process.

    Attributes plugins use:

    - ``config``: the merged configuration; ``config.plugin(name)`` is ``plugins.<name>``.
    - ``data_dir``: private per-user directory for databases and logs.
    - ``tz``: the configured time zone; ``now()`` the current aware time in it
      (tests pass ``clock`` to control time).
    - ``interactive``: True in the terminal assistant, False for one-shot commands.
    - ``notify(Notification)``: announce something (a due timer) to the user.
    - ``host``: the plugin host (``host.plugin_names()`` etc.).
    - ``router``: the router; ``router.intents`` maps intent name -> (Intent, plugin).
    """

    def __init__(
        self,
        config: Config,
        data_dir: Path | None = None,
        *,
        interactive: bool = False,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.data_dir = private_dir(data_dir or default_data_dir())
        self.interactive = interactive
        self.name: str = str(config.get("name") or "이랑")
        try:
            self.tz = ZoneInfo(str(config.get("timezone") or "Asia/Seoul"))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(
                f"설정 {config.where('timezone')} 의 시간대 '{config.get('timezone')}'를 찾을 수 없어요."
            ) from exc
        self._clock = clock
        self._notifier: Callable[[Notification], None] | None = None
        self._pending: list[Notification] = []
        self._lock = threading.Lock()
        self.host: PluginHost | None = None
        self.router: Router | None = None  # set by the Assistant; ``router.intents`` lists intents
        self.state: dict[str, Any] = {}  # per-process scratch space, keyed by plugin name

    def now(self) -> datetime:
        """Current time, timezone-aware, in the configured zone."""
        if self._clock is not None:
            return self._clock().astimezone(self.tz)
        return datetime.now(self.tz)

    def notify(self, notification: Notification) -> None:
        """Deliver a notification to the front end (queued until one is attached)."""
        with self._lock:
            notifier = self._notifier
            if notifier is None:
                self._pending.append(notification)
                return
        notifier(notification)

    def set_notifier(self, notifier: Callable[[Notification], None] | None) -> None:
        """Attach the front end's notification sink; queued notifications are flushed to it."""
        with self._lock:
            self._notifier = notifier
            pending, self._pending = self._pending, []
        if notifier is not None:
            for item in pending:
                notifier(item)

    def take_pending(self) -> list[Notification]:
        """Notifications raised while no front end was attached (for one-shot commands)."""
        with self._lock:
            pending, self._pending = self._pending, []
        return pending
