"""Errors of the training toolkit. Messages are for the user (Korean), without tracebacks.

- ``TrainingError``: training can't run as asked (bad option, no CUDA, broken checkpoint).
- ``DataError(TrainingError)``: a data file can't be read at all, or has no usable rows.

A train command should catch ``TrainingError`` and turn it into ``click.ClickException(str(exc))``
(or print it and exit non-zero); details go to the log.
"""

from __future__ import annotations


class TrainingError(Exception):
    """Training can't go on; ``str(exc)`` is a Korean message for the user."""


class DataError(TrainingError):
    """A data file can't be used (undecodable, unreadable, empty, no usable rows)."""
