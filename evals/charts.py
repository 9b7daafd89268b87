"""Charts for the HTML report: matplotlib on the Agg canvas, rendered as inline SVG text.

Text is drawn as paths (``svg.fonttype = path``), so the SVG needs no fonts; ids are salted with a
fixed value, so the same run gives the same SVG.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from evals.results import EvalRun

_METADATA = ("Creator", "Date", "Format", "Type")  # left out: no timestamps, no outside URIs
COVERAGE_BINS = [0.0, 0.25, 0.5, 0.75, 1.0001]
COVERAGE_BIN_LABELS = ["< 25%", "25-50%", "50-75%", "75-100%"]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def to_svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element (no XML prolog), for inlining in HTML."""
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "mentor-coach"}):
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=dict.fromkeys(_METADATA))
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def _bar_groups(axes, labels: list[str], series: dict[str, list[float]]) -> None:
    """Horizontal grouped bars: one group per label, one bar per series."""
    height = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series.items()):
        positions = [row + index * height for row in range(len(labels))]
        axes.barh(positions, values, height=height, label=name)
    axes.set_yticks([row + 0.4 - height / 2 for row in range(len(labels))], labels)
    axes.invert_yaxis()
    if len(series) > 1:
        axes.legend(loc="lower right", fontsize="small")


def topic_chart(runs: list[EvalRun], metric: str, title: str) -> str:
    """Per-topic bars of one metric (a missing value draws as 0)."""
    topics = sorted({topic for run in runs for topic in run.by_topic})
    series = {
        run.config.label: [getattr(run.by_topic.get(t), metric, None) or 0.0 for t in topics]
        for run in runs
    }
    figure = _figure(7, 0.3 * len(topics) * max(1, len(runs) / 2) + 1.2)
    axes = figure.add_subplot()
    _bar_groups(axes, topics, series)
    axes.set_xlim(0, 1)
    axes.set_title(title)
    return to_svg(figure)


def coverage_chart(runs: list[EvalRun]) -> str:
    """How many cases fall in each band of key-point coverage."""
    import numpy as np

    series = {}
    for run in runs:
        values = [case.coverage for case in run.cases if case.coverage is not None]
        series[run.config.label] = np.histogram(values, bins=COVERAGE_BINS)[0].tolist()
    figure = _figure(7, 2.8)
    axes = figure.add_subplot()
    _bar_groups(axes, COVERAGE_BIN_LABELS, series)
    axes.set_xlabel("cases")
    axes.set_title("Key-point coverage per case")
    return to_svg(figure)


def latency_chart(runs: list[EvalRun]) -> str:
    """Distribution of per-question latency for each configuration."""
    figure = _figure(7, 0.6 * len(runs) + 1.4)
    axes = figure.add_subplot()
    data = [[case.latency_ms for case in run.cases if case.error is None] or [0.0] for run in runs]
    axes.boxplot(data, orientation="horizontal", tick_labels=[r.config.label for r in runs])
    axes.set_xlabel("milliseconds per question")
    axes.set_title("Latency")
    return to_svg(figure)


def all_charts(runs: list[EvalRun]) -> list[str]:
    """Every chart of a report, in the order the report and the UI show them."""
    return [
        topic_chart(runs, "coverage", "Key-point coverage by topic"),
        topic_chart(runs, "hit_at_k", "Retrieval hit@k by topic"),
        coverage_chart(runs),
        latency_chart(runs),
    ]
