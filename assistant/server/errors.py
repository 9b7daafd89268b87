"""Every error as JSON in the OpenAI error shape, one line, never a traceback.

``{"error": {"message": "...", "type": "invalid_request_error", "code": "..."}}``. A
``CoachError`` keeps its message and hint (written for users); another user's conversation is
"not found" exactly like a missing one; anything unexpected is "internal error", logged here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.backends import BackendError
from assistant.errors import (
    CoachError,
    DataFileError,
    IndexBusyError,
    IndexUnavailableError,
    InputError,
    NotPermittedError,
    StoreDamagedError,
)
from assistant.text.unicode import printable

log = logging.getLogger(__name__)

# OpenAI's error types, by status.
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    503: "service_unavailable",
}
# A user error that says something does not exist (or is not the caller's): 404.
_NOT_FOUND = re.compile(
    r"^No (conversation|document|saved evaluation run|user|mentorship|goal|meeting|action) '"
)
_MAX_MESSAGE_CHARS = 500


class ApiError(Exception):
    """An error with its HTTP status, raised by the routes."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})


def one_line(text: str) -> str:
    """Whitespace runs (newlines too) as one space, cut to a readable length; a quoted
    surrogate shown as U+FFFD, so the JSON of the error can always be written."""
    line = " ".join(printable(str(text)).split())
    return line if len(line) <= _MAX_MESSAGE_CHARS else line[: _MAX_MESSAGE_CHARS - 1] + "…"


def error_response(
    status: int,
    message: str,
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = {
        "error": {
            "message": one_line(message),
            "type": ERROR_TYPES.get(status, "invalid_request_error"),
            "code": code,
        }
    }
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def coach_error_status(exc: CoachError) -> tuple[int, str | None, str]:
    """(status, code, message) for an error the library raised."""
    if isinstance(exc, NotPermittedError):
        return 403, "not_permitted", str(exc)
    if isinstance(exc, InputError):
        if _NOT_FOUND.match(exc.message):
            return 404, "not_found", exc.message  # the hint names a CLI command: left out
        return 400, None, str(exc)
    if isinstance(exc, (StoreDamagedError, IndexUnavailableError, DataFileError)):
        # Written for whoever runs the server (file paths): logged, not shown.
        log.error("%s: %s", type(exc).__name__, exc)
        return 503, "unavailable", "The service cannot read its data right now; see the log."
    if isinstance(exc, IndexBusyError):
        return 503, "busy", str(exc)
    if isinstance(exc, BackendError):
        return 503, "backend_unavailable", str(exc)
    return 400, None, str(exc)


def validation_message(exc: RequestValidationError) -> tuple[int, str]:
    """The first problem of a request as one readable line (malformed JSON: 400, else 422)."""
    errors = list(exc.errors())
    if not errors:
        return 422, "The request is not valid."
    first = errors[0]
    if first.get("type") == "json_invalid":
        detail = (first.get("ctx") or {}).get("error", "")
        return 400, f"The body is not valid JSON ({detail})." if detail else "Malformed JSON."
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = str(first.get("msg", "invalid"))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return 422, f"{where}: {message}{more}" if where else f"{message}{more}"


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into the JSON shape above."""

    @app.exception_handler(ApiError)
    async def _api(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.code, exc.headers)

    @app.exception_handler(CoachError)
    async def _coach(_request: Request, exc: CoachError) -> JSONResponse:
        status, code, message = coach_error_status(exc)
        return error_response(status, message, code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = validation_message(exc)
        return error_response(status, message, "invalid_json" if status == 400 else "invalid")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        messages = {404: "Not found.", 405: "Method not allowed."}
        message = exc.detail if isinstance(exc.detail, str) else messages.get(exc.status_code, "")
        return error_response(
            exc.status_code, message or "Request failed.", None, getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error", "internal_error")
