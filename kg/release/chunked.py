"""Dumps written in pieces the next release can reuse, so that adding an article re-serialises
and re-compresses what changed, not the whole corpus.

A dump is a sequence of *pieces*, each rendered from a run of its source text alone: for the
sorted files (kg.nt, kg.nq, and the default graph of TriG and JSON-LD) a run of lines cut where
a new subject starts whose CRC-32 has its low ``MASK_BITS`` bits clear (content-defined, so an
insertion moves no other cut); for the named graphs of TriG and JSON-LD, one part (one article's
graph, ``kg.release.publish``). A piece's serialisation is Oxigraph's of its lines; the
concatenation equals Oxigraph's serialisation of the whole, since pieces end where subjects
(or graphs) do.

The ``.gz`` is one gzip member whose deflate stream is each piece compressed on its own (a fresh
compressor, ended by a full flush: byte-aligned, no back-references across pieces, as ``pigz
--independent`` does), then an empty final block and the CRC-32 and length of the whole. So a
piece's compressed bytes depend on its bytes only, and the same pieces give the same file
whichever release they were first written in: a piece whose key (its source's SHA-256, whether
it comes first) is in the previous release's index (``.incremental/<dump>.pieces``) is copied
from that release's files, the others are rendered and compressed on threads (zlib releases
the GIL while it compresses). An index written by another zlib, Oxigraph or prefix
table is not used (``salt``).
"""

from __future__ import annotations

import hashlib
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph

#: Bumped when the way pieces are cut, rendered or compressed changes.
VERSION = "1"
#: Cut before a subject whose CRC-32 has this many low bits clear: about 2**MASK_BITS subjects,
#: ~50-100 KB of N-Triples, a piece.
MASK_BITS = 6
LEVEL = 6  #: gzip's own default: level 9 costs several times the time for ~1% less
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # deflate, no name, mtime 0, OS unknown
FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush()  # an empty last block
INDEX_SUFFIX = ".pieces"
#: Pieces rendered ahead of the one being written (bounds memory to a few MB).
AHEAD = 16

#: Renders a piece's source text; the flag says whether it is the dump's first piece.
Render = Callable[[bytes, bool], bytes]


def salt(prefixes: dict[str, str] | None) -> str:
    """What a reused piece's bytes depend on besides its source text."""
    table = "".join(f"{k}={v}\n" for k, v in sorted((prefixes or {}).items()))
    return (f"v{VERSION} zlib {zlib.ZLIB_RUNTIME_VERSION} pyoxigraph {pyoxigraph.__version__} "
            f"level {LEVEL} bits {MASK_BITS} {hashlib.sha256(table.encode()).hexdigest()}")


def deflate(data: bytes) -> bytes:
    """One piece's compressed bytes: fresh state, ended byte-aligned by a full flush."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def line_runs(path: Path, mask_bits: int = MASK_BITS, lengths: list[int] | None = None,
              ) -> Iterator[bytes]:
    """The lines of a sorted N-Triples or N-Quads file in content-defined runs, each ending
    where a subject's lines end; each run's length is appended to ``lengths`` if given, so a
    second dump from the same file replays the cuts (``file_parts``) instead of finding them
    again a line at a time (4-5 s for kg.nt at 10,000 articles)."""
    mask = (1 << mask_bits) - 1
    run: list[bytes] = []
    last = b""
    with open(path, "rb") as handle:
        for line in handle:
            subject = line[: line.find(b" ")]
            if subject != last:
                last = subject
                if run and not zlib.crc32(subject) & mask:
                    piece = b"".join(run)
                    if lengths is not None:
                        lengths.append(len(piece))
                    yield piece
                    run = []
            run.append(line)
    if run:
        piece = b"".join(run)
        if lengths is not None:
            lengths.append(len(piece))
        yield piece


def file_parts(path: Path, lengths: Iterable[int]) -> Iterator[bytes]:
    """A file cut into consecutive parts of the given lengths."""
    with open(path, "rb") as handle:
        for length in lengths:
            yield handle.read(length)


@dataclass
class Written:
    """What writing one dump did: the manifest's records of the files, pieces reused/made."""

    files: dict[str, dict] = field(default_factory=dict)
    reused: int = 0
    made: int = 0
    newlines: int = 0  #: in the dump's text: a line-based dump's lines


@dataclass(frozen=True)
class _Slot:
    key: str
    raw: bytes | None = None  # the rendered bytes, when known without the pool
    old: tuple[int, int, int, int] | None = None  # offsets in the previous files
    job: Future | None = None


def _read_index(path: Path, expected: str) -> dict[str, tuple[int, int, int, int]]:
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as handle:
        if handle.readline().rstrip("\n") != expected:
            return {}
        index = {}
        for line in handle:
            key, *numbers = line.split("\t")
            index[key] = (int(numbers[0]), int(numbers[1]), int(numbers[2]), int(numbers[3]))
        return index


