"""A per-worker cache of answered queries, so a repeated query costs no executor round trip.

A release never changes, and every admin write makes a new snapshot with a new path, so an
answer keyed on (store path, query text, dataset, formats, row cap) stays right for as long
as that store is served: there is nothing to invalidate. Queries whose answer may differ
from one run to the next (``RAND``, ``NOW``, ``UUID``, ``STRUUID``, ``BNODE``) are never kept.
Least recently used answers go first once ``KG_QUERY_CACHE_MB`` is reached; 0 turns it off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from server.sparql_syntax import Shape

VOLATILE = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})


@dataclass(frozen=True)
class Answer:
    kind: str
    format: str
    body: bytes
    rows: int
    truncated: bool


class ResultCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, tuple[Answer, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def cacheable(shape: Shape) -> bool:
        return not (shape.keywords & VOLATILE)

    def get(self, key: tuple) -> Answer | None:
        if not self.max_bytes:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: tuple, answer: Answer) -> None:
        cost = len(answer.body) + sum(len(part) for part in key if isinstance(part, str))
        if not self.max_bytes or cost > self.max_bytes // 8:  # one answer may not evict all
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._entries[key] = (answer, cost)
            self._size += cost
            while self._size > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped
