"""The admin server's writer: the one process that owns the writable working copy.

See ``server.sparql.admin`` for the design; this is the part that runs inside the executor
process started with role ``writer``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from kg import curation
from kg.release.publication import MANIFEST_FILE
from server.engine.jobs import Reply, WriteJob, failure
from server.engine.update_scope import graphs_named

KEEP_SNAPSHOTS = 3


class Writer:
    """Owns the admin server's writable working copy of one release.

    The copy lives in ``<work_dir>/store`` (a real copy: the release itself is never opened for
    writing). After every successful change the writer takes a RocksDB checkpoint into
    ``<work_dir>/snapshots/<n>`` (hard links, so cheap); readers open the newest checkpoint
    read-only, which is safe because nothing ever writes to a checkpoint.
    """

    def __init__(self) -> None:
        self.work_dir: Path | None = None
        self.store: ox.Store | None = None
        self.snapshot: Path | None = None
        self._names: set[str] = set()  # the named graphs before the update being run

    def ensure(self, job: WriteJob) -> None:
        work = Path(job.work_dir)
        if self.work_dir == work and self.store is not None:
            return
        self.store = None
        live = work / "store"
        if not live.exists():
            staging = work / "store.copying"
            shutil.rmtree(staging, ignore_errors=True)
            work.mkdir(parents=True, exist_ok=True)
            shutil.copytree(job.release_store, staging)
            if job.curation_dir:
                _catch_up(staging, Path(job.release_store), Path(job.curation_dir))
            os.rename(staging, live)  # a half-made copy never looks like a working copy
        self.store = ox.Store(str(live))
        self.work_dir = work
        self.take_snapshot()

    def take_snapshot(self) -> Path:
        assert self.store is not None and self.work_dir is not None
        snapshots = self.work_dir / "snapshots"
        snapshots.mkdir(exist_ok=True)
        done = sorted(p for p in snapshots.iterdir() if p.name.isdigit())
        number = int(done[-1].name) + 1 if done else 1
        target = snapshots / f"{number:08d}"
        self.store.flush()
        self.store.backup(str(target))
        for old in done[: max(0, len(done) + 1 - KEEP_SNAPSHOTS)]:
            shutil.rmtree(old, ignore_errors=True)  # open readers keep their unlinked files
        for stale in snapshots.iterdir():
            if not stale.name.isdigit():
                shutil.rmtree(stale, ignore_errors=True)
        self.snapshot = target
        return target

    def run(self, job: WriteJob) -> Reply:
        self.ensure(job)
        assert self.store is not None
        extra: dict = {}
        if job.op == "open":
            extra["snapshot"] = str(self.snapshot)
            return Reply(extra=extra)
        scope = self.scope(job)
        before = self.contents(job, scope)
        if job.op == "update":
            try:
                self.store.update(job.text, base_iri=job.base_iri)
            except SyntaxError as exc:
                return failure("syntax", str(exc))
        elif job.op in ("put", "post"):
            reply = self.load(job, extra)
            if reply is not None:
                return reply
        elif job.op == "delete":
            if job.graph is None:
                self.store.update("DROP DEFAULT")
            else:
                name = ox.NamedNode(job.graph)
                if not self.store.contains_named_graph(name):
                    return failure("not_found", f"no graph <{job.graph}> in the store")
                self.store.update(f"DROP GRAPH {name}")
        else:
            return failure("internal", f"unknown write operation {job.op!r}")
        if scope is not None and job.op == "update":  # and the graphs it made
            scope = scope | {g.value for g in self.store.named_graphs()} - self._names
        reply = self.record(job, before, scope)
        if reply is not None:
            return reply
        self.take_snapshot()
        extra["snapshot"] = str(self.snapshot)
        return Reply(extra=extra)

    def scope(self, job: WriteJob) -> set[str] | None:
        """The named graphs the change may touch (the default graph is always diffed), or
        None for any: a Graph Store request names its graph, an update is read for the graphs
        it can name (``server.engine.update_scope``)."""
        assert self.store is not None
        if not job.curation_dir:
            return set()
        if job.op != "update":
            return set() if job.graph is None else {job.graph}
        self._names = {g.value for g in self.store.named_graphs()}
        return graphs_named(job.text, job.base_iri, self._names)

    def contents(self, job: WriteJob, scope: set[str] | None) -> set[ox.Quad]:
        """The quads of the graphs in ``scope`` (and of the default graph; all if None)."""
        assert self.store is not None
        if not job.curation_dir:
            return set()
        if scope is None:
            return set(self.store.quads_for_pattern(None, None, None, None))
        found: set[ox.Quad] = set()
        if job.op == "update" or job.graph is None:
            found.update(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        for name in scope:
            found.update(self.store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        return found

    def record(self, job: WriteJob, before: set[ox.Quad], scope: set[str] | None) -> Reply | None:
        """Keep what the change did as a curation patch (``kg.curation``), so the next build
        re-applies it; if the patch cannot be written, undo the change: no write is kept in
        the working copy that a rebuild would lose."""
        assert self.store is not None
        if not job.curation_dir:
            return None
        after = self.contents(job, scope)
        removed, added = sorted(before - after, key=str), sorted(after - before, key=str)
        if not removed and not added:
            return None
        try:
            curation.append(Path(job.curation_dir),
                            curation.new_patch(job.agent, job.request, removed, added))
        except OSError as exc:
            for quad in added:
                self.store.remove(quad)
            for quad in removed:
                self.store.add(quad)
            return failure("not_recorded", f"the change could not be recorded in the curation "
                           f"log ({exc}); nothing was changed")
        return None

    def load(self, job: WriteJob, extra: dict) -> Reply | None:
        """PUT replaces a graph, POST adds to it; both in one transaction, all or nothing.

        A multipart POST carries several documents: their RDF merge is added (GSP 5.5), so
        each document's blank nodes stay its own even where two use the same label.
        """
        assert self.store is not None
        parts = job.parts
        triples: list[ox.Triple] = []
        for label, media_type, data in parts:
            read = _read(label, media_type, data, job.base_iri or job.graph)
            if isinstance(read, Reply):
                return read
            triples += _apart(read) if len(parts) > 1 else read
        written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        assert written is not None  # no output file given: pyoxigraph returns the bytes
        body = written.decode()
        if job.graph is None:
            default = self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
            extra["created"] = next(default, None) is None  # an empty default graph gets content
            target = f"INSERT DATA {{ {body} }}"
            clear = "DROP SILENT DEFAULT ;" if job.op == "put" else ""
        else:
            name = ox.NamedNode(job.graph)
            extra["created"] = not self.store.contains_named_graph(name)
            target = f"INSERT DATA {{ GRAPH {name} {{ {body} }} }}"
            clear = f"DROP SILENT GRAPH {name} ;" if job.op == "put" else ""
            clear += f" CREATE SILENT GRAPH {name} ;"
        self.store.update(f"{clear} {target}")
        extra["triples"] = len(triples)
        return None


def _catch_up(copy: Path, release_store: Path, log: Path) -> None:
    """Replay onto a fresh working copy the patches its release does not hold: writes accepted
    while that release was being built, after its build had read the log. Without this they
    would be out of sight on the admin server until the next build re-applied them."""
    manifest = json.loads((release_store.parent / MANIFEST_FILE).read_text(encoding="utf-8"))
    applied = manifest.get("curation", {}).get("last", "")
    newer = [patch for patch in curation.read_log(log) if patch.name > applied]
    if not newer:
        return
    store = ox.Store(str(copy))
    for patch in newer:  # as the writer applied them: removals, then additions
        for quad in patch.removed:
            store.remove(quad)
        for quad in patch.added:
            store.add(quad)
    store.flush()
    del store


def _read(label: str, media_type: str, data: bytes, base_iri: str | None) -> list[ox.Triple] | Reply:
    """The triples of one document, or the failure that names what is wrong with it.

    ``label`` names the document among several (a multipart part), empty for a lone payload.
    """
    where = f" ({label})" if label else ""
    try:
        fmt = ox.RdfFormat.from_media_type(media_type)
    except ValueError:
        fmt = None
    if fmt is None:
        return failure("media_type", f"cannot read RDF from {media_type!r}{where}")
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=base_iri))
    except (SyntaxError, ValueError) as exc:
        return failure("bad_data", f"the {fmt.name} payload{where} is not valid: {exc}")
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        return failure("bad_data", f"the payload{where} names graphs; send one graph's triples")
    return [q.triple for q in quads]


def _apart(triples: list[ox.Triple]) -> list[ox.Triple]:
    """``triples`` with fresh blank nodes, so that no other document's ``_:b`` is the same."""
    fresh: dict[str, ox.BlankNode] = {}

    def node(term):
        if isinstance(term, ox.BlankNode):
            return fresh.setdefault(term.value, ox.BlankNode())
        if isinstance(term, ox.Triple):  # a triple term (RDF 1.2) has nodes of its own
            return ox.Triple(node(term.subject), term.predicate, node(term.object))
        return term

    return [node(t) for t in triples]
