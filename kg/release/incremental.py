"""Incremental publication: the next release's sorted dumps and store derived from the
previous release's, so that adding an article costs linear merges and the change, not a sort
and a bulk load of the whole corpus.

Two things are reused, both only read:

* The named graphs' quads of the previous release, sorted (``.incremental/graphs.nq`` in its
  folder), with the SHA-256 of each part they came from and that part's graph names
  (``parts.tsv``). A part whose digest is listed is already in the sorted file; the graphs of
  parts that went are filtered out (awk on each line's graph term) and the new parts are
  sorted and merged in (``sort -m``). kg.nq and kg.nt are then merges too. The same lines in
  the same byte order: the bytes equal a from-scratch sort's.
* The store: a RocksDB checkpoint of the previous release's store (``Store.backup`` from a
  read-only handle makes hard links to its SST files, which RocksDB never modifies, so the old
  release is never touched), then the difference: named-graph quads only the old sorted file
  has are removed, those only the new one has are added, and the default graph (every triple
  once) is corrected by the difference of the old and new default-graph N-Triples. Both
  differences come from ``comm`` over sorted files: streaming, in bounded memory. Past
  ``MAX_CHANGE`` of the corpus the bulk loader is faster and the store starts empty.

Without a usable previous release (the first build, another base URI, one written before
this module, a store this Oxigraph cannot open) everything is computed from scratch.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from kg.rdf import graph_name
from kg.release.publication import Publication

STATE_DIR = ".incremental"
GRAPHS_FILE = "graphs.nq"  #: every named-graph quad once, in byte order
PARTS_FILE = "parts.tsv"  #: one line a part: its SHA-256, a tab, its graph IRIs
DESCRIBED_FILE = "described.nt"  #: VoID and ontology triples in the default graph, sorted
#: Above this share of the named graphs' quads changed (of the larger of the two releases),
#: the store is bulk-loaded from scratch.
MAX_CHANGE = 0.25
Progress = Callable[[str], None]
_C = dict(os.environ, LC_ALL="C")


@dataclass(frozen=True)
class Previous:
    """The release a new one may be derived from, and what it recorded for that."""

    root: Path
    parts: dict[str, tuple[str, ...]]  # part digest -> its graph IRIs

    @property
    def graphs(self) -> Path:
        return self.root / STATE_DIR / GRAPHS_FILE

    @classmethod
    def of(cls, dist: Path, base_uri: str) -> Previous | None:
        """The serving release, if it has the state this module writes and the same base."""
        current = Publication.current(dist)
        if current is None or current.manifest.get("base_uri") != base_uri:
            return None
        state = current.root / STATE_DIR
        if not all((state / f).is_file() for f in (GRAPHS_FILE, PARTS_FILE, DESCRIBED_FILE)):
            return None
        return cls(current.root, _read_parts(state / PARTS_FILE))


def _read_parts(path: Path) -> dict[str, tuple[str, ...]]:
    parts: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, names = line.partition("\t")
        parts[digest] = tuple(names.split())
    return parts


def sort_unique(sources: list[Path], target: Path, *, merge: bool = False) -> None:
    """Lines in byte order, each once, by GNU sort (spilling to disk past its buffer);
    ``merge``: the sources are sorted already, so one linear pass merges them."""
    subprocess.run(["sort", "-u", *(["-m"] if merge else []), "-S", "256M",
                    "-T", str(target.parent), "-o", str(target), *map(str, sources)],
                   check=True, env=_C)


def _strip_sorted(graphs: Path, default: Path, target: Path) -> None:
    """The union's N-Triples: the sorted named-graph quads without their graph term, merged
    with the default graph's sorted lines. Dropping the last term keeps byte order (a term is
    followed by a space in both forms), so a merge suffices; equal triples become neighbours
    and ``-u`` keeps one."""
    strip = subprocess.Popen(["sed", r"s/ <[^ ]*> \.$/ ./", str(graphs)], stdout=subprocess.PIPE,
                             env=_C)
    try:
        subprocess.run(["sort", "-u", "-m", "-S", "64M", "-T", str(target.parent),
                        "-o", str(target), str(default), "-"], stdin=strip.stdout, check=True,
                       env=_C)
    finally:
        assert strip.stdout is not None
        strip.stdout.close()
        if strip.wait() != 0:
            raise subprocess.CalledProcessError(strip.returncode, "sed")


def _names(data: bytes) -> tuple[str, ...]:
    return tuple(sorted({graph_name(line) for line in data.splitlines(keepends=True)
                         if line.strip()}))


def write_sorted(graphs: Iterable[Path | bytes], default_nt: Path, work: Path, staging: Path,
                 previous: Previous | None, progress: Progress,
                 ) -> tuple[Path, list[tuple[str, int]]]:
    """Write ``work/graphs.nq`` (the parts in their order, for TriG and JSON-LD), the sorted
    named-graph quads with their parts list (``staging/.incremental``), and from them kg.nq
    and kg.nt by merges. Returns the sorted named-graph file and each part's SHA-256 and
    length in ``work/graphs.nq``."""
    state = staging / STATE_DIR
    state.mkdir()
    order: list[str] = []
    layout: list[tuple[str, int]] = []
    new: dict[str, tuple[str, ...]] = {}
    added = work / "added.nq"
    with open(work / "graphs.nq", "wb") as out, open(added, "wb") as fresh:
        for part in graphs:
            data = part.read_bytes() if isinstance(part, Path) else part
            out.write(data)
            digest = hashlib.sha256(data).hexdigest()
            order.append(digest)
            layout.append((digest, len(data)))
            if (previous is None or digest not in previous.parts) and digest not in new:
                new[digest] = _names(data)
                if previous is not None:
                    fresh.write(data)
    kept = set(order) - set(new)
    names = {**{d: previous.parts[d] for d in kept if previous}, **new}
    sorted_graphs = state / GRAPHS_FILE
    gone = {n for d, ns in previous.parts.items() if d not in kept for n in ns} if previous else set()
    if previous is None or gone & {n for d in kept for n in names[d]}:
        # (a graph spread over parts, some kept, some gone: the filter would cut a kept one)
        sort_unique([work / "graphs.nq"], sorted_graphs)
        progress("  named graphs sorted from scratch")
    else:
        sort_unique([added], work / "added.sorted.nq")
        source = previous.graphs
        if gone:
            source = work / "kept.nq"
            (work / "gone.txt").write_text("".join(f"<{n}>\n" for n in sorted(gone)),
                                           encoding="utf-8")
            with open(source, "wb") as out:
                subprocess.run(["awk", "NR == FNR { gone[$0]; next } NF < 2 || !($(NF - 1) in gone)",
                                str(work / "gone.txt"), str(previous.graphs)],
                               stdout=out, check=True, env=_C)
        sort_unique([source, work / "added.sorted.nq"], sorted_graphs, merge=True)
        progress(f"  named graphs: {len(kept)} part(s) kept from {previous.root.name}, "
                 f"{len(new)} new, graphs of {len(previous.parts) - len(kept)} dropped")
    (state / PARTS_FILE).write_text(
        "".join(f"{d}\t{' '.join(names[d])}\n" for d in sorted(names)), encoding="utf-8")
    sort_unique([default_nt, sorted_graphs], staging / "kg.nq", merge=True)
    _strip_sorted(sorted_graphs, default_nt, staging / "kg.nt")
    return sorted_graphs, layout


def write_described(described: Path, staging: Path) -> Path:
    """Keep the VoID and ontology triples of the default graph, sorted, for the next delta."""
    target = staging / STATE_DIR / DESCRIBED_FILE
    sort_unique([described], target)
    return target


class StoreLoader:
    """Fills a release's store: from the previous release's store and the difference when
    that is small, else with the bulk loader from empty."""

    def __init__(self, path: Path, previous: Previous | None, sorted_graphs: Path, work: Path,
                 progress: Progress) -> None:
        self.work = work
        self.progress = progress
        self.previous = self._worth(previous, sorted_graphs)
        if self.previous is not None:
            try:
                pyoxigraph.Store.read_only(str(self.previous.root / "store")).backup(str(path))
            except OSError as exc:
                progress(f"  no checkpoint of the previous store ({exc}); loading from scratch")
                shutil.rmtree(path, ignore_errors=True)
                self.previous = None
        self.store = pyoxigraph.Store(str(path))

    def _worth(self, previous: Previous | None, sorted_graphs: Path) -> Previous | None:
        """Previous, if its store is there and the named-graph difference is small
        (``work/graphs.gone.nq`` and ``graphs.new.nq`` hold it then)."""
        if previous is None or not (previous.root / "store").is_dir():
            return None
        gone, new = _difference(previous.graphs, sorted_graphs, self.work / "graphs")
        changed = _lines(gone) + _lines(new)
        if changed > MAX_CHANGE * max(_lines(sorted_graphs), _lines(previous.graphs), 1):
            self.progress(f"  {changed} quads differ from the previous release: loading afresh")
            return None
        return previous

    def load_dataset(self, kg_nq: Path) -> None:
        """The dataset's quads (kg.nq), or the named graphs' difference."""
        if self.previous is None:
            self.store.bulk_load(path=str(kg_nq), format=pyoxigraph.RdfFormat.N_QUADS)
            return
        gone = self.work / "graphs.gone.nq"
        removed = self._remove(gone, pyoxigraph.RdfFormat.N_QUADS)
        self._add(self.work / "graphs.new.nq", pyoxigraph.RdfFormat.N_QUADS)
        self.progress(f"  store: a checkpoint of {self.previous.root.name}'s, {removed} quads "
                      f"removed, {_lines(self.work / 'graphs.new.nq')} added")

    def load_default_graph(self, default_graph: Path, old_kg_nt: Path | None = None) -> None:
        """The default graph (every triple once), or its difference from the previous one."""
        if self.previous is None:
            self._add(default_graph, pyoxigraph.RdfFormat.N_TRIPLES)
            return
        old = self.work / "default-graph.old.nt"
        sort_unique([old_kg_nt or self.previous.root / "kg.nt",
                     self.previous.root / STATE_DIR / DESCRIBED_FILE], old, merge=True)
        gone, new = _difference(old, default_graph, self.work / "default")
        removed = self._remove(gone, pyoxigraph.RdfFormat.N_TRIPLES)
        self._add(new, pyoxigraph.RdfFormat.N_TRIPLES)
        self.progress(f"  default graph: {removed} triples removed, {_lines(new)} added")

    def replace_graph(self, path: Path, fmt: pyoxigraph.RdfFormat, graph: str) -> None:
        node = pyoxigraph.NamedNode(graph)
        if self.previous is not None:
            self.store.remove_graph(node)
        self.store.bulk_load(path=str(path), format=fmt, to_graph=node)

    def _remove(self, path: Path, fmt: pyoxigraph.RdfFormat) -> int:
        count = 0
        if path.stat().st_size:
            for quad in pyoxigraph.parse(path=str(path), format=fmt):
                self.store.remove(quad)
                count += 1
        return count

    def _add(self, path: Path, fmt: pyoxigraph.RdfFormat) -> None:
        if path.stat().st_size:
            self.store.bulk_load(path=str(path), format=fmt)


def _difference(old: Path, new: Path, prefix: Path) -> tuple[Path, Path]:
    """Lines only ``old`` has (``<prefix>.gone``) and only ``new`` has (``<prefix>.new``),
    both files sorted in byte order, by one streaming ``comm`` pass."""
    suffix = old.suffix
    gone, fresh = prefix.with_name(f"{prefix.name}.gone{suffix}"), prefix.with_name(
        f"{prefix.name}.new{suffix}")
    with open(gone, "wb") as out_gone, open(fresh, "wb") as out_new:
        proc = subprocess.Popen(["comm", "-3", str(old), str(new)], stdout=subprocess.PIPE,
                                env=_C)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(b"\t"):
                out_new.write(line[1:])
            else:
                out_gone.write(line)
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, "comm")
    return gone, fresh


def graph_sizes(quads: Path) -> Counter[str]:
    """Quads per graph IRI of named-graph N-Quads (as ``kg.release.void.statistics`` counts
    them), counted by awk: a graph term is the line's last but one field however many spaces
    its literals hold."""
    out = subprocess.run(["awk", "NF > 1 { n[$(NF - 1)]++ } END { for (g in n) print n[g], g }",
                          str(quads)], check=True, capture_output=True, env=_C).stdout
    sizes: Counter[str] = Counter()
    for line in out.splitlines():
        count, _, term = line.partition(b" ")
        sizes[term[1:-1].decode()] += int(count)
    return sizes


def _lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
