"""The SPARQL 1.1 Protocol at /sparql, SPARQL Update and the Graph Store protocol, over HTTP.

Expected answers come from the published store itself (opened read-only here with pyoxigraph)
or from pyoxigraph's own serialisers, never from numbers typed into the tests.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from server.engine.worker import RDF_FORMATS
from tests.server.conftest import (
    EX,
    SAMPLE_TRIG,
    fetch,
    free_port,
    make_publication,
    query_url,
)

XSD = "http://www.w3.org/2001/XMLSchema#"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
#: Data-independent solutions covering every kind of term and the escaping corner cases.
VALUES_QUERY = (
    'SELECT ?a ?b ?c ?d ?e ?f ?g WHERE { VALUES (?a ?b ?c ?d ?e ?f) { '
    '(<http://e/x?a=1&b=%3C> "t\\ta,b\\"c\\nd<&>" "hi"@en-GB 1 2.5 "x"^^<http://e/dt>) '
    '(UNDEF "1e3"^^<' + XSD + 'double> true "2020-01-01"^^<' + XSD + 'date> UNDEF -3) '
    '("\\r" UNDEF "x"@ar--rtl UNDEF UNDEF "é ü 中"@zh) } '
    'BIND(<<( <http://e/s> <http://e/p> "o" )>> AS ?g) }'
)
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = RDF_FORMATS  # the worker's own name -> pyoxigraph format table, to parse replies


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    """The session's published store, read-only, to compute what the endpoint must answer."""
    return ox.Store.read_only(str(Path(os.path.realpath(built.dist_dir)) / "store"))


def media(reply) -> str:
    return (reply.header("Content-Type") or "").split(";")[0].strip()


def solutions(reply) -> list[dict[str, str]]:
    return [
        {k: v["value"] for k, v in b.items()} for b in json.loads(reply.body)["results"]["bindings"]
    ]


def names(reply) -> set[str]:
    return {row["name"] for row in solutions(reply)}


# Queries by GET, POST form and POST direct -----------------------------------------------


def test_get_select_defaults_to_json_and_matches_the_store(server_url, store):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    reply = fetch(query_url(server_url, query))
    assert reply.status == 200
    assert media(reply) == "application/sparql-results+json"
    expected = next(iter(store.query(query)))["n"].value
    assert solutions(reply) == [{"n": expected}]
    assert int(expected) > 0


def test_post_form_and_post_direct_answer_like_get(server_url):
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 25"
    by_get = fetch(query_url(server_url, query))
    by_form = fetch(server_url + "sparql", "POST", FORM, urllib.parse.urlencode({"query": query}))
    by_body = fetch(
        server_url + "sparql", "POST", {"Content-Type": "application/sparql-query"}, query
    )
    assert by_get.status == by_form.status == by_body.status == 200
    assert by_get.body == by_form.body == by_body.body
    assert len(solutions(by_get)) == 25


def test_post_direct_accepts_an_explicit_utf8_charset(server_url):
    reply = fetch(
        server_url + "sparql", "POST",
        {"Content-Type": "application/sparql-query; charset=UTF-8"}, 'ASK { FILTER("é" = "é") }',
    )
    assert reply.status == 200
    assert json.loads(reply.body) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("fmt", sorted(RESULT_TYPES))
def test_each_result_format_is_what_pyoxigraph_writes(server_url, fmt):
    reply = fetch(query_url(server_url, VALUES_QUERY), headers={"Accept": RESULT_TYPES[fmt]})
    assert reply.status == 200
    assert media(reply) == RESULT_TYPES[fmt]
    expected = ox.Store().query(VALUES_QUERY).serialize(
        format=getattr(ox.QueryResultsFormat, fmt.upper())
    )
    assert reply.body == expected


@pytest.mark.parametrize("fmt", sorted(RESULT_TYPES))
def test_ask_in_each_result_format(server_url, fmt):
    for query, answer in (("ASK {}", True), ("ASK { FILTER(false) }", False)):
        reply = fetch(query_url(server_url, query, format=fmt))
        assert reply.status == 200
        assert media(reply) == RESULT_TYPES[fmt]
        expected = ox.Store().query(query).serialize(
            format=getattr(ox.QueryResultsFormat, fmt.upper())
        )
        assert reply.body == expected
        assert (b"true" in reply.body) is answer


