"""Publication: dumps in five formats (and gzip), VoID, the SHACL report and an Oxigraph store,
swapped in atomically so that a failed or interrupted build never replaces a good publication."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph
from rdflib import Dataset, Graph

from kg.release.publication import (
    DUMP_FORMATS,
    MANIFEST_FILE,
    ONTOLOGY_FILE,
    REPORT_FILE,
    SHAPES_FILE,
    STORE_DIR,
    VOID_FILE,
    Publication,
    releases_dir,
)
from kg.uris import Kind

KEEP_RELEASES = 3
STALE_STAGING_SECONDS = 3600  # a staging folder this old belongs to a build that died
Progress = Callable[[str], None]


def serialise(dataset: Dataset, name: str) -> bytes:
    """One dump, byte-stable: line formats are sorted, Turtle/TriG/JSON-LD come from sorted input.
    A triples format gets the union of all graphs, a dataset format the graphs themselves."""
    fmt = DUMP_FORMATS[name]
    source: Graph | Dataset = dataset if fmt.dataset else union_graph(dataset)
    if fmt.rdflib in ("nt", "nquads"):
        lines = source.serialize(format=fmt.rdflib, encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(set(line for line in lines if line.strip()))) + "\n").encode()
    if fmt.rdflib == "json-ld":
        return source.serialize(format="json-ld", encoding="utf-8", sort_keys=True, indent=1)
    return source.serialize(format=fmt.rdflib, encoding="utf-8")


def union_graph(dataset: Dataset) -> Graph:
    """All triples of all graphs in one graph, with the dataset's prefixes."""
    graph = Graph(bind_namespaces="core")
    for prefix, ns in dataset.namespaces():
        graph.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in sorted(dataset.quads((None, None, None, None))):
        graph.add((s, p, o))
    return graph


def gzip_bytes(data: bytes) -> bytes:
    """gzip with a fixed mtime and no file name, so the .gz copies are byte-stable too."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def publish(
    dataset: Dataset,
    dist: Path,
    *,
    base_uri: str,
    void: Graph,
    report: Graph,
    ontology: Graph,
    shapes: Graph,
    extra_manifest: dict | None = None,
    progress: Progress = lambda _msg: None,
) -> Publication:
    """Write a complete release next to ``dist`` and point ``dist`` at it, atomically."""
    releases = releases_dir(dist)
    releases.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    staging = Path(tempfile.mkdtemp(prefix=f".{stamp}-", dir=releases))
    staging.chmod(0o755)  # mkdtemp makes it private; the server may run as another user
    try:
        files: dict[str, dict] = {}
        for name in DUMP_FORMATS:
            progress(f"writing {name}")
            data = serialise(dataset, name)
            _write(staging / name, data, files)
            _write(staging / f"{name}.gz", gzip_bytes(data), files)
        for name, graph in (
            (VOID_FILE, void),
            (REPORT_FILE, report),
            (ONTOLOGY_FILE, ontology),
            (SHAPES_FILE, shapes),
        ):
            _write(staging / name, graph.serialize(format="turtle", encoding="utf-8"), files)
        progress("loading the Oxigraph store")
        quads = load_store(staging, base_uri)
        content_id = hashlib.sha256((staging / "kg.nq").read_bytes()).hexdigest()[:12]
        manifest = {
            "release": f"{stamp}-{content_id}",
            "base_uri": base_uri,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "quads": quads,
            "files": files,
            **(extra_manifest or {}),
        }
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        final = releases / manifest["release"]
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_link(dist, final)
    prune(releases, keep=final)
    return Publication(final)


def load_store(release: Path, base_uri: str) -> int:
    """Fill a fresh on-disk Oxigraph store from the N-Quads dump, plus the VoID description and
    the ontology in graphs of their own, so that queries can use term labels and dataset counts."""
    store = pyoxigraph.Store(str(release / STORE_DIR))
    store.bulk_load(path=str(release / "kg.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    void_graph = Kind.GRAPH.iri(base_uri, "void")
    for name, graph in ((VOID_FILE, void_graph), (ONTOLOGY_FILE, f"{base_uri}ontology")):
        store.bulk_load(path=str(release / name), format=pyoxigraph.RdfFormat.TURTLE,
                        to_graph=pyoxigraph.NamedNode(graph))
    store.flush()
    count = len(store)
    del store  # release the RocksDB lock before readers open it
    return count


def swap_link(dist: Path, target: Path) -> None:
    """Point ``dist`` at ``target`` with one atomic rename of a fresh symbolic link."""
    if dist.exists() and not dist.is_symlink():
        raise FileExistsError(f"{dist} is a real folder, not a publication link; move it away first")
    tmp = dist.with_name(f".{dist.name}.{os.getpid()}.link")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(os.path.relpath(target, dist.parent))
    os.replace(tmp, dist)


def prune(releases: Path, keep: Path, count: int = KEEP_RELEASES) -> None:
    """Drop old releases (a server may still be reading the previous ones) and stale staging."""
    finished = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in finished[:-count]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    cutoff = time.time() - STALE_STAGING_SECONDS
    for stale in releases.glob(".*"):
        if stale.is_dir() and stale.stat().st_mtime < cutoff:
            shutil.rmtree(stale, ignore_errors=True)


def _write(path: Path, data: bytes, files: dict[str, dict]) -> None:
    path.write_bytes(data)
    files[path.name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
