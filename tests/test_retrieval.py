"""Hybrid retrieval: fusion, per-document cap, role boost, rerank hook, modes."""

from __future__ import annotations

from collections import Counter

import pytest

from assistant.models import Chunk, RetrievedChunk
from assistant.retrieval import (
    RRF_K,
    HybridRetriever,
    RetrievalOptions,
    cap_per_document,
    reciprocal_rank_fusion,
)
from tests.fakes import FakeEmbeddings, MemoryLexical, MemoryVectors


def chunk(cid: str, doc: str = "d", **extra) -> RetrievedChunk:
    return RetrievedChunk(id=cid, text=cid, doc_id=doc, title=doc, source=doc, score=0.0, **extra)


def passage(doc: str, n: int, text: str) -> Chunk:
    title = doc.replace("-", " ").capitalize()
    return Chunk(id=f"{doc}:{n}", doc_id=doc, title=title, section=f"Part {n}", source=f"{doc}.md",
                 text=text, position=n)  # fmt: skip


# A few passages for the retriever over in-memory indexes and the fake embedder: one document
# has more matching passages than the per-document cap lets through.
PASSAGES = [
    *(
        passage(
            "stalled-mentorship",
            n,
            f"When meetings keep getting cancelled, restart with one "
            f"short message and a smaller goal ({n}).",
        )  # fmt: skip
        for n in range(5)
    ),
    passage("meeting-cadence", 0, "How often should we meet? Every two weeks at a fixed time."),
    passage("meeting-cadence", 1, "Book the next three meetings now, as a recurring invite."),
    passage("smart-goals", 0, "SMART goals are specific, measurable, achievable and time-bound."),
    passage("ending-well", 0, "End the mentorship with thanks and a look back at what changed."),
]


@pytest.fixture
def retriever() -> HybridRetriever:
    """Hybrid retrieval (dense + BM25, fused) over in-memory indexes: no model, no Chroma."""
    embeddings = FakeEmbeddings()
    return HybridRetriever(
        embeddings,
        MemoryVectors(PASSAGES, embeddings),  # type: ignore[arg-type]
        MemoryLexical(PASSAGES),  # type: ignore[arg-type]
    )


@pytest.mark.unit
def test_rrf_adds_weighted_reciprocal_ranks_and_keeps_component_scores():
    dense = [chunk("a", dense_score=0.9), chunk("b", dense_score=0.8)]
    lexical = [chunk("b", lexical_score=7.0), chunk("c", lexical_score=3.0)]
    fused = reciprocal_rank_fusion([dense, lexical], [1.0, 0.5])
    scores = {c.id: c.score for c in fused}
    assert scores["a"] == pytest.approx(1 / (RRF_K + 1))
    assert scores["b"] == pytest.approx(1 / (RRF_K + 2) + 0.5 / (RRF_K + 1))
    assert scores["c"] == pytest.approx(0.5 / (RRF_K + 2))
    assert [c.id for c in fused] == ["b", "a", "c"]
    b = next(c for c in fused if c.id == "b")
    assert (b.dense_score, b.lexical_score) == (0.8, 7.0)


@pytest.mark.unit
def test_cap_per_document_keeps_order():
    ranked = [chunk("1", "x"), chunk("2", "x"), chunk("3", "x"), chunk("4", "y")]
    assert [c.id for c in cap_per_document(ranked, 2)] == ["1", "2", "4"]


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
@pytest.mark.integration
def test_each_mode_finds_the_obvious_document(coach, mode):
    hits = coach.search("SMART goals specific measurable achievable time-bound", k=3, mode=mode)
    assert hits[0].doc_id == "smart-goals"
    assert len(hits) == 3 and hits[0].score >= hits[-1].score


@pytest.mark.unit
def test_no_document_crowds_out_the_rest(retriever):
    query = "stalled mentorship cancelled meetings ghosting restart"
    cap = RetrievalOptions().max_per_doc
    uncapped = retriever.vectors.search(retriever.embeddings.embed_query(query), 8)
    # Without the cap, one document would take most of the places.
    assert Counter(c.doc_id for c in uncapped)["stalled-mentorship"] > cap
    hits = retriever.retrieve(query, RetrievalOptions(k=8)).chunks
    counts = Counter(hit.doc_id for hit in hits)
    assert max(counts.values()) <= cap


@pytest.mark.integration
def test_role_boost_prefers_the_askers_audience(coach):
    question = "how to give and receive feedback"
    as_mentor = coach.search(question, k=5, role="mentor")
    assert "mentor" in as_mentor[0].audience
    as_mentee = coach.search(question, k=5, role="mentee")
    assert "mentee" in as_mentee[0].audience


@pytest.mark.unit
def test_rerank_hook_reorders_candidates(retriever):
    class Reverse:
        def rerank(self, query, chunks):
            return list(reversed(chunks))

    options = RetrievalOptions(k=3)
    normal = retriever.retrieve("how often should we meet", options).chunks
    retriever.reranker = Reverse()
    reranked = retriever.retrieve("how often should we meet", options).chunks
    assert reranked[0].id != normal[0].id


@pytest.mark.unit
def test_documents_are_ranked_by_summed_evidence():
    from assistant.generation.composer import documents_by_evidence

    chunks = [
        chunk("1", "single", dense_score=0.62),
        chunk("2", "pair", dense_score=0.55),
        chunk("3", "pair", dense_score=0.50),
        chunk("4", "lexical-only"),
    ]
    assert documents_by_evidence(chunks) == ["pair", "single", "lexical-only"]


@pytest.mark.unit
def test_named_documents_come_first_even_when_the_general_search_misses_them(retriever):
    options = RetrievalOptions(k=3, prefer_docs=frozenset({"smart-goals"}), prefer_floor=-1.0)
    found = retriever.retrieve("meetings keep getting cancelled", options)
    assert [c.doc_id for c in found.chunks] == ["smart-goals"]
    unpreferred = retriever.retrieve("meetings keep getting cancelled", RetrievalOptions(k=3))
    assert "smart-goals" not in [c.doc_id for c in unpreferred.chunks]


@pytest.mark.unit
def test_named_documents_that_are_not_close_enough_change_nothing(retriever):
    plain = retriever.retrieve("meetings keep getting cancelled", RetrievalOptions(k=3))
    options = RetrievalOptions(k=3, prefer_docs=frozenset({"smart-goals"}), prefer_floor=0.99)
    found = retriever.retrieve("meetings keep getting cancelled", options)
    assert [c.id for c in found.chunks] == [c.id for c in plain.chunks]