@pytest.mark.parametrize("fmt", sorted(GRAPH_TYPES))
def test_construct_in_each_rdf_format_round_trips(server_url, store, fmt):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 200"
    reply = fetch(query_url(server_url, query, format=fmt))
    assert reply.status == 200
    assert media(reply) == GRAPH_TYPES[fmt].media_type
    got = {str(q.triple) for q in ox.parse(reply.body, format=GRAPH_TYPES[fmt])}
    expected = {str(t) for t in store.query(query)}
    assert got == expected
    assert len(got) == 200


def test_describe_returns_the_resource_triples(server_url, store):
    subject = next(iter(store.query(
        "SELECT ?s WHERE { ?s a ?type FILTER(isIRI(?s)) } ORDER BY ?s LIMIT 1",
    )))["s"]
    reply = fetch(query_url(server_url, f"DESCRIBE {subject}"), headers={"Accept": "text/turtle"})
    assert reply.status == 200 and media(reply) == "text/turtle"
    triples = [q.triple for q in ox.parse(reply.body, format=ox.RdfFormat.TURTLE)]
    assert triples and all(t.subject == subject for t in triples)


def test_head_answers_like_get_without_a_body(server_url):
    url = query_url(server_url, "ASK { ?s ?p ?o }")
    head, get = fetch(url, "HEAD"), fetch(url)
    assert head.status == 200 and head.body == b""
    assert media(head) == media(get)


def test_relative_iris_and_usual_prefixes_work(server_url, store):
    query = "SELECT ?s WHERE { ?s a ?t FILTER(STRSTARTS(STR(?s), STR(<resource/>))) } LIMIT 1"
    reply = fetch(query_url(server_url, query))
    assert reply.status == 200
    assert solutions(reply)[0]["s"].startswith(server_url + "resource/")
    prefixed = fetch(query_url(server_url, "SELECT (COUNT(*) AS ?n) { ?s rdf:type ?t }"))
    assert prefixed.status == 200
    expected = next(iter(store.query(
        "SELECT (COUNT(*) AS ?n) { ?s a ?t }")))["n"].value
    assert solutions(prefixed) == [{"n": expected}]


