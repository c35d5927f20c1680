"""A per-worker cache of answered queries, so a repeated query costs no executor round trip.

A release never changes, and every admin write makes a new snapshot with a new path, so an
answer keyed on (store path, query text, dataset, formats, row cap) stays right for as long
as that store is served: there is nothing to invalidate. Queries whose answer may differ
from one run to the next (``RAND``, ``NOW``, ``UUID``, ``STRUUID``, ``BNODE``) are never kept.
Least recently used answers go first once ``KG_QUERY_CACHE_MB`` is reached; 0 turns it off.

The same budget also holds *replays* for ``server.sparql.front``: the complete HTTP response
Flask gave to one exact request (raw query string or body, Accept, Accept-Encoding, Origin,
store path) when it answered from this cache. A replay is only served while the answer it
was made from is still cached, so evicting an answer retires its replays too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import NamedTuple

from server.engine.syntax import Shape

VOLATILE = frozenset({"RAND", "NOW", "UUID", "STRUUID", "BNODE"})
#: First element of a replay's key; an answer's key starts with an absolute store path.
REPLAY = "replay:"


class Answer(NamedTuple):
    """A computed answer. Named tuples, as is ``Replay``: one is made per new lookup, in
    ~0.5 us where a frozen dataclass takes several."""

    kind: str
    format: str
    body: bytes
    rows: int
    truncated: bool


class Replay(NamedTuple):
    """What Flask sent for one exact request answered from the cache (see server.sparql.front)."""

    answer_key: tuple
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    date_at: int  # index of a Date header to refresh on every replay, or -1
    log: tuple[tuple[str, object], ...]  # the fields the access log adds (rows, result, ...)
    kind: str
    truncated: bool


class ResultCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, tuple[Answer | Replay, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self._last = threading.local()  # the key of this thread's last hit (server.sparql.front)

    @staticmethod
    def cacheable(shape: Shape) -> bool:
        return not (shape.keywords & VOLATILE)

    def get(self, key: tuple) -> Answer | None:
        self._last.hit = None
        if not self.max_bytes:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            self._last.hit = key
            return entry[0]  # type: ignore[return-value]

    def put(self, key: tuple, answer: Answer) -> None:
        if not self.max_bytes:  # off: not even the cost is worth computing
            return
        cost = len(answer.body) + sum(len(part) for part in key if isinstance(part, str))
        self._store(key, answer, cost)

    def take_last_hit(self) -> tuple | None:
        """The key of the answer this thread's last ``get`` found (then forgotten), or None."""
        key = getattr(self._last, "hit", None)
        self._last.hit = None
        return key

    def get_replay(self, key: tuple) -> Replay | None:
        """The replay stored under ``key`` while its answer is still cached (both refreshed)."""
        if not self.max_bytes:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            replay: Replay = entry[0]  # type: ignore[assignment]
            if replay.answer_key not in self._entries:  # its answer was evicted: retire it
                del self._entries[key]
                self._size -= entry[1]
                return None
            self._entries.move_to_end(replay.answer_key)
            self._entries.move_to_end(key)
            return replay

    def put_replay(self, key: tuple, replay: Replay) -> None:
        if not self.max_bytes:
            return
        cost = len(replay.body) + sum(
            len(part) for part in key if isinstance(part, (str, bytes))
        ) + sum(len(name) + len(value) for name, value in replay.headers)
        self._store(key, replay, cost)

    def _store(self, key: tuple, value: Answer | Replay, cost: int) -> None:
        if not self.max_bytes or cost > self.max_bytes // 8:  # one answer may not evict all
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._entries[key] = (value, cost)
            self._size += cost
            while self._size > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._size -= dropped
