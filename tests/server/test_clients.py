"""Real SPARQL clients against the running endpoint: SPARQLWrapper and rdflib's SPARQLStore.

Each answer is compared with what pyoxigraph gives on the published store itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import GET, JSON, POST, RDFXML, TURTLE, XML, SPARQLWrapper

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    return ox.Store.read_only(str(Path(os.path.realpath(built.dist_dir)) / "store"))


@pytest.fixture(scope="module")
def subject(store) -> ox.NamedNode:
    """Some entity of the publication: the first typed IRI, whatever the build produced."""
    row = next(iter(store.query(
        "SELECT ?s WHERE { ?s a ?t ; ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s LIMIT 1",
    )))
    return row["s"]


def _count(store: ox.Store) -> int:
    return int(next(iter(store.query(COUNT)))["n"].value)


def _triples(store: ox.Store, subject: ox.NamedNode) -> set[tuple[str, str, str]]:
    query = f"CONSTRUCT WHERE {{ {subject} ?p ?o }}"
    return {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in store.query(query)
    }


@pytest.mark.parametrize("method", [GET, POST])
def test_sparqlwrapper_select_json(server_url, store, method):
    client = SPARQLWrapper(server_url + "sparql")
    client.setMethod(method)
    client.setQuery(COUNT)
    client.setReturnFormat(JSON)
    result = client.queryAndConvert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) == _count(store)


def test_sparqlwrapper_select_xml(server_url, store):
    client = SPARQLWrapper(server_url + "sparql")
    client.setQuery(COUNT)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    literal = document.getElementsByTagName("literal")[0].firstChild.data
    assert int(literal) == _count(store)


def test_sparqlwrapper_ask(server_url, subject):
    client = SPARQLWrapper(server_url + "sparql")
    client.setReturnFormat(JSON)
    client.setQuery(f"ASK {{ {subject} ?p ?o }}")
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery("ASK { <http://example.org/nothing-like-this> ?p ?o }")
    assert client.queryAndConvert()["boolean"] is False


@pytest.mark.parametrize("fmt", [TURTLE, RDFXML])
def test_sparqlwrapper_construct(server_url, store, subject, fmt):
    client = SPARQLWrapper(server_url + "sparql")
    client.setQuery(f"CONSTRUCT WHERE {{ {subject} ?p ?o }}")
    client.setReturnFormat(fmt)
    converted = client.queryAndConvert()
    graph = converted
    if not isinstance(graph, Graph):  # Turtle comes back as text, RDF/XML as a graph
        graph = Graph().parse(data=converted, format="turtle")
    got = {(str(s), str(p), str(o)) for s, p, o in graph}
    assert got == _triples(store, subject) and got


def test_rdflib_sparqlstore_queries(server_url, store, subject):
    remote = Graph(store=SPARQLStore(server_url + "sparql", returnFormat="xml"))
    rows = list(remote.query(COUNT))
    assert int(rows[0][0]) == _count(store)
    assert remote.query(f"ASK {{ {subject} ?p ?o }}").askAnswer is True
    constructed = remote.query(f"CONSTRUCT WHERE {{ {subject} ?p ?o }}").graph
    assert {(str(s), str(p), str(o)) for s, p, o in constructed} == _triples(store, subject)


def test_rdflib_sparqlstore_triples_and_json(server_url, store, subject):
    remote = Graph(store=SPARQLStore(server_url + "sparql", returnFormat="json"))
    triples = set(remote.triples((URIRef(subject.value), None, None)))
    assert {(str(s), str(p), str(o)) for s, p, o in triples} == _triples(store, subject)
    labelled = list(remote.query(
        "SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) } LIMIT 1"
    ))
    assert isinstance(labelled[0][0], Literal)
