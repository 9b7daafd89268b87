"""Evaluation reports: a terminal table (rich), JSON, Markdown and a self-contained HTML page.

All four render the same sections (built once as plain-text tables), so they always agree. The HTML
inlines its CSS and SVG charts (no scripts, no external files) and escapes every user string.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.models import Route
from evals.glossary import entries, labels
from evals.history import Comparison
from evals.results import SAFETY_MODES, CaseResult, EvalRun, Summary

if TYPE_CHECKING:
    from rich.console import Console

GROUP_METRICS = {  # per-topic and per-role columns, with short headers
    "hit_at_k": "hit@k",
    "coverage": "coverage",
    "groundedness": "grounded",
    "mode_accuracy": "mode acc.",
}


class EvalReport(BaseModel):
    """Everything one `coach eval` produced: a run per configuration and any comparisons."""

    runs: list[EvalRun]
    comparisons: list[Comparison] = Field(default_factory=list)


class Section(BaseModel):
    """A titled plain-text table."""

    title: str
    header: list[str]
    rows: list[list[str]]


def fmt(value: float | None, metric: str = "", sign: str = "") -> str:
    """A rate with 3 decimals, milliseconds with none; '–' when unknown."""
    if value is None:
        return "–"
    return f"{value:{sign}.0f}" if metric.startswith("latency") else f"{value:{sign}.3f}"


def _overall(runs: list[EvalRun]) -> Section:
    judged = any(run.config.judge for run in runs)
    rows = [
        [label, *(fmt(getattr(run.overall, metric), metric) for run in runs)]
        for metric, label in labels().items()
        if judged or metric not in ("faithfulness", "relevance")
    ]
    rows.append(["failing cases", *(f"{run.overall.failing}/{run.overall.n}" for run in runs)])
    if judged:
        rows.append(["judge errors", *(str(run.overall.judge_errors) for run in runs)])
    return Section(title="Overall", header=["metric", *(r.config.label for r in runs)], rows=rows)


def _grouped(runs: list[EvalRun], title: str, groups: Callable[[EvalRun], dict[str, Summary]]):
    names = sorted({name for run in runs for name in groups(run)})
    header = ["", "n"]
    for run in runs:
        prefix = f"{run.config.label}\n" if len(runs) > 1 else ""
        header += [f"{prefix}{label}" for label in GROUP_METRICS.values()]
    rows = []
    for name in names:
        summaries = [groups(run).get(name) for run in runs]
        n = next(s.n for s in summaries if s is not None)
        rows.append(
            [name, str(n)]
            + [fmt(getattr(s, m) if s else None) for s in summaries for m in GROUP_METRICS]
        )
    return Section(title=title, header=header, rows=rows)


def _configurations(runs: list[EvalRun]) -> Section:
    return Section(
        title="Configurations",
        header=["configuration", "run id", "dataset", "cases", "top k", "judge", "git revision"],
        rows=[
            [
                run.config.label,
                run.id,
                run.config.dataset,
                str(run.overall.n),
                str(run.config.top_k),
                run.config.judge or "–",
                run.config.git_revision[:12],
            ]
            for run in runs
        ],
    )


def _confusion(run: EvalRun) -> Section:
    produced = list(next(iter(run.confusion.values())))
    return Section(
        title=f"Expected (rows) vs produced mode — {run.config.label}",
        header=["expected", *produced],
        rows=[[expected, *map(str, row.values())] for expected, row in run.confusion.items()],
    )


def _route_cells(route: Route | None) -> list[str]:
    """Route, score, what decided it and the part, for the safety-routes table."""
    if route is None:
        return ["–", "–", "–", ""]
    label = f"{route.category} (near {route.caution})" if route.caution else route.category
    return [label, f"{route.score:.2f}", f"{route.source} ({route.part_kind})", route.part]


def _safety_routes(run: EvalRun) -> Section | None:
    """Every case that was, or should have been, refused or escalated, or got the safety
    notice: the part of the question that decided its route, the category and the score."""
    cases = [
        case
        for case in run.cases
        if case.expect in SAFETY_MODES or case.mode in SAFETY_MODES or case.notice
    ]
    if not cases:
        return None

    def produced(case: CaseResult) -> str:
        return f"{case.mode} + notice" if case.notice else case.mode

    return Section(
        title=f"Safety routes — {run.config.label}",
        header=["case", "expected", "produced", "", "route", "score", "decided by", "part"],
        rows=[
            [
                case.id,
                case.expect,
                produced(case),
                "" if case.mode == case.expect else "MISS",
                *_route_cells(case.route),
            ]
            for case in cases
        ],
    )


def _comparison(comparison: Comparison) -> Section:
    names = labels()
    rows = [
        [
            names[d.metric],
            fmt(d.before, d.metric),
            fmt(d.after, d.metric),
            fmt(d.delta, d.metric, sign="+"),
            "REGRESSION" if d.regression else "",
        ]
        for d in comparison.deltas
    ]
    rows += [
        [f"case {case}", "passed", "fails", "", "REGRESSION"] for case in comparison.newly_failing
    ]
    rows += [[f"case {case}", "failed", "passes", "", "fixed"] for case in comparison.fixed]
    return Section(
        title=f"{comparison.label}: {comparison.current} vs {comparison.baseline}",
        header=["metric", "baseline", "this run", "delta", ""],
        rows=rows,
    )


def sections(report: EvalReport) -> list[Section]:
    """The report's tables, in display order."""
    runs = report.runs
    return [
        _configurations(runs),
        _overall(runs),
        _grouped(runs, "By topic", lambda run: run.by_topic),
        _grouped(runs, "By role", lambda run: run.by_role),
        *(_confusion(run) for run in runs),
        *(table for run in runs if (table := _safety_routes(run)) is not None),
        *(_comparison(c) for c in report.comparisons),
    ]


