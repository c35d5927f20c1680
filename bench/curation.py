"""What keeping admin writes as curation costs the writer, by store size (results-curation.md).

The admin writer (``server.engine.writer.Writer``, run here in process) applies each write to
its working copy and takes a checkpoint; with a curation log it also diffs the store before
and after and appends the difference as a patch file, fsynced. A Graph Store write diffs the
one graph it names; a SPARQL Update may touch any graph, so it diffs the whole store, which
grows with the store. This measures one-triple writes of both kinds with and without the log
(the update is an ``INSERT DATA``, so only the default graph is diffed: see
``server.engine.update_scope``), plus a ``DELETE WHERE`` with a graph variable (the whole
store is diffed), on the seeds release and on the same quads repeated in extra named graphs (a bigger store of
the same shape), and reports the medians and their ratio (with / without) from the same run.

    .venv/bin/python bench/curation.py              # seeds, x10, x50
    .venv/bin/python bench/curation.py --copies 1 10 --writes 10
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from kg.pipeline import build
from kg.release.publication import Publication
from kg.settings import PROJECT_ROOT, Settings
from server.engine.jobs import WriteJob
from server.engine.writer import Writer

WORK = PROJECT_ROOT / "bench" / ".work" / "curation"
RESULTS = PROJECT_ROOT / "bench" / "results-curation.md"
BASE = "http://localhost:5000/"


def seeds_release() -> Publication:
    settings = Settings.from_env(base_uri=BASE, dist_dir=WORK / "dist", seeds_dir=PROJECT_ROOT / "seeds",
                                 curation_dir=WORK / "no-curation")
    found = Publication.current(settings.dist_dir)
    if found is None:
        build(settings, progress=lambda _m: None)
        found = Publication.current(settings.dist_dir)
    assert found is not None
    return found


def grown_store(release: Publication, copies: int, target: Path) -> int:
    """The release's quads, plus ``copies - 1`` copies of them in other named graphs, in a
    folder laid out like a release (the writer reads the manifest beside the store)."""
    target.parent.mkdir(parents=True)
    (target.parent / "manifest.json").write_text(json.dumps({"curation": {"last": ""}}))
    source = ox.Store.read_only(str(release.store_path))
    quads = list(source)
    del source
    store = ox.Store(str(target))
    store.bulk_extend(quads)
    for n in range(1, copies):
        graph = ox.NamedNode(f"{BASE}graph/bench-copy-{n}")
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
    store.flush()
    size = len(store)
    del store
    return size


def timed(store: Path, work: Path, curation: Path | None, op: str, writes: int) -> float:
    """Median milliseconds of ``writes`` one-triple writes of kind ``op``."""
    writer = Writer()
    times = []
    for i in range(writes + 1):
        triple = f"<{BASE}resource/Bench> <http://www.w3.org/2000/01/rdf-schema#comment> \"{op} {i}\""
        texts = {"update": f"INSERT DATA {{ {triple} }}",
                 "update-any": f"INSERT DATA {{ {triple} }} ; "
                               f"DELETE WHERE {{ GRAPH ?g {{ <{BASE}resource/Nothing> ?p ?o }} }}"}
        fields: dict = {"text": texts[op]} if op in texts else \
            {"parts": (("", "application/n-triples", f"{triple} .\n".encode()),)}
        job = WriteJob(release_store=str(store), work_dir=str(work),
                       op="update" if op in texts else "post",
                       budget=60, curation_dir=str(curation) if curation else "", agent="bench",
                       request=op, **fields)
        started = time.perf_counter()
        reply = writer.run(job)
        elapsed = time.perf_counter() - started
        assert reply.ok, reply.message
        if i:  # the first one also copies the release into the working copy
            times.append(elapsed * 1000)
    writer.store = None
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 10, 50],
                        help="store sizes, as copies of the seeds release's quads")
    parser.add_argument("--writes", type=int, default=20, help="writes timed per cell")
    args = parser.parse_args(argv)
    release = seeds_release()
    rows = []
    for copies in args.copies:
        with tempfile.TemporaryDirectory(dir=WORK) as tmp:
            root = Path(tmp)
            store = root / "release" / "store"
            quads = grown_store(release, copies, store)
            for op in ("post", "update", "update-any"):
                plain = timed(store, root / f"plain-{op}", None, op, args.writes)
                kept = timed(store, root / f"kept-{op}", root / f"log-{op}", op, args.writes)
                patches = len(list((root / f"log-{op}").glob("*.rdfp")))
                assert patches == args.writes + 1, patches
                rows.append((quads, op, plain, kept))
                print(f"{quads:>9,} quads  {op:6}  {plain:7.1f} ms  {kept:7.1f} ms  x{kept / plain:.2f}",
                      flush=True)
            shutil.rmtree(root, ignore_errors=True)
    lines = [
        "# Curation log: cost per admin write",
        "",
        f"`bench/curation.py --copies {' '.join(map(str, args.copies))} --writes {args.writes}`, "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Median of {args.writes} one-triple "
        "writes through the admin writer (apply, checkpoint; with the log also diff and an "
        "fsynced patch file). `post` is a Graph Store POST to `?default` (diffs that graph), "
        "`update` a SPARQL `INSERT DATA` (diffs the default graph and the graphs its text "
        "names), `update-any` the same plus a `DELETE WHERE` with a graph variable (diffs the "
        "whole store).",
        "",
        "| store quads | write | without log (ms) | with log (ms) | ratio |",
        "| ---: | --- | ---: | ---: | ---: |",
        *(f"| {q:,} | {op} | {a:.1f} | {b:.1f} | {b / a:.2f} |" for q, op, a, b in rows),
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"written {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
