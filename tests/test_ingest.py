"""Ingestion of every format, idempotence, updates, removal and bad input — real Chroma + model."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.ingest import chunk_document, load_file

NOTE_MD = """---
id: pairing-notes
title: Pair programming as mentoring
topics: [formats]
audience: [mentor]
stage: any
summary: Using pair programming sessions for mentoring.
---
# Pair programming as mentoring

## Driver and navigator

Swap the driver and navigator roles every twenty minutes so the mentee gets keyboard time
and explains their reasoning aloud while the mentor navigates.

## Debrief

Close each pairing session with a five minute debrief about what was learned.
"""


def make_pdf(path: Path, text: str | None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if text:
        pdf.set_font("helvetica", size=12)
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))
    return path


@pytest.mark.unit
def test_markdown_front_matter_and_heading_paths(tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_MD)
    document = load_file(path, max_bytes=10**6)
    assert document.doc_id == "pairing-notes"
    assert document.audience == ["mentor"]
    chunks = chunk_document(document)
    assert [c.section for c in chunks] == ["Driver and navigator", "Debrief"]
    assert all(c.title == "Pair programming as mentoring" for c in chunks)
    assert chunks[0].heading_path == "Pair programming as mentoring > Driver and navigator"


@pytest.mark.unit
def test_long_section_is_split_and_keeps_its_path(tmp_path):
    path = tmp_path / "long.md"
    paragraphs = [f"Session {n}: keep a written log of the actions agreed. " * 12 for n in range(4)]
    path.write_text("# Logbook\n\n## Keeping notes\n\n" + "\n\n".join(paragraphs))
    chunks = chunk_document(load_file(path, max_bytes=10**6), max_chars=800)
    assert len(chunks) > 2
    assert {c.section for c in chunks} == {"Keeping notes"}
    assert all(len(c.text) <= 800 for c in chunks)


def make_docx(path: Path, heading: str, text: str) -> Path:
    from docx import Document

    document = Document()
    document.add_heading("Lighthouse retreats", level=0)
    document.add_heading(heading, level=1)
    document.add_paragraph(text)
    document.save(str(path))
    return path


@pytest.mark.parametrize("kind", ["md", "txt", "pdf", "html", "docx"])
@pytest.mark.integration
def test_ingest_each_format_then_search_finds_it(small_coach, tmp_path, kind):
    sentence = (
        "Our chapter runs quarterly lighthouse retreats where mentors and mentees "
        "practise negotiation drills with a coastal sailing theme."
    )
    path = tmp_path / f"retreat.{kind}"
    if kind == "md":
        path.write_text(f"# Lighthouse retreats\n\n## Negotiation drills\n\n{sentence}\n")
    elif kind == "txt":
        path.write_text(f"Lighthouse retreats\n\n{sentence}\n")
    elif kind == "pdf":
        make_pdf(path, sentence)
    elif kind == "docx":
        make_docx(path, "Negotiation drills", sentence)
    else:
        path.write_text(
            "<html><head><title>Lighthouse retreats</title><script>alert(1)</script></head>"
            f"<body><h2>Negotiation drills</h2><p>{sentence}</p></body></html>"
        )
    report = small_coach.ingest([path])
    assert report.ok and report.added == ["retreat"] and report.embedded >= 1
    hits = small_coach.search("lighthouse retreat negotiation drills sailing", k=3)
    assert hits[0].doc_id == "retreat"
    assert "lighthouse" in hits[0].text.lower()
    assert "alert(1)" not in hits[0].text
    if kind in ("md", "html", "docx"):
        assert hits[0].section == "Negotiation drills"


@pytest.mark.integration
def test_reingest_unchanged_embeds_nothing_and_never_duplicates(small_coach, tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_MD)
    before = small_coach.embeddings.texts_encoded
    first = small_coach.ingest([path])
    count = small_coach.index.vectors.count()
    embedded = small_coach.embeddings.texts_encoded
    second = small_coach.ingest([path])
    assert first.chunks_added == 2 and first.added == ["pairing-notes"]
    assert first.embedded > 2  # the passages and their sentence units
    assert embedded - before <= first.embedded  # texts this process encoded lately are reused
    assert second.unchanged == ["pairing-notes"] and second.embedded == 0
    assert small_coach.embeddings.texts_encoded == embedded  # the model was not called
    assert small_coach.index.vectors.count() == count


@pytest.mark.integration
def test_changed_file_replaces_its_chunks_in_both_indexes(small_coach, tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_MD)
    small_coach.ingest([path])
    old_ids = set(small_coach.index.find("pairing-notes").chunk_ids)
    path.write_text(NOTE_MD.replace("five minute debrief", "ten minute retrospective"))
    report = small_coach.ingest([path])
    new_ids = set(small_coach.index.find("pairing-notes").chunk_ids)
    assert report.updated == ["pairing-notes"]
    assert report.chunks_added == report.chunks_removed == 1  # only the changed section
    assert report.embedded == 2  # its passage and its one sentence
    assert len(old_ids & new_ids) == 1
    assert small_coach.index.vectors.existing_ids(list(old_ids - new_ids)) == set()
    assert not (old_ids - new_ids) & small_coach.index.lexical.chunk_ids
    hits = small_coach.search("ten minute retrospective after pairing", k=1, mode="bm25")
    assert "retrospective" in hits[0].text


@pytest.mark.integration
def test_remove_by_id_or_path_clears_both_indexes(small_coach, tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_MD)
    small_coach.ingest([path])
    ids = small_coach.index.find("pairing-notes").chunk_ids
    removed = small_coach.remove(str(path))
    assert removed.doc_id == "pairing-notes"
    assert "pairing-notes" not in {d.doc_id for d in small_coach.documents()}
    assert small_coach.index.vectors.existing_ids(ids) == set()
    assert not set(ids) & small_coach.index.lexical.chunk_ids
    with pytest.raises(InputError, match="list of documents shows each one's id"):
        small_coach.remove("pairing-notes")


@pytest.mark.integration
def test_same_name_in_two_folders_gets_distinct_ids(small_coach, tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "notes.txt").write_text(f"Notes from folder {folder} about goals.")
    report = small_coach.ingest([tmp_path / "a", tmp_path / "b"])
    assert len(report.added) == 2 and len(set(report.added)) == 2


@pytest.mark.integration
def test_a_folder_is_embedded_in_one_batch_with_progress_per_file(small_coach, tmp_path):
    """Files are embedded together (the model sees full, length-sorted batches); every file is
    reported once, in order, and a repeated sentence is encoded once."""
    calls: list[int] = []
    real_encode = small_coach.embeddings.encode
    small_coach.embeddings.encode = lambda texts: calls.append(len(texts)) or real_encode(texts)
    folder = tmp_path / "notes"
    folder.mkdir()
    for n in range(3):
        text = NOTE_MD.replace("pairing-notes", f"pairing-{n}").replace("twenty", f"{20 + n}")
        (folder / f"pairing-{n}.md").write_text(text)
    seen: list[tuple[int, int]] = []
    report = small_coach.ingest([folder], progress=lambda d, t, item: seen.append((d, t)))
    assert sorted(report.added) == ["pairing-0", "pairing-1", "pairing-2"]
    assert len(calls) == 1 and report.chunks_added == 6
    # per file, its own driver passage and the first line of its sentence; the line after it
    # and the debrief section (passage, sentence) are the same text in all three
    assert report.embedded == 3 * 2 + 3
    assert seen[-1] == (3, 3) and [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.integration
def test_a_bad_front_matter_value_fails_alone_and_an_alias_bomb_is_refused(small_coach, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "scalar.md").write_text(
        "---\ntopics: 5\nquestions: 42\n---\n# Scalars\n\nOne value where a list was meant.\n"
    )
    bomb = "".join(
        f"{c}: &{c} [" + ",".join([f"*{p}"] * 9) + "]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    (folder / "bomb.md").write_text(f'---\na: &a ["lol"]\n{bomb}---\n# Bomb\n\nA small file.\n')
    (folder / "fine.md").write_text("# Fine\n\nA perfectly ordinary note about mentoring goals.\n")
    report = small_coach.ingest([folder])
    assert sorted(report.added) == ["fine", "scalar"]
    assert small_coach.index.find("scalar").title == "Scalars"
    (failure,) = report.failed
    assert failure.path.endswith("bomb.md") and "aliases" in failure.error


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    binary = tmp_path / "image.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    malformed = tmp_path / "malformed.md"
    malformed.write_text("---\ntitle: [unclosed\n---\n# Body\n\nSome text here for you.\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n")
    rtf = tmp_path / "notes.rtf"
    rtf.write_text("{\\rtf1 notes}")
    docx = tmp_path / "notes.docx"
    docx.write_bytes(b"PK\x03\x04")
    return {
        "missing": (tmp_path / "nope.md", "no such file"),
        "unsupported": (rtf, "unsupported file type '.rtf'"),
        "docx-corrupt": (docx, "not a readable Word document"),
        "empty": (empty, "is empty"),
        "binary": (binary, "looks like a binary file"),
        "malformed": (malformed, "front matter"),
        "pdf-no-text": (make_pdf(tmp_path / "scan.pdf", None), "no extractable text"),
    }


@pytest.mark.parametrize(
    "case",
    ["missing", "unsupported", "docx-corrupt", "empty", "binary", "malformed", "pdf-no-text"],
)
@pytest.mark.integration
def test_bad_input_is_reported_and_loses_nothing(small_coach, tmp_path, case):
    path, message = _bad_inputs(tmp_path)[case]
    before = {d.doc_id: d.chunk_ids for d in small_coach.documents()}
    vectors_before = small_coach.index.vectors.count()
    report = small_coach.ingest([path])
    assert not report.ok
    assert message in report.failed[0].error and str(path.name) in report.failed[0].error
    assert {d.doc_id: d.chunk_ids for d in small_coach.documents()} == before
    assert small_coach.index.vectors.count() == vectors_before


@pytest.mark.integration
def test_unreadable_file_is_reported(small_coach, tmp_path, monkeypatch):
    # Tests run as root, where chmod 000 does not stop reading: simulate the OS refusing.
    path = tmp_path / "locked.txt"
    path.write_text("private notes about goals")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report = small_coach.ingest([path])
    assert "cannot be read (Permission denied)" in report.failed[0].error


@pytest.mark.unit
def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("goal " * 300)
    with pytest.raises(InputError, match="over the 0 MB limit"):
        load_file(path, max_bytes=100)


@pytest.mark.integration
def test_changed_file_that_became_invalid_keeps_its_old_chunks(small_coach, tmp_path):
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_MD)
    small_coach.ingest([path])
    ids = small_coach.index.find("pairing-notes").chunk_ids
    path.write_text("")
    report = small_coach.ingest([path])
    assert "is empty" in report.failed[0].error
    assert small_coach.index.find("pairing-notes").chunk_ids == ids
    assert small_coach.index.vectors.existing_ids(ids) == set(ids)


@pytest.mark.integration
def test_uploads_are_kept_in_home_so_reindex_can_read_them(small_coach, tmp_path):
    upload = tmp_path / "upload" / "club.txt"
    upload.parent.mkdir()
    upload.write_text("The rowing club mentoring circle meets at dawn on the river.")
    report = small_coach.ingest([upload], keep_copy=True)
    kept = small_coach.settings.home / "documents" / "club.txt"
    assert report.added == ["club"] and kept.read_text() == upload.read_text()
    upload.unlink()  # the temporary upload is gone
    again = small_coach.reindex()
    assert not again.failed and "club" in {d.doc_id for d in small_coach.documents()}


@pytest.mark.integration
def test_units_are_stored_with_their_chunk_and_read_by_id(small_coach):
    """A chunk's sentence units come back with it in one read by id; a new process reads them
    without encoding anything."""
    from assistant.index.sentences import SentenceStore

    ids = small_coach.index.find("smart-goals").chunk_ids
    units = small_coach.index.sentences.units_for(ids)
    assert len(units) > len(ids) and {u.chunk_id for u in units} == set(ids)
    fresh = SentenceStore(small_coach.index.vectors, small_coach.embeddings, lambda d: [])
    before = small_coach.embeddings.texts_encoded
    again = fresh.units_for(ids)
    assert small_coach.embeddings.texts_encoded == before
    assert [u.text for u in again] == [u.text for u in units]
    for old, new in zip(units, again, strict=True):
        assert float(old.vector @ new.vector) > 0.999


@pytest.mark.integration
def test_adding_or_removing_a_document_updates_bm25_without_reading_every_chunk_back(
    small_coach, tmp_path, monkeypatch
):
    """Only the new document's chunks are tokenized, nothing is read back from Chroma, and
    searches see the change at once."""
    import assistant.index.lexical as lexical

    def no_read_back():
        raise AssertionError("every chunk was read back from the vector store")

    monkeypatch.setattr(small_coach.index.vectors, "all_chunks", no_read_back)
    tokenized: list[int] = []
    real_tokenize = lexical.tokenize
    monkeypatch.setattr(
        lexical, "tokenize", lambda texts: tokenized.append(len(texts)) or real_tokenize(texts)
    )
    before = small_coach.index.lexical.count
    path = tmp_path / "pairing.md"
    path.write_text(NOTE_MD)
    small_coach.ingest([path])
    assert tokenized == [2] and small_coach.index.lexical.count == before + 2
    assert small_coach.search("five minute debrief pairing", k=1, mode="bm25")[0].doc_id == (
        "pairing-notes"
    )
    small_coach.remove("pairing-notes")
    assert small_coach.index.lexical.count == before
    hits = small_coach.search("five minute debrief pairing navigator", k=5, mode="bm25")
    assert all(hit.doc_id != "pairing-notes" for hit in hits)


@pytest.mark.integration
def test_a_data_folder_from_the_previous_release_opens_and_answers(small_coach):
    """The previous release kept sentence units in their own collection and BM25 in bm25s files:
    the old collection is dropped, BM25 is rebuilt once, and chunks without stored units get
    them on first use (then stored, so it happens once)."""
    from assistant import Coach
    from assistant.index.sentences import UNIT_VECTORS_KEY, UNITS_KEY
    from assistant.index.vectorstore import open_client

    settings = small_coach.settings
    ids = [cid for document in small_coach.documents() for cid in document.chunk_ids]
    small_coach.index.vectors.annotate(ids, [{UNITS_KEY: None, UNIT_VECTORS_KEY: None}] * len(ids))
    assert all(UNITS_KEY not in meta for _, meta in small_coach.index.vectors.records(ids))
    client = open_client(settings.chroma_dir, None)
    client.get_or_create_collection(f"{settings.collection}_units").add(
        ids=["old:0"], documents=["An old unit."], embeddings=[[0.1] * 384]
    )
    for name in ("chunks.json", "tokens.json"):
        (small_coach.index.layout.lexical_dir / name).write_text("[]")
    reopened = Coach.open(home=settings.home, knowledge_dir=settings.knowledge_dir)
    names = {getattr(c, "name", c) for c in client.list_collections()}
    assert f"{settings.collection}_units" not in names
    assert reopened.index.lexical.count == len(ids)
    answer = reopened.ask("My mentor keeps cancelling our meetings. What should I do?")
    assert answer.mode == "answer" and answer.citations
    cited = [citation.chunk_id for citation in answer.citations]
    assert all(UNITS_KEY in meta for _, meta in reopened.index.vectors.records(cited))


@pytest.mark.integration
def test_built_in_knowledge_that_cannot_be_indexed_is_an_error_not_an_empty_index(tmp_path):
    from assistant import Coach
    from assistant.errors import IndexUnavailableError

    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "broken.md").write_bytes(b"\x00\x01\x02\xff" * 64)
    with pytest.raises(IndexUnavailableError, match=r"could not be indexed \(1 files failed\)"):
        Coach.open(home=tmp_path / "home", knowledge_dir=knowledge)
