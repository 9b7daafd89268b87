"""REST for program leads: run an evaluation on a shipped dataset, read saved runs, export
ratings (anonymous unless names are asked for; then only users who agreed are named)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel

from assistant.backends import Backend
from assistant.config import RetrievalMode
from assistant.server.auth import CoachDep, LeadDep
from assistant.server.errors import ApiError
from evals.dataset import DATASETS
from evals.evaluate import evaluate
from evals.history import load_run, saved_runs

router = APIRouter(prefix="/v1", tags=["program leads"])

_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


class EvalRequest(BaseModel):
    """A shipped dataset by name (never a path on the server) under one configuration."""

    dataset: str = "dev"
    backend: Backend | None = None
    retrieval: RetrievalMode | None = None


def _shipped(name: str) -> str:
    names = sorted(path.stem for path in DATASETS.glob("*.yaml"))
    if name not in names:
        raise ApiError(400, f"Unknown dataset '{name[:60]}'; use one of {', '.join(names)}.")
    return name


def _summary(run: Any) -> dict[str, Any]:
    return {
        "id": run.id,
        "created_at": run.created_at,
        "config": run.config.model_dump(mode="json"),
        "overall": run.overall.model_dump(mode="json"),
    }


@router.post("/evals")
def run_evaluation(body: EvalRequest, coach: CoachDep, _lead: LeadDep) -> dict[str, Any]:
    """Run every case of the dataset (synchronously: minutes for the larger sets) and save it."""
    report = evaluate(
        coach,
        _shipped(body.dataset),
        [body.backend] if body.backend else None,
        [body.retrieval] if body.retrieval else None,
    )
    return _summary(report.runs[0])


@router.get("/evals")
def list_evaluations(coach: CoachDep, _lead: LeadDep) -> list[dict[str, Any]]:
    """Saved runs, newest first."""
    return [_summary(run) for run in saved_runs(coach.settings.home)]


@router.get("/evals/{run_id}")
def evaluation(run_id: str, coach: CoachDep, _lead: LeadDep) -> dict[str, Any]:
    """One saved run with every case's result."""
    if not _RUN_ID.fullmatch(run_id):
        raise ApiError(404, f"No saved evaluation run '{run_id[:60]}'.", "not_found")
    result: dict[str, Any] = load_run(coach.settings.home, run_id).model_dump(mode="json")
    return result


@router.get("/ratings/export", response_class=PlainTextResponse)
def export_ratings(coach: CoachDep, _lead: LeadDep, names: bool = False) -> PlainTextResponse:
    """Every rating as CSV; ``names=true`` names the users who agreed (no one else)."""
    return PlainTextResponse(
        coach.ratings_csv(names=names),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ratings.csv"'},
    )
