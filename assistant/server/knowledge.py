"""REST: search the knowledge, list documents; program leads upload, approve and remove them."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, UploadFile
from pydantic import BaseModel, Field

from assistant.config import RetrievalMode
from assistant.ingest.loaders import SUPPORTED_SUFFIXES
from assistant.models import DocumentInfo, RetrievedChunk, Role
from assistant.server.auth import CoachDep, LeadDep, UserDep
from assistant.server.errors import ApiError
from assistant.text.invisible import strip_invisible

router = APIRouter(prefix="/v1", tags=["knowledge"])

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class ApproveRequest(BaseModel):
    # A held section's path or chunk id (see the document's ``held``); none approves them all.
    section: str | None = Field(default=None, max_length=500)


class SearchRequest(BaseModel):
    query: str = Field(min_length=1, max_length=2000)
    k: int | None = Field(default=None, ge=1, le=50)
    mode: RetrievalMode | None = None
    role: Role | None = None


def safe_upload_name(name: str | None) -> str:
    """The file name only (no folders, no '..', no dot-file), in plain characters: an upload
    can only ever land inside COACH_HOME/documents under a name a person can read (a
    right-to-left override or zero-width character is dropped, not turned into a dash)."""
    base = Path(strip_invisible(name or "").replace("\\", "/")).name
    cleaned = _UNSAFE.sub("-", base).strip(" .-")
    stem, suffix = Path(cleaned).stem, Path(cleaned).suffix.lower()
    if not stem or suffix not in SUPPORTED_SUFFIXES:
        raise ApiError(
            415,
            f"'{base[:80]}' is not a supported document; upload one of "
            f"{', '.join(SUPPORTED_SUFFIXES)}.",
            "unsupported_file_type",
        )
    return f"{stem[:100]}{suffix}"


@router.post("/search")
def search(body: SearchRequest, coach: CoachDep, _user: UserDep) -> list[RetrievedChunk]:
    """The passages retrieval finds for a query, best first, with their scores."""
    return coach.search(body.query, k=body.k, mode=body.mode, role=body.role)


@router.get("/documents")
def documents(coach: CoachDep, _user: UserDep) -> list[DocumentInfo]:
    """Every indexed document (built-in guides first), each with its sections held back at
    ingest (``held``: section, text and reason) until a program lead approves them."""
    return coach.documents()


@router.post("/documents", status_code=201)
def upload(file: UploadFile, coach: CoachDep, _lead: LeadDep) -> dict[str, Any]:
    """Add or update a document (program leads); a copy is kept in COACH_HOME/documents
    (one that fails is not). The report's ``held`` lists sections held back for approval."""
    name = safe_upload_name(file.filename)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(file.file.read())
        report = coach.ingest([path], keep_copy=True)
    if report.failed:
        raise ApiError(400, report.failed[0].error, "ingest_failed")
    return report.model_dump(mode="json")


@router.post("/documents/{doc_id}/approve")
def approve(
    doc_id: str, coach: CoachDep, _lead: LeadDep, body: ApproveRequest | None = None
) -> DocumentInfo:
    """Approve a document's held sections (program leads): they are indexed and cited."""
    if not any(document.doc_id == doc_id for document in coach.documents()):
        raise ApiError(404, f"No document '{doc_id}'.", "not_found")
    return coach.approve(doc_id, body.section if body else None)


@router.delete("/documents/{doc_id}")
def remove(doc_id: str, coach: CoachDep, _lead: LeadDep) -> DocumentInfo:
    """Remove a document by id (program leads)."""
    if not any(document.doc_id == doc_id for document in coach.documents()):
        raise ApiError(404, f"No document '{doc_id}'.", "not_found")
    return coach.remove(doc_id)
