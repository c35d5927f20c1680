"""Publication: dumps in five formats (and gzip), VoID, the SHACL report and an Oxigraph store,
swapped in atomically so that a failed or interrupted build never replaces a good publication."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph
from rdflib import Dataset, Graph

from kg.rdf import split_lines
from kg.release import changes, chunked, incremental
from kg.release.durable import sync_dir, sync_tree
from kg.release.lock import build_lock
from kg.release.publication import (
    DUMP_FORMATS,
    MANIFEST_FILE,
    ONTOLOGY_FILE,
    PATCH_FILES,
    REMOTE_KEY,
    REPORT_FILE,
    SEARCH_FILE,
    SHAPES_FILE,
    STORE_DIR,
    VOID_FILE,
    Publication,
    releases_dir,
)
from kg.release.remote import RemoteStores, load
from kg.release.search_index import PARTS_FILE, write_index
from kg.release.void import describe_statistics, describe_version
from kg.uris import Kind
from kg.vocab import prefixes

KEEP_RELEASES = 3
Progress = Callable[[str], None]


def union_graph(dataset: Dataset) -> Graph:
    """All triples of all graphs in one graph, with the dataset's prefixes."""
    graph = Graph(bind_namespaces="core")
    for prefix, ns in dataset.namespaces():
        graph.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in sorted(dataset.quads((None, None, None, None))):
        graph.add((s, p, o))
    return graph


def publish(
    dataset: Dataset,
    dist: Path,
    **kwargs: Any,
) -> Publication:
    """Publish an in-memory rdflib Dataset (tests, tools); see ``publish_parts`` for how."""
    default, graphs = split_lines(dataset)
    return publish_parts([default], [graphs], dist, **kwargs)


