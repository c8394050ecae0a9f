"""The shared ``assistant train NAME`` / ``assistant eval NAME`` options and ``TrainSettings``.

Public API::

    training_options(plugin_name, *, presets=None) -> decorator   # train commands
    evaluation_options(plugin_name, *, model_help=None) -> decorator  # eval commands
    TrainSettings(...)                       # dataclass, see fields below
        settings.as_json() -> dict           # for metadata.json
        settings.checkpoint_dir -> Path      # <output>/checkpoint
    TrainSettings.from_config(plugin_name, config=None, **overrides) -> TrainSettings
    plugin_config(plugin_name, config=None) -> dict     # plugins.<name> of the configuration
    training_config(plugin_name, config=None) -> dict   # plugins.<name>.training
    resolved_default(plugin_name, field, config=None)   # one setting's default
    command_errors(plugin_name, what="training")        # context: the one error path
    record_result(result)                    # called by train(); see "Ctrl-C" below
    EXIT_INTERRUPTED = 130

Use it on your trainer; the command receives one ``settings: TrainSettings`` argument
instead of the individual options (your own extra options, e.g. ``--format``, arrive as
usual)::

    @hookimpl
    def register_trainers(train):
        @train.command("smalltalk")
        @training_options("smalltalk", presets=("mini",))
        @click.option("--format", type=click.Choice(["auto", "chatbotdata", "jsonl"]), default="auto")
        def smalltalk(settings: TrainSettings, format: str) -> None:
            from assistant.training.loop import train   # heavy imports inside the command
            ...

Options: ``--data PATH`` (repeatable, at least one), ``--output DIR``, ``--epochs``,
``--max-steps`` (>0: exactly this many optimizer steps, cycling epochs; 0: by epochs),
``--batch-size``, ``--grad-accum``, ``--lr``, ``--max-length``, ``--eval-split`` (held-out
fraction, fixed seed), ``--eval-every`` (optimizer steps; 0 = only at the end),
``--patience`` (evals without improvement before stopping; 0 = never), ``--device``,
``--precision``, ``--compile/--no-compile``, ``--resume``, ``--seed``, ``--base HUB_ID_OR_DIR``,
``--preset NAME`` (``--base`` and ``--preset`` exclude each other).

Preset policy (the same for every trainer): the command line wins; a configured ``base``
wins over a configured ``preset``; with neither, the first of the command's ``presets``.

Errors: a ``TrainingError`` (or ``DataError``) or ``assistant.loading.ModelUnavailable``
escaping a train or eval command is shown as ``오류: <message>`` (exit code 1, traceback in
the log), and a torchrun process group is left at the end. Commands raise, never print.

Ctrl-C: ``train()`` saves a checkpoint, prints ONE hint (how to ``--resume``) and returns a
result with ``interrupted``; the wrapper then exits with code 130. Commands print nothing
about it.

Defaults: a value given on the command line wins; else ``plugins.<name>.training.<field>``
from the configuration (``assistant.yaml`` + the user's file, keys spelled like the
``TrainSettings`` fields: ``batch_size``, ``eval_every``, ...); else the dataclass default.
Settings without a command-line option (``warmup``, ``weight_decay``, ``grad_clip``,
``min_lr_ratio``, ``log_every``, ``keep_checkpoint``, ``eval_batch_size``) come only from the
configuration or the dataclass. ``output`` defaults to ``runs/<name>``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import click

from assistant.loading import ModelUnavailable
from assistant.training.errors import TrainingError

log = logging.getLogger("assistant.training")


@dataclass
class TrainSettings:
    """Everything the training loop needs to know (plus what the caller wants to record)."""

    plugin: str = "model"
    data: list[Path] = field(default_factory=list)
    output: Path = Path("runs/model")
    epochs: int = 3
    max_steps: int = 0
    batch_size: int = 32
    grad_accum: int = 1
    lr: float = 5e-4
    max_length: int = 128
    eval_split: float = 0.05
    eval_every: int = 200
    patience: int = 3
    device: str = "auto"
    precision: str = "auto"
    compile: bool = False
    resume: bool = False
    seed: int = 42
    base: str | None = None
    preset: str | None = None
    warmup: float = 0.05  # fraction of the optimizer steps spent warming up linearly
    weight_decay: float = 0.01
    grad_clip: float = 1.0  # max gradient norm; 0 = no clipping
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    log_every: int = 10  # optimizer steps between plain log lines (non-TTY)
    keep_checkpoint: bool = False  # keep <output>/checkpoint after a finished run
    eval_batch_size: int = 0  # 0 = batch_size
    command_line: list[str] = field(default_factory=lambda: command_line())

    def __post_init__(self) -> None:
        self.data = [Path(p) for p in self.data]
        self.output = Path(self.output)

    @property
    def checkpoint_dir(self) -> Path:
        return self.output / "checkpoint"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["data"] = [str(p) for p in self.data]
        data["output"] = str(self.output)
        return data

    @classmethod
    def from_config(
        cls, plugin_name: str, config: dict[str, Any] | None = None, **overrides: Any
    ) -> TrainSettings:
        """Settings from the dataclass defaults, then the config's
        ``plugins.<name>.training``, then ``overrides`` (``None`` values are ignored)."""
        values = _defaults(plugin_name, config)
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in fields(cls)}
        return cls(plugin=plugin_name, **{k: v for k, v in values.items() if k in known})


#: fields that are never configured (set by the command line or by the command itself)
_NOT_CONFIGURABLE = ("plugin", "data", "resume", "command_line")


def _defaults(plugin_name: str, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Each setting's default: ``plugins.<name>.training`` over the dataclass defaults."""
    values: dict[str, Any] = {}
    for spec in fields(TrainSettings):
        if spec.name in _NOT_CONFIGURABLE:
            continue
        values[spec.name] = (
            spec.default_factory() if spec.default is MISSING else spec.default  # type: ignore[misc]
        )
    values["output"] = Path("runs") / plugin_name
    values.update(training_config(plugin_name, config))
    return values


