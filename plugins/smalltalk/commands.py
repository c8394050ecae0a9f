"""Click commands ``assistant train smalltalk`` and ``assistant eval smalltalk``.

Building the commands is cheap (click only); torch, transformers and the
training toolkit are imported when a command actually runs.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from assistant.training.errors import TrainingError
from assistant.training.options import evaluation_options, plugin_config, training_options
from assistant_plugins.smalltalk.data import FORMATS

if TYPE_CHECKING:
    from assistant.training.options import TrainSettings

NAME = "smalltalk"
STAGES = ("all", "generator", "selector", "memory")


def _fail(message: str) -> NoReturn:
    """Stop the command with a Korean ``오류: ...`` (the shared error path, exit code 1)."""
    raise TrainingError(message)


def train_command() -> click.Command:
    @click.command(NAME)
    @training_options(NAME, presets=("mini",))
    @click.option(
        "--format",
        "data_format",
        type=click.Choice(FORMATS),
        default=None,
        help="데이터 형식 (auto: 파일마다 자동 판별)",
    )
    @click.option(
        "--context-turns",
        type=click.IntRange(0, 10),
        default=None,
        help="샘플에 넣을 이전 대화 쌍 수 (여러 턴 데이터일 때)",
    )
    @click.option(
        "--vocab-size", type=click.IntRange(min=64), default=None, help="mini: 토크나이저 어휘 크기"
    )
    @click.option(
        "--emotion/--no-emotion",
        "with_emotion",
        default=None,
        help="데이터의 감정 라벨로 답변을 조건화 (<unused1> 라벨)",
    )
    @click.option(
        "--stage",
        type=click.Choice(STAGES),
        default="all",
        show_default=True,
        help="all: 생성 모델 -> 응답 선택 모델 -> 답변 기억 / 하나만: generator, selector, memory",
    )
    @click.option(
        "--memory-split",
        type=click.Choice(("train", "all")),
        default="train",
        show_default=True,
        help="답변 기억에 넣을 대화: train (검증 분할 제외) 또는 all (내 데이터 전부)",
    )
    @click.option(
        "--everyday-data/--no-everyday-data",
        "with_everyday",
        default=None,
        help="답변 기억에 이 프로젝트가 쓴 일상 대화(plugins/smalltalk/everyday)도 넣기 (기본: 넣음)",
    )
    @click.option(
        "--rule",
        "rule_file",
        type=click.Path(path_type=Path),
        default=None,
        help="답변 선택 규칙(가중치)을 dev 격자 탐색 대신 이 pipeline.json 에서 가져오기 "
        "(둘 다 dev 에서 채점해 기록)",
    )
    def command(
        settings: TrainSettings,
        data_format: str | None,
        context_turns: int | None,
        vocab_size: int | None,
        with_emotion: bool | None,
        stage: str,
        memory_split: str,
        with_everyday: bool | None,
        rule_file: Path | None,
    ) -> None:
        """잡담 모델 학습: --preset mini (처음부터, 기본) 또는 --base 허브ID/폴더 (미세조정).

        \b
        단계(--stage): all = generator -> selector -> memory (기본), 또는 한 단계만.
        예) assistant train smalltalk --preset mini --data ChatbotData.csv --output models/my-chat
            assistant train smalltalk --base skt/kogpt2-base-v2 --data chat.jsonl --epochs 3
            assistant train smalltalk --stage memory --data my.csv --output models/my-chat
        여러 GPU: torchrun --nproc_per_node=N -m assistant train smalltalk ...
        """
        config = plugin_config(NAME)
        training = dict(config.get("training") or {})
        data_format = data_format or str(training.get("format", "auto"))
        everyday = bool(
            with_everyday if with_everyday is not None else training.get("everyday_data", True)
        )
        rule = read_rule(rule_file) if rule_file is not None else None
        if stage == "memory":
            run_memory(settings, data_format, memory_split, config, everyday, rule)
            return
        if stage == "selector":
            run_selector(settings, data_format)
            return
        generator = run_training(
            settings,
            data_format=data_format or str(training.get("format", "auto")),
            context_turns=int(
                context_turns if context_turns is not None else training.get("context_turns", 3)
            ),
            with_emotion=bool(
                with_emotion if with_emotion is not None else training.get("emotion", False)
            ),
            training_config=training,
            vocab_size=vocab_size,
            generation=dict(config.get("generation") or {}),
        )
        # Ctrl-C in one stage ends the command (exit 130 with the resume hint), not the stage;
        # --resume then resumes the interrupted stage, and a later stage with no checkpoint of
        # its own starts from the beginning.
        if stage == "all" and not generator.interrupted:
            selector_settings = settings
            if settings.resume and not (Path(settings.output) / "selector" / "checkpoint").exists():
                selector_settings = replace(settings, resume=False)
            if not run_selector(selector_settings, data_format).interrupted:
                run_memory(settings, data_format, memory_split, config, everyday, rule)

    return command


def read_rule(path: Path) -> dict[str, float]:
    """The ``weights`` of a ``pipeline.json`` (``--rule``), with a Korean error when unusable."""
    try:
        weights = json.loads(path.read_text("utf-8")).get("weights")
    except FileNotFoundError:
        _fail(f"선택 규칙 파일을 찾을 수 없어요: '{path}'")
    except (OSError, ValueError, AttributeError) as exc:
        _fail(f"선택 규칙 파일을 읽을 수 없어요: '{path}' ({exc})")
    if not isinstance(weights, dict) or not all(
        isinstance(v, (int, float)) for v in weights.values()
    ):
        _fail(f"선택 규칙 파일에 숫자 가중치(weights)가 없어요: '{path}'")
    return {str(k): float(v) for k, v in weights.items()}


def _app_name() -> str:
    runtime = click.get_current_context().find_root().obj
    app = getattr(runtime, "app", None)
    return str(getattr(app, "name", None) or "이랑")


def _train_split(settings: Any, data_format: str) -> tuple[list[Any], list[Any]]:
    """(training, held-out) dialogues with the model's split (its metadata.json if present)."""
    from assistant_plugins.smalltalk.data import read_dialogues
    from assistant_plugins.smalltalk.training import split_dialogues

    data = read_dialogues(settings.data, data_format)
    fraction, seed = settings.eval_split, settings.seed
    meta = Path(settings.output) / "metadata.json"
    if meta.is_file():
        found = json.loads(meta.read_text("utf-8")).get("settings", {})
        fraction, seed = float(found.get("eval_split", fraction)), int(found.get("seed", seed))
    return split_dialogues(data.dialogues, fraction, seed)