def publish_parts(
    default: Iterable[Path | bytes],
    graphs: Iterable[Path | bytes],
    dist: Path,
    *,
    base_uri: str,
    void: Graph | None = None,
    report: Graph,
    ontology: Graph,
    shapes: Graph,
    extra_manifest: dict | None = None,
    progress: Progress = lambda _msg: None,
    remote: RemoteStores | None = None,
    load_batch: int = 0,
) -> Publication:
    """Write a complete release next to ``dist`` and point ``dist`` at it, atomically.

    The data arrives as text, never as one graph in memory: ``default`` holds N-Triples of the
    default graph (which may repeat across parts: the entity layer, every article's
    description), ``graphs`` N-Quads of named graphs, each graph whole in one part, in the
    order the dumps should list them. The dumps are written from those streams by Oxigraph's
    parsers and serialisers and by ``sort`` (byte order), so they keep every literal exactly as
    written (Oxigraph's store turns derived integer types into xsd:integer) and the same
    data gives the same bytes however the release was reached. Triple formats are the union
    of all graphs, each triple once; dataset formats keep the graphs. Each dump and its .gz
    are written in pieces the next release can copy (``kg.release.chunked``), the store, the
    search index and VoID's counts from the previous release and the difference where it
    kept what that needs (``kg.release.incremental``); else the store is filled by the bulk
    loader and VoID is counted from the text (unless ``void`` is given). With ``remote``,
    the finished store is also loaded into the remote dataset not serving now
    (``kg.release.remote``), and the swap of ``dist`` switches to it. ``load_batch`` bounds
    the quads of one bulk-load call, and so the loader's memory (0: whole files)."""
    with build_lock(dist):
        releases = releases_dir(dist)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        previous = Publication.current(dist)  # what the changes are counted from
        staging = Path(tempfile.mkdtemp(prefix=f".{stamp}-", dir=releases))
        staging.chmod(0o755)  # mkdtemp makes it private; the server may run as another user
        try:
            files: dict[str, dict] = {}
            progress("writing the dumps")
            work = staging / ".work"
            work.mkdir()
            _concatenate(default, work / "default.unsorted.nt")
            _sort_unique([work / "default.unsorted.nt"], work / "default.nt")
            # kg.nq and kg.nt by merges with the previous release's sorted graphs, if any
            basis = incremental.Previous.of(dist, base_uri)
            sorted_graphs, layout, change = incremental.write_sorted(
                graphs, work / "default.nt", work, staging, basis, progress)
            progress("  kg.nq and kg.nt sorted; writing Turtle, TriG, JSON-LD and the .gz")
            dumps, lines = _write_dumps(staging, work, layout, basis, base_uri, progress)
            files.update(dumps)
            progress("  writing the search index")
            state = staging / incremental.STATE_DIR  # each part's rows, for the next release
            write_index(work / "default.nt", work / "graphs.nq", staging / SEARCH_FILE, base_uri,
                        layout=layout, parts=state / PARTS_FILE, previous_parts=basis.root
                        / incremental.STATE_DIR / PARTS_FILE if basis is not None else None)
            _record(staging / SEARCH_FILE, files)
            release = f"{stamp}-{files['kg.nq']['sha256'][:12]}"
            created = datetime.now(timezone.utc).isoformat(timespec="seconds")
            # (a change is told only against ``basis``, which is the release ``previous`` names)
            progress("  the changes since the previous release" + (
                ", from the parts that changed" if change else ""))
            change_record = changes.record(
                previous.root if previous else None, staging,
                (change.lines(new=True), change.lines(new=False)) if change else None)
            for name in PATCH_FILES if change_record["previous"] else ():
                _record(staging / name, files)
            progress("loading the Oxigraph store")
            loader = incremental.StoreLoader(staging / STORE_DIR, basis, sorted_graphs, work,
                                             progress, load_batch, change)  # a checkpoint?
            loader.load_dataset(staging / "kg.nq")
            store = loader.store
            nt_changes = incremental.nt_difference(basis, staging / "kg.nt", work, change)
            if void is None:
                progress("  counting for VoID")
                stats = incremental.void_statistics(staging / "kg.nt", basis, nt_changes,
                                                    staging / incremental.STATE_DIR, base_uri)
                stats.graphs = incremental.graph_sizes(work / "graphs.nq")  # by awk, not Python
                void = describe_statistics(stats, base_uri)
            void += describe_version(base_uri, release, created, change_record["previous"])
            described = _described(staging, work, [void, ontology])
            counts = _counts(staging, described, lines)
            # The store's default graph is what a query with no dataset sees: every triple of
            # every graph, each once (SPARQL's default graph is a set; Oxigraph's union default
            # graph would repeat a triple once per article graph that states it).
            loader.load_default_graph(staging / "kg.nt", described, nt_changes)
            named_quads = counts["dataset_quads"] - _lines(work / "default.nt",
                                                           incremental.count_lines(
                                                               work / "default.nt"))
            shutil.rmtree(work)
            for name, graph in (
                (VOID_FILE, void),
                (REPORT_FILE, report),
                (ONTOLOGY_FILE, ontology),
                (SHAPES_FILE, shapes),
            ):
                _write(staging / name, graph.serialize(format="turtle", encoding="utf-8"), files)
            quads = named_quads + counts["default_graph_triples"]
            for name, graph_name in ((VOID_FILE, Kind.GRAPH.iri(base_uri, "void")),
                                     (ONTOLOGY_FILE, f"{base_uri}ontology")):
                loader.replace_graph(staging / name, pyoxigraph.RdfFormat.TURTLE, graph_name)
                quads += sum(1 for _ in store.quads_for_pattern(
                    None, None, None, pyoxigraph.NamedNode(graph_name)))
            store.flush()
            # (all the store holds, added up: len(store) scans every quad, 4 s at 10,000)
            if remote is not None:  # before the swap: a failed load publishes nothing
                extra_manifest = {**(extra_manifest or {}), REMOTE_KEY: load(
                    remote, Publication.current(dist), store, staging, progress)}
            # close the store (the loader holds it too) before readers open it and before its
            # files are synced: an open RocksDB compacts in the background, removing SST files
            del store, loader
            manifest = {
                "release": release,
                "base_uri": base_uri,
                "created": created,
                "changes": change_record,
                "quads": quads,
                **counts,
                "files": files,
                **(extra_manifest or {}),
            }
            (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True))
            sync_tree(staging)  # on disk before it is named (kg.release.durable)
            final = releases / manifest["release"]
            os.rename(staging, final)
            sync_dir(releases)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        swap_link(dist, final)
        prune(releases, keep=final)
        return Publication(final)


