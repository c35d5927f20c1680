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
import heapq
import json
import mmap
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from kg.rdf import graph_name
from kg.release.publication import Publication
from kg.release.void import Statistics, count_file, tally

STATE_DIR = ".incremental"
GRAPHS_FILE = "graphs.nq"  #: every named-graph quad once, in byte order
PARTS_FILE = "parts.tsv"  #: one line a part: its SHA-256, a tab, its graph IRIs
DESCRIBED_FILE = "described.nt"  #: VoID and ontology triples in the default graph, sorted
DEFAULT_FILE = "default.nt"  #: the dataset's default-graph triples (kg.nq's triples), sorted
COUNTS_FILE = "void-counts.json"  #: VoID's counts of kg.nt (``kg.release.void.Statistics``)
COUNTS_VERSION = 1
#: Above this share of the named graphs' N-Quads changed (in bytes, of the larger of the two
#: releases), the store is bulk-loaded from scratch.
MAX_CHANGE = 0.25
#: Past this many changed triples, kg.nt's difference is one ``comm`` pass rather than two
#: bisections of the sorted files per triple (~100 us each against ~8 s for the pass at
#: 10,000 articles).
MAX_PROBES = 50_000
#: The graph term of a named-graph N-Quads line (``sed`` in ``_strip_sorted`` does the same).
_GRAPH_TERM = re.compile(rb" <[^ \n]*> \.\n")
Progress = Callable[[str], None]
_C = dict(os.environ, LC_ALL="C")


@dataclass(frozen=True)
class Previous:
    """The release a new one may be derived from, and what it recorded for that."""

    root: Path
    parts: dict[str, tuple[str, ...]]  # part digest -> its graph IRIs
    sources: dict[str, str] = field(default_factory=dict)  # part digest -> the file it was read from

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
        return cls(current.root, *_read_parts(state / PARTS_FILE))


def _read_parts(path: Path) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Each part's graph IRIs and, if it was read from a file, that file (a third column)."""
    parts: dict[str, tuple[str, ...]] = {}
    sources: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        digest, _, rest = line.partition("\t")
        names, _, source = rest.partition("\t")
        parts[digest] = tuple(names.split())
        if source:
            sources[digest] = source
    return parts, sources


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


def strip_graphs(lines: bytes) -> bytes:
    """Named-graph N-Quads lines (whole lines) without their graph term: N-Triples, as
    ``_strip_sorted``'s sed makes them."""
    return _GRAPH_TERM.sub(b" .\n", lines)


def splice(old: Path, remove: Iterable[bytes], insert: Iterable[bytes], target: Path) -> None:
    """``target``: the sorted lines of ``old`` without the lines ``remove`` (each must be there)
    and with those of ``insert`` (each once), in byte order. Each change is placed by bisection
    and the runs between them are copied by the kernel, so the cost is the changes' and one
    copy of the bytes, not a step per line (three merges of 1.5-1.8 GB took ~30 s at 10,000
    articles)."""
    edits: list[tuple[int, int, bytes, bytes]] = []  # (offset, bytes skipped, inserted, order)
    removed: set[bytes] = set()
    with SortedLines(old) as lines:
        for line in remove:
            at, present = lines.locate(line)
            if not present:
                raise ValueError(f"{old.name} does not hold the line to remove: {line[:200]!r}")
            edits.append((at, len(line.rstrip(b"\n")) + 1, b"", b""))
            removed.add(_unended(line))
        for line in dict.fromkeys(insert):
            at, present = lines.locate(line)
            if not present or _unended(line) in removed:  # (before a removal at the same place)
                edits.append((at, 0, _ended(line), _unended(line)))
        size = len(lines.data)
    edits.sort(key=lambda edit: (edit[0], edit[1], edit[3]))
    source = os.open(old, os.O_RDONLY)
    try:
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            at = 0
            for offset, skipped, data, _ in edits:
                _copy(source, out, at, offset - at)
                _write_all(out, data)
                at = offset + skipped
            _copy(source, out, at, size - at)
        finally:
            os.close(out)
    finally:
        os.close(source)


