"""The graphs a SPARQL Update can change, read from its text (server.engine.update_scope), and
the admin writer recording exactly what an update did when it diffs only those graphs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.curation import read_log
from server.engine.jobs import WriteJob
from server.engine.update_scope import graphs_named
from server.engine.writer import Writer

BASE = "http://example.org/"
GRAPHS = [f"{BASE}graph/one", f"{BASE}graph/two", f"{BASE}graph/one-more"]


@pytest.mark.parametrize("text, expected", [
    ('INSERT DATA { <http://example.org/s> <http://example.org/p> "o" }', set()),
    ("INSERT DATA { GRAPH <http://example.org/graph/two> { <s> <p> <o> } }", {GRAPHS[1]}),
    ("PREFIX g: <http://example.org/graph/> DROP GRAPH g:one", {GRAPHS[0]}),
    ("BASE <http://example.org/graph/> CLEAR GRAPH <two>", {GRAPHS[1]}),
    # relative to the server's base; graph/one is named too, as far as the text can tell
    ("DELETE DATA { GRAPH <graph/one-more> { <s> <p> 1 } }", {GRAPHS[0], GRAPHS[2]}),
])
def test_graphs_an_update_names(text, expected):
    assert graphs_named(text, BASE, GRAPHS) == expected


@pytest.mark.parametrize("text", [
    "DELETE WHERE { GRAPH ?g { <s> <p> ?o } }",
    "DELETE { GRAPH $g { ?s ?p ?o } } WHERE { GRAPH $g { ?s ?p ?o } }",
    "DROP ALL", "clear named",
    r"INSERT DATA { GRAPH <http://example.org/graph/\u0074wo> { <s> <p> <o> } }",
    'INSERT DATA { <s> <p> "a question?" }',
])
def test_updates_that_may_touch_any_graph(text):
    assert graphs_named(text, BASE, GRAPHS) is None


def test_the_writer_records_what_a_scoped_update_did(tmp_path: Path):
    (tmp_path / "release").mkdir()
    (tmp_path / "release" / "manifest.json").write_text('{"curation": {"last": ""}}')
    release = ox.Store(str(tmp_path / "release" / "store"))
    release.extend([ox.Quad(ox.NamedNode(f"{BASE}s"), ox.NamedNode(f"{BASE}p"), ox.Literal(str(i)),
                            ox.NamedNode(g)) for i, g in enumerate(GRAPHS)])
    release.flush()
    del release
    log = tmp_path / "log"
    writer = Writer()
    text = (f"PREFIX g: <{BASE}graph/> DELETE DATA {{ GRAPH g:one {{ <{BASE}s> <{BASE}p> \"0\" }} }} ;"
            f" INSERT DATA {{ GRAPH g:new {{ <{BASE}s> <{BASE}p> \"new\" }} }}")
    job = WriteJob(release_store=str(tmp_path / "release" / "store"), work_dir=str(tmp_path / "work"),
                   op="update", budget=30, text=text, base_iri=BASE, curation_dir=str(log))
    assert writer.run(job).ok
    (patch,) = read_log(log)
    assert [(q.object.value, q.graph_name.value) for q in patch.removed] == [("0", GRAPHS[0])]
    assert [(q.object.value, q.graph_name.value) for q in patch.added] == [("new", f"{BASE}graph/new")]
