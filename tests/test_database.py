"""The shared database on SQLite and on a real PostgreSQL: accounts, private conversations,
anonymous rating exports, migrations, readable errors, and the import of an earlier release's files.

Each test runs on both databases (the SQLite case is a unit test: a file, no server).
"""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.accounts import Accounts
from assistant.database import Database, open_database
from assistant.errors import CoachError, InputError, StoreDamagedError
from assistant.models import Answer
from assistant.ratings import RatingStore
from assistant.sessions import SessionStore

BOTH = [
    pytest.param("sqlite", marks=pytest.mark.unit),
    pytest.param("postgres", marks=pytest.mark.integration),
]


@pytest.fixture(params=BOTH)
def url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'coach.sqlite3'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def database(url) -> Database:
    database = Database(url)
    yield database
    database.close()


@pytest.fixture
def accounts(database) -> Accounts:
    accounts = Accounts(database)
    accounts.add("ann", "mentee", "ann-password")
    accounts.add("ben", "mentor", "ben-password")
    accounts.add("lee", "program-lead", "lee-password", named_exports=True)
    return accounts


def _answer(question: str = "How do I restart a stalled mentorship?") -> Answer:
    return Answer(question=question, text="Book the next meeting now [1].")


def test_the_schema_is_at_the_newest_revision_and_reopening_changes_nothing(database, url):
    from alembic.script import ScriptDirectory

    from assistant.resources import package_folder

    head = ScriptDirectory(
        str(package_folder("assistant.database", "migrations"))
    ).get_current_head()
    assert database.revision() == head
    assert Database(url).revision() == head


def test_two_processes_opening_a_new_database_at_once_both_succeed(url):
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            Database(url).close()
        except BaseException as exc:  # noqa: BLE001 - any failure fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_passwords_are_hashed_and_checked(accounts, database):
    from sqlalchemy import select

    from assistant.database.tables import UserRow

    with database.session() as session:
        stored = session.scalar(select(UserRow.password_hash).where(UserRow.name == "ann"))
    assert "ann-password" not in stored and stored.startswith("$argon2")
    assert accounts.authenticate("ann", "ann-password").role == "mentee"
    assert accounts.authenticate("ann", "ben-password") is None
    assert accounts.authenticate("nobody", "ann-password") is None
    accounts.reset_password("ann", "a-new-password")
    assert accounts.authenticate("ann", "ann-password") is None
    assert accounts.authenticate("ann", "a-new-password").name == "ann"


@pytest.mark.parametrize(
    ("name", "role", "password", "says"),
    [
        ("ann", "mentee", "long-enough", "exists already"),
        ("../etc", "mentee", "long-enough", "cannot be a user name"),
        ("", "mentee", "long-enough", "cannot be a user name"),
        ("zoe", "boss", "long-enough", "Unknown role 'boss'"),
        ("zoe", "mentee", "short", "too short"),
    ],
)
def test_bad_accounts_are_refused_with_the_reason(accounts, name, role, password, says):
    with pytest.raises(InputError, match=says):
        accounts.add(name, role, password)
    assert [u.name for u in accounts.list()] == ["ann", "ben", "lee"]


def test_api_keys_name_their_user_until_revoked(accounts, database):
    first = accounts.issue_key("ann", "laptop")
    second = accounts.issue_key("ann", "phone")
    assert accounts.user_for_key(first).name == "ann"
    assert accounts.user_for_key(first + "x") is None
    assert accounts.user_for_key("not-a-key") is None
    assert {u.name: u.keys for u in accounts.list()} == {"ann": 2, "ben": 0, "lee": 0}
    assert accounts.revoke_keys("ann", prefix=first[:10]) == 1
    assert accounts.user_for_key(first) is None
    assert accounts.user_for_key(second).name == "ann"
    assert [k.revoked for k in accounts.keys("ann")] == [True, False]
    with database.engine.connect() as connection:  # only digests are stored
        stored = " ".join(str(row) for row in connection.exec_driver_sql("SELECT * FROM api_keys"))
    assert first not in stored and second not in stored