def run_selector(settings: Any, data_format: str) -> Any:
    """The selector stage: ``selector_training.train_selector`` on the training split."""
    from assistant.training.device import is_main_process
    from assistant_plugins.smalltalk.selector_training import train_selector

    train_d, held_d = _train_split(settings, data_format)
    result = train_selector(settings, train_d, held_out=held_d)
    # an interrupted run: the loop printed how to resume; under torchrun rank 0 reports
    if not result.interrupted and is_main_process():
        click.echo(f"응답 선택 모델을 {Path(settings.output) / 'selector'} 에 저장했어요.")
        click.echo(result.summary())
    return result


def run_memory(
    settings: Any,
    data_format: str,
    memory_split: str,
    config: Any,
    everyday: bool = True,
    rule: dict[str, float] | None = None,
) -> None:
    """The memory stage: index the (training split of the) data beside the model. Under
    torchrun only the main process builds it (one index, one summary)."""
    from assistant.training.device import is_main_process
    from assistant_plugins.smalltalk.everyday import EVERYDAY_DIR
    from assistant_plugins.smalltalk.memory_build import run_memory_stage

    if not is_main_process():
        return

    summary = run_memory_stage(
        settings,
        data_format=data_format,
        memory_split=memory_split,
        name=_app_name(),
        generation=dict(config.get("generation") or {}),
        echo=lambda line: click.echo(line, err=True),
        everyday=EVERYDAY_DIR if everyday else None,
        rule=rule,
    )
    dev = summary["dev"]
    click.echo(
        f"답변 기억을 {summary['directory']} 에 저장했어요: {summary['pairs']:,}쌍"
        f"(일상 대화 {summary['everyday_pairs']:,}쌍 포함), "
        f"{summary['bytes'] / 1e6:.1f} MB, {summary['build_seconds']}초.\n"
        f"선택 규칙(dev {dev['dev_pairs']}쌍, 정답과의 글자 바이그램 F1, 우연 수준 뺌): "
        f"{dev['chosen']:.3f} "
        f"(기억만 {dev['memory_only']:.3f}, 중립 답변만 {dev['neutral_only']:.3f})"
    )


