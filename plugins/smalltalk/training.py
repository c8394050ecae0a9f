"""``assistant train smalltalk``: data -> tokenizer -> samples -> GPT-2 -> shared training loop.

Two starting points, one pipeline:

- ``--preset mini``: a SentencePiece-style BPE tokenizer trained on the training split and a
  small GPT-2 built from config (``plugins.smalltalk.training.mini``);
- ``--base HUB_ID_OR_DIR``: a pretrained causal LM (safetensors only, no remote code); its
  tokenizer gets ``<usr>``/``<sys>`` if missing and the embeddings are resized.

The loop itself (batching, schedule, checkpoints, early stopping, the final save with
``metadata.json`` and ``loss_curve.png``) is :mod:`assistant.training.loop`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant_plugins.smalltalk.data import DataSet, Dialogue, read_dialogues
from assistant_plugins.smalltalk.turns import Sample, TurnEncoder, TurnFormat

if TYPE_CHECKING:
    from assistant.training.options import TrainSettings

log = logging.getLogger("assistant.smalltalk")

REASON_TOO_MANY_TOKENS = "최대 길이(--max-length)보다 긴 대화"
EMOTION_TOKEN = "<unused1>"

#: built-in defaults of the mini preset (overridden by plugins.smalltalk.training.mini)
MINI_DEFAULTS: dict[str, float] = {
    "vocab_size": 4000,
    "n_layer": 4,
    "n_embd": 256,
    "n_head": 4,
    "n_positions": 128,
    # a few epochs over a small corpus underfit rather than overfit: no dropout by default
    "dropout": 0.0,
}

#: decoding defaults written into the model's generation_config.json
GENERATION_DEFAULTS: dict[str, Any] = {
    "do_sample": True,
    "top_k": 50,
    "top_p": 0.9,
    "temperature": 0.8,
    "repetition_penalty": 1.2,
    "no_repeat_ngram_size": 3,
    "max_new_tokens": 40,
}


@dataclass
class Prepared:
    """Everything built before the loop starts."""

    model: Any
    tokenizer: Any
    fmt: TurnFormat
    train: list[Sample]
    held_out: list[Sample]
    data: DataSet
    train_dialogues: list[Dialogue]
    held_out_dialogues: list[Dialogue]


def split_dialogues(
    dialogues: Sequence[Dialogue], fraction: float, seed: int
) -> tuple[list[Dialogue], list[Dialogue]]:
    """The fixed-seed held-out split (by dialogue, so no reply leaks across the split)."""
    from assistant.training.batching import split_eval

    return split_eval(list(dialogues), fraction, seed=seed)


def build_samples(
    dialogues: Sequence[Dialogue],
    encoder: TurnEncoder,
    max_length: int,
    context_turns: int,
    skipped: Any = None,
    with_emotion: bool = False,
) -> list[Sample]:
    """One sample per system turn, with up to ``context_turns`` earlier pairs as context."""
    samples: list[Sample] = []
    for dialogue in dialogues:
        too_long = False
        for end in range(2, len(dialogue.turns) + 1, 2):
            sample = encoder.sample(
                dialogue.turns[:end],
                max_length,
                emotion=dialogue.emotion if with_emotion else None,
                context_turns=context_turns,
            )
            if sample is None:
                too_long = True
                continue
            sample.source, sample.row = dialogue.file, dialogue.row
            samples.append(sample)
        if too_long and skipped is not None:
            skipped.add(dialogue.file, dialogue.row, REASON_TOO_MANY_TOKENS)
    return samples


def mini_config(training: dict[str, Any]) -> dict[str, Any]:
    """The mini preset's shape: ``MINI_DEFAULTS`` under ``training.mini`` from the config."""
    found = training.get("mini") if isinstance(training.get("mini"), dict) else {}
    merged: dict[str, Any] = dict(MINI_DEFAULTS)
    for key, value in found.items():
        if key in MINI_DEFAULTS:
            merged[key] = float(value) if key == "dropout" else int(value)
    for key in ("vocab_size", "n_layer", "n_embd", "n_head", "n_positions"):
        merged[key] = int(merged[key])
    return merged


def _texts(dialogues: Sequence[Dialogue], with_emotion: bool) -> list[str]:
    texts = [t for d in dialogues for t in d.turns]
    if with_emotion:
        texts += sorted({d.emotion for d in dialogues if d.emotion})
    return texts


