"""Signing in to the web app of 'coach serve': our own form and sessions, not Gradio's.

Gradio 6.31.0's ``auth=`` keeps its tokens in one process's memory (another server of the
program does not know them; ``coach users remove`` and ``reset-password`` cannot end them), sets
its cookie ``SameSite=None``, checks the password on the event loop with no limit on tries, and
signs out with a GET. Here a session is a row of the shared database (only its digest), its
cookie is ``HttpOnly``, ``SameSite=Lax`` and ``Secure`` over HTTPS; wrong passwords are limited
per address and per user name before any hashing, and Argon2 runs in a one-thread pool beside
the event loop, so a burst of guesses slows nobody else. Gradio asks ``WebSignIn.gradio_user``
who is calling (its ``auth_dependency``), on every request of the mounted app.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from importlib import resources
from string import Template
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.coach import Coach
from assistant.errors import CoachError
from assistant.server.errors import ApiError
from assistant.server.throttle import RateLimits

log = logging.getLogger(__name__)

COOKIE = "mentor_coach_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIGN_IN_NICENESS = 10
MAX_PASSWORD_CHARS = 1024  # longer is never a password of ours: refused without hashing
_EXPORT = re.compile(r"conversation-([0-9a-f]{8,64})\.md")
_LEADS_ONLY = frozenset({"ratings.csv"})


def _template(name: str) -> Template:
    return Template(resources.files("assistant.server").joinpath("data", name).read_text("utf-8"))


_PAGE = _template("signin.html")
_SIGN_IN = _template("signin_form.html")
_SIGN_OUT = _template("signout_form.html")


def page(
    title: str, body: str, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return HTMLResponse(
        _PAGE.substitute(title=html.escape(title), body=body), status, headers=headers
    )


def sign_in_page(
    message: str = "", status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    shown = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    return page("Sign in", _SIGN_IN.substitute(message=shown), status, headers)


def cross_site(headers: Headers) -> bool:
    """Whether a browser sent this request from a page of another site or origin (a sibling
    subdomain included): ``Sec-Fetch-Site`` where the browser sends it, else an ``Origin`` that
    is not the host the request was sent to. A client that is not a browser sends neither."""
    site = headers.get("sec-fetch-site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = headers.get("origin")
    if origin is None:
        return False
    served = {headers.get("host"), headers.get("x-forwarded-host")} - {None}
    return urlsplit(origin).netloc not in served


def _yield_cpu() -> None:
    """Lower this thread's CPU priority (Linux applies ``setpriority`` per thread; elsewhere
    nothing changes)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), SIGN_IN_NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: checks run at normal priority
        log.debug("sign-in checks run at normal priority")


