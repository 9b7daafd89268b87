"""A real, throwaway PostgreSQL server for the tests, from Debian's ``postgresql`` package.

``make test`` installs the package when it is missing (``make postgres``). The server gets its
own data folder, a free port on 127.0.0.1 and its socket in that folder, with fsync off (nothing
in it needs to survive a crash); it is stopped and deleted afterwards. PostgreSQL refuses to run
as root, so as root the folder is handed to the package's ``postgres`` user and the binaries run
as that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import free_port

SUPERUSER = "coach"


def server_binaries() -> Path:
    """The folder with initdb and pg_ctl (the newest installed major version)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        pytest.fail("PostgreSQL is not installed: run 'make postgres' (apt-get install postgresql)")
    return found[-1].parent


def _runner() -> list[str]:
    """How to run the server's binaries: directly, or as 'postgres' when we are root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return ["runuser", "-u", "postgres", "--"]


def _run(command: list[str], log: Path | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        tail = log.read_text()[-2000:] if log and log.exists() else ""
        pytest.fail(f"{command[-1]} failed: {done.stdout}{done.stderr}{tail}")


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a server and yield its SQLAlchemy URL (database ``coach``). Its folder is in the
    system's temporary folder: pytest's own is private to root, out of the postgres user's reach."""
    binaries, runner = server_binaries(), _runner()
    folder = Path(tempfile.mkdtemp(prefix="coach-postgres-"))
    data, log = folder / "data", folder / "server.log"
    if runner:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    pg_ctl = [*runner, str(binaries / "pg_ctl"), "-D", str(data)]
    try:
        _run(
            [*runner, str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER]
            + ["--auth=trust", "--encoding=UTF8", "--no-sync"]
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c fsync=off -k {folder}"
        _run([*pg_ctl, "-w", "-t", "60", "-l", str(log), "-o", options, "start"], log)
        _run(
            [*runner, str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port)]
            + ["-U", SUPERUSER, "coach"]
        )
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/coach"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """Another empty database on the server of ``url``; its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        engine.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"
