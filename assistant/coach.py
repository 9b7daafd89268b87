"""The Coach facade: the one API that the CLI, the UI and the evals all use."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from assistant.config import RetrievalMode, Settings, enforce_offline
from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.knowledge_index import KnowledgeIndex, ProgressCallback
from assistant.models import DocumentInfo, IngestReport, RetrievedChunk
from assistant.retrieval import HybridRetriever, Reranker, RetrievalOptions


class Coach:
    """Mentorship coaching assistant over a knowledge index."""

    def __init__(self, settings: Settings, reranker: Reranker | None = None) -> None:
        enforce_offline()
        self.settings = settings
        self.embeddings = PackagedEmbeddings()
        self.index = KnowledgeIndex(settings, self.embeddings)
        self.retriever = HybridRetriever(
            self.embeddings, self.index.vectors, self.index.lexical, reranker
        )

    @classmethod
    def open(
        cls,
        home: str | Path | None = None,
        progress: ProgressCallback | None = None,
        **overrides: Any,
    ) -> Coach:
        """Open (and on first use build) the index under ``home`` or ``COACH_HOME``."""
        if home is not None:
            overrides["home"] = Path(home)
        coach = cls(Settings(**overrides))
        if coach.index.is_empty():
            coach.index.ingest([coach.settings.knowledge_dir], builtin=True, progress=progress)
        return coach

    @cached_property
    def home(self) -> Path:
        return self.settings.home

    def ingest(
        self, paths: list[str | Path], progress: ProgressCallback | None = None
    ) -> IngestReport:
        """Add or update the user's own documents (files or folders)."""
        return self.index.ingest([Path(p).expanduser() for p in paths], progress=progress)

    def documents(self) -> list[DocumentInfo]:
        """Every indexed document, built-in knowledge first."""
        return self.index.catalog.all()

    def remove(self, doc_id_or_path: str) -> DocumentInfo:
        """Remove a document by id or source path."""
        return self.index.remove(doc_id_or_path)

    def reindex(self, progress: ProgressCallback | None = None) -> IngestReport:
        """Rebuild the indexes from the knowledge folder and the catalog."""
        return self.index.reindex(progress=progress)

    def search(
        self,
        query: str,
        k: int | None = None,
        mode: RetrievalMode | None = None,
        role: str | None = None,
    ) -> list[RetrievedChunk]:
        """The chunks retrieval returns for a query, best first, with scores."""
        options = RetrievalOptions(
            k=k or self.settings.top_k, mode=mode or self.settings.retrieval, role=role
        )
        return self.retriever.retrieve(query, options).chunks
