"""Reports: terminal, JSON, Markdown and a self-contained, escaped HTML page with charts."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from evals.history import compare_runs
from evals.report import EvalReport, print_terminal, to_html, to_markdown, write_reports
from tests.test_eval_history import make_case, make_run

pytestmark = pytest.mark.unit

HOSTILE_QUESTION = '<script>alert("q")</script> what | now?'
HOSTILE_ANSWER = "<img src=x onerror=alert(1)> Try this."


@pytest.fixture(scope="module")
def report() -> EvalReport:
    hostile = make_case(
        "hostile",
        0.0,
        hit=0.0,
        question=HOSTILE_QUESTION,
        answer=HOSTILE_ANSWER,
        topic="<b>topic</b>",
        key_points_missing=["<i>point</i>"],
        unsupported=["<u>claim</u>"],
        sources=["[1] <Title> (doc)"],
    )
    baseline = make_run([make_case("a", 1.0), make_case("hostile", 1.0)], minutes=-5)
    dense = make_run([make_case("a", 1.0, latency=80.0), hostile], retrieval="dense")
    hybrid = make_run([make_case("a", 0.25, latency=120.0), make_case("hostile", 1.0)])
    return EvalReport(runs=[dense, hybrid], comparisons=[compare_runs(hybrid, baseline)])


def test_html_is_self_contained_with_inline_svg_charts(report):
    page = to_html(report)
    assert page.count("<svg") == 4  # coverage by topic, hit@k by topic, coverage bands, latency
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert all(ref.startswith("#") for ref in re.findall(r'(?:href|src)="([^"]*)"', page))
    assert set(re.findall(r"https?://[^\"' <]+", page)) <= {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xlink",
    }
    assert "composer/dense" in page and "composer/hybrid" in page


def test_html_escapes_every_user_string(report):
    page = to_html(report)
    for raw in ("<img", "<b>topic", "<i>point", "<u>claim", "<Title>", 'alert("q")'):
        assert raw not in page
    assert "&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt; what | now?" in page
    assert "&lt;img src=x onerror=alert(1)&gt; Try this." in page
    assert "&lt;i&gt;point&lt;/i&gt;" in page and "&lt;u&gt;claim&lt;/u&gt;" in page


def test_markdown_has_the_tables_and_failing_cases(report):
    text = to_markdown(report)
    assert "| metric | composer/dense | composer/hybrid |" in text
    assert "| hit@k | 0.500 | 1.000 |" in text
    assert "| key-point coverage | 0.500 | 0.625 |" in text
    assert "| &lt;b&gt;topic&lt;/b&gt; | 1 |" in text
    assert "| composer/dense hit@k |" in text  # multi-line headers flattened
    assert "## Failing cases — composer/dense (1)" in text
    assert '**Question:** &lt;script&gt;alert("q")&lt;/script&gt; what | now?' in text
    assert "**Missing key points:**\n- &lt;i&gt;point&lt;/i&gt;" in text
    assert "> &lt;img src=x onerror=alert(1)&gt; Try this." in text
    assert "<" not in text  # no raw HTML from user strings
    assert "| case a | passed | fails |  | REGRESSION |" in text


def test_terminal_tables_flag_regressions(report):
    console = Console(record=True, width=250)
    print_terminal(report, console)
    text = console.export_text()
    assert "key-point coverage" in text and "latency p95 (ms)" in text
    assert "REGRESSION" in text
    assert "composer/dense: 1 failing cases" in text
    assert "hostile: no relevant document retrieved; key-point coverage 0.00" in text


def test_write_reports_json_round_trips(report, tmp_path):
    paths = write_reports(report, tmp_path / "out")
    assert [p.name for p in paths] == ["report.html", "report.md", "report.json"]
    assert EvalReport.model_validate_json(paths[2].read_text()) == report


def test_the_safety_routes_table_shows_why_each_case_was_routed():
    """A program lead reviewing a false escalation sees the part, the category and the score."""
    from assistant.models import Route
    from evals.report import sections

    false_alarm = Route(
        category="conduct",
        part="my mentor has been ghosting me",
        part_kind="sentence",
        score=0.81,
        reason="sentence scored 0.81 for conduct (threshold 0.55)",
    )
    cases = [
        make_case("ordinary", 1.0, route=Route(category="in_scope", part="q", score=0.9)),
        make_case("false-alarm", 0.0, mode="escalation", route=false_alarm),
        make_case(
            "near",
            1.0,
            notice=True,
            route=Route(category="in_scope", part="q", score=0.6, caution="crisis"),
        ),
    ]
    (table,) = [s for s in sections(EvalReport(runs=[make_run(cases)])) if "Safety" in s.title]
    assert [row[0] for row in table.rows] == ["false-alarm", "near"]
    assert table.rows[0][1:] == [
        "answer",
        "escalation",
        "MISS",
        "conduct",
        "0.81",
        "classifier (sentence)",
        "my mentor has been ghosting me",
    ]
    assert table.rows[1][2] == "answer + notice" and table.rows[1][4] == "in_scope (near crisis)"
    assert "my mentor has been ghosting me" in to_markdown(EvalReport(runs=[make_run(cases)]))


def test_the_html_report_explains_every_metric_it_shows(report):
    """Each metric row of the Overall table has a plain-words entry in the report's glossary."""
    from html import escape

    from evals.glossary import glossary

    page = to_html(report)
    assert "What the numbers mean" in page
    overall = page.split("<h2>Overall</h2>")[1].split("</table>")[0]
    for metric in glossary().values():
        if f"<td>{metric.label}</td>" in overall:
            assert f"<dt>{escape(metric.label)}</dt><dd>{escape(metric.means)}</dd>" in page
    assert "<dt>MRR</dt>" in page and "reciprocal rank" in page


def test_a_glossary_entry_for_no_metric_is_refused(tmp_path):
    from assistant.data_files import load_data_file
    from assistant.errors import DataFileError
    from evals.glossary import Glossary

    path = tmp_path / "metrics.yaml"
    path.write_text("metrics:\n  hit_at_one:\n    label: hit@1\n    means: A typo.\n")
    with pytest.raises(DataFileError, match="hit_at_one"):
        load_data_file(path, Glossary)
