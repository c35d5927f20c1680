"""Lookups answered in the web worker (server.engine.lookup_runner) and before Flask
(server.sparql.front_lookups).

In-process tests call the app through WSGI (Werkzeug's test client; nothing of ours mocked) and
compare what the lane sends with what Flask alone sends for the same request; the last test
runs real `kg serve` processes under both HTTP servers.
"""

from __future__ import annotations

import gzip
import io
import json
import urllib.parse
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from werkzeug.test import Client
from werkzeug.wrappers import Response

from tests.server.conftest import (
    EX,
    Counting,
    access_log_records,
    fetch,
    make_publication,
    query_url,
    serve_quickly,
)

BASE = "http://127.0.0.1:5998/"
JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
#: Three entities with many properties each, so lookups of different entities share a header
#: class (same kind, format and compression) but not an answer.
DATA = "\n".join(
    f'<{EX}e{e}> <{EX}p{i}> "value {i} of entity e{e}" .' for e in range(3) for i in range(40)
) + (
    f'\n<{EX}e0> <{EX}knows> <{EX}e1> .\n<{EX}small> <{EX}p0> "tiny" .\n'
    f'<{EX}cafe> <{EX}name> "café" .\n'
    f'<{EX}l1> <http://www.w3.org/2000/01/rdf-schema#label> "label one" .\n'
    f'<{EX}l2> <http://www.w3.org/2000/01/rdf-schema#label> "label two" .\n'
)


def lookup(entity: str) -> str:
    return f"SELECT ?p ?o WHERE {{ <{EX}{entity}> ?p ?o }}"


