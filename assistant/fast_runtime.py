"""The optional fast CPU runtime of the model plugins: CTranslate2 (the ``[fast]`` extra).

A Hugging Face checkpoint folder (GPT-2 for small talk, BERT for the selector and the
emotion classifier) is converted once into a CTranslate2 folder with int8 weights and run
by CTranslate2's C++ kernels; measured in ``bench/base_generation.py`` at about 2-3x the
tokens/s of ``model.generate`` for a KoGPT2-base-size model on a 2-core CPU. The torch
model stays the reference and the fall-back:

- ``runtime: torch`` never touches CTranslate2;
- ``runtime: auto`` (the default) uses it when the extra is installed and the conversion
  works, else logs why once and goes on with torch;
- ``runtime: ctranslate2`` asks for it; when it can't be used the reason is logged as a
  warning and torch answers anyway (a chat turn never fails for want of the fast path).

Converted folders are kept in ``<data dir>/ctranslate2/`` keyed by the source folder and
its weights' size and time, or shipped inside a model folder by ``assistant export
smalltalk`` (``ctranslate2-int8/`` beside ``model.safetensors``). Token ids go in and out
as ids: the CTranslate2 vocabulary is the id numbers themselves, so no tokenizer is
needed for the conversion and every tokenizer the plugins use keeps working.

Nothing here imports ctranslate2, torch or transformers at import time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger("assistant.fast_runtime")

RUNTIMES = ("auto", "torch", "ctranslate2")
#: the weights' compute type chosen by measurement (bench/base_generation.py)
DEFAULT_QUANTIZATION = "int8"
QUANTIZATIONS = ("int8", "int8_float32", "float32")
#: ``quantization: auto`` uses int8 from this hidden width on (KoGPT2/KoBERT base: 768)
INT8_MIN_WIDTH = 512
MARKER = "irang_fast.json"  # written last into a finished conversion


class FastUnavailable(Exception):
    """The fast runtime can't be used here; ``str(exc)`` says why (for the log)."""


def parse_runtime(value: Any) -> str:
    """``plugins.*.runtime``: auto (default) | torch | ctranslate2; unknown values -> auto."""
    text = str(value or "auto").strip().lower()
    if text in ("ct2", "fast", "int8"):
        text = "ctranslate2"
    if text not in RUNTIMES:
        log.warning("unknown runtime %r: using auto", value)
        return "auto"
    return text


def missing_reason() -> str | None:
    """None when CTranslate2 can be imported, else why not (one line)."""
    if importlib.util.find_spec("ctranslate2") is None:
        return "ctranslate2 is not installed (pip install 'irang-assistant[fast]')"
    try:
        import ctranslate2
    except Exception as exc:  # a broken wheel, missing system library, ...
        return f"ctranslate2 does not import: {type(exc).__name__}: {exc}"
    if "cpu" not in {"cpu", *getattr(ctranslate2, "__all_devices__", ())}:  # pragma: no cover
        return "ctranslate2 has no CPU support"
    return None


def wanted(runtime: Any) -> bool:
    """Whether to try the fast path for this setting (torch: never)."""
    return parse_runtime(runtime) != "torch"


def pick_quantization(value: Any, config: Any) -> str:
    """``quantization``: int8 | int8_float32 | float32, or auto (the default): int8 for
    base-size models (hidden width >= ``INT8_MIN_WIDTH``), float32 for small ones.

    Measured (bench/base_generation.py): int8 more than doubles a base-size model's
    tokens/s; on the shipped 256-wide mini model it changes 2-3 % of greedy tokens while
    float32 changes none, and a small model is fast enough in float32.
    """
    text = str(value or "auto").strip().lower()
    if text in QUANTIZATIONS:
        return text
    if text != "auto":
        log.warning("unknown quantization %r: using auto", value)
    width = getattr(config, "n_embd", None) or getattr(config, "hidden_size", 0) or 0
    return DEFAULT_QUANTIZATION if int(width) >= INT8_MIN_WIDTH else "float32"


def cpu_flags() -> list[str]:
    """The SIMD extensions that matter for int8/bf16 kernels, as /proc/cpuinfo lists them."""
    interesting = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx_vnni")
    interesting += ("amx_bf16", "amx_int8", "amx_tile")
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    for line in text.splitlines():
        if line.startswith("flags"):
            present = set(line.split(":", 1)[1].split())
            return [f for f in interesting if f in present]
    return []


# -- conversion ----------------------------------------------------------------------------


