"""Endpoint benchmark: our `/sparql` (kg serve) against `oxigraph serve` and pyoxigraph in-process.

    .venv/bin/python bench/run.py [--rebuild] [--requests 2000] [--out bench/results.md]
    .venv/bin/python bench/run.py --dist /path/to/dist --copy-store --workloads \
        two-hop,count,aggregate,text --clients 1 --time-cap 30 --query-timeout 120 \
        --targets "kg serve --server granian;kg serve --server granian, no cache" \
        --out bench/results-heavy.md                 # heavy queries on a large publication

Builds the seeds once into ``bench/.work/dist`` (reused afterwards; ``--rebuild`` forces a new
build), loads the very same quads into a separate location for the Oxigraph server, starts
both servers on 127.0.0.1, and sends the same queries to each with 1 and 4 concurrent clients.
Throughput is reported as a ratio to ``oxigraph serve`` measured in the same run, because
absolute numbers drift on a shared two-core machine. The server processes' CPU time per
request (read from /proc) is reported too: it does not depend on what else runs.

With ``--dist`` it serves an existing publication instead (for example the 10,000-article one
that ``bench/scale.py --keep`` leaves), and ``--copy-store`` gives Oxigraph a RocksDB checkpoint
of our store (``Store.backup``: the same files, hard-linked) instead of a dump and load, which
at millions of quads takes longer than the benchmark.

Every loop is bounded by a request count and a time cap; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import json
import multiprocessing
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.release.publication import Publication  # noqa: E402
from kg.settings import Settings  # noqa: E402

WORK = ROOT / "bench" / ".work"
BASE = "http://127.0.0.1:5000/"
ACCEPT_JSON = "application/sparql-results+json"
TIME_CAP = 60.0  # seconds, per measurement: a bound even if a server gets very slow
#: A client's wait for one answer; ``--query-timeout`` raises it (through the environment, so
#: the spawned client processes see it too).
HTTP_TIMEOUT = float(os.environ.get("BENCH_HTTP_TIMEOUT", "30"))
CLIENTS = (1, 4)
#: What is measured. ``kg serve`` runs with its defaults (answer cache, front with the
#: front's lookups, in-worker lookups) under each server; the variants each turn one layer off, so the
#: cost of each layer shows in the same run. "no cache" is the figure for queries nobody asked
#: before.
KG_TARGETS = {
    # name: (server, answer cache MiB, front, in-worker lookups)
    "kg serve --server granian": ("granian", 64, "on", "on"),
    "kg serve --server granian, no cache": ("granian", 0, "on", "on"),
    "kg serve --server granian, no cache, no front": ("granian", 0, "off", "on"),
    "kg serve --server granian, no cache, no front, no inline": ("granian", 0, "off", "off"),
    "kg serve --server gunicorn": ("gunicorn", 64, "on", "on"),
    "kg serve --server gunicorn, no cache": ("gunicorn", 0, "on", "on"),
}
#: Floors: WSGI apps under the same server settings as ``kg serve``. A *floor* returns a fixed
#: body; an *engine floor* runs the query through pyoxigraph and its own JSON writer and nothing
#: else (no limits, negotiation, cache or Flask): the most any Python endpoint answering through
#: pyoxigraph can do under that server. The engine floor *with kg headers* also sends the header
#: lines a lookup answer of ``kg serve`` carries (Vary, CORS and X-KG, with the real row count):
#: what those lines cost the server and the client to write and parse, apart from our code.
FIXED_FLOORS = ("granian floor", "gunicorn floor")
ENGINE_FLOORS = (
    "granian engine floor", "gunicorn engine floor", "granian engine floor, kg headers",
)
FLOORS = (*FIXED_FLOORS, *ENGINE_FLOORS)
#: Floors every target is also compared with, round by round (the table's last ratio columns).
REFERENCE_FLOORS = ("granian engine floor", "granian engine floor, kg headers")
TARGETS = ("oxigraph serve", *KG_TARGETS, *FLOORS)


@dataclass
class Workload:
    name: str
    description: str
    queries: list[str]
    requests: int  # per client


@dataclass
class Measurement:
    target: str
    workload: str
    clients: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu_seconds: float | None = None
    rounds: list[float] = field(default_factory=list)  # throughput of each round
    ratios: list[float] = field(default_factory=list)  # to oxigraph serve, round by round
    #: to each engine floor measured (REFERENCE_FLOORS), round by round: issue 10's figure for
    #: new lookups, each round against the floor measured beside it
    floor_ratios: dict[str, list[float]] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        """The median of the rounds' throughputs (of the one measurement without rounds)."""
        if self.rounds:
            return statistics.median(self.rounds)
        return self.requests / self.seconds if self.seconds else 0.0

    def absorb(self, other: Measurement) -> None:
        """Add one round's measurement to this summary."""
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies.extend(other.latencies)
        if other.cpu_seconds is not None:
            self.cpu_seconds = (self.cpu_seconds or 0.0) + other.cpu_seconds
        self.rounds.append(other.throughput)

    def latency_ms(self, quantile: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(quantile * len(ordered)))]


