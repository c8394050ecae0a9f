"""Helpers for the emotion tests: tiny real models built on the fly, data files, configs."""

from __future__ import annotations

from pathlib import Path

import yaml

LABELS = ["일상", "기쁨", "슬픔", "분노", "불안", "우울"]
#: Gold labels of a small hand-computed metrics example (shared by several tests).
GOLD = [
    "슬픔",
    "불안",
    "기쁨",
    "분노",
    "우울",
    "일상",
    "일상",
    "슬픔",
    "분노",
    "불안",
    "기쁨",
    "우울",
]

CORPUS = [
    "오늘 시험 망쳐서 너무 속상해",
    "내일 면접인데 너무 떨려",
    "드디어 합격했어 너무 기뻐",
    "친구가 약속을 또 어겨서 화가 나",
    "요즘 아무것도 하기 싫고 무기력해",
    "오늘 점심은 김치찌개 먹었어",
    "주말에 마트 가서 장을 봤어",
    "강아지가 아파서 마음이 아파",
    "택배가 파손돼서 왔어 진짜 짜증 나",
    "건강검진 결과가 나올까 봐 무서워",
    "월급 들어와서 기분 최고야",
    "하루 종일 누워만 있었어 다 지쳤어",
]


def train_sp_model(directory: Path, name: str = "spiece.model", vocab_size: int = 120) -> Path:
    """A real SentencePiece model trained on a few sentences, KoBERT special ids."""
    import io

    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.Train(
        sentence_iterator=iter(CORPUS * 3),
        model_writer=buffer,
        model_type="unigram",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        unk_id=0,
        unk_piece="[UNK]",
        pad_id=1,
        pad_piece="[PAD]",
        bos_id=-1,
        eos_id=-1,
        control_symbols=["[CLS]", "[SEP]", "[MASK]"],
        minloglevel=2,
    )
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(buffer.getvalue())
    return path


def make_kobert_dir(
    directory: Path, *, labels: list[str] | None = None, vocab_txt: bool = True, seed: int = 0
) -> Path:
    """A KoBERT-layout model dir: ``tokenizer_78b3253a26.model`` + ``vocab.txt`` (ids in a
    different order than the SentencePiece ids, as in monologg/kobert) + a tiny random
    BertForSequenceClassification saved as safetensors."""
    import sentencepiece as spm
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    labels = labels or LABELS
    sp_path = train_sp_model(directory, "tokenizer_78b3253a26.model")
    sp = spm.SentencePieceProcessor()
    sp.Load(str(sp_path))
    pieces = [sp.IdToPiece(i) for i in range(sp.GetPieceSize())]
    if vocab_txt:
        # Specials first (KoBERT order), then the ordinary pieces reversed: a tokenizer that
        # ignored vocab.txt would produce different ids.
        specials = ["[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]"]
        ordinary = [p for p in pieces if p not in specials][::-1]
        (directory / "vocab.txt").write_text(
            "\n".join(specials + ordinary) + "\n", encoding="utf-8"
        )
        vocab_size = len(specials) + len(ordinary)
    else:
        vocab_size = len(pieces)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=1,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
    )
    BertForSequenceClassification(config).save_pretrained(directory)
    return directory


def write_config(path: Path, emotion: dict | None = None, **top: object) -> Path:
    """A user config file with ``plugins.emotion`` settings (and top-level keys)."""
    data: dict = dict(top)
    if emotion is not None:
        data.setdefault("plugins", {})["emotion"] = emotion
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def kote_names() -> list[str]:
    from assistant_plugins.emotion.labels import kote_default_names

    return kote_default_names()


def kote_line(row_id: int, text: str, names: list[str]) -> str:
    """One KOTE TSV line with the given label names (0-based indices of the standard order)."""
    order = kote_names()
    return f"{row_id}\t{text}\t{','.join(str(order.index(n)) for n in names)}\n"
