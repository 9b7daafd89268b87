"""REST: agendas, feedback, messages and agreements, each item citing its best practice.

The bodies are the drafting request models themselves, so the API validates exactly as the CLI
and the UI do; ``?backend=`` chooses the engine (the configured one by default; another only for
the roles of COACH_BACKEND_CHOICE_ROLES, which the Coach checks).
"""

from __future__ import annotations

from fastapi import APIRouter

from assistant.backends import Backend
from assistant.drafting import models as drafts
from assistant.server.auth import CoachDep, UserDep

router = APIRouter(prefix="/v1/drafts", tags=["drafts"])


@router.post("/agenda")
def agenda(
    body: drafts.AgendaRequest, coach: CoachDep, user: UserDep, backend: Backend | None = None
) -> drafts.Agenda:
    return coach.agenda(body, backend, user=user.name)


@router.post("/feedback")
def feedback(
    body: drafts.FeedbackRequest, coach: CoachDep, user: UserDep, backend: Backend | None = None
) -> drafts.FeedbackDraft:
    return coach.feedback(body, backend, user=user.name)


@router.post("/message")
def message(
    body: drafts.MessageRequest, coach: CoachDep, user: UserDep, backend: Backend | None = None
) -> drafts.MessageDraft:
    return coach.message(body, backend, user=user.name)


@router.post("/agreement")
def agreement(
    body: drafts.AgreementRequest, coach: CoachDep, user: UserDep, backend: Backend | None = None
) -> drafts.AgreementDraft:
    return coach.agreement(body, backend, user=user.name)
