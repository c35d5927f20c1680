"""Nesting deeper than ``KG_MAX_NESTING`` is refused with a 400 that names it, before any
parser reads the text: pyoxigraph's parsers recurse, and 3,000 nested ``{`` killed a query
executor (reported to the client as a memory problem), JSON-LD nested 5,000 deep the /shacl
validation process. Through real HTTP on loopback, under the default server (Granian)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests

from kg.settings import Settings
from server.engine import nesting
from server.engine.syntax import shape
from tests.server.conftest import SAMPLE_TRIG, Server, free_port, make_publication, start_server

TOKEN = "nesting-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BOUND = Settings().max_nesting  # the documented default, 128
QUERY = "application/sparql-query"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("nesting")
    port = free_port()
    make_publication(work / "dist", f"http://127.0.0.1:{port}/", SAMPLE_TRIG)
    started = start_server(work / "dist", port, work / "serve.log", workers=1,
                           env={"KG_ACCESS_LOG": "off", "KG_ADMIN_TOKEN": TOKEN})
    yield started
    started.stop()


def post(server: Server, path: str, media: str, body: str | bytes, **headers: str):
    return requests.post(server.url + path.lstrip("/"), data=body,
                         headers={"Content-Type": media, **headers}, timeout=60)


def braces(depth: int) -> str:
    return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth


def json_ld(depth: int) -> bytes:
    return (b'{"@id": "http://example.org/a", "http://example.org/p": '
            + b'{"http://example.org/p": ' * depth + b'"x"' + b"}" * depth + b"}")


# -- the scans themselves ----------------------------------------------------------------


def test_the_query_scan_counts_braces_parentheses_and_brackets_together():
    assert shape(braces(3)).depth == 3
    assert shape("SELECT * WHERE { ?s ?p ?o FILTER((1 + (2)) > 0) }").depth == 4
    assert shape("SELECT * WHERE { ?s ?p [ ?q ( 1 2 ) ] }").depth == 3
    # strings, IRIs and comments hide nothing and add nothing
    assert shape('SELECT * WHERE { ?s ?p "{{((" . ?s <http://x/#{{> ?o } # ((((\n').depth == 1
    assert shape("SELECT * WHERE { ?s ?p ?o } }}}} " + "{ " * 9).depth == 9  # strays hide nothing
    # triple terms nest too (Oxigraph's parser recurses on << as on brackets); IRIs do not
    assert shape("SELECT * WHERE { << <a> <p> << <b> <q> <c> >> >> ?p ?o }").depth == 3
    assert shape("ASK { " + "<" * 20000 + " }").depth == 20000
    assert shape("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }").depth == 2


@pytest.mark.parametrize(("media", "text", "expected"), [
    ("text/turtle", b'<a> <p> [ <q> ( ( 1 ) ) ] .', 3),
    ("text/turtle", b'<a> <p> "[[[(" , \'\'\'((( """ [[[\'\'\' , """a""\\"[[[""" .', 0),
    ("text/turtle", b"<a> <p> <http://x/#[[> . # [[[[\n<b> <p> [ <q> 1 ] .", 1),
    ("text/turtle", b"<a> <p> ex:a\\(b .", 0),
    ("application/trig", b"<g> { <a> <p> [ <q> ( 1 ) ] }", 3),
    ("application/ld+json", b'{"@id": "x[[{{", "p": [[{"q": "\\"["}]]}', 4),
    ("application/rdf+xml",
     b'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY e "http://e/>">]><rdf:RDF a="<b>">'
     b"<!-- <x><x> --><rdf:Description><e:p rdf:resource='x'/><e:q><![CDATA[<a><a>]]></e:q>"
     b"</rdf:Description></rdf:RDF>", 3),
    ("application/n-triples", b'<a> <p> "[[[" .', 0),
    ("text/turtle", b"]]]] ][[[[[ ]", 5),  # a stray closer never hides the nesting after it
    ("application/ld+json", b"[[]]]]]}}{{[", 3),
])
def test_the_document_scan_reads_brackets_as_the_format_does(media, text, expected):
    assert nesting.depth(text, media, BOUND) == expected


def test_the_document_scan_stops_past_the_bound():
    assert nesting.depth(json_ld(5000), "application/ld+json", BOUND) == BOUND + 1
    deep_turtle = b"<a> <p> " + b"[ <p> " * 5000 + b"1" + b" ]" * 5000 + b" ."
    assert nesting.depth(deep_turtle, "text/turtle", BOUND) == BOUND + 1