# Content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv;q=0.9, text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
         "application/sparql-results+xml"),
        ("image/png;q=1, text/csv;q=0.1", "text/csv"),
        ("*/*;q=0.1, text/csv;q=0", "application/sparql-results+json"),
    ],
)
def test_accept_header_with_q_values(server_url, accept, expected):
    url = query_url(server_url, "SELECT * { ?s ?p ?o } LIMIT 1")
    reply = fetch(url, headers={"Accept": accept})
    assert reply.status == 200
    assert media(reply) == expected
    assert "Accept" in (reply.header("Vary") or "")


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("xml", RESULT_TYPES["xml"]),
     ("text/tab-separated-values", "text/tab-separated-values"), ("json", RESULT_TYPES["json"])],
)
def test_format_parameter_wins_over_accept(server_url, fmt, expected):
    url = query_url(server_url, "SELECT * { ?s ?p ?o } LIMIT 1", format=fmt)
    reply = fetch(url, headers={"Accept": "application/sparql-results+json;q=1"})
    assert reply.status == 200 and media(reply) == expected


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("ttl", "text/turtle"), ("xml", "application/rdf+xml"), ("json", "application/ld+json"),
     ("nt", "application/n-triples"), ("application/trig", "application/trig")],
)
def test_format_names_mean_rdf_formats_for_construct(server_url, fmt, expected):
    reply = fetch(query_url(server_url, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", format=fmt))
    assert reply.status == 200 and media(reply) == expected


def test_nothing_acceptable_is_406(server_url):
    reply = fetch(query_url(server_url, "SELECT * { ?s ?p ?o } LIMIT 1"),
                  headers={"Accept": "image/png"})
    assert reply.status == 406
    assert "application/sparql-results+json" in reply.text  # says what is available
    refused = fetch(query_url(server_url, "SELECT * { ?s ?p ?o } LIMIT 1"),
                    headers={"Accept": "text/csv;q=0"})
    assert refused.status == 406
    wrong_kind = fetch(query_url(server_url, "CONSTRUCT WHERE { ?s ?p ?o }", format="csv"))
    assert wrong_kind.status == 406
    assert "text/turtle" in wrong_kind.text


def test_unknown_format_name_is_400(server_url):
    reply = fetch(query_url(server_url, "ASK {}", format="yaml"))
    assert reply.status == 400 and "yaml" in reply.text


# Request errors --------------------------------------------------------------------------


def test_malformed_query_is_400_with_the_parser_message(server_url):
    reply = fetch(query_url(server_url, "SELECT ?x WHERE { ?x ?y }"))
    assert reply.status == 400
    assert media(reply) == "text/plain"
    assert reply.text.startswith("malformed query:")
    assert "1:" in reply.text  # Oxigraph's message gives the position


def test_two_query_parameters_are_400(server_url):
    twice = f"{server_url}sparql?query=ASK%7B%7D&query=ASK%7B%7D"
    assert fetch(twice).status == 400
    form = urllib.parse.urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert fetch(server_url + "sparql", "POST", FORM, form).status == 400
    url_and_body = fetch(
        f"{server_url}sparql?query=ASK%7B%7D", "POST",
        {"Content-Type": "application/sparql-query"}, "ASK {}",
    )
    assert url_and_body.status == 400


def test_missing_or_empty_query_is_400(server_url):
    assert fetch(server_url + "sparql?default-graph-uri=http://example.org/g").status == 400
    assert fetch(query_url(server_url, "   ")).status == 400
    assert fetch(server_url + "sparql", "POST", FORM, "timeout=1").status == 400


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/json", "application/sparql-query; charset=ISO-8859-1",
     "application/x-www-form-urlencoded; charset=latin1"],
)
def test_wrong_or_missing_media_type_on_post_is_415(server_url, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    reply = fetch(server_url + "sparql", "POST", headers, b"query=ASK%20%7B%7D")
    assert reply.status == 415
    assert reply.text.strip()


def test_non_utf8_bytes_are_refused(server_url):
    direct = fetch(server_url + "sparql", "POST", {"Content-Type": "application/sparql-query"},
                   'ASK { FILTER("\xe9" = "x") }'.encode("latin-1"))
    assert direct.status in (400, 415)
    form = fetch(server_url + "sparql", "POST", FORM, b"query=ASK%7BFILTER(%22%E9%22)%7D")
    assert form.status in (400, 415)
    assert "UTF-8" in form.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405_with_allow(server_url, method):
    reply = fetch(server_url + "sparql", method, {"Content-Type": "text/plain"}, b"x")
    assert reply.status == 405
    allowed = {m.strip() for m in reply.header("Allow").split(",")}
    assert {"GET", "POST"} <= allowed and method not in allowed


def test_update_endpoint_takes_post_only_and_no_queries(server_url):
    assert fetch(server_url + "update").status == 405
    reply = fetch(server_url + "update", "POST", FORM, urllib.parse.urlencode({"query": "ASK {}"}))
    assert reply.status == 400


def test_updates_are_refused_with_403_on_a_public_server(server_url):
    insert = f"INSERT DATA {{ <{EX}a> <{EX}b> <{EX}c> }}"
    by_form = fetch(server_url + "sparql", "POST", FORM, urllib.parse.urlencode({"update": insert}))
    by_body = fetch(server_url + "update", "POST",
                    {"Content-Type": "application/sparql-update", "Authorization": "Bearer guess"},
                    insert)
    assert by_form.status == by_body.status == 403
    assert "KG_ADMIN_TOKEN" in by_form.text
    assert fetch(server_url + "data?default").status == 403
    assert fetch(server_url + "sparql?" + urllib.parse.urlencode({"update": insert})).status == 400
    unchanged = fetch(query_url(server_url, f"ASK {{ <{EX}a> ?p ?o }}"))
    assert json.loads(unchanged.body)["boolean"] is False


# The dataset: union default graph, FROM, default-graph-uri, named-graph-uri ---------------


def test_a_query_without_a_dataset_sees_each_triple_once(server_url, built):
    """Issue 13, defect 2: a fact stated by several articles lives in each of their graphs, yet
    the default graph is a set, so COUNT(*) equals the DISTINCT count and a lookup of a fact
    repeated across articles gives one row (it gave one per article graph)."""
    every = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    distinct = "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"
    counted = solutions(fetch(query_url(server_url, every)))[0]["n"]
    assert counted == solutions(fetch(query_url(server_url, distinct)))[0]["n"]
    release = json.loads((built.dist_dir / "manifest.json").read_text())
    assert int(counted) == release["default_graph_triples"]
    # Facts that more than one article graph states (there are some in the seeds) ...
    shared = solutions(fetch(query_url(server_url, """
        SELECT ?s ?p ?o (COUNT(?g) AS ?graphs) { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }
        GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1) ORDER BY ?s ?p ?o LIMIT 3""", format="json")))
    assert shared, "the seeds state some fact in more than one article graph"
    for row in shared:
        # ... come back once from a lookup (answered in the web worker) and from an executor.
        lookup = solutions(fetch(query_url(server_url, f"SELECT ?o {{ <{row['s']}> <{row['p']}> ?o }}")))
        assert sorted(r["o"] for r in lookup).count(row["o"]) == 1
        heavy = solutions(fetch(query_url(
            server_url, f"SELECT ?o {{ <{row['s']}> <{row['p']}> ?o FILTER(true) }}")))
        assert sorted(r["o"] for r in heavy).count(row["o"]) == 1
        # ... and DESCRIBE lists each triple once.
        described = fetch(query_url(server_url, f"DESCRIBE <{row['s']}>"),
                          headers={"Accept": "application/n-triples"})
        lines = [line for line in described.text.splitlines() if line.strip()]
        assert len(lines) == len(set(lines))



def test_without_a_dataset_the_default_graph_is_every_graph(sample_server):
    # The sample server caps results at 3 rows, so count instead of listing.
    count = fetch(query_url(sample_server.url,
                            "SELECT (COUNT(*) AS ?n) { ?x <http://example.org/name> ?name }"))
    assert solutions(count) == [{"n": "5"}]


def test_default_graph_uri_replaces_the_default_graph(sample_server):
    base = sample_server.url
    query = "SELECT ?name { ?x <http://example.org/name> ?name }"
    reply = fetch(query_url(base, query, default_graph_uri=f"{base}graph/one"))
    assert names(reply) == {"Bob", "Carol"}
    both = fetch(query_url(base, query, default_graph_uri=[f"{base}graph/one", f"{base}graph/two"],
                           format="json"))
    assert both.header("X-KG-Truncated") == "true"  # 4 names, 3 rows allowed
    counted = fetch(query_url(
        base, "SELECT (COUNT(*) AS ?n) { ?x <http://example.org/name> ?name }",
        default_graph_uri=[f"{base}graph/one", f"{base}graph/two"],
    ))
    assert solutions(counted) == [{"n": "4"}]


def test_from_in_the_query_is_honoured_and_protocol_overrides_it(sample_server):
    base = sample_server.url
    query = f"SELECT ?name FROM <{base}graph/two> {{ ?x <http://example.org/name> ?name }}"
    assert names(fetch(query_url(base, query))) == {"Dan", "Erin"}
    overridden = fetch(query_url(base, query, default_graph_uri=f"{base}graph/one"))
    assert names(overridden) == {"Bob", "Carol"}


def test_named_graph_uri_limits_graph_patterns_and_empties_the_default_graph(sample_server):
    base = sample_server.url
    query = "SELECT ?name { GRAPH ?g { ?x <http://example.org/name> ?name } }"
    reply = fetch(query_url(base, query, named_graph_uri=f"{base}graph/two"))
    assert names(reply) == {"Dan", "Erin"}
    default_only = fetch(query_url(base, "SELECT ?name { ?x <http://example.org/name> ?name }",
                                   named_graph_uri=f"{base}graph/two"))
    assert names(default_only) == set()


def test_invalid_graph_iri_is_400(sample_server):
    reply = fetch(query_url(sample_server.url, "ASK {}", default_graph_uri="not an iri"))
    assert reply.status == 400 and "default-graph-uri" in reply.text


# CORS and compression --------------------------------------------------------------------


def test_cors_on_read_endpoints(server_url):
    reply = fetch(query_url(server_url, "ASK {}"), headers={"Origin": "https://example.org"})
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert "X-KG-Truncated" in reply.header("Access-Control-Expose-Headers")
    preflight = fetch(server_url + "sparql", "OPTIONS", {
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    })
    assert preflight.status == 200
    assert "POST" in preflight.header("Access-Control-Allow-Methods")
    assert preflight.header("Access-Control-Allow-Origin") == "*"
    origin = {"Origin": "https://example.org"}
    write = fetch(server_url + "update", "POST", {**origin, **FORM}, "update=x")
    assert write.header("Access-Control-Allow-Origin") is None
    store = fetch(server_url + "data?default", headers={"Origin": "https://example.org"})
    assert store.header("Access-Control-Allow-Origin") is None


@pytest.mark.parametrize(("path", "method", "allowed"), [
    ("sparql", "POST", {"GET", "HEAD", "OPTIONS", "POST"}),
    ("shacl", "POST", {"GET", "HEAD", "OPTIONS", "POST"}),
    ("resource/", "GET", {"GET", "HEAD", "OPTIONS"}),
    ("dumps/kg.ttl", "GET", {"GET", "HEAD", "OPTIONS"}),
    ("", "GET", {"GET", "HEAD", "OPTIONS"}),
])
def test_a_preflight_is_told_only_the_methods_a_read_path_takes(server_url, path, method, allowed):
    """No read-only path advertises PUT, PATCH or DELETE (or POST where it takes none)."""
    preflight = fetch(server_url + path, "OPTIONS", {
        "Origin": "https://example.org", "Access-Control-Request-Method": method,
    })
    methods = {m.strip() for m in preflight.header("Access-Control-Allow-Methods").split(",")}
    assert methods == allowed


def test_large_text_results_are_compressed(server_url):
    import gzip

    url = query_url(server_url, "SELECT * { ?s ?p ?o } LIMIT 500")
    plain = fetch(url)
    packed = fetch(url, headers={"Accept-Encoding": "gzip"})
    assert packed.header("Content-Encoding") == "gzip"
    assert gzip.decompress(packed.body) == plain.body
    assert len(packed.body) < len(plain.body)


# SPARQL Update and the Graph Store protocol on an admin server ----------------------------

TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def admin(tmp_path_factory):
    """An admin server over its own sample publication; yields (server, release folder)."""
    from tests.server.conftest import start_server

    work = tmp_path_factory.mktemp("admin")
    port = free_port()
    publication = make_publication(work / "dist", f"http://127.0.0.1:{port}/", SAMPLE_TRIG)
    server = start_server(work / "dist", port, work / "serve.log",
                          env={"KG_ADMIN_TOKEN": TOKEN, "KG_ACCESS_LOG": "off"})
    before = _tree_digest(publication.root)
    yield server, publication.root
    server.stop()
    assert _tree_digest(publication.root) == before, "writes must never touch the release"


def _ask(base: str, query: str) -> bool:
    reply = fetch(query_url(base, query))
    assert reply.status == 200, reply.text
    return json.loads(reply.body)["boolean"]


def test_update_needs_the_bearer_token(admin):
    server, _ = admin
    insert = f"INSERT DATA {{ <{EX}t1> <{EX}p> 'one' }}"
    body = {"Content-Type": "application/sparql-update"}
    missing = fetch(server.url + "update", "POST", body, insert)
    wrong = fetch(server.url + "update", "POST", {**body, "Authorization": "Bearer nope"}, insert)
    assert missing.status == wrong.status == 401
    assert missing.header("WWW-Authenticate").startswith("Bearer")
    assert not _ask(server.url, f"ASK {{ <{EX}t1> ?p ?o }}")
    ok = fetch(server.url + "update", "POST", {**body, **AUTH}, insert)
    assert ok.status == 204, ok.text
    assert _ask(server.url, f"ASK {{ <{EX}t1> <{EX}p> 'one' }}")


def test_update_by_form_at_sparql(admin):
    server, _ = admin
    update = f"INSERT DATA {{ GRAPH <{EX}g9> {{ <{EX}t2> <{EX}p> 2 }} }}"
    form = urllib.parse.urlencode({"update": update})
    reply = fetch(server.url + "sparql", "POST", {**FORM, **AUTH}, form)
    assert reply.status == 204, reply.text
    assert _ask(server.url, f"ASK {{ GRAPH <{EX}g9> {{ <{EX}t2> <{EX}p> 2 }} }}")


def test_bad_updates_change_nothing(admin):
    server, _ = admin
    headers = {"Content-Type": "application/sparql-update", **AUTH}
    malformed = fetch(server.url + "update", "POST", headers, "INSERT DATA { oops")
    assert malformed.status == 400 and "malformed update" in malformed.text
    load = fetch(server.url + "update", "POST", headers, "LOAD <http://127.0.0.1:9/x.ttl>")
    assert load.status == 400 and "LOAD" in load.text
    failing = fetch(server.url + "update", "POST", headers,
                    f"INSERT DATA {{ <{EX}t3> <{EX}p> 3 }} ; DROP GRAPH <{EX}no-such-graph>")
    assert failing.status == 400
    assert not _ask(server.url, f"ASK {{ <{EX}t3> ?p ?o }}")  # all or nothing
    # the protocol's update dataset is supported now (tests below): this one matches nothing
    using = fetch(server.url + f"update?using-graph-uri={EX}g", "POST", headers,
                  f"DELETE {{ ?s ?p ?o }} WHERE {{ <{EX}zz> ?p ?o }}")
    assert using.status == 204, using.text


# using-graph-uri / using-named-graph-uri (protocol section 2.2.3); fresh IRIs under EX + "ud/"
UD = f"{EX}ud/"
UPDATE = {"Content-Type": "application/sparql-update", **AUTH}


def _update_url(base: str, path: str, **params: str | list[str]) -> str:
    pairs = [(key.replace("_", "-"), item) for key, value in params.items()
             for item in (value if isinstance(value, list) else [value])]
    return f"{base}{path}?{urllib.parse.urlencode(pairs)}" if pairs else f"{base}{path}"


def _in_graph(base: str, graph: str, subject: str) -> bool:
    return _ask(base, f"ASK {{ GRAPH <{UD}{graph}> {{ <{UD}{subject}> <{UD}p> ?o }} }}")


def _seed(base: str, graphs: dict[str, list[str]]) -> None:
    data = " ".join(
        f"GRAPH <{UD}{g}> {{ " + " ".join(f"<{UD}{s}> <{UD}p> '{s}' ." for s in subjects) + " }"
        for g, subjects in graphs.items()
    )
    seeded = fetch(base + "update", "POST", UPDATE, f"INSERT DATA {{ {data} }}")
    assert seeded.status == 204, seeded.text


def test_using_graph_uri_on_a_direct_post_sets_the_where_dataset(admin):
    server, _ = admin
    _seed(server.url, {"a1": ["s1"], "a2": ["s2"], "a-target": ["s1", "s2"]})
    move = (f"DELETE {{ GRAPH <{UD}a-target> {{ ?s <{UD}p> ?o }} }} "
            f"INSERT {{ GRAPH <{UD}a-out> {{ ?s <{UD}p> ?o }} }} WHERE {{ ?s <{UD}p> ?o }}")
    # without a dataset the WHERE reads the (real) default graph, which has none of these
    assert fetch(server.url + "update", "POST", UPDATE, move).status == 204
    assert _in_graph(server.url, "a-target", "s1") and not _in_graph(server.url, "a-out", "s1")
    reply = fetch(_update_url(server.url, "update", using_graph_uri=f"{UD}a1"), "POST", UPDATE, move)
    assert reply.status == 204, reply.text
    assert not _in_graph(server.url, "a-target", "s1") and _in_graph(server.url, "a-out", "s1")
    assert _in_graph(server.url, "a-target", "s2") and not _in_graph(server.url, "a-out", "s2")
    # several using-graph-uri: their merge is the default graph of the WHERE (here at /sparql)
    merge = f"INSERT {{ GRAPH <{UD}a-merge> {{ ?s <{UD}p> ?o }} }} WHERE {{ ?s <{UD}p> ?o }}"
    reply = fetch(_update_url(server.url, "sparql", using_graph_uri=[f"{UD}a1", f"{UD}a2"]),
                  "POST", UPDATE, merge)
    assert reply.status == 204, reply.text
    assert _in_graph(server.url, "a-merge", "s1") and _in_graph(server.url, "a-merge", "s2")


def _default_subjects(base: str) -> set[str]:
    reply = fetch(base + "data?default", headers={"Accept": "application/n-triples", **AUTH})
    assert reply.status == 200, reply.text
    return {q.subject.value for q in ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES)}


