"""Issue 26: the limits of `coach serve` hold on every surface (the API, the web app it mounts,
the library the CLI uses): who may choose a backend, how much history is read, text that is not
text, no empty conversations left by failures, and no internals in an error shown to a user.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.security.served import ApiService, api_service

QUESTION = "How do I give feedback that is honest but kind?"


class Service(ApiService):
    def chat(self, name: str, **body: Any) -> Any:
        body = {"messages": [{"role": "user", "content": QUESTION}], **body}
        return self.client.post("/v1/chat/completions", headers=self.headers(name), json=body)

    def raw_chat(self, name: str, body: str) -> Any:
        """A body as written: JSON's ``\\ud800`` escape, which json.dumps never writes alone."""
        headers = {**self.headers(name), "Content-Type": "application/json"}
        return self.client.post("/v1/chat/completions", headers=headers, content=body.encode())

    def conversations(self, name: str) -> int:
        return len(self.coach.list_sessions(user=name))


@pytest.fixture(scope="module")
def service(built_home, tmp_path_factory) -> Iterator[Service]:
    roles = {"ann": "mentee", "ben": "mentor", "lee": "program-lead"}
    with api_service(built_home, tmp_path_factory.mktemp("limits"), roles, Service) as service:
        yield service


def _web_handler(coach: Any, name: str, accounts: bool = True) -> Any:
    """An event handler of the web app, as Gradio calls it (server-side, no browser)."""
    from ui.app import build_app

    demo = build_app(coach, accounts=accounts)
    return next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == name)


def _web_ask(coach: Any, user: str | None, text: str, backend: str = "composer") -> list[str]:
    """Ask through the web app's chat handler; the warnings (toasts) it showed."""
    import gradio as gr

    respond = _web_handler(coach, "respond", accounts=user is not None)
    request = gr.Request(username=user)
    with pytest.warns() as shown:
        list(respond(text, "mentee", None, backend, "hybrid", None, request))
    return [str(w.message) for w in shown if issubclass(w.category, UserWarning)]


# 1. Backends a role may choose --------------------------------------------------------------


@pytest.mark.integration
def test_mentees_and_mentors_cannot_choose_another_backend_through_the_api(service, fake_backend):
    from langchain_core.language_models import FakeListChatModel

    fake_backend("openai", FakeListChatModel(responses=["Agree a standing time [1]."] * 4))
    for name in ("ann", "ben"):
        before = service.conversations(name)
        refused = service.chat(name, model="mentor-coach/openai", store=True)
        assert refused.status_code == 403, refused.text
        error = refused.json()["error"]
        assert error["type"] == "permission_error"
        assert "'mentor-coach'" in error["message"] and "program-lead" in error["message"]
        assert service.conversations(name) == before
        drafted = service.client.post(
            "/v1/drafts/message?backend=openai",
            headers=service.headers(name),
            json={"kind": "reengage", "to": "mentee"},
        )
        assert drafted.status_code == 403, drafted.text
        listed = service.client.get("/v1/models", headers=service.headers(name)).json()
        assert "mentor-coach/openai" not in {m["id"] for m in listed["data"]}
        assert service.chat(name).status_code == 200  # the configured backend, as ever
    lead = service.chat("lee", model="mentor-coach/openai")
    assert lead.status_code == 200, lead.text
    assert lead.json()["metadata"]["backend"] == "openai"


@pytest.mark.integration
def test_the_web_app_refuses_a_backend_choice_server_side_but_coach_ui_keeps_it(
    service, fake_backend
):
    from langchain_core.language_models import FakeListChatModel

    fake_backend("openai", FakeListChatModel(responses=["Agree a standing time [1]."] * 4))
    before = service.conversations("ann")
    shown = _web_ask(service.coach, "ann", QUESTION, backend="openai")
    assert any("configured backend" in message for message in shown), shown
    assert service.conversations("ann") == before
    answer = service.coach.ask(QUESTION, backend="openai")  # 'coach ui', the CLI: one person
    assert answer.backend == "openai"


# 2. History size ------------------------------------------------------------------------------


@pytest.mark.integration
def test_an_earlier_turn_or_history_over_its_limit_is_a_400_naming_the_limit(service):
    limit = service.coach.settings.max_question_chars
    huge = [
        {"role": "user", "content": "x " * 2_500_000},  # 5 MB
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": QUESTION},
    ]
    refused = service.chat("ann", messages=huge)
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert str(limit) in error["message"] and "Earlier message 1" in error["message"]

    long_answers = [
        message
        for _ in range(3)
        for message in (
            {"role": "user", "content": "What next?"},
            {"role": "assistant", "content": "Step. " * 1500},
        )
    ]
    total = service.chat("ann", messages=[*long_answers, {"role": "user", "content": QUESTION}])
    assert total.status_code == 400, total.text
    assert str(service.coach.settings.max_history_chars) in total.json()["error"]["message"]


@pytest.mark.integration
def test_the_library_holds_the_history_limit_for_the_web_app_and_the_cli(service):
    from datetime import datetime, timezone

    from assistant.errors import InputError
    from assistant.models import Turn

    turn = Turn(speaker="user", content="x" * 10_000, created_at=datetime.now(timezone.utc))
    with pytest.raises(InputError, match="Earlier message 1 is 10000 characters long"):
        service.coach.ask(QUESTION, history=[turn])


