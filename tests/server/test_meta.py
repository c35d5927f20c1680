"""Service description, VoID, health, metrics, access logs, and a server started before any
build, all over HTTP."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.release.publication import Publication
from tests.server.conftest import EX, fetch, free_port, make_publication, query_url

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SD_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


def _graph(reply, fmt: ox.RdfFormat) -> ox.Store:
    store = ox.Store()
    store.load(reply.body, format=fmt)
    return store


@pytest.fixture(scope="module")
def release(built) -> Publication:
    found = Publication.current(built.dist_dir)
    assert found is not None
    return found


@pytest.mark.parametrize("media", sorted(SD_TYPES))
def test_service_description_in_each_format(server_url, release, media):
    reply = fetch(server_url + "sparql", headers={"Accept": media})
    assert reply.status == 200
    assert reply.header("Content-Type").split(";")[0] == media
    sd = _graph(reply, SD_TYPES[media])
    endpoint = ox.NamedNode(server_url + "sparql")

    def objects(predicate: str) -> set[str]:
        found = sd.quads_for_pattern(endpoint, ox.NamedNode(predicate), None)
        return {q.object.value for q in found}

    assert objects(RDF_TYPE) == {SD + "Service"}
    assert objects(SD + "endpoint") == {server_url + "sparql"}
    assert objects(SD + "supportedLanguage") == {SD + "SPARQL11Query"}  # no update here
    formats = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
               "SPARQL_Results_TSV", "Turtle", "RDF_XML", "JSON-LD", "N-Triples")
    assert {FORMATS + n for n in formats} <= objects(SD + "resultFormat")
    assert SD + "UnionDefaultGraph" in objects(SD + "feature")
    # The named graphs listed are exactly the store's, with their sizes.
    store = ox.Store.read_only(str(release.store_path))
    expected = {
        row["g"].value: row["n"].value
        for row in store.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    listed = {
        row["name"].value: row["n"].value
        for row in sd.query(
            "PREFIX sd: <" + SD + "> PREFIX void: <" + VOID + "> "
            "SELECT ?name ?n { ?svc sd:defaultDataset/sd:namedGraph ?ng . "
            "?ng sd:name ?name ; sd:graph/void:triples ?n }"
        )
    }
    assert listed == expected and len(listed) > 0


def test_service_description_defaults_to_turtle_and_sends_browsers_home(server_url):
    plain = fetch(server_url + "sparql")
    assert plain.status == 200 and plain.header("Content-Type").startswith("text/turtle")
    browser = fetch(server_url + "sparql", headers={
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    assert browser.status in (200, 303)
    if browser.status == 303:
        assert browser.header("Location").endswith("/")
    else:
        assert browser.header("Content-Type").startswith("text/turtle")
    assert fetch(server_url + "sparql", headers={"Accept": "image/png"}).status == 406


def test_void_is_the_release_file(server_url, release):
    reply = fetch(server_url + ".well-known/void")
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("text/turtle")
    assert reply.body == (release.root / "void.ttl").read_bytes()
    again = fetch(server_url + ".well-known/void", headers={"If-None-Match": reply.header("ETag")})
    assert again.status == 304


@pytest.mark.parametrize("media", ["application/n-triples", "application/rdf+xml",
                                   "application/ld+json"])
def test_void_in_other_formats_has_the_same_triples(server_url, release, media):
    reply = fetch(server_url + ".well-known/void", headers={"Accept": media})
    assert reply.status == 200 and reply.header("Content-Type").startswith(media)
    got = {str(q.triple) for q in ox.parse(reply.body, format=SD_TYPES[media])}
    expected = {
        str(q.triple)
        for q in ox.parse((release.root / "void.ttl").read_bytes(), format=ox.RdfFormat.TURTLE,
                          base_iri=release.manifest["base_uri"])
    }
    assert got == expected


def test_healthz_names_the_live_release(server_url, release):
    reply = fetch(server_url + "healthz")
    assert reply.status == 200
    health = json.loads(reply.body)
    assert health["status"] == "ok"
    assert health["release"] == release.release_id
    assert health["quads"] == release.manifest["quads"]


def test_metrics_add_up_over_all_workers(server_url):
    def value(text: str, name: str, **labels: str) -> float:
        total = 0.0
        for line in text.splitlines():
            if line.startswith(name) and all(f'{k}="{v}"' in line for k, v in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    before = fetch(server_url + "metrics")
    assert before.status == 200
    assert before.header("Content-Type").startswith("text/plain")
    queries = 40
    for _ in range(queries):  # a new connection each: gunicorn spreads them over its workers
        assert fetch(query_url(server_url, "SELECT * { ?s ?p ?o } LIMIT 1")).status == 200
    assert fetch(query_url(server_url, "SELECT ?x WHERE {")).status == 400
    after = fetch(server_url + "metrics").text
    name = "kg_http_requests_total"
    grown = value(after, name, endpoint="/sparql", status="200") - value(
        before.text, name, endpoint="/sparql", status="200")
    assert grown >= queries
    assert value(after, "kg_sparql_query_errors_total", reason="syntax") >= 1
    assert value(after, "kg_http_request_duration_seconds_count", endpoint="/sparql") >= queries
    assert "kg_sparql_timeouts_total" in after


def test_access_log_is_json_lines(sample_server, tmp_path):
    marker = f"marker-{time.time_ns()}"
    assert fetch(query_url(sample_server.url, f'ASK {{ FILTER("{marker}" != "") }}'),
                 headers={"User-Agent": marker}).status == 200
    log = Path(sample_server.log).parent / "access.log"
    deadline = time.monotonic() + 5
    entries: list[dict] = []
    while time.monotonic() < deadline and not entries:
        entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        entries = [e for e in entries if e.get("agent") == marker]
        time.sleep(0.1)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["path"] == "/sparql" and entry["method"] == "GET" and entry["status"] == 200
    assert entry["result"] == "boolean" and entry["ms"] >= 0 and entry["bytes"] > 0


def test_a_server_started_before_any_build_waits_for_one(tmp_path, launch):
    port = free_port()
    dist = tmp_path / "dist"
    server = launch(dist, port, ready_status=(503,), env={"KG_ACCESS_LOG": "off"})
    for path in ("sparql?query=ASK%7B%7D", "sparql", "healthz", "dumps/kg.ttl", ".well-known/void"):
        reply = fetch(server.url + path)
        assert reply.status == 503, path
        assert "kg build" in reply.text, path
    base = f"http://127.0.0.1:{port}/"
    make_publication(dist, base, f"<{EX}a> <{EX}p> 1 .")
    assert os.path.islink(dist)
    reply = fetch(query_url(server.url, f"ASK {{ <{EX}a> <{EX}p> 1 }}"))
    assert reply.status == 200 and json.loads(reply.body)["boolean"] is True
    assert fetch(server.url + "healthz").status == 200
    make_publication(dist, base, f"<{EX}a> <{EX}p> 2 .")  # and the next build goes live too
    reply = fetch(query_url(server.url, f"ASK {{ <{EX}a> <{EX}p> 2 }}"))
    assert json.loads(reply.body)["boolean"] is True


def test_a_release_built_for_another_base_is_refused_with_the_reason(tmp_path):
    """Its URIs would all be foreign to this server: 503 with both bases, not a wall of 404s."""
    from tests.server.conftest import EX, free_port, make_publication

    port = free_port()
    make_publication(tmp_path / "dist", "http://elsewhere.example/", f"<{EX}a> <{EX}p> 1 .")
    from kg.settings import Settings
    from server import create_app

    app = create_app(Settings.from_env(base_uri=f"http://127.0.0.1:{port}/",
                                       dist_dir=tmp_path / "dist"))
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 503
    assert b"http://elsewhere.example/" in reply.data and b"KG_BASE_URI" in reply.data


@pytest.mark.parametrize(("who", "remote", "token", "status"), [
    ("local", "127.0.0.1", None, 200),
    ("local", "::1", None, 200),
    ("local", "203.0.113.9", None, 403),
    ("open", "203.0.113.9", None, 200),
    ("admin", "127.0.0.1", None, 403),
    ("admin", "203.0.113.9", "0123456789abcdef0123", 200),
    ("admin", "203.0.113.9", "wrong-token-wrong-token", 403),
])
def test_who_may_read_the_metrics(tmp_path, who, remote, token, status):
    """/metrics is not open to everyone unless KG_METRICS says so."""
    from kg.settings import Settings
    from server import create_app

    make_publication(tmp_path / "dist", "http://127.0.0.1:5999/", f"<{EX}a> <{EX}p> 1 .")
    app = create_app(Settings(base_uri="http://127.0.0.1:5999/", dist_dir=tmp_path / "dist",
                              metrics=who, admin_token="0123456789abcdef0123"))
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        reply = app.test_client().get("/metrics", headers=headers,
                                      environ_base={"REMOTE_ADDR": remote})
        assert reply.status_code == status, reply.data[:200]
        if status == 403:
            assert b"KG_METRICS" in reply.data
    finally:
        app.extensions["kg_executors"].close()
        if app.extensions.get("kg_admin") is not None:
            app.extensions["kg_admin"].writer.close()


def test_invented_methods_do_not_grow_the_metrics(tmp_path):
    from kg.settings import Settings
    from server import create_app

    make_publication(tmp_path / "dist", "http://127.0.0.1:5999/", f"<{EX}a> <{EX}p> 1 .")
    app = create_app(Settings(base_uri="http://127.0.0.1:5999/", dist_dir=tmp_path / "dist"))
    try:
        client = app.test_client()
        for n in range(20):
            client.open("/healthz", method=f"INVENTED{n}")
        text = client.get("/metrics").get_data(as_text=True)
        assert 'method="other"' in text and "INVENTED" not in text
    finally:
        app.extensions["kg_executors"].close()


def test_every_total_says_what_it_counts_and_they_agree(server_url, release, built):
    """One measure where one is meant, each named: the dataset's distinct triples are the same
    number in kg.nt, VoID, /healthz, the manifest and the home page's note; what a query sees
    (the home page's headline, the Service Description's default graph) adds the VoID and
    ontology graphs, each triple once; the store's quads are called quads."""
    import re

    from rdflib import Graph, URIRef
    from rdflib.namespace import VOID

    triples = sum(1 for line in release.file("kg.nt").read_bytes().splitlines() if line.strip())
    assert release.manifest["triples"] == triples
    assert json.loads(fetch(server_url + "healthz").body)["triples"] == triples
    void = Graph().parse(release.file("void.ttl"))
    assert int(void.value(URIRef(f"{built.base_uri}dataset"), VOID.triples)) == triples
    home = fetch(server_url, headers={"Accept": "text/html"}).text
    shown = re.search(r'id="count-dataset-triples">([\d,]+)<', home)
    assert shown is not None and int(shown.group(1).replace(",", "")) == triples
    store = ox.Store.read_only(str(release.store_path))
    union = {(q.subject, q.predicate, q.object) for q in store}
    assert release.manifest["quads"] == len(store)
    assert release.manifest["default_graph_triples"] == len(union)
    headline = re.search(r'id="count-triples">([\d,]+)<', home)
    assert headline is not None and int(headline.group(1).replace(",", "")) == len(union)
    sd = Graph().parse(data=fetch(server_url + "sparql", headers={"Accept": "text/turtle"}).body,
                       format="turtle")
    default_graph = next(sd.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#defaultGraph")))
    assert int(sd.value(default_graph, VOID.triples)) == len(union)