def _copy(source: int, out: int, offset: int, count: int) -> None:
    """``count`` bytes of ``source`` from ``offset`` to ``out``'s position, in the kernel
    where it can (``copy_file_range``), else through a buffer."""
    while count > 0:
        try:
            done = os.copy_file_range(source, out, min(count, 1 << 30), offset)
        except OSError:  # another file system, an old kernel
            done = len(chunk := os.pread(source, min(count, 1 << 24), offset))
            _write_all(out, chunk)
        if done <= 0:
            raise OSError(f"{count} bytes short copying a sorted file")
        offset += done
        count -= done


def _write_all(out: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(out, view):]


def _ended(line: bytes) -> bytes:
    return line if line.endswith(b"\n") else line + b"\n"


@dataclass(frozen=True)
class Change:
    """What the dataset's lines (kg.nq's) changed since the previous release, each file sorted:
    named-graph quads that went and came (from the old lines of the graphs that went and the
    lines of the new parts) and default-graph triples that went and came (``comm`` over the
    two releases' small default-graph files). Knowing it spares three passes of ``comm`` over
    gigabytes: kg.nq for the patch, the named graphs for the store, kg.nt for VoID."""

    graphs_gone: Path
    graphs_new: Path
    default_gone: Path
    default_new: Path
    nt: tuple[Path, Path] | None = None  #: kg.nt's lines gone and new, when they were needed

    def lines(self, *, new: bool) -> Iterable[bytes]:
        """kg.nq's added (``new``) or removed lines in byte order, blank lines skipped."""
        files = (self.graphs_new, self.default_new) if new else (self.graphs_gone,
                                                                  self.default_gone)
        with open(files[0], "rb") as graphs, open(files[1], "rb") as default:
            yield from (line for line in heapq.merge(graphs, default, key=_unended)
                        if line.strip())


def _names(data: bytes) -> tuple[str, ...]:
    return tuple(sorted({graph_name(line) for line in data.splitlines(keepends=True)
                         if line.strip()}))


def write_sorted(graphs: Iterable[Path | bytes], default_nt: Path, work: Path, staging: Path,
                 previous: Previous | None, progress: Progress,
                 ) -> tuple[Path, list[tuple[str, int]], Change | None]:
    """Write ``work/graphs.nq`` (the parts in their order, for TriG and JSON-LD), the sorted
    named-graph quads with their parts list (``staging/.incremental``), and from them kg.nq
    and kg.nt by merges. Returns the sorted named-graph file, each part's SHA-256 and
    length in ``work/graphs.nq``, and the change since ``previous`` when it could be told
    without comparing the whole files."""
    state = staging / STATE_DIR
    state.mkdir()
    os.link(default_nt, state / DEFAULT_FILE)  # the next release's default-graph difference
    order: list[str] = []
    layout: list[tuple[str, int]] = []
    new: dict[str, tuple[str, ...]] = {}
    sources: dict[str, str] = {}  # the next build reads a part that went from its file
    added = work / "added.nq"
    with open(work / "graphs.nq", "wb") as out, open(added, "wb") as fresh:
        for part in graphs:
            data = part.read_bytes() if isinstance(part, Path) else part
            out.write(data)
            digest = hashlib.sha256(data).hexdigest()
            if isinstance(part, Path):
                sources[digest] = str(part)
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
    kept_names = {n for d in kept for n in names[d]}
    change, spliced = None, False
    if previous is None or gone & kept_names:
        # (a graph spread over parts, some kept, some gone: the filter would cut a kept one)
        sort_unique([work / "graphs.nq"], sorted_graphs)
        progress("  named graphs sorted from scratch")
    else:
        added_sorted = work / "added.sorted.nq"
        sort_unique([added], added_sorted)
        overlap = bool({n for d in new for n in new[d]} & kept_names)
        change = _spliced(previous, [d for d in previous.parts if d not in kept], overlap,
                          added_sorted, default_nt, work, staging)
        spliced = change is not None
        if not spliced:
            change = _merged(previous, gone, overlap, added_sorted, default_nt, work)
        progress(f"  named graphs: {len(kept)} part(s) kept from {previous.root.name}, "
                 f"{len(new)} new, graphs of {len(previous.parts) - len(kept)} dropped "
                 f"({'spliced' if spliced else 'merged'})")
    (state / PARTS_FILE).write_text("".join(
        f"{d}\t{' '.join(names[d])}\t{sources.get(d, '')}\n" for d in sorted(names)),
        encoding="utf-8")
    if not spliced:  # kg.nq and kg.nt by two merges of the sorted files
        with ThreadPoolExecutor(max_workers=2) as pool:
            merges = [pool.submit(sort_unique, [default_nt, sorted_graphs], staging / "kg.nq",
                                  merge=True),
                      pool.submit(_strip_sorted, sorted_graphs, default_nt, staging / "kg.nt")]
            for merge in merges:
                merge.result()
    return sorted_graphs, layout, change


