"""A release published to, and served from, a remote SPARQL 1.1 store: two real `oxigraph serve`
processes on loopback as the blue/green datasets (``kg.release.remote``, ``server.engine.remote``).

The seeds are built with ``KG_REMOTE_STORE`` naming both; a `kg serve` over that publication
must answer ``/sparql`` as the session's embedded-store server does, a rebuild must load the
other dataset and leave the serving one alone, and a failed load must publish nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.pipeline import BuildError, build
from kg.release.publication import REMOTE_SCHEME, Publication
from kg.settings import PROJECT_ROOT, Settings
from server.engine.executors import QueryTimeout
from server.engine.jobs import QueryJob
from server.engine.remote import RemoteQueries
from tests.server.conftest import Server, fetch, free_port, query_url, start_server

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
pytestmark = pytest.mark.skipif(not OXIGRAPH.exists(), reason="the oxigraph CLI is not installed")
JSON = "application/sparql-results+json"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Oxigraph:
    """One `oxigraph serve` over its own folder; stop() and start() keep the data."""

    location: Path
    port: int
    timeout: int = 5  # seconds oxigraph itself lets a query run (a client may have gone)
    options: tuple[str, ...] = ()
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--location", str(self.location), "--bind",
             f"127.0.0.1:{self.port}", "--timeout-s", str(self.timeout), *self.options],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if fetch(self.url + "query?" + urllib.parse.urlencode({"query": "ASK {}"}),
                         headers={"Accept": JSON}, timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"oxigraph serve on {self.port} did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)

    def count(self, query: str = COUNT_ALL) -> int:
        reply = fetch(self.url + "query?" + urllib.parse.urlencode({"query": query}),
                      headers={"Accept": JSON})
        assert reply.status == 200, reply.text
        return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def oxigraphs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Oxigraph, Oxigraph]]:
    work = tmp_path_factory.mktemp("oxigraphs")
    pair = (Oxigraph(work / "blue", free_port()), Oxigraph(work / "green", free_port()))
    for server in pair:
        server.start()
    yield pair
    for server in pair:
        server.stop()


@dataclass
class Remote:
    settings: Settings
    server: Server
    blue: Oxigraph
    green: Oxigraph


@pytest.fixture(scope="module")
def remote(built: Settings, oxigraphs: tuple[Oxigraph, Oxigraph],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    """The seeds built (with the session build's cache) into the blue/green pair, and served."""
    work = tmp_path_factory.mktemp("remote")
    corpus = work / "corpus"
    corpus.mkdir()
    for file in PROJECT_ROOT.joinpath("seeds").iterdir():
        shutil.copy(file, corpus / file.name)
    blue, green = oxigraphs
    settings = built.replace(seeds_dir=corpus, dist_dir=work / "dist", cache_dir=built.cache,
                             remote_store=f"{blue.url} {green.url}", workers=1)
    build(settings, progress=lambda _m: None)
    port = free_port()
    server = start_server(settings.dist_dir, port, work / "serve.log",
                          env={"KG_BASE_URI": built.base_uri, "KG_ACCESS_LOG": "off"})
    yield Remote(settings, server, blue, green)
    server.stop()


def _current(settings: Settings) -> Publication:
    publication = Publication.current(settings.dist_dir)
    assert publication is not None
    return publication


def _ask(base: str, query: str, accept: str = JSON, method: str = "GET"):
    if method == "POST":
        return fetch(base + "sparql", "POST", {"Accept": accept,
                     "Content-Type": "application/sparql-query"}, query)
    return fetch(query_url(base, query), headers={"Accept": accept})


def _count(base: str, query: str) -> int:
    reply = _ask(base, query)
    assert reply.status == 200, reply.text
    return int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"])


def test_the_build_loads_the_first_dataset_and_says_so(remote: Remote):
    manifest = _current(remote.settings).manifest
    record = manifest["remote"]
    assert record["dataset"] == remote.blue.url
    assert record["query"] == remote.blue.url + "query"
    assert remote.blue.count() == record["quads"] > manifest["quads"] / 2
    assert remote.green.count() == 0
    # the default graph is the merge of every graph, each triple once
    assert remote.blue.count("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == manifest[
        "default_graph_triples"]
    assert _current(remote.settings).query_store.startswith(REMOTE_SCHEME + remote.blue.url)


def _subject(base: str) -> str:
    reply = _ask(base, "SELECT ?s WHERE { ?s a ?t . FILTER(isIRI(?s)) } ORDER BY ?s LIMIT 1")
    return json.loads(reply.body)["results"]["bindings"][0]["s"]["value"]


def test_sparql_answers_as_the_embedded_store_does(remote: Remote, server_url: str):
    """Same status, type, row count and bytes (rows compared as sets where no ORDER BY fixes
    them) from the remote-backed server and the session's embedded-store server."""
    entity = _subject(server_url)
    ordered = [
        ("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }", JSON),
        ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv"),
        ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 50",
         "application/sparql-results+xml"),
        (f"ASK {{ <{entity}> ?p ?o }}", JSON),
        ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
         "text/tab-separated-values"),
    ]
    unordered = [
        (f"SELECT ?p ?o WHERE {{ <{entity}> ?p ?o }}", JSON),  # a lookup: the front answers it
        (f"CONSTRUCT {{ <{entity}> ?p ?o }} WHERE {{ <{entity}> ?p ?o }}", "application/n-triples"),
        # every graph but VoID's, which states each build's own release id and date
        ('CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!STRENDS(STR(?g), "/graph/void")) }',
         "application/n-triples"),
    ]
    for query, accept in ordered + unordered:
        for method in ("GET", "GET", "POST"):  # the second GET is a cached answer or a replay
            ours = _ask(remote.server.url, query, accept, method)
            theirs = _ask(server_url, query, accept, method)
            assert ours.status == theirs.status == 200, (query, ours.text)
            assert ours.header("Content-Type") == theirs.header("Content-Type"), query
            assert ours.header("X-KG-Rows") == theirs.header("X-KG-Rows"), query
            if (query, accept) in ordered:
                assert ours.body == theirs.body, query
            else:
                assert sorted(ours.text.splitlines()) == sorted(theirs.text.splitlines()), query
    # a dataset named by the protocol or by the query replaces the merged default graph
    first = json.loads(_ask(server_url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } "
                                        "ORDER BY ?g LIMIT 1").body)
    graph = first["results"]["bindings"][0]["g"]["value"]
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    ours, theirs = (fetch(query_url(base, count, default_graph_uri=graph), headers={"Accept": JSON})
                    for base in (remote.server.url, server_url))
    assert ours.status == 200 and ours.body == theirs.body and b'"0"' not in ours.body
    for query in (f"SELECT * FROM <{graph}> WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o",
                  f"SELECT ?s FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} ORDER BY ?s"):
        assert _ask(remote.server.url, query).body == _ask(server_url, query).body, query
    # the same limits: the row cap and its headers
    capped = _ask(remote.server.url, "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    assert capped.header("X-KG-Truncated") == "true" and capped.header("X-KG-Rows") == "10000"
    # and the time limit (here the client's shorter one): 503, the remote answer abandoned
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    slow = fetch(query_url(remote.server.url, heavy, timeout="1"), headers={"Accept": JSON})
    assert slow.status == 503 and "time limit" in slow.text and slow.header("X-KG-Query-Timeout") == "1"
    assert time.monotonic() - started < 4
    # a query the remote store refuses is still the client's 400
    bad = _ask(remote.server.url, "SELECT ?s\nWHERE { ?s ?p }")
    assert bad.status == 400 and "malformed query" in bad.text and "error at 2:" in bad.text


def test_a_rebuild_loads_the_other_dataset_then_switches(remote: Remote):
    before = _current(remote.settings)
    blue_count, blue_graphs = remote.blue.count(), remote.blue.count(GRAPHS)
    served_graphs = _count(remote.server.url, GRAPHS)
    shutil.copy(PROJECT_ROOT / "tests" / "articles" / "kenya_kilifi_port.txt",
                remote.settings.seeds_dir)
    build(remote.settings, progress=lambda _m: None)
    after = _current(remote.settings)
    assert after.release_id != before.release_id
    assert after.manifest["remote"]["dataset"] == remote.green.url
    assert remote.green.count() == after.manifest["remote"]["quads"]
    assert remote.green.count(GRAPHS) == blue_graphs + 1
    # the dataset that was serving was not touched
    assert (remote.blue.count(), remote.blue.count(GRAPHS)) == (blue_count, blue_graphs)
    # and the server now reads the new dataset
    assert _count(remote.server.url, GRAPHS) == served_graphs + 1


def test_a_failed_load_publishes_nothing_and_the_old_release_keeps_serving(remote: Remote):
    serving = _current(remote.settings)
    assert serving.manifest["remote"]["dataset"] == remote.green.url  # after the rebuild
    graphs = _count(remote.server.url, GRAPHS)
    remote.blue.stop()  # the dataset the next build would load
    try:
        shutil.copy(PROJECT_ROOT / "tests" / "articles" / "manitoba_power_pact.txt",
                    remote.settings.seeds_dir)
        with pytest.raises(BuildError) as failed:
            build(remote.settings, progress=lambda _m: None)
        message = str(failed.value)
        assert f"remote store {remote.blue.url} failed" in message
        assert "nothing was published" in message
        assert _current(remote.settings).release_id == serving.release_id
        assert _count(remote.server.url, GRAPHS) == graphs
        assert not [p for p in serving.root.parent.iterdir() if p.name.startswith(".")]
    finally:
        remote.blue.start()
    # the served answers do come from the remote store: with it gone, /sparql says so
    remote.green.stop()
    try:
        gone = _ask(remote.server.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p 'gone' }")
        assert gone.status == 502 and "SPARQL store" in gone.text
        lookup = _ask(remote.server.url, "SELECT ?s WHERE { ?s ?p 'gone' }")  # the front's kind
        assert lookup.status == 502 and "SPARQL store" in lookup.text
    finally:
        remote.green.start()


def test_a_store_whose_default_graph_is_a_union_view_is_refused(built: Settings, tmp_path: Path):
    """Such a store would count (and answer) every named triple twice: the check says why."""
    union = Oxigraph(tmp_path / "union", free_port(), options=("--union-default-graph",))
    union.start()
    try:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        for file in PROJECT_ROOT.joinpath("seeds").iterdir():
            shutil.copy(file, corpus / file.name)
        settings = built.replace(seeds_dir=corpus, dist_dir=tmp_path / "dist",
                                 cache_dir=built.cache, workers=1,
                                 remote_store=f"{union.url} http://127.0.0.1:{free_port()}/")
        with pytest.raises(BuildError, match="default graph the union"):
            build(settings, progress=lambda _m: None)
        assert Publication.current(settings.dist_dir) is None
    finally:
        union.stop()


# --- the engine's client alone, on a small dataset -------------------------------------------

@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path_factory.mktemp("small"), free_port(), timeout=3)
    server.start()
    lines = "".join(f"<http://e/s{i}> <http://e/p{i % 7}> \"{i}\" .\n" for i in range(300))
    reply = fetch(server.url + "store?default", "POST", {"Content-Type": "application/n-triples"},
                  lines)
    assert reply.status in (200, 201, 204), reply.text
    yield server
    server.stop()