def run_training(
    settings: TrainSettings,
    *,
    data_format: str,
    context_turns: int,
    with_emotion: bool,
    training_config: dict[str, Any],
    vocab_size: int | None,
    generation: dict[str, Any],
) -> Any:
    """Train the generator; returns the loop's ``TrainResult`` (``interrupted`` after Ctrl-C)."""
    from assistant.training.batching import make_collate
    from assistant_plugins.smalltalk.training import finish_output, mini_config, prepare

    prepared = prepare(
        settings,
        data_format=data_format,
        context_turns=context_turns,
        with_emotion=with_emotion,
        training_config=training_config,
        vocab_size=vocab_size,
    )
    from assistant.training.device import is_main_process  # imports torch

    main = is_main_process()
    if main:
        _print_data_summary(prepared)
    arch = None
    if not settings.base:
        arch = mini_config(training_config)
        if vocab_size:
            arch["vocab_size"] = vocab_size
    metadata = {
        "task": "smalltalk",
        "start": {"base": settings.base}
        if settings.base
        else {"preset": settings.preset, "architecture": arch},
        "data": prepared.data.files,
        "skipped_rows": prepared.data.skipped.as_json(),
        "dialogues": {
            "train": len(prepared.train_dialogues),
            "held_out": len(prepared.held_out_dialogues),
        },
        "samples": {"train": len(prepared.train), "held_out": len(prepared.held_out)},
        "turn_format": {
            "usr": prepared.fmt.usr,
            "sys": prepared.fmt.sys,
            "eos": prepared.fmt.eos,
            "context_turns": prepared.fmt.context_turns,
            "emotion": prepared.fmt.emotion,
        },
        "vocab_size": len(prepared.tokenizer),
    }
    from assistant.training.loop import train

    pad_id = prepared.tokenizer.pad_token_id
    result = train(
        prepared.model,
        [{"input_ids": s.input_ids, "labels": s.labels} for s in prepared.train],
        [{"input_ids": s.input_ids, "labels": s.labels} for s in prepared.held_out],
        settings,
        collate=make_collate(pad_id if pad_id is not None else 0),
        tokenizer=prepared.tokenizer,
        on_save=lambda out, model: finish_output(
            prepared, Path(out), generation_defaults(generation)
        ),
        metadata=metadata,
    )
    if main and not result.interrupted:  # an interrupted run: the loop printed how to resume
        _print_result(settings, result, prepared)
    return result


def generation_defaults(generation: dict[str, Any]) -> dict[str, Any]:
    """The plugin's configured decoding, as generation_config.json fields."""
    from assistant_plugins.smalltalk.chat import GenerationSettings

    kwargs = GenerationSettings.from_mapping(generation).generate_kwargs()
    kwargs.pop("early_stopping", None)
    return kwargs


def _print_data_summary(prepared: Any) -> None:
    data = prepared.data
    files = ", ".join(
        f"{Path(f['path']).name}({f['format']}, {f['dialogues']:,}개)" for f in data.files
    )
    click.echo(f"데이터: {files}", err=True)
    click.echo(
        f"대화 {len(data.dialogues):,}개 -> 학습 샘플 {len(prepared.train):,}개, "
        f"검증 샘플 {len(prepared.held_out):,}개",
        err=True,
    )
    summary = data.skipped.summary()
    if summary:
        click.echo(summary, err=True)


def _print_result(settings: TrainSettings, result: Any, prepared: Any) -> None:
    metrics = result.metrics
    lines = [f"모델을 {settings.output} 에 저장했어요."]
    if result.eval_loss is not None:
        import math

        lines.append(
            f"검증 손실 {result.eval_loss:.4f} (퍼플렉서티 {math.exp(min(result.eval_loss, 50)):.2f})"
        )
    lines.append(
        f"스텝 {metrics.get('steps')}개, {result.elapsed_s:.0f}초, 초당 {result.tokens_per_s:,.0f} 토큰, "
        f"유효 토큰 비율 {result.useful_token_fraction:.3f}"
    )
    lines.append(f"사용하려면 설정에 plugins.smalltalk.model: {Path(settings.output).resolve()}")
    click.echo("\n".join(lines))


