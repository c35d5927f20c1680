"""CPU time of one new lookup through the whole WSGI app, against the engine floor's callable.

    .venv/bin/python bench/lookup_cpu.py [--requests 1000] [--chunks 10] [--tree PATH]
                                         [--out bench/results-lookup-cpu.md]

Over HTTP a lookup costs Granian's own work too, and the machine is shared, so `run.py`'s
ratios move with everything else that runs. This measures what our code adds, in the process
and without a network: the app ``kg serve`` runs (admission, the front, the lookups, metrics in
prometheus-client's multiprocess mode, the access log off as in `run.py`) is called with
prepared WSGI environs, its answer cache off, and so is `run.py`'s ``engine_floor_app`` (read
``query``, run it on pyoxigraph, return pyoxigraph's JSON), in alternating chunks; per request
CPU time (``time.process_time``). The figure is the median over the chunks of (ours - floor):
what the endpoint costs beyond the query itself, measured side by side.

Two workloads: ``repeated`` cycles over run.py's lookup texts (as `run.py` sends them, so
memos of the text are warm), ``distinct`` sends texts nobody sent before (one new variable
name each), the cost of a lookup that really is new. A third, ``cached``, is ``repeated``
through a second app with the answer cache on (64 MiB, as `run.py`'s ``kg serve`` target),
so every request after the first of a text is a replay. ``--tree`` measures another
checkout's ``kg``/``server`` (e.g. the main branch) with this script and this release.

Last, the client's side: the time ``http.client`` (the benchmark's client, and SPARQLWrapper's
and rdflib's) takes to receive one of our lookup answers, the engine floor's and ``oxigraph
serve``'s (status, header lines, body), which over HTTP is part of every request's round trip.
"""

from __future__ import annotations

import argparse
import importlib
import io
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per chunk")
    parser.add_argument("--chunks", type=int, default=10, help="alternating chunks per target")
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose server to measure")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-lookup-cpu.md")
    args = parser.parse_args()
    dist = WORK / "dist"
    if not dist.exists():
        raise SystemExit(f"no publication at {dist}: run bench/run.py once to build it")
    sys.path[:0] = [str(args.tree), str(ROOT / "bench")]
    os.environ.update(
        KG_DIST=str(dist), KG_QUERY_CACHE_MB="0", KG_ACCESS_LOG="off",
        KG_BASE_URI="http://127.0.0.1:5000/", BENCH_STORE=str(dist.resolve() / "store"),
        PROMETHEUS_MULTIPROC_DIR=tempfile.mkdtemp(prefix="kg-bench-metrics-"),
    )
    os.environ.pop("KG_ADMIN_TOKEN", None)
    import pyoxigraph as ox

    from kg.settings import Settings
    from server import create_app  # from --tree: imported before run.py puts ROOT first

    run = importlib.import_module("run")  # bench/run.py: its workloads and engine floor

    app = create_app(Settings.from_env())
    cached = create_app(Settings.from_env({**os.environ, "KG_QUERY_CACHE_MB": "64"}))
    texts = run.workloads(ox.Store.read_only(os.environ["BENCH_STORE"]), 1)[0].queries
    needed = 2 * args.requests * args.chunks + 200
    distinct = [texts[i % len(texts)].replace("?o", f"?o{i}") for i in range(needed)]
    lines = [
        "# In-process CPU per new lookup (`bench/lookup_cpu.py`)", "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} "
        f"CPU(s), load average {os.getloadavg()[0]:.1f}; server code from `{args.tree}`; "
        f"{args.chunks} alternating chunks of {args.requests} requests per target.", "",
        "| workload | ours us/req | engine floor us/req | ours - floor (median of chunks) |",
        "|---|---|---|---|",
    ]
    for name, ours_app, pool in (
        ("repeated", app, texts), ("distinct", app, distinct), ("cached", cached, texts)
    ):
        ours, floor, gap = _measure(ours_app, run.engine_floor_app, pool, args.requests, args.chunks)
        lines.append(f"| {name} | {ours:.1f} | {floor:.1f} | {gap:.1f} |")
        print(lines[-1])
    lines += ["", *_client_parse(app, run.engine_floor_app, texts[0], run)]
    print("\n".join(lines[-7:]))
    for each in (app, cached):
        each.extensions["kg_executors"].close()
    args.out.write_text("\n".join(lines) + "\n")
    print(f"wrote {args.out}")


