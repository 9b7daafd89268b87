"""The mentorship record over the API, on SQLite and on a real PostgreSQL: each person's own
(another user's entry is "not found"), deleted means deleted everywhere, bad bodies named, and
a lead's program figures without any record's text (over REST and `coach record health`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tests.security.served import ApiService, api_service

pytestmark = pytest.mark.integration
PLANTED = "quokka-saxophone-913"
TABLES = ("mentorships", "goals", "meetings", "action_items")


class Service(ApiService):
    def post(self, name: str, kind: str, body) -> dict:
        reply = self.client.post(f"/v1/record/{kind}", headers=self.headers(name), json=body)
        assert reply.status_code == 201, reply.text
        return reply.json()

    def mine(self, name: str) -> dict:
        reply = self.client.get("/v1/record", headers=self.headers(name))
        assert reply.status_code == 200, reply.text
        return reply.json()

    def export(self, name: str) -> str:
        reply = self.client.get("/v1/record/export", headers=self.headers(name))
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"].startswith("text/markdown")
        return reply.text

    def rows(self, owner: str) -> int:
        with self.coach.database.session() as session:
            return sum(
                session.execute(
                    text(f"SELECT count(*) FROM {table} WHERE owner = :o"), {"o": owner}
                ).scalar()
                for table in TABLES
            )

    def journey(self, name: str, other: str = "Sam", role: str = "mentee") -> dict[str, str]:
        """A mentorship 40 days old meeting every 14 days, with the planted phrase in a goal, a
        meeting's notes and agreement, and an action item."""
        today = date.today()
        pair = self.post(
            name,
            "mentorship",
            {
                "role": role,
                "other_name": other,
                "cadence_days": 14,
                "started": f"{today - timedelta(days=40)}",
                "named_to_lead": True,
            },
        )
        goal = self.post(name, "goal", {"mentorship_id": pair["id"], "text": f"goal {PLANTED}"})
        meeting = self.post(
            name,
            "meeting",
            {
                "mentorship_id": pair["id"],
                "held_on": f"{today - timedelta(days=30)}",
                "minutes": 30,
                "notes": f"notes {PLANTED}",
                "agreed": f"agreed {PLANTED}",
            },
        )
        action = self.post(
            name,
            "action",
            {
                "mentorship_id": pair["id"],
                "meeting_id": meeting["id"],
                "text": f"item {PLANTED}",
                "due": f"{today - timedelta(days=1)}",
            },
        )
        return {
            "mentorship": pair["id"],
            "goal": goal["id"],
            "meeting": meeting["id"],
            "action": action["id"],
        }


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def service(request, built_home, tmp_path_factory) -> Iterator[Service]:
    database = None
    if request.param == "postgres":
        from tests.postgres import fresh_database

        database = fresh_database(request.getfixturevalue("postgres_url"), "record_api")
    roles = {"ann": "mentee", "ben": "mentor", "lee": "program-lead"}
    folder = tmp_path_factory.mktemp(f"record-{request.param}")
    with api_service(built_home, folder, roles, Service, database) as service:
        yield service


@pytest.fixture(autouse=True)
def empty_records(service):
    yield
    for name in ("ann", "ben", "lee"):
        service.coach.record.delete_all(name)


def test_a_person_adds_lists_changes_and_deletes_entries(service):
    ids = service.journey("ann")
    mine = service.mine("ann")
    record = mine["record"]
    assert [m["id"] for m in record["mentorships"]] == [ids["mentorship"]]
    assert record["goals"][0]["text"] == f"goal {PLANTED}"
    assert record["meetings"][0]["agreed"] == f"agreed {PLANTED}"
    assert record["actions"][0]["source"] == "by hand"
    assert {n["kind"] for n in mine["nudges"]} == {"cadence_missed", "overdue"}

    changed = service.client.patch(
        f"/v1/record/goal/{ids['goal']}",
        headers=service.headers("ann"),
        json={"status": "done", "due": "2031-05-01"},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.json()["due"]) == ("done", "2031-05-01")
    assert changed.json()["text"] == f"goal {PLANTED}"  # the rest kept
    done = service.client.patch(
        f"/v1/record/action/{ids['action']}", headers=service.headers("ann"), json={"done": True}
    )
    assert done.status_code == 200 and done.json()["done"] is True
    assert "overdue" not in {n["kind"] for n in service.mine("ann")["nudges"]}
    assert "(done, due 2031-05-01;" in service.export("ann")

    gone = service.client.delete(f"/v1/record/goal/{ids['goal']}", headers=service.headers("ann"))
    assert gone.status_code == 204, gone.text
    assert service.mine("ann")["record"]["goals"] == []
    assert f"goal {PLANTED}" not in service.export("ann")
    assert f"item {PLANTED}" in service.export("ann")
    with service.coach.database.session() as session:
        assert not session.execute(text("SELECT count(*) FROM goals")).scalar()
    again = service.client.delete(f"/v1/record/goal/{ids['goal']}", headers=service.headers("ann"))
    assert again.status_code == 404


