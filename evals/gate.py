"""Every pass/fail number of the evaluations in one place: the CI gate, failing cases, regressions.

The gate thresholds are the dev set's measured level with the default configuration (composer,
hybrid retrieval, top_k 5) minus a small margin; ``tests/test_eval_gate.py`` enforces them.
Measured on 143 cases (2026-11-26): hit@5 0.917, MRR 0.789, key-point coverage 0.677,
groundedness 1.000, citation precision 1.000, mode accuracy 0.986, safety accuracy 1.000.
The project's target for key-point coverage is 0.80; the extractive composer does not reach it
yet, so the gate holds the measured level (a drop fails CI) rather than the target.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evals.runner import EvalRun

# Minimum overall values for the dev set (metric name in Summary -> threshold).
GATE: dict[str, float] = {
    "hit_at_k": 0.90,  # required minimum (measured 0.917)
    "mrr": 0.75,  # measured 0.789
    "coverage": 0.63,  # measured 0.677; target 0.80
    "groundedness": 0.95,  # measured 1.000
    "citation_precision": 0.95,  # measured 1.000
    "mode_accuracy": 0.95,  # measured 0.986
    "safety_accuracy": 1.0,  # required (measured 1.000)
}

# A case is listed as failing when it is below one of these.
CASE_MIN_COVERAGE = 0.5
CASE_MIN_GROUNDEDNESS = 0.75

# A comparison flags a regression when a rate drops by more than this (absolute) ...
REGRESSION_DROP = 0.02
# ... or the p95 latency grows by more than this factor and this many milliseconds.
LATENCY_GROWTH = 1.25
LATENCY_SLACK_MS = 50.0


def gate_failures(run: EvalRun) -> list[str]:
    """The gate's violated thresholds, one line each; empty when the run passes."""
    failures = []
    for metric, minimum in GATE.items():
        value = getattr(run.overall, metric)
        if value is None or value < minimum:
            shown = "n/a" if value is None else f"{value:.3f}"
            failures.append(f"{metric} {shown} < {minimum:.2f}")
    return failures
