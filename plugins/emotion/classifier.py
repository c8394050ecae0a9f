"""The emotion classifier: a BERT-family sequence classifier loaded through transformers.

``EmotionClassifier.load(source)`` accepts the model vocabulary shared by every model plugin
(:func:`assistant.loading.resolve_model_source`):

- ``"shipped"`` (or empty): the model shipped with the project, ``models/emotion-mini``;
- a local directory in Hugging Face format (``config.json`` + ``*.safetensors`` + tokenizer);
- a hub id (``skt/kobert-base-v1``): resolved with ``huggingface_hub.snapshot_download``
  (which honours ``HF_HUB_OFFLINE`` and the local cache), then loaded like a directory.

Weights are read from safetensors only (``use_safetensors=True``); a directory that only has
pickled weights (``pytorch_model.bin``) is refused with a clear message. Remote model code
runs only with ``trust_remote_code=True`` (off by default). Label names come from the
model's ``config.id2label``.

torch and transformers are imported inside functions only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.loading import (
    ModelSource,
    ModelUnavailable,
    heavy_imports,
    import_transformers,
    quiet,
    resolve_model_source,
    torch_threads,
)

from .labels import NEUTRAL
from .lexicon import FeelingLexicon, combine, plain_request
from .tokenization import TokenizerError, load_tokenizer

log = logging.getLogger("assistant.emotion")

SHIPPED = "emotion-mini"
#: the shipped second network of the ensemble (``plugins.emotion.ensemble``, session 23)
SHIPPED_PARTNER = "emotion-mini-b"
_HUB_FILES = ("*.json", "*.safetensors", "*.model", "*.txt")


class ModelError(ModelUnavailable):
    """The model can't be loaded; the message is Korean and names the source."""


def shipped_dir() -> Path:
    from assistant_models import shipped

    return shipped(SHIPPED)


SETTING = "plugins.emotion.model"
ENSEMBLE_SETTING = "plugins.emotion.ensemble"


def model_source(value: object, setting: str = SETTING) -> ModelSource:
    """A model setting in the vocabulary shared by every model plugin (assistant.loading)."""
    return resolve_model_source(value, shipped_dir(), setting=setting)


def resolve(value: str | Path | None, setting: str = SETTING) -> Path:
    """The local directory of a model source (see the module docstring)."""
    try:
        return model_source(value, setting).local_dir(_HUB_FILES)
    except ModelUnavailable as exc:
        raise ModelError(f"감정 모델: {exc}") from exc


def check_model_dir(directory: Path) -> None:
    """Refuse directories without a config or without safetensors weights."""
    if not directory.is_dir():
        raise ModelError(f"감정 모델 폴더가 없어요: '{directory}'")
    if not (directory / "config.json").is_file():
        raise ModelError(f"감정 모델 폴더에 config.json 이 없어요: '{directory}'")
    if not any(directory.glob("*.safetensors")):
        pickled = [p.name for p in directory.glob("*.bin")] + [
            p.name for p in directory.glob("*.pt")
        ]
        extra = f" ({', '.join(pickled)}는 보안상 읽지 않아요)" if pickled else ""
        raise ModelError(f"감정 모델 폴더에 safetensors 가중치가 없어요: '{directory}'{extra}")


@dataclass
class Prediction:
    label: str
    score: float
    probabilities: dict[str, float]


