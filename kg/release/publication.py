"""The on-disk layout of a publication, shared by the publisher (writer) and the server (reader).

``dist`` is a symbolic link to one immutable release folder under ``.kg-releases/``.
A new build writes a whole new release and then swaps the link with one ``rename``,
so readers always see either the old publication or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kg import formats

#: Dump file name (``kg.<extension>``) -> its format, in ``kg.formats.DUMPS`` order (Turtle first).
DUMP_FORMATS: dict[str, formats.Format] = {f"kg.{f.extension}": f for f in formats.DUMPS}
#: The same as plain (rdflib format, media type) pairs, for scripts that only want names.
DUMPS: dict[str, tuple[str | None, str]] = {
    name: (f.rdflib, f.media_type) for name, f in DUMP_FORMATS.items()
}
VOID_FILE = "void.ttl"
REPORT_FILE = "validation.ttl"
ONTOLOGY_FILE = "ontology.ttl"
SHAPES_FILE = "shapes.ttl"
MANIFEST_FILE = "manifest.json"
STORE_DIR = "store"
#: The manifest key of a release also loaded into a remote SPARQL store (``kg.release.remote``).
REMOTE_KEY = "remote"
#: How a remote store is named where a store path would be (``server.engine.remote``):
#: ``sparql+<query endpoint>#<release id>``, so an answer cached for one release is not
#: replayed for the next one loaded into the same dataset.
REMOTE_SCHEME = "sparql+"
#: The full-text index (SQLite FTS5) written with the release (``kg.release.search_index``).
SEARCH_FILE = "search.sqlite"
#: A release's changes since the previous one (``kg.release.changes``): N-Quads lines to add
#: to the previous ``kg.nq`` and to drop from it.
ADDED_FILE = "changes.added.nq"
REMOVED_FILE = "changes.removed.nq"
PATCH_FILES = (ADDED_FILE, REMOVED_FILE)


def release_url(base_uri: str, release_id: str) -> str:
    """Where one release stays downloadable by its id (``server.linked_data.feed``): its
    version IRI in VoID, and the folder of its dumps and patches."""
    return f"{base_uri}releases/{release_id}/"


def releases_dir(dist: Path) -> Path:
    return dist.parent / ".kg-releases"


@dataclass(frozen=True)
class Publication:
    """A finished release folder; what the server reads."""

    root: Path

    @classmethod
    def current(cls, dist: Path) -> Publication | None:
        """The publication ``dist`` points at now, or None if nothing was ever published."""
        target = Path(os.path.realpath(dist))
        if not (target / MANIFEST_FILE).is_file():
            return None
        return cls(target)

    @property
    def release_id(self) -> str:
        return self.root.name

    @property
    def store_path(self) -> Path:
        return self.root / STORE_DIR

    @property
    def search_path(self) -> Path:
        return self.root / SEARCH_FILE

    @cached_property
    def manifest(self) -> dict:
        """Read once per Publication: a release folder never changes after it is published."""
        return json.loads((self.root / MANIFEST_FILE).read_text(encoding="utf-8"))

    @property
    def remote(self) -> dict | None:
        """The remote dataset this release was loaded into (its ``query``, ``update``, ``store``
        service URLs, ``dataset`` and ``quads``), or None: the embedded store only."""
        return self.manifest.get(REMOTE_KEY)

    @property
    def query_store(self) -> str:
        """What SPARQL queries of this release run on: the embedded store's path, or the
        remote query endpoint (marked with ``REMOTE_SCHEME`` and the release)."""
        remote = self.remote
        if remote is None:
            return str(self.store_path)
        return f"{REMOTE_SCHEME}{remote['query']}#{self.release_id}"

    def file(self, name: str) -> Path:
        """A published file by name (``kg.ttl``, ``kg.ttl.gz``, ``void.ttl`` ...)."""
        path = (self.root / name).resolve()
        if path.parent != self.root.resolve() or not path.is_file():
            raise FileNotFoundError(name)
        return path
