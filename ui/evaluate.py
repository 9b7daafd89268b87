"""The Evaluate tab: run a dataset through the coach, see metrics and failures, grade answers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr
import pandas as pd

from assistant.errors import InputError
from evals import charts
from evals.dataset import DATASETS, DEFAULT_DATASET, load_dataset
from evals.evaluate import evaluate
from evals.glossary import entries
from evals.grading import GradeReport, grade_answers, read_answers
from evals.history import saved_runs
from evals.report import EvalReport, Section, fmt, sections, to_html
from ui.common import BACKENDS, RETRIEVAL_MODES, Downloads, Viewer, esc, readable_errors

if TYPE_CHECKING:
    from assistant.coach import Coach

LAST = "last"
NO_COMPARISON = ("Don't compare", "")


def table(section: Section | None) -> pd.DataFrame:
    """A report section as a DataFrame (empty when there is none)."""
    if section is None:
        return pd.DataFrame()
    return pd.DataFrame(section.rows, columns=section.header)


def shown(frame: pd.DataFrame) -> Any:
    """A results table, shown only when it has rows (no empty "1 2 3" placeholder table)."""
    return gr.Dataframe(value=frame, visible=not frame.empty)


def failing_cases(report: EvalReport) -> pd.DataFrame:
    rows = [
        [case.id, case.question, case.expect, case.mode, "; ".join(case.failures)]
        for run in report.runs
        for case in run.failing
    ]
    return pd.DataFrame(rows, columns=["case", "question", "expected", "produced", "why it fails"])


def summary_markdown(report: EvalReport) -> str:
    """One line per run, then any regressions against the compared run."""
    lines = [
        f"**{esc(run.config.label)}** on {run.overall.n} cases: "
        f"{run.overall.failing} failing · run `{esc(run.id)}`"
        for run in report.runs
    ]
    for comparison in report.comparisons:
        found = comparison.regressions
        verdict = "Regressions: " + "; ".join(found) if found else "No regressions"
        lines.append(f"Compared with `{esc(comparison.baseline)}`: {esc(verdict)}.")
    return "\n\n".join(lines)


def charts_html(report: EvalReport) -> str:
    """Inline SVG charts drawn by the evals package (text drawn as paths; no scripts)."""
    cells = "".join(
        f'<div class="eval-chart">{svg}</div>' for svg in charts.all_charts(report.runs)
    )
    return f'<div class="eval-charts">{cells}</div>'


def graded_table(report: GradeReport) -> pd.DataFrame:
    rows = [
        [
            answer.row,
            answer.question,
            fmt(answer.groundedness),
            fmt(answer.coverage),
            "\n".join(answer.explanation) or "Grounded and complete.",
        ]
        for answer in report.answers
    ]
    return pd.DataFrame(
        rows, columns=["row", "question", "groundedness", "key points", "what to improve"]
    )


def glossary_markdown() -> str:
    """Each metric's name and what it means, as the HTML report prints them."""
    return "\n".join(f"- **{esc(name)}**: {esc(means)}" for name, means in entries())


def shipped_dataset(name: str) -> Path:
    """A shipped dataset by the name the page shows; anything else a client sends (a server
    path included) is refused."""
    path = DATASETS / f"{name}.yaml"
    if path.parent != DATASETS or not path.is_file():
        shipped = ", ".join(sorted(p.stem for p in DATASETS.glob("*.yaml")))
        raise InputError(f"No dataset '{name[:60]}'.", f"Pick one of: {shipped}.")
    return path