def _spliced(previous: Previous, gone: list[str], overlap: bool, added_sorted: Path,
             default_nt: Path, work: Path, staging: Path) -> Change | None:
    """The sorted named graphs, kg.nq and kg.nt as the previous release's with the change
    spliced in (``splice``), and the change; None (nothing written) when it cannot be told:
    a part that went is no longer in the file it was read from, a new graph shares its name
    with a kept one, a change holds an empty line, or the previous release kept no default
    graph."""
    old_default = previous.root / STATE_DIR / DEFAULT_FILE
    if overlap or not old_default.is_file():
        return None
    went = work / "went.unsorted.nq"
    with open(went, "wb") as out:
        for digest in gone:
            try:
                data = Path(previous.sources.get(digest, "")).read_bytes()
            except OSError:
                return None
            if hashlib.sha256(data).hexdigest() != digest:
                return None
            out.write(data)
    sort_unique([went], work / "went.nq")
    graphs = _difference(work / "went.nq", added_sorted, work / "graphs")
    default = _difference(old_default, default_nt, work / "default")
    if any(b"\n\n" in b"\n" + path.read_bytes() for path in (*graphs, *default)):
        return None  # an empty line: whether the files keep theirs is not told by the change
    change = Change(*graphs, *default)
    sorted_graphs = staging / STATE_DIR / GRAPHS_FILE
    splice(previous.graphs, _read_lines(graphs[0]), _read_lines(graphs[1]), sorted_graphs)
    splice(previous.root / "kg.nq", change.lines(new=False), change.lines(new=True),
           staging / "kg.nq")
    nt = _nt_change(change, previous.root / "kg.nt", default_nt, sorted_graphs, work)
    if nt is None:
        _strip_sorted(sorted_graphs, default_nt, staging / "kg.nt")
        return change
    splice(previous.root / "kg.nt", _read_lines(nt[0]), _read_lines(nt[1]), staging / "kg.nt")
    return Change(*graphs, *default, nt=nt)


def _nt_change(change: Change, old_nt: Path, default_nt: Path, sorted_graphs: Path,
               work: Path) -> tuple[Path, Path] | None:
    """kg.nt's lines gone and new before the new kg.nt exists: each touched triple looked up
    in the old kg.nt, and in the new default graph and named graphs (a quad stating it starts
    with the triple's terms and a space). None past ``MAX_PROBES`` triples."""
    touched = _touched(change)
    if touched is None:
        return None
    with SortedLines(old_nt) as before, SortedLines(default_nt) as default, \
            SortedLines(sorted_graphs) as graphs:
        return _nt_files(touched, before.__contains__,
                         lambda t: t in default or graphs.has_prefix(t[:-3] + b" <"), work)


def _touched(change: Change) -> set[bytes] | None:
    """The triples whose presence in kg.nt can have changed: those of kg.nq's changed lines
    (a triple's presence only changes if a line stating it did); None past ``MAX_PROBES``."""
    touched: set[bytes] = set()
    for path, graph in ((change.graphs_gone, True), (change.graphs_new, True),
                        (change.default_gone, False), (change.default_new, False)):
        with open(path, "rb") as lines:
            for line in lines:
                if line.strip():
                    line = _ended(line)
                    touched.add(strip_graphs(line) if graph else line)
        if len(touched) > MAX_PROBES:
            return None
    return touched


