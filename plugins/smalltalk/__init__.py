"""Built-in plugin: small talk (the fallback for everything no command matched).

A reply is chosen by the pipeline of :mod:`.pipeline`: the persona, user and shipped reply
memories (BM25 over Kiwi morphemes) and a few replies of the GPT-2 generator are scored
together (fit of the matched utterance, agreement of the memory, the response selector when
shipped, emotion fit) and the best one is said; ``data.smalltalk`` explains the choice.

Hooks: ``fallback_reply``, ``startup`` (load the generator, the memory and the selector in
background threads in the interactive assistant), ``register_trainers`` /
``register_evaluators`` (``assistant train|eval smalltalk``) and ``register_commands``
(``assistant memory add|list|remove``).

Nothing heavy is imported here: torch/transformers/kiwipiepy/bm25s load on the first chat
turn (or in the background threads), never at import time or in ``assistant route``.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from assistant import hookimpl
from assistant.text import trailing_punctuation
from assistant.types import Reply

if TYPE_CHECKING:
    import click

    from assistant.app import App
    from assistant.types import Request

log = logging.getLogger("assistant.smalltalk")

NAME = "smalltalk"
UNAVAILABLE = (
    "죄송해요, 대화 모델을 불러오지 못해서 지금은 잡담에 답하기 어려워요 ({reason}). "
    "설정의 plugins.smalltalk.model 을 확인해 주세요. 타이머나 날씨 같은 명령은 그대로 쓰실 수 있어요."
)


def settings(app: App) -> dict[str, Any]:
    return app.config.plugin(NAME)


@hookimpl
def startup(app: App) -> None:
    if app.interactive and settings(app).get("preload", True):
        from assistant_plugins.smalltalk.runtime import state

        state(app).start_background()


def _history(request: Request, config: dict[str, Any], chat: Any) -> list[tuple[str, str]]:
    turns = max(0, int(config.get("context_turns", 3)))
    if chat is not None:  # a model trained on single-turn data (context_turns 0) gets none
        turns = min(turns, chat.fmt.context_turns)
    return list(request.history)[-turns:] if turns else []


@hookimpl
def fallback_reply(request: Request) -> Reply | str | None:
    from assistant.loading import torch_threads
    from assistant_plugins.smalltalk.chat import GenerationSettings
    from assistant_plugins.smalltalk.pipeline import ReplyPipeline
    from assistant_plugins.smalltalk.runtime import state

    app = request.app
    config = settings(app)
    runtime = state(app)
    started = time.perf_counter()
    retrieval = runtime.retrieval.get_or_none() if config.get("pipeline", True) else None
    chat = None if runtime.generator_off else runtime.generator.get_or_none()
    usable = retrieval is not None and (retrieval.memory or retrieval.persona)
    if chat is None and not usable:
        reason = runtime.generator.error or runtime.retrieval.error or "알 수 없는 이유"
        return Reply(
            UNAVAILABLE.format(reason=reason), data={"smalltalk_error": "model_unavailable"}
        )
    emotion = request.emotion
    label = emotion.label if emotion is not None else None
    overrides = dict(emotion.generation) if emotion is not None and emotion.generation else {}
    generation = GenerationSettings.from_mapping(config.get("generation"), overrides)
    text = request.normalized or request.text.strip()
    threads = int(config.get("threads", 0) or 0)
    context = torch_threads(threads) if chat is not None else contextlib.nullcontext()
    with context:
        if not usable:  # the pipeline is off or its memory failed: the generator alone
            result = chat.reply(text, _history(request, config, chat), generation, emotion=label)
            return Reply(
                result.text,
                data={
                    "smalltalk": {
                        "source": "neutral" if result.neutral else "generated",
                        "new_tokens": result.new_tokens,
                        "attempts": result.attempts,
                        "context_pairs": result.context_pairs,
                        "neutral": result.neutral,
                        "strategy": generation.strategy,
                        "runtime": chat.runtime,
                        "ms": round(result.elapsed_ms, 1),
                    }
                },
            )
        history = _history(request, config, chat)
        drawn = chat is not None and bool(retrieval.weights.generate)
        generated = chat.reply_candidates(text, history, generation, label) if drawn else []
        selector = None
        if retrieval.weights.selector and runtime.selector_dir() is not None:
            selector = runtime.selector.get_or_none()
        pipeline = ReplyPipeline(
            retrieval.memory, retrieval.persona, runtime.user_memory(), selector, retrieval.weights
        )
        sure = emotion is not None and emotion.score >= float(
            config.get("acknowledge_min_score", 0.94)
        )
        choice = pipeline.choose(
            text,
            list(request.history)[-3:],
            label,
            generated,
            name_feeling=sure,
            reflect=bool(config.get("reflect", True)),
            punctuation=trailing_punctuation(request.text),
        )
    if chat is not None and choice.source == "generated":
        chat.recent.append(choice.text)
    broken = runtime.generator.error if not runtime.generator_off else None
    if broken and choice.source == "neutral":  # the memories had nothing: say why
        return Reply(
            UNAVAILABLE.format(reason=broken), data={"smalltalk_error": "model_unavailable"}
        )
    elapsed = (time.perf_counter() - started) * 1000
    info = choice.as_json(int(config.get("show_candidates", 3)))
    info.update(
        {
            "neutral": choice.source == "neutral",
            "generated": len(generated),
            "selector": selector is not None,
            **({"generator_error": broken} if broken else {}),
            "strategy": generation.strategy,
            "runtime": chat.runtime if chat is not None else None,
            "ms": round(elapsed, 1),
        }
    )
    log.info("reply from %s in %.0f ms", choice.source, elapsed)
    return Reply(choice.text, data={"smalltalk": info, "debug": debug_summary(choice)})


def debug_summary(choice: Any) -> str:
    """One line for ``/debug``: where the reply came from and its score."""
    best = choice.best
    if choice.source == "reflection":
        return "잡담=reflection(잘 맞는 기억이 없어 말씀을 되짚음)"
    if choice.source == "choice":
        return "잡담=choice(둘 중 하나를 고르는 질문에 직접 고름)"
    if best is None:
        return "잡담=neutral(맞는 후보 없음)"
    where = f"{best.pair.id} '{best.pair.utterance}'" if best.pair is not None else "생성"
    return f"잡담={choice.source}({where}) 점수={best.score:.2f} 맞음={best.fit:.2f}"


@hookimpl
def register_commands(cli: click.Group) -> None:
    from assistant_plugins.smalltalk.memory_cli import memory_command

    cli.add_command(memory_command(), "memory")


@hookimpl
def register_trainers(train: click.Group) -> None:
    from assistant_plugins.smalltalk.commands import train_command

    train.add_command(train_command(), NAME)


@hookimpl
def register_evaluators(evaluate: click.Group) -> None:
    from assistant_plugins.smalltalk.commands import eval_command

    evaluate.add_command(eval_command(), NAME)


@hookimpl
def register_exporters(export: click.Group) -> None:
    from assistant_plugins.smalltalk.export import export_command

    export.add_command(export_command(), NAME)