def eval_command() -> click.Command:
    @click.command(NAME)
    @evaluation_options(NAME, data_required=False)
    @click.option(
        "--everyday/--no-everyday",
        default=True,
        show_default=True,
        help="eval_prompts.tsv 의 일상 발화에 실제 파이프라인으로 답하고 점검 (지어낸 낱말, 출처)",
    )
    @click.option(
        "--format", "data_format", type=click.Choice(FORMATS), default="auto", help="데이터 형식"
    )
    @click.option(
        "--held-out",
        is_flag=True,
        help="모델 학습 때 떼어 둔 검증 부분만 평가 (metadata.json 의 비율과 시드로 같은 분할)",
    )
    @click.option(
        "--prompts",
        type=click.IntRange(0, 1000),
        default=30,
        show_default=True,
        help="답변 점검에 쓸 질문 수",
    )
    @click.option(
        "--prompts-file",
        type=click.Path(path_type=Path),
        default=None,
        help="일상 발화 점검에 쓸 파일 (기본: eval_prompts.tsv, 예: eval_prompts_b.tsv)",
    )
    @click.option(
        "--max-length",
        type=click.IntRange(min=8),
        default=128,
        show_default=True,
        help="샘플 최대 토큰 수",
    )
    @click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="KEY=VALUE",
        help="디코딩 설정 덮어쓰기 (예: --set strategy=greedy --set temperature=0.7)",
    )
    def command(
        overrides: tuple[str, ...],
        data: tuple[Path, ...],
        data_format: str,
        model_source: str | None,
        held_out: bool,
        prompts: int,
        max_length: int,
        as_json: bool,
        everyday: bool,
        prompts_file: Path | None,
    ) -> None:
        """잡담 모델 평가: 손실/퍼플렉서티, 답변 점검, 응답 선택(hits@1), 일상 발화 점검."""
        config = plugin_config(NAME)
        if not data and not everyday:
            _fail("--data 로 평가 데이터를 주거나 --everyday 점검을 켜 주세요.")
        if held_out and not data:
            _fail("--held-out 에는 --data 로 학습 데이터 파일이 필요해요.")
        if prompts_file is not None and not prompts_file.is_file():
            _fail(f"일상 발화 파일을 찾을 수 없어요: '{prompts_file}'")
        report: dict[str, Any] = {}
        if data:
            report = run_eval(
                list(data),
                data_format,
                model_source or str(config.get("model") or ""),
                held_out,
                prompts,
                max_length,
                {**dict(config.get("generation") or {}), **_parse_overrides(overrides)},
            )
        if everyday:
            report["everyday"] = run_everyday(
                model_source, prompts_file, _parse_overrides(overrides)
            )
        if as_json:
            click.echo(json.dumps(report, ensure_ascii=False))
        else:
            _print_report(report)

    return command


def _parse_overrides(items: tuple[str, ...]) -> dict[str, Any]:
    import yaml

    parsed: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _fail(f"--set 은 KEY=VALUE 형식이어야 해요: '{item}'")
        try:
            parsed[key.strip()] = yaml.safe_load(value)
        except yaml.YAMLError:
            parsed[key.strip()] = value
    return parsed


def run_eval(
    paths: list[Path],
    data_format: str,
    model_value: str,
    held_out: bool,
    prompts: int,
    max_length: int,
    generation: dict[str, Any],
) -> dict[str, Any]:
    from assistant.training.export import portable
    from assistant_plugins.smalltalk.chat import (
        ChatModel,
        GenerationSettings,
        ModelUnavailable,
        resolve_source,
    )
    from assistant_plugins.smalltalk.data import read_dialogues, user_prompts
    from assistant_plugins.smalltalk.evaluate import reply_sanity, sample_loss
    from assistant_plugins.smalltalk.training import build_samples, split_dialogues

    source, local = resolve_source(model_value)
    try:
        chat = ChatModel.load(source, local)
    except ModelUnavailable as exc:
        _fail(f"모델을 불러오지 못했어요: {exc}")
    data = read_dialogues(paths, data_format)
    dialogues = data.dialogues
    split = None
    if held_out:
        meta_path = Path(source) / "metadata.json"
        if not local or not meta_path.is_file():
            _fail("--held-out 에는 학습 때 만든 metadata.json 이 있는 모델 폴더가 필요해요.")
        meta = json.loads(meta_path.read_text("utf-8"))
        fraction = float(meta.get("settings", {}).get("eval_split", 0.05))
        seed = int(meta.get("settings", {}).get("seed", 42))
        train_dialogues, dialogues = split_dialogues(dialogues, fraction, seed)
        split = {"eval_split": fraction, "seed": seed}
    window = min(max_length, chat.window)
    samples = build_samples(
        dialogues,
        chat.encoder,
        window,
        chat.fmt.context_turns,
        data.skipped,
        chat.fmt.emotion is not None,
    )
    if not samples:
        _fail("평가할 수 있는 대화가 없어요.")
    pad = chat.pad_id
    loss = sample_loss(chat.model, samples, pad)
    settings = GenerationSettings.from_mapping(generation)
    sanity = reply_sanity(chat, user_prompts(dialogues, prompts), settings) if prompts else {}
    selection = None
    if held_out:
        model_dir = Path(source) if local else None
        selection = selection_report(train_dialogues, dialogues, chat, model_dir)
    report = {
        "model": portable(source),
        "data": [str(p) for p in paths],
        "held_out_split": split,
        "dialogues": len(dialogues),
        "samples": loss.samples,
        "system_tokens": loss.tokens,
        "loss": round(loss.loss, 4),
        "perplexity": round(loss.perplexity, 3),
        "skipped_rows": data.skipped.count,
        "decoding": {k: getattr(settings, k) for k in settings.__dataclass_fields__},
        "replies": sanity,
    }
    if selection is not None:
        report["selection"] = selection
    return report


