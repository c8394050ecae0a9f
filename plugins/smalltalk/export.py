"""``assistant export smalltalk OUT``: a model folder that runs on the fast runtime (``[fast]``).

OUT is a complete small-talk model folder: the source folder's files (weights, tokenizer,
turn format, reply memory, selector) plus the converted generator: ``onnx-int8/`` (ONNX
Runtime, what ``runtime: auto`` decodes int8 with) for int8 when onnxruntime is installed,
else ``ctranslate2-<quantization>/``; the selector's members get their CTranslate2
conversion. Point ``plugins.smalltalk.model`` at OUT: with the ``[fast]`` extra it decodes
on the converted weights without converting again; without the extra, or with ``runtime:
torch``, the same folder runs on torch.

Registering the command imports click only; the conversion imports ctranslate2,
onnxruntime, torch and transformers when it runs.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import NoReturn

import click

from assistant.korean import josa

NAME = "smalltalk"


def _refuse(message: str) -> NoReturn:
    click.echo(f"오류: {message}", err=True)
    sys.exit(1)


def export_command() -> click.Command:
    @click.command(NAME)
    @click.argument("output", type=click.Path(path_type=Path))
    @click.option(
        "--model",
        "model_value",
        default=None,
        help="내보낼 모델 폴더 (기본: 설정의 plugins.smalltalk.model, 없으면 기본 모델)",
    )
    @click.option(
        "--int8", "quantization", flag_value="int8", help="int8 가중치 (기본 크기 모델에 권장)"
    )
    @click.option("--int8-float32", "quantization", flag_value="int8_float32", help="int8 가중치")
    @click.option("--float32", "quantization", flag_value="float32", help="float32 가중치")
    @click.option(
        "--auto",
        "quantization",
        flag_value="auto",
        default=True,
        help="모델 크기에 따라 (768 폭 이상 int8, 작은 모델 float32; 기본)",
    )
    @click.option("--force", is_flag=True, help="OUTPUT 폴더가 이미 있으면 덮어써요")
    @click.pass_context
    def command(
        ctx: click.Context, output: Path, model_value: str | None, quantization: str, force: bool
    ) -> None:
        """생성 모델을 빠른 실행(ONNX Runtime·CTranslate2)용으로 변환해 OUTPUT 폴더에 저장해요.

        \b
        예) assistant export smalltalk --int8 ~/models/kogpt2-chat-int8
        설정: plugins.smalltalk.model 에 OUTPUT 폴더를 적으면 돼요.
        """
        from assistant import fast_runtime
        from assistant_plugins.smalltalk.chat import resolve_source

        if model_value is None:
            app = ctx.find_root().obj.app
            model_value = app.config.plugin(NAME).get("model", "")
        if str(model_value).strip().lower() in ("off", "none", "false"):
            model_value = ""
        source, local = resolve_source(model_value)
        source_dir = Path(source)
        if not local or not source_dir.is_dir():
            _refuse(f"내보낼 모델 폴더가 없어요: '{source}' (허브 모델은 먼저 내려받아 주세요)")
        if not (source_dir / "config.json").is_file() or not any(source_dir.glob("*.safetensors")):
            _refuse(f"'{source_dir}' 에 config.json 과 safetensors 가중치가 있어야 해요.")
        reason = fast_runtime.missing_reason()
        if reason:
            _refuse(f"빠른 실행 패키지가 필요해요: pip install 'irang-assistant[fast]' ({reason})")
        output = output.expanduser().resolve()
        if output == source_dir.resolve():
            _refuse("OUTPUT 은 원래 모델 폴더와 달라야 해요.")
        if output.exists() and any(output.iterdir()) and not force:
            _refuse(f"'{output}' 폴더가 이미 있어요 (덮어쓰려면 --force).")
        bits = _bits(quantization, source_dir)
        click.echo(
            f"{josa(str(source_dir), '을/를')} {josa(bits, '으로/로')} 변환하고 있어요...", err=True
        )
        try:
            if output.exists():
                shutil.rmtree(output)
            shutil.copytree(
                source_dir,
                output,
                ignore=shutil.ignore_patterns("ctranslate2-*", "onnx-*", "__pycache__"),
            )
            converted = _convert_generator(output, bits)
            selector = output / "selector"
            if (selector / "selector.json").is_file():  # the selector beside it, too
                from assistant_plugins.smalltalk.selector import SelectorConfig, member_dirs

                members = SelectorConfig.load(selector).members
                for place in member_dirs(selector, members):  # every ensemble member
                    place_bits = _bits(quantization, place)
                    fast_runtime.convert(
                        place, fast_runtime.exported_dir(place, place_bits), place_bits
                    )
        except fast_runtime.FastUnavailable as exc:
            _refuse(f"변환하지 못했어요: {exc}")
        except OSError as exc:
            _refuse(f"'{output}' 에 쓸 수 없어요: {exc}")
        size = sum(p.stat().st_size for p in converted.rglob("*") if p.is_file()) / 2**20
        click.echo(f"저장했어요: {output} ({converted.name}, {size:.1f} MB)")
        click.echo(f"설정: plugins.smalltalk.model: {output}")

    return command


def _convert_generator(model_dir: Path, bits: str) -> Path:
    """int8 on ONNX Runtime when it is installed and the model is plain GPT-2 (what
    ``runtime: auto`` decodes int8 with), else CTranslate2."""
    from assistant import fast_runtime
    from assistant_plugins.smalltalk import ortgen

    if bits == "int8" and ortgen.missing_reason() is None:
        from assistant_plugins.smalltalk.chat import ChatModel

        chat = ChatModel.load(str(model_dir))
        if chat.fast is not None:
            return ortgen.build(chat.model, model_dir, model_dir / ortgen.FOLDER)
    return fast_runtime.convert(model_dir, fast_runtime.exported_dir(model_dir, bits), bits)


def _bits(quantization: str, model_dir: Path) -> str:
    from assistant import fast_runtime

    config = json.loads((model_dir / "config.json").read_text("utf-8"))
    return fast_runtime.pick_quantization(quantization, _Config(config))


class _Config:
    """``config.json`` values as attributes (for :func:`fast_runtime.pick_quantization`)."""

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)