# ---------------------------------------------------------------- terminal


def print_terminal(report: EvalReport, console: Console, failing_shown: int = 10) -> None:
    """Rich tables, regressions in red, and the first failing cases of each run."""
    from rich.table import Table

    for section in sections(report):
        table = Table(*section.header, title=section.title, title_justify="left")
        for row in section.rows:
            table.add_row(*row, style="red" if "REGRESSION" in row else None)
        console.print(table)
    for run in report.runs:
        failing = run.failing
        console.print(f"[bold]{run.config.label}[/bold]: {len(failing)} failing cases", markup=True)
        for case in failing[:failing_shown]:
            console.print(f"  {case.id}: {'; '.join(case.failures)}", markup=False)
        if len(failing) > failing_shown:
            console.print(f"  … and {len(failing) - failing_shown} more (see --report)")


# ---------------------------------------------------------------- markdown


def _md(text: str) -> str:
    """User text for Markdown: HTML-escaped, since Markdown renderers pass raw HTML through."""
    return html.escape(text, quote=False)


def _md_cell(text: str) -> str:
    return _md(text).replace("|", "\\|").replace("\n", " ")


def _md_table(section: Section) -> str:
    lines = [
        f"| {' | '.join(_md_cell(h) for h in section.header)} |",
        f"|{'---|' * len(section.header)}",
        *(f"| {' | '.join(_md_cell(c) for c in row)} |" for row in section.rows),
    ]
    return "\n".join(lines)


def _md_list(title: str, items: list[str]) -> list[str]:
    return [f"**{title}:**\n" + "\n".join(f"- {_md(item)}" for item in items)] if items else []


def _md_case(case: CaseResult) -> str:
    answer = _md(case.answer or case.error or "")
    quoted = "\n".join(f"> {line}" for line in answer.splitlines())
    return "\n\n".join(
        [
            f"### {_md(case.id)} ({_md(case.topic)}, {case.role})",
            f"**Question:** {_md(case.question)}",
            f"**Why it fails:** {_md('; '.join(case.failures))}",
            f"**Answer ({case.mode}):**\n\n{quoted}",
            *_md_list("Missing key points", case.key_points_missing),
            *_md_list("Unsupported sentences", case.unsupported),
            *_md_list("Sources", case.sources),
        ]
    )