def load_base(base: str) -> tuple[Any, Any, TurnFormat, int]:
    """A pretrained model + tokenizer ready for the turn format (tokens added if needed)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from assistant.training.errors import TrainingError
    from assistant_plugins.smalltalk.tokenizer import prepare_base_tokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(base, trust_remote_code=False)
        model = AutoModelForCausalLM.from_pretrained(
            base, use_safetensors=True, trust_remote_code=False
        )
    except Exception as exc:
        log.exception("could not load base model %s", base)
        raise TrainingError(
            f"기반 모델을 불러오지 못했어요: '{base}' ({type(exc).__name__}). "
            "허브 ID나 폴더 경로, safetensors 파일이 있는지 확인해 주세요."
        ) from exc
    fmt, added = prepare_base_tokenizer(tokenizer)
    if added or len(tokenizer) > model.get_input_embeddings().weight.shape[0]:
        model.resize_token_embeddings(len(tokenizer))
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return _name_loss(model), tokenizer, fmt, added


def build_mini(tokenizer: Any, arch: dict[str, Any], max_length: int) -> Any:
    from transformers import GPT2Config, GPT2LMHeadModel

    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=max(arch["n_positions"], max_length),
        n_embd=arch["n_embd"],
        n_layer=arch["n_layer"],
        n_head=arch["n_head"],
        resid_pdrop=float(arch.get("dropout", 0.1)),
        embd_pdrop=float(arch.get("dropout", 0.1)),
        attn_pdrop=float(arch.get("dropout", 0.1)),
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    return _name_loss(GPT2LMHeadModel(config))


def _name_loss(model: Any) -> Any:
    """GPT2LMHeadModel's class name maps to no loss type: name it, so transformers won't warn."""
    if getattr(model, "loss_type", None) is None:
        model.loss_type = "ForCausalLM"
    return model


def prepare(
    settings: TrainSettings,
    *,
    data_format: str,
    context_turns: int,
    with_emotion: bool,
    training_config: dict[str, Any],
    vocab_size: int | None = None,
) -> Prepared:
    """Read the data, split it, build tokenizer, model and samples (rank 0 saves the tokenizer)."""
    from assistant.training.errors import TrainingError
    from assistant.training.tables import SkipLog

    skipped = SkipLog()
    data = read_dialogues(settings.data, data_format, skipped)  # data errors come before torch
    train_d, held_d = split_dialogues(data.dialogues, settings.eval_split, settings.seed)

    from assistant.training.device import is_main_process, shared_tokenizer
    from assistant.training.loop import seed_everything
    from assistant_plugins.smalltalk.tokenizer import train_mini_tokenizer

    seed_everything(settings.seed)
    has_context = any(d.pairs > 1 for d in data.dialogues)
    emotions = sorted({d.emotion for d in data.dialogues if d.emotion}) if with_emotion else []
    output = Path(settings.output)
    if settings.base:
        model, tokenizer, fmt, _ = load_base(settings.base)
    else:
        arch = mini_config(training_config)
        if vocab_size:
            arch["vocab_size"] = vocab_size

        def build() -> Any:
            trained = train_mini_tokenizer(_texts(train_d, with_emotion), arch["vocab_size"])
            output.mkdir(parents=True, exist_ok=True)
            trained.save_pretrained(output)
            return trained

        def load() -> Any:
            from transformers import AutoTokenizer

            return AutoTokenizer.from_pretrained(output)

        tokenizer = shared_tokenizer(
            output / "tokenizer.json", build=build, load=load, resume=settings.resume
        )
        model = build_mini(tokenizer, arch, settings.max_length)
        fmt = TurnFormat()
    window = int(
        getattr(model.config, "n_positions", 0)
        or getattr(model.config, "max_position_embeddings", 0)
    )
    if window and settings.max_length > window:
        log.info("max_length %d clamped to the model window %d", settings.max_length, window)
        if is_main_process():
            print(
                f"알림: 샘플 최대 길이를 모델의 최대 길이 {window} 토큰으로 줄였어요.",
                file=sys.stderr,
            )
        settings.max_length = window
    fmt = replace(
        fmt,
        context_turns=context_turns if has_context else 0,
        emotion=EMOTION_TOKEN if emotions and EMOTION_TOKEN in tokenizer.get_vocab() else None,
        emotion_labels=emotions if EMOTION_TOKEN in tokenizer.get_vocab() else [],
    )
    encoder = TurnEncoder(tokenizer, fmt)
    use_emotion = fmt.emotion is not None
    train = build_samples(
        train_d, encoder, settings.max_length, context_turns, skipped, use_emotion
    )
    held = build_samples(held_d, encoder, settings.max_length, context_turns, skipped, use_emotion)
    if not train:
        raise TrainingError(
            "학습에 쓸 수 있는 대화가 없어요 (모두 건너뛰었어요). --max-length 를 늘려 보세요."
        )
    return Prepared(model, tokenizer, fmt, train, held, data, train_d, held_d)


def finish_output(
    prepared: Prepared, output: Path, generation: dict[str, Any] | None = None
) -> None:
    """Save tokenizer, turn format and generation config next to the trained weights."""
    from transformers import GenerationConfig

    tokenizer, fmt = prepared.tokenizer, prepared.fmt
    output.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(output)
    fmt.save(output)
    encoder = TurnEncoder(tokenizer, fmt)
    bad = [[tokenizer.unk_token_id]] if tokenizer.unk_token_id is not None else []
    bad.append([encoder.sys_id])
    config = GenerationConfig(
        **{**GENERATION_DEFAULTS, **(generation or {})},
        eos_token_id=[encoder.eos_id, encoder.usr_id],
        pad_token_id=tokenizer.pad_token_id
        if tokenizer.pad_token_id is not None
        else encoder.eos_id,
        bos_token_id=encoder.eos_id,
        bad_words_ids=bad,
    )
    config.save_pretrained(output)
