"""Limits over HTTP: the time limit stops one query while others are served, the row cap is
announced in headers, request bodies are bounded, and SERVICE never reaches the network."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.server.conftest import fetch, query_url

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
#: A query that needs no data and would take hours: five 100-value columns cross-joined.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(5)
) + " }"


def _metric(base: str, name: str) -> float:
    """The sum of a metric's samples over all label values, as /metrics reports it."""
    total = 0.0
    for line in fetch(base + "metrics").text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_heavy_query_times_out_while_a_simple_one_is_answered(sample_server):
    base = sample_server.url
    timeouts_before = _metric(base, "kg_sparql_timeouts_total")
    outcome: dict = {}

    def heavy() -> None:
        started = time.monotonic()
        outcome["reply"] = fetch(query_url(base, HEAVY), timeout=60)
        outcome["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=heavy)
    worker.start()
    time.sleep(0.5)  # the heavy query is now running in an executor
    for _ in range(5):  # answered while the heavy query is still running
        reply = fetch(query_url(base, "ASK { ?s ?p ?o }"), timeout=10)
        assert reply.status == 200
        assert json.loads(reply.body)["boolean"] is True
    assert worker.is_alive(), "the heavy query should still be running"
    worker.join(timeout=30)
    reply = outcome["reply"]
    assert reply.status == 503
    assert "time limit" in reply.text and "3 s" in reply.text
    assert reply.header("X-KG-Query-Timeout") == "3"
    assert outcome["seconds"] > 2.5  # it ran until the limit, not less
    assert _metric(base, "kg_sparql_timeouts_total") >= timeouts_before + 1
    after = fetch(query_url(base, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))
    assert after.status == 200  # the stopped executor was replaced


def test_a_query_past_the_memory_limit_is_stopped_cleanly(tmp_path, launch):
    from tests.server.conftest import EX, free_port, make_publication

    port = free_port()
    make_publication(tmp_path / "dist", f"http://127.0.0.1:{port}/", f"<{EX}a> <{EX}p> 1 .")
    server = launch(tmp_path / "dist", port, workers=1,
                    env={"KG_QUERY_MEMORY_MB": "1024", "KG_QUERY_TIMEOUT": "30",
                         "KG_ACCESS_LOG": "off"})
    # Sorting 10^8 generated rows needs far more than 1 GiB.
    sort = "SELECT ?a ?b ?c ?d (STR(?a) AS ?s) WHERE { " + " ".join(
        f"VALUES ?{v} {{ {' '.join(str(n) for n in range(100))} }}" for v in "abcd"
    ) + " } ORDER BY DESC(?s) ?b ?c ?d"
    reply = fetch(query_url(server.url, sort), timeout=60)
    assert reply.status == 503
    assert "1024 MiB" in reply.text
    assert fetch(query_url(server.url, "ASK { ?s ?p ?o }")).status == 200


def test_timeout_parameter_can_only_lower_the_limit(server_url):
    reply = fetch(query_url(server_url, HEAVY, timeout="0.5"))
    assert reply.status == 503 and "0.5 s" in reply.text
    assert reply.header("X-KG-Query-Timeout") == "0.5"
    assert fetch(query_url(server_url, "ASK {}", timeout="soon")).status == 400
    assert fetch(query_url(server_url, "ASK {}", timeout="-1")).status == 400


def test_row_cap_is_announced_in_headers(sample_server):
    base = sample_server.url
    query = "SELECT ?name { ?x <http://example.org/name> ?name } ORDER BY ?name"
    capped = fetch(query_url(base, query))
    assert capped.status == 200
    assert capped.header("X-KG-Row-Limit") == "3"
    assert capped.header("X-KG-Truncated") == "true"
    assert capped.header("X-KG-Rows") == "3"
    rows = [b["name"]["value"] for b in json.loads(capped.body)["results"]["bindings"]]
    assert rows == ["Alice", "Bob", "Carol"]  # the first rows, in the query's order
    small = fetch(query_url(base, query + " LIMIT 2"))
    assert small.header("X-KG-Truncated") == "false" and small.header("X-KG-Rows") == "2"


def test_row_cap_applies_to_every_format_and_to_graphs(sample_server):
    base = sample_server.url
    query = "SELECT ?name { ?x <http://example.org/name> ?name }"
    for fmt, parse in (("xml", ox.QueryResultsFormat.XML), ("tsv", ox.QueryResultsFormat.TSV)):
        reply = fetch(query_url(base, query, format=fmt))
        assert reply.header("X-KG-Truncated") == "true"
        assert len(list(ox.parse_query_results(reply.body, format=parse))) == 3
    csv = fetch(query_url(base, query, format="csv"))
    assert csv.text.count("\r\n") == 4  # header and three rows
    graph = fetch(query_url(base, "CONSTRUCT WHERE { ?s ?p ?o }", format="nt"))
    assert graph.header("X-KG-Truncated") == "true"
    assert len(list(ox.parse(graph.body, format=ox.RdfFormat.N_TRIPLES))) == 3
    ask = fetch(query_url(base, "ASK { ?s ?p ?o }"))
    assert ask.header("X-KG-Truncated") is None


def test_request_body_over_the_limit_is_413(sample_server):
    padding = "#" + "x" * 30_000 + "\n"
    direct = fetch(sample_server.url + "sparql", "POST",
                   {"Content-Type": "application/sparql-query"}, padding + "ASK {}")
    assert direct.status == 413 and "20000" in direct.text
    form = fetch(sample_server.url + "sparql", "POST", FORM,
                 urllib.parse.urlencode({"query": padding + "ASK {}"}))
    assert form.status == 413
    assert fetch(query_url(sample_server.url, "ASK {}")).status == 200


def test_service_is_refused_and_no_connection_is_made(server_url):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(1.5)
        port = listener.getsockname()[1]
        query = f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        hidden = (  # escapes that a looser scan reads as the start of a comment
            f"PREFIX ex: <http://e/>\nSELECT * {{ ?s ex:a\\#b ?o . SERVICE <http://127.0.0.1:{port}/s> "
            "{ ?s ?p ?o } }",
            f"SELECT * {{ ?s ?p <http://x\\u0041#> . SERVICE <http://127.0.0.1:{port}/s> {{}} }}",
            # and keywords glued to their neighbours, which Oxigraph reads as keywords
            f"SELECT * {{ SERVICESILENT <http://127.0.0.1:{port}/s> {{ ?s ?p ?o }} }}",
            f"PREFIX : <http://127.0.0.1:{port}/> SELECT * {{ SERVICE:s {{ ?s ?p ?o }} }}",
            f"SELECT * {{ ?s ?p 1SERVICE<http://127.0.0.1:{port}/s> {{ ?s ?p ?o }} }}",
        )
        for variant in (query, query.replace("SERVICE", "service silent"), *hidden):
            form = urllib.parse.urlencode({"query": variant})
            reply = fetch(server_url + "sparql", "POST", FORM, form)
            assert reply.status == 400
            assert "SERVICE" in reply.text
        try:
            listener.accept()
            connected = True
        except TimeoutError:
            connected = False
    assert not connected, "the endpoint must not open outbound connections"


def test_the_word_service_in_names_strings_and_comments_is_not_refused(server_url):
    query = (
        "PREFIX service: <http://example.org/service/>\n"
        "SELECT ?service WHERE { BIND(\"SERVICE <x> {}\" AS ?service) } # SERVICE <y>"
    )
    reply = fetch(query_url(server_url, query))
    assert reply.status == 200
    assert json.loads(reply.body)["results"]["bindings"][0]["service"]["value"] == "SERVICE <x> {}"


def test_answers_are_cached_per_release(tmp_path, launch):
    from tests.server.conftest import EX, free_port, make_publication

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    make_publication(tmp_path / "dist", base, f"<{EX}a> <{EX}p> 1 .")
    server = launch(tmp_path / "dist", port, workers=1, env={"KG_ACCESS_LOG": "off"})
    url = query_url(server.url, f"SELECT ?v {{ <{EX}a> <{EX}p> ?v }}")
    first, second = fetch(url), fetch(url)
    assert first.header("X-KG-Cache") == "miss" and second.header("X-KG-Cache") == "hit"
    assert first.body == second.body
    make_publication(tmp_path / "dist", base, f"<{EX}a> <{EX}p> 2 .")
    fresh = fetch(url)
    assert fresh.header("X-KG-Cache") == "miss"
    assert json.loads(fresh.body)["results"]["bindings"][0]["v"]["value"] == "2"
    volatile = query_url(server.url, "SELECT (RAND() AS ?r) {}")
    assert fetch(volatile).header("X-KG-Cache") == fetch(volatile).header("X-KG-Cache") == "miss"


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except FileNotFoundError:
                continue
            found.extend(children)
            pending.extend(children)
    return found


def test_an_executor_killed_from_outside_is_replaced(tmp_path, launch):
    from tests.server.conftest import EX, free_port, make_publication

    port = free_port()
    make_publication(tmp_path / "dist", f"http://127.0.0.1:{port}/", f"<{EX}a> <{EX}p> 1 .")
    server = launch(tmp_path / "dist", port, workers=1,
                    env={"KG_THREADS": "1", "KG_ACCESS_LOG": "off", "KG_QUERY_CACHE_MB": "0"})
    assert fetch(query_url(server.url, "ASK { ?s ?p ?o }")).status == 200
    executors = [
        pid for pid in _descendants(server.proc.pid)
        if b"server.engine.worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    assert len(executors) == 1
    os.kill(executors[0], signal.SIGKILL)
    time.sleep(0.3)
    reply = fetch(query_url(server.url, "ASK { ?s ?p ?o }"))
    assert reply.status == 200 and json.loads(reply.body)["boolean"] is True


@pytest.mark.parametrize(
    ("text", "service", "dataset", "form"),
    [
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True, False, "SELECT"),
        ("select * { service silent <http://x/> { ?s ?p ?o } }", True, False, "SELECT"),
        ("SELECT ?x WHERE { ?x ?p ?o FILTER(?o<5&&?o>1) SERVICE<http://x>{} }", True, False,
         "SELECT"),
        ("PREFIX service: <http://s/> SELECT ?service { ?service <http://s/from> 'SERVICE' }",
         False, False, "SELECT"),
        # Oxigraph's keywords need no word boundary: `service:x {..}` is SERVICE :x {..} to it,
        # so a prefix holding SERVICE is refused wherever it is used (not where declared).
        ("PREFIX service: <http://s/> SELECT * { ?s service:from 'x' }", True, False, "SELECT"),
        ("SELECT * { SERVICESILENT <http://x/> { ?s ?p ?o } }", True, False, "SELECT"),
        ("PREFIX : <http://x/> SELECT * { SERVICE:x { ?s ?p ?o } }", True, False, "SELECT"),
        ("SELECT * { ?s ?p 1SERVICE<http://x/> { ?s ?p ?o } }", True, False, "SELECT"),
        ("SELECTDISTINCT ?s { ?s ?p ?o }", False, False, "SELECT"),
        ('ASK { <http://a/SERVICE> ?p """x\nSERVICE""" } # SERVICE', False, False, "ASK"),
        ("CONSTRUCT WHERE { ?s a ex:SERVICE ; ex:p _:service ; ex:q ex:a.SERVICE }", False, False,
         "CONSTRUCT"),
        ('SELECT * FROM <http://g> { ?s ?p "from"@from }', False, True, "SELECT"),
        ("PREFIX : <http://e/> DESCRIBE :service", False, False, "DESCRIBE"),
        # Escapes Oxigraph accepts must not end a token early and turn the rest into a comment.
        ("PREFIX ex: <http://e/> SELECT * { ?s ex:a\\#b ?o . SERVICE <http://x/> {} }", True,
         False, "SELECT"),
        ("SELECT * { ?s ?p <http://x\\u0041#> . SERVICE <http://x/> {} }", True, False,
         "SELECT"),
        ('SELECT * { ?s ?p """a\\"# """ . SERVICE <http://x/> {} }', True, False, "SELECT"),
        ("SELECT * { ?s ?p 'it\\'s # not' . SERVICE <http://x/> {} }", True, False, "SELECT"),
    ],
)
def test_the_lexical_look_finds_keywords_only_where_they_are_keywords(
    text, service, dataset, form
):
    from server.engine.syntax import shape

    found = shape(text)
    assert (found.calls_service, found.names_dataset, found.form) == (service, dataset, form)


@pytest.mark.parametrize("text", [
    "LOADSILENT <http://127.0.0.1:9/x>",
    "PREFIX : <http://127.0.0.1:9/> LOAD:x",
    "PREFIX : <http://127.0.0.1:9/> LOAD:x INTO GRAPH :g",
])
def test_glued_load_is_found(text):
    from server.engine.syntax import shape

    assert shape(text).loads
    assert not shape("PREFIX payload: <http://p/> INSERT DATA { payload:a payload:b 1 }").loads


@pytest.mark.parametrize("text", [
    "PREFIX : <http://e/> SELECT ?s FROM:g1 WHERE { ?s ?p ?o }",
    "PREFIX : <http://e/> SELECT ?s FROMNAMED:g1 WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_a_dataset_keyword_glued_to_a_name_is_refused(text, server_url):
    import pyoxigraph as ox

    list(ox.Store().query(text))  # Oxigraph reads it as FROM: it parses
    reply = fetch(query_url(server_url, text))
    assert reply.status == 400 and "FROM" in reply.text
    fine = "PREFIX from: <http://e/> SELECT ?s { ?s from:p ?o }"  # inside braces: a name
    assert fetch(query_url(server_url, fine)).status == 200


def test_an_executor_memory_cap_below_what_opening_a_store_needs_is_refused(monkeypatch):
    from server.limits import MIN_QUERY_MEMORY_MB, Limits

    with pytest.raises(ValueError, match="KG_QUERY_MEMORY_MB must be at least"):
        Limits(query_memory_mb=MIN_QUERY_MEMORY_MB - 1)
    monkeypatch.setenv("KG_QUERY_MEMORY_MB", "256")
    with pytest.raises(ValueError, match="got 256"):
        Limits.from_env()
    assert Limits(query_memory_mb=MIN_QUERY_MEMORY_MB).query_memory_mb == MIN_QUERY_MEMORY_MB
