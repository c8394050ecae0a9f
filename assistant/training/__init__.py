"""Shared, model-agnostic training toolkit for ``assistant train NAME`` commands.

Import the sub-modules you need *inside* your train/eval command functions
(never at plugin import time): they import torch, and some transformers.
This package itself is light (no torch import).

Modules (each documents its public API in its docstring):

- :mod:`assistant.training.tables`   -- ``read_table``, ``Row``, ``SkipLog``, ``DataError``,
  ``sha256_file``: robust CSV / TSV / XLSX reading (UTF-8, UTF-8-BOM, CP949).
- :mod:`assistant.training.options`  -- ``training_options(plugin_name)`` /
  ``evaluation_options(plugin_name)`` click decorators (one Korean error path, exit code
  130 after Ctrl-C) and the ``TrainSettings`` dataclass passed to the command as ``settings``.
- :mod:`assistant.training.batching` -- ``LengthGroupedBatches``, ``pad_collate``,
  ``useful_token_fraction``, ``split_eval``.
- :mod:`assistant.training.device`   -- ``pick_device``, ``pick_precision``, distributed setup
  (torchrun env vars), ``is_main_process``, ``barrier``.
- :mod:`assistant.training.loop`     -- ``train(...) -> TrainResult``, ``evaluate_loss``:
  the training loop, checkpoints / ``--resume``, Ctrl-C, early stopping.
- :mod:`assistant.training.export`   -- ``save_final``: the final Hugging Face-format save
  with ``metadata.json`` and ``loss_curve.png`` (``plot_loss_curve``).
- :mod:`assistant.training.signals`  -- ``StopFlag``: Ctrl-C / SIGTERM stop after a step.
- :mod:`assistant.training.result`   -- ``TrainResult``.
- :mod:`assistant.training.checkpoint` -- resumable checkpoints (safetensors + JSON).
"""

from assistant.training.errors import DataError, TrainingError

__all__ = ["DataError", "TrainingError"]
