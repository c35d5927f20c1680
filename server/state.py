"""The current publication's Oxigraph store, reopened when a new build swaps ``dist``.

Each worker process opens the release folder read-only; checking the link's target on each
request costs one ``readlink`` and lets a rebuild go live without restarting the server.

On an admin server (``KG_ADMIN_TOKEN`` set) the data may have been edited since the release was
built; ``redirect`` then names the store to read instead: the newest read-only snapshot of the
admin working copy (see ``server.sparql.admin``). The release folder itself never changes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph

from kg.release.publication import Publication

if TYPE_CHECKING:
    from flask import Flask


class NoPublication(RuntimeError):
    """Nothing has been built yet: the server answers 503 rather than crash."""


class StoreHolder:
    def __init__(
        self, dist: Path, redirect: Callable[[Publication], Path] | None = None,
        base_uri: str | None = None,
    ) -> None:
        self.dist = dist
        self._link = os.fspath(dist)  # readlink of a Path converts it on every call (~0.3 us)
        self.redirect = redirect
        self.base_uri = base_uri
        self._lock = threading.Lock()
        self._seen: tuple[str, Publication] | None = None  # (link target, its publication)
        self._publication: Publication | None = None
        self._path: Path | None = None
        self._store: pyoxigraph.Store | None = None

    def publication(self) -> Publication:
        """The live publication, without opening its store (the SPARQL executors do that).

        One ``readlink`` per request: while the link still names the same release folder
        (releases are immutable), the publication found for it last time is still right.
        """
        try:
            target = os.readlink(self._link)
        except OSError:
            target = None
        seen = self._seen
        if target is not None and seen is not None and seen[0] == target:
            return seen[1]
        publication = Publication.current(self.dist)
        if publication is None:
            raise NoPublication(
                f"no publication at {self.dist}: nothing has been built yet; run `kg build`"
            )
        built_for = publication.manifest.get("base_uri")
        if self.base_uri and built_for and built_for != self.base_uri:
            # every URI in it would be foreign to this server: say so instead of 404-ing them
            raise NoPublication(
                f"the release at {self.dist} was built for base URI {built_for}, but this "
                f"server uses KG_BASE_URI={self.base_uri}; rebuild with `kg build "
                f"--base-uri {self.base_uri}` or serve with KG_BASE_URI={built_for}"
            )
        if target is not None:
            self._seen = (target, publication)
        return publication

    def store_path(self, publication: Publication) -> Path:
        """The store to read for ``publication``: its own, or the admin snapshot."""
        return self.redirect(publication) if self.redirect else publication.store_path

    def query_store(self, publication: Publication) -> str:
        """What SPARQL queries run on: the admin snapshot, else the release's store, embedded
        (a path) or remote (``Publication.query_store``)."""
        return str(self.redirect(publication)) if self.redirect else publication.query_store

    def get(self) -> tuple[Publication, pyoxigraph.Store]:
        publication = self.publication()
        path = self.store_path(publication)
        with self._lock:
            if self._store is None or self._path != path:
                self._store = None  # let RocksDB release the old release first
                self._store = pyoxigraph.Store.read_only(str(path))
                self._path = path
                self._publication = publication
            assert self._publication is not None
            return self._publication, self._store


def init_app(app: Flask) -> None:
    """The app's view of the live publication (an admin server later points it at its copy)."""
    settings = app.config["KG_SETTINGS"]
    app.extensions["kg_store"] = StoreHolder(settings.dist_dir, base_uri=settings.base_uri)


def store(app: Flask) -> StoreHolder:
    return app.extensions["kg_store"]