class WebSignIn:
    """The sign-in form, the sessions behind the cookie and the checks of every web request."""

    def __init__(self, coach: Coach, limits: RateLimits, path: str) -> None:
        self.coach = coach
        self.limits = limits
        self.path = path
        self.lifetime = timedelta(hours=coach.settings.web_session_hours)
        # One password check at a time, beside the event loop and FastAPI's threadpool, at a
        # lower CPU priority than answering.
        self._checks = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="sign-in", initializer=_yield_cpu
        )

    def user(self, cookie: str | None) -> str | None:
        """The signed-in name for a session cookie (None: no, expired or ended session)."""
        if not cookie:
            return None
        user = self.coach.accounts.user_for_session(cookie)
        return user.name if user else None

    async def gradio_user(self, request: Request) -> str | None:
        """Gradio's ``auth_dependency``: who calls, after refusing a write from another site
        and counting the person's requests against the rate limit."""
        writes = request.method not in SAFE_METHODS
        if writes and cross_site(request.headers):
            raise HTTPException(403, "Refused: this request came from another site.")
        name = await run_in_threadpool(self.user, request.cookies.get(COOKIE))
        if name and writes:
            try:
                self.limits.hit_web_user(name)
            except ApiError as exc:
                raise HTTPException(429, exc.message, headers=exc.headers) from None
        return name

    def _check(self, address: str, name: str, password: str) -> str | None:
        """A new session's cookie for a right password; None for a wrong one (counted)."""
        self.limits.may_sign_in(address, name)
        user = None
        if len(password) <= MAX_PASSWORD_CHARS:
            user = self.coach.accounts.authenticate(name, password)
        if user is None:
            self.limits.failed_sign_in(address, name)
            return None
        return self.coach.accounts.start_session(user.name, self.lifetime)

    def router(self) -> APIRouter:
        """The form and sign-out; included before the Gradio app is mounted, so these routes
        answer instead of Gradio's own ``login`` and ``logout``."""
        router = APIRouter(prefix=self.path, include_in_schema=False)

        @router.get("/login")
        def sign_in_form() -> Response:
            return sign_in_page()

        @router.post("/login")
        async def sign_in(
            request: Request,
            username: Annotated[str, Form(max_length=256)] = "",
            password: Annotated[str, Form(max_length=MAX_PASSWORD_CHARS * 4)] = "",
        ) -> Response:
            if cross_site(request.headers):
                return sign_in_page("Sign in from this site's own page.", 403)
            address = request.client.host if request.client else "unknown"
            loop = asyncio.get_running_loop()
            try:
                token = await loop.run_in_executor(
                    self._checks, self._check, address, username.strip(), password
                )
            except ApiError as exc:
                return sign_in_page(exc.message, exc.status, exc.headers)
            if token is None:
                return sign_in_page("Wrong user name or password.", 401)
            response = RedirectResponse(f"{self.path}/", 303)
            response.set_cookie(
                COOKIE,
                token,
                max_age=int(self.lifetime.total_seconds()),
                path=self.path,
                httponly=True,
                secure=request.url.scheme == "https",
                samesite="lax",
            )
            return response

        @router.get("/logout")
        def sign_out_form() -> Response:
            """Signing out changes state, so it takes a POST; a GET only offers the button."""
            return page("Sign out", _SIGN_OUT.substitute())

        @router.post("/logout")
        def sign_out(request: Request) -> Response:
            if cross_site(request.headers):
                return page("Sign out", _SIGN_OUT.substitute(), 403)
            if token := request.cookies.get(COOKIE):
                self.coach.accounts.end_session(token)
            response = RedirectResponse(f"{self.path}/login", 303)
            response.delete_cookie(COOKIE, path=self.path)
            return response

        return router


class WebGuard:
    """ASGI middleware in front of the mounted app: the page sends a browser that is not signed
    in to the form, and a conversation's export is served to its owner only, and only while the
    conversation exists (Gradio serves any file of its cache to anyone signed in who has the
    path; a deleted conversation's copy may still be there)."""

    def __init__(self, app: ASGIApp, sign_in: WebSignIn) -> None:
        self.app = app
        self.sign_in = sign_in
        # Gradio 6.31.0 serves its cache at both ``file=PATH`` and the older ``file/PATH``.
        self.file_routes = (f"{sign_in.path}/gradio_api/file=", f"{sign_in.path}/gradio_api/file/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        base = self.sign_in.path
        if path in (base, f"{base}/"):
            if path == base or await self._name(scope) is None:
                target = f"{base}/" if path == base else f"{base}/login"
                await RedirectResponse(target, 303)(scope, receive, send)
                return
        elif (served := self._served_file(path)) and not await self._may_read(scope, served):
            await Response("Not found.", 404)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _name(self, scope: Scope) -> str | None:
        cookie = Request(scope).cookies.get(COOKIE)
        return await run_in_threadpool(self.sign_in.user, cookie)

    def _served_file(self, path: str) -> str | None:
        """The name of the file a file route would serve, as Gradio finds it: the path after
        the route (decoded once, by Starlette), made absolute (``x/..``, ``/.`` and a trailing
        slash resolved away)."""
        for route in self.file_routes:
            if path.startswith(route):
                return os.path.basename(os.path.abspath(path[len(route) :]))
        return None

    async def _may_read(self, scope: Scope, name: str) -> bool:
        export = _EXPORT.fullmatch(name)
        if export is None and name not in _LEADS_ONLY:
            return True  # Gradio's own checks apply (its cache only, signed in)
        user = await self._name(scope)
        if user is None:
            return False
        coach = self.sign_in.coach
        if export is None:
            account = await run_in_threadpool(coach.accounts.get, user)
            return account.role == "program-lead"
        try:
            await run_in_threadpool(coach.session_info, export.group(1), user)
        except CoachError:  # "not found" for a missing conversation and another's alike
            return False
        return True
