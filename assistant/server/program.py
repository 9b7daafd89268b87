"""REST: what the program tells its people, whoever asks: the contacts every escalation names."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.answering.contacts import ProgramContacts
from assistant.server.auth import CoachDep, UserDep

router = APIRouter(prefix="/v1", tags=["program"])


@router.get("/contacts")
def contacts(coach: CoachDep, user: UserDep) -> ProgramContacts:
    """The program's contacts (its lead, HR, ethics line, assistance program, crisis line,
    emergency number); an empty field is not given, and escalations use the built-in wording."""
    return coach.contacts_file.current()