def _measure(app, floor, texts: list[str], requests: int, chunks: int) -> tuple[float, ...]:
    encoded = ["query=" + urllib.parse.quote_plus(text) for text in texts]
    at = 0

    def chunk(target) -> float:
        nonlocal at
        environs = [_environ(encoded[(at + i) % len(encoded)]) for i in range(requests)]
        at += requests
        started = time.process_time()
        for environ in environs:
            result = target(environ, _start_response)
            b"".join(result)
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return (time.process_time() - started) / requests * 1e6

    warm = 50  # open the store, learn the header class, see every repeated text once
    for target in (app, floor):
        for query in encoded[:warm]:
            b"".join(target(_environ(query), _start_response))
    at = warm  # a distinct text is sent once
    ours, floors = [], []
    for _ in range(chunks):
        ours.append(chunk(app))
        floors.append(chunk(floor))
    return (statistics.median(ours), statistics.median(floors),
            statistics.median(a - b for a, b in zip(ours, floors, strict=True)))


def _client_parse(app, floor, text: str, run, repeat: int = 20_000) -> list[str]:
    """What the benchmark's client (``http.client``, as in SPARQLWrapper and rdflib) spends on
    one answer: its status line, header lines and body, as ``HTTPResponse.begin`` and ``read``
    take them from the connection. Ours and the engine floor's are what each app hands Granian
    plus the two lines Granian adds (``server``, ``date``); Oxigraph's is the raw answer of a
    real ``oxigraph serve`` to the same request (when ``run.py`` has left its store)."""
    import http.client
    import socket
    import timeit

    raw = {}
    for name, target in (("ours", app), ("engine floor", floor)):
        sent: list = []

        def keep(status, headers, exc_info=None, sent=sent):
            sent.extend([status, headers])

        body = b"".join(target(_environ("query=" + urllib.parse.quote_plus(text)), keep))
        status, headers = sent
        headers = [*headers, ("server", "granian"), ("date", "Sun, 06 Dec 2026 15:18:27 GMT")]
        head = "".join(f"{k}: {v}\r\n" for k, v in headers)
        raw[name] = (len(headers), f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body)
    stores = sorted((WORK / "oxigraph").glob("*")) if (WORK / "oxigraph").is_dir() else []
    if stores:
        port = run.free_port()
        server = run.start_oxigraph(stores[-1], port)
        try:
            run.wait_ready(f"http://127.0.0.1:{port}/query", server)
            with socket.create_connection(("127.0.0.1", port)) as conn:
                conn.sendall(
                    f"GET /query?{urllib.parse.urlencode({'query': text})} HTTP/1.1\r\n"
                    "Host: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n"
                    "Connection: close\r\n\r\n".encode()
                )
                answer = b"".join(iter(lambda: conn.recv(65536), b""))
            raw["oxigraph serve"] = (answer.split(b"\r\n\r\n")[0].count(b"\r\n"), answer)
        finally:
            run.stop(server)

    class Connection:  # what HTTPResponse reads from: one answer's bytes
        def __init__(self, data: bytes) -> None:
            self.data = data

        def makefile(self, mode: str) -> io.BytesIO:
            return io.BytesIO(self.data)

    def receive(data: bytes) -> None:
        response = http.client.HTTPResponse(Connection(data))  # type: ignore[arg-type]
        response.begin()
        response.read()

    rows = ["| answer of | header lines | bytes | http.client us |", "|---|---|---|---|"]
    for name, (count, data) in raw.items():
        seconds = min(timeit.repeat(lambda data=data: receive(data), number=repeat, repeat=3))
        rows.append(f"| {name} | {count} | {len(data)} | {seconds / repeat * 1e6:.1f} |")
    return [
        "Client side: `http.client` receiving one lookup answer (status, header lines, body; "
        "best of 3 x 20,000).", "", *rows,
    ]


def _environ(query: str) -> dict:
    """What Granian passes for `run.py`'s requests (http.client, one Accept header)."""
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/sparql", "QUERY_STRING": query, "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "5000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:5000",
        "HTTP_ACCEPT": "application/sparql-results+json", "HTTP_ACCEPT_ENCODING": "identity",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
    }


def _start_response(status, headers, exc_info=None) -> None:
    """The answer is read and dropped."""


if __name__ == "__main__":
    main()
