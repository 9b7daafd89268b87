"""The knowledge index: ingest files into Chroma + BM25 + catalog, remove them, rebuild them."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from assistant.config import Settings
from assistant.errors import CoachError, IndexUnavailableError, InputError, StoreDamagedError
from assistant.index.catalog import Catalog, CatalogEntry
from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.folder import IndexLayout
from assistant.index.lexical import LexicalIndex
from assistant.index.questions import QuestionIndex
from assistant.index.sentences import (
    UNITS_KEY,
    SentenceStore,
    plain,
    split_units,
    units_metadata,
)
from assistant.index.vectorstore import VectorStore, drop_collection, open_client
from assistant.ingest import SUPPORTED_SUFFIXES, LoadedDocument, chunk_document, load_file
from assistant.ingest.screening import shipped_screen
from assistant.models import (
    Chunk,
    DocumentInfo,
    HeldSection,
    IndexCheck,
    IngestFailure,
    IngestReport,
)

ProgressCallback = Callable[[int, int, str], None]
log = logging.getLogger(__name__)


def expand_paths(paths: Iterable[Path], skip_readme: bool = False) -> list[Path]:
    """Files to ingest: given files as they are, folders searched recursively by suffix."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_SUFFIXES
                    and not (skip_readme and p.name.lower() == "readme.md")
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            found.append(path)
    return found


class BuiltinChanges(NamedTuple):
    """Built-in files to (re)index, and built-in documents whose file is gone."""

    to_index: list[Path]
    gone: list[DocumentInfo]

    def __bool__(self) -> bool:
        return bool(self.to_index or self.gone)


# Texts embedded per write: enough for full, length-sorted model batches across many small
# files, few enough to bound memory and to move the progress bar every few seconds.
FLUSH_TEXTS = 2048


class PlannedFile(NamedTuple):
    """A changed or new file, loaded and chunked, waiting to be embedded and written; ``held``
    are its sections kept out of every index until a program lead approves them."""

    path: Path
    document: LoadedDocument
    previous: DocumentInfo | None
    chunks: list[Chunk]
    held: list[HeldSection]

    @property
    def text_count(self) -> int:
        return len(self.chunks) * 8 + len(self.document.questions)  # ~7 units per chunk


