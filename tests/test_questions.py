"""Example questions (doc2query): indexed from front matter, kept in step, used by search."""

from __future__ import annotations

import pytest

from assistant.generation.composer import documents_by_evidence
from assistant.ingest import load_file
from tests.test_ingest import NOTE_MD

QUESTION = "my junior dev just watches me type and never says anything, how do we fix that"
NOTE_WITH_QUESTIONS = NOTE_MD.replace(
    "summary: Using pair programming sessions for mentoring.\n",
    "summary: Using pair programming sessions for mentoring.\n"
    "questions:\n"
    f'  - "{QUESTION}"\n'
    '  - "how long should each of us have the keyboard"\n',
)


@pytest.mark.unit
def test_loader_reads_example_questions(tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_WITH_QUESTIONS)
    assert load_file(path, max_bytes=10**6).questions == [
        QUESTION,
        "how long should each of us have the keyboard",
    ]
    path.write_text(NOTE_MD)
    assert load_file(path, max_bytes=10**6).questions == []


@pytest.mark.integration
def test_questions_route_a_conversational_question_to_their_document(small_coach, tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_WITH_QUESTIONS)
    small_coach.ingest([path])
    asked = "the junior developer i mentor just watches me typing and says nothing"
    scores = small_coach.index.questions.document_scores(small_coach.embeddings.embed_query(asked))
    assert max(scores, key=scores.get) == "pairing-notes"
    assert set(scores) >= {"pairing-notes", "stalled-mentorship", "smart-goals"}

    hybrid = small_coach.search(asked, k=3, mode="hybrid")
    assert hybrid[0].doc_id == "pairing-notes"
    assert hybrid[0].question_score == max(scores.values())
    assert documents_by_evidence(hybrid)[0] == "pairing-notes"
    # The single-signal modes stay pure baselines for evaluation.
    assert all(c.question_score is None for c in small_coach.search(asked, k=3, mode="dense"))


@pytest.mark.integration
def test_questions_follow_changes_removal_and_reindex(small_coach, tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_WITH_QUESTIONS)
    small_coach.ingest([path])
    questions = small_coach.index.questions
    vector = small_coach.embeddings.embed_query(QUESTION)
    assert questions.document_scores(vector)["pairing-notes"] > 0.99

    path.write_text(NOTE_MD)  # the questions were taken out of the file
    small_coach.ingest([path])
    assert questions.document_scores(vector).get("pairing-notes") is None

    path.write_text(NOTE_WITH_QUESTIONS)
    small_coach.ingest([path])
    small_coach.reindex()
    questions = small_coach.index.questions  # a rebuild switches to a new generation
    assert questions.document_scores(vector)["pairing-notes"] > 0.99
    assert "smart-goals" in questions.document_scores(vector)

    small_coach.remove("pairing-notes")
    assert "pairing-notes" not in questions.document_scores(vector)


@pytest.mark.integration
def test_a_document_without_questions_is_not_left_behind(small_coach, tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_MD)  # the user's own note: no example questions
    small_coach.ingest([path])
    hits = small_coach.search("how often should the driver and navigator swap", k=3)
    assert hits[0].doc_id == "pairing-notes"
    assert hits[0].question_score is None


@pytest.mark.integration
def test_built_in_documents_changed_on_disk_are_indexed_again_at_open(small_coach):
    from assistant import Coach

    path = small_coach.settings.knowledge_dir / "smart-goals.md"
    vector = small_coach.embeddings.embed_query(QUESTION)
    assert small_coach.index.questions.document_scores(vector)["smart-goals"] < 0.9
    path.write_text(path.read_text().replace("questions:\n", f'questions:\n  - "{QUESTION}"\n', 1))
    assert small_coach.index.builtin_changes().to_index == [path]
    reopened = Coach.open(home=small_coach.settings.home, knowledge_dir=path.parent)
    assert reopened.index.questions.document_scores(vector)["smart-goals"] > 0.99
    assert not reopened.index.builtin_changes()


@pytest.mark.integration
def test_a_knowledge_folder_without_example_questions_answers(tmp_path):
    """No document lists questions: hybrid retrieval still answers (nothing to route by)."""
    from assistant import Coach

    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "rota.md").write_text(
        "# Mentoring rota\n\n## Pairing\n\nPairs meet every second Tuesday at the library. "
        "Each mentee brings one question to every meeting.\n"
    )
    coach = Coach.open(home=tmp_path / "home", knowledge_dir=folder)
    answer = coach.ask("When do the pairs meet?")
    assert answer.mode == "answer" and answer.citations[0].doc_id == "rota"
