"""Saved runs, 'last' lookup, git revision and run-to-run comparison with regression flags."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assistant.errors import InputError
from evals.history import (
    compare_runs,
    git_revision,
    last_run_like,
    load_run,
    runs_dir,
    save_run,
    saved_runs,
)
from evals.metrics import RetrievalScores
from evals.results import CaseResult, EvalRun, RunConfig, build_run

pytestmark = pytest.mark.unit


def make_case(case_id: str, coverage: float, hit: float = 1.0, latency: float = 100.0, **extra):
    scores = RetrievalScores(hit_at_1=hit, hit_at_k=hit, mrr=hit, ndcg_at_k=hit, recall_at_k=hit)
    fields = {"question": f"question {case_id}", "role": "mentee", "topic": "goals"}
    fields.update(expect="answer", mode="answer", answer="An answer.", relevant=["smart-goals"])
    fields.update(extra)
    return CaseResult(id=case_id, retrieval=scores, coverage=coverage, latency_ms=latency, **fields)


def make_run(
    cases: list[CaseResult], retrieval: str = "hybrid", minutes: int = 0, dataset: str = "dev"
) -> EvalRun:
    config = RunConfig(dataset=dataset, backend="composer", retrieval=retrieval, top_k=5)
    run = build_run(config, cases)
    created = run.created_at + timedelta(minutes=minutes)
    return run.model_copy(
        update={"created_at": created, "id": f"{created:%Y%m%d-%H%M%S}-{retrieval}"}
    )


def test_save_and_load_by_id_folder_or_file(tmp_path):
    run = make_run([make_case("a", 1.0)])
    path = save_run(run, tmp_path)
    assert path == runs_dir(tmp_path) / run.id / "run.json"
    for ref in (run.id, str(path.parent), str(path)):
        assert load_run(tmp_path, ref) == run
    with pytest.raises(InputError, match="No saved evaluation run 'nope'"):
        load_run(tmp_path, "nope")


def test_last_picks_the_newest_run_of_the_same_configuration(tmp_path):
    old = make_run([make_case("a", 0.5)], minutes=-30)
    newer = make_run([make_case("a", 0.6)], minutes=-20)
    dense = make_run([make_case("a", 0.7)], retrieval="dense", minutes=-10)
    other_set = make_run([make_case("a", 0.8)], minutes=-5, dataset="other")
    for run in (old, newer, dense, other_set):
        save_run(run, tmp_path)
    (runs_dir(tmp_path) / "99999999-corrupt").mkdir()
    (runs_dir(tmp_path) / "99999999-corrupt" / "run.json").write_text("{not json")
    assert [r.id for r in saved_runs(tmp_path)] == [other_set.id, dense.id, newer.id, old.id]
    assert last_run_like(tmp_path, make_run([]).config) == newer
    assert last_run_like(tmp_path, make_run([], retrieval="dense").config) == dense
    with pytest.raises(InputError, match="No earlier composer/bm25 run"):
        last_run_like(tmp_path, make_run([], retrieval="bm25").config)


def test_compare_flags_drops_beyond_tolerance_and_new_failures():
    baseline = make_run(
        [make_case("a", 1.0), make_case("b", 1.0), make_case("c", 0.0), make_case("d", 1.0)]
    )
    current = make_run(
        [make_case("a", 1.0), make_case("b", 0.25), make_case("c", 0.5), make_case("d", 0.75)]
    )
    comparison = compare_runs(current, baseline)
    deltas = {d.metric: d for d in comparison.deltas}
    assert deltas["coverage"].before == 0.75
    assert deltas["coverage"].after == 0.625  # (1 + 0.25 + 0.5 + 0.75) / 4
    assert deltas["coverage"].delta == -0.125
    assert deltas["coverage"].regression is True
    assert deltas["hit_at_k"].delta == 0.0 and not deltas["hit_at_k"].regression
    assert deltas["groundedness"].delta is None and not deltas["groundedness"].regression
    assert comparison.newly_failing == ["b"]
    assert comparison.fixed == ["c"]
    assert comparison.regressions == ["coverage 0.750 -> 0.625", "case b now fails"]


def test_small_drops_and_latency_noise_are_not_regressions():
    baseline = make_run([make_case("a", 1.0, latency=100.0), make_case("b", 0.9)])
    # coverage 0.95 -> 0.94; p95 latency 100 -> 138 ms (x1.38 but only +38 ms)
    slightly = make_run([make_case("a", 1.0, latency=140.0), make_case("b", 0.88)])
    assert compare_runs(slightly, baseline).regressions == []
    slower = make_run([make_case("a", 1.0, latency=300.0), make_case("b", 0.9)])
    assert compare_runs(slower, baseline).regressions == ["latency_p95_ms 100.000 -> 290.000"]


def test_git_revision_reads_refs_without_git(tmp_path):
    sha = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "repo"
    (repo / ".git" / "refs" / "heads").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (repo / ".git" / "refs" / "heads" / "main").write_text(sha + "\n")
    assert git_revision(repo) == sha
    (repo / ".git" / "refs" / "heads" / "main").unlink()
    (repo / ".git" / "packed-refs").write_text(f"# pack-refs\n{sha} refs/heads/main\n")
    assert git_revision(repo) == sha
    (repo / ".git" / "HEAD").write_text(sha)  # detached
    assert git_revision(repo) == sha
    worktree = tmp_path / "worktree"
    gitdir = repo / ".git" / "worktrees" / "wt"
    gitdir.mkdir(parents=True)
    (gitdir / "HEAD").write_text("ref: refs/heads/main\n")
    (gitdir / "commondir").write_text("../..\n")
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {gitdir}\n")
    assert git_revision(worktree) == sha
    assert git_revision(tmp_path / "nowhere") == "unknown"