# Setting up: publication, Oxigraph location, servers ----------------------------------------


def publication(rebuild: bool, dist: Path | None = None) -> Publication:
    if dist is not None:
        given = Publication.current(dist)
        if given is None:
            raise SystemExit(f"{dist} holds no publication")
        return given
    dist = WORK / "dist"
    current = Publication.current(dist)
    if current is None or rebuild:
        from kg.pipeline import build

        print("building the seeds into", dist, flush=True)
        build(Settings.from_env(base_uri=BASE, dist_dir=dist), progress=lambda _m: None)
        current = Publication.current(dist)
    assert current is not None
    return current


def oxigraph_cli() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if found is None:
        raise SystemExit("the `oxigraph` CLI (PyPI package oxigraph) is not installed")
    return found


def oxigraph_location(release: Publication, copy: bool = False) -> Path:
    """The same quads as our store (dumped from it), loaded by the Oxigraph CLI itself; or,
    with ``copy``, a checkpoint of our store's own files."""
    location = WORK / "oxigraph" / release.release_id
    if (location / "LOADED").exists():
        return location
    shutil.rmtree(WORK / "oxigraph", ignore_errors=True)
    if copy:
        location.parent.mkdir(parents=True)
        ox.Store.read_only(str(release.store_path)).backup(str(location))
        (location / "LOADED").write_text(release.release_id)
        return location
    location.mkdir(parents=True)
    quads = WORK / "all.nq"
    ox.Store.read_only(str(release.store_path)).dump(str(quads), format=ox.RdfFormat.N_QUADS)
    subprocess.run(
        [oxigraph_cli(), "load", "--location", str(location), "--file", str(quads)],
        check=True, capture_output=True,
    )
    (location / "LOADED").write_text(release.release_id)
    return location


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early: {url}")
        try:
            status, _ = get(url, "ASK {}")
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not start: {url}")


def start_kg(
    port: int, workers: int, threads: int, server: str, cache_mb: int, fast_path: str,
    inline: str, dist: Path | None = None, query_timeout: float | None = None,
    base: str = BASE,
) -> subprocess.Popen:
    env = dict(os.environ, KG_DIST=str(dist or WORK / "dist"), KG_BASE_URI=base,
               KG_THREADS=str(threads), KG_ACCESS_LOG="off", KG_QUERY_CACHE_MB=str(cache_mb),
               KG_SERVER=server, KG_FAST_PATH=fast_path, KG_INLINE_LOOKUPS=inline)
    if query_timeout is not None:  # heavy queries on a large store: Oxigraph has no limit
        env["KG_QUERY_TIMEOUT"] = str(query_timeout)
    env.pop("KG_ADMIN_TOKEN", None)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def floor_app(environ, start_response):
    """The least a Python (WSGI) endpoint can do: a fixed answer, no Flask, no query."""
    body = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
    start_response("200 OK", [("Content-Type", ACCEPT_JSON), ("Content-Length", str(len(body)))])
    return [body]


