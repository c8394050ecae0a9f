"""Small-talk generation on ONNX Runtime with int8 weights (the ``[fast]`` extra, issue 19).

Why a second runtime beside CTranslate2: on a base-size GPT-2, int8 is what makes decoding
fast on a CPU (``bench/base_generation.py``), but CTranslate2's int8 quantizes the
activations per row and changes 2-3 % of the trained mini's greedy tokens. ONNX Runtime's
``MatMulNBits`` with ``accuracy_level=4`` quantizes the weights to int8 **and** the
activations to int8 per block of 16 values; with the output projection kept in float32 it
keeps 99.1 % greedy-token agreement on unseen held-out prompts at 2.8x the tokens/s of
``model.generate`` fp32 (``docs/notes/ort_weight_only.md``). CTranslate2 still runs the
float32 generator and the BERT encoders (:mod:`assistant.fast_runtime`).

- :func:`export_gpt2` writes a ``GPT2LMHeadModel`` with a key/value cache as ONNX
  (a short re-statement of GPT-2's forward on the model's own parameters);
  :func:`quantize_int8` turns every ``MatMul`` but the output projection into
  ``MatMulNBits``; :func:`build` does both into a folder with a marker written last.
- :class:`OrtGPT2` is the lean decoder (:class:`~assistant_plugins.smalltalk.fastgen.
  FastGPT2`) with ONNX Runtime's forward step: the decoding controls, seeded sampling and
  the model's own mean log-probabilities are the lean decoder's.

Only the torch-side export needs torch; nothing here imports onnxruntime at import time.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from assistant import fast_runtime
from assistant_plugins.smalltalk.fastgen import FastGPT2

#: int8 weights, int8 activations per block of 16 along K, output projection float32:
#: the one quantization of those measured that keeps >= 99 % greedy-token agreement and
#: runs >= 2x HF ``generate`` (docs/notes/ort_weight_only.md)
BITS, ACCURACY_LEVEL, BLOCK_SIZE = 8, 4, 16
FOLDER = "onnx-int8"  # inside a model folder (``assistant export``) or the cache
MARKER = "irang_onnx.json"
MODEL_FILE = "model.onnx"


def missing_reason() -> str | None:
    """None when onnxruntime and onnx can be imported, else why not (one line)."""
    for name in ("onnxruntime", "onnx"):
        if importlib.util.find_spec(name) is None:
            return f"{name} is not installed (pip install 'irang-assistant[fast]')"
    try:
        import onnxruntime  # noqa: F401
    except Exception as exc:  # a broken wheel, missing system library, ...
        return f"onnxruntime does not import: {type(exc).__name__}: {exc}"
    return None


# -- export --------------------------------------------------------------------------------


def export_gpt2(model: Any, path: Path, shared_head: bool = True) -> Path:
    """Export a plain ``GPT2LMHeadModel`` with a key/value cache to ONNX at ``path``.

    Inputs ``input_ids``, ``position_ids``, ``logits_at`` (the positions whose logits are
    wanted) and ``past_key_i`` / ``past_value_i``; outputs ``logits`` and
    ``present_key_i`` / ``present_value_i``. The output projection is a ``Gemm`` on the
    head's own ``[vocab, width]`` weight: with GPT-2's tied embeddings the graph holds that
    matrix once (the input lookup shares it), and the quantizer (``MatMul`` only) keeps it
    float32. ``shared_head`` False writes it as a ``MatMul`` on its own transposed
    ``lm_head`` constant instead, which the quantizer can reach (``bench/ort_weight_only.py``
    measures that).
    """
    import torch

    config = model.config
    heads, width, layers = config.n_head, config.n_embd, config.n_layer
    head_dim = width // heads
    eps = config.layer_norm_epsilon
    F = torch.nn.functional

    class Wrapper(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.t = model.transformer
            weight = model.lm_head.weight
            if shared_head:
                self.lm_head: Any = model.lm_head  # tied: the same parameter as t.wte
                # a bias makes the exporter write Gemm(transB=1) on the weight itself
                # (without one it writes MatMul on a transposed copy)
                self.zero_bias = torch.nn.Parameter(
                    torch.zeros(weight.shape[0]), requires_grad=False
                )
            else:  # a parameter: a buffer would be exported as a Constant node
                self.lm_head = torch.nn.Parameter(
                    weight.detach().t().contiguous(), requires_grad=False
                )

        def forward(self, input_ids: Any, position_ids: Any, logits_at: Any, *past: Any) -> Any:
            t = self.t
            h = t.wte(input_ids) + t.wpe(position_ids)
            batch, length = input_ids.shape[0], input_ids.shape[1]
            past_length = past[0].shape[2]
            # query i sees keys j <= past_length + i
            q_pos = torch.arange(length).unsqueeze(1) + past_length
            k_pos = torch.arange(past_length + length).unsqueeze(0)
            bias = (k_pos > q_pos).to(h.dtype) * torch.finfo(torch.float32).min
            presents = []
            for i, block in enumerate(t.h):
                a = F.layer_norm(h, (width,), block.ln_1.weight, block.ln_1.bias, eps)
                qkv = torch.matmul(a, block.attn.c_attn.weight) + block.attn.c_attn.bias
                q, k, v = (
                    s.reshape(batch, length, heads, head_dim).transpose(1, 2)
                    for s in qkv.split(width, dim=2)
                )
                k = torch.cat([past[2 * i], k], dim=2)
                v = torch.cat([past[2 * i + 1], v], dim=2)
                presents += [k, v]
                scores = torch.matmul(q, k.transpose(2, 3)) * (1.0 / head_dim**0.5) + bias
                ctx = torch.matmul(torch.softmax(scores, dim=-1), v)
                ctx = ctx.transpose(1, 2).reshape(batch, length, width)
                h = h + torch.matmul(ctx, block.attn.c_proj.weight) + block.attn.c_proj.bias
                m = F.layer_norm(h, (width,), block.ln_2.weight, block.ln_2.bias, eps)
                m = F.gelu(
                    torch.matmul(m, block.mlp.c_fc.weight) + block.mlp.c_fc.bias, approximate="tanh"
                )
                h = h + torch.matmul(m, block.mlp.c_proj.weight) + block.mlp.c_proj.bias
            h = F.layer_norm(h, (width,), t.ln_f.weight, t.ln_f.bias, eps)
            h = h.index_select(1, logits_at)
            if not shared_head:
                return (torch.matmul(h, self.lm_head), *presents)
            logits = F.linear(h.reshape(-1, width), self.lm_head.weight, self.zero_bias)
            return (logits.reshape(batch, -1, logits.shape[-1]), *presents)

    past = [torch.zeros(1, heads, 2, head_dim) for _ in range(2 * layers)]
    past_names = [f"past_{kind}_{i}" for i in range(layers) for kind in ("key", "value")]
    present_names = [f"present_{kind}_{i}" for i in range(layers) for kind in ("key", "value")]
    axes: dict[str, dict[int, str]] = {
        "input_ids": {0: "batch", 1: "length"},
        "position_ids": {0: "batch", 1: "length"},
        "logits_at": {0: "kept"},
        "logits": {0: "batch", 1: "kept"},
    }
    axes.update({name: {0: "batch", 2: "past"} for name in past_names})
    axes.update({name: {0: "batch", 2: "total"} for name in present_names})
    with torch.inference_mode():
        torch.onnx.export(
            Wrapper().eval(),
            (torch.tensor([[5, 6, 7]]), torch.tensor([[2, 3, 4]]), torch.tensor([2]), *past),
            str(path),
            input_names=["input_ids", "position_ids", "logits_at", *past_names],
            output_names=["logits", *present_names],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
            do_constant_folding=True,
        )
    return path


def quantize_int8(source: Path, target: Path, block_size: int = BLOCK_SIZE) -> Path:
    """Every ``MatMul`` with a constant weight -> ``MatMulNBits`` (int8 weights, symmetric,
    per block; int8 activations per block: ``accuracy_level`` 4). The output projection is
    a ``Gemm`` and stays float32."""
    import logging

    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    logging.getLogger("onnxruntime.quantization.matmul_nbits_quantizer").setLevel(logging.WARNING)
    quantizer = MatMulNBitsQuantizer(
        onnx.load(str(source)),
        bits=BITS,
        block_size=block_size,
        is_symmetric=True,
        accuracy_level=ACCURACY_LEVEL,
        op_types_to_quantize=("MatMul",),
    )
    quantizer.process()
    quantizer.model.save_model_to_file(str(target), use_external_data_format=False)
    return target


def build(model: Any, model_dir: Path, output: Path) -> Path:
    """Export and quantize ``model`` (loaded from ``model_dir``) into the folder ``output``.

    Written into a temporary sibling and renamed at the end (a crash never leaves a folder
    that looks finished). Raises :class:`fast_runtime.FastUnavailable`.
    """
    reason = missing_reason()
    if reason:
        raise fast_runtime.FastUnavailable(reason)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    except OSError as exc:
        raise fast_runtime.FastUnavailable(f"cannot write {output.parent}: {exc}") from exc
    try:
        from assistant.loading import heavy_imports, quiet

        folder = work / "model"
        folder.mkdir()
        with heavy_imports(), quiet():
            plain = export_gpt2(model, work / "float32.onnx")
            quantize_int8(plain, folder / MODEL_FILE)
        info = {
            "source": model_dir.name,
            "quantization": f"int8 (MatMulNBits, accuracy_level {ACCURACY_LEVEL}, block "
            f"{BLOCK_SIZE}, output projection float32)",
            "weights": fast_runtime.weights_stamp(model_dir),
        }
        (folder / MARKER).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        if output.exists():
            shutil.rmtree(output)
        folder.rename(output)
    except Exception as exc:  # an unsupported graph, corrupt weights, disk full, ...
        raise fast_runtime.FastUnavailable(
            f"ONNX export of {model_dir} failed: {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return output


def is_built(directory: Path, model_dir: Path | None = None) -> bool:
    """A finished export (of ``model_dir``'s current weights, when given)."""
    return fast_runtime.is_finished(directory, MARKER, MODEL_FILE, model_dir)


def cached_dir(model_dir: Path, cache_root: Path) -> Path:
    """Where the export of ``model_dir`` is cached: ``<cache_root>/onnx/<name>-<key>``."""
    return cache_root / "onnx" / f"{model_dir.name}-{fast_runtime.fingerprint(model_dir, FOLDER)}"


# -- decoding ------------------------------------------------------------------------------


class OrtGPT2(FastGPT2):
    """The lean decoder's loop on an ONNX Runtime session of :func:`export_gpt2`'s graph."""

    def __init__(self, directory: str | Path, window: int, threads: int = 1) -> None:
        import onnxruntime as ort

        self.directory = Path(directory)
        self.window = window
        self.name = "onnxruntime-int8"
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, int(threads))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # errors only
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(self.directory / MODEL_FILE), options, providers=["CPUExecutionProvider"]
        )
        inputs = self.session.get_inputs()
        self.past_names = [i.name for i in inputs if i.name.startswith("past_")]
        self.heads, self.head_dim = int(inputs[3].shape[1]), int(inputs[3].shape[3])
        self.output_names = [o.name for o in self.session.get_outputs()]

    @classmethod
    def for_model(
        cls,
        model: Any,
        model_dir: str | Path,
        cache_root: str | Path,
        window: int,
        threads: int = 1,
    ) -> OrtGPT2:
        """The export inside ``model_dir`` (``assistant export``), else the cached one, else
        export now (once); a cached export that does not load is built again, once.
        Raises :class:`fast_runtime.FastUnavailable`."""
        model_dir, cache_root = Path(model_dir), Path(cache_root)
        inside = model_dir / FOLDER
        if is_built(inside, model_dir):
            try:
                return cls(inside, window, threads)
            except Exception as exc:
                fast_runtime.log.warning("the ONNX export in %s does not load: %s", inside, exc)
        cached = cached_dir(model_dir, cache_root)
        for _attempt in range(2):
            if not is_built(cached):
                fast_runtime.log.info("exporting %s for ONNX Runtime (int8), once", model_dir)
                build(model, model_dir, cached)
            try:
                return cls(cached, window, threads)
            except Exception as exc:  # a damaged cached file
                failure = exc
                fast_runtime.log.warning("exporting %s again: %s", model_dir, exc)
                shutil.rmtree(cached, ignore_errors=True)
        raise fast_runtime.FastUnavailable(
            f"ONNX Runtime could not load {cached}: {type(failure).__name__}: {failure}"
        )

    def step(self, tokens: Any, cache: Any) -> tuple[Any, list[tuple[Any, Any]]]:
        """:meth:`FastGPT2.step` (same tensors in and out) on the ONNX Runtime session."""
        import numpy as np
        import torch

        rows, length = tokens.shape
        start = 0 if not cache else int(cache[0][0].shape[2])
        if cache:
            past = [np.ascontiguousarray(t.numpy()) for pair in cache for t in pair]
        else:
            empty = np.zeros((rows, self.heads, 0, self.head_dim), np.float32)
            past = [empty] * len(self.past_names)
        feed = {
            "input_ids": np.ascontiguousarray(tokens.numpy(), dtype=np.int64),
            "position_ids": np.tile(np.arange(start, start + length, dtype=np.int64), (rows, 1)),
            "logits_at": np.asarray([length - 1], dtype=np.int64),
        }
        feed.update(zip(self.past_names, past, strict=True))
        logits, *presents = self.session.run(self.output_names, feed)
        new_cache = [
            (torch.from_numpy(presents[i]), torch.from_numpy(presents[i + 1]))
            for i in range(0, len(presents), 2)
        ]
        return torch.from_numpy(logits[:, -1]), new_cache

    def logits(self, sequences: list[list[int]]) -> Any:
        """Next-token logits at every position of each sequence, ``numpy`` ``[length, vocab]``
        per sequence (a list: sequences may differ in length)."""
        import numpy as np

        out = []
        for ids in sequences:
            empty = np.zeros((1, self.heads, 0, self.head_dim), np.float32)
            feed = {
                "input_ids": np.asarray([ids], dtype=np.int64),
                "position_ids": np.arange(len(ids), dtype=np.int64)[None],
                "logits_at": np.arange(len(ids), dtype=np.int64),
            }
            feed.update({name: empty for name in self.past_names})
            out.append(self.session.run(["logits"], feed)[0][0])
        return out