def test_nobody_reaches_another_users_conversation(accounts, database):
    sessions = SessionStore(database)
    mine = sessions.create("mentee", owner="ann")
    sessions.append(mine, "How do I restart a stalled mentorship?", _answer(), owner="ann")
    local = sessions.create("mentor")  # the one person of a single-user install
    assert [s.id for s in sessions.list("ann")] == [mine]
    assert [s.id for s in sessions.list(None)] == [local]
    assert sessions.list("ben") == []
    reaches = (
        lambda owner: sessions.turns(mine, owner),
        lambda owner: sessions.info(mine, owner),
        lambda owner: sessions.export_markdown(mine, owner),
        lambda owner: sessions.append(mine, "and now?", _answer("and now?"), owner),
        lambda owner: sessions.delete(mine, owner),
    )
    for owner in ("ben", None):
        for reach in reaches:
            with pytest.raises(InputError, match=f"No conversation '{mine}'"):
                reach(owner)
    turns = sessions.turns(mine, "ann")
    assert [t.speaker for t in turns] == ["user", "assistant"]
    assert turns[1].answer.text == "Book the next meeting now [1]."
    assert turns[0].created_at.tzinfo is not None
    assert sessions.info(mine, "ann").title == "How do I restart a stalled mentorship?"


def test_removing_a_user_removes_their_keys_and_conversations_but_not_their_ratings(
    accounts, database
):
    sessions, ratings = SessionStore(database), RatingStore(database)
    conversation = sessions.create("mentee", owner="ann")
    sessions.append(conversation, "Q?", _answer("Q?"), owner="ann")
    key = accounts.issue_key("ann")
    ratings.add(_answer(), "down", "too long", owner="ann")
    accounts.remove("ann")
    assert accounts.user_for_key(key) is None
    assert sessions.list("ann") == []
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM turns").scalar() == 0
    (kept,) = ratings.all(names=True)
    assert kept.comment == "too long" and kept.user == ""
    with pytest.raises(InputError, match="No user 'ann'"):
        accounts.remove("ann")


def test_rating_exports_are_anonymous_unless_the_lead_asks_and_the_user_agreed(accounts, database):
    ratings = RatingStore(database)
    ratings.add(_answer(), "up", "helpful", owner="ann")
    ratings.add(_answer(), "down", "=HYPERLINK(1)", owner="lee")
    ratings.add(_answer(), "up", "", owner=None)

    def users(names: bool) -> list[str]:
        return [row["user"] for row in csv.DictReader(io.StringIO(ratings.to_csv(names)))]

    assert users(names=False) == ["", "", ""]
    assert users(names=True) == ["", "lee", ""]  # ann did not agree
    accounts.set_named_exports("ann", True)
    assert users(names=True) == ["ann", "lee", ""]
    assert "'=HYPERLINK(1)" in ratings.to_csv()


@pytest.mark.unit
def test_a_damaged_sqlite_database_is_reported_and_left_as_it_was(tmp_path):
    path = tmp_path / "coach.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreDamagedError, match="damaged") as caught:
        Database(f"sqlite:///{path}")
    assert "mv" in caught.value.hint
    assert path.read_bytes() == b"this is not a database" * 100


@pytest.mark.unit
@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "not a database URL"),
        ("mysql://u@127.0.0.1/coach", "Unsupported database 'mysql'"),
    ],
)
def test_a_bad_database_url_is_a_readable_error(url, says):
    with pytest.raises(CoachError, match=says):
        Database(url)


@pytest.mark.integration
def test_an_unreachable_postgresql_is_a_readable_error_without_the_password():
    from tests.servers import free_port

    url = f"postgresql+psycopg://coach:s3cret@127.0.0.1:{free_port()}/coach?connect_timeout=2"
    with pytest.raises(CoachError, match="Cannot open the database") as caught:
        Database(url)
    assert "s3cret" not in str(caught.value)
    assert "COACH_DATABASE_URL" in caught.value.hint


