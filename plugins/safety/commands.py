"""``assistant train safety``: the crisis scorer retrained with the user's own labelled rows.

The scorer (:mod:`.scorer`, pure Python) is rebuilt by :func:`.train.train` from the project's
labelled sets (``--sets``; all tuning sets by default) and the user's files (``--data``, the
sets' format: see :func:`.train.read_labelled_file`), each file one author for the threshold
chosen across authors. The weights go to ``--output`` (``runs/safety`` by default), never over
the shipped ones; ``plugins.safety.scorer`` points the detector at them. The rules and false
friends stay the shipped ones (``plugins.safety.extra_patterns`` and ``false_friends`` add to
them).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from assistant.app import private_dir
from assistant.training.errors import DataError
from assistant.training.options import command_errors

from .scorer import Scorer

WEIGHTS_NAME = "crisis_scorer.json"


@click.command("safety")
@click.option(
    "--data",
    "files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="내 라벨 파일 (UTF-8 TSV, 머리줄 label<TAB>kind<TAB>text, label은 crisis 또는 safe). "
    "여러 번 지정할 수 있어요.",
)
@click.option(
    "--sets", "names", multiple=True, help="프로젝트 라벨 세트 이름 (기본: 학습 세트 전부)"
)
@click.option("--no-project-sets", is_flag=True, help="프로젝트 라벨 세트 없이 --data 파일만으로")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("runs/safety"),
    show_default=True,
    help=f"가중치({WEIGHTS_NAME})를 쓸 폴더",
)
@click.option("--epochs", type=click.IntRange(1, 50), default=None, help="학습 반복 횟수")
@click.option(
    "--max-false-alarms",
    type=click.FloatRange(0.001, 0.2),
    default=None,
    help="다른 저자 문장에서 허용할 오경보 비율 (기본 0.015)",
)
@click.option(
    "--chat-data",
    type=click.Path(path_type=Path),
    default=None,
    help="안전한 예로 쓸 일상 대화 CSV (Q 열, 예: ChatbotData.csv; 기본: 있으면 공유 데이터)",
)
@click.option(
    "--no-everyday", is_flag=True, help="프로젝트의 일상 대화 예시를 안전한 예로 쓰지 않음"
)
def train_command(
    files: tuple[Path, ...],
    names: tuple[str, ...],
    no_project_sets: bool,
    output: Path,
    epochs: int | None,
    max_false_alarms: float | None,
    chat_data: Path | None,
    no_everyday: bool,
) -> None:
    """위기 표현 점수기를 내 라벨 데이터로 다시 학습해요 (순수 파이썬, GPU 불필요)."""
    from assistant.training.tables import SkipLog

    from . import train as trainer

    with command_errors("safety"):
        sets = [] if no_project_sets else list(names or trainer.TUNING_SETS)
        unknown = [n for n in sets if not (trainer.SETS_DIR / f"crisis_{n}.tsv").is_file()]
        if unknown:
            raise DataError(f"프로젝트에 없는 라벨 세트예요: {', '.join(unknown)}")
        if not sets and not files:
            raise DataError("학습할 데이터가 없어요: --data 로 내 라벨 파일을 주세요.")
        if chat_data is None and trainer.CHAT_NEGATIVES.is_file():
            chat_data = trainer.CHAT_NEGATIVES
        if chat_data is not None and not chat_data.is_file():
            raise DataError(f"일상 대화 파일을 찾을 수 없어요: '{chat_data}'")
        # the weights hold pieces of the remarks (the scorer's n-grams): the user's eyes only
        private_dir(output)
        out = output / WEIGHTS_NAME
        if len(sets) > 10:
            click.echo(
                "프로젝트 라벨 세트로 학습해요. 이 컴퓨터 성능에 따라 수십 분 걸릴 수 있어요."
            )
        skipped = SkipLog()
        meta = trainer.train(
            sets,
            out,
            files=list(files),
            skip_log=skipped,
            epochs=epochs or trainer.EPOCHS,
            max_fa=max_false_alarms or trainer.MAX_FALSE_ALARMS,
            negatives=chat_data,
            everyday_negatives=None if no_everyday else trainer.EVERYDAY_NEGATIVES,
            command="assistant train safety",
        )
        with contextlib.suppress(OSError):
            out.chmod(0o600)
    if skipped.count:
        click.echo(skipped.summary())
    click.echo(summary(meta, out, Scorer.from_json(out.read_text(encoding="utf-8"))))


def summary(meta: dict, out: Path, scorer: Scorer) -> str:
    """The Korean report of a training run and the setting that uses its weights."""
    lines = [f"위기 표현 점수기를 저장했어요: {out}"]
    lines.append(
        f"  학습 예시 {meta['examples']:,}개, 특징 {meta['features']:,}개"
        f" (프로젝트 세트 {len(meta['sets'])}개, 내 파일 {len(meta['files'])}개)"
    )
    if "oof_recall" in meta:
        if meta["folds"] == "one per author":
            where = (
                "다른 저자 문장에서 (그 저자를 빼고 학습한 점수기로, 규칙과 함께;"
                " 규칙은 프로젝트 세트로 만들어져 새 목소리에서는 더 낮아요)"
            )
        else:  # one author wrote every row: random folds, which flatter a new voice
            where = f"무작위 {meta['folds']}등분 교차 검증에서 (저자가 하나뿐이라 새 목소리에서는 더 낮아요)"
        lines.append(
            f"  재현율 {meta['oof_recall']:.3f}, 오경보 {meta['oof_false_alarms'] * 100:.1f}%: {where}"
        )
    lines.append(f"  임계값 {scorer.threshold:g} (확인 질문 {scorer.check_in:g}부터)")
    lines += [
        "설정 파일에 이렇게 적으면 이 점수기를 써요:",
        "  plugins:",
        "    safety:",
        f"      scorer: {out.resolve()}",
    ]
    return "\n".join(lines)