def _nt_files(touched: set[bytes], was: Callable[[bytes], bool], now: Callable[[bytes], bool],
              work: Path) -> tuple[Path, Path]:
    """The touched triples kg.nt lost and gained, each file sorted."""
    present = {t: (was(t), now(t)) for t in touched}
    went: list[bytes] = [t for t, (b, a) in present.items() if b and not a]
    new: list[bytes] = [t for t, (b, a) in present.items() if a and not b]
    went.sort(key=_unended)
    new.sort(key=_unended)
    gone, came = work / "nt.gone.nt", work / "nt.new.nt"
    gone.write_bytes(b"".join(went))
    came.write_bytes(b"".join(new))
    return gone, came


def _merged(previous: Previous, gone: set[str], overlap: bool, added_sorted: Path,
            default_nt: Path, work: Path) -> Change | None:
    """The sorted named graphs by a filter (awk drops the gone graphs' lines, which it keeps in
    ``went.nq``) and a merge; the change when it can be told from them."""
    sorted_graphs = work.parent / STATE_DIR / GRAPHS_FILE
    source, went = previous.graphs, work / "went.nq"
    went.write_bytes(b"")
    if gone:
        source = work / "kept.nq"
        (work / "gone.txt").write_text("".join(f"<{n}>\n" for n in sorted(gone)),
                                       encoding="utf-8")
        with open(source, "wb") as out:
            subprocess.run(["awk", "-v", f"went={went}", "NR == FNR { gone[$0]; next } "
                            "NF < 2 || !($(NF - 1) in gone) { print; next } { print > went }",
                            str(work / "gone.txt"), str(previous.graphs)],
                           stdout=out, check=True, env=_C)
    sort_unique([source, added_sorted], sorted_graphs, merge=True)
    old_default = previous.root / STATE_DIR / DEFAULT_FILE
    if overlap or not old_default.is_file():
        return None
    # old = kept + went, new = kept + added, and no new line can be a kept one
    return Change(*_difference(went, added_sorted, work / "graphs"),
                  *_difference(old_default, default_nt, work / "default"))


def write_described(described: Path, staging: Path) -> Path:
    """Keep the VoID and ontology triples of the default graph, sorted, for the next delta."""
    target = staging / STATE_DIR / DESCRIBED_FILE
    sort_unique([described], target)
    return target


