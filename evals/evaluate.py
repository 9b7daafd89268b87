"""One evaluation session: every configuration run, saved to history, compared to a baseline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from assistant.config import Backend, RetrievalMode
from assistant.errors import InputError
from evals.dataset import DEFAULT_DATASET, load_dataset, resolve_dataset
from evals.history import compare_runs, git_revision, last_run_like, load_run, save_run
from evals.judge import open_judge
from evals.report import EvalReport
from evals.results import EvalRun, RunConfig
from evals.runner import Progress, run_eval

if TYPE_CHECKING:
    from assistant.coach import Coach

RETRIEVAL_MODES: tuple[str, ...] = get_args(RetrievalMode)
BACKENDS: tuple[str, ...] = get_args(Backend)


def split_options(values: Sequence[str] | None, allowed: Sequence[str], option: str) -> list[str]:
    """Option values given several times and/or comma-separated, checked and deduplicated."""
    items = [item.strip() for value in values or [] for item in value.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown:
        raise InputError(f"Unknown {option} '{unknown[0]}'.", f"Use {', '.join(allowed)}.")
    return list(dict.fromkeys(items))


def judge_backend(coach: Coach, backends: list[str]) -> str:
    """The LLM that judges: the first evaluated LLM backend, else the configured one."""
    return next((b for b in backends if b != "composer"), coach.settings.backend)


def make_config(
    coach: Coach,
    dataset: str | Path = DEFAULT_DATASET,
    backend: str | None = None,
    retrieval: str | None = None,
    **options: object,
) -> RunConfig:
    """A run configuration: the coach's settings unless overridden, plus the git revision."""
    return RunConfig(
        dataset=str(resolve_dataset(dataset).resolve()),
        backend=backend or coach.settings.backend,
        retrieval=retrieval or coach.settings.retrieval,
        top_k=coach.settings.top_k,
        git_revision=git_revision(),
        **options,
    )


def evaluate(
    coach: Coach,
    dataset: str | Path = DEFAULT_DATASET,
    backends: Sequence[str] | None = None,
    retrievals: Sequence[str] | None = None,
    *,
    judge: bool = False,
    semantic_key_points: bool = False,
    compare: str | None = None,
    save: bool = True,
    progress: Progress | None = None,
) -> EvalReport:
    """Run the dataset under every (backend, retrieval) pair; save each run; compare if asked.

    ``compare`` is a run id or path, or ``"last"`` for the newest earlier run of the same
    configuration and dataset.
    """
    cases = load_dataset(dataset)
    backends = split_options(backends, BACKENDS, "--backend") or [coach.settings.backend]
    retrievals = split_options(retrievals, RETRIEVAL_MODES, "--retrieval") or [
        coach.settings.retrieval
    ]
    grader = open_judge(coach.settings, judge_backend(coach, backends)) if judge else None
    configs = [
        make_config(
            coach,
            dataset,
            backend,
            retrieval,
            semantic_key_points=semantic_key_points,
            judge=grader.backend if grader else None,
        )
        for backend in backends
        for retrieval in retrievals
    ]
    home = coach.settings.home
    baselines = {c.label: _baseline(home, compare, c) for c in configs} if compare else {}
    runs = [
        run_eval(
            coach,
            cases,
            config,
            judge=grader,
            progress=_shifted(progress, index * len(cases), len(configs) * len(cases), config),
        )
        for index, config in enumerate(configs)
    ]
    if save:
        for run in runs:
            save_run(run, home)
    comparisons = [compare_runs(run, baselines[run.config.label]) for run in runs if baselines]
    return EvalReport(runs=runs, comparisons=comparisons)


def _baseline(home: Path, ref: str, config: RunConfig) -> EvalRun:
    """Looked up before running, so a wrong reference fails fast."""
    return last_run_like(home, config) if ref == "last" else load_run(home, ref)


def _shifted(progress: Progress | None, offset: int, total: int, config: RunConfig):
    """Report one configuration's progress as part of the whole session's."""
    if progress is None:
        return None
    suffix = f"({config.backend}, {config.retrieval})"
    return lambda done, _count, item: progress(offset + done, total, f"{item} {suffix}")
