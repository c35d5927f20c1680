"""The WSGI front (server.sparql.front): replayed answers are the answers Flask gives.

In-process tests call the app through WSGI (Werkzeug's test client, nothing mocked) and
compare, request by request, what the front sends with what Flask alone sends for the same
request; the last tests run real `kg serve` processes under both HTTP servers.
"""

from __future__ import annotations

import gzip
import json
import urllib.parse
from pathlib import Path

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from tests.server.conftest import (
    EX,
    SAMPLE_TRIG,
    Counting,
    access_log_records,
    fetch,
    make_publication,
    query_url,
    serve_quickly,
)

BASE = "http://127.0.0.1:5999/"
SELECT = f"SELECT ?s ?n WHERE {{ ?s <{EX}name> ?n }} ORDER BY ?s"
JSON = "application/sparql-results+json"


def _make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str):
    from kg.settings import Settings
    from server import create_app

    for name in ("PROMETHEUS_MULTIPROC_DIR", "KG_ADMIN_TOKEN", "KG_QUERY_CACHE_MB",
                 "KG_FAST_PATH", "KG_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    make_publication(tmp_path / "dist", BASE, SAMPLE_TRIG + _many_names(60))
    return create_app(Settings.from_env(base_uri=BASE, dist_dir=tmp_path / "dist"))


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    app = _make_app(tmp_path, monkeypatch)
    yield app
    app.extensions["kg_executors"].close()


@pytest.fixture
def small_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """At most 5 rows per answer, so answers are truncated."""
    app = _make_app(tmp_path, monkeypatch, KG_MAX_ROWS="5")
    yield app
    app.extensions["kg_executors"].close()


def _many_names(count: int) -> str:
    """Enough rows for an answer past the 1 KiB compression threshold."""
    return "\n".join(f'<{EX}p{i}> <{EX}name> "person number {i}" .' for i in range(count))


def _request(client: Client, method: str, params: dict | None, headers: dict,
             body: bytes | None = None) -> Response:
    url = "/sparql" + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    return client.open(url, method=method, headers=headers, data=body)


def _comparable(response: Response) -> tuple:
    """Status, headers in order (a Date value blanked: it is the time of sending) and body."""
    headers = [(k, "<date>" if k.lower() == "date" else v) for k, v in response.headers.items()]
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        assert body[:4] == b"\x1f\x8b\x08\x00"
        body = body[:4] + b"<mtime>" + body[8:]  # gzip's header holds the time it was written
    return response.status, headers, body


CASES = {
    "GET json": ("GET", {"query": SELECT}, {"Accept": JSON}, None),
    "GET no Accept": ("GET", {"query": SELECT}, {}, None),
    "GET xml": ("GET", {"query": SELECT}, {"Accept": "application/sparql-results+xml"}, None),
    "GET format=csv": ("GET", {"query": SELECT, "format": "csv"}, {}, None),
    "GET CORS": ("GET", {"query": SELECT}, {"Accept": JSON, "Origin": "https://a.example"}, None),
    "GET gzip": ("GET", {"query": SELECT}, {"Accept": JSON, "Accept-Encoding": "gzip"}, None),
    "GET ask": ("GET", {"query": "ASK { ?s ?p ?o }"}, {"Accept": JSON}, None),
    "GET construct": (
        "GET", {"query": f"CONSTRUCT {{ ?s <{EX}name> ?n }} WHERE {{ ?s <{EX}name> ?n }}"},
        {"Accept": "text/turtle", "Accept-Encoding": "gzip"}, None,
    ),
    "GET dataset": (
        "GET", {"query": SELECT, "default-graph-uri": f"{BASE}graph/one"}, {"Accept": JSON},
        None,
    ),
    "GET every triple": ("GET", {"query": "SELECT * { ?s ?p ?o }"}, {"Accept": JSON}, None),
    "POST form": (
        "POST", None, {"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON},
        urllib.parse.urlencode({"query": SELECT}).encode(),
    ),
    "POST query": (
        "POST", {"default-graph-uri": f"{BASE}graph/two"},
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"}, SELECT.encode(),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_replay_is_what_flask_sends(app, case):
    method, params, headers, body = CASES[case]
    counting = Counting(app)
    client, flask_only = Client(app, Response), Client(counting.flask, Response)
    first = _request(client, method, params, headers, body)
    assert first.status_code == 200 and first.headers["X-KG-Cache"] == "miss"
    second = _request(client, method, params, headers, body)  # a cache hit, kept for replay
    assert second.headers["X-KG-Cache"] == "hit"
    assert counting.calls == 2
    replayed = [_request(client, method, params, headers, body) for _ in range(3)]
    assert counting.calls == 2, "the replays did not reach Flask"
    by_flask = _request(flask_only, method, params, headers, body)  # Flask alone, a hit too
    for response in replayed:
        assert _comparable(response) == _comparable(by_flask) == _comparable(second)
    if headers.get("Accept-Encoding") == "gzip":
        assert replayed[0].headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(replayed[0].get_data()) == gzip.decompress(by_flask.get_data())


def test_volatile_queries_errors_and_other_requests_go_to_flask(app):
    counting = Counting(app)
    client = Client(app, Response)
    requests = [
        ("GET", {"query": "SELECT (RAND() AS ?r) {}"}, {}),
        ("GET", {"query": "SELECT (STRUUID() AS ?u) {}"}, {}),
        ("GET", {"query": "SELECT ?x WHERE {"}, {}),  # malformed: 400
        ("GET", {"query": SELECT, "format": "nonsense"}, {}),  # 400
        ("GET", {"query": SELECT}, {"Accept": "image/png"}),  # 406
        ("HEAD", {"query": SELECT}, {}),
        ("GET", {"query": SELECT}, {"If-None-Match": '"x"'}),
        ("GET", {"query": SELECT}, {"Range": "bytes=0-10"}),
        ("GET", None, {}),  # the service description
    ]
    for method, params, headers in requests:
        statuses = {_request(client, method, params, headers).status_code for _ in range(3)}
        assert len(statuses) == 1
    assert counting.calls == 3 * len(requests)
    volatile = _request(client, "GET", {"query": "SELECT (NOW() AS ?t) {}"}, {})
    assert volatile.headers["X-KG-Cache"] == "miss"


def test_a_new_release_is_answered_from_the_new_store(app, tmp_path):
    counting = Counting(app)
    client = Client(app, Response)
    params = {"query": f"SELECT ?v {{ ?s <{EX}p> ?v }}"}
    make_publication(tmp_path / "dist", BASE, f"<{EX}a> <{EX}p> 1 .")
    for _ in range(3):
        old = _request(client, "GET", params, {"Accept": JSON})
    assert counting.calls == 2 and old.headers["X-KG-Cache"] == "hit"
    make_publication(tmp_path / "dist", BASE, f"<{EX}a> <{EX}p> 2 .")
    fresh = _request(client, "GET", params, {"Accept": JSON})
    assert counting.calls == 3 and fresh.headers["X-KG-Cache"] == "miss"
    assert json.loads(fresh.get_data())["results"]["bindings"][0]["v"]["value"] == "2"


def test_replays_count_and_log_like_flask(small_app):
    app = small_app
    from prometheus_client import REGISTRY

    with access_log_records() as records:
        counting = Counting(app)
        client = Client(app, Response)
        params, headers = {"query": "SELECT * { ?s ?p ?o }"}, {"Accept": JSON, "User-Agent": "t"}

        def sample(name: str, **labels: str) -> float:
            return REGISTRY.get_sample_value(name, labels) or 0.0

        _request(client, "GET", params, headers)
        _request(client, "GET", params, headers)  # by Flask, from the cache
        before = (
            sample("kg_sparql_cache_total", outcome="hit"),
            sample("kg_sparql_queries_total", result="bindings"),
            sample("kg_sparql_truncated_total"),
            sample("kg_http_requests_total", method="GET", endpoint="/sparql", status="200"),
        )
        _request(client, "GET", params, headers)  # replayed
        assert counting.calls == 2
        after = (
            sample("kg_sparql_cache_total", outcome="hit"),
            sample("kg_sparql_queries_total", result="bindings"),
            sample("kg_sparql_truncated_total"),
            sample("kg_http_requests_total", method="GET", endpoint="/sparql", status="200"),
        )
        assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1, 1]
    by_flask, replayed = records[1], records[2]
    for entry in (by_flask, replayed):
        entry.pop("ts"), entry.pop("ms")
    assert replayed == by_flask
    assert replayed["truncated"] is True and replayed["agent"] == "t"


def test_an_evicted_answer_retires_its_replays():
    from server.engine.cache import Answer, Replay, ResultCache

    cache = ResultCache(8000)
    answer_key = ("/store", "q")
    cache.put(answer_key, Answer("bindings", "json", b"x" * 100, 1, False))
    replay = Replay(answer_key, "200 OK", (("Content-Type", "a/b"),), b"x" * 100, -1, (),
                    "bindings", False)
    cache.put_replay(("replay:", "/store", "q"), replay)
    assert cache.get_replay(("replay:", "/store", "q")) is replay
    for i in range(100):  # push the answer out
        cache.put(("/store", f"other {i}"), Answer("bindings", "json", b"y" * 900, 1, False))
    assert cache.get(answer_key) is None
    assert cache.get_replay(("replay:", "/store", "q")) is None


def test_off_on_request(tmp_path, monkeypatch):
    from server.sparql.front import Front

    assert not isinstance(_make_app(tmp_path, monkeypatch, KG_FAST_PATH="off").wsgi_app, Front)


def test_without_the_cache_nothing_is_replayed(tmp_path, monkeypatch):
    app = _make_app(tmp_path, monkeypatch, KG_QUERY_CACHE_MB="0")
    counting = Counting(app)
    client = Client(app, Response)
    replies = [_request(client, "GET", {"query": SELECT}, {"Accept": JSON}) for _ in range(3)]
    assert counting.calls == 3
    assert [r.headers["X-KG-Cache"] for r in replies] == ["miss"] * 3
    app.extensions["kg_executors"].close()


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_kg_serve_replays_over_http(tmp_path, launch, server):
    running = serve_quickly(launch, tmp_path, SAMPLE_TRIG, server)
    base = running.url
    url = query_url(running.url, SELECT)
    headers = {"Accept": JSON, "Origin": "https://a.example"}
    replies = [fetch(url, headers=headers) for _ in range(4)]
    assert [r.header("X-KG-Cache") for r in replies] == ["miss", "hit", "hit", "hit"]
    assert len({r.body for r in replies}) == 1
    for name in ("Content-Type", "Vary", "Access-Control-Allow-Origin", "X-KG-Rows"):
        assert len({r.header(name) for r in replies}) == 1, name
    names = json.loads(replies[-1].body)["results"]["bindings"]
    assert [row["n"]["value"] for row in names][:2] == ["Alice", "Bob"]
    metrics = fetch(running.url + "metrics").text
    assert 'kg_sparql_cache_total{outcome="hit"} 3.0' in metrics
    make_publication(tmp_path / "dist", base, f'<{EX}zed> <{EX}name> "Zed" .')
    fresh = fetch(url, headers=headers)
    assert fresh.header("X-KG-Cache") == "miss"
    assert [r["n"]["value"] for r in json.loads(fresh.body)["results"]["bindings"]] == ["Zed"]
