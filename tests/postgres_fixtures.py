"""Fixtures: one PostgreSQL server for the session (started when a test first asks for it),
and an empty database of its own for each test that needs one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.postgres import fresh_database, running_postgres


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with running_postgres() as url:
        yield url


@pytest.fixture
def postgres_database(postgres_url: str) -> str:
    return fresh_database(postgres_url, f"test_{uuid.uuid4().hex[:12]}")
