"""The same index code against a real `chroma run` server on 127.0.0.1."""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.integration


def test_ingest_search_remove_against_server(chroma_server, tmp_path, small_knowledge):
    from assistant import Coach

    coach = Coach.open(
        home=tmp_path / "home", knowledge_dir=small_knowledge, chroma_url=chroma_server
    )
    assert not (tmp_path / "home" / "chroma").exists()  # nothing embedded on disk
    assert {d.doc_id for d in coach.documents()} == {
        "stalled-mentorship",
        "smart-goals",
        "giving-feedback-as-a-mentor",
    }
    assert coach.search("mentor keeps cancelling our meetings", k=1)[0].doc_id == (
        "stalled-mentorship"
    )
    note = tmp_path / "club.txt"
    note.write_text("The rowing club mentoring circle meets at dawn on the river.")
    assert coach.ingest([note]).embedded == 2  # the passage and its one sentence
    assert coach.ingest([note]).embedded == 0
    reopened = Coach.open(
        home=tmp_path / "home", knowledge_dir=small_knowledge, chroma_url=chroma_server
    )
    assert reopened.search("rowing circle at dawn", k=1)[0].doc_id == "club"
    reopened.remove("club")
    assert reopened.index.vectors.existing_ids(coach.index.find("smart-goals").chunk_ids)
    shutil.rmtree(tmp_path / "home")
