"""Dumps in reusable pieces (kg.release.chunked): the pieces' concatenation is Oxigraph's
serialisation of the whole, the .gz is one valid gzip member of it, and a release written
from the previous one's pieces has the bytes of one written from nothing."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from pathlib import Path

import pyoxigraph
import pytest

from kg.release import chunked
from kg.vocab import prefixes

BASE = "http://127.0.0.1:5999/"
PREFIXES = prefixes(BASE)
NQ = pyoxigraph.RdfFormat.N_QUADS


def _default(subjects: Iterable[int]) -> bytes:
    """Sorted N-Triples: a few triples for each subject, some literals with spaces."""
    lines = []
    for n in subjects:
        s = f"<{BASE}resource/E{n:04d}>"
        lines += [f"{s} <http://www.w3.org/2000/01/rdf-schema#label> \"Entity number {n}\"@en .\n",
                  f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{BASE}ontology#Entity> .\n",
                  f"{s} <{BASE}ontology#rank> \"{n % 7}\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"]
    return "".join(sorted(lines)).encode()


def _graph(n: int) -> bytes:
    g = f"<{BASE}graph/a{n}>"
    return "".join(f"<{BASE}article/a{n}#char={i},{i + 5}> <http://www.w3.org/2005/11/its/rdf#"
                   f"taIdentRef> <{BASE}resource/E{i:04d}> {g} .\n" for i in range(40)).encode()


def _write(folder: Path, default: bytes, graphs: list[bytes], previous: Path | None,
           ) -> dict[str, bytes]:
    """Turtle of the default graph and TriG, JSON-LD and N-Triples' .gz, as publish writes."""
    folder.mkdir()
    state = folder / ".incremental"
    state.mkdir()
    (folder / "default.nt").write_bytes(default)
    (folder / "kg.nt").write_bytes(default)
    (folder / "graphs.nq").write_bytes(b"".join(graphs))
    out: dict[str, bytes] = {}
    with ThreadPoolExecutor(2) as pool:
        for name, fmt in (("kg.ttl", pyoxigraph.RdfFormat.TURTLE),
                          ("kg.trig", pyoxigraph.RdfFormat.TRIG),
                          ("kg.jsonld", pyoxigraph.RdfFormat.JSON_LD)):
            table = None if fmt == pyoxigraph.RdfFormat.JSON_LD else PREFIXES
            render, footer, empty = chunked.serialiser(fmt, NQ, table)
            pieces: Iterable[bytes | tuple[str, bytes]]
            if fmt == pyoxigraph.RdfFormat.TURTLE:
                pieces = chunked.line_runs(folder / "default.nt", mask_bits=2)
            else:
                parts = ((hashlib.sha256(g).hexdigest(), g) for g in graphs)
                pieces = chain[bytes | tuple[str, bytes]](
                    chunked.line_runs(folder / "default.nt", mask_bits=2), parts)
            done = chunked.write(name, pieces, folder, state, previous, pool,
                                 salt=chunked.salt(table), render=render, footer=footer,
                                 empty=empty)
            out[f"{name} reused"] = str(done.reused).encode()
        chunked.write("kg.nt", chunked.line_runs(folder / "kg.nt", mask_bits=2), folder, state,
                      previous, pool, salt=chunked.salt(None))
    for name in ("kg.ttl", "kg.trig", "kg.jsonld", "kg.nt"):
        out[name] = (folder / name).read_bytes()
        out[f"{name}.gz"] = (folder / f"{name}.gz").read_bytes()
    return out


def test_pieces_make_oxigraph_s_whole_serialisation_and_a_valid_gzip(tmp_path: Path):
    default, graphs = _default(range(300)), [_graph(n) for n in range(5)]
    out = _write(tmp_path / "r1", default, graphs, None)
    whole = b"".join([default, *graphs])
    assert out["kg.ttl"] == pyoxigraph.serialize(pyoxigraph.parse(default, format=NQ),
                                                 format=pyoxigraph.RdfFormat.TURTLE,
                                                 prefixes=PREFIXES)
    for name, fmt in (("kg.trig", pyoxigraph.RdfFormat.TRIG),
                      ("kg.jsonld", pyoxigraph.RdfFormat.JSON_LD)):
        table = None if fmt == pyoxigraph.RdfFormat.JSON_LD else PREFIXES
        assert out[name] == pyoxigraph.serialize(pyoxigraph.parse(whole, format=NQ),
                                                 format=fmt, prefixes=table), name
    for name in ("kg.ttl", "kg.trig", "kg.jsonld", "kg.nt"):
        assert gzip.decompress(out[f"{name}.gz"]) == out[name]
        subprocess.run(["gzip", "-t", str(tmp_path / "r1" / f"{name}.gz")], check=True)
    assert out["kg.nt"] == default


def test_a_release_from_the_previous_pieces_equals_one_from_nothing(tmp_path: Path):
    """Entities inserted in the middle and at the end, one graph changed, one added: the
    unchanged pieces are copied, and every byte equals a release written without them."""
    first = _write(tmp_path / "r1", _default(range(0, 300, 2)), [_graph(n) for n in range(5)],
                   None)
    assert first["kg.ttl reused"] == b"0"
    default = _default(chain(range(0, 300, 2), (151, 153, 401)))
    graphs = [_graph(n) for n in (0, 1, 7, 3, 4, 5)]
    again = _write(tmp_path / "r2", default, graphs, tmp_path / "r1" / ".incremental")
    fresh = _write(tmp_path / "r3", default, graphs, None)
    assert int(again["kg.ttl reused"]) > 10 and int(again["kg.trig reused"]) > 10
    assert {k: v for k, v in again.items() if "reused" not in k} == \
        {k: v for k, v in fresh.items() if "reused" not in k}


def test_an_index_written_otherwise_is_not_used(tmp_path: Path):
    default, graphs = _default(range(100)), [_graph(1)]
    _write(tmp_path / "r1", default, graphs, None)
    index = tmp_path / "r1" / ".incremental" / "kg.ttl.pieces"
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    index.write_text("v0 another zlib\n" + "".join(lines[1:]), encoding="utf-8")
    again = _write(tmp_path / "r2", default, graphs, tmp_path / "r1" / ".incremental")
    assert again["kg.ttl reused"] == b"0" and int(again["kg.trig reused"]) > 0


@pytest.mark.parametrize("bits", [0, 2, 6])
def test_runs_end_where_subjects_end_and_do_not_move_with_an_insertion(tmp_path: Path,
                                                                       bits: int):
    path = tmp_path / "a.nt"
    path.write_bytes(_default(range(0, 200, 2)))
    before = list(chunked.line_runs(path, mask_bits=bits))
    assert b"".join(before) == path.read_bytes()
    for run, following in itertools.pairwise(before):  # a subject's lines stay in one run
        assert run.splitlines()[-1].split(b" ")[0] != following.split(b" ")[0]
    assert len(before) > 1 or bits > 2
    path.write_bytes(_default(chain(range(0, 200, 2), [101])))
    after = list(chunked.line_runs(path, mask_bits=bits))
    assert len(set(after) - set(before)) <= 1  # only the run the new subject fell into