def fingerprint(model_dir: Path, quantization: str) -> str:
    """A key for a conversion of ``model_dir`` (its path, the variant, its weights files)."""
    parts = [str(model_dir.resolve()), quantization]
    for path in sorted(model_dir.glob("*.safetensors")) + [model_dir / "config.json"]:
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def weights_stamp(model_dir: Path) -> list[list[Any]]:
    """Name and size of each weights file (what an exported conversion was made from)."""
    files = sorted(model_dir.glob("*.safetensors")) + [model_dir / "config.json"]
    return [[p.name, p.stat().st_size] for p in files if p.is_file()]


def exported_dir(model_dir: Path, quantization: str) -> Path:
    """Where ``assistant export`` puts a conversion inside a model folder."""
    return model_dir / f"ctranslate2-{quantization}"


def is_finished(
    directory: Path, marker_name: str, model_file: str, model_dir: Path | None = None
) -> bool:
    """A finished conversion: its model file and its marker (written last) are there, and
    the marker names ``model_dir``'s current weights (when given)."""
    marker = directory / marker_name
    if not (marker.is_file() and (directory / model_file).is_file()):
        return False
    if model_dir is None:
        return True
    try:
        made_from = json.loads(marker.read_text("utf-8")).get("weights")
    except (OSError, ValueError):
        return False
    return made_from == weights_stamp(model_dir)


def is_converted(directory: Path, model_dir: Path | None = None) -> bool:
    """A finished CTranslate2 conversion (of ``model_dir``'s current weights, when given)."""
    return is_finished(directory, MARKER, "model.bin", model_dir)


def quantization_of(directory: Path) -> str:
    """The quantization a finished conversion was made with (``?`` when unknown)."""
    try:
        return str(json.loads((directory / MARKER).read_text("utf-8"))["quantization"])
    except (OSError, ValueError, KeyError, TypeError):
        return "?"


