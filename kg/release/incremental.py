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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

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


#: Bytes read at a time when a sorted file is streamed through Python.
BLOCK = 8 << 20
#: Up to this many graphs gone, their old lines are found by searching for each one's line
#: ending (fast at any file size); past it awk looks each line's graph term up in a set.
MAX_SEARCHED = 16


def _merge(target: Path, *inputs: Path | str) -> list[str]:
    """``sort``'s merge of sorted inputs (``-``: standard input) into ``target``, each line once."""
    return ["sort", "-u", "-m", "-S", "64M", "-T", str(target.parent), "-o", str(target),
            *map(str, inputs)]


def strip_graphs(block: bytes) -> bytes:
    """Named-graph N-Quads lines (whole lines) without their graph term: N-Triples. Dropping
    the last term keeps byte order (a term is followed by a space in both forms), so stripped
    sorted lines are still sorted, equal triples now neighbours."""
    return _GRAPH_TERM.sub(b" .\n", block)


def _blocks(handle: IO[bytes]) -> Iterator[bytes]:
    """A stream in blocks of whole lines."""
    rest = b""
    while block := handle.read(BLOCK):
        block = rest + block
        end = block.rfind(b"\n") + 1
        rest = block[end:]
        if end:
            yield block[:end]
    if rest:
        yield rest


def _without(blocks: Iterable[bytes], gone: set[str], went: BinaryIO) -> Iterator[bytes]:
    """The blocks without the lines of the ``gone`` graphs, which go to ``went`` in order."""
    endings = [f" <{name}> .\n".encode() for name in sorted(gone)]
    for block in blocks:
        spans = []
        for ending in endings:
            at = block.find(ending)
            while at >= 0:
                spans.append((block.rfind(b"\n", 0, at) + 1, at + len(ending)))
                at = block.find(ending, at + len(ending))
        if not spans:
            yield block
            continue
        spans.sort()
        kept, last = [], 0
        for start, stop in spans:
            kept.append(block[last:start])
            went.write(block[start:stop])
            last = stop
        kept.append(block[last:])
        yield b"".join(kept)


def _feed(blocks: Iterable[bytes], consumers: list[tuple[list[str], bool]]) -> None:
    """Write each block to every consumer's standard input, stripped of graph terms for those
    that ask (``True``): one pass over a file of gigabytes feeds merges running side by side."""
    procs = [subprocess.Popen(command, stdin=subprocess.PIPE, env=_C) for command, _ in consumers]
    broken = False
    try:
        for block in blocks:
            stripped = strip_graphs(block) if any(s for _, s in consumers) else block
            for proc, (_, strip) in zip(procs, consumers, strict=True):
                assert proc.stdin is not None
                proc.stdin.write(stripped if strip else block)
    except BrokenPipeError:
        broken = True  # a consumer died: its exit status says why
    finally:
        for proc in procs:
            try:
                assert proc.stdin is not None
                proc.stdin.close()
            except BrokenPipeError:
                broken = True
        codes = [proc.wait() for proc in procs]
    for proc, code in zip(procs, codes, strict=True):
        if code:
            raise subprocess.CalledProcessError(code, proc.args)
    if broken:
        raise OSError("a merge stopped reading its input")


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
    kept_names = {n for d in kept for n in names[d]}
    change = None
    if previous is None or gone & kept_names:
        # (a graph spread over parts, some kept, some gone: the filter would cut a kept one)
        sort_unique([work / "graphs.nq"], sorted_graphs)
        progress("  named graphs sorted from scratch")
        with open(sorted_graphs, "rb") as lines:
            _feed(_blocks(lines), [(_merge(staging / "kg.nq", "-", default_nt), False),
                                   (_merge(staging / "kg.nt", "-", default_nt), True)])
    else:
        # kept = the old sorted lines but the gone graphs'; one pass over them feeds three
        # merges with the new parts' lines and the default graph: the sorted named graphs,
        # kg.nq and (stripped) kg.nt
        added_sorted, added_stripped = work / "added.sorted.nq", work / "added.stripped.nt"
        sort_unique([added], added_sorted)
        added_stripped.write_bytes(strip_graphs(added_sorted.read_bytes()))
        went = work / "went.nq"
        consumers = [(_merge(sorted_graphs, "-", added_sorted), False),
                     (_merge(staging / "kg.nq", "-", added_sorted, default_nt), False),
                     (_merge(staging / "kg.nt", "-", added_stripped, default_nt), True)]
        with open(went, "wb") as out:
            if len(gone) <= MAX_SEARCHED:
                with open(previous.graphs, "rb") as lines:
                    _feed(_without(_blocks(lines), gone, out), consumers)
            else:
                out.close()
                _feed_filtered(previous.graphs, gone, went, work, consumers)
        progress(f"  named graphs: {len(kept)} part(s) kept from {previous.root.name}, "
                 f"{len(new)} new, graphs of {len(previous.parts) - len(kept)} dropped")
        old_default = previous.root / STATE_DIR / DEFAULT_FILE
        new_names = {n for d in new for n in new[d]}
        if old_default.is_file() and not new_names & kept_names:
            # old = kept + went, new = kept + added, and no new line can be a kept one
            graphs_gone, graphs_new = _difference(went, added_sorted, work / "graphs")
            default_gone, default_new = _difference(old_default, default_nt, work / "default")
            change = Change(graphs_gone, graphs_new, default_gone, default_new)
    (state / PARTS_FILE).write_text(
        "".join(f"{d}\t{' '.join(names[d])}\n" for d in sorted(names)), encoding="utf-8")
    return sorted_graphs, layout, change


