"""Two `coach serve` processes on different ports share one program: accounts, conversations and
ratings in a real PostgreSQL, vectors in a real Chroma server, the data folder on this machine.

Either server answers any user's follow-up, and knowledge a lead uploads through one is found
through the other. Clients are the official openai SDK and plain HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, wait_for_port

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]


@pytest.fixture
def program(tmp_path, small_knowledge, chroma_server, postgres_database) -> dict[str, str]:
    """The shared settings, an index built once, and three users with API keys."""
    from assistant import Coach

    env = {
        "COACH_HOME": str(tmp_path / "home"),
        "COACH_KNOWLEDGE_DIR": str(small_knowledge),
        "COACH_CHROMA_URL": chroma_server,
        "COACH_DATABASE_URL": postgres_database,
    }
    coach = Coach.open(
        home=env["COACH_HOME"],
        knowledge_dir=small_knowledge,
        chroma_url=chroma_server,
        database_url=postgres_database,
    )
    keys = {}
    for name, role in (("ann", "mentee"), ("ben", "mentor"), ("lee", "program-lead")):
        coach.accounts.add(name, role, f"{name}-password")
        keys[name] = coach.accounts.issue_key(name)
    coach.database.close()
    return {**env, **{f"key_{name}": key for name, key in keys.items()}}


@pytest.fixture
def servers(program, tmp_path) -> Iterator[list[str]]:
    ports = [free_port(), free_port()]
    env = {**os.environ, **{k: v for k, v in program.items() if k.startswith("COACH_")}}
    logs = [open(tmp_path / f"server-{port}.log", "w") for port in ports]  # noqa: SIM115
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--no-ui"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for_port(port, process, 120, f"coach serve on {port}")
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process, log in zip(processes, logs, strict=True):
            process.wait(timeout=30)
            log.close()
        for port in ports:
            print(Path(tmp_path / f"server-{port}.log").read_text()[-2000:])


def _metadata(completion) -> dict:
    """The answer's mode and conversation (OpenAI's own ``metadata``, strings only)."""
    return completion.metadata


def test_either_server_answers_any_users_follow_up(program, servers):
    import openai

    first, second = (
        openai.OpenAI(base_url=f"{url}/v1", api_key=program["key_ann"], max_retries=0)
        for url in servers
    )
    opened = first.chat.completions.create(
        model="mentor-coach",
        messages=[{"role": "user", "content": "My mentor keeps cancelling our meetings."}],
        store=True,
    )
    conversation = _metadata(opened)["conversation_id"]
    assert opened.choices[0].message.content and _metadata(opened)["mode"] == "answer"

    follow_up = second.chat.completions.create(
        model="mentor-coach",
        messages=[{"role": "user", "content": "And if they cancel again next week?"}],
        metadata={"conversation_id": conversation},
    )
    assert _metadata(follow_up)["conversation_id"] == conversation
    assert follow_up.choices[0].message.content

    # Both servers see the whole conversation, and only its owner does.
    import httpx

    for url in servers:
        mine = httpx.get(
            f"{url}/v1/conversations/{conversation}",
            headers={"Authorization": f"Bearer {program['key_ann']}"},
        )
        assert mine.status_code == 200, mine.text
        assert [turn["speaker"] for turn in mine.json()["turns"]] == ["user", "assistant"] * 2
        theirs = httpx.get(
            f"{url}/v1/conversations/{conversation}",
            headers={"Authorization": f"Bearer {program['key_ben']}"},
        )
        assert theirs.status_code == 404


def test_a_document_uploaded_through_one_server_is_found_through_the_other(
    program, servers, tmp_path
):
    import httpx

    lead = {"Authorization": f"Bearer {program['key_lee']}"}
    uploaded = httpx.post(
        f"{servers[0]}/v1/documents",
        headers=lead,
        files={
            "file": ("rowing-club.md", b"# Rowing club\n\nThe rowing club circle meets at dawn.")
        },
        timeout=120,
    )
    assert uploaded.status_code in (200, 201), uploaded.text
    found = httpx.post(
        f"{servers[1]}/v1/search",
        headers=lead,
        json={"query": "when does the rowing club circle meet", "k": 1},
        timeout=60,
    )
    assert found.status_code == 200, found.text
    assert "rowing" in str(found.json()).lower()
