"""Train the safety classifier from the labelled corpus: reproducible, seconds on a CPU.

``python -m assistant.safety.training`` re-trains ``data/classifier.json`` after the corpus
changes (a test fails while the stored model is stale). Vectors of texts already encoded are kept in
a cache file, so re-training after adding a few examples encodes only those.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import numpy as np

from assistant.config import default_cache_dir
from assistant.index.embeddings import EMBEDDING_MODEL_NAME
from assistant.models import ESCALATING, Category
from assistant.safety.classifier import MODEL_FILE, NGRAMS, ClassifierModel, softmax
from assistant.safety.corpus import CORPUS_DIR, LabelledExample, corpus_digest, load_corpus
from assistant.safety.parts import message_parts

log = logging.getLogger(__name__)

CATEGORIES: list[Category] = list(get_args(Category))
Encode = Callable[[list[str]], np.ndarray]
VECTORS_FILE = "safety-vectors.npz"

# Thresholds are chosen where routing decides: on the most severe part of each message (the
# router takes the highest score over a message's parts). Out of fold, every ordinary (in_scope)
# corpus message, most of them hard negatives written to sound risky, is split into its parts and
# scored; a category's threshold is the score this share of those messages reach...
FALSE_ROUTE_BUDGET = 0.01
# ... and a message is screened (read whole by the verifier) from the score this share reach.
SCREENING_BUDGET = 0.05
FOLDS = 5
SEED = 0
# Regularisation, how much the word view counts beside the embedding (both have unit length) and
# the least number of examples a term must occur in: chosen on the out-of-fold escalation recall
# at the false-route budget above, over C 1-32, weight 0.5-3 and min_df 2-3 (0.80-0.89).
C = 2.0
WORD_WEIGHT = 1.5
TFIDF = {"ngram_range": NGRAMS, "min_df": 3, "sublinear_tf": True}


def cached_vectors(texts: list[str], encode: Encode, cache: Path) -> np.ndarray:
    """The vectors of ``texts``, encoding only those the cache file does not hold yet."""
    keys = [hashlib.sha256(f"{EMBEDDING_MODEL_NAME}\n{t}".encode()).hexdigest() for t in texts]
    known: dict[str, np.ndarray] = {}
    if cache.is_file():
        with np.load(cache) as stored:
            known = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    missing = [i for i, key in enumerate(keys) if key not in known]
    if missing:
        log.info("Encoding %d of %d labelled examples", len(missing), len(texts))
        for i, vector in zip(missing, encode([texts[i] for i in missing]), strict=True):
            known[keys[i]] = vector
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.stem + ".tmp.npz")
        np.savez(tmp, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
        tmp.replace(cache)
    return np.stack([known[key] for key in keys]).astype(np.float32)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the log loss of out-of-fold scores (calibration)."""
    from scipy.optimize import minimize_scalar

    def loss(temperature: float) -> float:
        probs = softmax(logits / temperature)
        return -float(np.mean(np.log(probs[np.arange(len(labels)), labels] + 1e-12)))

    return float(minimize_scalar(loss, bounds=(0.05, 20.0), method="bounded").x)


def _features(vectors: np.ndarray, texts: list[str], vectorizer):
    """Both views of each text side by side (scipy is imported only when training)."""
    from scipy.sparse import csr_matrix, hstack

    return hstack([csr_matrix(vectors), WORD_WEIGHT * vectorizer.transform(texts)]).tocsr()


def _fit(vectors: np.ndarray, texts: list[str], labels: np.ndarray):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(**TFIDF).fit(texts)
    model = LogisticRegression(C=C, max_iter=5000)
    return vectorizer, model.fit(_features(vectors, texts, vectorizer), labels)


