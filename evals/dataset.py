"""Evaluation cases: a question, who asks it, what should be retrieved and said, and the mode."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import InputError
from assistant.models import AnswerMode, Role
from assistant.resources import package_folder

DATASETS = package_folder("evals", "datasets")
DEFAULT_DATASET = DATASETS / "dev.yaml"


def compile_key_point(alternatives: list[str]) -> list[re.Pattern[str]]:
    """A key point's alternative regexes, compiled case-insensitively."""
    return [re.compile(pattern, re.IGNORECASE) for pattern in alternatives]


def normalize_key_points(value: object) -> list[list[str]]:
    """Key points as lists of regexes (a bare string is a one-regex point), or ValueError."""
    if not isinstance(value, list):
        raise ValueError("key_points must be a list")
    points = [[item] if isinstance(item, str) else item for item in value]
    for alternatives in points:
        if not (isinstance(alternatives, list) and alternatives):
            raise ValueError("each key point is a regex or a non-empty list of regexes")
        if not all(isinstance(pattern, str) for pattern in alternatives):
            raise ValueError(f"key point {alternatives} has a value that is not a regex string")
        try:
            compile_key_point(alternatives)
        except re.error as exc:
            raise ValueError(f"invalid regex in {alternatives}: {exc}") from None
    return points


class EvalCase(BaseModel):
    """One labelled question of an evaluation set."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    role: Role = "mentee"
    topic: str = "general"
    relevant: list[str] = Field(default_factory=list)
    key_points: list[list[str]] = Field(default_factory=list)
    expect: AnswerMode = "answer"

    _key_points = field_validator("key_points", mode="before")(normalize_key_points)


def _parse_cases(raw: object, path: Path) -> list[EvalCase]:
    if isinstance(raw, dict) and "cases" in raw:
        raw = raw["cases"]
    if not isinstance(raw, list) or not raw:
        raise InputError(
            f"{path} holds no evaluation cases.", "Write a YAML list of cases (see dev.yaml)."
        )
    cases: list[EvalCase] = []
    for number, item in enumerate(raw, start=1):
        label = item.get("id", f"#{number}") if isinstance(item, dict) else f"#{number}"
        if not isinstance(item, dict):
            raise InputError(f"{path}: case {label} is not a mapping of fields.")
        try:
            cases.append(EvalCase(**item))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc']) or 'case'}: {error['msg']}"
                for error in exc.errors()
            )
            raise InputError(f"{path}: case {label} is invalid ({problems}).") from None
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise InputError(f"{path}: case id '{case.id}' is used twice.")
        seen.add(case.id)
    return cases


def resolve_dataset(path: str | Path) -> Path:
    """A dataset file: the path itself, or a shipped set by name ('dev', 'heldout', 'safety')."""
    given = Path(path).expanduser()
    shipped = DATASETS / f"{path}.yaml"
    return shipped if not given.is_file() and shipped.is_file() else given


def load_dataset(path: str | Path = DEFAULT_DATASET) -> list[EvalCase]:
    """Read and validate a YAML dataset; every problem is an InputError naming the case."""
    path = resolve_dataset(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        shipped = ", ".join(sorted(p.stem for p in DATASETS.glob("*.yaml")))
        raise InputError(
            f"Dataset {path} not found.", f"Pass --dataset PATH, or one of: {shipped}."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read dataset {path} ({exc}).") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{path} is not valid YAML ({exc}).".replace("\n", " ")) from None
    return _parse_cases(raw, path)
