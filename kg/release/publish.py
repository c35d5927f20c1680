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
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
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
from kg.release.void import describe_store
from kg.uris import Kind
from kg.vocab import prefixes

KEEP_RELEASES = 3
STALE_STAGING_SECONDS = 3600  # a staging folder this old belongs to a build that died
Progress = Callable[[str], None]


def union_graph(dataset: Dataset) -> Graph:
    """All triples of all graphs in one graph, with the dataset's prefixes."""
    graph = Graph(bind_namespaces="core")
    for prefix, ns in dataset.namespaces():
        graph.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in sorted(dataset.quads((None, None, None, None))):
        graph.add((s, p, o))
    return graph


def gzip_file(source: Path, target: Path) -> None:
    """gzip with a fixed mtime and no file name, so the .gz copies are byte-stable too; level 6,
    as gzip itself defaults to: level 9 costs several times the time for ~1% less."""
    with (
        open(source, "rb") as src,
        open(target, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as out,
    ):
        shutil.copyfileobj(src, out, 1 << 20)


def dataset_nquads(dataset: Dataset) -> bytes:
    """An rdflib Dataset as N-Quads, for callers that build one graph in memory (tests, tools)."""
    return dataset.serialize(format="nquads", encoding="utf-8")


def publish(
    dataset: Dataset,
    dist: Path,
    *,
    base_uri: str,
    void: Graph | None = None,
    report: Graph,
    ontology: Graph,
    shapes: Graph,
    extra_manifest: dict | None = None,
    progress: Progress = lambda _msg: None,
) -> Publication:
    """Publish an in-memory rdflib Dataset (see ``publish_quads`` for how)."""
    return publish_quads(
        [dataset_nquads(dataset)], dist, base_uri=base_uri, void=void, report=report,
        ontology=ontology, shapes=shapes, extra_manifest=extra_manifest, progress=progress,
    )


def publish_quads(
    sources: Iterable[Path | bytes],
    dist: Path,
    *,
    base_uri: str,
    void: Graph | None = None,
    report: Graph,
    ontology: Graph,
    shapes: Graph,
    extra_manifest: dict | None = None,
    progress: Progress = lambda _msg: None,
) -> Publication:
    """Write a complete release next to ``dist`` and point ``dist`` at it, atomically.

    The data arrives as N-Quads (files or bytes, e.g. one per article) and goes straight into
    Oxigraph's bulk loader: nothing holds the whole graph in rdflib. Every dump is written by
    Oxigraph's own serialisers from a store, whose order depends only on the quads it holds, so
    the same data gives the same bytes however it was reached. Triple formats (Turtle,
    N-Triples) are the union of all graphs, each triple once; dataset formats keep the graphs.
    Without ``void``, the VoID description is computed from the loaded store."""
    releases = releases_dir(dist)
    releases.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    staging = Path(tempfile.mkdtemp(prefix=f".{stamp}-", dir=releases))
    staging.chmod(0o755)  # mkdtemp makes it private; the server may run as another user
    try:
        files: dict[str, dict] = {}
        progress("loading the Oxigraph store")
        store = pyoxigraph.Store(str(staging / STORE_DIR))
        data = staging / ".data.nq"  # one bulk load: each call of the loader has a fixed cost
        with open(data, "wb") as out:
            for source in sources:
                if isinstance(source, Path):
                    with open(source, "rb") as part:
                        shutil.copyfileobj(part, out, 1 << 20)
                else:
                    out.write(source)
                out.write(b"\n")
        store.bulk_load(path=str(data), format=pyoxigraph.RdfFormat.N_QUADS)
        data.unlink()
        store.flush()
        union = _union_store(store, staging / ".union")
        if void is None:
            void = describe_store(store, union, base_uri)
        written = prefixes(base_uri)

        def dump(name: str, store: pyoxigraph.Store = store, union: pyoxigraph.Store = union) -> None:
            """One dump and its gzip copy; Oxigraph and zlib release the GIL, so two run at once."""
            fmt = DUMP_FORMATS[name]
            assert isinstance(fmt.oxigraph, pyoxigraph.RdfFormat)
            declared = written if fmt.prefixes else None
            if fmt.dataset:
                store.dump(output=str(staging / name), format=fmt.oxigraph, prefixes=declared)
            else:
                union.dump(output=str(staging / name), format=fmt.oxigraph,
                           from_graph=pyoxigraph.DefaultGraph(), prefixes=declared)
            gzip_file(staging / name, staging / f"{name}.gz")

        progress(f"writing {', '.join(DUMP_FORMATS)} and their gzip copies")
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(dump, DUMP_FORMATS))
        for name in DUMP_FORMATS:
            _record(staging / name, files)
            _record(staging / f"{name}.gz", files)
        del union
        shutil.rmtree(staging / ".union")
        for name, graph in (
            (VOID_FILE, void),
            (REPORT_FILE, report),
            (ONTOLOGY_FILE, ontology),
            (SHAPES_FILE, shapes),
        ):
            _write(staging / name, graph.serialize(format="turtle", encoding="utf-8"), files)
        for name, graph_name in ((VOID_FILE, Kind.GRAPH.iri(base_uri, "void")),
                                 (ONTOLOGY_FILE, f"{base_uri}ontology")):
            store.bulk_load(path=str(staging / name), format=pyoxigraph.RdfFormat.TURTLE,
                            to_graph=pyoxigraph.NamedNode(graph_name))
        store.flush()
        quads = len(store)
        del store  # release the RocksDB lock before readers open it
        content_id = files["kg.nq"]["sha256"][:12]
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


def _union_store(store: pyoxigraph.Store, where: Path) -> pyoxigraph.Store:
    """Every triple of every graph once, in the default graph of a scratch store on disk.
    The triples go through a file in Oxigraph's own code (a CONSTRUCT over the union of the
    graphs, then the bulk loader, which keeps each triple once), never through Python."""
    where.mkdir()
    triples = where / "all.nt"
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
    assert isinstance(result, pyoxigraph.QueryTriples)
    result.serialize(output=str(triples), format=pyoxigraph.RdfFormat.N_TRIPLES)
    union = pyoxigraph.Store(str(where / "store"))
    union.bulk_load(path=str(triples), format=pyoxigraph.RdfFormat.N_TRIPLES)
    triples.unlink()
    union.flush()
    return union


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
    _record(path, files)


def _record(path: Path, files: dict[str, dict]) -> None:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    files[path.name] = {"bytes": size, "sha256": digest.hexdigest()}