_engine: ox.Store | None = None
_engine_lock = threading.Lock()


def _answer(environ) -> bytes:
    """``query`` from the query string, run on the release's store, as pyoxigraph's own JSON."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = ox.Store.read_only(os.environ["BENCH_STORE"])
    query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))["query"][0]
    return _engine.query(query).serialize(format=ox.QueryResultsFormat.JSON)


def engine_floor_app(environ, start_response):
    """The least an endpoint answering through pyoxigraph can do: read ``query`` from the query
    string, run it on the release's store and write pyoxigraph's own JSON. Nothing else: no
    time limit, row cap, negotiation, cache, metrics or Flask."""
    body = _answer(environ)
    start_response("200 OK", [("Content-Type", ACCEPT_JSON), ("Content-Length", str(len(body)))])
    return [body]


@functools.lru_cache(maxsize=1)
def _kg_headers() -> tuple[list[tuple[str, str]], Callable[[bytes], int]]:
    """The fixed header lines of a ``kg serve`` lookup answer, and its row counter (imported in
    the floor's process only)."""
    from server.engine.worker import lookup_rows
    from server.web import EXPOSED_HEADERS

    return [
        ("Vary", "Accept, Accept-Encoding"), ("X-KG-Row-Limit", str(Settings().max_rows)),
        ("X-KG-Truncated", "false"), ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Expose-Headers", ", ".join(sorted(EXPOSED_HEADERS))),
    ], lookup_rows


def engine_floor_headers_app(environ, start_response):
    """``engine_floor_app`` sending the header lines of a ``kg serve`` lookup answer to a
    client without ``Origin`` (CORS ones included: they are always sent, as the Fetch standard
    advises for ``*``), with the answer's own row count."""
    body = _answer(environ)
    fixed, rows = _kg_headers()
    start_response("200 OK", [
        ("Content-Type", ACCEPT_JSON), ("Content-Length", str(len(body))), *fixed,
        ("X-KG-Rows", str(rows(body))), ("X-KG-Cache", "miss"),
    ])
    return [body]


def start_floor(name: str, port: int, workers: int, threads: int, store: Path) -> subprocess.Popen:
    """A floor app (``floor_app``, ``engine_floor_app`` or ``engine_floor_headers_app``) under
    ``kg serve``'s settings."""
    server = name.split()[0]
    app = (
        "run:engine_floor_headers_app" if name.endswith("kg headers")
        else "run:engine_floor_app" if name in ENGINE_FLOORS else "run:floor_app"
    )
    if server == "gunicorn":
        command = [
            "-m", "gunicorn", "--chdir", str(ROOT / "bench"), "-k", "gthread", "-w", str(workers),
            "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--no-control-socket",
            "--log-level", "warning", app,
        ]
    else:
        command = [
            "-m", "granian", "--interface", "wsgi", "--no-ws", "--workers", str(workers),
            "--blocking-threads", str(threads), "--host", "127.0.0.1", "--port", str(port),
            "--working-dir", str(ROOT / "bench"), "--log-level", "warning", app,
        ]
    return subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env={**os.environ, "BENCH_STORE": str(store)},
    )


