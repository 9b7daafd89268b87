"""The mentorship record on SQLite and on a real PostgreSQL: each person's own, checked input,
deleted means deleted, what the coach notices, and a lead's figures without any record text."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from assistant.accounts import Accounts
from assistant.database import Database
from assistant.errors import InputError
from assistant.models import Answer, Route
from assistant.record.health import program_health
from assistant.record.models import ActionItemIn, GoalIn, MeetingIn, MentorshipIn
from assistant.record.nudges import nudges
from assistant.record.store import RecordStore
from assistant.sessions import SessionStore

BOTH = [
    pytest.param("sqlite", marks=pytest.mark.unit),
    pytest.param("postgres", marks=pytest.mark.integration),
]
TODAY = date(2026, 12, 8)
PLANTED = "zebra-umbrella-42 is my secret goal"


@pytest.fixture(params=BOTH)
def database(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'coach.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_database")
    database = Database(url)
    accounts = Accounts(database)
    accounts.add("ann", "mentee", "ann-password")
    accounts.add("ben", "mentor", "ben-password")
    yield database
    database.close()


@pytest.fixture
def store(database) -> RecordStore:
    return RecordStore(database)


def journey(store: RecordStore, owner: str = "ben", other: str = "ann") -> dict[str, str]:
    """A mentor's record: a mentorship meeting every 14 days, a goal, two meetings, two items."""
    pair = store.add(
        MentorshipIn(
            role="mentor", other_name=other, started=TODAY - timedelta(days=40), cadence_days=14
        ),
        owner,
    )
    goal = store.add(
        GoalIn(mentorship_id=pair.id, text=PLANTED, due=TODAY + timedelta(days=60)), owner
    )
    first = store.add(
        MeetingIn(
            mentorship_id=pair.id,
            held_on=TODAY - timedelta(days=30),
            minutes=30,
            notes="talked about the portfolio",
        ),
        owner,
    )
    store.add(
        MeetingIn(
            mentorship_id=pair.id,
            held_on=TODAY - timedelta(days=10),
            minutes=45,
            agreed="send the draft by Friday",
        ),
        owner,
    )
    item = store.add(
        ActionItemIn(
            mentorship_id=pair.id,
            meeting_id=first.id,
            text="send the draft to Priya",
            who=other,
            due=TODAY - timedelta(days=2),
        ),
        owner,
    )
    return {"pair": pair.id, "goal": goal.id, "item": item.id, "meeting": first.id}


def test_a_record_is_its_owners_alone(store):
    ids = journey(store)
    assert store.record("ann").empty and store.record(None).empty
    with pytest.raises(InputError, match="No goal"):
        store.entry("goal", ids["goal"], "ann")
    with pytest.raises(InputError, match="No mentorship"):
        store.add(GoalIn(mentorship_id=ids["pair"], text="mine now"), "ann")
    with pytest.raises(InputError):
        store.delete("action", ids["item"], "ann")
    with pytest.raises(InputError):
        store.update("goal", ids["goal"], {"status": "done"}, "ann")
    record = store.record("ben")
    assert [g.text for g in record.goals] == [PLANTED]
    assert [m.held_on for m in record.meetings] == sorted(
        [m.held_on for m in record.meetings], reverse=True
    )
    assert record.actions[0].source == "by hand"


def test_bad_input_is_refused_with_the_field_named(store):
    from assistant.record.store import parsed

    with pytest.raises(InputError, match="cadence_days"):
        parsed("mentorship", {"role": "mentor", "other_name": "Ann", "cadence_days": 0})
    with pytest.raises(InputError, match="role"):
        parsed("mentorship", {"role": "boss", "other_name": "Ann"})
    with pytest.raises(InputError, match="held_on"):
        parsed("meeting", {"mentorship_id": "x", "held_on": "next week"})
    with pytest.raises(InputError, match="text"):
        parsed("goal", {"mentorship_id": "x", "text": " "})


def test_an_update_is_checked_as_a_whole(store):
    ids = journey(store)
    done = store.update("action", ids["item"], {"done": True}, "ben")
    assert done.done and done.text == "send the draft to Priya"
    with pytest.raises(InputError, match="minutes"):
        store.update("meeting", ids["meeting"], {"minutes": 2}, "ben")