def _feed_filtered(graphs: Path, gone: set[str], went: Path, work: Path,
                   consumers: list[tuple[list[str], bool]]) -> None:
    """``_feed`` from awk, which drops the lines of many gone graphs (to ``went``)."""
    (work / "gone.txt").write_text("".join(f"<{n}>\n" for n in sorted(gone)), encoding="utf-8")
    command = ["awk", "-v", f"went={went}", "NR == FNR { gone[$0]; next } "
               "NF < 2 || !($(NF - 1) in gone) { print; next } { print > went }",
               str(work / "gone.txt"), str(graphs)]
    awk = subprocess.Popen(command, stdout=subprocess.PIPE, env=_C)
    try:
        assert awk.stdout is not None
        _feed(_blocks(awk.stdout), consumers)
    finally:
        assert awk.stdout is not None
        awk.stdout.close()
        if awk.wait() != 0:
            raise subprocess.CalledProcessError(awk.returncode, "awk")


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
    """The lines of the previous release's kg.nt that went and those that came: from
    ``change`` when it is small (a triple's presence in kg.nt can only change if a line of
    kg.nq stating it did; each such triple is looked up in both sorted files), else ``comm``."""
    if previous is None or not (previous.root / "kg.nt").is_file():
        return None
    old = previous.root / "kg.nt"
    if change is None:
        return _difference(old, kg_nt, work / "nt")
    candidates: set[bytes] = set()
    for path, graph in ((change.graphs_gone, True), (change.graphs_new, True),
                        (change.default_gone, False), (change.default_new, False)):
        with open(path, "rb") as lines:
            for line in lines:
                if line.strip():
                    line = line if line.endswith(b"\n") else line + b"\n"
                    candidates.add(strip_graphs(line) if graph else line)
        if len(candidates) > MAX_PROBES:
            return _difference(old, kg_nt, work / "nt")
    gone, came = work / "nt.gone.nt", work / "nt.new.nt"
    with SortedLines(old) as before, SortedLines(kg_nt) as after:
        present = {line: (line in before, line in after) for line in candidates}
    went: list[bytes] = [t for t, (b, a) in present.items() if b and not a]
    new: list[bytes] = [t for t, (b, a) in present.items() if a and not b]
    went.sort(key=_unended)
    new.sort(key=_unended)
    gone.write_bytes(b"".join(went))
    came.write_bytes(b"".join(new))
    return gone, came


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