def _cost(text: bytes, media: str) -> float:
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        nesting.depth(text, media, BOUND)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(("unit", "media"), [
    ("]]][[[", "text/turtle"), ("<", "text/turtle"), ('"a', "text/turtle"),
    ("'''a", "text/turtle"), ('"\\', "application/ld+json"), ("][", "application/ld+json"),
    ("</a>", "application/rdf+xml"), ("<a/>", "application/rdf+xml"),
])
def test_the_document_scan_is_linear_in_the_text(unit, media):
    """It runs in a web thread before the size of the work is known: 8 times the text may
    cost at most 24 times as much (a quadratic scan costs 64x), unless under 0.2 s."""
    raw = unit.encode()
    small, large = raw * ((64 << 10) // len(raw)), raw * ((512 << 10) // len(raw))
    cost = _cost(large, media)
    ratio = cost / max(_cost(small, media), 1e-4)
    assert ratio < 24 or cost < 0.2, f"{unit!r}: {ratio:.0f}x for 8x the text ({cost:.2f} s)"


# -- through HTTP --------------------------------------------------------------------------


def test_3000_nested_braces_get_400_naming_the_nesting_not_a_crash(server):
    reply = post(server, "sparql", QUERY, braces(3000))
    assert reply.status_code == 400, reply.text
    assert "nests 3000 levels deep" in reply.text and f"at most {BOUND}" in reply.text
    assert "KG_MAX_NESTING" in reply.text and "memory" not in reply.text
    parens = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }"
    reply = requests.get(server.url + "sparql", params={"query": parens}, timeout=60)
    assert reply.status_code == 400 and "levels deep" in reply.text
    # 20,000 "<" crashed pyoxigraph's parser even in a bare process (found by the fuzzer)
    reply = post(server, "sparql", QUERY, "ASK {" + "<" * 20000 + "}")
    assert reply.status_code == 400 and "levels deep" in reply.text


def test_a_real_deep_query_still_runs_and_the_bound_is_exact(server):
    twenty = ("SELECT (COUNT(*) AS ?n) WHERE " + "{ " * 18 + "?s ?p ?o FILTER(((1 + 1) > 0)) "
              + "} " * 18)
    assert shape(twenty).depth == 21
    reply = post(server, "sparql", QUERY, twenty)
    assert reply.status_code == 200, reply.text
    plain = post(server, "sparql", QUERY, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert json.loads(reply.text)["results"]["bindings"][0]["n"]["value"] == \
        json.loads(plain.text)["results"]["bindings"][0]["n"]["value"]
    assert post(server, "sparql", QUERY, braces(BOUND)).status_code == 200
    over = post(server, "sparql", QUERY, braces(BOUND + 1))
    assert over.status_code == 400 and f"nests {BOUND + 1} levels deep" in over.text


def test_deep_updates_are_refused_before_the_writer_reads_them(server):
    update = "INSERT DATA " + "{ " * 3000 + "<http://e/a> <http://e/b> 1 " + "} " * 3000
    reply = post(server, "update", "application/sparql-update", update, **AUTH)
    assert reply.status_code == 400 and "the update nests 3000 levels deep" in reply.text


def test_json_ld_5000_deep_on_shacl_gets_400(server):
    reply = post(server, "shacl", "application/ld+json", json_ld(5000))
    assert reply.status_code == 400, reply.text
    assert f"more than {BOUND} levels deep" in reply.text and "KG_MAX_NESTING" in reply.text
    deep_turtle = b"<http://e/a> <http://e/p> " + b"[ <http://e/p> " * 5000 + b"1" + b" ]" * 5000 + b" ."
    reply = post(server, "shacl", "text/turtle", deep_turtle)
    assert reply.status_code == 400 and "levels deep" in reply.text
    shallow = post(server, "shacl", "application/ld+json", json_ld(20))
    assert shallow.status_code == 200, shallow.text


def test_deep_graph_store_uploads_get_400_and_change_nothing(server):
    target = "data?graph=http%3A%2F%2Fexample.org%2Fdeep"
    reply = post(server, target, "application/ld+json", json_ld(5000), **AUTH)
    assert reply.status_code == 400 and "levels deep" in reply.text
    xml = (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           b'xmlns:e="http://example.org/">' + b"<rdf:Description><e:p>" * 3000
           + b"<rdf:Description/>" + b"</e:p></rdf:Description>" * 3000 + b"</rdf:RDF>")
    reply = post(server, target, "application/rdf+xml", xml, **AUTH)
    assert reply.status_code == 400 and "levels deep" in reply.text
    missing = requests.get(server.url + target, headers=AUTH, timeout=30)
    assert missing.status_code == 404
    ok = post(server, target, "application/ld+json", json_ld(10), **AUTH)
    assert ok.status_code in (200, 201, 204), ok.text
    assert requests.get(server.url + "healthz", timeout=10).status_code == 200
