"""Evaluations for Mentor Coach: datasets, metrics without an LLM judge, reports and history.

From Python::

    from assistant import Coach
    from evals import evaluate, write_reports

    report = evaluate(Coach.open(), backends=["composer"], retrievals=["dense", "hybrid"])
    write_reports(report, Path("eval-report"))

Names are imported lazily, so ``import evals`` (and ``coach --help``) stays instant.
"""

from importlib import import_module

_EXPORTS = {
    "EvalCase": "evals.dataset",
    "load_dataset": "evals.dataset",
    "EvalRun": "evals.results",
    "RunConfig": "evals.results",
    "run_eval": "evals.runner",
    "evaluate": "evals.evaluate",
    "compare_runs": "evals.history",
    "EvalReport": "evals.report",
    "write_reports": "evals.report",
    "read_answers": "evals.grading",
    "grade_answers": "evals.grading",
    "gate_failures": "evals.gate",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