class EmotionClassifier:
    """A loaded model + tokenizer; ``predict(text)`` takes a few ms on a CPU after warm-up."""

    def __init__(
        self, model: Any, tokenizer: Any, directory: Path, max_length: int = 128, threads: int = 0
    ):
        self.model = model
        #: CPU threads for one prediction (0 = torch's setting). A small model is fastest on
        #: one thread; more threads only add synchronisation, badly so on a busy machine.
        self.threads = threads
        self.tokenizer = tokenizer
        self.directory = directory
        self.max_length = max_length
        config = model.config
        self.labels = [str(config.id2label[i]) for i in range(config.num_labels)]
        #: the same BERT on CTranslate2 and its classifier layer in numpy (set by
        #: :meth:`use_fast_runtime`); None = torch
        self.fast_encoder: Any = None
        self.fast_head: Any = None
        #: Named-feeling words combined with the model's probabilities (None: model alone).
        self.lexicon: FeelingLexicon | None = None
        self.lexicon_boost = 1.0
        #: Added to the model's logits per class before the softmax (:meth:`use_class_bias`):
        #: a prior correction for chat, all zeros = the model as trained.
        self.class_bias = [0.0] * len(self.labels)
        #: Other networks whose probabilities are averaged with this one's (:meth:`add_partner`)
        self.partners: list[EmotionClassifier] = []

    def add_partner(self, other: EmotionClassifier) -> None:
        """Average ``other``'s probabilities (with its own lexicon and bias) with this model's
        in every prediction: an ensemble of two networks trained apart errs less often where
        either alone would (model card, session 23). Both must have the same labels."""
        if other.labels != self.labels:
            raise ModelError(
                f"감정 모델 앙상블의 라벨이 서로 달라요: {self.labels} / {other.labels} "
                f"({ENSEMBLE_SETTING})"
            )
        self.partners.append(other)

    def use_fast_runtime(self, runtime: Any, cache_root: Path, quantization: Any = "auto") -> None:
        """Score on CTranslate2 when ``runtime`` (auto | torch | ctranslate2) allows it and
        the model is a ``BertForSequenceClassification``; else stay on torch (logged)."""
        from assistant import fast_runtime

        if type(self.model).__name__ != "BertForSequenceClassification":
            if fast_runtime.parse_runtime(runtime) == "ctranslate2":
                log.warning("emotion model runs on torch: only BERT classifiers convert")
            return
        encoder = fast_runtime.encoder_for(
            runtime,
            self.directory,
            cache_root,
            threads=self.threads,
            quantization=quantization,
            config=self.model.config,
            what="the emotion model",
            logger=log,
        )
        if encoder is not None:
            self.fast_head = fast_runtime.ClassifierHead.load(self.directory)
            self.fast_encoder = encoder

    @classmethod
    def load(
        cls,
        source: str | Path | None = "shipped",
        *,
        max_length: int = 128,
        trust_remote_code: bool = False,
        threads: int = 0,
        lexicon: FeelingLexicon | None = None,
        lexicon_boost: float = 1.0,
        class_bias: Mapping[str, float] | None = None,
    ) -> EmotionClassifier:
        with heavy_imports():
            classifier = cls._load(source, max_length, trust_remote_code, threads)
        classifier.use_lexicon(lexicon, lexicon_boost)
        classifier.use_class_bias(class_bias)
        return classifier

    def use_class_bias(self, bias: Mapping[str, float] | None) -> None:
        """Add ``bias[label]`` to that class's logit before the softmax (a shift of the
        class prior: p(label) is multiplied by ``exp(bias)`` and the distribution
        renormalised). A label the model lacks is ignored (a model with other labels).
        ``plugins.emotion.class_bias``: see :func:`class_bias_from_settings`."""
        bias = bias or {}
        self.class_bias = [float(bias.get(label, 0.0)) for label in self.labels]

    def use_lexicon(self, lexicon: FeelingLexicon | None, boost: float) -> None:
        """Combine predictions with ``lexicon`` (see :func:`.lexicon.combine`); ignored when
        the model lacks one of the lexicon's classes (a model with other labels)."""
        usable = lexicon is not None and lexicon.labels <= set(self.labels) and boost > 1.0
        self.lexicon = lexicon if usable else None
        self.lexicon_boost = boost

    @classmethod
    def _load(
        cls, source: str | Path | None, max_length: int, trust_remote_code: bool, threads: int
    ) -> EmotionClassifier:
        started = time.perf_counter()
        directory = resolve(source)
        check_model_dir(directory)
        try:
            tokenizer = load_tokenizer(
                directory, max_length=max_length, trust_remote_code=trust_remote_code
            )
        except TokenizerError as exc:
            raise ModelError(str(exc)) from exc
        import torch

        AutoModelForSequenceClassification = import_transformers(
            "AutoModelForSequenceClassification"
        )
        try:
            with quiet():
                model = AutoModelForSequenceClassification.from_pretrained(
                    str(directory), use_safetensors=True, trust_remote_code=trust_remote_code
                )
        except Exception as exc:  # corrupt files, wrong architecture, ...
            raise ModelError(f"감정 모델을 불러올 수 없어요: '{directory}' ({exc})") from exc
        model.eval()
        classifier = cls(model, tokenizer, directory, max_length, threads)
        with torch.inference_mode():  # warm-up: the first call allocates
            classifier.predict("안녕하세요")
        log.info(
            "emotion model %s loaded in %.1f s (%d labels)",
            directory,
            time.perf_counter() - started,
            len(classifier.labels),
        )
        return classifier

    def logits(self, texts: list[str]) -> list[list[float]]:
        """The model's raw scores (before softmax) per text."""
        import torch

        if self.fast_encoder is not None:
            import numpy as np

            ids = [self.tokenizer.encode(t, self.max_length) for t in texts]
            pooled = np.asarray(self.fast_encoder.forward_batch(ids).pooler_output)
            return self.fast_head(pooled).tolist()
        batch = self.tokenizer.batch(texts, self.max_length)
        accepted = _forward_names(self.model)
        batch = {k: v for k, v in batch.items() if k in accepted}
        with torch_threads(self.threads), torch.inference_mode():
            logits = self.model(**batch).logits
        return logits.float().tolist()

    def probabilities(self, texts: list[str]) -> list[list[float]]:
        from .calibration import softmax

        rows = self.logits(texts)
        if any(self.class_bias):
            rows = [[v + b for v, b in zip(row, self.class_bias, strict=True)] for row in rows]
        return [softmax(row) for row in rows]

    def predict(self, text: str, threshold: float = 0.0) -> Prediction:
        return self.predict_many([text], threshold)[0]

    def predict_many(
        self, texts: list[str], threshold: float = 0.0, batch_size: int = 64
    ) -> list[Prediction]:
        """Label and score per text; below ``threshold`` the label is 일상 (if the model has it).

        ``score`` is the probability the model gives to the returned label, with one
        exception: when the label falls back to 일상 because the best emotion is below
        ``threshold`` (or, with the lexicon, because the text is a plain request for
        information that names no feeling: :func:`.lexicon.plain_request`), ``score`` is
        ``1 - p(best emotion)``, the probability that the utterance is not that emotion (at
        least ``1 - threshold`` in the first case). The model's own p(일상) can be tiny then
        ("동생이 내 옷 말도 없이 입고 나갔어": 일상 0.01 with the old model), which read as
        a confident wrong label. ``probabilities`` keeps the full distribution: the model's,
        combined with the feeling-word lexicon when one is in use (``use_lexicon``).
        """
        results = []
        for start in range(0, len(texts), batch_size):
            chunk = texts[start : start + batch_size]
            own = self._combined(chunk)
            others = [partner._combined(chunk) for partner in self.partners]
            for i in range(len(chunk)):
                probs, request = own[i]
                if others:  # the ensemble: the mean of every network's probabilities
                    columns = zip(probs, *(other[i][0] for other in others), strict=True)
                    probs = [sum(column) / (1 + len(others)) for column in columns]
                best = max(range(len(probs)), key=probs.__getitem__)
                label = self.labels[best]
                score = probs[best]
                fall_back = score < threshold or request
                if fall_back and NEUTRAL in self.labels and label != NEUTRAL:
                    label = NEUTRAL
                    score = 1.0 - probs[best]
                results.append(Prediction(label, score, dict(zip(self.labels, probs, strict=True))))
        return results

    def _combined(self, texts: list[str]) -> list[tuple[list[float], bool]]:
        """Per text: this network's probabilities (with its class bias), combined with the
        feeling-word lexicon when one is in use, and whether the text is a plain request for
        information that names no feeling (:func:`.lexicon.plain_request`)."""
        rows = []
        for text, probs in zip(texts, self.probabilities(texts), strict=True):
            request = False
            if self.lexicon is not None:
                hits = self.lexicon.find(text)
                combined = combine(
                    dict(zip(self.labels, probs, strict=True)), hits, self.lexicon_boost
                )
                probs = [combined[label] for label in self.labels]
                request = plain_request(text, hits)
            rows.append((probs, request))
        return rows