def start_oxigraph(location: Path, port: int, niceness: int = 0) -> subprocess.Popen:
    """``oxigraph serve-read-only``; ``niceness`` as our executors' (server.engine.worker
    NICENESS) makes a loaded machine weigh on both engines alike."""
    return subprocess.Popen(
        [oxigraph_cli(), "serve-read-only", "--location", str(location), "--bind",
         f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=(lambda: os.nice(niceness)) if niceness else None,  # noqa: PLW1509
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its live descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(c) for c in children)
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return total


# Load generation -----------------------------------------------------------------------------


def get(url: str, query: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    own = conn is None
    conn = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("GET", f"{parts.path}?{urllib.parse.urlencode({'query': query})}",
                     headers={"Accept": ACCEPT_JSON})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def client(job: tuple[str, list[str], int, int, float]) -> tuple[int, int, list[float]]:
    """One client: ``count`` requests on one keep-alive connection (reopened if closed)."""
    url, queries, count, offset, deadline = job
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=HTTP_TIMEOUT)
    done, errors, latencies = 0, 0, []
    targets = [
        f"{parts.path}?{urllib.parse.urlencode({'query': q})}" for q in queries
    ]
    for i in range(count):
        if time.time() > deadline:
            break
        started = time.perf_counter()
        try:
            conn.request("GET", targets[(offset + i) % len(targets)],
                         headers={"Accept": ACCEPT_JSON})
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=HTTP_TIMEOUT)
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=HTTP_TIMEOUT)
        latencies.append(time.perf_counter() - started)
        done += 1
        errors += not ok
    conn.close()
    return done, errors, latencies


def measure_http(
    target: str, url: str, workload: Workload, clients: int, pool, pid: int | None
) -> Measurement:
    warm = [(url, workload.queries, min(100, workload.requests), i, time.time() + TIME_CAP)
            for i in range(clients)]
    pool.map(client, warm)
    deadline = time.time() + TIME_CAP
    jobs = [(url, workload.queries, workload.requests, i * 7919, deadline) for i in range(clients)]
    cpu_before = cpu_seconds(pid) if pid else None
    started = time.perf_counter()
    results = pool.map(client, jobs)
    elapsed = time.perf_counter() - started
    result = Measurement(target, workload.name, clients, seconds=elapsed)
    if cpu_before is not None and pid:
        result.cpu_seconds = cpu_seconds(pid) - cpu_before
    for done, errors, latencies in results:
        result.requests += done
        result.errors += errors
        result.latencies.extend(latencies)
    return result


def measure_inprocess(store: ox.Store, workload: Workload, clients: int) -> Measurement:
    """pyoxigraph itself, answering and serialising to JSON, with ``clients`` threads."""

    def run(offset: int) -> list[float]:
        latencies = []
        deadline = time.time() + TIME_CAP
        for i in range(workload.requests):
            if time.time() > deadline:
                break
            started = time.perf_counter()
            query = workload.queries[(offset + i) % len(workload.queries)]
            store.query(query).serialize(
                format=ox.QueryResultsFormat.JSON
            )
            latencies.append(time.perf_counter() - started)
        return latencies

    run(0)
    with ThreadPoolExecutor(clients) as threads:
        started = time.perf_counter()
        outcomes = list(threads.map(run, [i * 7919 for i in range(clients)]))
        elapsed = time.perf_counter() - started
    result = Measurement("pyoxigraph in-process", workload.name, clients, seconds=elapsed)
    for latencies in outcomes:
        result.requests += len(latencies)
        result.latencies.extend(latencies)
    return result


# Workloads -----------------------------------------------------------------------------------


