"""Train the dialogue-act classifier: ``python -m assistant.conversation.acts_training``.

Examples: the turns in ``data/acts/*.yaml`` (written for training, never drawn from evaluation
sets), plus, from the safety corpus, its out-of-scope messages (off_topic) and a fixed sample
of its ordinary ones (new_question: a first message tells a situation). Seconds on a CPU once
the examples' vectors are cached; a test fails while ``data/acts.json`` is stale.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
from pathlib import Path
from typing import Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.config import default_cache_dir
from assistant.conversation.acts import HEADS, MODEL_FILE, ActModel, Head, Revision, TurnAct
from assistant.drafting.models import MessageKind
from assistant.errors import InputError
from assistant.index.embeddings import EMBEDDING_MODEL_NAME
from assistant.resources import package_folder
from assistant.safety.corpus import CORPUS_DIR as SAFETY_CORPUS
from assistant.safety.corpus import corpus_digest, load_corpus
from assistant.safety.training import Encode, cached_vectors

log = logging.getLogger(__name__)

ACTS_DIR = package_folder("assistant.conversation", "data", "acts")
VECTORS_FILE = "act-vectors.npz"
DraftAsked = Literal["message", "feedback", "agenda", "agreement", "any"]
# Of the safety corpus's ordinary messages, at most this many (the shortest kind: a first
# message is a situation, not an essay) become new_question examples.
ORDINARY_SAMPLE = 600
ORDINARY_MAX_WORDS = 60
C = 4.0
WORD_WEIGHT = 1.0
TFIDF = {"ngram_range": (1, 2), "min_df": 2, "sublinear_tf": True}
FOLDS = 5
SEED = 0


class ActExample(BaseModel):
    """One turn and what it asks for."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=2000)
    act: TurnAct
    draft: DraftAsked | None = None
    message: MessageKind | None = None
    revision: Revision | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ActExample:
        if (self.draft is not None) != (self.act == "draft_request"):
            raise ValueError("a draft_request, and only one, names its draft")
        if (self.revision is not None) != (self.act == "revision"):
            raise ValueError("a revision, and only one, names what it changes")
        return self


def act_files(folder: Path = ACTS_DIR) -> list[Path]:
    return sorted(folder.glob("*.yaml"))


def acts_digest(folder: Path = ACTS_DIR, safety: Path = SAFETY_CORPUS) -> str:
    """A hash of every example file (and the safety corpus it borrows from)."""
    digest = hashlib.sha256(corpus_digest(safety).encode())
    for path in act_files(folder):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_examples(folder: Path = ACTS_DIR, safety: Path = SAFETY_CORPUS) -> list[ActExample]:
    """Every example, validated; a text under two acts is an error, repeated under one kept
    once."""
    examples: dict[str, ActExample] = {}
    for path in act_files(folder):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw, list):
            raise InputError(f"{path} is not a YAML list of labelled turns.")
        for number, item in enumerate(raw, start=1):
            try:
                example = ActExample.model_validate(item)
            except ValidationError as exc:
                problem = exc.errors()[0]["msg"]
                raise InputError(f"{path}: turn {number} is invalid ({problem}).") from None
            key = " ".join(example.text.lower().split())
            seen = examples.setdefault(key, example)
            if seen.act != example.act:
                raise InputError(f"{path}: '{example.text}' is both {seen.act} and {example.act}.")
    ordinary: list[ActExample] = []
    for labelled in load_corpus(safety):
        key = " ".join(labelled.text.lower().split())
        if key in examples:
            continue
        if labelled.label == "out_of_scope":
            examples[key] = ActExample(text=labelled.text, act="off_topic")
        elif labelled.label == "in_scope" and len(labelled.text.split()) <= ORDINARY_MAX_WORDS:
            ordinary.append(ActExample(text=labelled.text, act="new_question"))
    ordinary.sort(key=lambda e: hashlib.sha256(e.text.encode()).hexdigest())
    return list(examples.values()) + ordinary[:ORDINARY_SAMPLE]


