"""The streaming filters of incremental publication (kg.release.incremental) against the
tools they replaced: stripping graph terms as ``sed`` did, and dropping gone graphs' lines as
``awk`` does, on quads whose literals hold spaces, angle brackets and ``" ."``, cut into
blocks at awkward places."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.release.incremental import _without, strip_graphs

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


@settings(max_examples=60, deadline=None)
@given(st.lists(quad, max_size=40), st.sets(st.sampled_from(GRAPHS)),
       st.lists(st.integers(min_value=0, max_value=2000), max_size=4))
def test_dropping_gone_graphs_is_what_awk_does(tmp_path_factory, quads, gone, cuts):
    data = _lines(quads)
    work = tmp_path_factory.mktemp("awk")
    (work / "gone.txt").write_text("".join(f"<{g}>\n" for g in sorted(gone)))
    (work / "in.nq").write_bytes(data)
    awk = subprocess.run(["awk", "-v", f"went={work / 'went.nq'}",
                          "NR == FNR { gone[$0]; next } "
                          "NF < 2 || !($(NF - 1) in gone) { print; next } { print > went }",
                          str(work / "gone.txt"), str(work / "in.nq")],
                         capture_output=True, check=True, env=C).stdout
    went_awk = (work / "went.nq").read_bytes() if (work / "went.nq").exists() else b""
    if not gone:  # (awk's NR == FNR idiom needs a non-empty first file; the build calls it so)
        awk, went_awk = data, b""
    # blocks of whole lines, as _blocks gives them, cut at line ends near the given offsets
    ends = sorted({data.find(b"\n", min(c, len(data))) + 1 for c in cuts} - {0})
    blocks = [data[a:b] for a, b in zip([0, *ends], [*ends, len(data)], strict=True) if b > a]
    went = io.BytesIO()
    assert b"".join(_without(blocks, set(gone), went)) == awk
    assert went.getvalue() == went_awk


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
    went = io.BytesIO()
    assert b"".join(_without([data], {"http://h/graph/a"}, went)) == data.splitlines(True)[1]
    assert went.getvalue() == b"".join(data.splitlines(True)[0::2])
