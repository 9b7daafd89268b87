"""The safety verifier: reads a flagged message whole, in context, and says whether it discloses
present harm.

The first stage (rules and the part classifier) is fast and catches a disclosure wherever it sits
in a message, but judged out of context a sentence about a drill, a kitchen or a joke looks like
one. So a message the first stage flags is read again, whole, by MiniLM fine-tuned on the
labelled corpus (its six transformer layers; the word embeddings stay the packaged ones), with a
linear head over its unit-length mean-pooled vector. Only flagged messages pay for it: most
messages are routed by the first stage alone.

The fine-tuned layers ship as ``data/verifier.safetensors``; on first use they are exported with
the packaged model to ONNX in the cache folder and run with onnxruntime, as the embedding model
is. ``python -m assistant.safety.verifier_training`` (``make safety-model``) trains them.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from assistant.index.embeddings import OnnxEncoder, TunedWeights
from assistant.models import ESCALATING, Category
from assistant.resources import package_folder
from assistant.safety.classifier import softmax
from assistant.safety.parts import sentences, word_count

DATA = package_folder("assistant.safety", "data")
VERIFIER_FILE = DATA / "verifier.json"
WEIGHTS_FILE = DATA / "verifier.safetensors"
# A message longer than this is read in windows of whole sentences of at most this many words
# (the model reads 256 tokens: about 200 words as `word_count` counts them, at 1.2-1.26
# tokens a word in long messages): a disclosure at the end of a long message is
# still read, and each window is as long as it can be, since a part read out of its context is
# the first stage's weakness.
WINDOW_WORDS = 200


class VerifierModel(BaseModel):
    """What training produced besides the weights: the head, calibration and thresholds."""

    categories: list[Category]
    # A linear layer over the unit-length mean-pooled vector: one row per category.
    head: list[list[float]]
    bias: list[float]
    temperature: float = Field(gt=0)
    # A flagged message escalates when the probability of one of the escalating categories
    # reaches this; between ``caution`` and it, the answer leads with a pointer to real help.
    escalate: float = Field(gt=0, lt=1)
    caution: float = Field(gt=0, lt=1)
    # A message the part classifier finds most likely, not surely, off-topic is refused when the
    # verifier's out-of-scope probability reaches this.
    refuse: float = Field(gt=0, lt=1)
    weights_sha256: str
    corpus_sha256: str
    examples: int
    # Held-out figures measured when the thresholds were chosen, and what training cost.
    holdout: dict[str, float] = Field(default_factory=dict)
    training: dict[str, float] = Field(default_factory=dict)

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.model_dump_json(indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path = VERIFIER_FILE) -> VerifierModel:
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))


def _run(units: list[str], start: int, limit: int, step: int) -> int:
    """Where a run of whole sentences from ``start`` (forwards with ``step`` 1, backwards with
    -1) of at most ``limit`` words ends (one sentence at least)."""
    end, words = start, 0
    while 0 <= end < len(units) and (end == start or words + word_count(units[end]) <= limit):
        words += word_count(units[end])
        end += step
    return end


def windows(message: str, limit: int = WINDOW_WORDS) -> list[str]:
    """The message itself when it is short; else the longest runs of whole sentences of at most
    ``limit`` words from its start onwards, each starting with the last sentence of the one
    before, the last one filled backwards from the end of the message."""
    if word_count(message) <= limit:
        return [message]
    units = sentences(message)
    found: list[str] = []
    start = 0
    while (end := _run(units, start, limit, 1)) < len(units):
        found.append(" ".join(units[start:end]))
        start = max(start + 1, end - 1)
    found.append(" ".join(units[_run(units, len(units) - 1, limit, -1) + 1 :]))
    return list(dict.fromkeys(found))


class Verifier:
    """Category probabilities of a whole message from the fine-tuned model (the ONNX session
    opens on first use, so a process that routes only ordinary messages never loads it)."""

    def __init__(self, model: VerifierModel, cache_dir: Path, weights: Path = WEIGHTS_FILE):
        self.model = model
        self.categories = model.categories
        self._head = np.asarray(model.head, dtype=np.float32).T
        self._bias = np.asarray(model.bias, dtype=np.float32)
        self._tuned = TunedWeights(weights, model.weights_sha256)
        self._cache_dir = cache_dir
        self._encoder: OnnxEncoder | None = None
        self._opening = threading.Lock()

    def prepare(self) -> OnnxEncoder:
        """The ONNX reader, exported into the cache folder the first time."""
        with self._opening:
            if self._encoder is None:
                self._encoder = OnnxEncoder(self._cache_dir, self._tuned)
            return self._encoder

    def _encode(self, texts: list[str]) -> np.ndarray:
        return self.prepare()(texts)

    def probabilities(self, message: str) -> np.ndarray:
        """One calibrated probability per category: each category's highest over the message's
        windows (``harm`` and ``category`` read them)."""
        logits = self._encode(windows(message)) @ self._head + self._bias
        return softmax(logits / self.model.temperature).max(axis=0)

    def harm(self, probabilities: np.ndarray) -> tuple[float, Category]:
        """The most likely escalating category and its probability."""
        return max((float(probabilities[self.categories.index(c)]), c) for c in ESCALATING)
