"""Hybrid retrieval: dense (Chroma), lexical (BM25) and example-question routing, fused by
reciprocal rank, with boosts."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Protocol

from pydantic import BaseModel

from assistant.config import RetrievalMode
from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.lexical import LexicalIndex
from assistant.index.questions import QuestionIndex
from assistant.index.vectorstore import VectorStore
from assistant.models import RetrievedChunk

RRF_K = 60
COMPONENT_SCORES = ("dense_score", "lexical_score", "question_score")

log = logging.getLogger(__name__)


def _shown(score: float | None) -> str:
    return "-" if score is None else f"{score:.3f}"


class Reranker(Protocol):
    """Reorders candidates for a query (e.g. a cross-encoder); must return a subset of them."""

    def rerank(self, query: str, chunks: list[RetrievedChunk]) -> list[RetrievedChunk]: ...


class NoRerank:
    """The default reranker: keeps the fused order."""

    def rerank(self, query: str, chunks: list[RetrievedChunk]) -> list[RetrievedChunk]:
        return chunks


# How much less similar than the best passage of a named document another of its passages may
# be and still answer (MiniLM cosine; a document's other sections score well below its best).
PREFER_MARGIN = 0.08


class RetrievalOptions(BaseModel):
    """How to search: mode, how many results, per-document cap, role boost, candidate pool."""

    mode: RetrievalMode = "hybrid"
    k: int = 5
    role: str | None = None
    max_per_doc: int = 2
    role_boost: float = 0.15
    candidates: int = 30
    # BM25 is the noisier signal on short, conversational questions: it counts half as much.
    lexical_weight: float = 0.5
    # Hybrid only: candidates ranked by how close their document's example questions come
    # (0 turns this routing off, and with it the example-question relevance floor).
    question_weight: float = 1.0
    exclude_topics: frozenset[str] = frozenset()
    # Documents the question names ("the handbook": the user's own). Their passages at least
    # ``prefer_floor`` close to the query are all that is returned; none that close, no effect.
    prefer_docs: frozenset[str] = frozenset()
    prefer_floor: float = 0.25


class Retrieval(BaseModel):
    """Search results, the query's embedding, and for the relevance floor the best dense
    similarity and (hybrid) the best example-question similarity."""

    chunks: list[RetrievedChunk]
    query_vector: list[float]
    best_similarity: float
    best_question_similarity: float = 0.0


def reciprocal_rank_fusion(
    rankings: list[list[RetrievedChunk]], weights: list[float] | None = None
) -> list[RetrievedChunk]:
    """Fuse ranked lists: score = sum of weight / (RRF_K + rank); keeps component scores."""
    fused: dict[str, float] = defaultdict(float)
    merged: dict[str, RetrievedChunk] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, chunk in enumerate(ranking, start=1):
            fused[chunk.id] += weight / (RRF_K + rank)
            if chunk.id in merged:
                current = merged[chunk.id]
                merged[chunk.id] = current.model_copy(
                    update={
                        field: getattr(chunk, field)
                        for field in COMPONENT_SCORES
                        if getattr(current, field) is None
                    }
                )
            else:
                merged[chunk.id] = chunk
    ranked = sorted(fused, key=fused.__getitem__, reverse=True)
    return [merged[cid].model_copy(update={"score": fused[cid]}) for cid in ranked]


def cap_per_document(chunks: list[RetrievedChunk], limit: int) -> list[RetrievedChunk]:
    """Keep at most ``limit`` chunks of any one document, preserving order."""
    counts: dict[str, int] = defaultdict(int)
    kept = []
    for chunk in chunks:
        if counts[chunk.doc_id] < limit:
            counts[chunk.doc_id] += 1
            kept.append(chunk)
    return kept


class HybridRetriever:
    """Searches both indexes and fuses them; the single retrieval entry point of the engine."""

    def __init__(
        self,
        embeddings: PackagedEmbeddings,
        vectors: VectorStore,
        lexical: LexicalIndex,
        reranker: Reranker | None = None,
        questions: QuestionIndex | None = None,
    ) -> None:
        self.embeddings = embeddings
        self.vectors = vectors
        self.lexical = lexical
        self.reranker = reranker or NoRerank()
        self.questions = questions

    def retrieve(
        self, query: str, options: RetrievalOptions, query_vector: list[float] | None = None
    ) -> Retrieval:
        """Top chunks for the query under the given options."""
        pool = max(options.candidates, options.k)
        vector = query_vector or self.embeddings.embed_query(query)
        dense = self.vectors.search(vector, pool)
        lexical = self.lexical.search(query, pool) if options.mode in ("bm25", "hybrid") else []
        best = max((c.dense_score or 0.0 for c in dense), default=0.0)
        questions = (
            self.questions.document_scores(vector)
            if self.questions is not None and options.mode == "hybrid" and options.question_weight
            else {}
        )
        if options.mode == "dense":
            ranked = dense
        elif options.mode == "bm25":
            ranked = lexical
        else:
            ranked = self._fuse(dense, lexical, questions, options)
        if options.exclude_topics:
            ranked = [c for c in ranked if not options.exclude_topics.intersection(c.topics)]
        if options.prefer_docs:
            ranked = self._preferred(vector, pool, options) or ranked
        if options.role:
            ranked = sorted(
                ranked,
                key=lambda c: c.score * (1 + options.role_boost * (options.role in c.audience)),
                reverse=True,
            )
        ranked = self.reranker.rerank(query, cap_per_document(ranked, options.max_per_doc))
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "retrieve %s k=%d best cosine %.3f: %s",
                options.mode,
                options.k,
                best,
                "; ".join(
                    f"{c.doc_id}: {c.heading_path} (score {c.score:.4f}, dense "
                    f"{_shown(c.dense_score)}, bm25 {_shown(c.lexical_score)}, question "
                    f"{_shown(c.question_score)})"
                    for c in ranked[: options.k]
                ),
            )
        return Retrieval(
            chunks=ranked[: options.k],
            query_vector=vector,
            best_similarity=best,
            best_question_similarity=max(questions.values(), default=0.0),
        )

    def _preferred(
        self,
        vector: list[float],
        pool: int,
        options: RetrievalOptions,
    ) -> list[RetrievedChunk]:
        """The named documents' passages that answer: the closest, and those nearly as close
        (within ``PREFER_MARGIN``), above the floor, closest first. A document the general
        search missed is still found; the rest of it is left out (its other sections do not
        answer the question)."""
        own = [
            c
            for c in self.vectors.search(vector, pool, doc_ids=options.prefer_docs)
            if not options.exclude_topics.intersection(c.topics)
        ]
        best = max((c.dense_score or -1.0 for c in own), default=-1.0)
        floor = max(options.prefer_floor, best - PREFER_MARGIN)
        return [c for c in own if (c.dense_score or -1.0) >= floor]

    @staticmethod
    def _fuse(
        dense: list[RetrievedChunk],
        lexical: list[RetrievedChunk],
        scores: dict[str, float],
        options: RetrievalOptions,
    ) -> list[RetrievedChunk]:
        """Dense + BM25 + the candidates ordered by their documents' closest example question.

        A document without example questions (most of the user's own) is placed in that order
        by its passage's own similarity, so it is neither favoured nor left behind.
        """
        if not scores:
            return reciprocal_rank_fusion([dense, lexical], [1.0, options.lexical_weight])
        pool = {
            chunk.id: chunk.model_copy(update={"question_score": scores.get(chunk.doc_id)})
            for chunk in [*lexical, *dense]
        }

        def routing(chunk: RetrievedChunk) -> float:
            if chunk.question_score is not None:
                return chunk.question_score
            return chunk.dense_score if chunk.dense_score is not None else -1.0

        by_question = sorted(pool.values(), key=lambda c: (-routing(c), -(c.dense_score or 0.0)))
        return reciprocal_rank_fusion(
            [dense, lexical, by_question], [1.0, options.lexical_weight, options.question_weight]
        )
