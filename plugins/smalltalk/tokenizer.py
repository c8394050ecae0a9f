"""Tokenizers for small talk: a SentencePiece-style BPE trained on the data, or a base model's.

``train_mini_tokenizer`` builds a byte-free BPE with Metaspace pre-tokenization
(like SentencePiece/KoGPT2: ``▁`` marks a word start) and the KoGPT2 special
tokens, wrapped as a transformers fast tokenizer. ``prepare_base_tokenizer``
adds ``<usr>``/``<sys>`` (and an end token) to a pretrained tokenizer that lacks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from assistant_plugins.smalltalk.turns import TurnFormat

PAD, UNK, EOS, USR, SYS = "<pad>", "<unk>", "</s>", "<usr>", "<sys>"
#: spare tokens, as in KoGPT2 (``<unused1>`` introduces an emotion label)
UNUSED = [f"<unused{i}>" for i in range(8)]
SPECIAL_TOKENS = [PAD, UNK, EOS, USR, SYS, *UNUSED]


def train_mini_tokenizer(
    texts: Iterable[str], vocab_size: int = 8000, min_frequency: int = 2
) -> Any:
    """Train a BPE tokenizer on ``texts``; returns a ``PreTrainedTokenizerFast``."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=UNK))
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=EOS,
        eos_token=EOS,
        unk_token=UNK,
        pad_token=PAD,
        extra_special_tokens=[USR, SYS, *UNUSED],
        model_max_length=1024,
        clean_up_tokenization_spaces=False,
    )


def prepare_base_tokenizer(tokenizer: Any) -> tuple[TurnFormat, int]:
    """Make a pretrained tokenizer usable for the turn format; returns (format, tokens added).

    Adds ``<usr>``/``<sys>`` as special tokens when missing; the end token is
    ``</s>`` if the vocabulary has it, else the tokenizer's EOS (added as
    ``</s>`` if it has none). A missing pad token becomes the end token.
    """
    vocab = tokenizer.get_vocab()
    if EOS in vocab:
        eos = EOS
    elif tokenizer.eos_token:
        eos = tokenizer.eos_token
    else:
        eos = EOS
    missing = [t for t in (USR, SYS, eos) if t not in vocab]
    added = 0
    if missing:
        added = tokenizer.add_special_tokens(
            {"extra_special_tokens": missing}, replace_extra_special_tokens=False
        )
    if tokenizer.eos_token is None:
        tokenizer.eos_token = eos
    if tokenizer.pad_token is None:
        tokenizer.pad_token = eos
    return TurnFormat(eos=eos), added
