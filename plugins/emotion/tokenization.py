"""Tokenizers for the emotion classifier, behind one small interface.

Two kinds of model directory exist:

- **SentencePiece + BERT** (KoBERT layout): a SentencePiece model file
  (``tokenizer_78b3253a26.model`` as in ``monologg/kobert``, ``spiece.model`` as in
  ``skt/kobert-base-v1``, or ``sentencepiece.model``) and, optionally, a ``vocab.txt``
  that maps each piece to the BERT embedding row (one piece per line, line number = id).
  Without ``vocab.txt`` the SentencePiece ids are the ids. KoBERT can't be loaded with a
  plain ``AutoTokenizer`` (its hub config names a class that lives outside transformers),
  so :class:`SentencePieceBertTokenizer` implements it directly with ``sentencepiece``:
  NFC-normalised text -> pieces -> ids, wrapped as ``[CLS] ... [SEP]``. The ``--preset
  mini`` model uses the same layout (a SentencePiece model trained on the data).
- anything else with a ``tokenizer.json`` / ``tokenizer_config.json``: loaded with
  ``AutoTokenizer`` (never with ``trust_remote_code`` unless asked).

Both are wrapped so callers only use ``encode(text) -> list[int]``, ``pad_id`` and
``batch(texts) -> dict of tensors``.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

SP_MODEL_NAMES = (
    "tokenizer_78b3253a26.model",
    "spiece.model",
    "sentencepiece.model",
    "sentencepiece.bpe.model",
)
SPECIALS = ("[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]")


class TokenizerError(Exception):
    """A tokenizer that can't be loaded; the message is Korean."""


def find_sp_model(directory: Path) -> Path | None:
    """The SentencePiece model file of a KoBERT-style directory, if any."""
    for name in SP_MODEL_NAMES:
        if (directory / name).is_file():
            return directory / name
    return None


class SentencePieceBertTokenizer:
    """KoBERT-style tokenizer: SentencePiece pieces mapped to BERT ids."""

    def __init__(
        self, sp_model: str | Path, vocab_txt: str | Path | None = None, max_length: int = 128
    ):
        import sentencepiece as spm

        self.sp = spm.SentencePieceProcessor()
        try:
            ok = self.sp.Load(str(sp_model))
        except (OSError, RuntimeError) as exc:
            raise TokenizerError(
                f"SentencePiece 모델을 읽을 수 없어요: '{sp_model}' ({exc})"
            ) from exc
        if not ok:
            raise TokenizerError(f"SentencePiece 모델을 읽을 수 없어요: '{sp_model}'")
        self.sp_model_path = Path(sp_model)
        self.max_length = max_length
        self.token_to_id: dict[str, int] | None = None
        if vocab_txt is not None:
            with open(vocab_txt, encoding="utf-8") as handle:
                tokens = [line.rstrip("\n") for line in handle]
            self.token_to_id = {token: i for i, token in enumerate(tokens) if token}
        missing = [s for s in ("[UNK]", "[PAD]", "[CLS]", "[SEP]") if self._lookup(s) is None]
        if missing:
            raise TokenizerError(
                f"토크나이저에 없는 특수 토큰이 있어요 ({', '.join(missing)}): '{sp_model}'"
            )
        self.unk_id = self._lookup("[UNK]")
        self.pad_id = self._lookup("[PAD]")
        self.cls_id = self._lookup("[CLS]")
        self.sep_id = self._lookup("[SEP]")

    @classmethod
    def from_dir(cls, directory: str | Path, max_length: int = 128) -> SentencePieceBertTokenizer:
        directory = Path(directory)
        model = find_sp_model(directory)
        if model is None:
            raise TokenizerError(f"'{directory}'에 SentencePiece 모델 파일이 없어요.")
        vocab = directory / "vocab.txt"
        return cls(model, vocab if vocab.is_file() else None, max_length)

    def _lookup(self, piece: str) -> int | None:
        if self.token_to_id is not None:
            return self.token_to_id.get(piece)
        index = self.sp.PieceToId(piece)
        return index if self.sp.IdToPiece(index) == piece else None

    @property
    def vocab_size(self) -> int:
        return len(self.token_to_id) if self.token_to_id is not None else self.sp.GetPieceSize()

    def tokenize(self, text: str) -> list[str]:
        """Pieces of ``text`` (NFC, whitespace collapsed)."""
        text = " ".join(unicodedata.normalize("NFC", text).split())
        return list(self.sp.EncodeAsPieces(text))

    def encode(self, text: str, max_length: int | None = None) -> list[int]:
        """``[CLS] pieces [SEP]`` ids, truncated to ``max_length``."""
        limit = (max_length or self.max_length) - 2
        pieces = self.tokenize(text)[: max(limit, 0)]
        if self.token_to_id is None:
            ids = [self.sp.PieceToId(p) for p in pieces]
        else:
            ids = [self.token_to_id.get(p, self.unk_id) for p in pieces]
        return [self.cls_id, *ids, self.sep_id]

    def save(self, directory: str | Path) -> None:
        """Copy the tokenizer files into a model directory."""
        import shutil

        directory = Path(directory)
        target = directory / self.sp_model_path.name
        if target.resolve() != self.sp_model_path.resolve():
            shutil.copyfile(self.sp_model_path, target)
        vocab = self.sp_model_path.parent / "vocab.txt"
        if (
            self.token_to_id is not None
            and vocab.is_file()
            and vocab.resolve() != (directory / "vocab.txt").resolve()
        ):
            shutil.copyfile(vocab, directory / "vocab.txt")

    save_pretrained = save  # the name the training loop calls

    def batch(self, texts: Sequence[str], max_length: int | None = None) -> dict[str, Any]:
        return pad_batch([self.encode(t, max_length) for t in texts], self.pad_id)


