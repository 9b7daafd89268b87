"""Services to attack: a real `coach serve` (FastAPI + the mounted web app on uvicorn, in a
thread of the test process) with a program lead, two mentees and a mentor, and web clients that
sign in with the form and call the app's events the way the browser does (Gradio's queue over
HTTP); and the API alone through FastAPI's TestClient, with a key per account."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

PASSWORDS = {
    "ann": "ann-password",
    "amy": "amy-password",
    "ben": "ben-password",
    "lee": "lee-password",
}
ROLES = {"ann": "mentee", "amy": "mentee", "ben": "mentor", "lee": "program-lead"}


@dataclass
class Served:
    url: str
    coach: Any
    home: Path
    keys: dict[str, str] = field(default_factory=dict)

    def web(self, name: str, **headers: str) -> WebClient:
        """A browser-like client signed in as ``name`` through the form."""
        client = WebClient(self.url, headers)
        reply = client.sign_in(name, PASSWORDS[name])
        assert reply.status_code == 303, reply.text
        return client


class WebClient:
    """Cookies kept like a browser's; events called through Gradio's queue like the page."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.http = httpx.Client(base_url=url, headers=headers or {}, timeout=120)
        self.session = uuid.uuid4().hex[:10]  # one open page: its components' state is kept
        self._config: dict[str, Any] | None = None

    def sign_in(self, name: str, password: str) -> httpx.Response:
        return self.http.post("/ui/login", data={"username": name, "password": password})

    def config(self) -> dict[str, Any]:
        if self._config is None:
            reply = self.http.get("/ui/config")
            reply.raise_for_status()
            self._config = reply.json()
        return self._config

    def fn_index(self, api_name: str) -> int:
        (index,) = [d["id"] for d in self.config()["dependencies"] if d["api_name"] == api_name]
        return int(index)

    def join(self, api_name: str, data: list[Any], **headers: str) -> httpx.Response:
        """Queue one event of the open page as the page does."""
        return self.http.post(
            "/ui/gradio_api/queue/join",
            json={
                "data": data,
                "fn_index": self.fn_index(api_name),
                "session_hash": self.session,
                "event_data": None,
                "trigger_id": None,
            },
            headers=headers,
        )

    def event(self, api_name: str, data: list[Any]) -> dict[str, Any]:
        """Run an event to its end; Gradio's last message (``success`` and ``output``)."""
        reply = self.join(api_name, data)
        reply.raise_for_status()
        event = reply.json()["event_id"]
        with self.http.stream(
            "GET", "/ui/gradio_api/queue/data", params={"session_hash": self.session}
        ) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    done = message.get("msg") == "process_completed"
                    if done and message.get("event_id") == event:
                        return dict(message)
        raise AssertionError("the event never completed")


@pytest.fixture(scope="module")
def served_with(built_home, tmp_path_factory) -> Iterator[Callable[..., Served]]:
    """Start a server over a copy of the built index with the four accounts (settings may be
    changed: ``served_with(rate_limit="5/minute")``); every server stops after the module."""
    from assistant import Coach
    from evals.bench_server import running_server

    running = ExitStack()

    def start(**settings: Any) -> Served:
        home = tmp_path_factory.mktemp("served") / "home"
        shutil.copytree(built_home, home)
        coach = Coach.open(home=home, **settings)
        for name, role in ROLES.items():
            coach.accounts.add(name, role, PASSWORDS[name])
        keys = {name: coach.accounts.issue_key(name) for name in ROLES}
        url = running.enter_context(running_server(coach, with_ui=True))
        return Served(url, coach, home, keys)

    with running:
        yield start


@pytest.fixture(scope="module")
def served(served_with) -> Served:
    return served_with()


@dataclass
class ApiService:
    """The API alone (no web app), through FastAPI's TestClient; a key for each account."""

    client: Any
    coach: Any
    keys: dict[str, str]
    home: Path

    def headers(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[name]}"}


@contextmanager
def api_service(
    built_home: Path,
    folder: Path,
    roles: dict[str, str],
    kind: type[ApiService] = ApiService,
    database_url: str | None = None,
) -> Iterator[Any]:
    """A served copy of the built index in ``folder`` with an account (password
    ``<name>-password``) and key for each of ``roles`` (name → role); ``kind`` adds a test
    module's own helpers."""
    from fastapi.testclient import TestClient

    from assistant import Coach
    from assistant.server.app import create_app

    home = folder / "home"
    shutil.copytree(built_home, home)
    coach = Coach.open(home=home, database_url=database_url)
    keys = {}
    for name, role in roles.items():
        coach.accounts.add(name, role, f"{name}-password")
        keys[name] = coach.accounts.issue_key(name)
    with TestClient(create_app(coach, with_ui=False)) as client:
        yield kind(client, coach, keys, home)
    coach.database.close()