def command_line() -> list[str]:
    """``sys.argv`` with ``python -m assistant``'s script path shown as ``assistant``."""
    argv = list(sys.argv)
    if argv and Path(argv[0]).name in {"__main__.py", "assistant", "assistant.exe"}:
        argv[0] = "assistant"
    return argv


def plugin_config(plugin_name: str, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``plugins.<name>`` of the configuration: ``config`` if given, else the running
    command's (``assistant --config ...``), else ``assistant.yaml`` + ``$ASSISTANT_CONFIG``."""
    if config is None:
        ctx = click.get_current_context(silent=True)
        runtime = ctx.find_root().obj if ctx is not None else None
        config = getattr(runtime, "config", None)
    if config is None:
        from assistant.config import load_config

        config = load_config(None)
    plugins = config.get("plugins") or {}
    section = plugins.get(plugin_name) if isinstance(plugins, Mapping) else None
    return dict(section) if isinstance(section, Mapping) else {}


def training_config(plugin_name: str, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``plugins.<name>.training`` of the configuration (see :func:`plugin_config`)."""
    training = plugin_config(plugin_name, config).get("training")
    return dict(training) if isinstance(training, Mapping) else {}


class TrainingCommandError(click.ClickException):
    """A ``TrainingError`` shown as ``오류: <message>`` (no traceback), exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"오류: {self.format_message()}", err=True)


#: exit code of a run stopped with Ctrl-C (the loop printed how to resume)
EXIT_INTERRUPTED = 130
_RESULT_KEY = "assistant.training.result"


@contextlib.contextmanager
def command_errors(plugin_name: str, what: str = "training") -> Iterator[None]:
    """The one path for the errors of ``assistant train/eval NAME``.

    A ``TrainingError`` (or ``DataError``) or a ``ModelUnavailable`` (assistant.loading)
    escaping the block is logged with its traceback and shown as ``오류: <message>``
    (exit code 1); a torchrun process group is left at the end. :func:`training_options` and
    :func:`evaluation_options` wrap the command in it already.
    """
    try:
        yield
    except (TrainingError, ModelUnavailable) as exc:
        log.warning("%s %s failed: %s", what, plugin_name, exc, exc_info=exc)
        raise TrainingCommandError(str(exc)) from exc
    finally:
        _leave_process_group()


def record_result(result: Any) -> None:
    """Called by ``train()``: the wrapper exits with code 130 after an interrupted run."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[_RESULT_KEY] = result


def _exit_if_interrupted() -> None:
    ctx = click.get_current_context(silent=True)
    result = ctx.meta.pop(_RESULT_KEY, None) if ctx is not None else None
    if result is not None and getattr(result, "interrupted", False):
        raise SystemExit(EXIT_INTERRUPTED)


def _leave_process_group() -> None:
    """Leave a torchrun process group the command joined (only if torch is loaded)."""
    if "torch.distributed" in sys.modules:
        from assistant.training.device import cleanup_distributed

        cleanup_distributed()


def resolved_default(plugin_name: str, name: str, config: Mapping[str, Any] | None = None) -> Any:
    """The default of one setting: the configuration's value, else the dataclass default."""
    return _defaults(plugin_name, config).get(name)


class _ConfigDefaultOption(click.Option):
    """An option whose help shows the default from the configuration (not ``None``)."""

    def __init__(self, *args: Any, plugin: str, field_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plugin = plugin
        self.field_name = field_name

    def get_help_extra(self, ctx: click.Context) -> Any:
        extra = super().get_help_extra(ctx)
        try:
            value = resolved_default(self.plugin, self.field_name)
        except Exception:  # noqa: BLE001 - help must render even with a broken config
            return extra
        if value is not None and value != "":
            extra["default"] = str(value).lower() if isinstance(value, bool) else str(value)
        return extra


# (option name, field, type, help)
_OPTIONS: list[tuple[str, str, Any, str]] = [
    ("--output", "output", click.Path(path_type=Path, file_okay=False), "결과(모델) 폴더"),
    ("--epochs", "epochs", click.IntRange(min=1), "에폭 수"),
    ("--max-steps", "max_steps", click.IntRange(min=0), "최적화 스텝 수 (0이면 에폭 기준)"),
    ("--batch-size", "batch_size", click.IntRange(min=1), "배치 크기 (GPU/프로세스당)"),
    ("--grad-accum", "grad_accum", click.IntRange(min=1), "그래디언트 누적 횟수"),
    ("--lr", "lr", click.FloatRange(min=0, min_open=True), "최대 학습률"),
    ("--max-length", "max_length", click.IntRange(min=8), "샘플 최대 토큰 수"),
    ("--eval-split", "eval_split", click.FloatRange(0, 0.5), "검증용으로 떼어 둘 비율"),
    ("--eval-every", "eval_every", click.IntRange(min=0), "몇 스텝마다 검증할지 (0: 끝에만)"),
    ("--patience", "patience", click.IntRange(min=0), "조기 종료 인내 횟수 (0: 끄기)"),
    ("--device", "device", click.Choice(["auto", "cpu", "cuda", "mps"]), "장치"),
    ("--precision", "precision", click.Choice(["auto", "bf16", "fp16", "fp32"]), "연산 정밀도"),
    ("--seed", "seed", int, "난수 시드"),
    ("--base", "base", str, "미세조정할 허브 ID 또는 로컬 폴더"),
]


def _apply_preset_policy(
    settings: TrainSettings, given: Mapping[str, Any], presets: Sequence[str] | None
) -> None:
    """One preset policy: the command line wins (``--preset`` drops a configured ``base``,
    ``--base`` a configured ``preset``); a configured ``base`` wins over a configured
    ``preset``; with neither, the first of the command's presets (e.g. ``mini``)."""
    if given.get("preset"):
        settings.base = None
    elif settings.base:
        settings.preset = None
    elif not settings.preset and presets:
        settings.preset = presets[0]


def evaluation_options(
    plugin_name: str, *, model_help: str | None = None, data_required: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The shared ``assistant eval NAME`` options: ``--data PATH`` (repeatable, required
    unless ``data_required=False``: an evaluator with built-in checks, e.g. small talk's),
    ``--model`` (``model_source``: shipped, off, a folder or a hub id; default: the plugin's
    ``model`` setting) and ``--json`` (``as_json``). Errors go through :func:`command_errors`."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with command_errors(plugin_name, "evaluation"):
                return func(*args, **kwargs)

        decorated = click.option("--json", "as_json", is_flag=True, help="JSON 한 줄로 출력")(
            wrapper
        )
        decorated = click.option(
            "--model",
            "model_source",
            default=None,
            help=model_help or f"모델 폴더 또는 허브 ID (기본: 설정의 plugins.{plugin_name}.model)",
        )(decorated)
        return click.option(
            "--data",
            "data",
            multiple=True,
            required=data_required,
            type=click.Path(path_type=Path, dir_okay=False),
            help="평가 데이터 파일 (여러 번 지정 가능)",
        )(decorated)

    return decorate


def training_options(
    plugin_name: str, *, presets: Sequence[str] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the shared training options; the command gets ``settings: TrainSettings``."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        names = [f for _, f, _, _ in _OPTIONS] + ["data", "preset", "compile", "resume"]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            given = {name: kwargs.pop(name, None) for name in names}
            data = list(given.pop("data") or ())
            if not data:
                raise click.UsageError("--data 로 학습 데이터 파일을 하나 이상 지정해 주세요.")
            if given.get("base") and given.get("preset"):
                raise click.UsageError(
                    "--base 와 --preset 은 함께 쓸 수 없어요. 하나만 골라 주세요."
                )
            resume = bool(given.pop("resume"))
            settings = TrainSettings.from_config(plugin_name, data=data, resume=resume, **given)
            _apply_preset_policy(settings, given, presets)
            with command_errors(plugin_name):
                returned = func(*args, settings=settings, **kwargs)
            _exit_if_interrupted()
            return returned

        preset_type: Any = click.Choice(list(presets)) if presets else str
        decorated: Callable[..., Any] = wrapper
        extra = [
            click.option(
                "--resume", is_flag=True, default=False, help="체크포인트에서 이어서 학습"
            ),
            click.option(
                "--compile/--no-compile",
                "compile",
                default=None,
                help="torch.compile 사용",
                cls=_ConfigDefaultOption,
                plugin=plugin_name,
                field_name="compile",
            ),
            click.option(
                "--preset", "preset", type=preset_type, default=None, help="처음부터 학습할 설정"
            ),
        ]
        for decorator in reversed(extra):
            decorated = decorator(decorated)
        for opt, name, kind, help_text in reversed(_OPTIONS):
            decorated = click.option(
                opt,
                name,
                type=kind,
                default=None,
                help=help_text,
                cls=_ConfigDefaultOption,
                plugin=plugin_name,
                field_name=name,
            )(decorated)
        decorated = click.option(
            "--data",
            "data",
            multiple=True,
            type=click.Path(path_type=Path, dir_okay=False),
            help="학습 데이터 파일 (여러 번 지정 가능)",
        )(decorated)
        return decorated

    return decorate