class StoreLoader:
    """Fills a release's store: from the previous release's store and the difference when
    that is small, else with the bulk loader from empty."""

    def __init__(self, path: Path, previous: Previous | None, sorted_graphs: Path, work: Path,
                 progress: Progress, batch: int = 0, change: Change | None = None) -> None:
        self.work = work
        self.progress = progress
        self.batch = batch
        self.difference: tuple[Path, Path] | None = None  # the named graphs' quads gone, new
        self.previous = self._worth(previous, sorted_graphs, change)
        if self.previous is not None:
            try:
                pyoxigraph.Store.read_only(str(self.previous.root / "store")).backup(str(path))
            except OSError as exc:
                progress(f"  no checkpoint of the previous store ({exc}); loading from scratch")
                shutil.rmtree(path, ignore_errors=True)
                self.previous = None
        self.store = pyoxigraph.Store(str(path))

    def _worth(self, previous: Previous | None, sorted_graphs: Path,
               change: Change | None) -> Previous | None:
        """Previous, if its store is there and the named-graph difference is small
        (``difference`` holds it then)."""
        if previous is None or not (previous.root / "store").is_dir():
            return None
        gone, new = ((change.graphs_gone, change.graphs_new) if change is not None else
                     _difference(previous.graphs, sorted_graphs, self.work / "graphs"))
        changed = gone.stat().st_size + new.stat().st_size
        if changed > MAX_CHANGE * max(sorted_graphs.stat().st_size,
                                      previous.graphs.stat().st_size, 1):
            self.progress(f"  {_lines(gone) + _lines(new)} quads differ from the previous "
                          "release: loading afresh")
            return None
        self.difference = gone, new
        return previous

    def load_dataset(self, kg_nq: Path) -> None:
        """The dataset's quads (kg.nq), or the named graphs' difference."""
        if self.previous is None:
            self._add(kg_nq, pyoxigraph.RdfFormat.N_QUADS)
            return
        assert self.difference is not None
        gone, new = self.difference
        removed = self._remove(gone, pyoxigraph.RdfFormat.N_QUADS)
        self._add(new, pyoxigraph.RdfFormat.N_QUADS)
        self.progress(f"  store: a checkpoint of {self.previous.root.name}'s, {removed} quads "
                      f"removed, {_lines(new)} added")

    def load_default_graph(self, kg_nt: Path, described: Path,
                           nt_difference: tuple[Path, Path] | None) -> None:
        """The default graph: every triple of kg.nt and of the VoID and ontology graphs
        (``described``, sorted), each once; from a checkpoint, only what changed: the lines
        kg.nt lost or gained (``nt_difference``) and the described triples that came or went,
        each checked against the other side (a triple in both kg.nt and described stays)."""
        if self.previous is None:
            self._add(kg_nt, pyoxigraph.RdfFormat.N_TRIPLES)
            self._add(described, pyoxigraph.RdfFormat.N_TRIPLES)
            return
        gone_nt, new_nt = nt_difference or _difference(self.previous.root / "kg.nt", kg_nt,
                                                       self.work / "nt")
        old_desc = set(_read_lines(self.previous.root / STATE_DIR / DESCRIBED_FILE))
        new_desc = set(_read_lines(described))
        gone, fresh = self.work / "default.gone.nt", self.work / "default.new.nt"
        with SortedLines(self.previous.root / "kg.nt") as old_lines, SortedLines(kg_nt) as lines:
            gone.write_bytes(b"".join(
                [t for t in _read_lines(gone_nt) if t not in new_desc]
                + [t for t in sorted(old_desc - new_desc) if t not in lines]))
            fresh.write_bytes(b"".join(
                [t for t in _read_lines(new_nt) if t not in old_desc]
                + [t for t in sorted(new_desc - old_desc) if t not in old_lines]))
        removed = self._remove(gone, pyoxigraph.RdfFormat.N_TRIPLES)
        self._add(fresh, pyoxigraph.RdfFormat.N_TRIPLES)
        self.progress(f"  default graph: {removed} triples removed, {_lines(fresh)} added")

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
        """Bulk-loads a line-based file (N-Triples, N-Quads), ``batch`` lines a call: Oxigraph's
        loader holds a call's quads in memory (one batch of up to a million per thread), so a
        file of millions loaded whole took ~1.8 GiB at 10,000 articles and ~0.6 GiB in calls
        of 500,000. The parts are cut by GNU ``split`` in the work folder."""
        if not path.stat().st_size:
            return
        if not self.batch or path.stat().st_size < self.batch * 100:  # small: loaded whole
            self.store.bulk_load(path=str(path), format=fmt)
            return
        prefix = self.work / f"load-{path.name}-"
        subprocess.run(["split", "-l", str(self.batch), "-d", "-a", "6", str(path), str(prefix)],
                       check=True, env=_C)
        for part in sorted(self.work.glob(f"{prefix.name}*")):
            self.store.bulk_load(path=str(part), format=fmt)
            part.unlink()


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


def nt_difference(previous: Previous | None, kg_nt: Path, work: Path,
                  change: Change | None = None) -> tuple[Path, Path] | None:
    """The lines of the previous release's kg.nt that went and those that came: the change's
    when it has them, else its touched triples looked up in both sorted files when they are
    few, else ``comm``."""
    if previous is None or not (previous.root / "kg.nt").is_file():
        return None
    old = previous.root / "kg.nt"
    if change is not None and change.nt is not None:
        return change.nt
    touched = _touched(change) if change is not None else None
    if touched is None:
        return _difference(old, kg_nt, work / "nt")
    with SortedLines(old) as before, SortedLines(kg_nt) as after:
        return _nt_files(touched, before.__contains__, after.__contains__, work)


