"""Turning loose fields (CLI options, UI inputs) into a validated draft request."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assistant.errors import InputError

RequestModel = TypeVar("RequestModel", bound=BaseModel)


# How to fix bad fields, said where the request came from (the CLI and the web app say it
# their own way).
FIX_FIELDS = "Correct the values named, then try again."


def build_request(
    model: type[RequestModel], /, how_to_fix: str = FIX_FIELDS, **fields: Any
) -> RequestModel:
    """The request model, or an InputError that names each bad field and why."""
    try:
        return model(**fields)
    except ValidationError as exc:
        raise InputError(
            "Invalid input: " + "; ".join(_describe(error) for error in exc.errors()) + ".",
            how_to_fix,
        ) from None


def _describe(error: Any) -> str:
    field = ".".join(str(part) for part in error["loc"]) or "input"
    ctx = error.get("ctx", {})
    if error["type"] == "string_too_short" and ctx.get("min_length") == 1:
        return f"{field} must not be empty"
    if error["type"] == "too_short" and ctx.get("min_length") == 1:
        return f"give at least one {field.rstrip('s')}"
    given = error.get("input")
    shown = f" (got {given!r})" if isinstance(given, int | float | str) else ""
    return f"{field}: {error['msg'][:1].lower()}{error['msg'][1:]}{shown}"
