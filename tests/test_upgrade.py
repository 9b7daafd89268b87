"""Upgrades keep data: a data folder made by the previous release opens with this one.

tests/data/home-0.1.0.tar.gz was made by release 0.1.0 (see tests/data/make_home.py) from a
checkout elsewhere, so its built-in documents point at a knowledge/ folder that is gone: the
case of a user who moves from a checkout to the installed wheel. This release's knowledge
folder here is three of the guides (the others count as dropped by the release), so that the
test re-embeds three documents rather than forty.
"""

from __future__ import annotations

import csv
import io
import shutil
import tarfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

RELEASE_HOME = Path(__file__).parent / "data" / "home-0.1.0.tar.gz"
GUIDES = ("stalled-mentorship", "meeting-frequency-and-preparation", "smart-goals")


@pytest.fixture
def old_home(tmp_path) -> Path:
    with tarfile.open(RELEASE_HOME) as archive:
        archive.extractall(tmp_path, filter="data")
    return tmp_path / "home"


@pytest.fixture
def knowledge(tmp_path) -> Path:
    from assistant.resources import builtin_knowledge

    folder = tmp_path / "knowledge"
    folder.mkdir()
    for guide in GUIDES:
        shutil.copy(builtin_knowledge() / f"{guide}.md", folder)
    return folder


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_data_folder_of_the_previous_release_opens_with_everything_kept(
    old_home, knowledge, database, request
):
    """Its conversations and ratings move into the database (SQLite in the folder, or the
    program's PostgreSQL), the old files kept as *.imported."""
    from assistant import Coach

    url = request.getfixturevalue("postgres_database") if database == "postgres" else None
    coach = Coach.open(home=old_home, knowledge_dir=knowledge, database_url=url)
    documents = {d.doc_id: d for d in coach.index.catalog.all()}  # the stored paths

    # The built-in guides are this release's, under this install's knowledge folder, with the
    # ids they had (past answers cite them), none twice.
    builtin = {d.doc_id: d for d in documents.values() if d.builtin}
    assert set(builtin) == set(GUIDES)
    assert all(Path(d.source).is_relative_to(knowledge) for d in builtin.values())
    # The user's own document is kept, and still answered from.
    assert documents["program-notes"].builtin is False
    hits = coach.search("how often do pairs in our program meet", k=3)
    assert hits[0].doc_id == "program-notes"

    # The conversation and its rating are there, and the conversation goes on.
    (session,) = coach.list_sessions()
    turns = coach.session_turns(session.id)
    assert [t.content for t in turns if t.speaker == "user"] == [
        "My mentor keeps cancelling our meetings. What should I do?",
        "How often should we meet?",
    ]
    follow_up = coach.ask("And if they cancel again?", session_id=session.id)
    assert follow_up.mode == "answer" and follow_up.citations
    assert len(coach.session_turns(session.id)) == len(turns) + 2
    (rating,) = list(csv.DictReader(io.StringIO(coach.ratings_csv())))
    assert rating["rating"] == "up" and rating["comment"] == "helpful"
    assert sorted(p.name for p in old_home.glob("*.sqlite3*.imported")) == [
        "ratings.sqlite3.imported",
        "sessions.sqlite3.imported",
    ]
    assert (old_home / "coach.sqlite3").exists() == (url is None)

    # Nothing is out of step, and opening again changes nothing.
    assert coach.doctor(repair=False).consistent
    again = Coach.open(home=old_home, knowledge_dir=knowledge, database_url=url)
    assert not again.index.builtin_changes()
    assert len(again.session_turns(session.id)) == len(turns) + 2
    assert {d.doc_id for d in again.documents()} == set(documents)
