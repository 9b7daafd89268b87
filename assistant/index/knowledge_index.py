"""The knowledge index: ingest files into Chroma + BM25 + catalog, remove them, rebuild them."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from assistant.config import Settings
from assistant.errors import CoachError, IndexUnavailableError, InputError
from assistant.index.catalog import Catalog
from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.lexical import LexicalIndex
from assistant.index.questions import QuestionIndex
from assistant.index.sentences import SentenceStore
from assistant.index.vectorstore import VectorStore, open_client
from assistant.ingest import SUPPORTED_SUFFIXES, chunk_document, load_file
from assistant.models import Chunk, DocumentInfo, IngestFailure, IngestReport

ProgressCallback = Callable[[int, int, str], None]


class FileOutcome(NamedTuple):
    """One file's ingest: its report, the chunks it now has, and the chunk ids it dropped."""

    report: IngestReport
    chunks: list[Chunk]
    stale: set[str]


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


class KnowledgeIndex:
    """Keeps the vector store, the lexical index and the catalog in step."""

    def __init__(self, settings: Settings, embeddings: PackagedEmbeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.catalog = Catalog(settings.catalog_path)
        client = open_client(settings.chroma_dir, settings.chroma_url)
        try:
            self.vectors = VectorStore(embeddings, client, settings.collection)
            self.sentences = SentenceStore(client, f"{settings.collection}_units", embeddings)
            self.questions = QuestionIndex(client, f"{settings.collection}_questions", embeddings)
        except Exception as exc:
            raise IndexUnavailableError(
                f"Cannot open the vector store at {settings.chroma_url or settings.chroma_dir} "
                f"({exc}).",
                "Run 'coach reindex' to rebuild it.",
            ) from exc
        self.lexical = LexicalIndex(settings.lexical_dir)
        if self.lexical.chunk_ids != self._catalog_chunk_ids():
            self._rebuild_lexical()

    def _catalog_chunk_ids(self) -> set[str]:
        return {cid for doc in self.catalog.all() for cid in doc.chunk_ids}

    def _rebuild_lexical(self) -> None:
        self.lexical.rebuild(self.vectors.all_chunks())

    def is_empty(self) -> bool:
        return not self.catalog.all()

    def changed_builtin(self) -> list[Path]:
        """Built-in documents whose file changed since it was indexed (an upgrade, an edit)."""
        changed = []
        for document in self.catalog.all():
            path = Path(document.source)
            if not document.builtin or not path.is_file():
                continue
            if hashlib.sha256(path.read_bytes()).hexdigest() != document.content_hash:
                changed.append(path)
        return changed

    def ingest(
        self,
        paths: Iterable[Path],
        builtin: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IngestReport:
        """Index files and folders; unchanged files cost nothing, bad files are reported."""
        files = expand_paths(paths, skip_readme=builtin)
        report = IngestReport()
        indexed: list[Chunk] = []
        stale: set[str] = set()
        for done, path in enumerate(files, start=1):
            try:
                outcome = self._ingest_file(path, builtin)
                report.merge(outcome.report)
                indexed += outcome.chunks
                stale |= outcome.stale
            except InputError as exc:
                report.failed.append(IngestFailure(path=str(path), error=str(exc)))
            if progress:
                progress(done, len(files), str(path))
        self.lexical.update(indexed, stale)
        return report

    def _unique_doc_id(self, wanted: str, source: str) -> str:
        owner = self.catalog.get(wanted)
        if owner is None or owner.source == source:
            return wanted
        return f"{wanted}-{hashlib.sha1(source.encode()).hexdigest()[:6]}"

    def _ingest_file(self, path: Path, builtin: bool) -> FileOutcome:
        document = load_file(path, max_bytes=int(self.settings.max_file_mb * 1_000_000))
        previous = self.catalog.by_source(document.source)
        document.doc_id = (
            previous.doc_id if previous else self._unique_doc_id(document.doc_id, document.source)
        )
        if (
            previous
            and previous.content_hash == document.content_hash
            and len(self.vectors.existing_ids(previous.chunk_ids)) == len(previous.chunk_ids)
        ):
            return FileOutcome(IngestReport(unchanged=[document.doc_id]), [], set())
        chunks = chunk_document(document, max_chars=self.settings.chunk_chars)
        if not chunks:
            raise InputError(
                f"{path}: has no passage of text long enough to index.",
                "Add a few sentences of content to it.",
            )
        new_ids = [chunk.id for chunk in chunks]
        encoded_before = self.embeddings.texts_encoded
        stored = self.vectors.existing_ids(new_ids)
        fresh = [chunk for chunk in chunks if chunk.id not in stored]
        self.sentences.upsert(fresh)
        self.vectors.upsert(fresh)
        stale = sorted(set(previous.chunk_ids) - set(new_ids)) if previous else []
        self.vectors.delete(stale)
        self.sentences.delete_chunks(stale)
        self.questions.replace(document.doc_id, document.questions)
        self.catalog.put(
            document.doc_id,
            document.source,
            document.title,
            document.content_hash,
            new_ids,
            builtin,
        )
        outcome = "updated" if previous else "added"
        report = IngestReport(
            **{outcome: [document.doc_id]},
            chunks_added=len(fresh),
            chunks_removed=len(stale),
            embedded=self.embeddings.texts_encoded - encoded_before,
        )
        return FileOutcome(report, chunks, set(stale))

    def find(self, doc_id_or_path: str) -> DocumentInfo:
        """Look a document up by id or by the path it was ingested from."""
        found = self.catalog.get(doc_id_or_path)
        if found is None:
            found = self.catalog.by_source(str(Path(doc_id_or_path).expanduser().resolve()))
        if found is None:
            raise InputError(
                f"No document '{doc_id_or_path}' in the index.",
                "Run 'coach list' to see document ids.",
            )
        return found

    def remove(self, doc_id_or_path: str) -> DocumentInfo:
        """Remove a document and its chunks from both indexes and the catalog."""
        document = self.find(doc_id_or_path)
        self.vectors.delete(document.chunk_ids)
        self.sentences.delete_chunks(document.chunk_ids)
        self.questions.delete(document.doc_id)
        self.catalog.delete(document.doc_id)
        self.lexical.update([], set(document.chunk_ids))
        return document

    def reindex(self, progress: ProgressCallback | None = None) -> IngestReport:
        """Rebuild everything from the knowledge folder and the user documents in the catalog."""
        user_sources = [Path(doc.source) for doc in self.catalog.all() if not doc.builtin]
        try:
            self.vectors.reset()
            self.sentences.reset()
            self.questions.reset()
        except Exception as exc:
            raise CoachError(f"Could not reset the vector store ({exc}).") from exc
        self.catalog.clear()
        report = self.ingest([self.settings.knowledge_dir], builtin=True, progress=progress)
        report.merge(self.ingest(user_sources, progress=progress))
        self._rebuild_lexical()
        return report
