"""A real, throwaway PostgreSQL server for the tests, from Debian's ``postgresql`` package.

The database code is tested against the server it runs on in production, not an imitation.
``make test`` installs the package when it is missing (``make postgres``); the binaries are found
through ``pg_config --bindir``, else the newest ``/usr/lib/postgresql/*/bin``.

Each server gets its own data folder, a free port on 127.0.0.1 (``tests.servers.free_port``) and
its Unix socket in that folder, with fsync off (nothing in it needs to survive a crash); it is
stopped and its folder deleted afterwards, also when the test fails. One server serves a whole
session: a test that needs isolation gets a fresh database on it (``fresh_database``).

PostgreSQL refuses to run as root, so as root the folder is handed to the package's ``postgres``
user (created as a system user if missing) and the binaries run as that user through ``runuser``.
That user must be able to reach the folder: pytest's ``tmp_path`` lies under a folder only root may
enter, so by default the folder is made in the system's temporary folder instead.
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
from typing import NoReturn

import pytest

from tests.servers import free_port

SUPERUSER = "coach"
DATABASE = "coach"
START_TIMEOUT_S = 60
INSTALL_HINT = "run 'make postgres' (apt-get install postgresql)"


def _version(bindir: Path) -> tuple[int, ...]:
    """The major version in ``/usr/lib/postgresql/<version>/bin``, for sorting."""
    try:
        return tuple(int(part) for part in bindir.parent.name.split("."))
    except ValueError:
        return (0,)


def server_binaries() -> Path:
    """The folder with initdb and pg_ctl: ``pg_config --bindir``, else the newest Debian one."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=30)
        bindir = Path(done.stdout.strip())
        if done.returncode == 0 and (bindir / "initdb").is_file():
            return bindir
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb") if p.is_file()]
    if not found:
        pytest.fail(f"PostgreSQL server binaries (initdb) not found: {INSTALL_HINT}")
    return max(found, key=_version)


def _runner() -> list[str]:
    """The prefix that runs the server's binaries: none, or ``runuser -u postgres --`` as root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"],
            check=True,
            capture_output=True,
        )
    return ["runuser", "-u", "postgres", "--"]


def _run(command: list[str], log: Path | None = None, timeout: float = 120) -> None:
    """Run one of the server's commands; fail the test with its output and the log's tail."""
    name = next(Path(part).name for part in command if "/" in part)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        output, failed = "", f"timed out after {timeout:.0f} s"
    else:
        if done.returncode == 0:
            return
        output, failed = f"{done.stdout}{done.stderr}", f"exited with {done.returncode}"
    _fail(f"{name} {failed}", output, log)


def _fail(what: str, output: str, log: Path | None) -> NoReturn:
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    pytest.fail(f"PostgreSQL: {what}\n{output.strip()}\n{tail.strip()}".strip())


def _stop(pg_ctl: list[str], data: Path) -> None:
    """Stop the server if it runs: fast shutdown, else immediate."""
    if not (data / "postmaster.pid").exists():
        return
    for mode in ("fast", "immediate"):
        try:
            done = subprocess.run(
                [*pg_ctl, "-m", mode, "-w", "-t", "30", "stop"], capture_output=True, timeout=60
            )
        except subprocess.TimeoutExpired:
            continue
        if done.returncode == 0:
            return


def _start(pg_ctl: list[str], folder: Path, log: Path) -> int:
    """Start the server on a free port and return it; a port taken meanwhile is tried again."""
    for attempt in range(3):
        port = free_port()
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c fsync=off"
        options += f" -c unix_socket_directories={folder}"
        start = [*pg_ctl, "-w", "-t", str(START_TIMEOUT_S), "-l", str(log), "-o", options, "start"]
        done = subprocess.run(start, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30)
        if done.returncode == 0:
            return port
        taken = log.exists() and "Address already in use" in log.read_text(errors="replace")
        if not taken or attempt == 2:
            _fail(f"pg_ctl start exited with {done.returncode}", done.stdout + done.stderr, log)
        log.unlink()
    raise AssertionError("unreachable")


@contextmanager
def running_postgres(base: Path | None = None) -> Iterator[str]:
    """Start a server and yield its SQLAlchemy URL (database ``coach``, user ``coach``).

    Its folder is made in ``base`` (default: the system's temporary folder); as root, ``base``
    must be reachable by the ``postgres`` user, which pytest's ``tmp_path`` is not.
    """
    binaries, runner = server_binaries(), _runner()
    if base is not None:
        base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="coach-postgres-", dir=base))
    data, log = folder / "data", folder / "server.log"
    pg_ctl = [*runner, str(binaries / "pg_ctl"), "-D", str(data)]
    try:
        if runner:
            shutil.chown(folder, "postgres", "postgres")
            reachable = subprocess.run([*runner, "test", "-w", str(folder)], capture_output=True)
            if reachable.returncode != 0:
                pytest.fail(f"PostgreSQL: the postgres user cannot reach {folder}; leave base out")
        _run(
            [*runner, str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER]
            + ["--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]
        )
        port = _start(pg_ctl, folder, log)
        _run(
            [*runner, str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port)]
            + ["-U", SUPERUSER, DATABASE],
            log,
        )
        yield f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        _stop(pg_ctl, data)
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(url: str, name: str) -> str:
    """Create another empty database ``name`` on the server of ``url``; return its URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            quoted = connection.dialect.identifier_preparer.quote_identifier(name)
            connection.exec_driver_sql(f"CREATE DATABASE {quoted}")
    finally:
        engine.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"
