"""Shared, model-agnostic training toolkit for ``assistant train NAME`` commands.

Import the sub-modules you need *inside* your train/eval command functions
(never at plugin import time): they import torch, and some transformers.
This package itself is light (no torch import).

Modules (each documents its public API in its docstring):

- :mod:`assistant.training.tables`   -- ``read_table``, ``Row``, ``SkipLog``, ``DataError``,
  ``sha256_file``: robust CSV / TSV / XLSX reading (UTF-8, UTF-8-BOM, CP949).
- :mod:`assistant.training.options`  -- ``training_options(plugin_name)`` click decorator and
  the ``TrainSettings`` dataclass it passes to the command as ``settings``.
- :mod:`assistant.training.batching` -- ``LengthGroupedBatches``, ``pad_collate``,
  ``useful_token_fraction``, ``split_eval``.
- :mod:`assistant.training.device`   -- ``pick_device``, ``pick_precision``, distributed setup
  (torchrun env vars), ``is_main_process``, ``barrier``.
- :mod:`assistant.training.loop`     -- ``train(...) -> TrainResult``, ``evaluate_loss``:
  the training loop, checkpoints / ``--resume``, Ctrl-C, early stopping and the final
  Hugging Face-format save with ``metadata.json`` and ``loss_curve.png``.
"""

from assistant.training.errors import DataError, TrainingError

__all__ = ["DataError", "TrainingError"]
