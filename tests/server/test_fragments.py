"""Triple Pattern Fragments over real HTTP: each triple once, paging, Hydra controls in every
RDF format, 400 for bad terms, the HTML view; and Comunica itself querying the interface
(``tests/clients``, installed from npm by ``make clients``) against the SPARQL endpoint's answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.formats import FRAGMENTS
from tests.server.conftest import fetch, free_port, make_publication, query_url

HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
EX = "http://example.org/"
CLIENTS = Path(__file__).parents[1] / "clients" / "node_modules"
NODE = CLIENTS / ".bin" / "node"
COMUNICA = CLIENTS / "@comunica" / "query-sparql" / "bin" / "query.js"

#: alice's name sits in the default graph and in two article graphs: one triple, three quads.
#: 250 numbered triples make three pages.
TRIG = (
    f"@prefix ex: <{EX}> .\n"
    'ex:alice ex:name "Alice" ; ex:knows ex:bob .\n'
    '<graph/one> { ex:alice ex:name "Alice" . ex:bob ex:name "Bob"@en ; ex:age 41 . }\n'
    '<graph/two> { ex:alice ex:name "Alice" . ex:bob ex:knows ex:alice . }\n'
    "<graph/many> { " + " ".join(f"ex:item{i} ex:rank {i} ." for i in range(250)) + " }\n"
)


@pytest.fixture(scope="module")
def tpf(tmp_path_factory: pytest.TempPathFactory):
    from tests.server.conftest import start_server

    work = tmp_path_factory.mktemp("tpf")
    port = free_port()
    make_publication(work / "dist", f"http://127.0.0.1:{port}/", TRIG)
    server = start_server(work / "dist", port, work / "serve.log", workers=1,
                          env={"KG_ACCESS_LOG": "off"})
    yield server.url
    server.stop()


def fragment(base: str, accept: str = "application/n-quads", **params: str):
    url = f"{base}fragments" + (f"?{urllib.parse.urlencode(params)}" if params else "")
    return url, fetch(url, headers={"Accept": accept})


def split(body: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS, base: str | None = None):
    """(data triples of the default graph, metadata triples of the named graphs)."""
    quads = list(ox.parse(body, format=fmt, base_iri=base))
    data = {q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}
    meta = {q.triple for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
    return data, meta


def values(triples, predicate: str, subject: str | None = None) -> list[str]:
    return sorted(t.object.value for t in triples if t.predicate.value == predicate
                  and (subject is None or t.subject.value == subject))


def test_a_triple_in_several_graphs_is_listed_once(tpf):
    url, reply = fragment(tpf, subject=f"{EX}alice")
    assert reply.status == 200, reply.text
    data, meta = split(reply.body)
    assert {(t.predicate.value, t.object.value) for t in data} == {
        (f"{EX}name", "Alice"), (f"{EX}knows", f"{EX}bob")}
    assert reply.text.count('"Alice"') == 1
    assert values(meta, HYDRA + "totalItems") == ["2"] and values(meta, VOID + "triples") == ["2"]


def test_the_whole_union_graph_counts_each_triple_once(tpf):
    _, reply = fragment(tpf)
    data, meta = split(reply.body)
    ours = [t for t in data if t.subject.value.startswith(EX)]
    distinct = endpoint(tpf, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                             "WHERE { ?s ?p ?o } }")
    graphs = endpoint(tpf, f'SELECT (COUNT(?g) AS ?n) WHERE {{ GRAPH ?g {{ <{EX}alice> <{EX}name> '
                           '"Alice" } }')
    assert graphs[0]["n"]["value"] == "2"  # and the default graph: three quads, one triple
    # the store also holds the release's VoID: counted as the endpoint counts it, each triple once
    assert values(meta, HYDRA + "totalItems") == [distinct[0]["n"]["value"]]
    assert len(data) == 100 and len(ours) == len(set(ours))


def test_pages_cover_the_fragment_without_overlap_and_link_each_other(tpf):
    seen: list[ox.Triple] = []
    url = f"{tpf}fragments?predicate={urllib.parse.quote(EX + 'rank', safe='')}"
    pages = 0
    while url:
        reply = fetch(url, headers={"Accept": "application/trig"})
        assert reply.status == 200
        data, meta = split(reply.body, ox.RdfFormat.TRIG)
        seen += data
        pages += 1
        assert values(meta, HYDRA + "first", url)  # every page links the first one
        (previous,) = values(meta, HYDRA + "previous", url) or [None]
        assert (previous is None) == (pages == 1)
        url = (values(meta, HYDRA + "next", url) or [None])[0]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 250
    assert sorted(int(t.object.value) for t in seen) == list(range(250))


def test_literals_in_the_explicit_representation_select_exactly(tpf):
    _, plain = fragment(tpf, object='"Alice"')
    _, tagged = fragment(tpf, object='"Bob"@en')
    _, untagged = fragment(tpf, object='"Bob"')
    _, typed = fragment(tpf, object='"41"^^http://www.w3.org/2001/XMLSchema#integer')
    assert [t.subject.value for t in split(plain.body)[0]] == [f"{EX}alice"]
    assert [t.subject.value for t in split(tagged.body)[0]] == [f"{EX}bob"]
    assert split(untagged.body)[0] == set()
    assert sorted(t.subject.value for t in split(typed.body)[0]) == [f"{EX}bob", f"{EX}item41"]


@pytest.mark.parametrize("rep", [f for f in FRAGMENTS if f.kind == "rdf"], ids=lambda f: f.name)
def test_every_rdf_format_carries_the_hydra_search_form(tpf, rep):
    url, reply = fragment(tpf, accept=rep.media_type, subject=f"{EX}bob")
    assert reply.status == 200
    assert reply.header("Content-Type").split(";")[0] == rep.media_type
    quads = list(ox.parse(reply.body, format=rep.oxigraph, base_iri=tpf))
    triples = {q.triple for q in quads}
    assert values(triples, HYDRA + "template") == [f"{tpf}fragments{{?subject,predicate,object}}"]
    assert sorted(values(triples, HYDRA + "property")) == [
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#" + p for p in ("object", "predicate", "subject")]
    assert values(triples, HYDRA + "totalItems") == ["3"]
    assert {t.object.value for t in triples if t.subject.value == f"{EX}bob"} >= {"Bob", "41"}
    if rep.dataset:  # the controls in a graph of their own, named by its primary topic
        data = {q.triple for q in quads if isinstance(q.graph_name, ox.DefaultGraph)}
        assert {t.subject.value for t in data} == {f"{EX}bob"}


@pytest.mark.parametrize(("params", "named"), [
    ({"subject": "alice"}, "subject"),
    ({"subject": '"Alice"'}, "subject"),
    ({"predicate": '"name"'}, "predicate"),
    ({"object": '"Alice'}, "object"),
    ({"object": '"Alice"xx'}, "object"),
    ({"object": '"41"^^not an iri'}, "object"),
    ({"predicate": "http://example.org/a b"}, "predicate"),
    ({"page": "0"}, "page"),
    ({"page": "two"}, "page"),
])
def test_a_bad_term_is_a_400_naming_the_parameter(tpf, params, named):
    _, reply = fragment(tpf, **params)
    assert reply.status == 400, reply.text
    assert named in reply.text


def test_a_page_past_the_end_is_404(tpf):
    _, reply = fragment(tpf, subject=f"{EX}alice", page="2")
    assert reply.status == 404 and "1 page" in reply.text


def test_the_html_view_shows_the_triples_a_form_and_the_formats(tpf):
    _, reply = fragment(tpf, accept="text/html", subject=f"{EX}bob")
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("text/html")
    page = reply.text
    assert 'name="subject"' in page and f'value="{EX}bob"' in page
    assert "Bob" in page and "41" in page and "(3 matching triples)" in page
    assert "format=trig" in page


def test_a_format_nothing_matches_is_406(tpf):
    _, reply = fragment(tpf, accept="application/pdf")
    assert reply.status == 406


# ---------------------------------------------------------------- Comunica, a real TPF client

needs_comunica = pytest.mark.skipif(
    not (NODE.exists() and COMUNICA.exists()),
    reason="Comunica and Node 22 are not installed: run `make clients` (npm ci in tests/clients)",
)


def comunica(source: str, query: str) -> list[dict]:
    """The rows Comunica's own CLI finds for ``query`` over the TPF interface at ``source``."""
    done = subprocess.run(
        [str(NODE), str(COMUNICA), source, query, "-t", "application/sparql-results+json"],
        capture_output=True, timeout=300, env=dict(os.environ, NODE_OPTIONS=""),
    )
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return json.loads(done.stdout)["results"]["bindings"]


