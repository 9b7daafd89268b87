"""The two encoders of the packaged model: ONNX Runtime (default) and the sentence-transformers
reference give the same vectors; the ask path imports neither torch nor sentence-transformers."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from assistant import Coach
from assistant.index.embeddings import PackagedEmbeddings, model_digest, model_dir
from assistant.index.sentences import split_units
from tests.conftest import KNOWLEDGE
from tests.fakes import FakeEmbeddings


@pytest.fixture(scope="module")
def knowledge_text() -> list[str]:
    """Real sentences and whole passages of the knowledge base, short and long."""
    units: list[str] = []
    for path in sorted(KNOWLEDGE.glob("*.md"))[:6]:
        body = path.read_text().split("---", 2)[-1]
        units += split_units(body)[:40] + [body[:3000]]
    return units


@pytest.mark.integration
def test_onnx_and_sentence_transformers_give_the_same_vectors(knowledge_text):
    onnx = PackagedEmbeddings(encoder="onnx").encode(knowledge_text)
    reference = PackagedEmbeddings(encoder="sentence-transformers").encode(knowledge_text)
    assert onnx.shape == reference.shape == (len(knowledge_text), 384)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert float((onnx * reference).sum(axis=1).min()) >= 0.9999


@pytest.mark.unit
def test_texts_encoded_lately_are_not_sent_to_the_model_again(monkeypatch):
    """The memo in front of the model, with the stand-in embedder as the model."""
    from assistant.index import embeddings as module
    from assistant.index.memo import Memo

    model = FakeEmbeddings()
    monkeypatch.setattr(module, "_RECENT", Memo(limit=1000))
    monkeypatch.setattr(PackagedEmbeddings, "_model", lambda self, texts: model.encode(texts))
    embeddings = PackagedEmbeddings()
    texts = ["A text no other test encodes, about kites.", "Another one, about tea."]
    first = embeddings.encode([texts[0], texts[1], texts[0]])
    assert embeddings.texts_encoded == 2  # a repeated text is encoded once
    again = PackagedEmbeddings().encode(texts[::-1])
    assert np.array_equal(again, first[[1, 0]])
    assert embeddings.texts_encoded == 2
    fresh = PackagedEmbeddings()
    fresh.encode(["A third text, about clouds."])
    assert fresh.texts_encoded == 1
    assert model.texts_encoded == 3  # what the model itself was sent


@pytest.mark.integration
def test_an_index_built_with_one_encoder_is_searched_with_the_other(tmp_path, small_knowledge):
    built = Coach.open(home=tmp_path, knowledge_dir=small_knowledge, embedding_encoder="onnx")
    other = Coach(built.settings.model_copy(update={"embedding_encoder": "sentence-transformers"}))
    question = "my mentor keeps cancelling our meetings"
    ours = [(c.id, round(c.score, 3)) for c in built.search(question, mode="dense")]
    theirs = [(c.id, round(c.score, 3)) for c in other.search(question, mode="dense")]
    assert ours == theirs and ours[0][0]


@pytest.mark.integration
def test_the_export_is_named_by_the_models_content():
    digest = model_digest(model_dir())
    encoder_file = PackagedEmbeddings().cache_dir / f"all-MiniLM-L6-v2-{digest}.onnx"
    PackagedEmbeddings().encode(["warm"])
    assert encoder_file.is_file() and len(digest) == 16


@pytest.mark.integration
def test_a_cold_ask_imports_neither_torch_nor_sentence_transformers(built_home):
    PackagedEmbeddings().encode(["the export exists before the new process starts"])
    script = (
        "import sys\n"
        "from assistant import Coach\n"
        f"answer = Coach.open(home={str(built_home)!r}).ask('how do I end a mentorship well')\n"
        "assert answer.mode == 'answer', answer.mode\n"
        "heavy = ('torch', 'sentence_transformers', 'sklearn')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=os.environ, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.integration
def test_a_damaged_export_is_made_again(tmp_path, caplog):
    from assistant.index.embeddings import OnnxEncoder

    first = OnnxEncoder(tmp_path)
    vector = first(["my mentor keeps cancelling"])
    optimized = first.path.with_name(f"{first.path.stem}.optimized.onnx")
    optimized.write_bytes(b"not a model")
    again = OnnxEncoder(tmp_path)
    assert "Exporting the model again" in caplog.text
    assert np.allclose(again(["my mentor keeps cancelling"]), vector, atol=1e-6)
