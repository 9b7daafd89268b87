"""Grade answers written elsewhere (by people or another system) against the knowledge base.

Input: a CSV or JSONL file with ``question`` and ``answer`` and optionally ``role``, ``case_id``
(a dataset case, whose key points are then used) and ``key_points`` (JSON list, or regexes
separated by ``;`` in a CSV cell). Output per answer: groundedness against passages retrieved for
the question and answer, key-point coverage where points are known, and an explanation: missing
points, unsupported sentences and the knowledge passages that would support a better answer.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, ValidationError, computed_field, field_validator

from assistant.errors import InputError
from assistant.models import Role, heading_path
from evals.dataset import EvalCase, normalize_key_points
from evals.keypoints import coverage, describe, regex_covered
from evals.metrics import mean
from evals.support import SupportScorer, check_grounding

if TYPE_CHECKING:
    from assistant.coach import Coach

REQUIRED_COLUMNS = ("question", "answer")
_ALIASES = {"case": "case_id", "id": "case_id", "keypoints": "key_points", "points": "key_points"}
_SNIFF_BYTES = 8192


class AnswerToGrade(BaseModel):
    """One row of the input file."""

    row: int
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    role: Role = "mentee"
    case_id: str | None = None
    key_points: list[list[str]] | None = None

    @field_validator("key_points", mode="before")
    @classmethod
    def _parse_points(cls, value: object) -> list[list[str]] | None:
        """A JSON list, or regexes separated by ';' (from a CSV cell); empty means unknown."""
        if isinstance(value, str):
            text = value.strip()
            points = [p.strip() for p in text.split(";") if p.strip()]
            value = json.loads(text) if text.startswith("[") else points
        return normalize_key_points(value) if value else None


def _column(name: str) -> str:
    key = re.sub(r"[\s-]+", "_", name.strip().lower())
    return _ALIASES.get(key, key)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.") from None
    except OSError as exc:
        raise InputError(f"Cannot read {path} ({exc}).") from None
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(f"{path} is a binary file.", "Give a UTF-8 CSV or JSONL file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text.", "Save it as UTF-8 CSV or JSONL.") from None
    if not text.strip():
        raise InputError(f"{path} is empty.", "Give one answer per row or line.")
    return text


def _csv_rows(text: str, path: Path) -> list[dict[str, object]]:
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [_column(name) for name in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputError(
                f"{path} lacks the column(s) {', '.join(missing)}.",
                f"Found: {', '.join(header) or 'none'}; need question and answer.",
            )
        reader.fieldnames = header
        return [dict(row) for row in reader]
    except csv.Error as exc:
        raise InputError(f"{path} is not valid CSV ({exc}).") from None


def _jsonl_rows(text: str, path: Path) -> list[dict[str, object]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path} line {number} is not JSON ({exc.msg}).") from None
        if not isinstance(item, dict):
            raise InputError(f"{path} line {number} is not a JSON object.")
        rows.append({_column(key): value for key, value in item.items()})
    return rows


def read_answers(path: str | Path) -> list[AnswerToGrade]:
    """Parse and validate a CSV or JSONL file of answers; every problem is an InputError."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise InputError(
            f"{path} is not a .csv or .jsonl file.", "Export the answers as CSV/JSONL."
        )
    text = _read_text(path)
    rows = _csv_rows(text, path) if suffix == ".csv" else _jsonl_rows(text, path)
    if not rows:
        raise InputError(f"{path} has no answers.", "Give one answer per row or line.")
    answers = []
    for number, row in enumerate(rows, start=1):
        fields = {k: v for k, v in row.items() if k in AnswerToGrade.model_fields and v != ""}
        missing = [c for c in REQUIRED_COLUMNS if not str(fields.get(c) or "").strip()]
        if missing:
            raise InputError(f"{path} row {number} has no {' or '.join(missing)}.")
        try:
            answers.append(AnswerToGrade.model_validate({**fields, "row": number}))
        except ValidationError as exc:
            reason = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
            raise InputError(f"{path} row {number} is invalid ({reason}).") from None
    return answers