def write(name: str, pieces: Iterable[bytes | tuple[str, bytes]], staging: Path, state: Path,
          previous_state: Path | None, pool: ThreadPoolExecutor, *, salt: str,
          render: Render | None = None, footer: bytes = b"", empty: bytes = b"") -> Written:
    """Write ``staging/<name>`` (unless ``render`` is None: the file is there already and each
    piece is its own text) and ``staging/<name>.gz`` from ``pieces`` (source text, or a key
    and its text), reusing the previous release's pieces (``previous_state`` is its
    ``.incremental`` folder) and indexing this release's in ``state``."""
    old_index = (_read_index(previous_state / f"{name}{INDEX_SUFFIX}", salt)
                 if previous_state is not None else {})
    old_dir = previous_state.parent if previous_state is not None else None
    identity = render is None
    rendered: Render = render or (lambda source, _first: source)
    out = Written()
    raw_sha, gz_sha = hashlib.sha256(), hashlib.sha256()
    crc, size, raw_at, gz_at = 0, 0, 0, len(GZIP_HEADER)
    index: list[str] = [salt + "\n"]
    with (
        open(staging / f"{name}.gz", "wb") as gz,
        (open(staging / name, "wb") if not identity else _Null()) as raw,
        (open(old_dir / name, "rb") if old_dir and not identity and old_index else _Null())
        as old_raw,
        (open(old_dir / f"{name}.gz", "rb") if old_dir and old_index else _Null()) as old_gz,
    ):
        gz.write(GZIP_HEADER)
        gz_sha.update(GZIP_HEADER)

        def emit(slot: _Slot) -> None:
            nonlocal crc, size, raw_at, gz_at
            if slot.job is not None:
                text, packed = slot.job.result()
            else:
                assert slot.old is not None
                r_at, r_len, g_at, g_len = slot.old
                text = slot.raw if slot.raw is not None else _read(old_raw, r_at, r_len)
                packed = _read(old_gz, g_at, g_len)
            if not identity:
                raw.write(text)
            raw_sha.update(text)
            out.newlines += text.count(b"\n")
            crc = zlib.crc32(text, crc)
            size += len(text)
            gz.write(packed)
            gz_sha.update(packed)
            index.append(f"{slot.key}\t{raw_at}\t{len(text)}\t{gz_at}\t{len(packed)}\n")
            raw_at += len(text)
            gz_at += len(packed)

        pending: deque[_Slot] = deque()
        first, jobs = True, 0
        for piece in pieces:
            source = piece[1] if isinstance(piece, tuple) else piece
            if not source:
                continue
            key = piece[0] if isinstance(piece, tuple) else hashlib.sha256(source).hexdigest()
            key += ".first" if first else ""
            if key in old_index:
                slot = _Slot(key, source if identity else None, old_index[key])
                out.reused += 1
            else:
                slot = _Slot(key, job=pool.submit(_make, rendered, source, first))
                out.made += 1
            first = False
            pending.append(slot)
            jobs += slot.job is not None
            while pending and (pending[0].job is None or pending[0].job.done()
                               or jobs > AHEAD or len(pending) > 4 * AHEAD):
                jobs -= pending[0].job is not None
                emit(pending.popleft())
        while pending:
            emit(pending.popleft())
        tail = footer if not first else empty
        if tail:
            if not identity:
                raw.write(tail)
            raw_sha.update(tail)
            crc = zlib.crc32(tail, crc)
            size += len(tail)
            packed = deflate(tail)
            gz.write(packed)
            gz_sha.update(packed)
            raw_at += len(tail)
        trailer = FINAL_BLOCK + (crc & 0xFFFFFFFF).to_bytes(4, "little") + (
            size & 0xFFFFFFFF).to_bytes(4, "little")
        gz.write(trailer)
        gz_sha.update(trailer)
        gz_at += len(trailer)
    (state / f"{name}{INDEX_SUFFIX}").write_text("".join(index), encoding="utf-8")
    out.files[name] = {"bytes": size, "sha256": raw_sha.hexdigest()}
    out.files[f"{name}.gz"] = {"bytes": gz_at, "sha256": gz_sha.hexdigest()}
    return out


def _make(render: Render, source: bytes, first: bool) -> tuple[bytes, bytes]:
    text = render(source, first)
    return text, deflate(text)


def _read(handle: BinaryIO | _Null, at: int, length: int) -> bytes:
    assert not isinstance(handle, _Null)
    handle.seek(at)
    data = handle.read(length)
    if len(data) != length:
        raise OSError(f"{getattr(handle, 'name', '?')} is shorter than its piece index says")
    return data


class _Null:
    """Stands for a file not opened."""

    def __enter__(self) -> _Null:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def write(self, _data: bytes) -> None:
        return None


def serialiser(fmt: pyoxigraph.RdfFormat, source: pyoxigraph.RdfFormat,
               prefixes: dict[str, str] | None) -> tuple[Render, bytes, bytes]:
    """A piece renderer for ``fmt`` and the dump's footer and empty form. Turtle and TriG
    pieces after the first drop the prefix lines Oxigraph writes before its first statement;
    JSON-LD pieces are the members of one top-level array."""
    probe = pyoxigraph.Quad(pyoxigraph.NamedNode("urn:x:s"), pyoxigraph.NamedNode("urn:x:p"),
                            pyoxigraph.NamedNode("urn:x:o"))
    sample = _serialize([probe], fmt, prefixes)
    if fmt == pyoxigraph.RdfFormat.JSON_LD:
        if not (sample.startswith(b"[") and sample.endswith(b"]")):
            raise ValueError(f"unexpected JSON-LD from Oxigraph: {sample[:80]!r}")

        def json_ld(data: bytes, first: bool) -> bytes:
            text = _serialize(pyoxigraph.parse(data, format=source), fmt, None)
            return (b"[" if first else b",") + text[1:-1]

        return json_ld, b"]", b"[]"
    header = sample[: sample.index(b"<urn:x:s>")]

    def text_form(data: bytes, first: bool) -> bytes:
        text = _serialize(pyoxigraph.parse(data, format=source), fmt, prefixes)
        if first:
            return text
        if not text.startswith(header):
            raise ValueError(f"{fmt} piece does not start with the prefixes")
        return text[len(header):]

    return text_form, b"", b""


def _serialize(quads: Iterable[pyoxigraph.Quad], fmt: pyoxigraph.RdfFormat,
               prefixes: dict[str, str] | None) -> bytes:
    text = pyoxigraph.serialize(quads, format=fmt, prefixes=prefixes)
    assert text is not None  # no output file: the bytes are returned
    return text