def _make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str):
    from kg.settings import Settings
    from server import create_app

    for name in ("PROMETHEUS_MULTIPROC_DIR", "KG_ADMIN_TOKEN", "KG_QUERY_CACHE_MB",
                 "KG_FAST_PATH", "KG_MAX_ROWS", "KG_INLINE_LOOKUPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    make_publication(tmp_path / "dist", BASE, DATA)
    return create_app(Settings.from_env(base_uri=BASE, dist_dir=tmp_path / "dist"))


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    apps = []

    def _make(**env: str):
        app = _make_app(tmp_path, monkeypatch, **env)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["kg_executors"].close()


def _send(client: Client, method: str, query: str, headers: dict, how: str = "get",
          **params: str) -> Response:
    headers = dict(headers)
    if how == "get":
        url = "/sparql?" + urllib.parse.urlencode({"query": query, **params})
        return client.open(url, method=method, headers=headers)
    if how == "form":
        headers["Content-Type"] = FORM
        body = urllib.parse.urlencode({"query": query}).encode()
    else:
        headers["Content-Type"] = "application/sparql-query"
        body = query.encode()
    return client.open("/sparql", method="POST", headers=headers, data=body)


def _comparable(response: Response) -> tuple:
    """Status, headers in order (Date blanked) and the body (decompressed when gzip)."""
    headers = [(k, "<date>" if k.lower() == "date" else v) for k, v in response.headers.items()]
    body = response.get_data()
    length = [v for k, v in headers if k.lower() == "content-length"]
    assert length == [str(len(body))]
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return response.status, headers, body


CASES = {
    "GET json": ("get", lookup, {"Accept": JSON}),
    "GET no Accept": ("get", lookup, {}),
    "GET xml": ("get", lookup, {"Accept": "application/sparql-results+xml"}),
    "GET csv": ("get", lookup, {"Accept": "text/csv"}),
    "GET tsv, q-values": ("get", lookup, {"Accept": "text/tab-separated-values;q=0.9, */*;q=0.1"}),
    "GET CORS": ("get", lookup, {"Accept": JSON, "Origin": "https://a.example"}),
    "GET gzip": ("get", lookup, {"Accept": JSON, "Accept-Encoding": "gzip"}),
    "GET ask": ("get", lambda e: f"ASK {{ <{EX}{e}> <{EX}p3> ?o }}", {"Accept": JSON}),
    "GET construct": (
        "get", lambda e: f"CONSTRUCT WHERE {{ <{EX}{e}> ?p ?o }}",
        {"Accept": "text/turtle", "Accept-Encoding": "gzip"},
    ),
    "GET describe": ("get", lambda e: f"DESCRIBE <{EX}{e}>", {"Accept": "application/n-triples"}),
    "POST form": ("form", lookup, {"Accept": JSON, "Accept-Encoding": "gzip, deflate"}),
    "POST query": ("direct", lookup, {"Accept": "text/csv"}),
}


@pytest.mark.parametrize("case", CASES)
def test_the_lane_answers_what_flask_answers(make_app, case):
    """Cache off, so every answer is computed: the lane's and Flask's must be the same bytes."""
    app = make_app(KG_QUERY_CACHE_MB="0")
    how, make_query, headers = CASES[case]
    counting = Counting(app)
    client, flask_only = Client(app, Response), Client(counting.flask, Response)
    first = _send(client, "POST" if how != "get" else "GET", make_query("e0"), headers, how)
    assert first.status_code == 200 and counting.calls == 1  # Flask, and the lane learns
    for entity in ("e1", "e2", "e0"):
        method = "POST" if how != "get" else "GET"
        by_lane = _send(client, method, make_query(entity), headers, how)
        assert counting.calls == 1, "the lane did not answer"
        by_flask = _send(flask_only, method, make_query(entity), headers, how)
        assert _comparable(by_lane) == _comparable(by_flask)
        assert by_lane.headers["X-KG-Cache"] == "miss"
    assert app.extensions["kg_executors"]._pid is None, "no executor was ever started"
    if "gzip" in headers.get("Accept-Encoding", ""):
        assert by_lane.headers["Content-Encoding"] == "gzip"


def test_answers_too_small_to_compress_are_their_own_class(make_app):
    app = make_app(KG_QUERY_CACHE_MB="0")
    counting = Counting(app)
    client, flask_only = Client(app, Response), Client(counting.flask, Response)
    headers = {"Accept": JSON, "Accept-Encoding": "gzip"}
    big = _send(client, "GET", lookup("e0"), headers)
    small = _send(client, "GET", lookup("small"), headers)
    assert counting.calls == 2  # a new header class: Flask first
    assert big.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in small.headers
    again = _send(client, "GET", lookup("small"), headers)
    assert counting.calls == 2
    assert _comparable(again) == _comparable(_send(flask_only, "GET", lookup("small"), headers))


@pytest.mark.parametrize("headers", [
    {"Accept": JSON}, {"Accept": JSON, "Accept-Encoding": "gzip", "Origin": "https://a.example"},
], ids=["plain", "gzip+CORS"])
def test_with_the_cache_a_repeated_lookup_is_a_hit(make_app, headers):
    app = make_app()
    counting = Counting(app)
    client = Client(app, Response)
    _send(client, "GET", lookup("e0"), headers)  # Flask: the class is new
    lane = app.wsgi_app.inner.lookups  # the front, under the admission layer
    lane_calls = []
    answer = lane.answer
    lane.answer = lambda *args: lane_calls.append(args) or answer(*args)
    replies = [_send(client, "GET", lookup("e1"), headers) for _ in range(3)]
    assert [r.headers["X-KG-Cache"] for r in replies] == ["miss", "hit", "hit"]
    assert counting.calls == 1
    assert len(lane_calls) == 1, "the repeats are replays of the lane's answer"
    assert _comparable(replies[1]) == _comparable(replies[2])
    bodies = {_comparable(r)[2] for r in replies}  # decompressed
    assert len(bodies) == 1
    values = {b["o"]["value"] for b in json.loads(bodies.pop())["results"]["bindings"]}
    assert "value 7 of entity e1" in values and len(values) == 40


def test_the_row_cap_holds_and_is_reported(make_app):
    app = make_app(KG_MAX_ROWS="5", KG_QUERY_CACHE_MB="0")
    counting = Counting(app)
    client, flask_only = Client(app, Response), Client(counting.flask, Response)
    _send(client, "GET", lookup("e0"), {"Accept": JSON})
    by_lane = _send(client, "GET", lookup("e1"), {"Accept": JSON})
    assert counting.calls == 1
    assert by_lane.headers["X-KG-Truncated"] == "true" and by_lane.headers["X-KG-Rows"] == "5"
    assert len(json.loads(by_lane.get_data())["results"]["bindings"]) == 5
    assert _comparable(by_lane) == _comparable(_send(flask_only, "GET", lookup("e1"), {"Accept": JSON}))


def test_other_requests_go_to_flask(make_app):
    app = make_app()
    counting = Counting(app)
    client = Client(app, Response)
    _send(client, "GET", lookup("e0"), {"Accept": JSON})
    assert counting.calls == 1
    others = [
        ("GET", lookup("e1"), {"Accept": JSON}, {"format": "json"}),  # another parameter
        ("GET", lookup("e1"), {"Accept": JSON}, {"timeout": "5"}),
        ("GET", f"SELECT ?s ?o WHERE {{ ?s <{EX}p1> ?o }}", {"Accept": JSON}, {}),  # not a lookup
        ("GET", lookup("e1") + " ORDER BY ?p", {"Accept": JSON}, {}),
        ("GET", lookup("e1"), {"Accept": "image/png"}, {}),  # 406
    ]
    for method, query, headers, params in others:
        before = counting.calls
        _send(client, method, query, headers, **params)
        assert counting.calls == before + 1, query
    bad_utf8 = client.open("/sparql?query=%FF", headers={"Accept": JSON})
    assert bad_utf8.status_code == 400 and counting.calls == len(others) + 2


def test_lookups_never_start_an_executor_but_other_queries_do(make_app):
    app = make_app(KG_FAST_PATH="off")
    client = Client(app, Response)
    pool = app.extensions["kg_executors"]
    assert _send(client, "GET", lookup("e0"), {"Accept": JSON}).status_code == 200
    assert pool._pid is None
    assert _send(client, "GET", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", {}).status_code == 200
    assert pool._pid is not None


def test_inline_lookups_can_be_turned_off(make_app):
    app = make_app(KG_INLINE_LOOKUPS="off")
    counting = Counting(app)
    client = Client(app, Response)
    for entity in ("e0", "e1", "e2"):
        assert _send(client, "GET", lookup(entity), {"Accept": JSON}).status_code == 200
    assert counting.calls == 3
    assert app.extensions["kg_executors"]._pid is not None


def _overruns() -> float:
    return REGISTRY.get_sample_value(
        "kg_sparql_query_errors_total", {"reason": "inline_overrun"}
    ) or 0.0


def test_a_lookup_over_the_server_limit_is_counted_and_sent_to_executors_afterwards(make_app):
    app = make_app(KG_FAST_PATH="off", KG_QUERY_CACHE_MB="0", KG_QUERY_TIMEOUT="0.000000001")
    client = Client(app, Response)
    inline = app.extensions["kg_lookups"]
    before = _overruns()
    # a limit no query can meet: the lookup still answers (it cannot be stopped) ...
    first = _send(client, "GET", lookup("e2"), {"Accept": JSON})
    assert first.status_code == 200 and _overruns() == before + 1
    assert app.extensions["kg_executors"]._pid is None
    # ... but from now on the same text goes to an executor, where the limit holds
    second = _send(client, "GET", lookup("e2"), {"Accept": JSON})
    assert second.status_code == 503 and "time limit" in second.get_data(as_text=True)
    assert app.extensions["kg_executors"]._pid is not None
    assert not inline.accepts_text(lookup("e2")) and inline.accepts_text(lookup("e1"))


def test_a_client_asking_for_a_shorter_timeout_gets_an_executor_that_honours_it(make_app):
    app = make_app(KG_FAST_PATH="off", KG_QUERY_CACHE_MB="0")
    client = Client(app, Response)
    before = _overruns()
    reply = _send(client, "GET", lookup("e2"), {"Accept": JSON}, timeout="0.000000001")
    assert reply.status_code == 503 and "time limit" in reply.get_data(as_text=True)
    assert _overruns() == before  # not the lookup's fault: nothing counted, nothing denied
    assert app.extensions["kg_lookups"].accepts_text(lookup("e2"))
    assert _send(client, "GET", lookup("e2"), {"Accept": JSON}).status_code == 200


def test_an_answer_too_wide_for_the_worker_is_built_by_an_executor(make_app):
    app = make_app(KG_QUERY_CACHE_MB="0")
    inline = app.extensions["kg_lookups"]
    counting = Counting(app)
    client, flask_only = Client(app, Response), Client(counting.flask, Response)
    _send(client, "GET", lookup("e0"), {"Accept": JSON})  # the class is learned, inline
    assert app.extensions["kg_executors"]._pid is None
    inline.max_bytes = 500  # e1's values are ~1 KB of text
    wide = _send(client, "GET", lookup("e1"), {"Accept": JSON})
    assert wide.status_code == 200 and app.extensions["kg_executors"]._pid is not None
    assert not inline.accepts_text(lookup("e1"))  # straight to an executor next time
    inline.max_bytes = 8 << 20
    assert _comparable(wide) == _comparable(_send(flask_only, "GET", lookup("e1"), {"Accept": JSON}))


def test_raw_utf8_in_a_query_string_is_read_as_flask_reads_it(make_app):
    """A client may send unencoded UTF-8 in the request line; WSGI hands it over as latin-1."""
    app = make_app(KG_QUERY_CACHE_MB="0")
    counting = Counting(app)
    query = f'SELECT ?s WHERE {{ ?s <{EX}name> "café" }}'
    Client(app, Response).get("/sparql?query=" + urllib.parse.quote(lookup("small")),
                              headers={"Accept": JSON})  # a class the lane knows

    def raw(wsgi_app) -> bytes:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "SERVER_NAME": "localhost",
            "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(), "HTTP_ACCEPT": JSON,
            "QUERY_STRING": "query=" + query.replace(" ", "%20").encode().decode("latin-1"),
        }
        return b"".join(wsgi_app(environ, lambda status, headers, exc=None: None))

    by_app, by_flask = raw(app.wsgi_app), raw(counting.flask)
    assert by_app == by_flask
    assert json.loads(by_app)["results"]["bindings"] == [{"s": {"type": "uri", "value": f"{EX}cafe"}}]


def test_a_class_flask_compresses_with_brotli_is_left_to_flask_without_running_twice(make_app):
    app = make_app(KG_QUERY_CACHE_MB="0")
    counting = Counting(app)
    client = Client(app, Response)
    inline = app.extensions["kg_lookups"]
    runs = []
    run = inline.run
    inline.run = lambda job: runs.append(job.query) or run(job)
    headers = {"Accept": JSON, "Accept-Encoding": "gzip, deflate, br, zstd"}  # a browser's
    first = _send(client, "GET", lookup("e0"), headers)
    assert first.headers["Content-Encoding"] != "gzip" and counting.calls == 1
    assert len(runs) == 2  # the lane's run, then Flask's: once for the class
    for entity in ("e1", "e2", "small"):
        _send(client, "GET", lookup(entity), headers)
    assert counting.calls == 4 and len(runs) == 5  # Flask alone, one run each


def test_lane_answers_count_and_log_like_flask(make_app):
    app = make_app(KG_QUERY_CACHE_MB="0", KG_MAX_ROWS="5")

    def samples() -> list[float]:
        return [
            REGISTRY.get_sample_value(name, labels) or 0.0
            for name, labels in (
                ("kg_sparql_cache_total", {"outcome": "miss"}),
                ("kg_sparql_queries_total", {"result": "bindings"}),
                ("kg_sparql_truncated_total", {}),
                ("kg_http_requests_total", {"method": "GET", "endpoint": "/sparql", "status": "200"}),
            )
        ]

    with access_log_records() as records:
        counting = Counting(app)
        client = Client(app, Response)
        headers = {"Accept": JSON, "User-Agent": "t"}
        at_start = samples()
        _send(client, "GET", lookup("e0"), headers)  # by Flask
        after_flask = samples()
        _send(client, "GET", lookup("e1"), headers)  # by the lane
        after_lane = samples()
        assert counting.calls == 1
    flask_delta = [b - a for a, b in zip(at_start, after_flask, strict=True)]
    lane_delta = [b - a for a, b in zip(after_flask, after_lane, strict=True)]
    assert flask_delta == lane_delta == [1, 1, 1, 1]
    by_flask, by_lane = records
    for entry in (by_flask, by_lane):
        entry.pop("ts"), entry.pop("ms"), entry.pop("query_bytes")
    assert by_lane == by_flask
    assert by_lane["rows"] == 5 and by_lane["truncated"] is True


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_kg_serve_answers_lookups_over_http(tmp_path, launch, server):
    running = serve_quickly(launch, tmp_path, DATA, server)
    headers = {"Accept": JSON, "Origin": "https://a.example"}
    replies = {e: fetch(query_url(running.url, lookup(e)), headers=headers) for e in ("e0", "e1", "e2")}
    for entity, reply in replies.items():
        assert reply.status == 200 and reply.header("X-KG-Cache") == "miss"
        assert reply.header("Access-Control-Allow-Origin") == "*"
        values = {b["o"]["value"] for b in json.loads(reply.body)["results"]["bindings"]}
        assert f"value 39 of entity {entity}" in values
        assert len(values) == 40 + (entity == "e0")  # e0 also knows e1
    assert len({(r.header("Content-Type"), r.header("Vary")) for r in replies.values()}) == 1
    again = fetch(query_url(running.url, lookup("e1")), headers=headers)
    assert again.header("X-KG-Cache") == "hit" and again.body == replies["e1"].body
    metrics = fetch(running.url + "metrics").text
    assert 'kg_sparql_cache_total{outcome="miss"} 3.0' in metrics
    assert 'kg_sparql_cache_total{outcome="hit"} 1.0' in metrics


def test_a_new_release_is_answered_from_the_new_store(make_app, tmp_path):
    app = make_app()
    counting = Counting(app)
    client = Client(app, Response)
    _send(client, "GET", lookup("small"), {"Accept": JSON})  # Flask: the class is new
    query = f"SELECT ?v {{ <{EX}a> <{EX}p> ?v }}"
    make_publication(tmp_path / "dist", BASE, f"<{EX}a> <{EX}p> 1 .")
    old = [_send(client, "GET", query, {"Accept": JSON}) for _ in range(2)]
    assert [r.headers["X-KG-Cache"] for r in old] == ["miss", "hit"] and counting.calls == 1
    make_publication(tmp_path / "dist", BASE, f"<{EX}a> <{EX}p> 2 .")
    fresh = _send(client, "GET", query, {"Accept": JSON})
    assert fresh.headers["X-KG-Cache"] == "miss" and counting.calls == 1
    assert json.loads(fresh.get_data())["results"]["bindings"][0]["v"]["value"] == "2"


def test_lookups_may_use_the_prefixes_the_endpoint_declares(make_app):
    app = make_app(KG_QUERY_CACHE_MB="0")
    counting = Counting(app)
    client, flask_only = Client(app, Response), Client(counting.flask, Response)
    query = "SELECT ?l WHERE {{ <{}> rdfs:label ?l ; ?p ?o }}"
    _send(client, "GET", query.format(f"{EX}l1"), {"Accept": JSON})
    by_lane = _send(client, "GET", query.format(f"{EX}l2"), {"Accept": JSON})
    assert by_lane.status_code == 200 and counting.calls == 1
    assert [b["l"]["value"] for b in json.loads(by_lane.get_data())["results"]["bindings"]] == [
        "label two"
    ]
    assert _comparable(by_lane) == _comparable(
        _send(flask_only, "GET", query.format(f"{EX}l2"), {"Accept": JSON})
    )
