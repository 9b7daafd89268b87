"""The service's API through FastAPI's TestClient, on SQLite and on a real PostgreSQL: keys,
roles, private conversations, limits, readable errors and inert payloads.

The OpenAI SDK, LangChain and the load test talk to a real server in test_server_clients.py.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest

from tests.security.served import ApiService, api_service

pytestmark = pytest.mark.integration

PAYLOAD = '<img src=x onerror="window.__pwned=1"><script>alert(1)</script>'
QUESTION = "My mentor keeps cancelling our meetings. What should I do?"


class Service(ApiService):
    def ask(self, name: str, content: str = QUESTION, **extra):
        body = {"model": "mentor-coach", "messages": [{"role": "user", "content": content}]}
        return self.client.post(
            "/v1/chat/completions", headers=self.headers(name), json={**body, **extra}
        )


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def service(request, built_home, tmp_path_factory) -> Iterator[Service]:
    database = None
    if request.param == "postgres":
        from tests.postgres import fresh_database

        database = fresh_database(request.getfixturevalue("postgres_url"), "server_api")
    roles = {"ann": "mentee", "ben": "mentor", "lee": "program-lead"}
    folder = tmp_path_factory.mktemp(f"serve-{request.param}")
    with api_service(built_home, folder, roles, Service, database) as service:
        yield service


def test_a_missing_wrong_or_revoked_key_is_the_same_401(service):
    service.coach.accounts.add("old", "mentee", "old-password")
    revoked = service.coach.accounts.issue_key("old")
    service.coach.accounts.revoke_keys("old")
    answers = [
        service.client.get("/v1/conversations", headers=headers)
        for headers in (
            {},
            {"Authorization": "Bearer mc-not-a-key"},
            {"Authorization": f"Bearer {revoked}"},
            {"Authorization": f"Basic {revoked}"},
        )
    ]
    assert {a.status_code for a in answers} == {401}
    assert len({a.text for a in answers}) == 1  # nothing tells one case from another
    assert answers[0].headers["www-authenticate"] == "Bearer"
    assert "old" not in answers[2].text
    assert service.client.get("/health").json()["status"] == "ok"  # open, and says nothing private


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/v1/ratings/export", None),
        ("post", "/v1/evals", {"dataset": "dev"}),
        ("get", "/v1/evals", None),
        ("delete", "/v1/documents/smart-goals", None),
    ],
)
def test_only_program_leads_change_knowledge_run_evals_and_export(service, method, path, body):
    for name in ("ann", "ben"):
        refused = getattr(service.client, method)(
            path, headers=service.headers(name), **({"json": body} if body else {})
        )
        assert refused.status_code == 403, refused.text
        assert "program lead" in refused.json()["error"]["message"]
    upload = service.client.post(
        "/v1/documents",
        headers=service.headers("ann"),
        files={"file": ("notes.md", b"# Notes\n\nSomething.")},
    )
    assert upload.status_code == 403
    assert "smart-goals" in {d.doc_id for d in service.coach.documents()}


def test_nobody_sees_or_continues_another_users_conversation(service):
    opened = service.ask("ann", store=True)
    assert opened.status_code == 200, opened.text
    conversation = opened.json()["conversation_id"]
    mine = service.client.get(f"/v1/conversations/{conversation}", headers=service.headers("ann"))
    assert mine.status_code == 200 and len(mine.json()["turns"]) == 2
    assert conversation in {
        c["id"]
        for c in service.client.get("/v1/conversations", headers=service.headers("ann")).json()
    }

    missing = service.client.get("/v1/conversations/nope", headers=service.headers("ben"))
    for reach in (
        service.client.get(f"/v1/conversations/{conversation}", headers=service.headers("ben")),
        service.client.get(
            f"/v1/conversations/{conversation}/export", headers=service.headers("ben")
        ),
        service.client.delete(f"/v1/conversations/{conversation}", headers=service.headers("ben")),
        service.ask("ben", "and then?", metadata={"conversation_id": conversation}),
        service.client.post(
            "/v1/ratings",
            headers=service.headers("ben"),
            json={"conversation_id": conversation, "rating": "down"},
        ),
    ):
        assert reach.status_code == 404, reach.text
        assert (
            reach.json()["error"]["message"].replace(conversation, "nope")
            == (missing.json()["error"]["message"])
        )
    assert conversation not in {
        c["id"]
        for c in service.client.get("/v1/conversations", headers=service.headers("ben")).json()
    }
    # ... and the owner's conversation is untouched.
    assert len(service.coach.session_turns(conversation, user="ann")) == 2


def test_rating_exports_are_anonymous_unless_asked_and_agreed(service):
    for name in ("ann", "ben"):
        conversation = service.ask(name, store=True).json()["conversation_id"]
        rated = service.client.post(
            "/v1/ratings",
            headers=service.headers(name),
            json={"conversation_id": conversation, "rating": "up", "comment": f"from {name}"},
        )
        assert rated.status_code == 201, rated.text
    agreed = service.client.put(
        "/v1/me/named-exports", headers=service.headers("ben"), json={"agreed": True}
    )
    assert agreed.json()["named_exports"] is True

    def raters(**params) -> dict[str, str]:
        export = service.client.get(
            "/v1/ratings/export", headers=service.headers("lee"), params=params
        )
        assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
        rows = csv.DictReader(io.StringIO(export.text))
        return {row["comment"]: row["user"] for row in rows if row["comment"].startswith("from")}

    assert raters() == {"from ann": "", "from ben": ""}
    assert raters(names="true") == {"from ann": "", "from ben": "ben"}


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b'{"messages": [', 400, "not valid JSON"),
        (b'{"model": "mentor-coach"}', 422, "messages"),
        (b'{"messages": []}', 422, "messages"),
        (b'{"messages": [{"role": "user", "content": "hi"}], "model": "gpt-9"}', 404, "gpt-9"),
        (
            b'{"messages": [{"role": "user", "content": "x"}], "metadata": {"role": "boss"}}',
            400,
            "Unknown role 'boss'",
        ),
        (b'{"messages": [{"role": "wizard", "content": "x"}]}', 422, "role"),
        (b'{"messages": [{"role": "assistant", "content": "x"}]}', 400, "user"),
        (b'{"messages": [{"role": "user", "content": "   "}]}', 400, "empty"),
    ],
)
def test_bad_requests_get_a_one_line_reason(service, body, status, says):
    answer = service.client.post(
        "/v1/chat/completions",
        headers={**service.headers("ann"), "Content-Type": "application/json"},
        content=body,
    )
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert says in error["message"] and "\n" not in error["message"]
    assert "Traceback" not in answer.text


def test_an_oversized_body_is_refused_before_it_is_read(service):
    limit = service.coach.settings.request_limit_bytes
    answer = service.client.post(
        "/v1/chat/completions",
        headers={**service.headers("ann"), "Content-Type": "application/json"},
        content=b" " * (limit + 1),
    )
    assert answer.status_code == 413
    assert "MB limit" in answer.json()["error"]["message"]


def test_uploads_are_sanitised_and_unsupported_types_refused(service):
    lead = service.headers("lee")
    escaped = service.client.post(
        "/v1/documents",
        headers=lead,
        files={
            "file": ("../../../etc/evil notes.md", b"# Rowing club\n\nThe circle meets at dawn.")
        },
    )
    assert escaped.status_code == 201, escaped.text
    documents = service.home / "documents"
    kept = [p.name for p in documents.iterdir()]
    assert kept == ["evil notes.md"]
    assert not (service.home.parent / "etc").exists()
    for name, content in (("tool.exe", b"MZ"), (".bashrc", b"x"), ("", b"x"), ("../..", b"x")):
        refused = service.client.post(
            "/v1/documents", headers=lead, files={"file": (name, content)}
        )
        assert refused.status_code in (415, 422), (name, refused.text)
    empty = service.client.post("/v1/documents", headers=lead, files={"file": ("blank.md", b"")})
    assert empty.status_code == 400 and "blank.md" in empty.json()["error"]["message"]
    removed = service.client.delete("/v1/documents/evil-notes", headers=lead)
    assert removed.status_code in (200, 404)


def test_each_key_is_rate_limited(service):
    from fastapi.testclient import TestClient

    from assistant.server.app import create_app
    from assistant.server.throttle import RateLimits

    app = create_app(service.coach, with_ui=False)
    app.state.rate_limits = RateLimits("3/minute", "memory://")
    with TestClient(app) as client:
        codes = [client.get("/v1/me", headers=service.headers("ann")).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/v1/me", headers=service.headers("ann"))
        assert int(limited.headers["retry-after"]) >= 1
        assert "3 per 1 minute" in limited.json()["error"]["message"]
        assert client.get("/v1/me", headers=service.headers("ben")).status_code == 200


def test_payloads_come_back_as_escaped_json_never_as_html(service):
    answer = service.ask("ann", f"{PAYLOAD} how do I set goals?", store=True)
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    conversation = answer.json()["conversation_id"]
    export = service.client.get(
        f"/v1/conversations/{conversation}/export", headers=service.headers("ann")
    )
    assert export.headers["content-type"].startswith("text/markdown")
    assert export.headers["content-disposition"].startswith("attachment")
    listed = service.client.get("/v1/conversations", headers=service.headers("ann"))
    assert PAYLOAD[:20] in {c["title"][:20] for c in listed.json()}  # data, as typed


def test_the_rest_of_the_facade_is_reachable(service):
    ann = service.headers("ann")
    assert service.client.get("/v1/me", headers=ann).json()["role"] == "mentee"
    found = service.client.post("/v1/search", headers=ann, json={"query": QUESTION, "k": 2})
    assert found.status_code == 200 and found.json()[0]["doc_id"] == "stalled-mentorship"
    assert any(
        d["doc_id"] == "smart-goals"
        for d in service.client.get("/v1/documents", headers=ann).json()
    )
    message = service.client.post(
        "/v1/drafts/message", headers=ann, json={"kind": "reengage", "to": "mentor"}
    )
    assert message.status_code == 200, message.text
    assert message.json()["citations"]
    agenda = service.client.post(
        "/v1/drafts/agenda", headers=ann, json={"goals": ["plan my next quarter"]}
    )
    assert agenda.status_code == 200 and agenda.json()["citations"]
    bad = service.client.post("/v1/drafts/agenda", headers=ann, json={"goals": []})
    assert bad.status_code == 422 and "goals" in bad.json()["error"]["message"]
    schema = service.client.get("/openapi.json").json()
    assert "/v1/chat/completions" in schema["paths"] and "/v1/documents" in schema["paths"]
    assert service.client.get("/docs").status_code == 404  # its page would load a CDN


def test_a_lead_runs_an_evaluation_and_reads_it_back(service, monkeypatch):
    lead = service.headers("lee")
    unknown = service.client.post("/v1/evals", headers=lead, json={"dataset": "../../etc/passwd"})
    assert unknown.status_code == 400 and "Unknown dataset" in unknown.json()["error"]["message"]
    ran = service.client.post("/v1/evals", headers=lead, json={"dataset": "safety3"})
    assert ran.status_code == 200, ran.text
    run_id = ran.json()["id"]
    assert ran.json()["overall"]["n"] > 0
    assert run_id in {r["id"] for r in service.client.get("/v1/evals", headers=lead).json()}
    assert service.client.get(f"/v1/evals/{run_id}", headers=lead).json()["cases"]
    assert service.client.get("/v1/evals/..%2F..", headers=lead).status_code == 404