def out_of_fold(
    vectors: np.ndarray,
    texts: list[str],
    labels: np.ndarray,
    part_vectors: np.ndarray,
    part_texts: list[str],
    owners: list[list[int]],
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Logits of each example and of each of its parts (rows of ``owners[i]``) from the fold
    that held it out; word features are fitted per fold too."""
    from sklearn.model_selection import StratifiedKFold

    logits = np.zeros((len(labels), len(CATEGORIES)))
    part_logits: list[np.ndarray] = [np.empty(0)] * len(labels)
    for train_at, test_at in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(
        vectors, labels
    ):
        vectorizer, model = _fit(vectors[train_at], [texts[i] for i in train_at], labels[train_at])
        held = _features(vectors[test_at], [texts[i] for i in test_at], vectorizer)
        logits[test_at] = model.decision_function(held)
        rows = [row for i in test_at for row in owners[i]]
        scored = model.decision_function(
            _features(part_vectors[rows], [part_texts[r] for r in rows], vectorizer)
        )
        at = 0
        for i in test_at:
            part_logits[i] = scored[at : at + len(owners[i])]
            at += len(owners[i])
    return logits, part_logits


def _share_reaching(scores: np.ndarray, share: float) -> float:
    """The score that this share of ``scores`` reach."""
    return round(float(np.quantile(scores, 1 - share)), 4)


def _routing_figures(
    worst: np.ndarray,
    labels: np.ndarray,
    thresholds: dict[Category, float],
    screening: dict[Category, float],
) -> dict[str, float]:
    """How the corpus's own messages route at these thresholds (out of fold, most severe part)."""
    escalating = [CATEGORIES.index(c) for c in ESCALATING]
    limits = np.array([thresholds[c] for c in ESCALATING])
    screened = np.array([screening[c] for c in ESCALATING])
    risky = worst[np.isin(labels, escalating)][:, escalating]
    ordinary = worst[labels == CATEGORIES.index("in_scope")][:, escalating]
    out = CATEGORIES.index("out_of_scope")
    return {
        "escalation_recall": round(float(np.mean((risky >= limits).any(1))), 4),
        "screened_recall": round(float(np.mean((risky >= screened).any(1))), 4),
        "screened_ordinary": round(float(np.mean((ordinary >= screened).any(1))), 4),
        "false_escalations": round(float(np.mean((ordinary >= limits).any(1))), 4),
        "refusal_recall": round(
            float(np.mean(worst[labels == out, out] >= thresholds["out_of_scope"])), 4
        ),
    }


def train(
    examples: list[LabelledExample],
    vectors: np.ndarray,
    corpus_sha256: str,
    encode_parts: Callable[[list[str]], np.ndarray],
) -> ClassifierModel:
    """Fit, calibrate and choose the thresholds; deterministic for the same input."""
    texts = [e.text for e in examples]
    labels = np.array([CATEGORIES.index(e.label) for e in examples])
    part_texts = list(dict.fromkeys(p.text for t in texts for p in message_parts(t)))
    row_of = {text: row for row, text in enumerate(part_texts)}
    owners = [[row_of[p.text] for p in message_parts(t)] for t in texts]
    logits, part_logits = out_of_fold(
        vectors, texts, labels, encode_parts(part_texts), part_texts, owners
    )
    temperature = fit_temperature(logits, labels)
    oof = softmax(logits / temperature)
    worst = np.stack([softmax(p / temperature).max(axis=0) for p in part_logits])
    ordinary = worst[labels == CATEGORIES.index("in_scope")]

    thresholds: dict[Category, float] = {}
    screening: dict[Category, float] = {}
    for index, category in enumerate(CATEGORIES[:-1]):
        thresholds[category] = _share_reaching(ordinary[:, index], FALSE_ROUTE_BUDGET)
        if category in ESCALATING:
            screening[category] = _share_reaching(ordinary[:, index], SCREENING_BUDGET)
    figures = {
        "accuracy": round(float(np.mean(oof.argmax(1) == labels)), 4),
        **_routing_figures(worst, labels, thresholds, screening),
    }
    vectorizer, final = _fit(vectors, texts, labels)
    vocabulary = vectorizer.get_feature_names_out().tolist()
    return ClassifierModel(
        categories=CATEGORIES,
        coef=np.round(final.coef_, 5).tolist(),
        intercept=np.round(final.intercept_, 5).tolist(),
        vocabulary=vocabulary,
        idf=np.round(vectorizer.idf_, 6).tolist(),
        word_weight=WORD_WEIGHT,
        temperature=round(temperature, 6),
        thresholds=thresholds,
        screening=screening,
        embedding_model=EMBEDDING_MODEL_NAME,
        corpus_sha256=corpus_sha256,
        examples=len(examples),
        cross_validation=figures,
    )


def train_from_corpus(encode: Encode, cache: Path, folder: Path = CORPUS_DIR) -> ClassifierModel:
    examples = load_corpus(folder)
    vectors = cached_vectors([e.text for e in examples], encode, cache)
    return train(
        examples, vectors, corpus_digest(folder), lambda texts: cached_vectors(texts, encode, cache)
    )


def current_model(cache_dir: Path, encode: Encode, folder: Path = CORPUS_DIR) -> ClassifierModel:
    """The shipped model when it was trained on the corpus as it is; otherwise one trained on
    it now, once, and kept in ``cache_dir`` (a corpus edited after the release)."""
    digest = corpus_digest(folder)
    shipped = ClassifierModel.load(MODEL_FILE)
    if shipped.corpus_sha256 == digest:
        return shipped
    cached = cache_dir / f"safety-classifier-{digest[:16]}.json"
    if cached.is_file():
        try:
            return ClassifierModel.load(cached)
        except (OSError, ValueError) as exc:  # a damaged cache file is derived data: redo it
            log.warning("Re-training the safety classifier: %s is unreadable (%s)", cached, exc)
    log.warning("The safety corpus changed since the shipped model was trained: training again")
    model = train_from_corpus(encode, cache_dir / VECTORS_FILE, folder)
    model.save(cached)
    return model


def default_cache() -> Path:
    return default_cache_dir() / VECTORS_FILE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--cache", type=Path, default=default_cache())
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    from assistant.index.embeddings import PackagedEmbeddings

    model = train_from_corpus(PackagedEmbeddings().encode, args.cache)
    model.save(args.out)
    print(f"{model.examples} examples -> {args.out}")
    print(f"thresholds {model.thresholds}\nscreening {model.screening}")
    print(f"cross-validation {model.cross_validation}")


if __name__ == "__main__":
    main()
