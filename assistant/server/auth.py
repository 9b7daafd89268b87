"""Who is calling: ``Authorization: Bearer <key>`` → the key's user; roles; the services.

Every API route needs a live key (``coach users add NAME --role ROLE --key``); a missing, wrong
or revoked key is the same 401, so a response never says whether a key ever existed. Program
leads alone change the knowledge, run evaluations and export ratings.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.accounts import User
from assistant.coach import Coach
from assistant.server.errors import ApiError
from assistant.server.throttle import RateLimits

UNAUTHORIZED = "Missing or invalid API key: send 'Authorization: Bearer <key>'."


def get_coach(request: Request) -> Coach:
    """The Coach the app was made with (one per server, shared by every request)."""
    coach: Coach = request.app.state.coach
    return coach


def get_limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def get_user(
    request: Request,
    coach: Annotated[Coach, Depends(get_coach)],
    limits: Annotated[RateLimits, Depends(get_limits)],
) -> User:
    """The caller (sync: the key lookup is a database query, run in the threadpool), counted
    against their key's rate limit."""
    key = _bearer(request)
    user = coach.accounts.user_for_key(key) if key else None
    if user is None:
        limits.failed(request.client.host if request.client else "unknown")
        raise ApiError(401, UNAUTHORIZED, "invalid_api_key", {"WWW-Authenticate": "Bearer"})
    assert key is not None
    limits.hit(key)
    return user


def require_lead(user: Annotated[User, Depends(get_user)]) -> User:
    """The caller, who must be a program lead."""
    if user.role != "program-lead":
        raise ApiError(
            403,
            f"Only a program lead may do this (you are signed in as a {user.role}).",
            "permission_denied",
        )
    return user


CoachDep = Annotated[Coach, Depends(get_coach)]
UserDep = Annotated[User, Depends(get_user)]
LeadDep = Annotated[User, Depends(require_lead)]
