"""The trained safety classifier: calibrated category probabilities for message parts.

A multinomial logistic regression, trained by ``assistant.safety.training``, on two views of a
text: its MiniLM sentence embedding (meaning) and TF-IDF weights of its words and word pairs
(the concrete details, "knee", "pills", "goodbye", that an embedding of a whole sentence blurs;
out-of-fold on the corpus they lift escalation recall at 1 % false escalations from 0.51-0.79 to
0.68-0.91). It is stored as plain numbers in JSON (``data/classifier.json``): scoring is a sparse
lookup, one matrix product and a softmax, so a new process neither imports scikit-learn (about
1 s) nor unpickles anything, and encodes no labelled example.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from assistant.models import Category
from assistant.resources import package_folder

MODEL_FILE = package_folder("assistant.safety", "data") / "classifier.json"
# scikit-learn's default token pattern, with its lowercasing: training uses its TfidfVectorizer
# with these settings, and a test proves ``word_features`` gives the same values.
TOKEN = re.compile(r"(?u)\b\w\w+\b")
NGRAMS = (1, 2)


def ngrams(text: str) -> list[str]:
    """The words and neighbouring word pairs of ``text``, as TfidfVectorizer(ngram_range=(1, 2))."""
    tokens = TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]


def term_weights(text: str, terms: dict[str, int], idf: list[float]) -> dict[int, float]:
    """Sublinear TF-IDF of the vocabulary's ``terms`` in ``text``, L2-normalised (sparse), as
    scikit-learn's TfidfVectorizer(sublinear_tf=True) computes them."""
    counts = Counter(t for t in ngrams(text) if t in terms)
    weights = {terms[t]: (1 + math.log(n)) * idf[terms[t]] for t, n in counts.items()}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {i: w / norm for i, w in weights.items()}


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax (shifted by each row's maximum, so it never overflows)."""
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


class ClassifierModel(BaseModel):
    """What training produced: weights, calibration, the route thresholds and their evidence."""

    categories: list[Category]
    # Per category: weights of the embedding's dimensions, then of the vocabulary's terms.
    coef: list[list[float]]
    intercept: list[float]
    vocabulary: list[str]
    idf: list[float]
    word_weight: float = Field(default=1.0, gt=0)
    # Temperature scaling (fitted on out-of-fold scores): probabilities mean what they say.
    temperature: float = Field(gt=0)
    # A part is refused when its out-of-scope probability reaches this (the escalating
    # categories' values are the classifier's own 1 % operating point, for its figures)...
    thresholds: dict[Category, float]
    # ... and a message is read whole by the verifier when a part's probability of an
    # escalating category reaches this.
    screening: dict[Category, float]
    embedding_model: str
    corpus_sha256: str
    examples: int
    # Out-of-fold figures measured on the corpus when the thresholds were chosen.
    cross_validation: dict[str, float] = Field(default_factory=dict)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.model_dump_json(indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> ClassifierModel:
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))


class SafetyClassifier:
    """Scores unit-length sentence vectors against every category."""

    def __init__(self, model: ClassifierModel) -> None:
        self.model = model
        self.categories = model.categories
        self._coef = np.asarray(model.coef, dtype=np.float32).T
        self._intercept = np.asarray(model.intercept, dtype=np.float32)
        self._terms = {term: i for i, term in enumerate(model.vocabulary)}
        self._idf = model.idf
        self._dims = self._coef.shape[0] - len(model.vocabulary)

    def word_features(self, text: str) -> dict[int, float]:
        return term_weights(text, self._terms, self._idf)

    def _word_logits(self, text: str) -> np.ndarray:
        words = self._coef[self._dims :]
        total = np.zeros(len(self.categories), dtype=np.float32)
        for column, weight in self.word_features(text).items():
            total += weight * words[column]
        return self.model.word_weight * total

    def probabilities(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        """One row per text (with its unit-length embedding), one calibrated probability per
        category (rows sum to 1)."""
        logits = np.atleast_2d(vectors) @ self._coef[: self._dims] + self._intercept
        logits += np.array([self._word_logits(text) for text in texts])
        return softmax(logits / self.model.temperature)

    def index(self, category: Category) -> int:
        return self.categories.index(category)