class HFTokenizer:
    """A transformers tokenizer behind the same small interface."""

    def __init__(self, tokenizer: Any, max_length: int = 128):
        self.tok = tokenizer
        self.max_length = max_length
        pad = tokenizer.pad_token_id
        self.pad_id = int(pad if pad is not None else 0)

    @property
    def vocab_size(self) -> int:
        return len(self.tok)

    def tokenize(self, text: str) -> list[str]:
        return list(self.tok.tokenize(text))

    def encode(self, text: str, max_length: int | None = None) -> list[int]:
        return list(
            self.tok(text, truncation=True, max_length=max_length or self.max_length)["input_ids"]
        )

    def save(self, directory: str | Path) -> None:
        self.tok.save_pretrained(str(directory))

    save_pretrained = save

    def batch(self, texts: Sequence[str], max_length: int | None = None) -> dict[str, Any]:
        return pad_batch([self.encode(t, max_length) for t in texts], self.pad_id)


def pad_batch(sequences: Sequence[Sequence[int]], pad_id: int) -> dict[str, Any]:
    """Right-pad id lists into ``input_ids`` / ``attention_mask`` / ``token_type_ids`` tensors."""
    import torch

    width = max(len(s) for s in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        mask[row, : len(seq)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}


def load_tokenizer(
    directory: str | Path, *, max_length: int = 128, trust_remote_code: bool = False
) -> SentencePieceBertTokenizer | HFTokenizer:
    """The tokenizer of a model directory (KoBERT-style SentencePiece first, else AutoTokenizer)."""
    directory = Path(directory)
    if find_sp_model(directory) is not None and not (directory / "tokenizer.json").is_file():
        return SentencePieceBertTokenizer.from_dir(directory, max_length)
    from assistant.loading import import_transformers

    AutoTokenizer = import_transformers("AutoTokenizer")
    try:
        tok = AutoTokenizer.from_pretrained(str(directory), trust_remote_code=trust_remote_code)
    except Exception as exc:  # transformers raises many kinds here
        raise TokenizerError(f"'{directory}'의 토크나이저를 불러올 수 없어요: {exc}") from exc
    return HFTokenizer(tok, max_length)


def train_sentencepiece(
    texts: Iterable[str], directory: str | Path, vocab_size: int = 8000, seed: int = 0
) -> SentencePieceBertTokenizer:
    """Train a KoBERT-layout SentencePiece (unigram) model on ``texts`` into ``directory``.

    Ids: [UNK]=0, [PAD]=1, [CLS]=2, [SEP]=3, [MASK]=4 as in KoBERT. The vocabulary is
    smaller than ``vocab_size`` when the data is too small for it.
    """
    import sentencepiece as spm

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    lines = [" ".join(unicodedata.normalize("NFC", t).split()) for t in texts]
    lines = [line for line in lines if line]
    buffer = io.BytesIO()
    spm.set_random_generator_seed(seed)
    spm.SentencePieceTrainer.Train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=0.9995,
        unk_id=0,
        unk_piece="[UNK]",
        pad_id=1,
        pad_piece="[PAD]",
        bos_id=-1,
        eos_id=-1,
        control_symbols=["[CLS]", "[SEP]", "[MASK]"],
        num_threads=1,
        minloglevel=2,
    )
    path = directory / "spiece.model"
    path.write_bytes(buffer.getvalue())
    return SentencePieceBertTokenizer(path)
