"""One prefix table and one URI scheme: `kg query`, the SPARQL endpoint and its Service
Description declare the same prefixes (``kg.vocab.prefixes``), and every kind of node the build
mints (``kg.uris.Kind``) is routed and indexed by the server from the same table."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from kg.settings import Settings
from kg.uris import INDEXED_KINDS, Kind, Minter
from kg.vocab import prefixes
from server.engine.worker import write_triples
from tests.server.conftest import fetch, query_url

JSON = {"Accept": "application/sparql-results+json"}
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"


def _bindings(reply) -> list[dict[str, str]]:
    assert reply.status == 200, reply.text
    return [{k: v["value"] for k, v in b.items()}
            for b in json.loads(reply.body)["results"]["bindings"]]


def _kg_query(built: Settings, query: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "kg", "query", "--dist", str(built.dist_dir), "--base-uri",
         built.base_uri, "--format", "csv", query],
        capture_output=True, text=True, env=dict(os.environ), timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def _described_prefixes(server_url: str) -> list[str]:
    """The prefix names the Service Description says may be used without declaring them."""
    reply = fetch(server_url + "sparql", headers={"Accept": "text/turtle"})
    store = ox.Store()
    store.load(reply.body, format=ox.RdfFormat.TURTLE)
    comments = [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(RDFS_COMMENT), None)]
    found = next((m for c in comments if (m := re.search(
        r"The usual prefixes \(([^)]*)\) may be used without declaring them", c))), None)
    assert found, comments  # the service's comment, among those of its extension functions
    return found.group(1).split(", ")


def test_the_endpoint_accepts_res_without_declaring_it(server_url, built):
    query = "SELECT ?label WHERE { res:Nayib_Bukele rdfs:label ?label }"
    assert _bindings(fetch(query_url(server_url, query), headers=JSON)) == [{"label": "Nayib Bukele"}]
    assert _kg_query(built, query) == ["label", "Nayib Bukele"]


def test_kg_query_the_endpoint_and_the_service_description_declare_the_same_prefixes(
    server_url, built
):
    described = _described_prefixes(server_url)
    table = prefixes(built.base_uri)
    assert sorted(described) == sorted(table) and {"kg", "res"} <= set(described)
    # Each one described stands for the same namespace in `kg query` and at the endpoint.
    query = "SELECT * WHERE { " + " ".join(f"BIND({p}: AS ?{p})" for p in described) + " }"
    at_endpoint = _bindings(fetch(query_url(server_url, query), headers=JSON))
    assert at_endpoint == [table]
    header, row = _kg_query(built, query)
    assert dict(zip(header.split(","), row.split(","), strict=True)) == table


def test_graph_answers_write_res_only_where_every_name_reads_back(server_url, built):
    """A prefix is written only where every IRI it shortens is a plain local name: res: names
    can need escapes (``res:U.S\\.``) that are valid Turtle but that rdflib fails to read."""
    base = built.base_uri
    described = fetch(query_url(server_url, "DESCRIBE res:Nayib_Bukele"),
                      headers={"Accept": "text/turtle"})
    assert described.status == 200 and f"@prefix res: <{base}resource/>" in described.text
    table = prefixes(base)
    label = ox.NamedNode(table["rdfs"] + "label")
    for names in (["Nayib_Bukele"], ["Nayib_Bukele", "U.S."]):
        triples = [ox.Triple(ox.NamedNode(table["res"] + n), label, ox.Literal(n)) for n in names]
        body = write_triples(triples, "turtle", table)
        assert ("@prefix res:" in body.decode()) == (names == ["Nayib_Bukele"])
        assert {str(s) for s in Graph().parse(data=body, format="turtle").subjects()} == {
            table["res"] + n for n in names}


def test_the_minter_mints_each_kind_under_its_segment():
    base = "http://example.org/kg/"
    mint = Minter(base)
    for kind in Kind:
        assert mint.node(kind, "k") == mint.node(kind.value, "k") == URIRef(f"{base}{kind.value}/k")
    assert mint.resource("Nayib_Bukele") == URIRef(f"{base}resource/Nayib_Bukele")
    assert mint.span("a1", 0, 5) == URIRef(f"{base}article/a1#char=0,5")
    assert mint.graph("void") == URIRef(f"{base}graph/void")
    assert mint.dataset == URIRef(f"{base}dataset")
    with pytest.raises(ValueError):
        mint.node("nonsense", "k")


@pytest.mark.parametrize("kind", INDEXED_KINDS, ids=lambda k: k.value)
def test_every_kind_with_an_index_has_its_page(server_url, kind):
    reply = fetch(f"{server_url}{kind.segment}/", headers={"Accept": "text/html"})
    assert reply.status == 200 and f"<h1>{kind.index_title} " in reply.text


def test_a_kind_without_an_index_has_no_index_page(server_url):
    assert not Kind.DATASET.has_index
    assert fetch(f"{server_url}{Kind.DATASET.segment}/").status == 404