def _same_bytes(path: Path, content_hash: str) -> bool:
    """Whether the file still has this content (checked before parsing it)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == content_hash
    except OSError:
        return False  # loading it says what is wrong


class IngestRun:
    """One ingest: files planned one by one, embedded and written in batches, progress
    reported per file as its batch is written."""

    def __init__(
        self,
        index: KnowledgeIndex,
        builtin: bool,
        total: int,
        progress: ProgressCallback | None,
    ) -> None:
        self.index = index
        self.builtin = builtin
        self.total = total
        self.progress = progress
        self.report = IngestReport()
        self._pending: list[PlannedFile] = []
        self._claimed: dict[str, str] = {}  # document ids given out in this run, by source
        self._done = 0

    def queue(self, path: Path, previous: DocumentInfo | None) -> None:
        try:
            planned = self.index.plan(path, previous, self._claimed)
        except Exception as exc:  # a bad file fails alone; the rest of the batch goes on
            if not isinstance(exc, InputError):
                log.warning("Could not read %s", path, exc_info=True)
                exc = InputError(
                    f"{path}: could not be read ({type(exc).__name__}: {exc}).",
                    "Check the file; COACH_LOG_LEVEL=DEBUG shows the details.",
                )
            log.info("ingest %s: failed: %s", path, exc)
            self.report.failed.append(IngestFailure(path=str(path), error=str(exc)))
            self.finished(1, path)
            return
        log.debug(
            "ingest %s: %s as %s, %d chunks",
            path,
            "changed" if previous else "new",
            planned.document.doc_id,
            len(planned.chunks),
        )
        self._claimed[planned.document.doc_id] = planned.document.source
        self._pending.append(planned)
        if sum(p.text_count for p in self._pending) >= FLUSH_TEXTS:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        self.report.merge(self.index.write(self._pending, self.builtin))
        self.finished(len(self._pending), self._pending[-1].path)
        self._pending = []

    def finished(self, count: int, path: Path) -> None:
        self._done += count
        if self.progress:
            self.progress(self._done, self.total, str(path))


class KnowledgeIndex:
    """Keeps the vector store, the lexical index and the catalog in step."""

    def __init__(
        self,
        settings: Settings,
        embeddings: PackagedEmbeddings,
        layout: IndexLayout,
        donor: VectorStore | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.layout = layout
        # A rebuild's previous index: chunks it already stores are copied, not embedded again.
        self.donor = donor
        catalog_existed = layout.catalog_path.exists()
        self.catalog, catalog_damaged = self._open_catalog(layout.catalog_path)
        where = settings.chroma_url or layout.chroma_dir
        try:
            self._client = open_client(layout.chroma_dir, settings.chroma_url)
            self.vectors = VectorStore(embeddings, self._client, layout.collection)
            self.questions = QuestionIndex(
                self._client, f"{layout.collection}_questions", embeddings
            )
            drop_collection(self._client, f"{layout.collection}_units")  # an earlier release's
        except CoachError:
            raise
        except Exception as exc:
            raise IndexUnavailableError(
                f"Cannot open the vector store at {where} ({type(exc).__name__}: {exc}).",
                "Run 'coach reindex' to rebuild it from your documents.",
            ) from exc
        self.sentences = SentenceStore(self.vectors, embeddings, self._chunk_ids_of)
        self.lexical = LexicalIndex(layout.lexical_dir)
        # Chunks stored, but no catalog to say whose: a deleted or damaged catalog file.
        self.catalog_lost = (catalog_damaged or not catalog_existed) and self.vectors.count() > 0

    @staticmethod
    def _open_catalog(path: Path) -> tuple[Catalog, bool]:
        """The catalog, and whether it was damaged: a damaged file is moved aside (kept, never
        deleted) and the catalog is rebuilt from the vector store by ``restore_catalog``."""
        try:
            return Catalog(path), False
        except StoreDamagedError as exc:
            aside = path.with_name(f"{path.name}.damaged-{int(time.time())}")
            path.rename(aside)
            log.warning("The catalog %s is damaged (%s); moved to %s", path, exc, aside)
            return Catalog(path), True

    def close(self) -> None:
        """Release a Chroma server's connections. An embedded client is left to the garbage
        collector: closing it would stop the system a newer client of the same path uses."""
        if self.settings.chroma_url:
            self._client.close()

    def drop_collections(self, layout: IndexLayout) -> None:
        """Delete another generation's collections from a Chroma server (an embedded store
        keeps each generation in its own folder, removed with its files)."""
        if self.settings.chroma_url:
            for name in (layout.collection, f"{layout.collection}_questions"):
                drop_collection(self._client, name)

    def restore_catalog(self) -> int:
        """Rebuild a lost catalog from the chunks in the vector store (each keeps its document's
        id, title and source); returns how many documents it found. Content hashes are unknown,
        so the next ingest of each file re-reads it (its chunks are reused, not embedded)."""
        documents: dict[str, list[Chunk]] = {}
        for chunk in self.vectors.all_chunks():
            documents.setdefault(chunk.doc_id, []).append(chunk)
        knowledge = self.settings.knowledge_dir
        self.catalog.put(
            [
                CatalogEntry(
                    doc_id,
                    chunks[0].source,
                    chunks[0].title,
                    "",
                    [c.id for c in sorted(chunks, key=lambda c: c.position)],
                    Path(chunks[0].source).is_relative_to(knowledge),
                )
                for doc_id, chunks in documents.items()
            ]
        )
        self.catalog_lost = False
        return len(documents)

    def _chunk_ids_of(self, doc_id: str) -> list[str]:
        document = self.catalog.get(doc_id)
        return document.chunk_ids if document else []

    def is_empty(self) -> bool:
        return self.catalog.is_empty()

    def builtin_changes(self) -> BuiltinChanges:
        """How the built-in knowledge on disk differs from what is indexed: files changed since
        (an upgrade, an edit) or new, and documents whose file is no longer in the knowledge
        folder (a guide a release dropped, or the whole folder moved: a checkout's knowledge/
        indexed before, an installed wheel's now)."""
        files = {str(p.resolve()): p for p in expand_paths([self.settings.knowledge_dir], True)}
        indexed = {document.source: document for document in self.catalog.builtin()}
        to_index = [
            path
            for source, path in files.items()
            if source not in indexed or not _same_bytes(path, indexed[source].content_hash)
        ]
        gone = [document for source, document in indexed.items() if source not in files]
        return BuiltinChanges(to_index, gone)

    def ingest(
        self,
        paths: Iterable[Path],
        builtin: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Index files and folders; unchanged files cost nothing, bad files are reported.

        Changed files are embedded together, up to ``FLUSH_TEXTS`` texts at a time, so that a
        folder of small files runs at the model's batch rate."""
        files = {path: str(path.resolve()) for path in expand_paths(paths, skip_readme=builtin)}
        known = self.catalog.by_sources(list(files.values()))
        run = IngestRun(self, builtin, len(files), progress)
        unchanged: list[tuple[Path, DocumentInfo]] = []
        for path, source in files.items():
            previous = known.get(source)
            if previous and _same_bytes(path, previous.content_hash):
                unchanged.append((path, previous))
            else:
                run.queue(path, previous)
        # One lookup for every unchanged file: one whose chunks are not all stored (an
        # interrupted write, a deleted store) is indexed again.
        stored = self.vectors.existing_ids([cid for _, doc in unchanged for cid in doc.chunk_ids])
        for path, previous in unchanged:
            if set(previous.chunk_ids) <= stored:
                log.debug("ingest %s: unchanged (%s)", path, previous.doc_id)
                run.report.unchanged.append(previous.doc_id)
                run.finished(1, path)
            else:
                log.debug("ingest %s: chunks missing from the store, indexing again", path)
                run.queue(path, previous)
        run.flush()
        return run.report

    def plan(
        self, path: Path, previous: DocumentInfo | None, claimed: dict[str, str]
    ) -> PlannedFile:
        """Load and chunk a file to (re)index, keeping the document id it had, or giving it one
        that neither the catalog nor this run (``claimed``: id -> source) has for another file."""
        document = load_file(
            path,
            max_bytes=int(self.settings.max_file_mb * 1_000_000),
            max_unzipped_bytes=int(self.settings.max_unzipped_mb * 1_000_000),
        )
        document.doc_id = (
            previous.doc_id
            if previous
            else self._unique_doc_id(document.doc_id, document.source, claimed)
        )
        chunks = chunk_document(document, max_chars=self.settings.chunk_chars)
        if not chunks:
            raise InputError(
                f"{path}: has no passage of text long enough to index.",
                "Add a few sentences of content to it.",
            )
        indexed, held = self._screen(chunks)
        return PlannedFile(path, document, previous, indexed, held)

    def _screen(self, chunks: list[Chunk]) -> tuple[list[Chunk], list[HeldSection]]:
        """The chunks to index, and those held back: a document is data, so a section that
        reads as instructions to the assistant or its users is never retrieved or cited
        unless a program lead approved that very text (its content-hash id)."""
        screen, approved = shipped_screen(), self.catalog.approved()
        indexed: list[Chunk] = []
        held: list[HeldSection] = []
        for chunk in chunks:
            reason = None if chunk.id in approved else screen.reason(chunk.indexed_text)
            if reason is None:
                indexed.append(chunk)
            else:
                log.info("ingest %s: held %s (%s)", chunk.doc_id, chunk.heading_path, reason)
                held.append(
                    HeldSection(
                        chunk_id=chunk.id, section=chunk.section, text=chunk.text, reason=reason
                    )
                )
        return indexed, held

    def write(self, planned: list[PlannedFile], builtin: bool) -> IngestReport:
        """Embed what is new in these files in one go, then write chunks, the lexical index,
        questions and catalog entries (the catalog last, so an interrupted write is redone the
        next time the files are ingested)."""
        stored = self.vectors.existing_ids([c.id for p in planned for c in p.chunks])
        fresh = list({c.id: c for p in planned for c in p.chunks if c.id not in stored}.values())
        copied = self._copy_from_donor(fresh)
        fresh = [chunk for chunk in fresh if chunk.id not in copied]
        units = [split_units(chunk.text) for chunk in fresh]
        questions = [p.document.questions for p in planned]
        texts = [
            *(chunk.indexed_text for chunk in fresh),
            *(plain(text) for unit_texts in units for text in unit_texts),
            *(q for doc_questions in questions for q in doc_questions),
        ]
        unit_count = sum(len(unit_texts) for unit_texts in units)
        chunk_vectors, unit_vectors, rest = np.split(
            self.embeddings.encode(texts), [len(fresh), len(fresh) + unit_count]
        )
        question_vectors = np.split(rest, np.cumsum([len(q) for q in questions])[:-1])
        self.vectors.upsert(fresh, chunk_vectors, units_metadata(units, unit_vectors))
        stale = {
            cid
            for p in planned
            if p.previous
            for cid in set(p.previous.chunk_ids) - {c.id for c in p.chunks}
        }
        self.vectors.delete(sorted(stale))
        self.lexical.update([c for p in planned for c in p.chunks], stale)
        report = IngestReport(chunks_added=len(fresh) + len(copied), chunks_removed=len(stale))
        self.questions.replace(
            [
                (p.document.doc_id, doc_questions, vectors)
                for p, doc_questions, vectors in zip(
                    planned, questions, question_vectors, strict=True
                )
            ],
            known={p.document.doc_id for p in planned if p.previous},
        )
        self.catalog.put(
            [
                CatalogEntry(
                    p.document.doc_id,
                    p.document.source,
                    p.document.title,
                    p.document.content_hash,
                    [chunk.id for chunk in p.chunks],
                    builtin,
                    tuple(p.held),
                )
                for p in planned
            ]
        )
        for p in planned:
            (report.updated if p.previous else report.added).append(p.document.doc_id)
            report.held += [h.line(p.document.doc_id) for h in p.held]
        report.embedded = len(set(texts))
        return report

    def _unique_doc_id(self, wanted: str, source: str, claimed: dict[str, str]) -> str:
        owner = self.catalog.get(wanted)
        if claimed.get(wanted, source) == source and (owner is None or owner.source == source):
            return wanted
        return f"{wanted}-{hashlib.sha1(source.encode()).hexdigest()[:6]}"

    def find(self, doc_id_or_path: str) -> DocumentInfo:
        """Look a document up by id or by the path it was ingested from."""
        found = self.catalog.get(doc_id_or_path)
        if found is None:
            found = self.catalog.by_source(str(Path(doc_id_or_path).expanduser().resolve()))
        if found is None:
            raise InputError(
                f"No document '{doc_id_or_path}' in the index.",
                "The list of documents shows each one's id.",
            )
        return found

    def _copy_from_donor(self, chunks: list[Chunk]) -> set[str]:
        """Copy the chunks the previous index stores with the same id (content hashes: same
        text, same vector) and whose units are split as today; returns their ids."""
        if self.donor is None or not chunks:
            return set()
        try:
            records = self.donor.stored([chunk.id for chunk in chunks])
        except Exception:  # a damaged previous index: embed everything instead
            log.warning("Cannot read the previous index; embedding again", exc_info=True)
            self.donor = None
            return set()
        current = {
            chunk.id: record
            for chunk in chunks
            if (record := records.get(chunk.id))
            and record[2].get(UNITS_KEY) == json.dumps(split_units(chunk.text))
        }
        self.vectors.put_stored(current)
        return set(current)

    def adopt(self, previous: KnowledgeIndex, documents: list[DocumentInfo]) -> list[str]:
        """Copy these documents (chunks, questions, catalog entries) from a previous index as
        they are: a rebuild keeps a document whose file is gone rather than forget it."""
        chunk_ids = [cid for document in documents for cid in document.chunk_ids]
        records = previous.vectors.stored(chunk_ids)
        whole = [d for d in documents if all(cid in records for cid in d.chunk_ids)]
        self.vectors.put_stored({cid: records[cid] for d in whole for cid in d.chunk_ids})
        self.lexical.update(self.vectors.get([cid for d in whole for cid in d.chunk_ids]), set())
        self.questions.replace(
            previous.questions.of_documents([d.doc_id for d in whole]), known=set()
        )
        self.catalog.put(
            [
                CatalogEntry(
                    d.doc_id,
                    d.source,
                    d.title,
                    d.content_hash,
                    d.chunk_ids,
                    d.builtin,
                    tuple(d.held),
                )
                for d in whole
            ]
        )
        return [d.doc_id for d in whole]

    def approve(self, doc_id_or_path: str, section: str | None = None) -> DocumentInfo:
        """Approve a document's held sections (all, or the one whose section path or chunk id
        is ``section``) and index them from the document's file."""
        document = self.find(doc_id_or_path)
        chosen = [
            h
            for h in document.held
            if section is None or section.strip().casefold() in (h.section.casefold(), h.chunk_id)
        ]
        if not chosen:
            names = "; ".join(repr(h.section or "(introduction)") for h in document.held)
            raise InputError(
                f"{document.doc_id} has no held section"
                + (f" '{section}'" if section else "")
                + (f" (held: {names})." if names else "."),
                "The list of documents shows each one's held sections.",
            )
        path = Path(document.source)
        if not path.is_file():
            raise InputError(
                f"{document.doc_id}: its file {path.name} is gone, so its held sections "
                "cannot be indexed.",
                "Add the file again, then approve.",
            )
        self.catalog.approve([h.chunk_id for h in chosen])
        run = IngestRun(self, document.builtin, 1, None)
        run.queue(path, document)
        run.flush()
        if run.report.failed:
            raise InputError(run.report.failed[0].error, "Fix the file, then approve again.")
        return self.find(document.doc_id)

    def remove(self, doc_id_or_path: str) -> DocumentInfo:
        """Remove a document: the catalog first, so an interrupted removal leaves only chunks
        no document claims, which the next check deletes."""
        document = self.find(doc_id_or_path)
        self.catalog.delete(document.doc_id)
        self.vectors.delete(document.chunk_ids)
        self.questions.delete_documents([document.doc_id])
        self.lexical.update([], set(document.chunk_ids))
        return document

    def quick_check(self) -> bool:
        """Whether the stores hold as many chunks as the catalog (cheap; run at every open)."""
        expected = self.catalog.chunk_count()
        return self.vectors.count() == expected and self.lexical.count == expected

    def check(self) -> IndexCheck:
        """Compare every store with the catalog, id by id."""
        documents = self.catalog.all()
        catalogued = {cid for d in documents for cid in d.chunk_ids}
        stored = self.vectors.all_ids()
        lexical = self.lexical.chunk_ids
        known = {d.doc_id for d in documents}
        return IndexCheck(
            documents=len(documents),
            chunks=len(catalogued),
            missing_chunks={
                d.doc_id: missing for d in documents if (missing := len(set(d.chunk_ids) - stored))
            },
            extra_chunks=len(stored - catalogued),
            lexical_missing=len((catalogued & stored) - lexical),
            lexical_extra=len(lexical - catalogued),
            orphan_questions=len(self.questions.doc_ids() - known),
        )

    def repair(self, found: IndexCheck) -> IndexCheck:
        """Bring every store back in step with the catalog from what is intact: extra chunks,
        BM25 entries and questions are deleted, missing BM25 entries re-made from the stored
        chunks, and documents with missing chunks indexed again from their files."""
        done = found.model_copy(deep=True)
        documents = self.catalog.all()
        catalogued = {cid for d in documents for cid in d.chunk_ids}
        if found.extra_chunks:
            self.vectors.delete(sorted(self.vectors.all_ids() - catalogued))
            done.repaired.append(f"deleted {found.extra_chunks} chunks no document claims")
        if found.orphan_questions:
            self.questions.delete_documents(
                sorted(self.questions.doc_ids() - {d.doc_id for d in documents})
            )
            done.repaired.append(f"deleted the questions of {found.orphan_questions} documents")
        broken = [d for d in documents if d.doc_id in found.missing_chunks]
        for builtin in (True, False):
            readable = [Path(d.source) for d in broken if d.builtin == builtin]
            readable = [path for path in readable if path.is_file()]
            if readable:
                report = self.ingest(readable, builtin=builtin)
                done.repaired.append(f"indexed {len(readable)} documents again from their files")
                done.unresolved += [failure.error for failure in report.failed]
        for d in broken:
            if not Path(d.source).is_file():
                done.unresolved.append(
                    f"{d.doc_id}: {found.missing_chunks[d.doc_id]} chunks are missing and its "
                    f"file {d.source} is gone; add the file again with 'coach ingest', or "
                    f"'coach remove {d.doc_id}'."
                )
        lexical = self.lexical.chunk_ids
        stale = lexical - catalogued
        missing = sorted((catalogued - lexical) & self.vectors.all_ids())
        if stale or missing:
            self.lexical.update(self.vectors.get(missing), stale)
            done.repaired.append(f"BM25: {len(missing)} chunks added, {len(stale)} removed")
        return done