def ensemble_sources(settings: Mapping[str, Any]) -> list[ModelSource]:
    """``plugins.emotion.ensemble``: the other networks averaged with ``model`` (a list in the
    shared model vocabulary; ``emotion-mini-b`` is the shipped second network); empty or
    missing = none. Not a list: refused with a Korean message naming the setting."""
    value = settings.get("ensemble") or []
    if isinstance(value, (str, Path)):
        value = [value]
    if not isinstance(value, list):
        raise ModelError(f"{ENSEMBLE_SETTING} 는 모델 목록이어야 해요 (예: [emotion-mini-b]).")
    from assistant_models import shipped

    try:
        sources = [
            resolve_model_source(item, shipped(SHIPPED_PARTNER), setting=ENSEMBLE_SETTING)
            for item in value
        ]
    except ModelUnavailable as exc:
        raise ModelError(f"감정 모델: {exc}") from exc
    return [source for source in sources if source.enabled]


def load_configured(
    settings: Mapping[str, Any], source: str | Path | None = None, *, threads: int | None = None
) -> EmotionClassifier:
    """The classifier as ``plugins.emotion`` configures it: ``model`` with the lexicon, the
    class bias and the ``ensemble`` partners; or, given a ``source``, that network alone (with
    the same lexicon and bias: ``eval emotion --model DIR`` measures the model it names). The
    one loader the plugin, its commands and the benches share."""
    from .lexicon import boost_from_settings, from_settings

    options: dict[str, Any] = {
        "max_length": int(settings.get("max_length") or 128),
        "trust_remote_code": bool(settings.get("trust_remote_code", False)),
        "threads": int(settings.get("threads", 1)) if threads is None else threads,
        "lexicon": from_settings(settings),
        "lexicon_boost": boost_from_settings(settings),
        "class_bias": class_bias_from_settings(settings),
    }
    if source is not None:
        return EmotionClassifier.load(source, **options)
    classifier = EmotionClassifier.load(
        str(model_source(settings.get("model", "shipped"))), **options
    )
    for partner in ensemble_sources(settings):
        directory = partner.local_dir(_HUB_FILES)
        classifier.add_partner(EmotionClassifier.load(directory, **options))
    return classifier


def class_bias_from_settings(settings: Mapping[str, Any]) -> dict[str, float]:
    """``plugins.emotion.class_bias``: a mapping ``label: number`` added to the label's logit
    (negative = read less often); empty or missing = none. A value that is not a number is
    refused with a Korean message naming the setting."""
    value = settings.get("class_bias") or {}
    if not isinstance(value, Mapping):
        raise ModelError(
            "plugins.emotion.class_bias 는 '감정: 숫자' 목록이어야 해요 (예: {분노: -1.0})."
        )
    bias = {}
    for label, number in value.items():
        try:
            bias[str(label)] = float(number)
        except (TypeError, ValueError) as exc:
            raise ModelError(
                f"plugins.emotion.class_bias 의 '{label}' 값이 숫자가 아니에요: {number!r}"
            ) from exc
    return bias


def _forward_names(model: Any) -> set[str]:
    import inspect

    return set(inspect.signature(model.forward).parameters)