def workloads(store: ox.Store, requests: int, base: str = BASE) -> list[Workload]:
    entities = [
        row["s"].value
        for row in store.query(
            "SELECT DISTINCT ?s WHERE { ?s a ?t "
            f'FILTER(STRSTARTS(STR(?s), "{base}resource/")) }} ORDER BY ?s',
        )
    ]
    if not entities:
        raise SystemExit("the publication has no entities under resource/ to look up")
    return [
        Workload(
            "lookup", "all (predicate, object) pairs of one entity, cycling over every entity",
            [f"SELECT ?p ?o WHERE {{ <{s}> ?p ?o }}" for s in entities], requests,
        ),
        Workload(
            "two-hop", "an entity's neighbours and their own (predicate, object) pairs",
            [f"SELECT ?p ?x ?q ?y WHERE {{ <{s}> ?p ?x . ?x ?q ?y }}" for s in entities],
            max(1, requests // 2),
        ),
        Workload(
            "count", "entities per type over the whole graph (GROUP BY + COUNT)",
            ["SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t ORDER BY ?t"],
            max(1, requests // 4),
        ),
        Workload(
            "co-mention", "who is mentioned in the same articles as an entity (mention -> "
            "article -> mention, GROUP BY, top 20), cycling over every entity",
            [f"SELECT ?other (COUNT(DISTINCT ?doc) AS ?n) WHERE {{ ?m <{ITS_REF}> <{s}> ; "
             f"<{NIF_CONTEXT}> ?doc . ?m2 <{NIF_CONTEXT}> ?doc ; <{ITS_REF}> ?other "
             f"FILTER(?other != <{s}>) }} GROUP BY ?other ORDER BY DESC(?n) ?other LIMIT 20"
             for s in entities],
            max(1, requests // 4),
        ),
        Workload(
            "aggregate", "triples and distinct subjects per predicate over the whole graph",
            ["SELECT ?p (COUNT(*) AS ?n) (COUNT(DISTINCT ?s) AS ?subjects) WHERE { ?s ?p ?o } "
             "GROUP BY ?p ORDER BY ?p"],
            max(1, requests // 20),
        ),
        Workload(
            "text", "labels containing a word, case-insensitive (a FILTER over every label)",
            [f"SELECT ?s ?label WHERE {{ ?s <{RDFS_LABEL}> ?label "
             f'FILTER(CONTAINS(LCASE(STR(?label)), "{word}")) }} ORDER BY ?s ?label'
             for word in label_words(store)],
            max(1, requests // 10),
        ),
    ]


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ITS_REF = "http://www.w3.org/2005/11/its/rdf#taIdentRef"
NIF_CONTEXT = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#referenceContext"


def label_words(store: ox.Store, count: int = 50) -> list[str]:
    """Words of the labels themselves (so every text query finds something), spread over the
    alphabet of the sorted vocabulary so rare and common ones both come up."""
    words = sorted({
        word
        for row in store.query(f"SELECT DISTINCT ?l WHERE {{ ?s <{RDFS_LABEL}> ?l }}")
        for word in str(row["l"].value).lower().split()
        if len(word) >= 4 and word.isalpha()
    })
    step = max(1, len(words) // count)
    return words[::step][:count] or ["news"]


def check_same_answers(urls: dict[str, str], work: list[Workload]) -> None:
    """A benchmark of wrong answers is worthless: both servers must agree, row for row."""
    for workload in work:
        for query in workload.queries[:5]:
            answers = {}
            for name, url in urls.items():
                status, body = get(url, query)
                if status != 200:
                    raise SystemExit(f"{name} answered {status} to {query}")
                rows = json.loads(body)["results"]["bindings"]
                answers[name] = sorted(json.dumps(r, sort_keys=True) for r in rows)
            first, *others = answers.values()
            if any(o != first for o in others):
                raise SystemExit(f"servers disagree on {query}")


# Report --------------------------------------------------------------------------------------


def report(
    results: list[Measurement], work: list[Workload], release: Publication, config: dict
) -> str:
    lines = [
        "# Endpoint benchmark",
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `bench/run.py` on "
        f"{os.cpu_count()} CPU(s), Python {platform.python_version()}, pyoxigraph "
        f"{ox.__version__ if hasattr(ox, '__version__') else '?'}, release `{release.release_id}` "
        f"({release.manifest.get('quads')} quads).",
        "",
        f"Our server: `kg serve` with {config['workers']} worker process(es) x "
        f"{config['threads']} thread(s), one query executor process per thread, under Granian "
        "(`kg serve`'s default) or gunicorn (`--server gunicorn`). By default it keeps an answer "
        "cache per worker, a front in front of Flask (replays of cached answers and the "
        "front's lookups, which answers uncached simple lookups without Flask) and runs simple "
        "lookups in the worker instead of an executor. Each variant turns layers off: *no "
        "cache* computes every answer (**the figure for queries nobody asked before**), *no "
        "front* sends every request through Flask, *no inline* sends lookups to an "
        "executor too (how every query was answered before the front's lookups). A *floor* is a "
        "WSGI app returning a fixed body under that server: the most any Python endpoint can "
        "do there. An *engine floor* is a WSGI app that only reads the query, runs it on "
        "pyoxigraph and returns pyoxigraph's own JSON (no limits, negotiation, cache or Flask): "
        "the most any Python endpoint answering through pyoxigraph can do there; *with kg "
        "headers*, it also sends the header lines (Vary, CORS, X-KG) of our lookup answers. Oxigraph: "
        "`oxigraph serve-read-only` over the same quads (the store's default graph holds "
        "every graph's triples once, so no union is needed). Clients are separate processes, "
        "one keep-alive connection each, on the same machine.",
        "",
        f"Each (workload, clients) cell was measured in {config['rounds']} round(s); in each round "
        "every target is measured once, in an order that rotates between rounds. req/s = the "
        "median of the rounds. Ratio = the median over the rounds of throughput / throughput of "
        "`oxigraph serve` in the same round, with the lowest and highest round in brackets; "
        "*vs engine floor* and *vs floor with kg headers* are the same against those Granian "
        "floors, when they ran. "
        "Latencies pool all rounds. CPU/request = CPU time of all server processes (workers, "
        "executors) per answered request.",
        "",
        "| workload | clients | target | req/s | ratio | vs engine floor "
        "| vs floor with kg headers | median ms | p95 ms | CPU ms/req | errors |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in results:
        ratio = (
            f"{statistics.median(m.ratios):.2f}x ({min(m.ratios):.2f}-{max(m.ratios):.2f})"
            if m.ratios else "n/a"
        )
        cpu = f"{1000 * m.cpu_seconds / m.requests:.2f}" if m.cpu_seconds and m.requests else "-"
        floors = " | ".join(
            f"{statistics.median(r):.2f} ({min(r):.2f}-{max(r):.2f})" if r else "-"
            for r in (m.floor_ratios.get(name, []) for name in REFERENCE_FLOORS)
        )
        lines.append(
            f"| {m.workload} | {m.clients} | {m.target} | {m.throughput:,.0f} | {ratio} | {floors} | "
            f"{m.latency_ms(0.5):.2f} | {m.latency_ms(0.95):.2f} | {cpu} | {m.errors} |"
        )
    lines += ["", "Workloads:", ""]
    lines += [f"- **{w.name}** ({len(w.queries)} distinct queries): {w.description}." for w in work]
    lines += ["", "What these numbers mean and what was tried: see `bench/README.md`.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="build the seeds again")
    parser.add_argument("--requests", type=int, default=2000, help="lookups per client")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds per cell; the machine is shared, so one round is noisy")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of kg serve")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--workloads", default="lookup,two-hop,count",
                        help="comma-separated subset of lookup, two-hop, count, co-mention, "
                        "aggregate, text")
    parser.add_argument("--dist", type=Path, help="serve this publication instead of the seeds'")
    parser.add_argument("--copy-store", action="store_true",
                        help="give Oxigraph a checkpoint of our store instead of a dump + load")
    parser.add_argument("--clients", type=int, nargs="+", default=list(CLIENTS))
    parser.add_argument("--time-cap", type=float, default=60.0,
                        help="seconds per measurement at most")
    parser.add_argument("--oxigraph-nice", type=int, default=0,
                        help="run oxigraph serve at this nice value (our executors run at 5)")
    parser.add_argument("--query-timeout", type=float,
                        help="KG_QUERY_TIMEOUT for kg serve (heavy queries on a large store)")
    parser.add_argument("--targets", default=";".join(TARGETS[1:]),
                        help="semicolon-separated subset of: " + "; ".join(TARGETS[1:])
                        + " (oxigraph serve, the reference, always runs)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args(argv)
    global TIME_CAP, HTTP_TIMEOUT  # noqa: PLW0603 - knobs read by every measuring function
    TIME_CAP = args.time_cap
    if args.query_timeout is not None:
        HTTP_TIMEOUT = args.query_timeout + 10
        os.environ["BENCH_HTTP_TIMEOUT"] = str(HTTP_TIMEOUT)
    chosen = {t.strip() for t in args.targets.split(";")}
    if chosen - set(TARGETS):
        parser.error(f"unknown target(s): {', '.join(sorted(chosen - set(TARGETS)))}")
    targets = [t for t in TARGETS if t == "oxigraph serve" or t in chosen]

    WORK.mkdir(parents=True, exist_ok=True)
    release = publication(args.rebuild, args.dist)
    location = oxigraph_location(release, args.copy_store)
    store = ox.Store.read_only(str(release.store_path))
    wanted = set(args.workloads.split(","))
    base = str(release.manifest.get("base_uri", BASE))
    work = [w for w in workloads(store, args.requests, base) if w.name in wanted]

    ports = {name: free_port() for name in targets}
    procs = {"oxigraph serve": start_oxigraph(location, ports["oxigraph serve"],
                                              args.oxigraph_nice)}
    for name, (server, cache_mb, fast_path, inline) in KG_TARGETS.items():
        if name in targets:
            procs[name] = start_kg(ports[name], args.workers, args.threads, server, cache_mb,
                                   fast_path, inline, args.dist, args.query_timeout, base)
    for name in FLOORS:
        if name in targets:
            procs[name] = start_floor(name, ports[name], args.workers, args.threads,
                                      release.store_path)
    urls = {
        name: f"http://127.0.0.1:{ports[name]}/{'query' if name == 'oxigraph serve' else 'sparql'}"
        for name in targets
    }
    results: list[Measurement] = []
    try:
        for name, proc in procs.items():
            wait_ready(urls[name], proc)
        check_same_answers({n: urls[n] for n in targets if n not in FIXED_FLOORS}, work)
        with multiprocessing.get_context("spawn").Pool(max(args.clients)) as pool:
            for workload in work:
                for clients in args.clients:
                    cell = [t for t in targets if t not in FIXED_FLOORS or workload is work[0]]
                    summary = {t: Measurement(t, workload.name, clients) for t in cell}
                    for round_ in range(args.rounds):
                        shift = round_ % len(cell)  # no target always right after another
                        measured = {}
                        for target in cell[shift:] + cell[:shift]:
                            measured[target] = measure_http(
                                target, urls[target], workload, clients, pool,
                                procs[target].pid,
                            )
                        reference = measured["oxigraph serve"].throughput
                        for target, m in measured.items():
                            summary[target].absorb(m)
                            if reference:
                                summary[target].ratios.append(m.throughput / reference)
                            for name in REFERENCE_FLOORS:
                                floor = measured.get(name)
                                if floor is not None and floor.throughput:
                                    summary[target].floor_ratios.setdefault(name, []).append(
                                        m.throughput / floor.throughput
                                    )
                    for target in cell:
                        results.append(summary[target])
                        _progress(summary[target])
                    m = measure_inprocess(store, workload, clients)
                    m.ratios = [m.throughput / summary["oxigraph serve"].throughput]
                    results.append(m)
                    _progress(m)
    finally:
        for proc in procs.values():
            stop(proc)
    text = report(results, work, release,
                  {"workers": args.workers, "threads": args.threads, "rounds": args.rounds})
    args.out.write_text(text)
    print(f"wrote {args.out}")
    return 0


def _progress(m: Measurement) -> None:
    ratio = f"{statistics.median(m.ratios):.2f}x" if m.ratios else "-"
    floors = " ".join(
        f"{statistics.median(r):.2f}" for r in (m.floor_ratios.get(n) for n in REFERENCE_FLOORS) if r
    )
    print(f"{m.workload:8} {m.clients} client(s) {m.target:28} {m.throughput:8,.0f} req/s "
          f"{ratio:>6} (floors {floors or '-'}) median {m.latency_ms(0.5):6.2f} ms "
          f"errors {m.errors}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
