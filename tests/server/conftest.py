"""Helpers for the server tests: a plain HTTP client, extra `kg serve` processes, and small
publications made with ``kg.release.publish.publish`` when a test needs data it knows exactly.

Everything talks to real servers on 127.0.0.1; nothing of ours is mocked.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kg.release.publication import Publication
from kg.release.publish import publish
from kg.settings import PROJECT_ROOT

EX = "http://example.org/"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def fetch(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | str | None = None,
    timeout: float = 30,
) -> Reply:
    """One request, whatever the status (no redirects followed, no exceptions for 4xx/5xx)."""
    parts = urllib.parse.urlsplit(url)
    assert parts.hostname == "127.0.0.1", "tests only talk to loopback"
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        data = body.encode("utf-8") if isinstance(body, str) else body
        conn.request(method, target, body=data, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


def query_url(base: str, query: str, **params: str | list[str]) -> str:
    pairs: list[tuple[str, str]] = [("query", query)]
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key.replace("_", "-"), item))
    return f"{base}sparql?{urllib.parse.urlencode(pairs)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(
    dist: Path, port: int, log: Path, env: dict[str, str] | None = None, workers: int = 2,
    ready_path: str = "healthz", ready_status: tuple[int, ...] = (200,),
) -> Server:
    """`kg serve` over ``dist``, waiting until ``ready_path`` answers one of ``ready_status``."""
    environment = dict(os.environ, KG_DIST=str(dist), **(env or {}))
    environment.setdefault("KG_BASE_URI", f"http://127.0.0.1:{port}/")
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    handle = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        env=environment, stdout=handle, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT,
    )
    url = f"http://127.0.0.1:{port}/"
    server = Server(url, proc, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"kg serve exited: {log.read_text()[-2000:]}")
        try:
            if fetch(url + ready_path, timeout=2).status in ready_status:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"kg serve did not start: {log.read_text()[-2000:]}")


class Counting:
    """Counts the requests that reach Flask behind the front (``server.sparql.front``)."""

    def __init__(self, app) -> None:
        self.fast = app.wsgi_app.inner  # under the admission layer (server.admission)
        self.flask = self.fast.inner
        self.calls = 0
        self.fast.inner = self

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.flask(environ, start_response)


def make_publication(dist: Path, base_uri: str, trig: str) -> Publication:
    """A release of exactly ``trig`` (TriG, relative IRIs resolved against ``base_uri``)."""
    dataset = Dataset()
    dataset.parse(data=trig, format="trig", publicID=base_uri)
    return publish(
        dataset, dist, base_uri=base_uri, void=Graph(), report=Graph(), ontology=Graph(),
        shapes=Graph(),
    )


#: A small dataset the tests know exactly: two article-like graphs and a default-graph triple.
SAMPLE_TRIG = f"""
@prefix ex: <{EX}> .
ex:alice ex:name "Alice" ; ex:knows ex:bob .
<graph/one> {{ ex:bob ex:name "Bob" ; ex:age 41 . ex:carol ex:name "Carol"@en . }}
<graph/two> {{ ex:dan ex:name "Dan" ; ex:knows ex:alice . ex:erin ex:name "Erin" . }}
"""


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start extra servers for one test; all are stopped afterwards."""
    started: list[Server] = []

    def _launch(dist: Path, port: int | None = None, **kwargs) -> Server:
        number = len(started)
        server = start_server(dist, port or free_port(), tmp_path / f"serve{number}.log", **kwargs)
        started.append(server)
        return server

    yield _launch
    for server in started:
        server.stop()


@contextmanager
def access_log_records() -> Iterator[list[dict]]:
    """The access-log lines written inside the block, as dicts (the log is on meanwhile)."""
    from server import metrics

    records: list[dict] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(json.loads(record.getMessage()))

    handler = Keep()
    metrics.access_log.addHandler(handler)
    was_disabled, metrics.access_log.disabled = metrics.access_log.disabled, False
    try:
        yield records
    finally:
        metrics.access_log.removeHandler(handler)
        metrics.access_log.disabled = was_disabled


def serve_quickly(launch: Callable[..., Server], where: Path, trig: str, server: str) -> Server:
    """One `kg serve` worker (``server``: granian or gunicorn) over a release of ``trig``."""
    port = free_port()
    make_publication(where / "dist", f"http://127.0.0.1:{port}/", trig)
    return launch(where / "dist", port, workers=1, env={"KG_ACCESS_LOG": "off", "KG_SERVER": server})


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A public server over ``SAMPLE_TRIG`` with small limits: 3 rows, 3 s per query."""
    work = tmp_path_factory.mktemp("sample")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    make_publication(work / "dist", base, SAMPLE_TRIG)
    server = start_server(
        work / "dist", port, work / "serve.log",
        env={"KG_MAX_ROWS": "3", "KG_QUERY_TIMEOUT": "3", "KG_ACCESS_LOG": str(work / "access.log"),
             "KG_MAX_REQUEST_BYTES": "20000"},
    )
    yield server
    server.stop()
