"""The copies of uploaded files kept in ``COACH_HOME/documents`` (what 'reindex' reads again).

An upload under a name already kept replaces that copy, so an edited handbook updates its
document instead of adding a second one; a copy whose ingest fails is taken back (the earlier
version restored, or the new file removed), so a refused file never reaches the index later.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from assistant.models import IngestReport


class KeptCopies:
    """Copies uploads into ``folder`` and takes back those that fail (use it as a context: an
    ingest that raises takes back every copy it made)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._earlier: dict[Path, bytes | None] = {}  # each copy's previous content, if any

    def keep(self, paths: Iterable[Path]) -> list[Path]:
        """The kept copies of ``paths`` (a path that is not a file is left for ingest to report)."""
        return [self._keep(path) if path.is_file() else path for path in paths]

    def _keep(self, path: Path) -> Path:
        kept = self.folder / path.name
        if kept not in self._earlier:  # the same name twice in one upload: the last one wins
            self.folder.mkdir(parents=True, exist_ok=True)
            self._earlier[kept] = kept.read_bytes() if kept.is_file() else None
        shutil.copyfile(path, kept)
        return kept

    def take_back(self, report: IngestReport) -> None:
        """Undo the copies of the files that failed."""
        failed = {failure.path for failure in report.failed}
        self._undo([kept for kept in self._earlier if str(kept) in failed])

    def _undo(self, copies: list[Path]) -> None:
        for kept in copies:
            earlier = self._earlier.pop(kept)
            if earlier is None:
                kept.unlink(missing_ok=True)
            else:
                kept.write_bytes(earlier)

    def __enter__(self) -> KeptCopies:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if error is not None:
            self._undo(list(self._earlier))
