"""Metric functions and key-point coverage, on hand-computed examples."""

from __future__ import annotations

import math

import pytest

from evals.keypoints import coverage, describe
from evals.metrics import (
    confusion_matrix,
    hit_at_k,
    mean,
    ndcg_at_k,
    percentile,
    recall_at_k,
    reciprocal_rank,
    retrieval_scores,
    share,
    unique_in_order,
)

# Chunks of documents a, b, a, c, d retrieved in that order; b, d and x are relevant.
CHUNK_DOCS = ["a", "b", "a", "c", "d"]
RELEVANT = {"b", "d", "x"}


@pytest.mark.unit
def test_doc_ids_are_deduplicated_in_rank_order():
    assert unique_in_order(CHUNK_DOCS) == ["a", "b", "c", "d"]


@pytest.mark.unit
def test_retrieval_scores_hand_computed():
    scores = retrieval_scores(CHUNK_DOCS, RELEVANT, k=3)
    assert scores.hit_at_1 == 0.0  # a
    assert scores.hit_at_k == 1.0  # b at rank 2
    assert scores.mrr == 0.5
    assert scores.recall_at_k == pytest.approx(1 / 3)  # top 3 = a, b, c
    # DCG = 1/log2(3); ideal (3 relevant, k=3) = 1 + 1/log2(3) + 1/log2(4)
    assert scores.ndcg_at_k == pytest.approx((1 / math.log2(3)) / (1 + 1 / math.log2(3) + 0.5))


@pytest.mark.unit
def test_dedup_moves_later_documents_up():
    """Without dedup, d would be at rank 5 and outside the top 4."""
    assert retrieval_scores(CHUNK_DOCS, RELEVANT, k=4).recall_at_k == pytest.approx(2 / 3)
    assert recall_at_k(CHUNK_DOCS, RELEVANT, 4) == pytest.approx(1 / 3)


@pytest.mark.unit
def test_ranking_edge_cases():
    assert reciprocal_rank(["a", "c"], {"b"}) == 0.0
    assert hit_at_k([], {"b"}, 5) == 0.0
    assert ndcg_at_k(["b"], {"b"}, 5) == 1.0  # one relevant doc found first: perfect
    assert ndcg_at_k(["a", "b"], {"b"}, 5) == pytest.approx(1 / math.log2(3))
    assert recall_at_k(["a"], set(), 5) == 0.0


@pytest.mark.unit
def test_share_mean_and_percentiles():
    assert share([True, False, True, True]) == 0.75
    assert share([]) is None
    assert mean([1.0, None, 0.0]) == 0.5
    assert mean([None]) is None
    assert percentile([40, 10, 30, 20], 50) == 25.0
    assert percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)  # 30 + 0.85 * 10
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


@pytest.mark.unit
def test_confusion_matrix_counts_and_extra_columns():
    pairs = [
        ("answer", "answer"),
        ("answer", "answer"),
        ("refusal", "answer"),
        ("escalation", "escalation"),
        ("answer", "error"),
    ]
    matrix = confusion_matrix(pairs, ["answer", "refusal", "escalation", "no_context"])
    assert matrix["answer"] == {
        "answer": 2,
        "refusal": 0,
        "escalation": 0,
        "no_context": 0,
        "error": 1,
    }
    assert matrix["refusal"]["answer"] == 1
    assert matrix["escalation"]["escalation"] == 1
    assert sum(matrix["no_context"].values()) == 0


@pytest.mark.parametrize(
    ("alternatives", "label"),
    [
        (["skills?", "challenges?"], "skills / challenges"),
        (["(two|three|few) goals", r"prioriti\w*"], "two goals / prioriti…"),
        (["what would .{0,40}look like"], "what would … look like"),
        (["professional organi[sz]ation", r"\bagenda\b"], "professional organisation / agenda"),
        (
            [r"(?:re-?)?engag\w+", r"mid\s*point", "time-?bound"],
            "re-engag… / mid point / time-bound",
        ),
    ],
)
@pytest.mark.unit
def test_describe_makes_key_points_readable(alternatives, label):
    assert describe(alternatives) == label


@pytest.mark.unit
def test_coverage_regex_is_case_insensitive_and_any_alternative_counts():
    answer = "Write SMART goals, and put a review date in the diary."
    points = [["smart"], ["milestones?"], ["dead-?line", "review date"]]
    covered = coverage(answer, points)
    assert covered.found == ["smart", "dead-line / review date"]
    assert covered.missing == ["milestones"]
    assert covered.share == pytest.approx(2 / 3)
    assert coverage(answer, []).share is None


@pytest.mark.integration
def test_semantic_key_points_match_close_paraphrases_only():
    from assistant.index.embeddings import PackagedEmbeddings
    from evals.support import SupportScorer

    scorer = SupportScorer(PackagedEmbeddings().encode)
    answer = "Write down what happened, with dates. Then talk to your program lead."
    points = [["tell the program lead"], ["report it to the program lead"], ["stop meeting"]]
    assert coverage(answer, points).found == []
    assert coverage(answer, points, scorer).found == ["tell the program lead"]
