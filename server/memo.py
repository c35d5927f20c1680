"""A small bounded memo for values computed once per release (parsed ontology, page models,
statistics, rendered descriptions): one lock and one size rule instead of one per module.

Keys carry the release (or store path), so a new release makes new entries; when the memo is
full it is cleared rather than made an LRU, because entries of a past release are never read
again and a handful of live entries is rebuilt in milliseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Memo(Generic[V]):
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: dict[Hashable, V] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value for ``key``, made (outside the lock) the first time it is asked for."""
        with self._lock:
            if key in self._entries:
                return self._entries[key]
        value = make()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = value
        return value