def endpoint(server_url: str, query: str) -> list[dict]:
    reply = fetch(query_url(server_url, query), headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text
    return json.loads(reply.body)["results"]["bindings"]


def rows(bindings: list[dict]) -> list[tuple]:
    """Result rows comparable across servers: a plain string's datatype is implicit."""
    def term(t: dict) -> tuple:
        datatype = t.get("datatype")
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            datatype = None
        return (t["type"].replace("typed-literal", "literal"), t["value"], t.get("xml:lang"), datatype)
    return sorted(tuple(sorted((k, term(v)) for k, v in b.items())) for b in bindings)


@needs_comunica
def test_comunica_reads_the_node_22_it_was_installed_with():
    done = subprocess.run([str(NODE), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("v22.")


@needs_comunica
@pytest.mark.parametrize("query", [
    # one pattern over many pages, each triple once though the article graphs repeat them
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
    # a join Comunica evaluates itself, fragment by fragment
    "SELECT ?a ?title ?publisher WHERE { ?a a <{base}ontology#Article> ; "
    "<http://purl.org/dc/terms/title> ?title ; <http://purl.org/dc/terms/publisher> ?publisher }",
    # four article graphs say Rubio holds the office: one triple, one row
    "SELECT ?p ?o WHERE { <{base}resource/Marco_Rubio> ?p ?o }",
])
def test_comunica_over_fragments_answers_as_the_sparql_endpoint(server_url, query):
    query = query.replace("{base}", server_url)
    found = comunica(f"{server_url}fragments", query)
    expected = endpoint(server_url, query.replace("SELECT ", "SELECT DISTINCT ", 1))
    assert found, "the query should match something in the seeds"
    assert rows(found) == rows(expected)


@needs_comunica
def test_comunica_counts_the_whole_dataset_as_a_query_without_dataset_sees_it(server_url):
    found = comunica(f"{server_url}fragments", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    expected = endpoint(server_url, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                                    "WHERE { ?s ?p ?o } }")
    assert int(found[0]["n"]["value"]) == int(expected[0]["n"]["value"]) > 1000
