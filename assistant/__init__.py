"""이랑: a Korean-first, plugin-based terminal assistant.

Plugin authors need only ``from assistant import hookimpl`` and the types in
:mod:`assistant.types`.
"""

from assistant.hookspecs import hookimpl

__all__ = ["hookimpl", "__version__"]
__version__ = "0.1.0"