def test_using_graph_uri_with_the_delete_where_shorthand(admin):
    server, _ = admin
    _seed(server.url, {"e1": ["w1"]})
    seeded = fetch(server.url + "update", "POST", UPDATE,
                   f"INSERT DATA {{ <{UD}w1> <{UD}p> 'w1' . <{UD}w2> <{UD}p> 'w2' }}")
    assert seeded.status == 204
    assert {f"{UD}w1", f"{UD}w2"} <= _default_subjects(server.url)
    # DELETE WHERE is DELETE { QP } USING <e1> WHERE { QP }: it deletes from the default graph
    # what matches in e1, so w1 goes, w2 stays, and e1 itself is not a target
    shorthand = f"DELETE WHERE {{ ?s <{UD}p> ?o }}"
    reply = fetch(_update_url(server.url, "update", using_graph_uri=f"{UD}e1"), "POST", UPDATE, shorthand)
    assert reply.status == 204, reply.text
    subjects = _default_subjects(server.url)
    assert f"{UD}w1" not in subjects and f"{UD}w2" in subjects
    assert _in_graph(server.url, "e1", "w1")


def test_using_named_graph_uri_in_a_form_at_sparql(admin):
    server, _ = admin
    _seed(server.url, {"b1": ["t1"], "b2": ["t2"], "b3": ["t3"]})
    copy = (f"INSERT {{ GRAPH <{UD}b-out> {{ ?s <{UD}p> ?o }} }} "
            f"WHERE {{ GRAPH ?g {{ ?s <{UD}p> ?o }} }}")
    form = urllib.parse.urlencode(
        [("update", copy), ("using-named-graph-uri", f"{UD}b1"), ("using-named-graph-uri", f"{UD}b3")]
    )
    reply = fetch(server.url + "sparql", "POST", {**FORM, **AUTH}, form)
    assert reply.status == 204, reply.text
    assert _in_graph(server.url, "b-out", "t1") and _in_graph(server.url, "b-out", "t3")
    assert not _in_graph(server.url, "b-out", "t2")
    # the shorthand with only named graphs deletes from those graphs alone; the parameter may
    # also come in the query string of a form POST
    form = urllib.parse.urlencode({"update": f"DELETE WHERE {{ GRAPH ?g {{ ?s <{UD}p> ?o }} }}"})
    url = _update_url(server.url, "update", using_named_graph_uri=f"{UD}b2")
    reply = fetch(url, "POST", {**FORM, **AUTH}, form)
    assert reply.status == 204, reply.text
    assert not _in_graph(server.url, "b2", "t2")
    assert _in_graph(server.url, "b1", "t1") and _in_graph(server.url, "b-out", "t3")