def _labels(examples: list[ActExample], head: str) -> list[str | None]:
    """Each example's label for ``head`` (None: not one it learns from). A message request
    that names no kind is "unsaid", so that the message head learns when a kind is named."""
    if head == "message":
        return [e.message or "unsaid" if e.draft in ("message", "any") else None for e in examples]
    return [getattr(e, head) for e in examples]


def _features(vectors: np.ndarray, texts: list[str], vectorizer):
    from scipy.sparse import csr_matrix, hstack

    return hstack([csr_matrix(vectors), WORD_WEIGHT * vectorizer.transform(texts)]).tocsr()


def _fit(features, labels: list[str]):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000).fit(features, labels)


def cross_validate(vectors: np.ndarray, examples: list[ActExample]) -> dict[str, float]:
    """Out-of-fold accuracy of each head (and the act head's macro F1) on the examples."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    texts = [e.text for e in examples]
    figures: dict[str, float] = {}
    for head in HEADS:
        labels = _labels(examples, head)
        rows = np.asarray([i for i, label in enumerate(labels) if label is not None])
        y = np.asarray([labels[i] for i in rows])
        predicted = np.empty(len(rows), dtype=object)
        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
        for train_at, test_at in folds.split(rows, y):
            vectorizer = TfidfVectorizer(**TFIDF).fit([texts[i] for i in rows[train_at]])
            model = _fit(
                _features(vectors[rows[train_at]], [texts[i] for i in rows[train_at]], vectorizer),
                list(y[train_at]),
            )
            held = _features(vectors[rows[test_at]], [texts[i] for i in rows[test_at]], vectorizer)
            predicted[test_at] = model.predict(held)
        figures[f"{head}_accuracy"] = round(float(np.mean(predicted == y)), 4)
        if head == "act":
            figures["act_macro_f1"] = round(float(f1_score(y, predicted, average="macro")), 4)
    return figures


def train(examples: list[ActExample], vectors: np.ndarray, digest: str) -> ActModel:
    """One head per label on every example that has it; one vocabulary for all."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [e.text for e in examples]
    vectorizer = TfidfVectorizer(**TFIDF).fit(texts)
    features = _features(vectors, texts, vectorizer)
    heads: dict[str, Head] = {}
    for head in HEADS:
        labels = _labels(examples, head)
        rows = [i for i, label in enumerate(labels) if label is not None]
        model = _fit(features[rows], [str(labels[i]) for i in rows])
        coef = model.coef_ if len(model.classes_) > 2 else np.vstack([-model.coef_, model.coef_])
        intercept = (
            model.intercept_
            if len(model.classes_) > 2
            else np.array([-model.intercept_[0], model.intercept_[0]])
        )
        heads[head] = Head(
            labels=[str(c) for c in model.classes_],
            coef=np.round(coef, 6).tolist(),
            intercept=np.round(intercept, 6).tolist(),
        )
    return ActModel(
        heads=heads,
        vocabulary=list(vectorizer.get_feature_names_out()),
        idf=np.round(vectorizer.idf_, 6).tolist(),
        word_weight=WORD_WEIGHT,
        embedding_model=EMBEDDING_MODEL_NAME,
        corpus_sha256=digest,
        examples=len(examples),
        cross_validation=cross_validate(vectors, examples),
    )


def train_from_corpus(encode: Encode, cache: Path, folder: Path = ACTS_DIR) -> ActModel:
    examples = load_examples(folder)
    vectors = cached_vectors([e.text for e in examples], encode, cache)
    return train(examples, vectors, acts_digest(folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--cache", type=Path, default=default_cache_dir() / VECTORS_FILE)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from assistant.index.embeddings import PackagedEmbeddings

    model = train_from_corpus(PackagedEmbeddings().encode, args.cache)
    model.save(args.out)
    print(f"{model.examples} examples -> {args.out}")
    print(f"cross-validation {model.cross_validation}")


if __name__ == "__main__":
    main()
