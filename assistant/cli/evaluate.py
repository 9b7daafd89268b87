"""`coach eval`: run the evaluation set, grade written answers, list saved runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, get_args

import typer

from assistant.backends import backend_names
from assistant.cli.common import (
    DebugOpt,
    HomeOpt,
    JsonOpt,
    console,
    open_coach,
    print_json,
    progress_bar,
    user_errors,
)
from assistant.config import Detail, RetrievalMode

commands = typer.Typer(
    help="Evaluate answers with numbers: retrieval, key points, groundedness, safety, latency."
)
DatasetOpt = Annotated[
    Path | None,
    typer.Option(
        "--dataset",
        help="YAML evaluation set, or a shipped one by name: dev (default), heldout, heldout2, "
        "safety, safety2 ... safety6.",
    ),
]


@commands.callback(invoke_without_command=True)
def run(
    ctx: typer.Context,
    dataset: DatasetOpt = None,
    backend: Annotated[
        list[str] | None,
        typer.Option(help=f"{backend_names()}; repeat or comma-separate."),
    ] = None,
    retrieval: Annotated[
        list[str] | None,
        typer.Option(help=f"{', '.join(get_args(RetrievalMode))}; repeat or comma-separate."),
    ] = None,
    report: Annotated[
        Path | None, typer.Option(help="Write report.html, report.md and report.json here.")
    ] = None,
    compare: Annotated[
        str | None,
        typer.Option(
            help="A run id, or 'last' (newest run of the same configuration); shows deltas and "
            "exits with 1 if a regression is flagged."
        ),
    ] = None,
    judge: Annotated[
        bool, typer.Option("--judge", help="Also score with an LLM judge (needs an LLM backend).")
    ] = False,
    semantic_key_points: Annotated[
        bool,
        typer.Option(
            "--semantic-key-points", help="Also match key points by embedding similarity."
        ),
    ] = False,
    detail: Annotated[
        Detail | None,
        typer.Option(help="brief (the default setting) or full: how much each answer says."),
    ] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Run every case of the dataset through the assistant and report the metrics.

    Each run is saved with its configuration and git revision under
    <COACH_HOME>/evals/runs/<run-id>/run.json.
    """
    if ctx.invoked_subcommand is not None:
        return
    with user_errors(debug):
        from evals.dataset import DEFAULT_DATASET
        from evals.evaluate import evaluate
        from evals.report import print_terminal, write_reports

        coach = open_coach(home)
        with progress_bar("Evaluating", enabled=not as_json) as update:
            result = evaluate(
                coach,
                dataset or DEFAULT_DATASET,
                backend,
                retrieval,
                judge=judge,
                semantic_key_points=semantic_key_points,
                detail=detail,
                compare=compare,
                progress=update,
            )
        written = write_reports(result, report) if report else []
        if as_json:
            print_json(result)
        else:
            out = console(markup=True)
            print_terminal(result, out)
            for path in written:
                out.print(f"wrote {path}")
        if any(comparison.regressions for comparison in result.comparisons):
            raise typer.Exit(1)


@commands.command()
def grade(
    file: Annotated[Path, typer.Argument(help="CSV or JSONL with question and answer columns.")],
    dataset: DatasetOpt = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Grade answers written elsewhere: groundedness, key points, and what to improve.

    Optional columns: role, case_id (a dataset case, for its key points) and key_points (a JSON
    list, or regexes separated by ';').
    """
    with user_errors(debug):
        from evals.dataset import DEFAULT_DATASET, load_dataset
        from evals.grading import grade_answers, read_answers
        from evals.report import fmt

        items = read_answers(file)  # a bad file fails before the index loads
        needs_cases = any(item.case_id for item in items)
        cases = load_dataset(dataset or DEFAULT_DATASET) if needs_cases else []
        result = grade_answers(open_coach(home), items, cases, str(file))
        if as_json:
            print_json(result)
            return
        from rich.table import Table

        out = console(markup=True)
        table = Table("row", "question", "groundedness", "key points", title=f"Graded {file}")
        for answer in result.answers:
            table.add_row(
                str(answer.row),
                answer.question[:60],
                fmt(answer.groundedness),
                fmt(answer.coverage),
            )
        out.print(table)
        for answer in result.answers:
            out.print(f"[bold]Row {answer.row}[/bold]", markup=True)
            for line in answer.explanation or ["Grounded and complete."]:
                out.print(f"  {line}", markup=False)


@commands.command("runs")
def list_runs(home: HomeOpt = None, as_json: JsonOpt = False, debug: DebugOpt = False) -> None:
    """List saved evaluation runs, newest first (ids for --compare)."""
    with user_errors(debug):
        from assistant.config import Settings
        from evals.history import saved_runs
        from evals.report import fmt

        runs = list(saved_runs((Settings(home=home) if home else Settings()).home))
        if as_json:
            fields = {"id", "created_at", "config", "overall"}
            print_json([run.model_dump(mode="json", include=fields) for run in runs])
            return
        from rich.table import Table

        table = Table("run id", "configuration", "cases", "hit@k", "coverage", "git revision")
        for r in runs:
            table.add_row(
                r.id,
                r.config.label,
                str(r.overall.n),
                fmt(r.overall.hit_at_k),
                fmt(r.overall.coverage),
                r.config.git_revision[:12],
            )
        console(markup=True).print(table)


@commands.command("conversations")
def conversations(
    dataset: Annotated[
        str,
        typer.Option(
            "--dataset",
            help="A conversation set: dev (default), blind, blind2, or a YAML file "
            "(evals/README.md).",
        ),
    ] = "dev",
    report: Annotated[
        Path | None, typer.Option(help="Write conversations.json and conversations.md here.")
    ] = None,
    home: HomeOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Run multi-turn conversations: act accuracy, drafts given, revisions honoured, repeats,
    reply modes and words per turn."""
    with user_errors(debug):
        from evals.conversations import evaluate_conversations, resolve, write_report

        path = resolve(dataset)
        coach = open_coach(home)
        with progress_bar("Conversations", enabled=not as_json) as update:
            result = evaluate_conversations(coach.ask, path, progress=update)
        written = write_report(result, report) if report else []
        if as_json:
            print_json(result)
            return
        from rich.table import Table

        from evals.conversations import failures

        out = console(markup=True)
        table = Table("figure", "value", title=f"Conversations: {path.name}")
        for name, value in result.figures.items():
            table.add_row(name, "n/a" if value is None else str(value))
        out.print(table)
        for line in failures(result):
            out.print(f"  {line}", markup=False)
        for path_written in written:
            out.print(f"wrote {path_written}")
