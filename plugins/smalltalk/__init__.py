"""Built-in plugin: small talk with a GPT-2-family model (the fallback for everything else).

Hooks: ``fallback_reply`` (answer with the model), ``startup`` (warm the model up in a
background thread in the interactive assistant), ``register_trainers``
(``assistant train smalltalk``) and ``register_evaluators`` (``assistant eval smalltalk``).

Nothing heavy is imported here: torch/transformers load on the first chat turn
(or in the background thread), never at import time or in ``assistant route``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from assistant import hookimpl
from assistant.types import Reply

if TYPE_CHECKING:
    import click

    from assistant.app import App
    from assistant.types import Request
    from assistant_plugins.smalltalk.chat import ModelHolder

log = logging.getLogger("assistant.smalltalk")

NAME = "smalltalk"
UNAVAILABLE = (
    "죄송해요, 대화 모델을 불러오지 못해서 지금은 잡담에 답하기 어려워요 ({reason}). "
    "설정의 plugins.smalltalk.model 을 확인해 주세요. 타이머나 날씨 같은 명령은 그대로 쓰실 수 있어요."
)


def settings(app: App) -> dict[str, Any]:
    return app.config.plugin(NAME)


def holder(app: App) -> ModelHolder:
    """The per-process model holder (created on first use, nothing loaded yet)."""
    found = app.state.get(NAME)
    if found is None:
        from assistant_plugins.smalltalk.chat import ModelHolder, resolve_source

        config = settings(app)
        source, local = resolve_source(config.get("model"))
        found = app.state[NAME] = ModelHolder(source, local, bool(config.get("fast_decoder", True)))
    return found


@hookimpl
def startup(app: App) -> None:
    if app.interactive and settings(app).get("preload", True):
        holder(app).start_background()


@hookimpl
def fallback_reply(request: Request) -> Reply | str | None:
    from assistant_plugins.smalltalk.chat import GenerationSettings, ModelUnavailable

    app = request.app
    config = settings(app)
    try:
        model = holder(app).get()
    except ModelUnavailable as exc:
        return Reply(UNAVAILABLE.format(reason=exc), data={"smalltalk_error": "model_unavailable"})
    _set_threads(model, int(config.get("threads", 0) or 0))
    emotion = request.emotion
    overrides = dict(emotion.generation) if emotion is not None and emotion.generation else {}
    generation = GenerationSettings.from_mapping(config.get("generation"), overrides)
    # a model trained on single-turn data only (context_turns 0 in smalltalk.json) gets none
    turns = max(0, min(int(config.get("context_turns", 3)), model.fmt.context_turns))
    history = list(request.history)[-turns:] if turns else []
    result = model.reply(
        request.text.strip() or request.normalized,
        history,
        generation,
        emotion=emotion.label if emotion is not None else None,
    )
    log.info(
        "reply in %.0f ms (%d tokens, attempts=%d, neutral=%s)",
        result.elapsed_ms,
        result.new_tokens,
        result.attempts,
        result.neutral,
    )
    return Reply(
        result.text,
        data={
            "smalltalk": {
                "new_tokens": result.new_tokens,
                "attempts": result.attempts,
                "context_pairs": result.context_pairs,
                "neutral": result.neutral,
                "strategy": generation.strategy,
                "ms": round(result.elapsed_ms, 1),
            }
        },
    )


def _set_threads(model: Any, threads: int) -> None:
    if threads > 0 and model.torch.get_num_threads() != threads:
        model.torch.set_num_threads(threads)


@hookimpl
def register_trainers(train: click.Group) -> None:
    from assistant_plugins.smalltalk.commands import train_command

    train.add_command(train_command(), NAME)


@hookimpl
def register_evaluators(evaluate: click.Group) -> None:
    from assistant_plugins.smalltalk.commands import eval_command

    evaluate.add_command(eval_command(), NAME)
