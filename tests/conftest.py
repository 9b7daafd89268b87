"""Shared fixtures, the test tiers and the no-outbound-network guard for the whole suite.

Every test is in exactly one tier (markers declared in pyproject.toml), and collection fails
naming any test that is not:

- ``unit``: pure logic, in seconds: no embedding model (``tests/fakes.py`` has a deterministic
  stand-in), no Chroma index built, no browser, no server, no subprocess.
- ``integration``: the real model and index (``coach``/``built_home``), servers, subprocesses,
  the LLM backends.
- ``browser``: Playwright against the live app.

pytest-socket (configured in pyproject: ``--allow-hosts=127.0.0.1,localhost,::1``) blocks every
connection to any other host. Libraries may swallow that error (telemetry threads do), so this file
also records every attempt to reach a non-loopback address and fails the session if there was one.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from tests.servers import free_port, wait_for_port

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# A real PostgreSQL from Debian's package, started on a free port when a test first needs it.
pytest_plugins = ["tests.postgres_fixtures", "tests.security.served"]

REPO = Path(__file__).resolve().parent.parent
# The ONNX export of the model (made once, by the first test that embeds) lives with the tests.
os.environ.setdefault("COACH_CACHE_DIR", str(REPO / "test-artifacts" / "cache"))
KNOWLEDGE = REPO / "knowledge"
OUTBOUND_ATTEMPTS: list[str] = []
_LOCAL_NAMES = {"localhost", "", None}


def _is_local(host: object) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


def _recording_connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
        OUTBOUND_ATTEMPTS.append(f"connect {address}")
    return _real_connect(self, address)


def _recording_getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        OUTBOUND_ATTEMPTS.append(f"resolve {host}")
        raise socket.gaierror(f"tests forbid resolving {host}")
    return _real_getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _recording_connect  # type: ignore[method-assign]
socket.getaddrinfo = _recording_getaddrinfo


TIERS = ("unit", "integration", "browser")


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects: an unmarked test fails every run
def pytest_collection_modifyitems(config, items):
    wrong = []
    for item in items:
        tiers = sorted({mark.name for mark in item.iter_markers() if mark.name in TIERS})
        if len(tiers) != 1:
            wrong.append(f"{item.nodeid} ({', '.join(tiers) or 'no tier'})")
    if wrong:
        raise pytest.UsageError(
            "Every test needs exactly one of the markers "
            + ", ".join(TIERS)
            + " (a module's pytestmark or the test's own):\n  "
            + "\n  ".join(wrong)
        )


@pytest.fixture(autouse=True)
def _unit_tests_use_no_model(request, monkeypatch):
    """A unit test that reaches the real embedding model fails, naming the stand-in to use."""
    if request.node.get_closest_marker("unit") is None:
        return

    def refuse(*args, **kwargs):
        raise AssertionError(
            "a unit test reached the embedding model: use tests.fakes.FakeEmbeddings, "
            "or mark the test integration"
        )

    from assistant.index import embeddings

    monkeypatch.setattr(embeddings.PackagedEmbeddings, "_model", refuse)


def pytest_sessionfinish(session, exitstatus):
    if OUTBOUND_ATTEMPTS:
        print("\nOutbound network attempts during the tests:\n  " + "\n  ".join(OUTBOUND_ATTEMPTS))
        session.exitstatus = 1


@pytest.fixture(scope="session")
def built_home(tmp_path_factory) -> Path:
    """A COACH_HOME with the full knowledge base indexed once for the session (read-only use)."""
    from assistant import Coach

    home = tmp_path_factory.mktemp("built-home")
    Coach.open(home=home)
    return home


@pytest.fixture(scope="session")
def coach(built_home):
    """A Coach over the full knowledge base; tests must not modify its index."""
    from assistant import Coach

    return Coach.open(home=built_home)


@pytest.fixture
def home_copy(built_home, tmp_path) -> Path:
    """A private copy of the full index's data folder, free to modify."""
    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    return home


@pytest.fixture
def coach_copy(built_home, tmp_path):
    """A Coach over a private copy of the full index, free to modify."""
    from assistant import Coach

    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    return Coach.open(home=home)


@pytest.fixture
def small_knowledge(tmp_path) -> Path:
    """A tiny knowledge folder of three documents (fast to index)."""
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for name in ("stalled-mentorship", "smart-goals", "giving-feedback-as-a-mentor"):
        shutil.copy(KNOWLEDGE / f"{name}.md", folder / f"{name}.md")
    return folder


@pytest.fixture
def small_coach(tmp_path, small_knowledge):
    """A Coach over the tiny knowledge folder in its own home."""
    from assistant import Coach

    return Coach.open(home=tmp_path / "home", knowledge_dir=small_knowledge)


@pytest.fixture
def fake_backend(monkeypatch):
    """Registers a fake chat model under a backend's name (a remote LLM API cannot run here).

    ``fake_backend("openai", model)`` makes every use of that backend talk to ``model``."""
    from assistant import backends

    def register(name: str, model) -> None:
        spec = backends.BACKENDS[name]
        monkeypatch.setitem(backends.BACKENDS, name, replace(spec, make=lambda settings: model))

    return register


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` server on a free 127.0.0.1 port, stopped after the test."""
    chroma = Path(sys.executable).with_name("chroma")
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    process = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server-data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    wait_for_port(port, process, 60, "chroma server")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)
