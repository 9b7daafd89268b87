"""Real clients against a real 'coach serve' (uvicorn on a free port): the official openai SDK
and LangChain's ChatOpenAI, streaming and not, and the bounded load test (20 clients × 10).

The default backend is the offline composer, so nothing here needs a remote model.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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

    chunks = list(
        client.chat.completions.create(model="mentor-coach", messages=messages, stream=True)
    )
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == text  # the composer is deterministic: the same answer either way
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert [s["doc_id"] for s in last.model_extra["sources"]] == [s["doc_id"] for s in sources]
    assert last.model_extra["metadata"]["mode"] == "answer"


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
    assert reply.metadata["route"]["category"] == "conduct"


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


def test_twenty_clients_asking_ten_questions_each_get_every_answer(service):
    from evals.bench_server import load_questions, load_users, run_load

    with load_users(service.coach, 20) as keys:
        report = run_load(service.url, keys, 10, load_questions())
    print(report.model_dump_json(indent=2))  # the latency figures go in the output, not asserts
    assert report.errors == 0, report.error_samples
    assert report.answered == report.requests == 200
