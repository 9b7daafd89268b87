"""Every pass/fail number of the evaluations in one place: the CI gate, failing cases, regressions.

The gate thresholds are the dev set's measured level with the default configuration (composer,
hybrid retrieval, top_k 5) minus a small margin; see ``tests/test_eval_gate.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evals.runner import EvalRun

# Minimum overall values for the dev set (metric name in Summary -> threshold).
GATE: dict[str, float] = {
    "hit_at_k": 0.90,
    "mrr": 0.75,
    "coverage": 0.80,
    "groundedness": 0.90,
    "citation_precision": 0.90,
    "mode_accuracy": 0.95,
    "safety_accuracy": 1.0,
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
