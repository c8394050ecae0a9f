"""Tiny models and toy tasks for the training toolkit tests (built locally, random init)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

VOCAB = 64
PAD = 0


def tiny_gpt2(seed: int = 0, vocab: int = VOCAB, dropout: float = 0.1):
    """A 2-layer, 32-wide GPT-2 built from a config (no download)."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=vocab,
        n_positions=64,
        n_embd=32,
        n_layer=2,
        n_head=2,
        resid_pdrop=dropout,
        embd_pdrop=dropout,
        attn_pdrop=dropout,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=PAD,
    )
    return GPT2LMHeadModel(config)


def tiny_bert(seed: int = 0, vocab: int = VOCAB, num_labels: int = 3):
    """A 2-layer, 32-wide BERT sequence classifier built from a config."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=vocab,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=num_labels,
        pad_token_id=PAD,
    )
    return BertForSequenceClassification(config)


def lm_examples(n: int, seed: int = 0, vocab: int = VOCAB) -> list[dict[str, Any]]:
    """A learnable LM task: a 'user' prefix (labels -100) then the prefix reversed + 1.

    The system part is a deterministic function of the user part, so the loss on it can
    fall far below log(vocab).
    """
    rng = random.Random(seed)
    examples = []
    for _ in range(n):
        k = rng.randint(3, 12)
        user = [rng.randint(4, vocab // 2) for _ in range(k)]
        system = [t + 1 for t in reversed(user)] + [2]
        ids = [1, *user, 3, *system]
        labels = [-100] * (k + 2) + system
        examples.append({"input_ids": ids, "labels": labels})
    return examples


def cls_examples(n: int, seed: int = 0, vocab: int = VOCAB) -> list[dict[str, Any]]:
    """Classify by which token range dominates: label 0, 1 or 2."""
    rng = random.Random(seed)
    examples = []
    third = (vocab - 4) // 3
    for _ in range(n):
        label = rng.randrange(3)
        k = rng.randint(4, 16)
        lo = 4 + label * third
        ids = [rng.randint(lo, lo + third - 1) for _ in range(k)]
        examples.append({"input_ids": ids, "labels": label})
    return examples


def settings(tmp_path: Path, **overrides: Any):
    from assistant.training.options import TrainSettings

    values: dict[str, Any] = {
        "plugin": "toy",
        "output": tmp_path / "out",
        "epochs": 1,
        "max_steps": 40,
        "batch_size": 8,
        "grad_accum": 1,
        "lr": 3e-3,
        "eval_every": 10,
        "patience": 0,
        "device": "cpu",
        "precision": "fp32",
        "seed": 1,
        "warmup": 0.1,
        "log_every": 10,
        "command_line": ["test"],
    }
    values.update(overrides)
    return TrainSettings(**values)


def tiny_tokenizer(vocab: int = VOCAB):
    """A word-level PreTrainedTokenizerFast over tokens 't0'..'tN' (for save checks)."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    from transformers import PreTrainedTokenizerFast

    words = {"<pad>": 0, "<s>": 1, "</s>": 2, "<sys>": 3}
    words.update({f"t{i}": i for i in range(4, vocab)})
    core = Tokenizer(WordLevel(words, unk_token="<pad>"))
    core.pre_tokenizer = Whitespace()
    return PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", bos_token="<s>", eos_token="</s>"
    )


@pytest.fixture(autouse=False)
def one_torch_thread():
    """Train on one thread: on a loaded 2-core machine two threads are many times slower."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def config_group(config: dict):
    """A click group whose root object carries ``config``, as ``assistant`` sets it up."""
    import click

    class Runtime:
        pass

    runtime = Runtime()
    runtime.config = config

    @click.group()
    @click.pass_context
    def cli(ctx):
        ctx.obj = runtime

    return cli
