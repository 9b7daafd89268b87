"""No server file outside the upload flow is read, copied or served through the web app, by
any role; a conversation's export is served to its owner only, while the conversation exists.

Attacks through the real server the way a signed-in person's own scripts would: Gradio's queue
over HTTP with hand-written payloads (docs/security.md, "Files").
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ui.common import private_cache

pytestmark = pytest.mark.integration

MARKER = "SECRET-MARKER-7f3a9c"


def file_data(path: Path) -> dict[str, object]:
    """What a page sends for an uploaded file, pointing at a server file instead."""
    return {"path": str(path), "orig_name": path.name, "meta": {"_type": "gradio.FileData"}}


def copies_of(marker: str) -> list[Path]:
    """Every file of the web app's cache and downloads that holds ``marker``."""
    return [
        path
        for path in private_cache().rglob("*")
        if path.is_file() and marker.encode() in path.read_bytes()
    ]


@pytest.fixture
def secret(tmp_path) -> Path:
    """A server file no client may read: a guide-like Markdown file (a lead's upload of it
    would index it) outside every upload."""
    path = tmp_path / "server-secret.md"
    path.write_text(f"# Server notes\n\nThe admin password is {MARKER}.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["ann", "lee"])
def test_a_client_sent_path_is_never_copied_or_indexed(served, secret, name):
    web = served.web(name)
    result = web.event("ingest", [[file_data(secret)]])
    assert not result["success"], result
    database = served.home / "coach.sqlite3"
    result = web.event("grade_file", [file_data(database), "dev"])
    assert not result["success"], result
    assert copies_of(MARKER) == []
    assert not any("Server notes" in d.title for d in served.coach.documents())
    assert MARKER not in str(served.coach.search("admin password", k=5))


def test_a_server_path_is_not_a_dataset(served, secret):
    web = served.web("lee")
    result = web.event("run_evaluation", [str(secret), None, "composer", "hybrid", ""])
    output = str(result.get("output", ""))
    assert MARKER not in output
    assert not result["success"] or "No dataset" in output, result


def test_the_file_route_serves_no_server_file(served, secret):
    web = served.web("ann")
    for path in (secret, served.home / "coach.sqlite3", Path("/etc/passwd")):
        reply = web.http.get(f"/ui/gradio_api/file={path}")
        assert reply.status_code in (403, 404), (path, reply.status_code)
        assert MARKER not in reply.text


def test_an_export_is_served_to_its_owner_only_while_it_exists(served):
    coach = served.coach
    session = coach.new_session("mentee", user="ann")
    coach.ask(f"My mentor keeps cancelling. {MARKER}", "mentee", session, user="ann")
    ann = served.web("ann")
    assert ann.event("on_load", [])["success"]  # the page lists her conversations
    result = ann.event("resume_session", [session])
    assert result["success"], result
    download = result["output"]["data"][4]
    url = download["value"]["url"] if "value" in download else download["url"]
    path = url.split("/ui", 1)[1] if url.startswith("http") else url.removeprefix("/ui")
    mine = ann.http.get(f"/ui{path}")
    assert mine.status_code == 200 and MARKER in mine.text

    # The same file as Gradio finds it: a trailing slash or dot, "x/..", the older file/ route.
    file = path.split("file=", 1)[1]
    ways = [
        f"/ui{path}",
        f"/ui{path}/",
        f"/ui{path}%2F",
        f"/ui{path}/.",
        f"/ui{path}/x/..",
        f"/ui/gradio_api/file/{file}",
    ]
    amy = served.web("amy")
    for way in ways:
        assert amy.http.get(way).status_code == 404, way
    coach.delete_session(session, user="ann")
    for way in ways:
        assert ann.http.get(way).status_code == 404, way


def test_the_web_cache_is_private_and_swept(served_with, monkeypatch):
    """Uploads (a failed one too) and downloads live in a folder only the server's user can
    open, and are deleted once older than the cache's age (an hour; a second here)."""
    import ui.app

    monkeypatch.setattr(ui.app, "CACHE_SWEEP_S", 1)
    monkeypatch.setattr(ui.app, "CACHE_MAX_AGE_S", 1)
    served = served_with()
    assert private_cache().stat().st_mode & 0o077 == 0
    ann = served.web("ann")
    reply = ann.http.post(
        "/ui/gradio_api/upload", files={"files": ("notes.md", f"# Notes\n\n{MARKER}\n")}
    )
    reply.raise_for_status()
    (uploaded,) = [Path(p) for p in reply.json()]
    assert uploaded.is_file() and uploaded.is_relative_to(private_cache())
    ann.event("ingest", [[file_data(uploaded)]])  # refused (a mentee): the upload stays behind
    assert not any(d.title == "Notes" for d in served.coach.documents())
    session = served.coach.new_session("mentee", user="ann")
    served.coach.ask("How do I end a mentorship well?", "mentee", session, user="ann")
    assert ann.event("on_load", [])["success"]
    assert ann.event("resume_session", [session])["success"]  # writes her export
    exports = list(private_cache().rglob(f"conversation-{session}.md"))
    assert len(exports) == 2  # the original and Gradio's copy
    deadline = time.monotonic() + 20
    while any(p.exists() for p in [uploaded, *exports]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not uploaded.exists() and not any(p.exists() for p in exports)
