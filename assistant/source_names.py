"""How a stored document's path is shown to people: never a server's absolute path.

The index keeps each document's real path (it is the file's identity, read again by reindex
and repair); what the Coach hands to its front ends names it relative to the data folder
(``documents/handbook.md``), a built-in guide as ``knowledge/<file>``, and any other file by its
name, so a remote user of ``coach serve`` learns nothing of the server's folders.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TypeVar

from assistant.drafting.models import Draft
from assistant.models import Answer, Citation, DocumentInfo, IngestReport, RetrievedChunk

Sourced = TypeVar("Sourced", RetrievedChunk, Citation, DocumentInfo)
DraftT = TypeVar("DraftT", bound=Draft)


class SourceNames:
    """Presents stored paths relative to the data folder and the built-in knowledge."""

    def __init__(self, home: Path, knowledge: Path) -> None:
        self._roots = ((knowledge, "knowledge"), (home, "."))

    def __call__(self, source: str) -> str:
        """The name shown for a stored path (a name already relative stays as it is)."""
        path = Path(source)
        if not path.is_absolute():
            return source
        for root, shown_as in self._roots:
            if path.is_relative_to(root):
                return PurePosixPath(shown_as, *path.relative_to(root).parts).as_posix()
        return path.name

    def each(self, items: list[Sourced]) -> list[Sourced]:
        """Copies of ``items`` with their ``source`` shown."""
        return [item.model_copy(update={"source": self(item.source)}) for item in items]

    def answer(self, answer: Answer) -> Answer:
        return answer.model_copy(
            update={
                "citations": self.each(answer.citations),
                "contexts": self.each(answer.contexts),
            }
        )

    def draft(self, draft: DraftT) -> DraftT:
        return draft.model_copy(update={"citations": self.each(draft.citations)})

    def report(self, report: IngestReport) -> IngestReport:
        """The report with each failed file and its error naming the file as shown."""
        failed = [
            failure.model_copy(
                update={
                    "path": self(failure.path),
                    "error": failure.error.replace(failure.path, self(failure.path)),
                }
            )
            for failure in report.failed
        ]
        return report.model_copy(update={"failed": failed})
