"""Limits: requests per API key (the ``limits`` library, moving window) and request body size.

The count lives in ``COACH_RATE_LIMIT_STORAGE``: ``memory://`` counts per server process;
``redis://host:6379`` (any storage ``limits`` knows) shares it between servers.
"""

from __future__ import annotations

import hashlib
import json
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.errors import CoachError
from assistant.server.errors import ApiError

# Failed sign-ins from one address (a key being guessed) are limited too, whatever the key.
FAILED_AUTH_LIMIT = "60/minute"


class RateLimits:
    """Counts each key's (and each signed-in web user's) requests and failed sign-ins; a count
    over its limit raises a 429."""

    def __init__(self, rate: str, storage_uri: str, signin: str = "5/minute") -> None:
        self.items: list[RateLimitItem] = parse_many(rate)
        self.failures: list[RateLimitItem] = parse_many(FAILED_AUTH_LIMIT)
        self.signins: list[RateLimitItem] = parse_many(signin)
        try:
            self.storage = storage_from_string(storage_uri)
        except Exception as exc:  # an unknown scheme, a missing driver (redis, ...)
            raise CoachError(
                f"Cannot use '{storage_uri}' for rate limits ({exc}).",
                "Set COACH_RATE_LIMIT_STORAGE to memory:// or a storage 'limits' supports "
                "(redis://host:6379).",
            ) from exc
        self.limiter = MovingWindowRateLimiter(self.storage)

    @staticmethod
    def _identity(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()[:32]  # no key kept, not even in redis

    def hit(self, key: str) -> None:
        """Count one request of this key."""
        self._hit(self.items, "key", self._identity(key), "for each API key")

    def failed(self, address: str) -> None:
        """Count one request with a missing or wrong key from this address."""
        self._hit(self.failures, "failed-auth", address, "for failed sign-ins")

    def hit_web_user(self, name: str) -> None:
        """Count one request of a signed-in person of the web app (the same rate as a key)."""
        self._hit(self.items, "web-user", name, "for each person")

    def may_sign_in(self, address: str, name: str) -> None:
        """Refuse, before any password is checked, an address or a user name that has used up
        its wrong passwords: a guesser costs no hashing once over the limit."""
        for kind, who in (("signin-address", address), ("signin-name", name.lower())):
            for item in self.signins:
                if not self.limiter.test(item, kind, who):
                    self._refuse(item, kind, who, "for wrong passwords")

    def failed_sign_in(self, address: str, name: str) -> None:
        """Count one wrong password against the address and the user name."""
        for kind, who in (("signin-address", address), ("signin-name", name.lower())):
            for item in self.signins:
                self.limiter.hit(item, kind, who)

    def _hit(self, items: list[RateLimitItem], kind: str, who: str, scope: str) -> None:
        for item in items:
            if not self.limiter.hit(item, kind, who):
                self._refuse(item, kind, who, scope)

    def _refuse(self, item: RateLimitItem, kind: str, who: str, scope: str) -> None:
        reset, _remaining = self.limiter.get_window_stats(item, kind, who)
        wait = max(1, math.ceil(reset - time.time()))
        raise ApiError(
            429,
            f"Too many requests: the limit is {item} {scope}. Retry in {wait} s.",
            "rate_limit_exceeded",
            {"Retry-After": str(wait)},
        )


class _BodyTooLarge(HTTPException):
    """Raised while reading: FastAPI passes HTTPExceptions through, so it becomes a 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is over the {_mb(limit)} limit.")


def _mb(limit: int) -> str:
    return f"{limit / 1024 / 1024:g} MB"


class BodyLimit:
    """ASGI middleware: a request whose Content-Length is over ``limit`` bytes is answered 413
    before anything is read; a body without a length is counted while it is read."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._refuse(send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge(self.limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _BodyTooLarge:
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "error": {
                    "message": f"The request body is over the {_mb(self.limit)} limit.",
                    "type": "invalid_request_error",
                    "code": "request_too_large",
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


_ALWAYS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"same-origin"),
)


class SafeHeaders:
    """ASGI middleware: no response is sniffed as another type (a JSON text that holds HTML
    stays JSON), no page is shown inside another site's frame (clickjacking), no address is
    sent to other sites, and API answers are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith("/v1/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {name.lower() for name, _ in headers}
                for name, value in _ALWAYS:
                    if name not in names:
                        headers.append((name, value))
                if api and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
