"""The data folder's index state: which generation of the index is live, one writer at a time,
and a journal that tells the next process a write was interrupted.

- ``index.json`` names the live generation and a revision bumped by every committed write. It is
  replaced atomically (write, fsync, rename), so a rebuild that builds a new generation beside the
  live one and then rewrites this file leaves either the old or the new index, both complete.
  Other processes compare its stat signature before each request to see each other's writes.
- ``write.lock`` (an OS file lock, released by the kernel when its holder dies, even by kill -9)
  serialises writers; a writer that must wait is told who holds it.
- ``write.journal`` exists while a write is under way; found by a process that holds the lock, it
  means the last writer died part-way and the index must be checked and repaired.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from filelock import FileLock, Timeout

from assistant.config import Settings
from assistant.errors import IndexBusyError

WaitCallback = Callable[[str], None]


class IndexLayout(NamedTuple):
    """Where one generation of the index keeps its files and collections."""

    generation: int
    chroma_dir: Path
    collection: str
    catalog_path: Path
    lexical_dir: Path

    @classmethod
    def of(cls, settings: Settings, generation: int) -> IndexLayout:
        """Generation 0 is the layout of earlier releases (files directly under COACH_HOME);
        later generations live in ``COACH_HOME/index/g<N>`` with suffixed collection names
        (a Chroma server holds every generation side by side)."""
        if generation == 0:
            return cls(
                0,
                settings.chroma_dir,
                settings.collection,
                settings.home / "catalog.sqlite3",
                settings.home / "lexical",
            )
        root = generation_root(settings.home, generation)
        chroma_dir = (
            settings.chroma_path.with_name(f"{settings.chroma_path.name}-g{generation}")
            if settings.chroma_path
            else root / "chroma"
        )
        return cls(
            generation,
            chroma_dir,
            f"{settings.collection}-g{generation}",
            root / "catalog.sqlite3",
            root / "lexical",
        )

    def paths(self) -> list[Path]:
        """The files and folders of this generation, for removal once it is replaced."""
        return [self.chroma_dir, self.catalog_path, self.lexical_dir]


def generation_root(home: Path, generation: int) -> Path:
    return home / "index" / f"g{generation}"


class IndexState(NamedTuple):
    generation: int
    revision: int


class DataFolder:
    """The live-generation pointer, the writer lock and the write journal of one COACH_HOME."""

    def __init__(self, home: Path, lock_timeout_s: float) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.home = home
        self.pointer = home / "index.json"
        self.journal = home / "write.journal"
        self._lock = FileLock(home / "write.lock")
        self._timeout = lock_timeout_s
        self._depth = 0
        self.interrupted = False  # set when a lock holder finds a dead writer's journal

    def state(self) -> IndexState:
        """The live generation and revision (0, 0 for a folder of an earlier release)."""
        try:
            data = json.loads(self.pointer.read_text())
            return IndexState(int(data["generation"]), int(data["revision"]))
        except FileNotFoundError:
            return IndexState(0, 0)
        except (ValueError, KeyError, TypeError, OSError):
            return IndexState(self._newest_complete_generation(), 0)

    def built_generations(self) -> set[int]:
        """The generations that have a folder under ``COACH_HOME/index`` (finished or not)."""
        return {
            int(path.name[1:])
            for path in (self.home / "index").glob("g*")
            if path.name[1:].isdigit()
        }

    def _newest_complete_generation(self) -> int:
        """A damaged pointer is rebuilt from the generations that finished building."""
        complete = [
            generation
            for generation in self.built_generations()
            if (generation_root(self.home, generation) / "COMPLETE").exists()
        ]
        return max(complete, default=0)

    def signature(self) -> tuple[int, int] | None:
        """Changes whenever another process commits a write (cheap: one stat)."""
        try:
            stat = self.pointer.stat()
        except FileNotFoundError:
            return None
        return stat.st_ino, stat.st_mtime_ns

    def commit(self, generation: int | None = None) -> IndexState:
        """Record a finished write (and, for a rebuild, the new live generation) atomically."""
        current = self.state()
        state = IndexState(
            current.generation if generation is None else generation, current.revision + 1
        )
        if generation:
            marker = generation_root(self.home, generation) / "COMPLETE"
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        _write_atomically(self.pointer, json.dumps(state._asdict()))
        return state

    def locked_by_other(self) -> bool:
        """Whether another process is writing now."""
        if self._depth:
            return False
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return True
        self._lock.release()
        return False

    @contextmanager
    def writing(self, operation: str, on_wait: WaitCallback | None = None) -> Iterator[None]:
        """Hold the writer lock (re-entrant) with the journal written; commit on success.

        A write that raises keeps its journal: the index may be half-written, and the next
        process to hold the lock checks and repairs it."""
        if self._depth == 0:
            self._acquire(operation, on_wait)
        self._depth += 1
        try:
            yield
            if self._depth == 1:
                self.journal.unlink(missing_ok=True)
                self.commit()
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._lock.release()

    def _acquire(self, operation: str, on_wait: WaitCallback | None) -> None:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            holder = self._holder()
            if on_wait:
                on_wait(f"Busy: {holder} is writing to {self.home}; waiting for it to finish…")
            started = time.monotonic()
            try:
                self._lock.acquire(timeout=self._timeout, poll_interval=0.25)
            except Timeout:
                raise IndexBusyError(
                    f"{self.home} is still being written by {holder} after "
                    f"{time.monotonic() - started:.0f} s.",
                    "Try again when it has finished (COACH_LOCK_TIMEOUT_S sets how long to wait).",
                ) from None
        self.interrupted = self.interrupted or self.journal.exists()
        _write_atomically(
            self.journal,
            json.dumps(
                {
                    "pid": os.getpid(),
                    "operation": operation,
                    "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                }
            ),
        )

    def _holder(self) -> str:
        try:
            data = json.loads(self.journal.read_text())
            return f"process {data['pid']} ('coach {data['operation']}', since {data['started']})"
        except (OSError, ValueError, KeyError, TypeError):
            return "another process"

    def remove_generations(self, keep: int, layouts: Callable[[int], IndexLayout]) -> None:
        """Delete the files of every generation but ``keep`` (a replaced or half-built one)."""
        for generation in sorted(({0} | self.built_generations()) - {keep}):
            for path in layouts(generation).paths():
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    with suppress(FileNotFoundError):
                        path.unlink()
            if generation:
                shutil.rmtree(generation_root(self.home, generation), ignore_errors=True)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
