"""The stand-ins of tests/fakes.py behave as the unit tests that use them assume."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.models import Chunk
from tests.fakes import DIMENSION, FakeEmbeddings, MemoryLexical, MemoryVectors

pytestmark = pytest.mark.unit


def test_fake_vectors_are_deterministic_unit_length_and_closer_for_shared_words():
    texts = ["book the next three meetings", "book the next meeting", "ghosts haunt castles", ""]
    vectors = FakeEmbeddings().encode(texts)
    assert vectors.shape == (4, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors, FakeEmbeddings().encode(texts))
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    embeddings = FakeEmbeddings()
    assert embeddings.embed_query(texts[0]) == vectors[0].tolist()
    assert embeddings.embed_documents(texts[:2]) == vectors[:2].tolist()
    assert embeddings.embed_documents([]) == [] and embeddings.encode([]).shape == (0, DIMENSION)
    assert embeddings.texts_encoded == 3


def test_memory_indexes_rank_by_similarity_and_by_shared_words():
    chunks = [
        Chunk(id=str(n), doc_id=f"d{n}", title="T", source="s", text=text)
        for n, text in enumerate(["meet every two weeks", "goals for the quarter", "unrelated"])
    ]
    embeddings = FakeEmbeddings()
    dense = MemoryVectors(chunks, embeddings).search(embeddings.embed_query("two weeks"), 2)
    assert [c.id for c in dense] == ["0", "1"] and dense[0].dense_score == dense[0].score
    assert dense[0].score > dense[1].score
    lexical = MemoryLexical(chunks).search("goals every quarter", 5)
    assert [(c.id, c.lexical_score) for c in lexical] == [("1", 2.0), ("0", 1.0)]
