"""The metrics' names and plain-words meanings, from ``data/metrics.yaml``: one place for both,
so a table's header and the glossary beside it never disagree."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import field_validator

from assistant.data_files import DataModel, Text, load_data_file
from evals.results import Summary

METRICS_FILE = Path(__file__).parent / "data" / "metrics.yaml"


class Metric(DataModel):
    label: Text
    means: Text


class Glossary(DataModel):
    metrics: dict[str, Metric]

    @field_validator("metrics")
    @classmethod
    def _summary_fields(cls, metrics: dict[str, Metric]) -> dict[str, Metric]:
        unknown = sorted(set(metrics) - set(Summary.model_fields))
        if unknown:
            raise ValueError(f"no run summary has {', '.join(unknown)}")
        return metrics


@cache
def glossary() -> dict[str, Metric]:
    """Every metric by its key, in the order the reports show them."""
    return load_data_file(METRICS_FILE, Glossary).metrics


def labels() -> dict[str, str]:
    """Each metric's short name in report tables."""
    return {key: metric.label for key, metric in glossary().items()}


def entries() -> list[tuple[str, str]]:
    """(name, meaning) of every metric, for a glossary."""
    return [(metric.label, metric.means) for metric in glossary().values()]
