"""The throwaway PostgreSQL of the tests is real, isolated per database, and gone afterwards."""

from __future__ import annotations

import socket
from urllib.parse import urlparse

import pytest

from tests.postgres import fresh_database, running_postgres

pytestmark = pytest.mark.integration


def test_the_server_is_real_and_each_fresh_database_is_separate(postgres_url):
    import sqlalchemy as sa

    first = sa.create_engine(fresh_database(postgres_url, "separate_a"))
    second = sa.create_engine(fresh_database(postgres_url, "separate_b"))
    with first.begin() as connection:
        assert "PostgreSQL" in connection.exec_driver_sql("select version()").scalar()
        connection.exec_driver_sql("create table only_here (x int)")
    assert sa.inspect(first).has_table("only_here")
    assert not sa.inspect(second).has_table("only_here")
    first.dispose()
    second.dispose()


def test_a_server_is_stopped_and_its_folder_removed_on_exit():
    with running_postgres() as url:
        port = urlparse(url.replace("postgresql+psycopg", "http")).port
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
