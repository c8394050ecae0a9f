"""One lock for plugins that load models in background threads.

transformers' lazily initialised modules are not safe to import from two
threads at once ("cannot import name ..."). Every plugin that imports heavy
libraries or loads weights off the main thread does it inside
``with heavy_imports():`` so the loaders run one after the other.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.RLock()


@contextmanager
def heavy_imports() -> Iterator[None]:
    """Hold the process-wide lock for importing torch/transformers and loading weights."""
    with _LOCK:
        yield
