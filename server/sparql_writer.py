"""The admin server's writer: the one process that owns the writable working copy.

See ``server.sparql_admin`` for the design; this is the part that runs inside the executor
process started with role ``writer``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from server.sparql_jobs import Reply, WriteJob, failure

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
        elif job.op != "open":
            return failure("internal", f"unknown write operation {job.op!r}")
        if job.op != "open":
            self.take_snapshot()
        extra["snapshot"] = str(self.snapshot)
        return Reply(extra=extra)

    def load(self, job: WriteJob, extra: dict) -> Reply | None:
        """PUT replaces a graph, POST adds to it; both in one transaction, all or nothing."""
        assert self.store is not None
        try:
            fmt = ox.RdfFormat.from_media_type(job.media_type)
        except ValueError:
            fmt = None
        if fmt is None:
            return failure("media_type", f"cannot read RDF from {job.media_type!r}")
        try:
            quads = list(ox.parse(job.data, format=fmt, base_iri=job.base_iri or job.graph))
        except (SyntaxError, ValueError) as exc:
            return failure("bad_data", f"the {fmt.name} payload is not valid: {exc}")
        if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
            return failure("bad_data", "the payload names graphs; send one graph's triples")
        triples = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
        body = triples.decode()
        if job.graph is None:
            extra["created"] = False
            target = f"INSERT DATA {{ {body} }}"
            clear = "DROP SILENT DEFAULT ;" if job.op == "put" else ""
        else:
            name = ox.NamedNode(job.graph)
            extra["created"] = not self.store.contains_named_graph(name)
            target = f"INSERT DATA {{ GRAPH {name} {{ {body} }} }}"
            clear = f"DROP SILENT GRAPH {name} ;" if job.op == "put" else ""
            clear += f" CREATE SILENT GRAPH {name} ;"
        self.store.update(f"{clear} {target}")
        extra["triples"] = len(quads)
        return None
