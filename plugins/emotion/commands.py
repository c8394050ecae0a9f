"""``assistant train emotion`` and ``assistant eval emotion``.

Training builds on the shared toolkit (:mod:`assistant.training`): the common options and
settings, the loop (device, precision, progress, held-out split, early stopping, resume,
Hugging Face-format save with ``metadata.json``). What is specific to emotions lives here:
the data formats and label mapping (:mod:`.data`), the ``mini`` preset (a small BERT from
scratch with a SentencePiece vocabulary trained on the data), class weighting, ``--repeat``
to give a small in-domain file more weight, and the confusion matrix of the held-out split.

torch and transformers are imported inside the command functions only.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from assistant.korean import particle
from assistant.training.errors import TrainingError
from assistant.training.options import (
    TrainSettings,
    evaluation_options,
    plugin_config,
    training_options,
)

from .data import FORMATS

log = logging.getLogger("assistant.emotion")

#: The ``mini`` preset: small enough to ship (~20 MB) and to train on a laptop CPU.
MINI = {
    "hidden_size": 256,
    "num_hidden_layers": 4,
    "num_attention_heads": 4,
    "intermediate_size": 1024,
    "hidden_dropout_prob": 0.1,
    "attention_probs_dropout_prob": 0.1,
}


def _parse_repeats(values: tuple[str, ...], data: list[Path]) -> dict[Path, int]:
    repeats: dict[Path, int] = {}
    for value in values:
        name, sep, count = value.rpartition("=")
        if not sep or not count.isdigit() or int(count) < 1:
            raise click.BadParameter(
                f"'{value}'{particle(value, '은/는')} FILE=N 형태여야 해요 (N은 1 이상)."
            )
        path = Path(name)
        matches = [p for p in data if p == path or p.resolve() == path.resolve()]
        if not matches:
            raise click.BadParameter(
                f"'{name}'{particle(name, '은/는')} --data 로 준 파일이 아니에요."
            )
        repeats[matches[0]] = int(count)
    return repeats


def class_weights(counts: Counter, labels: list[str], mode: str) -> list[float]:
    """Per-class loss weights: ``balanced`` = n / (k * n_c), ``sqrt`` = its square root,
    ``none`` = 1. Classes absent from the training data get weight 0 (they can't be learnt)."""
    total = sum(counts.values())
    present = [label for label in labels if counts.get(label)]
    weights = []
    for label in labels:
        n = counts.get(label, 0)
        if not n:
            weights.append(0.0)
        elif mode == "none":
            weights.append(1.0)
        else:
            w = total / (len(present) * n)
            weights.append(w**0.5 if mode == "sqrt" else w)
    return [round(w, 4) for w in weights]


def data_format_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--format`` and ``--labels``, the same for ``train emotion`` and ``eval emotion``."""
    command = click.option(
        "--labels",
        "labels_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="KOTE 라벨 이름 파일 (기본: 데이터 옆의 labels.txt)",
    )(command)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="auto",
        show_default=True,
        help="데이터 형식 (auto: 파일마다 알아서 판단)",
    )(command)


@click.command("emotion")
@training_options("emotion", presets=("mini",))
@data_format_options
@click.option(
    "--repeat",
    "repeats",
    multiple=True,
    metavar="FILE=N",
    help="--data 파일 하나의 학습 행을 에폭마다 N번 반복 (작은 대화체 데이터에 무게를 줄 때)",
)
@click.option(
    "--class-weights",
    "weighting",
    type=click.Choice(["balanced", "sqrt", "none"]),
    default="balanced",
    show_default=True,
    help="불균형 데이터용 클래스 가중치",
)
@click.option(
    "--label-smoothing",
    type=click.FloatRange(0, 0.5),
    default=0.1,
    show_default=True,
    help="레이블 스무딩 (잡음 많은 라벨에서 과신을 줄여요)",
)
@click.option(
    "--laughter",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="학습 문장의 이 비율을 한 번 더 넣되 끝에 웃음(ㅋㅋ, ^^)을, 기쁨 문장엔 눈물(ㅠㅠ)을 붙여요: "
    "웃음이나 눈물 표시만으로 감정을 정하지 않게 (0 = 안 씀)",
)
@click.option(
    "--vocab-size",
    type=click.IntRange(min=200),
    default=8000,
    show_default=True,
    help="--preset mini 에서 학습할 SentencePiece 어휘 크기",
)
@click.option(
    "--mlm-steps",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="--preset mini: 감정 학습 전에 라벨 없는 문장으로 마스크 언어 모델 사전학습할 스텝 수",
)
@click.option(
    "--mlm-text",
    "mlm_text",
    multiple=True,
    type=click.Path(path_type=Path),
    help="사전학습에 더 쓸 라벨 없는 문장 파일 (ChatbotData는 질문과 답 모두; 여러 번 지정 가능)",
)
@click.option(
    "--calibration-data",
    "calibration_data",
    type=click.Path(path_type=Path),
    help="온도 보정에 쓸 개발 세트 (학습에는 안 써요): 확률이 실제 정답률에 맞도록 조정",
)
def train_command(
    settings: TrainSettings,
    fmt: str,
    labels_file: Path | None,
    repeats: tuple[str, ...],
    weighting: str,
    label_smoothing: float,
    laughter: float,
    vocab_size: int,
    mlm_steps: int,
    mlm_text: tuple[Path, ...],
    calibration_data: Path | None,
) -> None:
    """감정 분류 모델을 학습해요 (--preset mini: 처음부터, --base: 미세조정).

    데이터: KOTE TSV, ChatbotData CSV, AI Hub 감성대화(CSV/XLSX), 'text<TAB>label' TSV.
    라벨은 일상·기쁨·슬픔·분노·불안·우울 여섯 가지로 바뀌어요 (매핑 표는 플러그인 폴더에 있어요).
    """
    for extra in (*mlm_text, *([calibration_data] if calibration_data else [])):
        if not extra.is_file():
            raise TrainingError(f"파일을 찾을 수 없어요: '{extra}'")
    _train(
        settings,
        fmt,
        labels_file,
        _parse_repeats(repeats, settings.data),
        weighting,
        label_smoothing,
        vocab_size,
        Extras(mlm_steps, list(mlm_text), calibration_data, laughter),
    )


@dataclass
class Extras:
    """The emotion trainer's optional stages: MLM pretraining, temperature calibration and
    the laughter/tears copies of training rows (``data.marked_copies``)."""

    mlm_steps: int = 0
    mlm_text: list[Path] = field(default_factory=list)
    calibration_data: Path | None = None
    laughter: float = 0.0


def _train(
    settings: TrainSettings,
    fmt: str,
    labels_file: Path | None,
    repeats: dict[Path, int],
    weighting: str,
    label_smoothing: float,
    vocab_size: int,
    extras: Extras | None = None,
) -> None:
    from assistant.training.batching import make_collate, split_eval
    from assistant.training.tables import SkipLog

    from .data import label_set, marked_copies, read_examples, read_texts

    extras = extras or Extras()

    skip_log = SkipLog()
    train_rows, eval_rows, per_file = [], [], []
    for path in settings.data:
        rows = read_examples(path, fmt, labels_file=labels_file, skip_log=skip_log)
        train_part, eval_part = split_eval(rows, settings.eval_split, seed=settings.seed)
        times = repeats.get(path, 1)
        train_rows += train_part * times
        eval_rows += eval_part
        per_file.append(
            {
                "path": str(path),
                "examples": len(rows),
                "train": len(train_part),
                "eval": len(eval_part),
                "repeat": times,
                "labels": dict(Counter(r.label for r in rows).most_common()),
            }
        )
    marked = marked_copies(train_rows, extras.laughter, settings.seed) if extras.laughter else []
    train_rows += marked
    calibration_rows = (
        read_examples(extras.calibration_data, skip_log=skip_log) if extras.calibration_data else []
    )
    mlm_texts: list[str] = []
    if extras.mlm_steps and not settings.base:
        mlm_texts = sorted({r.text for r in train_rows})
        for path in extras.mlm_text:
            mlm_texts += read_texts(path, labels_file=labels_file, skip_log=skip_log)
    if skip_log.count:
        click.echo(skip_log.summary(), err=True)
    labels = label_set(train_rows + eval_rows)
    label_ids = {name: i for i, name in enumerate(labels)}
    counts = Counter(r.label for r in train_rows)
    weights = class_weights(counts, labels, weighting)
    click.echo(
        f"학습 {len(train_rows):,}개 · 검증 {len(eval_rows):,}개 · 라벨 "
        + ", ".join(f"{name} {counts.get(name, 0)}" for name in labels),
        err=True,
    )

    import torch
    import torch.nn.functional as F

    from assistant.training.loop import seed_everything, train

    seed_everything(settings.seed)
    tokenizer, model = _build(settings, labels, train_rows, vocab_size, mlm_texts)
    pretraining: dict[str, Any] | None = None
    if mlm_texts and not settings.resume:
        from .pretrain import mlm_pretrain

        pretraining = mlm_pretrain(
            model,
            mlm_texts,
            tokenizer,
            steps=extras.mlm_steps,
            batch_size=settings.batch_size,
            lr=settings.lr,
            seed=settings.seed,
            echo=lambda line: click.echo(line, err=True),
        )
        pretraining["files"] = [str(p) for p in extras.mlm_text]
    encode = tokenizer.encode
    train_examples = [
        {"input_ids": encode(r.text, settings.max_length), "labels": label_ids[r.label]}
        for r in train_rows
    ]
    eval_examples = [
        {"input_ids": encode(r.text, settings.max_length), "labels": label_ids[r.label]}
        for r in eval_rows
    ]
    weight = torch.tensor(weights, dtype=torch.float32)

    def loss_fn(net: Any, batch: dict[str, Any]) -> Any:
        logits = net(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        return F.cross_entropy(
            logits.float(),
            batch["labels"],
            weight=weight.to(logits.device),
            label_smoothing=label_smoothing,
        )

    def on_save(output: Path, saved: Any) -> None:
        if calibration_rows:
            _calibrate(output, saved, tokenizer, calibration_rows, settings.max_length)
        _write_eval_report(output, saved, tokenizer, eval_rows, settings.max_length)

    metadata = {
        "task": "emotion classification",
        "labels": labels,
        "preset": settings.preset,
        "base": settings.base,
        "model_shape": MINI if settings.preset == "mini" else None,
        "vocab_size": tokenizer.vocab_size,
        "class_weights": dict(zip(labels, weights, strict=True)),
        "class_weighting": weighting,
        "label_smoothing": label_smoothing,
        "laughter": {"fraction": extras.laughter, "copies": len(marked)},
        "data": per_file,
        "format": fmt,
        "mapping_tables": ["kote_mapping.tsv", "chatbotdata_mapping.tsv", "aihub_mapping.tsv"],
        "skipped_rows": skip_log.as_json(),
        "mlm_pretraining": pretraining,
        "calibration_data": str(extras.calibration_data) if extras.calibration_data else None,
    }
    result = train(
        model,
        train_examples,
        eval_examples,
        settings,
        collate=make_collate(tokenizer.pad_id),
        loss_fn=loss_fn,
        tokenizer=tokenizer,
        on_save=on_save,
        metadata=metadata,
    )
    if result.interrupted:
        return  # the loop printed how to resume; the shared wrapper exits with code 130
    report_path = Path(settings.output) / "eval_report.json"
    summary = ""
    if report_path.is_file():
        report = json.loads(report_path.read_text(encoding="utf-8"))
        summary = f" · 검증 정확도 {report['accuracy']:.3f}, macro-F1 {report['macro_f1']:.3f}"
    click.echo(f"학습을 마쳤어요: {result.steps} 스텝{summary} → {settings.output}")


def _build(
    settings: TrainSettings,
    labels: list[str],
    train_rows: list[Any],
    vocab_size: int,
    extra_texts: list[str] | None = None,
) -> tuple[Any, Any]:
    """The tokenizer and the model: the mini preset from scratch, or a base to fine-tune."""
    from transformers import (
        AutoModelForSequenceClassification,
        BertConfig,
        BertForSequenceClassification,
    )

    from .classifier import ModelError, check_model_dir, resolve
    from .tokenization import (
        SentencePieceBertTokenizer,
        TokenizerError,
        load_tokenizer,
        train_sentencepiece,
    )

    id2label = dict(enumerate(labels))
    label2id = {name: i for i, name in enumerate(labels)}
    output = Path(settings.output)
    try:
        if settings.base:
            directory = resolve(settings.base, setting="--base")
            check_model_dir(directory)
            tokenizer = load_tokenizer(directory, max_length=settings.max_length)
            model = AutoModelForSequenceClassification.from_pretrained(
                str(directory),
                num_labels=len(labels),
                id2label=id2label,
                label2id=label2id,
                ignore_mismatched_sizes=True,
                use_safetensors=True,
            )
            return tokenizer, model
        from assistant.training.device import shared_tokenizer

        # rank 0 trains the vocabulary into the output folder (so --resume finds it), the
        # other torchrun ranks load that file; the masked-LM text widens the vocabulary
        tokenizer = shared_tokenizer(
            output / "spiece.model",
            build=lambda: train_sentencepiece(
                sorted({row.text for row in train_rows} | set(extra_texts or [])),
                output,
                vocab_size=vocab_size,
                seed=settings.seed,
            ),
            load=lambda: SentencePieceBertTokenizer.from_dir(output, settings.max_length),
            resume=settings.resume,
        )
    except (ModelError, TokenizerError) as exc:
        raise TrainingError(str(exc)) from exc
    except OSError as exc:
        raise TrainingError(f"기반 모델을 불러올 수 없어요: {exc}") from exc
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        max_position_embeddings=max(128, settings.max_length),
        type_vocab_size=2,
        pad_token_id=tokenizer.pad_id,
        num_labels=len(labels),
        id2label=id2label,
        label2id=label2id,
        **MINI,
    )
    return tokenizer, BertForSequenceClassification(config)


def _calibrate(output: Path, model: Any, tokenizer: Any, rows: list[Any], max_length: int) -> None:
    """Temperature scaling on a dev set: divide the classification layer by the temperature
    with the least NLL there, save the weights again and record it in ``metadata.json``."""
    import torch

    from .calibration import expected_calibration_error, fit_temperature, softmax
    from .classifier import EmotionClassifier

    model.eval()
    classifier = EmotionClassifier(model, tokenizer, output, max_length)
    usable = [r for r in rows if r.label in classifier.labels]
    if not usable:
        return
    logits = classifier.logits([r.text for r in usable])
    gold = [classifier.labels.index(r.label) for r in usable]
    temperature = fit_temperature(logits, gold)

    def ece(t: float) -> float:
        probs = [softmax(row, t) for row in logits]
        best = [max(range(len(p)), key=p.__getitem__) for p in probs]
        return round(
            expected_calibration_error(
                [p[b] for p, b in zip(probs, best, strict=True)],
                [b == g for b, g in zip(best, gold, strict=True)],
            ),
            4,
        )

    before, after = ece(1.0), ece(temperature)
    head = model.classifier
    with torch.no_grad():
        head.weight.div_(temperature)
        head.bias.div_(temperature)
    model.save_pretrained(output, safe_serialization=True)
    click.echo(
        f"온도 보정: T={temperature:.3f} · 개발 세트 ECE {before:.3f} → {after:.3f}", err=True
    )
    meta_path = output / "metadata.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["temperature"] = {
            "value": temperature,
            "data": str(rows[0].file),
            "rows": len(usable),
            "ece_before": before,
            "ece_after": after,
            "note": "baked into the classifier layer (weight and bias divided by T)",
        }
        meta_path.write_text(
            json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )


def _write_eval_report(
    output: Path, model: Any, tokenizer: Any, rows: list[Any], max_length: int
) -> None:
    """Held-out split figures of the saved model: eval_report.json, confusion.png, metadata."""
    if not rows:
        return
    from .classifier import EmotionClassifier
    from .metrics import confusion_png, report

    model.eval()
    classifier = EmotionClassifier(model, tokenizer, output, max_length)
    predictions = classifier.predict_many([r.text for r in rows])
    result = report([r.label for r in rows], [p.label for p in predictions], classifier.labels)
    result["split"] = "held-out part of the training files (--eval-split), never trained on"
    (output / "eval_report.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    try:
        confusion_png(result, output / "confusion.png", title="held-out split")
    except Exception as exc:  # a plot must never lose a trained model
        log.warning("confusion matrix not drawn: %s", exc)
    meta_path = output / "metadata.json"
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["eval_report"] = {k: result[k] for k in ("count", "accuracy", "macro_f1", "per_class")}
        meta_path.write_text(
            json.dumps(meta, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )


@click.command("emotion")
@evaluation_options("emotion")
@data_format_options
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="이 확률보다 낮으면 일상으로 (기본: 설정의 plugins.emotion.threshold)",
)
@click.option(
    "--tone-min-score",
    type=click.FloatRange(0, 1),
    default=None,
    help="첫마디(opener) 정밀도를 잴 최소 점수 (기본: 설정의 plugins.emotion.tone_min_score)",
)
@click.option(
    "--no-lexicon",
    is_flag=True,
    help="감정 단어 목록(feeling_words.tsv)을 쓰지 않고 모델만 평가 (비교용)",
)
@click.option(
    "--no-class-bias",
    is_flag=True,
    help="설정의 plugins.emotion.class_bias(감정별 로짓 보정)를 쓰지 않고 평가 (비교용)",
)
@click.option(
    "--png", type=click.Path(dir_okay=False, path_type=Path), help="혼동 행렬을 PNG로 저장"
)
def eval_command(
    data: tuple[Path, ...],
    fmt: str,
    labels_file: Path | None,
    model_source: str | None,
    threshold: float | None,
    tone_min_score: float | None,
    no_lexicon: bool,
    no_class_bias: bool,
    as_json: bool,
    png: Path | None,
) -> None:
    """감정 분류 모델을 평가해요: 정확도, macro-F1, 클래스별 정밀도/재현율/F1, 혼동 행렬,
    보정 오차(ECE), 설정한 최소 점수에서 첫마디(opener)의 정밀도."""
    from assistant.training.export import portable
    from assistant.training.tables import SkipLog

    from .classifier import load_configured
    from .data import read_examples
    from .metrics import confusion_png, report

    settings = dict(plugin_config("emotion"))
    if no_lexicon:
        settings["lexicon"] = False
    if no_class_bias:
        settings["class_bias"] = {}
    skip_log = SkipLog()
    rows = []
    for path in data:
        rows += read_examples(path, fmt, labels_file=labels_file, skip_log=skip_log)
    classifier = load_configured(settings, model_source)
    usable = []
    for row in rows:
        if row.label in classifier.labels:
            usable.append(row)
        else:
            skip_log.add(row.file, row.row, f"모델에 없는 라벨 '{row.label}'")
    if not usable:
        raise TrainingError("평가할 수 있는 행이 없어요 (모델의 라벨과 맞는 행이 없어요).")
    limit = float(settings.get("threshold", 0.0)) if threshold is None else threshold
    predictions = classifier.predict_many([r.text for r in usable], limit)
    result = report([r.label for r in usable], [p.label for p in predictions], classifier.labels)
    result["model"] = portable(str(classifier.directory))
    result["threshold"] = limit
    result["lexicon_boost"] = classifier.lexicon_boost if classifier.lexicon else None
    result["class_bias"] = {
        label: bias
        for label, bias in zip(classifier.labels, classifier.class_bias, strict=True)
        if bias
    }
    result.update(
        _calibration_figures(usable, predictions, classifier.labels, settings, tone_min_score)
    )
    result["data"] = [str(p) for p in data]
    result["skipped"] = skip_log.as_json()
    if png is not None:
        confusion_png(result, png, title=Path(data[0]).name)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    if skip_log.count:
        click.echo(skip_log.summary(), err=True)
    _print_report(result)
    if png is not None:
        click.echo(f"혼동 행렬을 저장했어요: {png}")


def _calibration_figures(
    rows: list[Any],
    predictions: list[Any],
    labels: list[str],
    settings: Any,
    tone_min_score: float | None,
) -> dict[str, Any]:
    """``calibration`` (ECE of the top-class probability, 10 bins, before the threshold) and
    the opener figures at ``tone_min_score``: ``opener_precision`` for the model alone, and
    ``opener_precision_guarded`` as the assistant gives openers: the tone's ``unless`` words
    and the per-emotion ``min_score`` applied too, and the feeling-word lexicon's
    contradictions when it is on."""
    from .calibration import (
        BINS,
        expected_calibration_error,
        guarded_opener_figures,
        opener_figures,
    )
    from .labels import NEUTRAL

    top = [max(p.probabilities.items(), key=lambda item: item[1]) for p in predictions]
    ece = expected_calibration_error(
        [score for _, score in top],
        [name == r.label for (name, _), r in zip(top, rows, strict=True)],
    )
    least = float(settings.get("tone_min_score", 0.0)) if tone_min_score is None else tone_min_score
    gold = [r.label for r in rows]
    predicted = [p.label for p in predictions]
    scores = [p.score for p in predictions]
    plain = opener_figures(gold, predicted, scores, least, NEUTRAL)
    guarded = guarded_opener_figures([r.text for r in rows], gold, predictions, settings, least)
    return {
        "calibration": round(ece, 4),
        "calibration_bins": BINS,
        **plain,
        "opener_precision_guarded": guarded["opener_precision"],
        "openers_guarded": guarded["openers"],
    }


def _print_report(result: dict[str, Any]) -> None:
    from rich.table import Table

    from assistant.render import console

    out = console()
    out.print(
        f"{result['count']:,}개 평가 · 정확도 {result['accuracy']:.3f} · macro-F1 {result['macro_f1']:.3f}"
        f" · 모델 {result['model']}"
    )
    per = Table("라벨", "정밀도", "재현율", "F1", "개수", title="클래스별")
    for name, figures in result["per_class"].items():
        per.add_row(
            name,
            f"{figures['precision']:.3f}",
            f"{figures['recall']:.3f}",
            f"{figures['f1']:.3f}",
            str(figures["support"]),
        )
    out.print(per)
    precision = result.get("opener_precision")
    out.print(
        f"보정 오차(ECE) {result['calibration']:.3f} · 첫마디 {result['openers']}번"
        f" (최소 점수 {result['opener_threshold']:.2f}), 정밀도 "
        + ("-" if precision is None else f"{precision:.3f}")
    )
    labels = result["labels"]
    confusion = Table("정답 \\ 예측", *labels, title="혼동 행렬")
    for name, row in zip(labels, result["confusion"], strict=True):
        confusion.add_row(name, *[str(v) for v in row])
    out.print(confusion)