def convert(
    model_dir: str | Path, output: str | Path, quantization: str = DEFAULT_QUANTIZATION
) -> Path:
    """Convert a local GPT-2 / BERT checkpoint folder into a CTranslate2 folder ``output``.

    Written into a temporary sibling first and renamed at the end, so a crash never leaves
    a half-written folder that looks finished. Raises :class:`FastUnavailable`.
    """
    reason = missing_reason()
    if reason:
        raise FastUnavailable(reason)
    if quantization not in QUANTIZATIONS:
        raise FastUnavailable(f"unknown quantization {quantization!r}")
    model_dir, output = Path(model_dir), Path(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    except OSError as exc:
        raise FastUnavailable(f"cannot write {output.parent}: {exc}") from exc
    try:
        from assistant.loading import heavy_imports, quiet

        with heavy_imports(), quiet():
            converter = _converter_class()(str(model_dir))
            converter.convert(str(work / "model"), quantization=quantization, force=True)
        converted = work / "model"
        info = {
            "source": model_dir.name,
            "quantization": quantization,
            "weights": weights_stamp(model_dir),
        }
        (converted / MARKER).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        if output.exists():
            shutil.rmtree(output)
        converted.rename(output)
    except FastUnavailable:
        raise
    except Exception as exc:  # unsupported architecture, corrupt weights, disk full, ...
        raise FastUnavailable(
            f"conversion of {model_dir} failed: {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return output


def is_cached(directory: Path, cache_root: str | Path) -> bool:
    """Whether ``directory`` is a conversion in the cache (not one shipped in a model folder)."""
    return Path(directory).parent == Path(cache_root) / "ctranslate2"


def converted_dir(model_dir: str | Path, cache_root: str | Path, quantization: str) -> Path:
    """A CTranslate2 folder for ``model_dir``: the exported one inside it, else a cached
    conversion in ``cache_root`` (converted now if there is none yet)."""
    model_dir = Path(model_dir)
    inside = exported_dir(model_dir, quantization)
    if is_converted(inside, model_dir):
        return inside
    cached = (
        Path(cache_root)
        / "ctranslate2"
        / f"{model_dir.name}-{fingerprint(model_dir, quantization)}"
    )
    if is_converted(cached):
        return cached
    log.info("converting %s for CTranslate2 (%s), once", model_dir, quantization)
    return convert(model_dir, cached, quantization)


def _converter_class() -> Any:
    """TransformersConverter whose vocabulary is the token ids themselves."""
    from ctranslate2.converters import TransformersConverter

    class IdConverter(TransformersConverter):  # type: ignore[misc]
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            kwargs["use_safetensors"] = True  # never pickle
            kwargs.pop("trust_remote_code", None)
            model = model_class.from_pretrained(model_name_or_path, **kwargs)
            if not hasattr(model.config, "position_embedding_type"):
                # transformers 5 dropped the option: its BERT has absolute positions only
                model.config.position_embedding_type = "absolute"
            return model

        def load_tokenizer(
            self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any
        ) -> Any:
            from transformers import AutoConfig

            return IdVocabulary(AutoConfig.from_pretrained(model_name_or_path))

    return IdConverter


class IdVocabulary:
    """The bits of a tokenizer the converter reads: token i is the string ``str(i)``."""

    def __init__(self, config: Any) -> None:
        self.size = int(config.vocab_size)
        eos = getattr(config, "eos_token_id", None)
        bos = getattr(config, "bos_token_id", None)
        self.eos_token = str(eos if eos is not None else 0)
        self.bos_token = str(bos if bos is not None else self.eos_token)
        unk = getattr(config, "unk_token_id", None)
        self.unk_token = str(unk) if unk is not None else self.eos_token

    def get_vocab(self) -> dict[str, int]:
        return {str(i): i for i in range(self.size)}


def tokens(ids: Sequence[int]) -> list[str]:
    return [str(i) for i in ids]


# -- loading -------------------------------------------------------------------------------


def load_generator(directory: str | Path, threads: int = 1, compute_type: str = "default") -> Any:
    """A ``ctranslate2.Generator`` on the CPU (``compute_type`` default = as converted)."""
    import ctranslate2

    return ctranslate2.Generator(
        str(directory), device="cpu", compute_type=compute_type, intra_threads=max(0, threads)
    )


def load_encoder(directory: str | Path, threads: int = 1, compute_type: str = "default") -> Any:
    import ctranslate2

    return ctranslate2.Encoder(
        str(directory), device="cpu", compute_type=compute_type, intra_threads=max(0, threads)
    )


def pooled_embeddings(
    encoder: Any, rows: Sequence[Sequence[int]], token_types: Sequence[Sequence[int]]
) -> Any:
    """Mean over each row's tokens of a CTranslate2 BERT's last hidden states, L2-normalised
    (``numpy`` ``[rows, width]``): the selector's ``pooled`` on the fast runtime."""
    import numpy as np

    out = encoder.forward_batch(
        [list(r) for r in rows], token_type_ids=[list(t) for t in token_types]
    )
    hidden = np.asarray(out.last_hidden_state, dtype=np.float32)
    lengths = np.array([len(r) for r in rows])
    mask = (np.arange(hidden.shape[1])[None, :] < lengths[:, None]).astype(np.float32)
    mean = (hidden * mask[..., None]).sum(1) / np.maximum(lengths, 1)[:, None]
    return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)


class ClassifierHead:
    """``BertForSequenceClassification``'s last layer on the pooled output, in numpy."""

    def __init__(self, weight: Any, bias: Any) -> None:
        self.weight, self.bias = weight, bias

    @classmethod
    def load(cls, model_dir: str | Path) -> ClassifierHead:
        from safetensors.numpy import load_file

        for path in sorted(Path(model_dir).glob("*.safetensors")):
            tensors = load_file(str(path))
            if "classifier.weight" in tensors:
                return cls(tensors["classifier.weight"], tensors["classifier.bias"])
        raise FastUnavailable(f"no classifier.weight in {model_dir}")

    def __call__(self, pooled: Any) -> Any:
        return pooled @ self.weight.T + self.bias


def encoder_for(
    runtime: Any,
    model_dir: str | Path,
    cache_root: str | Path,
    *,
    threads: int = 1,
    quantization: Any = "auto",
    config: Any = None,
    what: str = "encoder",
    logger: logging.Logger = log,
) -> Any:
    """A CTranslate2 BERT encoder for ``model_dir`` when ``runtime`` allows it, else None.

    The selector and the emotion classifier share this: ``torch`` gives None at once; for
    ``auto`` / ``ctranslate2`` anything in the way is logged (a warning when ``ctranslate2``
    was asked for) and None keeps the caller on torch.
    """
    choice = parse_runtime(runtime)
    if choice == "torch":
        return None
    level = logging.WARNING if choice == "ctranslate2" else logging.INFO
    reason = missing_reason()
    if reason is None:
        try:
            bits = pick_quantization(quantization, config)
            directory = converted_dir(model_dir, cache_root, bits)
            encoder = load_encoder(directory, threads)
            logger.info("%s runs on ctranslate2-%s (%s)", what, bits, directory)
            return encoder
        except FastUnavailable as exc:
            reason = str(exc)
        except Exception as exc:  # a corrupt converted folder, an unsupported CPU, ...
            reason = f"CTranslate2 could not load the {what}: {type(exc).__name__}: {exc}"
    logger.log(level, "%s runs on torch: %s", what, reason)
    return None
