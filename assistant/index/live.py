"""The live knowledge index of a data folder, shared safely by several processes.

Writes (ingest, remove, reindex, repair) hold the folder's writer lock and re-open the index
first if another process committed meanwhile: an embedded Chroma client keeps its vector index
in memory, and one written from a stale copy loses the other process's vectors. Reads re-open
it when ``index.json`` changed, so a running UI answers from documents the CLI just ingested.
A rebuild builds the next generation beside the live one and swaps the pointer when complete.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.config import Settings
from assistant.errors import IndexUnavailableError, StoreDamagedError
from assistant.index.catalog import Catalog
from assistant.index.embeddings import PackagedEmbeddings
from assistant.index.folder import DataFolder, IndexLayout, WaitCallback
from assistant.index.knowledge_index import KnowledgeIndex, ProgressCallback, expand_paths
from assistant.models import DocumentInfo, IndexCheck, IngestFailure, IngestReport

log = logging.getLogger(__name__)


class LiveIndex:
    """Opens the live generation, keeps it current, and runs every write under the lock."""

    def __init__(
        self,
        settings: Settings,
        embeddings: PackagedEmbeddings,
        on_wait: WaitCallback | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.on_wait = on_wait
        self.folder = DataFolder(settings.home, settings.lock_timeout_s)
        self._refresh_lock = threading.RLock()
        self.broken: IndexUnavailableError | None = None
        self.last_check: IndexCheck | None = None
        self._index: KnowledgeIndex | None = None
        self._reopen()

    def _layout(self, generation: int) -> IndexLayout:
        return IndexLayout.of(self.settings, generation)

    def _open(self, generation: int) -> KnowledgeIndex:
        return KnowledgeIndex(self.settings, self.embeddings, self._layout(generation))

    def current(self) -> KnowledgeIndex:
        """The live index, re-opened first when another process committed a write; a live
        index that cannot be opened raises its error (``reindex`` rebuilds it)."""
        with self._refresh_lock:
            if self.folder.signature() != self._signature:
                self._reopen()
            if self._index is None:
                assert self.broken is not None
                raise self.broken
            return self._index

    def _reopen(self) -> None:
        self._signature = self.folder.signature()
        if self._index is not None:
            self._index.close()
        self._index, self.broken = None, None
        try:
            self._index = self._open(self.folder.state().generation)
        except IndexUnavailableError as exc:  # a damaged vector store
            self.broken = exc

    @contextmanager
    def _locked(self, operation: str) -> Iterator[None]:
        """The writer lock, with the index re-opened first if another process committed."""
        with self._refresh_lock, self.folder.writing(operation, self.on_wait):
            if self.folder.signature() != self._signature:
                self._reopen()
            yield
        self._signature = self.folder.signature()  # this process's own commit

    @contextmanager
    def writing(self, operation: str) -> Iterator[KnowledgeIndex]:
        """The live index under the writer lock, current and checked (a dead writer's journal
        means a repair first); committed when the block ends."""
        with self._locked(operation):
            index = self.current()
            if index.catalog_lost:  # before any repair
                restored = index.restore_catalog()
                log.warning("Catalog rebuilt from the vector store: %d documents", restored)
            if self.folder.interrupted:
                self.folder.interrupted = False
                self.last_check = self._repair(index, interrupted=True)
            yield index

    def settle(self) -> None:
        """At open: restore a lost catalog, finish an interrupted write, remove what a crashed
        rebuild left, and repair stores out of step with the catalog. Skipped while another
        process is writing (its half-done work is not damage)."""
        if self.broken or self.folder.locked_by_other():
            return
        index = self.current()
        needs_work = (
            self.folder.journal.exists()
            or index.catalog_lost
            or not index.quick_check()
            or self._leftovers()
        )
        if not needs_work:
            return
        with self.writing("repair") as index:
            self.folder.remove_generations(index.layout.generation, self._layout)
            if not index.quick_check():
                self.last_check = self._repair(index, interrupted=False)

    def _leftovers(self) -> bool:
        generation = self.current().layout.generation
        legacy = generation != 0 and self._layout(0).catalog_path.exists()
        return bool(self.folder.built_generations() - {generation}) or legacy

    def _repair(self, index: KnowledgeIndex, interrupted: bool) -> IndexCheck:
        found = index.check()
        found.interrupted_write = interrupted
        if found.consistent:
            return found
        repaired = index.repair(found)
        log.warning("Index repaired: %s", "; ".join(repaired.repaired) or "nothing to do")
        after = index.check()  # what the caller sees is the state after the repair
        return after.model_copy(
            update={
                "interrupted_write": interrupted,
                "repaired": repaired.repaired,
                "unresolved": repaired.unresolved,
            }
        )

    def doctor(self, repair: bool) -> IndexCheck:
        """Check every store against the catalog id by id; repair what is out of step."""
        if not repair:
            found = self.current().check()
            found.interrupted_write = (
                self.folder.journal.exists() and not self.folder.locked_by_other()
            )
            return found
        with self.writing("doctor") as index:
            done = self._repair(index, interrupted=False)
        earlier = self.last_check  # what opening the index already repaired, if anything
        if earlier is None:
            return done
        return done.model_copy(
            update={
                "interrupted_write": earlier.interrupted_write,
                "repaired": earlier.repaired + done.repaired,
                "unresolved": list(dict.fromkeys(earlier.unresolved + done.unresolved)),
            }
        )

    def reindex(self, progress: ProgressCallback | None = None) -> IngestReport:
        """Build the next generation beside the live one from the knowledge folder, the
        catalogued user documents and ``COACH_HOME/documents``, reusing stored vectors of
        unchanged chunks; then switch to it atomically. A crash before the switch leaves the
        live index as it was; user documents whose file is gone are copied over, not dropped.
        A live index too damaged to open is rebuilt from its catalog and the files."""
        with self._locked("reindex"):
            previous = self._index
            live = self.folder.state().generation
            self.folder.remove_generations(live, self._layout)  # a crashed rebuild's leftovers
            target = self._layout(live + 1)
            if previous:
                previous.drop_collections(target)
            fresh = KnowledgeIndex(
                self.settings, self.embeddings, target, donor=previous.vectors if previous else None
            )
            report, kept_previous = self._rebuild(previous, live, fresh, progress)
            fresh.close()
            self.folder.commit(generation=target.generation)
            if previous:
                previous.close()
            self._reopen()
            if kept_previous:
                self._set_aside(self._layout(live))
            elif self._index:
                self._index.drop_collections(self._layout(live))
            self.folder.remove_generations(target.generation, self._layout)
        return report

    def _user_documents(self, previous: KnowledgeIndex | None, live: int) -> list[DocumentInfo]:
        try:
            catalog = previous.catalog if previous else Catalog(self._layout(live).catalog_path)
            return [d for d in catalog.all() if not d.builtin]
        except StoreDamagedError:
            log.warning("The catalog is damaged too: rebuilding from the files", exc_info=True)
            return []

    def _rebuild(
        self,
        previous: KnowledgeIndex | None,
        live: int,
        fresh: KnowledgeIndex,
        progress: ProgressCallback | None,
    ) -> tuple[IngestReport, bool]:
        users = self._user_documents(previous, live)
        sources = {d.source for d in users}
        uploads = [
            path
            for path in expand_paths([self.settings.home / "documents"])
            if str(path.resolve()) not in sources
        ]
        readable = [Path(d.source) for d in users if Path(d.source).is_file()]
        if previous:  # a program lead's approvals of held sections outlive the generation
            fresh.catalog.approve(sorted(previous.catalog.approved()))
        report = fresh.ingest([self.settings.knowledge_dir], builtin=True, progress=progress)
        report.merge(fresh.ingest(readable + uploads, progress=progress))
        failed = {f.path for f in report.failed}
        orphans = [
            d for d in users if not Path(d.source).is_file() or str(Path(d.source)) in failed
        ]
        if not orphans:
            return report, False
        try:
            if previous is None:
                raise IndexUnavailableError("the previous vector store cannot be opened")
            report.kept += fresh.adopt(previous, orphans)
            return report, False
        except Exception as exc:  # the previous index is unreadable: keep its files
            log.warning("Cannot copy documents from the previous index", exc_info=True)
            report.failed.append(
                IngestFailure(
                    path=str(self._layout(live).chroma_dir),
                    error=f"{len(orphans)} documents whose files are gone could not be "
                    f"copied from the previous index ({exc}); its files are kept in "
                    f"{self.settings.home / 'kept'}.",
                )
            )
            return report, True

    def _set_aside(self, layout: IndexLayout) -> None:
        """Move a replaced generation's files where no clean-up removes them."""
        kept = self.settings.home / "kept" / f"g{layout.generation}-{int(time.time())}"
        kept.mkdir(parents=True)
        for path in layout.paths():
            if path.exists():
                path.rename(kept / path.name)