def _unended(line: bytes) -> bytes:
    """A line as ``sort`` compares it: without its newline."""
    return line.rstrip(b"\n")


def void_statistics(kg_nt: Path, previous: Previous | None,
                    difference: tuple[Path, Path] | None, state: Path,
                    base_uri: str) -> Statistics:
    """VoID's counts of kg.nt: the previous release's (``void-counts.json``) corrected by the
    lines that went and came, distinct subjects by looking each touched subject up in both
    sorted files; without them, one pass over kg.nt. Kept in ``state`` for the next release."""
    counts = previous.root / STATE_DIR / COUNTS_FILE if previous is not None else None
    stats = None
    if counts is not None and difference is not None and counts.is_file():
        data = json.loads(counts.read_text(encoding="utf-8"))
        if data.get("version") == COUNTS_VERSION and data.get("base_uri") == base_uri:
            stats = Statistics.from_json(data["counts"])
    if stats is None or previous is None or difference is None:
        stats = count_file(kg_nt, base_uri)
    else:
        gone, came = difference
        touched: set[bytes] = set()
        with open(gone, "rb") as lines:
            touched.update(tally(stats, lines, base_uri, sign=-1))
        with open(came, "rb") as lines:
            touched.update(tally(stats, lines, base_uri))
        with SortedLines(previous.root / "kg.nt") as old, SortedLines(kg_nt) as new:
            for subject in touched:
                stats.subjects += new.has_prefix(subject + b" ") - old.has_prefix(subject + b" ")
        for counter in (stats.predicate_lines, stats.class_lines, stats.mentions):
            for key in [k for k, n in counter.items() if n <= 0]:
                del counter[key]
    (state / COUNTS_FILE).write_text(json.dumps(
        {"version": COUNTS_VERSION, "base_uri": base_uri, "counts": stats.to_json()},
        sort_keys=True), encoding="utf-8")
    return stats


class SortedLines:
    """A file of lines in byte order, searched by bisection (memory-mapped): whether it holds
    a line, or a line that starts with some bytes, in a few dozen reads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: mmap.mmap | bytes = b""

    def __enter__(self) -> SortedLines:
        with open(self.path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size:
                self.data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        return self

    def __exit__(self, *_exc: object) -> None:
        if isinstance(self.data, mmap.mmap):
            self.data.close()

    def _start(self, at: int) -> int:
        """Where the first line starting at or after ``at`` starts."""
        if at == 0:
            return 0
        end = self.data.find(b"\n", at - 1)
        return len(self.data) if end < 0 else end + 1

    def _line(self, start: int) -> bytes:
        end = self.data.find(b"\n", start)
        return self.data[start : end if end >= 0 else len(self.data)]

    def _first_not_below(self, key: bytes) -> int:
        low, high = 0, len(self.data)
        while low < high:
            middle = (low + high) // 2
            start = self._start(middle)
            if start == len(self.data) or self._line(start) >= key:
                high = middle
            else:
                low = middle + 1
        return self._start(low)

    def locate(self, line: bytes) -> tuple[int, bool]:
        """Where ``line`` is, or would go, and whether it is there."""
        key = line.rstrip(b"\n")
        start = self._first_not_below(key)
        return start, start < len(self.data) and self._line(start) == key

    def has_prefix(self, prefix: bytes) -> bool:
        start = self._first_not_below(prefix)
        return self.data[start : start + len(prefix)] == prefix

    def __contains__(self, line: bytes) -> bool:
        """Whether the file holds ``line`` (with or without its newline)."""
        line = line.rstrip(b"\n")
        start = self._first_not_below(line)
        return start < len(self.data) and self._line(start) == line


def _read_lines(path: Path) -> list[bytes]:
    with open(path, "rb") as handle:
        return [line if line.endswith(b"\n") else line + b"\n" for line in handle if line.strip()]


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


def count_lines(path: Path) -> int:
    """Newlines in a file, counted a megabyte at a time (no Python step per line)."""
    return _lines(path)