class Suggestion(BaseModel):
    """A knowledge passage that would support a better answer, and the missing points it makes."""

    doc_id: str
    title: str
    section: str
    chunk_id: str
    covers: list[str] = Field(default_factory=list)


class GradedAnswer(BaseModel):
    """Scores and explanation for one written answer."""

    row: int
    question: str
    role: str
    case_id: str | None = None
    groundedness: float | None = None
    unsupported: list[str] = Field(default_factory=list)
    coverage: float | None = None
    key_points_found: list[str] = Field(default_factory=list)
    key_points_missing: list[str] = Field(default_factory=list)
    suggestions: list[Suggestion] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def explanation(self) -> list[str]:
        """What to fix, one line each (empty when there is nothing to say)."""
        lines = []
        if self.key_points_missing:
            lines.append("Missing key points: " + "; ".join(self.key_points_missing) + ".")
        lines += [f'Not supported by the knowledge base: "{s}"' for s in self.unsupported]
        for s in self.suggestions:
            place = heading_path(s.title, s.section)
            covers = f" (covers: {'; '.join(s.covers)})" if s.covers else ""
            lines.append(f"Would support a better answer: {place} [{s.doc_id}]{covers}")
        return lines


class GradeReport(BaseModel):
    """Every graded answer and the means."""

    file: str
    answers: list[GradedAnswer]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def groundedness(self) -> float | None:
        return mean(a.groundedness for a in self.answers)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def coverage(self) -> float | None:
        return mean(a.coverage for a in self.answers)


def _points_for(item: AnswerToGrade, cases: dict[str, EvalCase]) -> list[list[str]]:
    if item.key_points is not None:
        return item.key_points
    if item.case_id is None:
        return []
    if item.case_id not in cases:
        raise InputError(f"Row {item.row}: no case '{item.case_id}' in the dataset.")
    return cases[item.case_id].key_points


def grade_answer(
    coach: Coach,
    item: AnswerToGrade,
    cases: dict[str, EvalCase],
    scorer: SupportScorer,
    suggestions: int = 3,
) -> GradedAnswer:
    """Groundedness, coverage and an explanation for one answer."""
    passages = coach.search(f"{item.question}\n{item.answer}", role=item.role)
    grounding = check_grounding(scorer, item.answer, [p.text for p in passages], {})
    points = _points_for(item, cases)
    covered = coverage(item.answer, points) if points else None
    missing_points = [p for p in points if not regex_covered(item.answer, p)]
    found = coach.search(
        item.question, k=3 * suggestions, role=item.role, exclude_topics=frozenset({"safety"})
    )
    # Every section of the best-matching document is a candidate too: the section that makes a
    # missing point is often not among the few passages closest to the question.
    best_document = coach.passages(coach.index.find(found[0].doc_id).chunk_ids) if found else []
    candidates = {chunk.id: chunk for chunk in [*found, *best_document]}.values()
    better = [
        Suggestion(
            **chunk.model_dump(include={"doc_id", "title", "section"}),
            chunk_id=chunk.id,
            covers=[describe(p) for p in missing_points if regex_covered(chunk.text, p)],
        )
        for chunk in candidates
    ]
    # Passages that make a missing point first, then the best-ranked others.
    better = sorted(better, key=lambda s: -len(s.covers))[:suggestions]
    return GradedAnswer(
        row=item.row,
        question=item.question,
        role=item.role,
        case_id=item.case_id,
        groundedness=grounding.groundedness,
        unsupported=grounding.unsupported,
        coverage=covered.share if covered else None,
        key_points_found=covered.found if covered else [],
        key_points_missing=covered.missing if covered else [],
        suggestions=better,
    )


def grade_answers(
    coach: Coach, items: list[AnswerToGrade], cases: list[EvalCase], source: str
) -> GradeReport:
    """Grade every answer read from ``source`` (key points of case ids come from ``cases``)."""
    by_id = {case.id: case for case in cases}
    scorer = SupportScorer(coach.embeddings.encode)
    return GradeReport(
        file=source, answers=[grade_answer(coach, item, by_id, scorer) for item in items]
    )