def _write_dumps(staging: Path, work: Path, layout: list[tuple[str, int]],
                 basis: incremental.Previous | None, base_uri: str, progress: Progress,
                 ) -> tuple[dict[str, dict], dict[str, int]]:
    """Every dump and its .gz in pieces (``kg.release.chunked``), reusing the previous
    release's unchanged ones, and the lines of kg.nq and kg.nt. Those two are written already
    (sorted); triple formats are rendered from kg.nt, dataset formats from the default graph
    then each part."""
    written = prefixes(base_uri)
    state = staging / incremental.STATE_DIR
    previous_state = basis.root / incremental.STATE_DIR if basis is not None else None
    files: dict[str, dict] = {}
    lines: dict[str, int] = {}
    cuts: dict[Path, list[int]] = {}

    def runs(path: Path) -> Iterator[bytes]:
        """The file's runs: found the first time, replayed from their lengths after."""
        if path in cuts:
            return chunked.file_parts(path, cuts[path])
        cuts[path] = []
        return chunked.line_runs(path, lengths=cuts[path])

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        for name, fmt in DUMP_FORMATS.items():
            assert isinstance(fmt.oxigraph, pyoxigraph.RdfFormat)
            table = written if fmt.prefixes else None
            pieces: Iterable[bytes | tuple[str, bytes]]
            if name in ("kg.nq", "kg.nt"):
                done = chunked.write(name, runs(staging / name), staging, state,
                                     previous_state, pool, salt=chunked.salt(None))
                lines[name] = done.newlines
            else:
                render, footer, empty = chunked.serialiser(
                    fmt.oxigraph, pyoxigraph.RdfFormat.N_QUADS, table)
                if fmt.dataset:
                    parts = zip((digest for digest, _ in layout), chunked.file_parts(
                        work / "graphs.nq", (length for _, length in layout)), strict=True)
                    pieces = chain(chunked.line_runs(work / "default.nt"), parts)
                else:
                    pieces = runs(staging / "kg.nt")
                done = chunked.write(name, pieces, staging, state, previous_state, pool,
                                     salt=chunked.salt(table), render=render, footer=footer,
                                     empty=empty)
            files.update(done.files)
            progress(f"    {name}: {done.reused} piece(s) reused, {done.made} written")
    return files, lines


def _lines(path: Path, newlines: int) -> int:
    """Lines of a file sorted by ``sort`` that has ``newlines`` (an empty line, if any, sorts
    first)."""
    with open(path, "rb") as handle:
        blank = handle.read(1) == b"\n"
    return newlines - blank


def _described(staging: Path, work: Path, graphs: list[Graph]) -> Path:
    """The VoID and ontology triples the store's default graph holds too, sorted, kept for the
    next release's difference."""
    extra = work / "described.nt"
    extra.write_bytes(b"".join(g.serialize(format="nt", encoding="utf-8") for g in graphs))
    return incremental.write_described(extra, staging)


def _counts(staging: Path, described: Path, newlines: dict[str, int]) -> dict[str, int]:
    """The release's sizes, each named for what it counts (the manifest keeps them all):
    ``triples``, the dataset's distinct triples (the lines of kg.nt, VoID's void:triples);
    ``dataset_quads``, its quads (the lines of kg.nq); ``default_graph_triples``, what a query
    with no dataset sees, each triple once: the dataset's plus the VoID and ontology graphs'
    the store also holds. ``quads`` (all the store holds) is added by the caller."""
    triples = _lines(staging / "kg.nt", newlines["kg.nt"])
    with incremental.SortedLines(staging / "kg.nt") as lines, open(described, "rb") as extra:
        more = sum(1 for line in extra if line.strip() and line not in lines)
    return {"triples": triples, "dataset_quads": _lines(staging / "kg.nq", newlines["kg.nq"]),
            "default_graph_triples": triples + more}


def _concatenate(parts: Iterable[Path | bytes], target: Path) -> None:
    with open(target, "wb") as out:
        for part in parts:
            if isinstance(part, Path):
                with open(part, "rb") as source:
                    shutil.copyfileobj(source, out, 1 << 20)
            else:
                out.write(part)


def _sort_unique(sources: list[Path], target: Path) -> None:
    """Lines in byte order, each once: GNU sort, which spills to disk past its buffer, so a
    corpus of any size sorts in bounded memory."""
    incremental.sort_unique(sources, target)


def swap_link(dist: Path, target: Path) -> None:
    """Point ``dist`` at ``target`` with one atomic rename of a fresh symbolic link, each step
    made durable (``kg.release.durable``)."""
    if dist.exists() and not dist.is_symlink():
        raise FileExistsError(f"{dist} is a real folder, not a publication link; move it away first")
    tmp = dist.with_name(f".{dist.name}.{os.getpid()}.link")
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(os.path.relpath(target, dist.parent))
    sync_dir(dist.parent)  # the new link is on disk before it replaces the old one
    os.replace(tmp, dist)
    sync_dir(dist.parent)


def prune(releases: Path, keep: Path, count: int = KEEP_RELEASES) -> None:
    """Drop old releases (a server may still be reading the previous ones); dead builds'
    staging folders went when this build took the lock (``kg.release.lock``)."""
    finished = sorted(p for p in releases.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in finished[:-count]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


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
