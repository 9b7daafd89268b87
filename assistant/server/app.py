"""The FastAPI app of 'coach serve': the routers over one injected Coach, the limits, the
error shape, and the Gradio UI mounted at /ui with sign-in."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse

from assistant import __version__
from assistant.coach import Coach
from assistant.server import (
    conversations,
    drafts,
    errors,
    evaluations,
    knowledge,
    openai_api,
    program,
    record,
)
from assistant.server.auth import CoachDep
from assistant.server.throttle import BodyLimit, RateLimits, SafeHeaders
from assistant.server.web_auth import WebGuard, WebSignIn

log = logging.getLogger(__name__)

UI_PATH = "/ui"


def create_app(coach: Coach, *, with_ui: bool = True) -> FastAPI:
    """One app per server process; every request shares ``coach`` (thread-safe)."""
    app = FastAPI(
        title="Mentor Coach",
        version=__version__,
        summary="Grounded, cited coaching for mentorship programs; OpenAI-compatible chat.",
        # FastAPI's docs pages load their scripts from a CDN: offline, only the schema is served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.coach = coach
    settings = coach.settings
    app.state.rate_limits = RateLimits(
        settings.rate_limit, settings.rate_limit_storage, settings.signin_limit
    )
    errors.install(app)
    for module in (openai_api, knowledge, drafts, conversations, evaluations, program, record):
        app.include_router(module.router)

    @app.get("/health", tags=["service"])
    def health(coach: CoachDep) -> dict[str, Any]:
        """For load balancers: no key needed, nothing private in it."""
        index = "ok" if not coach.live.broken else "broken"
        try:
            coach.accounts.exist()
            database = "ok"
        except Exception:  # reported, not raised: the check must answer
            log.exception("health: the database cannot be read")
            database = "unavailable"
        ok = index == database == "ok"
        return {"status": "ok" if ok else "degraded", "index": index, "database": database}

    if with_ui:
        from ui.app import mount

        sign_in = WebSignIn(coach, app.state.rate_limits, UI_PATH)
        app.include_router(sign_in.router())  # before the mount: these answer, not Gradio's
        mount(app, coach, sign_in.gradio_user, path=UI_PATH)
        app.add_middleware(WebGuard, sign_in=sign_in)

        @app.get("/", include_in_schema=False)
        def home() -> RedirectResponse:
            return RedirectResponse(f"{UI_PATH}/")

    # Starlette's CORS middleware on this app is also what makes Gradio 6.31.0 drop its own,
    # which answers any Origin with credentials when the Host is not localhost: only the
    # configured origins may call, and never with cookies.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        allow_credentials=False,
    )
    app.add_middleware(SafeHeaders)
    app.add_middleware(BodyLimit, limit=coach.settings.request_limit_bytes)
    return app
