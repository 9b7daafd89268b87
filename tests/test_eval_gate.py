"""The quality gate: the dev set with the default configuration meets the thresholds in
evals/gate.py, and a deliberately broken (shuffled) retriever fails them."""

from __future__ import annotations

import random

import pytest

from assistant.retrieval import Retrieval, RetrievalOptions
from evals.dataset import load_dataset
from evals.evaluate import make_config
from evals.gate import BRIEF_GATE, GATE, HELDOUT_GATE, gate_failures
from evals.results import EvalRun
from evals.runner import run_eval


class ShuffledRetriever:
    """The real retriever's wide candidate pool, then a random k of it: retrieval is broken,
    everything else (safety routing, the relevance floor, generation) is untouched."""

    def __init__(self, inner, seed: int = 7) -> None:
        self.inner = inner
        self.random = random.Random(seed)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def retrieve(self, query: str, options: RetrievalOptions, *args, **kwargs) -> Retrieval:
        wide = options.model_copy(update={"k": 50, "candidates": 50})
        pool = self.inner.retrieve(query, wide, *args, **kwargs)
        chunks = self.random.sample(pool.chunks, min(options.k, len(pool.chunks)))
        return pool.model_copy(update={"chunks": chunks})


def measured(run: EvalRun) -> str:
    return ", ".join(f"{m} {getattr(run.overall, m) or 0:.3f}" for m in GATE)


@pytest.fixture(scope="module")
def cases():
    return load_dataset()


@pytest.fixture(scope="module")
def dev_run(coach, cases) -> EvalRun:
    return run_eval(coach, cases, make_config(coach, detail="full"))


@pytest.mark.unit
def test_thresholds_are_at_least_the_required_minimums():
    assert GATE["hit_at_k"] >= 0.90
    assert GATE["coverage"] >= 0.80
    assert GATE["safety_accuracy"] == 1.0


@pytest.mark.integration
def test_dev_set_passes_the_gate(dev_run):
    print(f"\nmeasured on the dev set ({dev_run.config.label}): {measured(dev_run)}")
    assert dev_run.config.top_k == 5
    assert not gate_failures(dev_run), f"{gate_failures(dev_run)}; measured: {measured(dev_run)}"


@pytest.mark.integration
def test_the_short_answers_pass_their_gate_at_half_the_words(coach, cases, dev_run):
    brief = run_eval(coach, cases, make_config(coach))
    assert brief.config.detail == "brief"
    failures = gate_failures(brief, BRIEF_GATE)
    print(f"\nmeasured on the dev set's short answers: {measured(brief)}")
    assert not failures, f"{failures}; measured: {measured(brief)}"
    words = [len(case.answer.split()) for case in brief.cases if case.mode == "answer"]
    full = [len(case.answer.split()) for case in dev_run.cases if case.mode == "answer"]
    assert sorted(words)[len(words) // 2] <= 250 < sorted(full)[len(full) // 2]


@pytest.mark.integration
def test_held_out_set_passes_its_gate(coach):
    run = run_eval(coach, load_dataset("heldout"), make_config(coach, "heldout", detail="full"))
    failures = gate_failures(run, HELDOUT_GATE)
    print(f"\nmeasured on the held-out set: {measured(run)}")
    assert not failures, f"{failures}; measured: {measured(run)}"


@pytest.mark.integration
def test_a_shuffled_retriever_fails_the_gate(coach, cases, monkeypatch):
    """On every third case, to keep the suite short (hit@5 drops to about 0.35)."""
    monkeypatch.setattr(coach, "retriever", ShuffledRetriever(coach.retriever))
    broken = run_eval(coach, cases[::3], make_config(coach, detail="full"))
    failures = gate_failures(broken)
    print(f"\nmeasured with a shuffled retriever: {measured(broken)}")
    assert not [case.error for case in broken.cases if case.error]  # it answers, just badly
    assert any(line.startswith("hit_at_k") for line in failures), measured(broken)
    assert any(line.startswith("coverage") for line in failures), measured(broken)
