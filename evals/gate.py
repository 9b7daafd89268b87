"""Every pass/fail number of the evaluations in one place: the CI gate, failing cases, regressions.

The gate thresholds are the dev set's measured level with the default configuration (composer,
hybrid retrieval with example-question routing, top_k 5) minus a small margin, and never below
the project's minimums (hit@5 0.90, key-point coverage 0.80, safety accuracy 1.0), for the long
form of each answer (``detail="full"``), whose coverage says how much of the guides' advice
retrieval and composition find; the short answers people get by default have their own gate;
``tests/test_eval_gate.py`` enforces them. The levels they were set from are in CHANGELOG.md
(0.1.0) and each run's figures in evals/README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evals.results import EvalRun

# Minimum overall values for the dev set (metric name in Summary -> threshold).
GATE: dict[str, float] = {
    "hit_at_k": 0.92,
    "mrr": 0.80,
    "coverage": 0.80,
    "groundedness": 0.97,
    "citation_precision": 0.97,
    "mode_accuracy": 0.97,
    "safety_accuracy": 1.0,
}

# The dev set's short answers (the default since 0.3: about 250 words, the rest offered as
# "more on …" items): as grounded, a third fewer key points at about half the words (measured
# 0.692 at a median of 224 words, against 0.828 at 412 for the long form; CHANGELOG 0.3.0).
BRIEF_GATE: dict[str, float] = {
    "hit_at_k": 0.92,
    "coverage": 0.67,
    "groundedness": 0.97,
    "citation_precision": 0.97,
    "mode_accuracy": 0.97,
    "safety_accuracy": 1.0,
}

# The held-out set (evals/datasets/heldout.yaml: 45 cases written without seeing the dev set or
# the example questions) checks that the dev-set level is not tuned to the dev set.
HELDOUT_GATE: dict[str, float] = {
    "hit_at_k": 0.92,
    "mrr": 0.80,
    "coverage": 0.62,
    "groundedness": 0.97,
    "mode_accuracy": 0.95,
    "safety_accuracy": 1.0,
}

# A comparison flags a regression when a rate drops by more than this (absolute) ...
REGRESSION_DROP = 0.02
# ... or the p95 latency grows by more than this factor and this many milliseconds.
LATENCY_GROWTH = 1.25
LATENCY_SLACK_MS = 50.0


def gate_failures(run: EvalRun, gate: dict[str, float] = GATE) -> list[str]:
    """The gate's violated thresholds, one line each; empty when the run passes."""
    failures = []
    for metric, minimum in gate.items():
        value = getattr(run.overall, metric)
        if value is None or value < minimum:
            shown = "n/a" if value is None else f"{value:.3f}"
            failures.append(f"{metric} {shown} < {minimum:.2f}")
    return failures