def _job(server: Oxigraph, query: str, max_rows: int = 5, budget: float = 5.0) -> QueryJob:
    return QueryJob(
        store=f"{REMOTE_SCHEME}{server.url}query#test", query=query, base_iri="http://e/",
        prefixes={"e": "http://e/"}, default_graphs=None, named_graphs=None,
        bindings_format="json", graph_format="ntriples", max_rows=max_rows, budget=budget)


def test_the_client_cuts_at_the_row_cap_and_uses_the_declared_prefixes(small: Oxigraph):
    reply = RemoteQueries().run(_job(small, "SELECT ?s WHERE { ?s e:p1 ?o }"), 5)
    assert reply.ok and reply.rows == 5 and reply.truncated
    graph = RemoteQueries().run(_job(small, "CONSTRUCT WHERE { ?s <p2> ?o }", 100), 5)
    assert graph.ok and graph.kind == "graph" and graph.rows == 43 and not graph.truncated


def test_the_client_stops_at_the_time_limit(small: Oxigraph):
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        RemoteQueries().run(_job(small, heavy, budget=1.0), 1.0)
    assert time.monotonic() - started < 3


def test_the_client_reports_an_unreachable_store():
    reply = RemoteQueries().run(_job(Oxigraph(Path("/nonexistent"), free_port()), "ASK {}"), 5)
    assert not reply.ok and reply.code == "remote" and "SPARQL store" in reply.message
