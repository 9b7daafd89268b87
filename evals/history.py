"""Saved runs (``<COACH_HOME>/evals/runs/<run-id>/run.json``) and run-to-run comparison."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ValidationError

from assistant.errors import InputError
from evals import gate
from evals.results import RATE_METRICS, EvalRun, RunConfig

RUN_FILE = "run.json"


def runs_dir(home: Path) -> Path:
    return home / "evals" / "runs"


# The checkout this code runs from (in an installed wheel: site-packages, which has no .git).
SOURCE_ROOT = Path(__file__).resolve().parent.parent


def git_revision(root: Path = SOURCE_ROOT) -> str:
    """The checked-out commit, read from ``.git`` without running git; 'unknown' outside a repo."""
    git = root / ".git"
    try:
        if git.is_file():  # a linked worktree: ".git" holds "gitdir: <path>"
            git = (root / git.read_text().split(":", 1)[1].strip()).resolve()
        common = (
            git / (git / "commondir").read_text().strip() if (git / "commondir").exists() else git
        )
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head.removeprefix("ref: ")
        if (common / ref).exists():
            return (common / ref).read_text().strip()
        packed = (common / "packed-refs").read_text().splitlines()
        return next(line.split()[0] for line in packed if line.endswith(f" {ref}"))
    except (OSError, IndexError, StopIteration):
        return "unknown"


def save_run(run: EvalRun, home: Path) -> Path:
    """Write the run atomically; returns the path of its run.json."""
    folder = runs_dir(home) / run.id
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f"{RUN_FILE}.tmp"
    staging.write_text(run.model_dump_json(indent=2), encoding="utf-8")
    staging.replace(folder / RUN_FILE)
    return folder / RUN_FILE


def load_run_file(path: Path) -> EvalRun:
    try:
        return EvalRun.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not a readable evaluation run ({exc}).") from None


def saved_runs(home: Path) -> Iterator[EvalRun]:
    """Saved runs, newest first (run ids start with their UTC time); unreadable ones skipped."""
    folder = runs_dir(home)
    files = sorted(folder.glob(f"*/{RUN_FILE}"), reverse=True) if folder.is_dir() else []
    for path in files:
        try:
            yield load_run_file(path)
        except InputError:
            continue


def load_run(home: Path, ref: str) -> EvalRun:
    """A saved run by id, or a run.json (or its folder) by path."""
    for path in (runs_dir(home) / ref / RUN_FILE, Path(ref) / RUN_FILE, Path(ref)):
        if path.is_file():
            return load_run_file(path)
    raise InputError(f"No saved evaluation run '{ref}'.", "See 'coach eval runs' for run ids.")


def last_run_like(home: Path, config: RunConfig) -> EvalRun:
    """The newest saved run with the same dataset, backend and retrieval."""
    for saved in saved_runs(home):
        if saved.config.dataset == config.dataset and saved.config.label == config.label:
            return saved
    raise InputError(
        f"No earlier {config.label} run on {config.dataset} to compare with.",
        "Run 'coach eval' once first, or pass --compare RUN-ID.",
    )


class MetricDelta(BaseModel):
    """One metric before and after."""

    metric: str
    before: float | None
    after: float | None
    delta: float | None
    regression: bool


class Comparison(BaseModel):
    """A run against a baseline: metric deltas and cases that started or stopped failing."""

    baseline: str
    current: str
    label: str
    deltas: list[MetricDelta]
    newly_failing: list[str]
    fixed: list[str]

    @property
    def regressions(self) -> list[str]:
        """One line per flagged regression."""
        lines = [
            f"{d.metric} {d.before:.3f} -> {d.after:.3f}"
            for d in self.deltas
            if d.regression and d.before is not None and d.after is not None
        ]
        return lines + [f"case {case} now fails" for case in self.newly_failing]


def _is_regression(metric: str, before: float, after: float) -> bool:
    if metric == "latency_p95_ms":
        return after > before * gate.LATENCY_GROWTH and after - before > gate.LATENCY_SLACK_MS
    return metric in RATE_METRICS and after - before < -gate.REGRESSION_DROP


def _delta(metric: str, before: float | None, after: float | None) -> MetricDelta:
    if before is None or after is None:
        return MetricDelta(metric=metric, before=before, after=after, delta=None, regression=False)
    return MetricDelta(
        metric=metric,
        before=before,
        after=after,
        delta=after - before,
        regression=_is_regression(metric, before, after),
    )


def compare_runs(current: EvalRun, baseline: EvalRun) -> Comparison:
    """Deltas of every overall metric; regressions flagged by the tolerances in ``evals.gate``."""
    metrics = (*RATE_METRICS, "latency_p50_ms", "latency_p95_ms")
    before_failing = {case.id for case in baseline.failing}
    after_failing = {case.id for case in current.failing}
    common = {case.id for case in baseline.cases} & {case.id for case in current.cases}
    return Comparison(
        baseline=baseline.id,
        current=current.id,
        label=current.config.label,
        deltas=[
            _delta(m, getattr(baseline.overall, m), getattr(current.overall, m)) for m in metrics
        ],
        newly_failing=sorted((after_failing - before_failing) & common),
        fixed=sorted((before_failing - after_failing) & common),
    )