def selection_report(
    train: list[Any], held_out: list[Any], chat: Any, model_dir: Path | None
) -> dict[str, Any]:
    """hits@1 of 20 on the held-out pairs (ST-B's ``selection_eval.evaluate_selection``)."""
    from assistant_plugins.smalltalk.selection_eval import evaluate_selection

    selector = None
    if model_dir is not None and (model_dir / "selector").is_dir():
        from assistant_plugins.smalltalk.selector import Selector, SelectorUnavailable

        try:
            selector = Selector.load(model_dir / "selector")
        except SelectorUnavailable as exc:
            click.echo(f"경고: 응답 선택 모델을 쓰지 못해요: {exc}", err=True)
    return evaluate_selection(train, held_out, selector=selector, chat=chat)


def run_everyday(
    model_source: str | None,
    prompts_file: Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The eval_prompts.tsv report through the real assistant (see ``everyday_eval``), with
    the ``--set`` decoding overrides applied to the plugin's live settings."""
    from assistant_plugins.smalltalk.everyday_eval import (
        PROMPTS_FILE,
        everyday_report,
        read_prompts,
        vocabulary,
    )
    from assistant_plugins.smalltalk.runtime import state

    runtime = click.get_current_context().find_root().obj
    live = runtime.config.plugin(NAME)  # the live settings the plugin reads
    if model_source:
        live["model"] = model_source
    if overrides:
        live["generation"] = {**dict(live.get("generation") or {}), **overrides}
    assistant = runtime.assistant
    memory_dir = state(runtime.app).memory_dir()
    known = vocabulary(memory_dir, runtime.app.name)
    return everyday_report(assistant, read_prompts(prompts_file or PROMPTS_FILE), known, live)


def _print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="잡담 모델 평가", show_header=True)
    table.add_column("항목")
    table.add_column("값", justify="right")
    replies = report.get("replies") or {}
    rows: list[tuple[str, str]] = []
    if "loss" in report:
        rows += [
            ("모델", str(report["model"])),
            ("대화 / 샘플", f"{report['dialogues']:,} / {report['samples']:,}"),
            ("시스템 토큰", f"{report['system_tokens']:,}"),
            ("손실", f"{report['loss']:.4f}"),
            ("퍼플렉서티", f"{report['perplexity']:.2f}"),
        ]
    selection = report.get("selection") or {}
    if selection:
        base = selection.get("baselines") or {}
        shown = ", ".join(f"{k} {v}" for k, v in base.items() if v is not None)
        rows.append(
            (f"응답 선택 hits@1/{selection.get('candidates')}", str(selection.get("hits_at_1")))
        )
        rows.append(("  기준선", shown))
    everyday = report.get("everyday") or {}
    if everyday:
        mix = ", ".join(f"{k} {v}" for k, v in everyday["source_mix"].items())
        rows += [
            ("일상 발화", str(everyday["prompts"])),
            ("지어낸 낱말 비율", f"{everyday['made_up_word_rate']:.3f}"),
            ("서로 다른 답변 비율(일상)", f"{everyday['distinct_reply_ratio']:.2f}"),
            ("답변 출처", mix),
            (
                "잡담 지연 p50 / p90",
                f"{everyday['latency_ms_p50']:.0f} / {everyday['latency_ms_p90']:.0f} ms",
            ),
        ]
    if replies:
        rows += [
            ("점검한 질문", str(replies["prompts"])),
            ("빈 답변", str(replies["empty"])),
            ("특수 토큰 노출", str(replies["special_token_leaks"])),
            ("따라 말하기(에코)", str(replies["echo"])),
            ("서로 다른 답변 비율", f"{replies['distinct_reply_ratio']:.2f}"),
            ("정답과 글자 바이그램 F1", f"{replies['reference_bigram_f1']:.3f}"),
            ("재시도 / 중립 답변", f"{replies['retried']} / {replies['neutral_fallbacks']}"),
            ("답변 지연 p50", f"{replies['latency_ms_p50']:.0f} ms"),
        ]
    for name, value in rows:
        table.add_row(name, value)
    console = Console()
    console.print(table)
    for example in replies.get("examples", [])[:5]:
        console.print(f"  {example['prompt']} -> {example['reply']}")
    for row in everyday.get("rows", [])[:5]:
        console.print(f"  {row['text']} -> {row['reply']} ({row['source']})")
