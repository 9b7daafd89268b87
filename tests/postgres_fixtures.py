"""Pytest plugin: one real PostgreSQL server for the session (started when a test first asks for
it), and an empty database of its own for each test that needs one.

The server's folder is in the system's temporary folder, not ``tmp_path_factory``'s: as root the
server runs as the ``postgres`` user, who cannot enter pytest's root-only temporary folder
(``tests/postgres.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.postgres import fresh_database, running_postgres


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The SQLAlchemy URL of the session's server (database ``coach``)."""
    with running_postgres() as url:
        yield url


@pytest.fixture
def postgres_database(postgres_url: str) -> str:
    """The URL of a new, empty database on the session's server, for this test alone."""
    return fresh_database(postgres_url, f"test_{uuid.uuid4().hex[:12]}")
