"""'coach serve': the HTTP service for a whole program (OpenAI-compatible API, REST, the UI).

A front end like the CLI: it imports the library, the UI and the evals; nothing imports it but
the CLI.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from assistant.errors import CoachError

if TYPE_CHECKING:
    from assistant.coach import Coach


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_accounts(coach: Coach, host: str) -> None:
    """A server others can reach needs accounts: refuse to open one without any."""
    if not is_loopback(host) and not coach.accounts.exist():
        raise CoachError(
            f"Refusing to serve on {host} without accounts: anyone on the network could use it.",
            "Add a user first ('coach users add NAME --role program-lead --key'), "
            "or serve on 127.0.0.1.",
        )


def serve(coach: Coach, host: str, port: int, *, with_ui: bool = True) -> None:
    """Serve until Ctrl+C (uvicorn; answers run in its threadpool)."""
    import uvicorn

    from assistant.server.app import create_app

    require_accounts(coach, host)
    uvicorn.run(create_app(coach, with_ui=with_ui), host=host, port=port, log_level="info")
