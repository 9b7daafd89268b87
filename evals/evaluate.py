"""One evaluation session: every configuration run, saved to history, compared to a baseline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, get_args

from assistant.config import Backend, Detail, RetrievalMode
from assistant.errors import InputError
from evals.dataset import DEFAULT_DATASET, load_dataset, resolve_dataset
from evals.history import compare_runs, git_revision, last_run_like, load_run, save_run
from evals.judge import open_judge
from evals.report import EvalReport
from evals.results import EvalRun, RunConfig
from evals.runner import Progress, run_eval

if TYPE_CHECKING:
    from assistant.coach import Coach

RETRIEVAL_MODES: tuple[RetrievalMode, ...] = get_args(RetrievalMode)
BACKENDS: tuple[Backend, ...] = get_args(Backend)

Option = TypeVar("Option", bound=str)


def split_options(
    values: Sequence[str] | None, allowed: Sequence[Option], option: str
) -> list[Option]:
    """Option values given several times and/or comma-separated, checked and deduplicated."""
    known: dict[str, Option] = {item: item for item in allowed}  # each as its typed value
    items = [item.strip() for value in values or [] for item in value.split(",") if item.strip()]
    unknown = [item for item in items if item not in known]
    if unknown:
        raise InputError(f"Unknown {option} '{unknown[0]}'.", f"Use {', '.join(allowed)}.")
    return [known[item] for item in dict.fromkeys(items)]


def judge_backend(coach: Coach, backends: Sequence[str]) -> str:
    """The LLM that judges: the first evaluated LLM backend, else the configured one."""
    return next((b for b in backends if b != "composer"), coach.settings.backend)


def make_config(
    coach: Coach,
    dataset: str | Path = DEFAULT_DATASET,
    backend: str | None = None,
    retrieval: RetrievalMode | None = None,
    *,
    semantic_key_points: bool = False,
    judge: str | None = None,
    detail: Detail | None = None,
) -> RunConfig:
    """A run configuration: the coach's settings unless overridden, plus the git revision."""
    return RunConfig(
        dataset=str(resolve_dataset(dataset).resolve()),
        backend=backend or coach.settings.backend,
        retrieval=retrieval or coach.settings.retrieval,
        top_k=coach.settings.top_k,
        detail=detail or coach.settings.detail,
        git_revision=git_revision(),
        semantic_key_points=semantic_key_points,
        judge=judge,
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
    detail: Detail | None = None,
) -> EvalReport:
    """Run the dataset under every (backend, retrieval) pair; save each run; compare if asked.

    ``compare`` is a run id or path, or ``"last"`` for the newest earlier run of the same
    configuration and dataset.
    """
    cases = load_dataset(dataset)
    engines = split_options(backends, BACKENDS, "--backend") or [coach.settings.backend]
    modes = split_options(retrievals, RETRIEVAL_MODES, "--retrieval") or [coach.settings.retrieval]
    grader = open_judge(coach.settings, judge_backend(coach, engines)) if judge else None
    configs = [
        make_config(
            coach,
            dataset,
            backend,
            retrieval,
            semantic_key_points=semantic_key_points,
            judge=grader.backend if grader else None,
            detail=detail,
        )
        for backend in engines
        for retrieval in modes
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
