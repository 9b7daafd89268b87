"""The throwaway PostgreSQL of the tests is real, isolated per database, and gone afterwards."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.postgres import fresh_database, running_postgres

pytestmark = pytest.mark.integration


def _port(url: str) -> int:
    port = sa.make_url(url).port
    assert port is not None
    return port


@pytest.fixture
def reachable_folder() -> Iterator[Path]:
    """An empty folder the ``postgres`` user can enter (pytest's ``tmp_path`` is not, as root)."""
    folder = Path(tempfile.mkdtemp(prefix="coach-postgres-test-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_server_is_a_real_postgresql_reached_through_psycopg(postgres_url):
    engine = sa.create_engine(postgres_url)
    try:
        assert engine.dialect.driver == "psycopg"
        with engine.connect() as connection:
            version = connection.execute(sa.text("select version()")).scalar_one()
            database = connection.execute(sa.text("select current_database()")).scalar_one()
    finally:
        engine.dispose()
    assert version.startswith("PostgreSQL ")
    assert database == "coach"


def test_each_fresh_database_is_separate(postgres_url, postgres_database):
    other = fresh_database(postgres_url, "separate_other")
    first, second = sa.create_engine(postgres_database), sa.create_engine(other)
    try:
        with first.begin() as connection:
            connection.execute(sa.text("create table only_here (x int)"))
            connection.execute(sa.text("insert into only_here values (1)"))
        assert sa.inspect(first).has_table("only_here")
        assert not sa.inspect(second).has_table("only_here")
        assert sa.inspect(second).get_table_names() == []
    finally:
        first.dispose()
        second.dispose()


def test_a_server_is_stopped_and_its_folder_removed_on_exit(reachable_folder):
    with running_postgres(reachable_folder) as url:
        port = _port(url)
        (server_folder,) = reachable_folder.iterdir()
        assert (server_folder / "data" / "postmaster.pid").exists()
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert not server_folder.exists()
    assert list(reachable_folder.iterdir()) == []


def test_a_server_is_stopped_and_removed_when_the_block_fails(reachable_folder):
    with (
        pytest.raises(RuntimeError, match="the test failed"),
        running_postgres(reachable_folder) as url,
    ):
        port = _port(url)
        raise RuntimeError("the test failed")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert list(reachable_folder.iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the folder to the postgres user")
def test_as_root_a_folder_the_postgres_user_cannot_reach_fails_clearly(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="cannot reach"), running_postgres(tmp_path):
        pass
    assert list(tmp_path.iterdir()) == []
