"""Loading a small-talk model and generating one cleaned reply.

Imported only when a reply is needed (or by the background warm-up thread):
torch and transformers are imported inside the functions here.
"""

from __future__ import annotations

import collections
import logging
import random
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.korean import josa
from assistant.loading import ModelUnavailable as _LoadingUnavailable
from assistant.loading import heavy_imports, quiet
from assistant_plugins.smalltalk.cleaning import is_degenerate, neutral_reply, strip_special, tidy
from assistant_plugins.smalltalk.turns import TurnEncoder, TurnFormat

log = logging.getLogger("assistant.smalltalk")

STRATEGIES = ("greedy", "beam", "sampling")

#: Decoding used for the single retry after an empty/degenerate reply.
RETRY_SAMPLING = {"strategy": "sampling", "top_k": 50, "top_p": 0.95, "temperature": 0.9}


class ModelUnavailable(_LoadingUnavailable):
    """The model can't be loaded; ``str(exc)`` is a Korean explanation."""


def shipped_model_dir() -> Path:
    from assistant_models import shipped

    return shipped("smalltalk-mini")


def resolve_source(value: str | None) -> tuple[str, bool]:
    """(source, is_local_dir) for ``plugins.smalltalk.model``; empty means the shipped model."""
    value = (value or "").strip()
    if not value:
        return str(shipped_model_dir()), True
    path = Path(value).expanduser()
    if path.exists() or value.startswith((".", "/", "~")) or value.count("/") != 1:
        return str(path.resolve()), True
    return value, False  # "owner/name": a Hugging Face hub id


@dataclass
class GenerationSettings:
    """Decoding settings (``plugins.smalltalk.generation`` plus emotion overrides)."""

    strategy: str = "sampling"
    num_beams: int = 4
    no_repeat_ngram_size: int = 3
    top_k: int = 50
    top_p: float = 0.9
    temperature: float = 0.8
    repetition_penalty: float = 1.2
    max_new_tokens: int = 40
    bad_words: list[str] = field(default_factory=lambda: ["<unk>"])
    seed: int | None = None
    #: sampling only: draw this many replies side by side and keep the one the model finds
    #: most likely (mean log-probability per token); 1 = the first draw
    candidates: int = 4
    #: with several candidates, prefer one that is not among this process's last N replies
    #: (not with a fixed ``seed``: a seeded reply depends only on its prompt)
    avoid_recent: int = 20

    @classmethod
    def from_mapping(cls, *layers: Mapping[str, Any] | None) -> GenerationSettings:
        """Later layers win; unknown keys are ignored, bad values fall back to defaults."""
        merged: dict[str, Any] = {}
        for layer in layers:
            for key, value in (layer or {}).items():
                if key in cls.__dataclass_fields__:
                    merged[key] = value
        settings = cls()
        for key, value in merged.items():
            default = getattr(settings, key)
            try:
                if key == "seed":
                    value = None if value is None or value == "" else int(value)
                elif key == "bad_words":
                    value = [str(v) for v in value]
                elif key == "strategy":
                    value = str(value).lower()
                    if value not in STRATEGIES:
                        raise ValueError(value)
                elif isinstance(default, bool):
                    value = bool(value)
                elif isinstance(default, int):
                    value = int(value)
                elif isinstance(default, float):
                    value = float(value)
            except (TypeError, ValueError):
                log.warning("ignoring bad generation setting %s=%r", key, value)
                continue
            setattr(settings, key, value)
        settings.max_new_tokens = max(1, settings.max_new_tokens)
        settings.temperature = max(1e-3, settings.temperature)
        settings.num_beams = max(1, settings.num_beams)
        settings.candidates = max(1, min(16, settings.candidates))
        settings.avoid_recent = max(0, settings.avoid_recent)
        return settings

    def generate_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "max_new_tokens": self.max_new_tokens,
            "repetition_penalty": self.repetition_penalty,
        }
        if self.strategy == "greedy":
            kwargs.update(do_sample=False, num_beams=1)
        elif self.strategy == "beam":
            kwargs.update(
                do_sample=False,
                num_beams=self.num_beams,
                no_repeat_ngram_size=self.no_repeat_ngram_size,
                early_stopping=True,
            )
        else:
            kwargs.update(
                do_sample=True,
                num_beams=1,
                top_k=self.top_k,
                top_p=self.top_p,
                temperature=self.temperature,
            )
            if self.no_repeat_ngram_size:
                kwargs["no_repeat_ngram_size"] = self.no_repeat_ngram_size
        return kwargs


@dataclass
class Generated:
    """One reply with what happened on the way."""

    text: str
    raw: str
    attempts: int
    neutral: bool
    new_tokens: int
    elapsed_ms: float
    context_pairs: int = 0  # earlier (user, reply) pairs that fit in the prompt