# 3. A lone surrogate ----------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize(
    "body",
    [
        '{"store": true, "messages": [{"role": "user", "content": "Hi \\ud800 there"}]}',
        '{"store": true, "messages": [{"role": "user", "content": "a\\udfff"},'
        ' {"role": "assistant", "content": "b"}, {"role": "user", "content": "What next?"}]}',
        '{"store": true, "metadata": {"conversation_id": "x\\ud800"},'
        ' "messages": [{"role": "user", "content": "What next?"}]}',
        '{"model": "mentor-coach/\\ud800", "messages": [{"role": "user", "content": "Hi"}]}',
    ],
    ids=["question", "earlier-turn", "conversation-id", "model"],
)
def test_a_lone_surrogate_is_a_clear_error_and_leaves_nothing_behind(service, body):
    before = service.conversations("ben")
    refused = service.raw_chat("ben", body)
    assert 400 <= refused.status_code < 500, refused.text
    assert refused.json()["error"]["message"]
    assert service.conversations("ben") == before


@pytest.mark.integration
def test_a_lone_surrogate_in_a_comment_draft_or_sign_in_is_refused_clearly(service):
    stored = service.chat("ben", store=True).json()["conversation_id"]
    rating = service.client.post(
        "/v1/ratings",
        headers={**service.headers("ben"), "Content-Type": "application/json"},
        content=json.dumps({"conversation_id": stored, "rating": "up"})[:-1].encode()
        + b', "comment": "good \\ud800"}',
    )
    assert rating.status_code in (400, 422), rating.text  # refused, clearly, by any check
    assert "comment" in rating.json()["error"]["message"]
    draft = service.client.post(
        "/v1/drafts/message",
        headers={**service.headers("ben"), "Content-Type": "application/json"},
        content=b'{"kind": "reengage", "to": "mentee", "name": "Sam \\ud800"}',
    )
    assert draft.status_code == 400, draft.text
    assert "'name'" in draft.json()["error"]["message"]
    assert "surrogate" in draft.json()["error"]["message"]
    from assistant.errors import InputError

    with pytest.raises(InputError):
        service.coach.accounts.add("eve\ud800", "mentee", "eve-password")
    assert service.coach.accounts.authenticate("ann\ud800", "pass\ud800word") is None


# 4. No empty conversation is left by a failure --------------------------------------------------


@pytest.mark.integration
def test_a_failed_store_request_leaves_no_conversation(service):
    before = service.conversations("ben")
    too_long = service.chat(
        "ben", store=True, messages=[{"role": "user", "content": "why " * 1000}]
    )
    assert too_long.status_code == 400, too_long.text
    streamed = service.chat(
        "ben", store=True, stream=True, messages=[{"role": "user", "content": "why " * 1000}]
    )
    assert streamed.status_code == 400, streamed.text
    assert service.conversations("ben") == before
    lead = service.conversations("lee")
    failed = service.chat("lee", store=True, model="mentor-coach/openai")  # no key: it fails
    assert failed.status_code == 503, failed.text
    assert service.conversations("lee") == lead
    stored = service.chat("ben", store=True)
    assert stored.status_code == 200
    conversation = stored.json()["conversation_id"]
    assert service.coach.session_info(conversation, user="ben").turns == 2


@pytest.mark.integration
def test_a_failed_question_in_the_web_app_leaves_no_conversation(service):
    before = service.conversations("ben")
    shown = _web_ask(service.coach, "ben", "why " * 1000)
    assert any("the limit is" in message for message in shown), shown
    assert service.conversations("ben") == before
    assert not any(s.turns == 0 for s in service.coach.list_sessions(user="ben"))


@pytest.mark.integration
def test_coach_chat_leaves_no_conversation_for_a_refused_question(built_home, tmp_path):
    from typer.testing import CliRunner

    from assistant.cli import app

    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    script = f"{'why ' * 1000}\n/new\n/export {tmp_path / 'none.md'}\n/quit\n"
    result = CliRunner().invoke(app, ["chat", "--home", str(home)], input=script)
    assert result.exit_code == 0, result.output
    assert "the limit is" in result.output and "Nothing to export yet" in result.output
    listed = CliRunner().invoke(app, ["sessions", "--home", str(home), "--json"])
    assert json.loads(listed.output) == []


# 5. No internals in an error shown to a user ----------------------------------------------------


@pytest.mark.unit
def test_an_unexpected_error_is_shown_without_sql_and_logged_once(caplog):
    import gradio as gr
    from sqlalchemy.exc import OperationalError

    from ui.common import readable_errors

    @readable_errors
    def removed_users_request() -> str:
        raise OperationalError("SELECT secret FROM users", {}, Exception("boom /srv/coach.db"))

    with caplog.at_level(logging.INFO, logger="ui"), pytest.warns(UserWarning) as shown:
        assert removed_users_request() == gr.skip()
    (message,) = [str(w.message) for w in shown]
    for internal in ("SELECT", "secret", "boom", "/srv", "OperationalError"):
        assert internal not in message
    assert "went wrong" in message
    records = [r for r in caplog.records if r.name.startswith("ui")]
    assert len(records) == 1 and records[0].levelno == logging.ERROR and records[0].exc_info
    assert "SELECT secret" in caplog.text  # the details are for whoever runs the server