# -- the files of release 0.2 and earlier ---------------------------------------------------

_OLD_SESSIONS = """
CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL, role TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE turns (session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL, speaker TEXT NOT NULL, content TEXT NOT NULL,
    answer_json TEXT, created_at TEXT NOT NULL, PRIMARY KEY (session_id, position));
INSERT INTO sessions VALUES ('s1', 'Stalled', 'mentee', '2026-01-02T10:00:00+00:00',
    '2026-01-02T10:05:00+00:00');
INSERT INTO turns VALUES ('s1', 0, 'user', 'My mentorship stalled', NULL,
    '2026-01-02T10:00:00+00:00');
INSERT INTO turns VALUES ('s1', 1, 'assistant', 'Book a meeting [1].',
    '{"question": "My mentorship stalled", "text": "Book a meeting [1]."}',
    '2026-01-02T10:00:01+00:00');
"""
_OLD_RATINGS = """
CREATE TABLE ratings (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, rating TEXT NOT NULL,
    comment TEXT NOT NULL, role TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
    mode TEXT NOT NULL, backend TEXT NOT NULL, session_id TEXT, sources TEXT NOT NULL);
INSERT INTO ratings VALUES ('r1', '2026-01-02T10:06:00+00:00', 'up', 'helpful', 'mentee',
    'My mentorship stalled', 'Book a meeting [1].', 'answer', 'composer', 's1', 'stalled');
"""


@pytest.fixture
def old_files(tmp_path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    for name, script in (("sessions.sqlite3", _OLD_SESSIONS), ("ratings.sqlite3", _OLD_RATINGS)):
        with sqlite3.connect(home / name) as conn:
            conn.executescript(script)
    return home


def _database_for(home: Path, url: str) -> str | None:
    """None (SQLite in the data folder) for the SQLite case, else the PostgreSQL URL."""
    return None if url.startswith("sqlite") else url


def test_an_earlier_releases_files_are_imported_once_and_kept(old_files, url):
    target = _database_for(old_files, url)
    database = open_database(old_files, target)
    sessions, ratings = SessionStore(database), RatingStore(database)
    (info,) = sessions.list()
    assert (info.id, info.title, info.turns) == ("s1", "Stalled", 2)
    assert sessions.turns("s1")[1].answer.text == "Book a meeting [1]."
    (rating,) = ratings.all()
    assert (rating.id, rating.comment, rating.sources) == ("r1", "helpful", ["stalled"])
    assert sorted(p.name for p in old_files.glob("*.imported")) == [
        "ratings.sqlite3.imported",
        "sessions.sqlite3.imported",
    ]
    # Opening again imports nothing (the files are renamed), and the conversation goes on.
    again = open_database(old_files, target)
    sessions = SessionStore(again)
    sessions.append("s1", "And then?", _answer("And then?"))
    assert [s.turns for s in sessions.list()] == [4]
    assert len(RatingStore(again).all()) == 1


def test_an_import_interrupted_halfway_is_finished_without_doubles(old_files, url):
    target = _database_for(old_files, url)
    database = open_database(old_files, target)
    # As if the process died after copying but before renaming the files.
    for path in old_files.glob("*.imported"):
        path.rename(path.with_suffix(""))
    open_database(old_files, target)
    assert [s.id for s in SessionStore(database).list()] == ["s1"]
    assert [r.id for r in RatingStore(database).all()] == ["r1"]


def test_a_damaged_old_file_stops_the_import_and_is_left_as_it_was(old_files, url):
    damaged = old_files / "sessions.sqlite3"
    damaged.write_bytes(b"garbage" * 300)
    with pytest.raises(StoreDamagedError, match="earlier release"):
        open_database(old_files, _database_for(old_files, url))
    assert damaged.read_bytes() == b"garbage" * 300