class ChatModel:
    """A loaded causal LM, its tokenizer and turn format."""

    def __init__(
        self, model: Any, tokenizer: Any, fmt: TurnFormat, source: str, fast: bool = True
    ) -> None:
        import torch

        from assistant_plugins.smalltalk.fastgen import FastGPT2, supports

        self.torch = torch
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.fmt = fmt
        self.source = source
        self.encoder = TurnEncoder(tokenizer, fmt)
        self.window = int(
            getattr(model.config, "n_positions", 0)
            or getattr(model.config, "max_position_embeddings", 1024)
        )
        self.stop_ids = {self.encoder.eos_id, self.encoder.usr_id, self.encoder.sys_id}
        self.pad_id = (
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.encoder.eos_id
        )
        self._bad_cache: dict[tuple[str, ...], list[list[int]] | None] = {}
        self._lock = threading.Lock()
        #: this process's latest replies, newest last (candidates avoid repeating them)
        self.recent: collections.deque[str] = collections.deque(maxlen=100)
        #: the lean decoder for plain GPT-2 models (greedy and sampling); None: model.generate
        self.fast = FastGPT2(model) if fast and supports(model) else None
        #: the fast runtime's decoder (the lean decoder's interface) set by
        #: :meth:`use_fast_runtime`: ONNX Runtime int8 or CTranslate2 (whose sampler can't
        #: be re-seeded per call, so a fixed ``seed`` samples on torch with it)
        self.runtime_decoder: Any = None
        #: what decodes greedy/sampled replies: torch, onnxruntime-int8 or
        #: ctranslate2-<quantization>
        self.runtime = "torch"

    def use_fast_runtime(
        self,
        runtime: Any,
        model_dir: Path | None,
        cache_root: Path,
        threads: int = 1,
        quantization: Any = "auto",
    ) -> None:
        """Decode on a fast runtime when ``runtime`` (auto | torch | ctranslate2) allows it.

        int8 (``quantization: auto`` for base-size models) decodes on ONNX Runtime when it
        is installed (``auto`` only; it keeps >= 99 % of the greedy tokens, CTranslate2's
        int8 does not), else on CTranslate2; float32 decodes on CTranslate2. Anything in
        the way (the extra not installed, a hub id, a model that is not plain GPT-2, a
        failed conversion) keeps torch and logs why: as a warning when the configuration
        asked for ``ctranslate2``, at info level for ``auto``.
        """
        from assistant import fast_runtime

        choice = fast_runtime.parse_runtime(runtime)
        if choice == "torch":
            return
        level = logging.WARNING if choice == "ctranslate2" else logging.INFO
        reason = None
        if model_dir is None:
            reason = "the fast runtime converts local model folders only (not hub ids)"
        elif self.fast is None:
            reason = "not a plain GPT-2 model (or fast_decoder: false)"
        bits = fast_runtime.pick_quantization(quantization, self.model.config)
        if reason is None and bits == "int8" and choice == "auto":
            from assistant_plugins.smalltalk import ortgen

            reason = ortgen.missing_reason()
            if reason is None:
                try:
                    self.runtime_decoder = ortgen.OrtGPT2.for_model(
                        self.model, model_dir, cache_root, self.window, threads
                    )
                    self.runtime = self.runtime_decoder.name
                    log.info("small talk decodes on %s (%s)", self.runtime, model_dir)
                    return
                except fast_runtime.FastUnavailable as exc:
                    reason = str(exc)
            log.info("int8 on ONNX Runtime is not available (%s): trying CTranslate2", reason)
            reason = None
        if reason is None:
            reason = fast_runtime.missing_reason()
        if reason is None:
            from assistant_plugins.smalltalk.ct2gen import CT2Decoder

            try:
                self.runtime_decoder = CT2Decoder.for_model(
                    model_dir, cache_root, self.window, threads, bits
                )
                self.runtime = self.runtime_decoder.name
                log.info("small talk decodes on %s (%s)", self.runtime, model_dir)
                return
            except fast_runtime.FastUnavailable as exc:
                reason = str(exc)
        log.log(level, "small talk decodes on torch: %s", reason)

    @classmethod
    def load(cls, source: str, local: bool = True, fast: bool = True) -> ChatModel:
        """Load from a local directory or hub id; safetensors only, no remote code."""
        if local:
            path = Path(source)
            if not path.is_dir():
                raise ModelUnavailable(f"모델 폴더 {josa(str(source), '이/가')} 없어요")
            if not (path / "model.safetensors").is_file() and not any(
                path.glob("model*.safetensors")
            ):
                raise ModelUnavailable(f"{source} 에 model.safetensors 파일이 없어요")
        try:
            # one background loader at a time: transformers' lazy imports race across threads
            with heavy_imports(), quiet():  # no "Loading weights" bar in the terminal
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer

                tokenizer = AutoTokenizer.from_pretrained(source, trust_remote_code=False)
                model = AutoModelForCausalLM.from_pretrained(
                    source, use_safetensors=True, trust_remote_code=False, dtype=torch.float32
                )
                fmt = TurnFormat.load(Path(source) if local else None, tokenizer)
            return cls(model, tokenizer, fmt, source, fast=fast)
        except ModelUnavailable:
            raise
        except Exception as exc:  # corrupt files, missing tokens, no network for a hub id
            log.exception("could not load small-talk model from %s", source)
            raise ModelUnavailable(
                f"{josa(str(source), '을/를')} 읽을 수 없어요: {type(exc).__name__}"
            ) from exc

    # -- generation --------------------------------------------------------------

    def _bad_words_ids(self, words: Sequence[str]) -> list[list[int]] | None:
        key = tuple(words)
        if key not in self._bad_cache:
            ids: list[list[int]] = []
            vocab = self.tokenizer.get_vocab()
            for word in words:
                if word in vocab:
                    ids.append([vocab[word]])
                elif word:
                    encoded = self.tokenizer(word, add_special_tokens=False)["input_ids"]
                    if encoded:
                        ids.append(list(encoded))
            # the user/system markers must never appear inside a reply either
            ids.append([self.encoder.sys_id])
            self._bad_cache[key] = ids or None
        return self._bad_cache[key]

    def prompt_ids(
        self,
        user_text: str,
        history: Sequence[tuple[str, str]],
        settings: GenerationSettings,
        emotion: str | None = None,
    ) -> list[int]:
        budget = max(8, self.window - settings.max_new_tokens)
        return self.encoder.prompt(history, user_text, budget, emotion)

    def _candidates(
        self, prompt: list[int], settings: GenerationSettings
    ) -> list[tuple[list[int], float | None]]:
        """(new token ids, mean log-probability or None) of each draw.

        Several draws for sampling with ``candidates`` > 1, else one. The lean decoder
        scores its draws as it goes; ``model.generate`` draws are scored by the caller.
        """
        torch = self.torch
        generator = None
        if settings.seed is not None:
            torch.manual_seed(settings.seed)
            generator = torch.Generator().manual_seed(settings.seed)
        bad_words = self._bad_words_ids(settings.bad_words) or []
        sampling = settings.strategy == "sampling"
        rows = settings.candidates if sampling else 1
        decoder = self.fast
        seeded = sampling and generator is not None
        if self.runtime_decoder is not None and not (seeded and self._ct2_decodes()):
            decoder = self.runtime_decoder
        if decoder is not None and settings.strategy != "beam":
            return self._decode_with(
                decoder,
                prompt,
                rows,
                max_new_tokens=settings.max_new_tokens,
                stop_ids=(self.encoder.eos_id, self.encoder.usr_id),
                do_sample=sampling,
                temperature=settings.temperature,
                top_k=settings.top_k,
                top_p=settings.top_p,
                repetition_penalty=settings.repetition_penalty,
                no_repeat_ngram_size=settings.no_repeat_ngram_size if sampling else 0,
                bad_words_ids=bad_words,
                generator=generator,
                scores=rows > 1,  # one draw is never ranked
            )
        input_ids = torch.tensor([prompt], dtype=torch.long)
        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=torch.ones_like(input_ids),
                eos_token_id=[self.encoder.eos_id, self.encoder.usr_id],
                pad_token_id=self.pad_id,
                bad_words_ids=bad_words or None,
                num_return_sequences=rows,
                **settings.generate_kwargs(),
            )
        return [(row[len(prompt) :], None) for row in output.tolist()]

    def _ct2_decodes(self) -> bool:
        return str(self.runtime).startswith("ctranslate2")

    def _decode_with(
        self, decoder: Any, prompt: list[int], rows: int, **options: Any
    ) -> list[tuple[list[int], float]]:
        """``decoder.generate_many``; when the fast runtime fails, this model decodes on
        torch from then on (logged) and the turn is answered anyway."""
        if decoder is self.runtime_decoder:
            try:
                return decoder.generate_many(prompt, rows, **options)
            except Exception as exc:
                log.warning(
                    "%s failed, small talk decodes on torch from now on: %r", self.runtime, exc
                )
                self.runtime_decoder, self.runtime = None, "torch"
                decoder = self.fast
        return decoder.generate_many(prompt, rows, **options)

    def _until_stop(self, new: list[int]) -> list[int]:
        """``new`` up to and including the first stop token."""
        for i, tid in enumerate(new):
            if tid in self.stop_ids:
                return new[: i + 1]
        return new

    def mean_logprob(self, prompt: list[int], continuations: Sequence[list[int]]) -> list[float]:
        """The model's mean log-probability per token of each continuation of ``prompt``."""
        torch = self.torch
        rows = [self._until_stop(c) or [self.encoder.eos_id] for c in continuations]
        width = len(prompt) + max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(prompt) + len(row)] = torch.tensor(prompt + row)
            mask[i, : len(prompt) + len(row)] = 1
        with torch.inference_mode():
            logits = self.model(input_ids=ids, attention_mask=mask).logits.float()
        logprobs = logits[:, len(prompt) - 1 : -1].log_softmax(-1)
        scores = []
        for i, row in enumerate(rows):
            picked = logprobs[i, torch.arange(len(row)), torch.tensor(row)]
            scores.append(float(picked.mean()))
        return scores

    def _generate_once(
        self, prompt: list[int], settings: GenerationSettings, user_text: str = ""
    ) -> tuple[str, str, int]:
        """(clean text, raw text, tokens) of the best draw.

        Non-degenerate first, then not one of the last ``avoid_recent`` replies, then likeliest.
        """
        draws = self._candidates(prompt, settings)
        decoded = [self._decode(new) for new, _ in draws]
        if len(draws) == 1:
            return decoded[0]
        scores = [score for _, score in draws]
        if None in scores:
            scores = self.mean_logprob(prompt, [new for new, _ in draws])
        recent: set[str] = set()
        if settings.avoid_recent and settings.seed is None:
            recent = set(list(self.recent)[-settings.avoid_recent :])

        def rank(i: int) -> tuple[bool, bool, float]:
            text = decoded[i][0]
            return not is_degenerate(text, user_text), text not in recent, scores[i]

        return decoded[max(range(len(draws)), key=rank)]

    def _decode(self, new: list[int]) -> tuple[str, str, int]:
        """(clean text, raw text, tokens) for generated ids: cut at a stop token, drop specials."""
        raw = self.tokenizer.decode(new, skip_special_tokens=False)
        cut = len(new)
        for i, tid in enumerate(new):
            if tid in self.stop_ids:
                cut = i
                break
        text = self.tokenizer.decode(new[:cut], skip_special_tokens=True)
        text = tidy(strip_special(text, self.tokenizer.all_special_tokens))
        return text, raw, cut

    def reply(
        self,
        user_text: str,
        history: Sequence[tuple[str, str]] = (),
        settings: GenerationSettings | None = None,
        emotion: str | None = None,
    ) -> Generated:
        """Generate a reply; a degenerate one is retried once with sampling, then made neutral."""
        settings = settings or GenerationSettings()
        started = time.perf_counter()
        prompt = self.prompt_ids(user_text, history, settings, emotion)
        with self._lock:
            text, raw, count = self._generate_once(prompt, settings, user_text)
            attempts, neutral = 1, False
            if is_degenerate(text, user_text):
                retry = GenerationSettings.from_mapping(
                    {k: getattr(settings, k) for k in settings.__dataclass_fields__},
                    RETRY_SAMPLING,
                    {"seed": None if settings.seed is None else settings.seed + 1},
                )
                text, raw, count = self._generate_once(prompt, retry, user_text)
                attempts = 2
                if is_degenerate(text, user_text):
                    rng = random.Random(settings.seed) if settings.seed is not None else None
                    text, neutral = neutral_reply(rng), True
            self.recent.append(text)
        elapsed = (time.perf_counter() - started) * 1000
        context = prompt.count(self.encoder.usr_id) - 1
        return Generated(text, raw, attempts, neutral, count, elapsed, context)

    def reply_candidates(
        self,
        user_text: str,
        history: Sequence[tuple[str, str]] = (),
        settings: GenerationSettings | None = None,
        emotion: str | None = None,
    ) -> list[str]:
        """The distinct non-degenerate draws of one generation pass, likeliest first.

        The candidates the reply pipeline scores next to the memory's replies (``candidates``
        draws with sampling, one otherwise). May be empty.
        """
        settings = settings or GenerationSettings()
        prompt = self.prompt_ids(user_text, history, settings, emotion)
        with self._lock:
            draws = self._candidates(prompt, settings)
            decoded = [self._decode(new)[0] for new, _ in draws]
            scores = [score for _, score in draws]
            if len(draws) > 1 and None in scores:
                scores = self.mean_logprob(prompt, [new for new, _ in draws])
        ranked = sorted(range(len(draws)), key=lambda i: -(scores[i] or 0.0))
        texts = [decoded[i] for i in ranked if not is_degenerate(decoded[i], user_text)]
        return list(dict.fromkeys(texts))
