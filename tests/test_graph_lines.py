"""Line work of incremental publication (kg.release.incremental) against the tools it stands
for: stripping graph terms as ``sed`` does, and splicing changes into a sorted file as
``sort -u`` would merge them, on quads whose literals hold spaces, angle brackets and
``" ."``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.release.incremental import splice, strip_graphs

C = dict(os.environ, LC_ALL="C")
GRAPHS = [f"http://h/graph/{name}" for name in ("a", "b", "news-1", "news-10")]
term = st.one_of(
    st.sampled_from(["<http://h/s1>", "<http://h/graph/a>", "_:b0", "<http://h/x y>"[:12] + ">"]),
    st.text(alphabet=' <>."ab\\', max_size=12).map(
        lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
)
quad = st.tuples(term, st.sampled_from(["<http://h/p>", "<http://h/q>"]), term,
                 st.sampled_from(GRAPHS))


def _lines(quads: list[tuple[str, str, str, str]]) -> bytes:
    return "".join(f"{s} {p} {o} <{g}> .\n" for s, p, o, g in quads).encode()


@settings(max_examples=60, deadline=None)
@given(st.lists(quad, max_size=40))
def test_strip_graphs_is_what_sed_did(quads):
    data = _lines(quads)
    sed = subprocess.run(["sed", r"s/ <[^ ]*> \.$/ ./"], input=data, capture_output=True,
                         check=True, env=C).stdout
    assert strip_graphs(data) == sed


@settings(max_examples=80, deadline=None)
@given(st.lists(quad, max_size=40), st.lists(quad, max_size=10), st.data())
def test_splice_is_the_sorted_set_difference_and_union(tmp_path_factory, quads, more, data):
    """What ``sort -u`` of (old without the removed lines, plus the inserted) gives, with the
    removed lines drawn from the old ones and insertions that may be there already."""
    old = sorted(set(_lines(quads).splitlines(keepends=True)))
    remove = sorted(data.draw(st.sets(st.sampled_from(old))) if old else [])
    insert = sorted(set(_lines(more).splitlines(keepends=True)))
    work = tmp_path_factory.mktemp("splice")
    (work / "old.nq").write_bytes(b"".join(old))
    splice(work / "old.nq", remove, insert, work / "new.nq")
    expected = subprocess.run(["sort", "-u"], input=b"".join(
        [line for line in old if line not in remove] + insert), capture_output=True,
        check=True, env=C).stdout
    assert (work / "new.nq").read_bytes() == expected


def test_splice_refuses_to_remove_a_line_that_is_not_there(tmp_path: Path):
    (tmp_path / "old.nt").write_bytes(b"<a> <p> <b> .\n<c> <p> <d> .\n")
    with pytest.raises(ValueError, match="does not hold the line to remove"):
        splice(tmp_path / "old.nt", [b"<b> <p> <b> .\n"], [], tmp_path / "new.nt")


def test_a_block_of_real_quads(tmp_path: Path):
    """Lines as our writer makes them: typed and language-tagged literals, offsets in IRIs."""
    data = (b'<http://h/article/a#char=0,5> <http://h/o#anchorOf> "Bukele \\" <x> ." '
            b"<http://h/graph/a> .\n"
            b'<http://h/article/a#char=0,5> <http://h/o#begin> "0"^^<http://www.w3.org/2001/'
            b'XMLSchema#nonNegativeInteger> <http://h/graph/b> .\n'
            b'<http://h/r/X> <http://h/o#label> "El Salvador"@es <http://h/graph/a> .\n')
    assert strip_graphs(data) == (
        b'<http://h/article/a#char=0,5> <http://h/o#anchorOf> "Bukele \\" <x> ." .\n'
        b'<http://h/article/a#char=0,5> <http://h/o#begin> "0"^^<http://www.w3.org/2001/'
        b'XMLSchema#nonNegativeInteger> .\n'
        b'<http://h/r/X> <http://h/o#label> "El Salvador"@es .\n')
