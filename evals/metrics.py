"""Pure metric functions: retrieval ranking scores, shares, confusion matrix, percentiles.

Retrieval metrics use binary relevance over document ids: the ranked list is the doc ids of the
retrieved chunks, deduplicated in rank order (two chunks of one document count once, at the rank of
the first).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from pydantic import BaseModel


class RetrievalScores(BaseModel):
    """Ranking quality of one retrieval against the relevant document ids."""

    hit_at_1: float
    hit_at_k: float
    mrr: float
    ndcg_at_k: float
    recall_at_k: float


def unique_in_order(items: Iterable[str]) -> list[str]:
    """Drop repeats, keeping the first occurrence's position."""
    return list(dict.fromkeys(items))


def hit_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """1.0 if any of the first k items is relevant."""
    return float(any(item in relevant for item in ranked[:k]))


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / rank of the first relevant item; 0.0 if none was retrieved."""
    return next((1.0 / rank for rank, item in enumerate(ranked, 1) if item in relevant), 0.0)


def recall_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the relevant items found in the first k."""
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def ndcg_at_k(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Binary-gain nDCG: DCG of the first k over the DCG of a perfect ranking."""
    dcg = sum(
        1.0 / math.log2(rank + 1) for rank, item in enumerate(ranked[:k], 1) if item in relevant
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def retrieval_scores(doc_ids: Sequence[str], relevant: Iterable[str], k: int) -> RetrievalScores:
    """All ranking metrics for one query, after deduplicating doc ids in rank order."""
    ranked, wanted = unique_in_order(doc_ids), set(relevant)
    return RetrievalScores(
        hit_at_1=hit_at_k(ranked, wanted, 1),
        hit_at_k=hit_at_k(ranked, wanted, k),
        mrr=reciprocal_rank(ranked, wanted),
        ndcg_at_k=ndcg_at_k(ranked, wanted, k),
        recall_at_k=recall_at_k(ranked, wanted, k),
    )


def share(flags: Sequence[bool]) -> float | None:
    """Fraction of true flags; None when there is nothing to count."""
    return sum(flags) / len(flags) if flags else None


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between closest ranks; None for
    no values."""
    return sample_percentile(values, q) if values else None


def sample_percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of a non-empty sample (a benchmark's timings)."""
    if not values:
        raise ValueError("no values to take a percentile of")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def confusion_matrix(
    pairs: Iterable[tuple[str, str]], labels: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Counts of (expected, produced) pairs as matrix[expected][produced].

    Every label gets a row and a column; a produced value outside ``labels`` gets its own column.
    """
    pairs = list(pairs)
    columns = unique_in_order([*labels, *(produced for _, produced in pairs)])
    matrix = {expected: dict.fromkeys(columns, 0) for expected in labels}
    for expected, produced in pairs:
        matrix.setdefault(expected, dict.fromkeys(columns, 0))[produced] += 1
    return matrix