@pytest.mark.parametrize(
    "update",
    [
        f"WITH <{UD}c1> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ GRAPH <{UD}c1> {{ ?s ?p ?o }} }} USING <{UD}c1> WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} using named <{UD}c1> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ],
)
def test_using_parameters_with_with_or_using_in_the_text_are_400(admin, update):
    server, _ = admin
    _seed(server.url, {"c1": ["u1"]})
    direct = fetch(_update_url(server.url, "update", using_graph_uri=f"{UD}c1"), "POST", UPDATE, update)
    assert direct.status == 400 and "USING, USING NAMED or WITH" in direct.text, direct.text
    form = urllib.parse.urlencode({"update": update, "using-named-graph-uri": f"{UD}c1"})
    by_form = fetch(server.url + "sparql", "POST", {**FORM, **AUTH}, form)
    assert by_form.status == 400 and "USING, USING NAMED or WITH" in by_form.text
    assert _in_graph(server.url, "c1", "u1")
    # the same text without the parameter is a valid update that does delete
    assert fetch(server.url + "update", "POST", UPDATE, update).status == 204
    assert not _in_graph(server.url, "c1", "u1")


@pytest.mark.parametrize("value", ["", "not-absolute", f"{UD}a b", f"{UD}x>WHERE", f"{UD}{{x}}"])
@pytest.mark.parametrize("name", ["using-graph-uri", "using-named-graph-uri"])
def test_bad_using_graph_iris_are_400(admin, name, value):
    server, _ = admin
    _seed(server.url, {"d1": ["v1"]})
    update = f"DELETE WHERE {{ GRAPH ?g {{ ?s <{UD}p> ?o }} }}"
    reply = fetch(f"{server.url}update?{urllib.parse.urlencode({name: value})}", "POST", UPDATE, update)
    assert reply.status == 400, reply.text
    assert name in reply.text and (repr(value) in reply.text if value else "empty" in reply.text)
    assert _in_graph(server.url, "d1", "v1")


def test_graph_store_read_write_delete(admin):
    server, _ = admin
    graph = urllib.parse.quote(f"{EX}gsp", safe="")
    url = f"{server.url}data?graph={graph}"
    turtle = {"Content-Type": "text/turtle", **AUTH}
    assert fetch(url, headers=AUTH).status == 404
    created = fetch(url, "PUT", turtle, f'<{EX}s> <{EX}p> "first" .')
    assert created.status == 201, created.text
    replaced = fetch(url, "PUT", turtle, f'<{EX}s> <{EX}p> "second" .')
    assert replaced.status == 204
    added = fetch(url, "POST", {"Content-Type": "application/n-triples", **AUTH},
                  f'<{EX}s> <{EX}p> "third" .\n')
    assert added.status == 204
    got = fetch(url, headers={"Accept": "application/n-triples", **AUTH})
    assert got.status == 200
    objects = {q.object.value for q in ox.parse(got.body, format=ox.RdfFormat.N_TRIPLES)}
    assert objects == {"second", "third"}
    head = fetch(url, "HEAD", AUTH)
    assert head.status == 200 and head.body == b""
    assert _ask(server.url, f'ASK {{ GRAPH <{EX}gsp> {{ <{EX}s> <{EX}p> "third" }} }}')
    assert fetch(url, "DELETE", headers=AUTH).status == 204
    assert fetch(url, headers=AUTH).status == 404
    assert fetch(url, "DELETE", headers=AUTH).status == 404


def test_graph_store_refuses_bad_payloads_and_keeps_the_graph(admin):
    server, _ = admin
    url = f"{server.url}data?graph={urllib.parse.quote(EX + 'kept', safe='')}"
    assert fetch(url, "PUT", {"Content-Type": "text/turtle", **AUTH},
                 f"<{EX}k> <{EX}p> 1 .").status == 201
    broken = fetch(url, "PUT", {"Content-Type": "text/turtle", **AUTH}, "<broken")
    assert broken.status == 400
    unsupported = fetch(url, "PUT", {"Content-Type": "text/csv", **AUTH}, "a,b")
    assert unsupported.status == 415
    assert fetch(url, "PUT", AUTH, b"").status == 415
    still = fetch(url, headers={"Accept": "text/turtle", **AUTH})
    assert len(list(ox.parse(still.body, format=ox.RdfFormat.TURTLE))) == 1


def test_graph_store_default_graph_and_new_graphs(admin):
    server, _ = admin
    default = fetch(server.url + "data?default", headers={"Accept": "text/turtle", **AUTH})
    assert default.status == 200
    subjects = {q.subject.value for q in ox.parse(default.body, format=ox.RdfFormat.TURTLE)}
    assert f"{EX}alice" in subjects
    made = fetch(server.url + "data", "POST", {"Content-Type": "text/turtle", **AUTH},
                 f"<{EX}new> <{EX}p> 1 .")
    assert made.status == 201
    location = made.header("Location")
    assert location.startswith(server.url + "graph/")
    again = fetch(f"{server.url}data?graph={urllib.parse.quote(location, safe='')}", headers=AUTH)
    assert again.status == 200
    both = fetch(f"{server.url}data?default&graph={urllib.parse.quote(location, safe='')}",
                 headers=AUTH)
    assert both.status == 400
    assert fetch(server.url + "data", headers=AUTH).status == 400
    assert fetch(server.url + "data?default").status == 401


def test_service_description_of_an_admin_server_lists_update(admin):
    server, _ = admin
    reply = fetch(server.url + "sparql", headers={"Accept": "application/n-triples"})
    assert "http://www.w3.org/ns/sparql-service-description#SPARQL11Update" in reply.text