def build(demo: gr.Blocks, coach: Coach, downloads: Downloads, viewer: Viewer) -> None:
    """The Evaluate tab's components and events (inside ``demo``, an open gr.Blocks)."""
    gr.Markdown(
        "Run a labelled dataset through the coach and score retrieval, key points, groundedness "
        "and safety. Every run is saved, so the next one can be compared with it."
    )
    with gr.Row():
        dataset = gr.Dropdown(
            sorted(path.stem for path in DATASETS.glob("*.yaml")),
            value=DEFAULT_DATASET.stem,
            label="Dataset",
        )
        upload = gr.File(
            label="Or upload a dataset (.yaml)",
            file_types=[".yaml", ".yml"],
            height=120,
            elem_id="dataset-file",
        )
    with gr.Row():
        backend = gr.Dropdown(BACKENDS, value=coach.settings.backend, label="Answer engine")
        retrieval = gr.Dropdown(
            RETRIEVAL_MODES, value=coach.settings.retrieval, label="Retrieval mode"
        )
        compare = gr.Dropdown([NO_COMPARISON], value="", label="Compare with")
    run = gr.Button("Run evaluation", variant="primary")
    summary = gr.Markdown()
    # The results tables appear with a run's results (each only when it has rows).
    hidden: dict[str, Any] = {"interactive": False, "wrap": True, "visible": False}
    overall = gr.Dataframe(label="Metrics", **hidden)
    comparison = gr.Dataframe(label="Compared with the earlier run", **hidden)
    by_topic = gr.Dataframe(label="By topic", **hidden)
    figures = gr.HTML()
    failing = gr.Dataframe(
        label="Failing cases", column_widths=["10%", "38%", "11%", "11%", "30%"], **hidden
    )
    routes = gr.Dataframe(
        label="Safety routes: the part of each question that decided its route, and its score",
        **hidden,
    )
    report_file = gr.DownloadButton("Download full report (.html)", interactive=False)
    with gr.Accordion("What the numbers mean", open=False):
        gr.Markdown(glossary_markdown())

    gr.Markdown("### Grade answers written elsewhere")
    answers = gr.File(
        label="Answers to grade (.csv or .jsonl with question and answer columns)",
        file_types=[".csv", ".jsonl"],
        height=120,
        elem_id="answers-file",
    )
    grade = gr.Button("Grade answers")
    grade_summary = gr.Markdown()
    graded = gr.Dataframe(
        label="Graded answers", column_widths=["8%", "25%", "12%", "10%", "45%"], **hidden
    )

    def compare_choices(request: gr.Request) -> dict[Any, Any]:
        runs = [
            (f"Run {run.id} ({run.config.label})", run.id)
            for run in (saved_runs(coach.settings.home) if viewer.is_lead(request) else [])
        ]
        choices = [NO_COMPARISON, ("The previous run of this configuration", LAST), *runs]
        return {compare: gr.Dropdown(choices=choices, value=LAST if runs else "")}

    @readable_errors
    def run_evaluation(
        dataset_path: str | None,
        uploaded: str | None,
        backend_value: str,
        mode: str,
        compare_with: str | None,
        request: gr.Request,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (how Gradio injects a progress bar)
    ) -> dict[Any, Any]:
        viewer.require_lead(request, "run evaluations")
        chosen = uploaded or (dataset_path and shipped_dataset(dataset_path))
        if not chosen:
            raise InputError("No dataset chosen.", "Pick one or upload a .yaml dataset.")
        progress(0, desc="Starting")

        def run_with(baseline: str | None) -> EvalReport:
            return evaluate(
                coach,
                chosen,
                [backend_value],
                [mode],
                compare=baseline,
                progress=lambda done, total, item: progress((done, total), desc=item),
            )

        note = ""
        try:
            report = run_with(compare_with or None)
        except InputError:
            # The baseline is looked up before any case runs, so retrying costs nothing; a
            # problem with the dataset itself raises again.
            if compare_with != LAST:
                raise
            report = run_with(None)
            note = "\n\nNo earlier run of this configuration and dataset to compare with."
        parts = {s.title: s for s in sections(report)}
        compared = sections(report)[-1] if report.comparisons else None
        path = downloads.write(f"evaluation-{report.runs[0].id}.html", to_html(report))
        return {
            **compare_choices(request),
            summary: summary_markdown(report) + note,
            overall: shown(table(parts.get("Overall"))),
            comparison: shown(table(compared)),
            by_topic: shown(table(parts.get("By topic"))),
            figures: charts_html(report),
            failing: shown(failing_cases(report)),
            routes: shown(
                table(next((s for t, s in parts.items() if t.startswith("Safety routes")), None))
            ),
            report_file: gr.DownloadButton(value=path, interactive=True),
        }

    @readable_errors
    def grade_file(
        path: str | None, dataset_path: str | None, request: gr.Request
    ) -> dict[Any, Any]:
        viewer.require_lead(request, "grade answers")
        if not path:
            raise InputError("No answers file chosen.", "Upload a .csv or .jsonl file first.")
        items = read_answers(path)
        shipped = shipped_dataset(dataset_path) if dataset_path else DEFAULT_DATASET
        cases = load_dataset(shipped) if any(i.case_id for i in items) else []
        report = grade_answers(coach, items, cases, Path(path).name)
        count = len(report.answers)
        line = (
            f"**Graded {count} answer{'' if count == 1 else 's'}** · mean groundedness "
            f"{fmt(report.groundedness)} · mean key-point coverage {fmt(report.coverage)}"
        )
        return {grade_summary: line, graded: shown(graded_table(report))}

    private: dict[str, Any] = {"api_visibility": "private"}
    run.click(
        run_evaluation,
        [dataset, upload, backend, retrieval, compare],
        [compare, summary, overall, comparison, by_topic, figures, failing, routes, report_file],
        show_progress_on=summary,  # one progress bar, under the button, covering no control
        **private,
    )
    grade.click(
        grade_file,
        [answers, dataset],
        [grade_summary, graded],
        show_progress_on=grade_summary,
        **private,
    )
    demo.load(readable_errors(compare_choices), None, compare, **private)