def test_another_user_gets_404_and_never_sees_the_entries(service):
    ids = service.journey("ann")
    service.journey("ben", other="Ann")
    for kind, entry_id in ids.items():
        missing = service.client.get(f"/v1/record/{kind}/nope", headers=service.headers("ben"))
        assert missing.status_code == 405  # no route reads one entry: the record is read whole
        missing = service.client.delete(f"/v1/record/{kind}/nope", headers=service.headers("ben"))
        assert missing.status_code == 404, missing.text
        for reach in (
            service.client.patch(
                f"/v1/record/{kind}/{entry_id}", headers=service.headers("ben"), json={}
            ),
            service.client.delete(f"/v1/record/{kind}/{entry_id}", headers=service.headers("ben")),
        ):
            assert reach.status_code == 404, reach.text
            assert (
                reach.json()["error"]["message"].replace(entry_id, "nope")
                == (missing.json()["error"]["message"])
            )
    borrowed = service.client.post(
        "/v1/record/goal",
        headers=service.headers("ben"),
        json={"mentorship_id": ids["mentorship"], "text": "mine now"},
    )
    assert borrowed.status_code == 404
    theirs = json.dumps(service.mine("ben"))
    for entry_id in ids.values():
        assert entry_id not in theirs
        assert entry_id not in service.export("ben")
    # ... and the owner's record is untouched.
    assert len(service.mine("ann")["record"]["actions"]) == 1
    assert service.mine("lee")["record"]["mentorships"] == []


def test_deleting_everything_empties_the_record_and_its_rows(service):
    service.journey("ann")
    service.journey("ben", other="Ann")
    assert service.rows("ann") == 4
    cleared = service.client.delete("/v1/record", headers=service.headers("ann"))
    assert cleared.status_code == 200 and cleared.json() == {"deleted": 4}
    assert service.mine("ann") == {
        "record": {"mentorships": [], "goals": [], "meetings": [], "actions": []},
        "nudges": [],
    }
    assert PLANTED not in service.export("ann")
    assert service.rows("ann") == 0 and service.rows("ben") == 4


@pytest.mark.parametrize(
    ("kind", "body", "status", "says"),
    [
        ("mentorship", {"role": "boss", "other_name": "Sam"}, 400, "role:"),
        ("mentorship", {"role": "mentee", "other_name": "Sam", "colour": "red"}, 400, "colour:"),
        ("mentorship", {"role": "mentee", "other_name": "Sam", "cadence_days": 0}, 400, "cadence"),
        ("goal", {"mentorship_id": "{pair}", "text": "x", "due": "2026-13-01"}, 400, "due:"),
        (
            "meeting",
            {"mentorship_id": "{pair}", "held_on": "2026-12-01", "minutes": 1},
            400,
            "minutes:",
        ),
        ("action", {"mentorship_id": "{pair}", "text": ""}, 400, "text:"),
        ("note", {"text": "x"}, 400, "mentorship, goal, meeting, action"),
        ("goal", ["not", "an", "object"], 422, "valid dictionary"),
    ],
)
def test_bad_bodies_get_a_one_line_reason_naming_the_field(service, kind, body, status, says):
    pair = service.post("ann", "mentorship", {"role": "mentee", "other_name": "Sam"})["id"]
    if isinstance(body, dict):
        body = {k: v.format(pair=pair) if isinstance(v, str) else v for k, v in body.items()}
    refused = service.client.post(f"/v1/record/{kind}", headers=service.headers("ann"), json=body)
    assert refused.status_code == status, refused.text
    message = refused.json()["error"]["message"]
    assert says in message and "\n" not in message
    changed = service.client.patch(
        f"/v1/record/mentorship/{pair}", headers=service.headers("ann"), json={"started": "soon"}
    )
    assert changed.status_code == 400 and "started:" in changed.json()["error"]["message"]


def test_program_health_is_for_leads_and_shows_no_record_text(service, monkeypatch):
    service.journey("ann", other="ben")
    service.journey("ben", other="ann", role="mentor")
    for name in ("ann", "ben"):
        refused = service.client.get("/v1/program/health", headers=service.headers(name))
        assert refused.status_code == 403, refused.text
        assert "program lead" in refused.json()["error"]["message"]
    figures = service.client.get("/v1/program/health", headers=service.headers("lee"))
    assert figures.status_code == 200, figures.text
    body = figures.json()
    assert (body["mentorships"], body["stalled"]) == (2, 2)
    assert sum(body["meetings_per_month"].values()) == 2
    assert body["stalled_named"] == [{"mentor": "ben", "mentee": "ann"}]  # both agreed
    assert PLANTED not in figures.text
    assert PLANTED not in json.dumps(service.mine("lee"))

    from assistant.cli import app

    monkeypatch.setenv("COACH_DATABASE_URL", service.coach.settings.database_url or "")
    if not service.coach.settings.database_url:
        monkeypatch.delenv("COACH_DATABASE_URL")
    for args in ((), ("--json",)):
        shown = CliRunner().invoke(
            app, ["record", "health", *args, "--home", str(service.home)], catch_exceptions=False
        )
        assert shown.exit_code == 0, shown.output
        assert PLANTED not in shown.output
        assert ("Mentorships: 2" in shown.output) if not args else json.loads(shown.output) == body
