"""Helpers for the small-talk tests: data files in every format and tiny local models."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import yaml

PAIRS = [
    ("안녕하세요", "안녕하세요. 반가워요."),
    ("오늘 날씨 좋다", "산책하기 좋은 날이네요."),
    ("배고파", "맛있는 거 드세요."),
    ("심심해", "저랑 이야기해요."),
    ("피곤하다", "오늘은 푹 쉬세요."),
    ("시험 망쳤어", "다음에는 잘 될 거예요."),
    ("고마워", "천만에요."),
    ("잘 자", "좋은 꿈 꾸세요."),
]

DIALOGS = [
    ["안녕", "안녕하세요.", "뭐 해?", "이야기하고 있어요.", "재밌다", "저도 즐거워요."],
    ["배고파", "뭐 드실래요?", "라면", "맛있게 드세요."],
    ["졸려", "조금 주무세요."],
]


def write_chatbot_csv(path: Path, rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Q", "A", "label"])
        writer.writerows(rows)
    return path


def write_aihub(path: Path, dialogs: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    """AI Hub 감성대화 layout (3 pairs per row); .xlsx paths are written with openpyxl."""
    header = [
        "번호",
        "감정_대분류",
        "사람문장1",
        "시스템문장1",
        "사람문장2",
        "시스템문장2",
        "사람문장3",
        "시스템문장3",
    ]
    rows = []
    for i, turns in enumerate(dialogs, start=1):
        cells = list(turns) + [""] * (6 - len(turns))
        rows.append([str(i), "기쁨", *cells])
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append([int(row[0]), *row[1:]])
        book.save(path)
        return path
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, objects: Sequence[object], raw_lines: Sequence[str] = ()) -> Path:
    lines = [json.dumps(o, ensure_ascii=False) for o in objects] + list(raw_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def all_texts() -> list[str]:
    texts = [t for pair in PAIRS for t in pair] + [t for d in DIALOGS for t in d]
    return texts * 3


def build_tiny_model(
    directory: Path,
    *,
    vocab_size: int = 400,
    with_turn_tokens: bool = True,
    context_turns: int = 3,
    always_end: bool = False,
) -> Path:
    """A random 1-layer GPT-2 with a BPE tokenizer trained on the test texts, saved as safetensors.

    ``with_turn_tokens=False`` builds a plain "pretrained base" whose tokenizer has no
    ``<usr>``/``<sys>`` (as a generic GPT-2 would), for fine-tuning tests.
    ``always_end=True`` rigs the weights so the end token is (almost) always predicted,
    i.e. every generation is empty.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    from assistant_plugins.smalltalk.tokenizer import train_mini_tokenizer
    from assistant_plugins.smalltalk.turns import TurnFormat

    directory.mkdir(parents=True, exist_ok=True)
    if with_turn_tokens:
        tokenizer = train_mini_tokenizer(all_texts(), vocab_size=vocab_size, min_frequency=1)
        TurnFormat(context_turns=context_turns).save(directory)
    else:
        tok = Tokenizer(models.BPE(unk_token="[UNK]"))
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.decoder = decoders.Metaspace()
        trainer = trainers.BpeTrainer(
            vocab_size=vocab_size, special_tokens=["[UNK]", "<|endoftext|>"], show_progress=False
        )
        tok.train_from_iterator(all_texts(), trainer)
        tokenizer = PreTrainedTokenizerFast(
            tokenizer_object=tok,
            unk_token="[UNK]",
            eos_token="<|endoftext|>",
            bos_token="<|endoftext|>",
        )
    torch.manual_seed(0)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=64,
        n_embd=32,
        n_layer=1,
        n_head=2,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = GPT2LMHeadModel(config)
    if always_end:
        with torch.no_grad():
            end = model.transformer.wte.weight[tokenizer.eos_token_id]
            end.mul_(60.0)
            model.transformer.ln_f.weight.zero_()
            model.transformer.ln_f.bias.copy_(end)
    model.save_pretrained(directory, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    return directory


def write_config(path: Path, smalltalk: dict) -> Path:
    path.write_text(
        yaml.safe_dump({"plugins": {"smalltalk": smalltalk}}, allow_unicode=True), "utf-8"
    )
    return path
