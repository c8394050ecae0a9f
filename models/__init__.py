"""Shipped checkpoints, installed as ``assistant_models``.

Each sub-folder is a Hugging Face-format model directory (safetensors only)
with a MODEL_CARD.md. Model *code* lives with the plugin that uses it.
"""

from pathlib import Path


def shipped(name: str) -> Path:
    """Path of the shipped model directory ``name`` (may not exist yet)."""
    return Path(__file__).resolve().parent / name