def to_markdown(report: EvalReport) -> str:
    """The report as Markdown: the tables, then every failing case in full."""
    parts = [
        "# Mentor Coach evaluation",
        *(f"## {s.title}\n\n{_md_table(s)}" for s in sections(report)),
    ]
    for run in report.runs:
        parts.append(f"## Failing cases — {run.config.label} ({len(run.failing)})")
        parts += [_md_case(case) for case in run.failing]
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------- html

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1100px;
color:#1f2328;padding:0 1rem}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
th{background:#f6f8fa}
tr.regression td{background:#ffebe9;color:#82071e}
.wide{overflow-x:auto}
.charts{display:flex;flex-wrap:wrap;gap:1rem}
.charts svg{max-width:100%;height:auto}
details{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem;margin:.4rem 0}
summary{cursor:pointer;font-weight:600}
pre{white-space:pre-wrap;background:#f6f8fa;padding:.6rem;border-radius:6px}
.fail{color:#82071e}
.glossary dt{font-weight:600;margin-top:.5rem}.glossary dd{margin:0 0 0 1rem}
"""


def _html_table(section: Section) -> str:
    head = "".join(f"<th>{html.escape(h).replace(chr(10), '<br>')}</th>" for h in section.header)
    body = "".join(
        f"<tr{' class=regression' if 'REGRESSION' in row else ''}>"
        + "".join(f"<td>{html.escape(cell)}</td>" for cell in row)
        + "</tr>"
        for row in section.rows
    )
    table = f"<table><tr>{head}</tr>{body}</table>"
    return f"<h2>{html.escape(section.title)}</h2><div class=wide>{table}</div>"


def _html_list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    entries = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return f"<p><b>{html.escape(title)}</b></p><ul>{entries}</ul>"


def _html_case(case: CaseResult) -> str:
    e = html.escape
    return (
        f"<details><summary>{e(case.id)} — {e(case.question)}</summary>"
        f"<p class=fail>{e('; '.join(case.failures))}</p>"
        f"<p><b>Answer</b> ({e(case.mode)}, {e(case.role)}, {e(case.topic)})</p>"
        f"<pre>{e(case.answer or case.error or '')}</pre>"
        + _html_list("Missing key points", case.key_points_missing)
        + _html_list("Unsupported sentences", case.unsupported)
        + _html_list("Sources", case.sources)
        + "</details>"
    )


def _html_glossary() -> str:
    terms = "".join(
        f"<dt>{html.escape(name)}</dt><dd>{html.escape(means)}</dd>" for name, means in entries()
    )
    return f"<h2>What the numbers mean</h2><dl class=glossary>{terms}</dl>"


def _charts(runs: list[EvalRun]) -> str:
    from evals import charts

    return "<h2>Charts</h2><div class=charts>" + "".join(charts.all_charts(runs)) + "</div>"


def to_html(report: EvalReport) -> str:
    """A single self-contained HTML page: tables, inline SVG charts and the failing cases."""
    body = [_html_table(s) for s in sections(report)]
    body.append(_charts(report.runs))
    body.append(_html_glossary())
    for run in report.runs:
        body.append(
            f"<h2>Failing cases — {html.escape(run.config.label)} ({len(run.failing)})</h2>"
        )
        body += [_html_case(case) for case in run.failing]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Mentor Coach evaluation</title>"
        f"<style>{_CSS}</style></head><body><h1>Mentor Coach evaluation</h1>"
        + "".join(body)
        + "</body></html>\n"
    )


def write_reports(report: EvalReport, folder: Path) -> list[Path]:
    """Write report.html, report.md and report.json into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    outputs = {
        "report.html": to_html(report),
        "report.md": to_markdown(report),
        "report.json": report.model_dump_json(indent=2),
    }
    for name, text in outputs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in outputs]
