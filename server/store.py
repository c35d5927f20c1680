"""The current publication's Oxigraph store, reopened when a new build swaps ``dist``.

Each worker process opens the release folder read-only; checking the link's target on each
request costs one ``readlink`` and lets a rebuild go live without restarting the server.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pyoxigraph

from kg.publication import Publication


class NoPublication(RuntimeError):
    """Nothing has been built yet: the server answers 503 rather than crash."""


class StoreHolder:
    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self._lock = threading.Lock()
        self._publication: Publication | None = None
        self._store: pyoxigraph.Store | None = None

    def get(self) -> tuple[Publication, pyoxigraph.Store]:
        publication = Publication.current(self.dist)
        if publication is None:
            raise NoPublication(f"no publication at {self.dist}: run `kg build` first")
        with self._lock:
            if self._publication is None or self._publication.root != publication.root:
                self._store = pyoxigraph.Store.read_only(str(publication.store_path))
                self._publication = publication
            assert self._store is not None
            return self._publication, self._store
