"""Dialogue acts: what a turn asks of the coach, read by a classifier trained on examples.

``data/acts/*.yaml`` holds turns people type mid-conversation, each labelled with its act (and,
for a draft request, the kind of draft; for a revision, what to change). ``acts_training``
fits one logistic regression per label on the MiniLM embedding and the words of each turn and
stores the weights in ``data/acts.json`` (plain numbers: a new process loads no scikit-learn).
The conversation decides the act from this reading and what it knows (``Dialogue``): a
revision needs something to revise, an answer to a clarifying question needs a question asked,
and safety routing comes before all of it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from assistant.resources import package_folder
from assistant.safety.classifier import softmax, term_weights

MODEL_FILE = package_folder("assistant.conversation", "data") / "acts.json"

# What a turn can ask for, as the classifier (or an LLM backend) reads it ...
TurnAct = Literal[
    "new_question",
    "follow_up",
    "draft_request",
    "revision",
    "more",
    "clarify_answer",
    "closing",
    "off_topic",
]
# ... and a disclosure, decided by safety routing, never by a reading.
Act = Literal[TurnAct, "disclosure"]
Revision = Literal["shorter", "longer", "warmer", "formal", "casual", "detail"]
# The heads trained: the act, and what a draft request or a revision asks for.
HEADS = ("act", "draft", "message", "revision")


class Head(BaseModel):
    """One multinomial logistic regression over the shared features."""

    labels: list[str]
    coef: list[list[float]]  # per label: the embedding's dimensions, then the vocabulary's terms
    intercept: list[float]


class ActModel(BaseModel):
    """What training produced: one head per label, the vocabulary and their evidence."""

    heads: dict[str, Head]
    vocabulary: list[str]
    idf: list[float]
    word_weight: float = Field(gt=0)
    embedding_model: str
    corpus_sha256: str
    examples: int
    cross_validation: dict[str, float] = Field(default_factory=dict)

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(self.model_dump_json(indent=1) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> ActModel:
        return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))


class ActReading(BaseModel):
    """The classifier's reading of one turn: each head's most likely label and its share."""

    act: TurnAct
    confidence: float
    draft: str | None = None  # message | feedback | agenda | agreement | any
    message: str | None = None  # reengage | thank-you | ask-mentor | reschedule
    revision: Revision | None = None
    scores: dict[str, float] = Field(default_factory=dict)  # every act's probability


class ActReader:
    """Reads turns with a trained ``ActModel``."""

    def __init__(self, model: ActModel) -> None:
        self.model = model
        self._terms = {term: i for i, term in enumerate(model.vocabulary)}
        self._heads = {
            name: (np.asarray(head.coef, dtype=np.float32).T, np.asarray(head.intercept))
            for name, head in model.heads.items()
        }

    def _probabilities(self, head: str, vector: np.ndarray, words: dict[int, float]) -> np.ndarray:
        coef, intercept = self._heads[head]
        dims = coef.shape[0] - len(self._terms)
        logits = vector @ coef[:dims] + intercept
        for column, weight in words.items():
            logits = logits + self.model.word_weight * weight * coef[dims + column]
        return softmax(logits[None, :])[0]

    def read(self, text: str, vector: list[float] | np.ndarray) -> ActReading:
        """The act of ``text`` (with its unit-length embedding) and what it asks for."""
        query = np.asarray(vector, dtype=np.float32)
        words = term_weights(text, self._terms, self.model.idf)
        best: dict[str, tuple[str, float]] = {}
        scores: dict[str, float] = {}
        for name, head in self.model.heads.items():
            probs = self._probabilities(name, query, words)
            at = int(np.argmax(probs))
            best[name] = (head.labels[at], float(probs[at]))
            if name == "act":
                pairs = zip(head.labels, probs, strict=True)
                scores = {label: round(float(p), 4) for label, p in pairs}
        act, confidence = best["act"]
        return ActReading.model_validate(
            {
                "act": act,
                "confidence": confidence,
                "draft": best["draft"][0] if "draft" in best else None,
                "message": best["message"][0] if "message" in best else None,
                "revision": best["revision"][0] if "revision" in best else None,
                "scores": scores,
            }
        )
