"""A bounded in-process memo for values read by content-hash id (they never change, so they
never go stale; the bound keeps a long-running server's memory flat on a large index)."""

from __future__ import annotations

import threading
from typing import Any, TypeVar

V = TypeVar("V")


class Memo(dict[str, V]):
    """A dict that forgets its oldest entries beyond ``limit`` (first in, first out: cheaper
    than LRU bookkeeping on every read, and enough for ids that are re-read in bursts)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self._lock = threading.Lock()  # a server answers several questions at once

    def __setitem__(self, key: str, value: V) -> None:
        with self._lock:
            super().__setitem__(key, value)
            while len(self) > self.limit:
                super().pop(next(iter(self)), None)

    def update(self, *args: Any, **kwargs: V) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value