def test_deleted_means_deleted_in_the_database_rows(store, database):
    ids = journey(store)
    journey(store, owner="ann", other="ben")
    store.delete("goal", ids["goal"], "ben")
    store.delete("meeting", ids["meeting"], "ben")  # its action item stays, unlinked
    record = store.record("ben")
    assert not record.goals and len(record.meetings) == 1
    assert record.actions[0].meeting_id is None
    assert store.delete_all("ben") == 3  # the mentorship, a meeting and an item (goal gone)
    assert store.record("ben").empty and not store.record("ann").empty
    with database.session() as session:
        for table in ("mentorships", "goals", "meetings", "action_items"):
            rows = session.execute(text(f"SELECT count(*) FROM {table} WHERE owner = 'ben'"))
            assert rows.scalar() == 0, table
        goals = session.execute(text("SELECT text FROM goals")).scalars().all()
    assert goals == [PLANTED]  # ann's own copy only


def test_deleting_a_mentorship_deletes_everything_under_it(store, database):
    ids = journey(store)
    store.delete("mentorship", ids["pair"], "ben")
    assert store.record("ben").empty
    with database.session() as session:
        for table in ("goals", "meetings", "action_items"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


def test_removing_an_account_removes_its_record(store, database):
    journey(store, owner="ann", other="ben")
    Accounts(database).remove("ann")
    with database.session() as session:
        for table in ("mentorships", "goals", "meetings", "action_items"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table


def test_the_coach_notices_a_missed_cadence_only_once_it_is_missed(store):
    ids = journey(store)  # last meeting 10 days ago, every 14 days
    kinds = {n.kind for n in nudges(store.record("ben"), TODAY)}
    assert kinds == {"overdue"}  # the item due 2 days ago
    later = nudges(store.record("ben"), TODAY + timedelta(days=4))
    assert "cadence_missed" not in {n.kind for n in later}  # 14 days: not yet missed
    missed = nudges(store.record("ben"), TODAY + timedelta(days=5))
    cadence = [n for n in missed if n.kind == "cadence_missed"]
    assert cadence and "15 days" in cadence[0].text and cadence[0].draft == "reengage"
    store.update("action", ids["item"], {"done": True}, "ben")
    assert "overdue" not in {n.kind for n in nudges(store.record("ben"), TODAY)}


def test_repeated_cancellations_are_noticed(store):
    ids = journey(store)
    for days in (6, 3):
        store.add(
            MeetingIn(
                mentorship_id=ids["pair"], held_on=TODAY - timedelta(days=days), status="cancelled"
            ),
            "ben",
        )
    found = {n.kind: n for n in nudges(store.record("ben"), TODAY)}
    assert found["cancellations"].draft == "reschedule"
    assert "2 of your last 3" in found["cancellations"].text


def test_a_leads_figures_count_without_any_record_text(store, database):
    journey(store, owner="ben", other="ann")
    ann = journey(store, owner="ann", other="ben")
    store.update("mentorship", ann["pair"], {"role": "mentee"}, "ann")
    sessions = SessionStore(database)
    escalation = Answer(
        question="help",
        text="Please talk to HR.",
        mode="escalation",
        route=Route(category="conduct", part="help", score=0.9, reason="test"),
    )
    sessions.start(escalation, "ann")
    later = TODAY + timedelta(days=20)  # both pairs' cadence missed
    health = program_health(database, later)
    assert health.mentorships == 2 and health.stalled == 2 and health.active == 2
    assert health.stalled_named == []  # nobody agreed to be named
    for owner, pair in (("ben", None), ("ann", ann["pair"])):
        pair_id = pair or store.record(owner).mentorships[0].id
        store.update("mentorship", pair_id, {"named_to_lead": True}, owner)
    named = program_health(database, later).stalled_named
    assert [(p.mentor, p.mentee) for p in named] == [("ben", "ann")]
    assert sum(health.meetings_per_month.values()) == 4
    assert sum(program_health(database, TODAY).escalations_per_month.values()) == 1
    assert PLANTED not in health.model_dump_json()
