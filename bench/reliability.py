"""Reliability under abuse and accidents (issue 14, part 6), one command per part:

    .venv/bin/python bench/reliability.py fuzz   [--requests 10000]
    .venv/bin/python bench/reliability.py soak   [--seconds 600] [--clients 4]
    .venv/bin/python bench/reliability.py attack [--attackers 0,8,32] [--lookups 400]
    .venv/bin/python bench/reliability.py kill   [--trials 20]

Each writes its section of ``bench/results-reliability.md`` (the other sections are kept), and
prints it. The server is ``kg serve`` with its defaults (Granian, 4 workers) over the seeds,
built once into ``bench/.work/dist`` as ``bench/run.py`` does; everything stays on 127.0.0.1.

- fuzz: requests of every kind to every endpoint (GET, POST form, POST direct; mutated and
  hostile queries, wrong media types, traversal, deep nesting, odd methods and headers). A 5xx
  is *explained* when it is a 503/504 whose plain-text body gives a reason the server knows
  (busy class, time limit, executor ended, memory); anything else 5xx is counted unexplained
  and listed. Connections closed without an answer are counted apart.
- soak: ``--clients`` clients for ``--seconds``, each request a page, a lookup, an executor
  query or a dump; errors, p50/p99 per kind, and the server's memory (RSS of the whole process
  tree) every 10 s.
- attack: one client measures lookups idle, then while N attackers send heavy queries, 1 MiB
  bodies and slow uploads, in turn; p50/p99, ratio to idle, and lookups left unanswered.
- kill: ``kg build`` killed with SIGKILL at a random moment of its run, ``--trials`` times;
  after each, the served release must be whole (every file's SHA-256 as its manifest says, the
  store answering), and after the next, unkilled build no staging folder may be left.

Figures depend on the machine and on what else runs on it; they are reported with the
idle figure of the same run where a ratio means something.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import BASE, WORK, free_port, publication, stop  # noqa: E402

RESULTS = ROOT / "bench" / "results-reliability.md"
PUBLISHING = "publishing dumps and the Oxigraph store"  # what kg build says when it publishes
PORT = 0  # the port of the server this run started (a free one: parts may run side by side)
JSON = "application/sparql-results+json"
#: Five 100-value columns cross-joined: needs no data, would run for hours.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(5)
) + " }"
#: 503/504 bodies that say why: the server knew the reason and said it.
EXPLAINED = re.compile(
    r"busy|time limit|executor ended|memory|no query can run|took longer than|"
    r"service unavailable", re.I)


# ---------------------------------------------------------------- the server and its data


def start_server(env: dict[str, str] | None = None, workers: int = 4) -> subprocess.Popen:
    """`kg serve` with its defaults over the seeds (published under BASE, served on a free port)."""
    global PORT
    PORT = free_port()
    publication(rebuild=False)
    environment = dict(os.environ, KG_DIST=str(WORK / "dist"), KG_BASE_URI=BASE,
                       KG_ACCESS_LOG="off", **(env or {}))
    for name in ("KG_ADMIN_TOKEN", "PROMETHEUS_MULTIPROC_DIR"):
        environment.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", str(PORT),
         "--workers", str(workers)],
        env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("kg serve exited at start")
        try:
            if request("GET", "/healthz").status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    stop(proc)
    raise SystemExit("kg serve did not start")


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    retry_after: str | None = None


def request(method: str, target: str, body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 30,
            conn: http.client.HTTPConnection | None = None) -> Answer:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    started = time.perf_counter()
    try:
        conn.request(method, target, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, data, time.perf_counter() - started,
                      response.getheader("Retry-After"))
    finally:
        if own:
            conn.close()


def sparql_get(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def paths_of_data(limit: int = 200) -> list[str]:
    """Paths of minted resources in the release (pages dereference them)."""
    release = publication(rebuild=False)
    store = ox.Store.read_only(str(release.store_path))
    found: list[str] = []
    query = (f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), "
             f"\"{BASE}\")) }} LIMIT {limit}")
    for row in store.query(query):  # type: ignore[union-attr]
        found.append(row["s"].value[len(BASE) - 1:].split("#")[0])
    return sorted(set(found))


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def write_section(name: str, text: str) -> None:
    """Replace this part's section of the results file, keeping the others."""
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else (
        "# Reliability results\n\nWritten by `bench/reliability.py` (one section per part; "
        "see its docstring for what each part does).\n\n")
    block = f"{begin}\n{text.rstrip()}\n{end}\n"
    if begin in current:
        current = re.sub(re.escape(begin) + ".*?" + re.escape(end) + "\n?", lambda _m: block,
                         current, flags=re.S)
    else:
        current += "\n" + block
    RESULTS.write_text(current, encoding="utf-8")
    print(text)


def machine() -> str:
    load = os.getloadavg()
    return (f"Started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {os.cpu_count()} "
            f"cores, load {load[0]:.1f} (the machine is shared with other work)")


# ---------------------------------------------------------------- fuzz

SEED_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
    "DESCRIBE <{base}resource/x>",
    "SELECT ?s (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s LIMIT 5",
    "PREFIX schema: <http://schema.org/> SELECT ?n WHERE { ?s schema:name ?n } LIMIT 3",
    "SELECT ?o WHERE { <{base}resource/x> ?p ?o }",
    "SELECT * FROM <{base}graph/x> WHERE { ?s ?p ?o }",
    'SELECT * WHERE { ?s ?p "x"@en FILTER(REGEX(STR(?s), "a.*b")) }',
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } } ORDER BY ?s OFFSET 2 LIMIT 2",
]
HOSTILE = [
    "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    "LOAD <file:///etc/passwd>",
    "INSERT DATA { <a:b> <a:c> <a:d> }",
    "DROP ALL",
    "SELECT * { ?s ?p ?o } # " + "x" * 5000,
    "PREFIX service: <http://s/> SELECT * { ?s service:from 'x' }",
    "SELECT * WHERE { " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000 + " }",
    "SELECT * WHERE { " + "{ " * 40 + "?s ?p ?o" + " }" * 40 + " }",
    "SELECT * WHERE { ?s ?p " + "(" * 5000 + "1" + ")" * 5000 + " }",
    "SELECT ?" + "v" * 100_000 + " WHERE { ?" + "v" * 100_000 + " ?p ?o } LIMIT 1",
    "-" * 40_000,
    "." * 20_000,
    "SELECT * WHERE { ?s ?p '\u0000' }",
    "SELECT * WHERE { ?s ?p '\udcff' }".encode("utf-8", "surrogatepass").decode("latin-1"),
    "",
    "   ",
]
TOKEN_BITS = ["{", "}", "(", ")", "<", ">", "\"", "'", "\\", "#", "?", ":", ".", ";", ",",
              "-", "%", "~", "`", "*", "\n", " ", "SELECT", "WHERE", "FILTER", "GRAPH",
              "SERVICE", "ü", "\u202e", "1e9999", "^^", "@en"]
MEDIA = ["application/sparql-query", "application/sparql-update",
         "application/x-www-form-urlencoded", "text/plain", "application/json",
         "application/sparql-query; charset=latin-1", "multipart/form-data; boundary=zz", "",
         "text/turtle", "application/n-triples", "application/ld+json"]
ACCEPTS = ["*/*", JSON, "text/csv", "text/turtle", "application/rdf+xml", "text/html",
           "application/x-nonsense", "", "application/sparql-results+xml;q=0.1, */*;q=0"]
PAGE_PATHS = ["/", "/dumps/", "/dumps/kg.nt", "/dumps/kg.ttl.gz", "/dumps/../../etc/passwd",
              "/dumps/%2e%2e%2fmanifest.json", "/ontology", "/ontology.ttl", "/shapes",
              "/shapes.jsonld", "/validation", "/validation.ttl", "/robots.txt", "/sitemap.xml",
              "/sitemap/0.xml", "/sitemap/999.xml", "/.well-known/void", "/shacl", "/healthz",
              "/metrics", "/static/../../../etc/passwd", "/page/../../etc/passwd",
              "/data/%00", "/resource/", "/entity/", "/article/", "/nope", "/%ff%fe",
              "/page/" + "a" * 5000, "/data?graph=http://example.org/x", "/data?default"]


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        at = rng.randint(0, len(text))
        if choice < 0.3 and text:
            end = min(len(text), at + rng.randint(1, 8))
            text = text[:at] + text[end:]
        elif choice < 0.6:
            text = text[:at] + rng.choice(TOKEN_BITS) * rng.randint(1, 3) + text[at:]
        elif choice < 0.75:
            text = text[:at] + rng.choice(TOKEN_BITS) * rng.randint(100, 20_000) + text[at:]
        elif choice < 0.85:
            text = text[:at]
        else:
            depth = rng.choice([5, 50, 500, 3000])
            text = text[:at] + "{" * depth + text[at:] + "}" * depth
    return text


def fuzz_case(rng: random.Random, paths: list[str]) -> tuple[str, str, bytes | None, dict]:
    """One (method, target, body, headers) of a random kind."""
    roll = rng.random()
    base_query = rng.choice(SEED_QUERIES).replace("{base}", BASE)
    query = rng.choice(HOSTILE) if rng.random() < 0.15 else mutate(base_query, rng)
    headers = {"Accept": rng.choice(ACCEPTS)}
    if roll < 0.25:  # GET /sparql
        params = [("query", query)]
        if rng.random() < 0.2:
            params.append(rng.choice([("default-graph-uri", "not an iri"), ("timeout", "-1"),
                                      ("named-graph-uri", BASE + "graph/x"), ("format", "zz"),
                                      ("query", "ASK {}"), ("update", "DROP ALL")]))
        target = "/sparql?" + urllib.parse.urlencode(params)
        return "GET", target[:rng.choice([len(target), 70_000])], None, headers
    if roll < 0.45:  # POST form to /sparql or /update
        field = rng.choice(["query", "query", "update", "nothing"])
        body = urllib.parse.urlencode({field: query}).encode()
        if rng.random() < 0.1:
            body = b"query=%ff%fe" + body
        headers["Content-Type"] = rng.choice(
            ["application/x-www-form-urlencoded"] * 4 + MEDIA)
        return "POST", rng.choice(["/sparql", "/sparql", "/update"]), body, headers
    if roll < 0.65:  # POST direct
        body = query.encode("utf-8", "surrogatepass")
        if rng.random() < 0.1:
            body += b"\xff\xfe\xc0"
        headers["Content-Type"] = rng.choice(MEDIA)
        if rng.random() < 0.05:
            headers.pop("Content-Type")
        return "POST", rng.choice(["/sparql", "/sparql", "/update"]), body, headers
    if roll < 0.75:  # /shacl
        data = rng.choice([
            f"<{BASE}resource/x> a <http://schema.org/Person> .",
            "<a> <b> " + "(" * 2000 + " )" * 2000 + " .",
            '{"@context": {"@vocab": "http://schema.org/"}, ' + '"a": {' * 5000 + "}" * 5000 + "}",
            "garbage " * 100, "", mutate("<http://a/x> <http://a/p> \"v\" .", rng),
        ])
        headers["Content-Type"] = rng.choice(MEDIA)
        target = "/shacl" + rng.choice(["", "?inference=rdfs", "?inference=zz"])
        return "POST", target, data.encode(), headers
    if roll < 0.95:  # pages, documents, dumps, traversal
        target = rng.choice(PAGE_PATHS + paths)
        if paths and target in paths and rng.random() < 0.5:
            target = rng.choice(["/page", "/data"]) + target + rng.choice(
                ["", ".ttl", ".jsonld", ".nt", ".rdf", ".zz", "/../../x"])
        if rng.random() < 0.2:
            target += "?page=" + rng.choice(["-1", "0", "2", "99999999999999999999", "x"])
        method = rng.choice(["GET"] * 6 + ["HEAD", "POST", "PUT", "DELETE", "PATCH", "FOO"])
        if rng.random() < 0.1:
            headers["Range"] = rng.choice(["bytes=0-10", "bytes=999999999-", "bytes=x", "pages=1"])
        if rng.random() < 0.05:
            headers["If-None-Match"] = "\"" + "x" * 100 + "\""
        return method, target, None, headers
    # odd methods and headers on /sparql
    return (rng.choice(["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"]),
            sparql_get(base_query), b"x" if rng.random() < 0.5 else None,
            {"Accept": rng.choice(ACCEPTS), "Origin": "http://evil.example"})


@dataclass
class FuzzOutcome:
    statuses: Counter[int] = field(default_factory=Counter)
    explained: Counter[str] = field(default_factory=Counter)
    unexplained: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)  # an executor died on these (explained)


def send_all(cases: list[tuple[str, str, bytes | None, dict]], clients: int) -> FuzzOutcome:
    """Send every case to the server on ``PORT`` from ``clients`` threads; sort the answers."""
    outcome = FuzzOutcome()
    lock = threading.Lock()

    def work(offset: int) -> None:
        for method, target, body, headers in cases[offset::clients]:
            what = f"{method} {target[:80]!r} ({len(body or b'')} B, {headers.get('Content-Type')})"
            try:
                answer = request(method, target, body, headers, timeout=60)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    outcome.dropped.append(f"{what}: {type(exc).__name__}")
                continue
            with lock:
                outcome.statuses[answer.status] += 1
                if answer.status >= 500:
                    text = answer.body.decode("utf-8", "replace")
                    if method == "HEAD" and answer.status == 503 and answer.retry_after:
                        text = "HEAD: no body; Retry-After " + answer.retry_after  # as its GET
                    if answer.status in (503, 504) and (EXPLAINED.search(text)
                                                        or text.startswith("HEAD: no body")):
                        outcome.explained[f"{answer.status} {text.strip()[:70]}"] += 1
                        if "executor ended" in text:
                            outcome.crashed.append(f"{what}: {text.strip()[70:200]}")
                    else:
                        outcome.unexplained.append(
                            f"{what} -> {answer.status} {text.strip()[:160]!r}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def fuzz(requests: int, clients: int = 4, seed: int = 14) -> None:
    context = machine()
    rng = random.Random(seed)
    proc = start_server()
    try:
        paths = paths_of_data()
        cases = [fuzz_case(rng, paths) for _ in range(requests)]
        started = time.monotonic()
        outcome = send_all(cases, clients)
        seconds = time.monotonic() - started
        alive = request("GET", "/healthz").status
        statuses, explained = outcome.statuses, outcome.explained
        unexplained, dropped = outcome.unexplained, outcome.dropped
    finally:
        stop(proc)
    total = sum(statuses.values())
    lines = [
        "## Fuzz", "",
        f"{context}. `kg serve` defaults (Granian, 4 workers), seed {seed}, {clients} clients.",
        "",
        f"- requests sent: {requests}; answered: {total} in {seconds:.0f} s; "
        f"closed without an answer: {len(dropped)}",
        f"- **unexplained 5xx: {len(unexplained)}**; explained 5xx (503/504 with their reason): "
        f"{sum(explained.values())}",
        f"- `/healthz` afterwards: {alive}",
        "- statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())),
    ]
    if explained:
        lines += ["", "Explained 5xx, by reason:", ""]
        lines += [f"- {n} x `{reason}`" for reason, n in explained.most_common(8)]
    if outcome.crashed:
        lines += ["", f"Of these, a query executor died on {len(outcome.crashed)} (the client is "
                  "told how it ended; the next query gets a fresh executor) (first 10):", ""]
        lines += [f"- `{c}`" for c in outcome.crashed[:10]]
    if unexplained:
        lines += ["", "Unexplained 5xx (first 20):", ""] + [f"- `{u}`" for u in unexplained[:20]]
    if dropped:
        lines += ["", "Closed without an answer (first 10):", ""] + [f"- `{d}`" for d in dropped[:10]]
    write_section("fuzz", "\n".join(lines))


# ---------------------------------------------------------------- soak


def soak(seconds: float, clients: int) -> None:
    context = machine()
    proc = start_server()
    paths = paths_of_data(50)
    release = publication(rebuild=False)
    dumps = [n for n in release.manifest.get("files", {}) if n.startswith("kg.")] or ["kg.nt"]
    kinds: dict[str, Callable[[random.Random], tuple[str, dict]]] = {
        "page": lambda r: ("/page" + r.choice(paths) if paths and r.random() < 0.7 else
                           r.choice(["/", "/resource/", "/article/", "/dumps/"]),
                           {"Accept": "text/html"}),
        "lookup": lambda r: (sparql_get(f"SELECT ?p ?o WHERE {{ <{BASE[:-1]}{r.choice(paths)}> ?p ?o }}"),
                             {"Accept": JSON}),
        # a comment unlike any before: never an answer from the cache, always an executor
        "query": lambda r: (sparql_get(
            "SELECT ?t (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?t } } GROUP BY ?t "
            f"ORDER BY DESC(?n) LIMIT {r.randint(1, 50)} # {r.random()}"), {"Accept": JSON}),
        "dump": lambda r: ("/dumps/" + r.choice(dumps), {"Accept-Encoding": "gzip"}),
    }
    latencies: dict[str, list[float]] = {k: [] for k in kinds}
    errors: Counter[str] = Counter()
    memory: list[tuple[float, float]] = []
    stop_at = time.monotonic() + seconds
    start = time.monotonic()

    def client(n: int) -> None:
        rng = random.Random(n)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        while time.monotonic() < stop_at:
            kind = rng.choice(list(kinds))
            target, headers = kinds[kind](rng)
            try:
                answer = request("GET", target, headers=headers, conn=conn)
                latencies[kind].append(answer.seconds)
                if answer.status >= 400:
                    errors[f"{kind} {answer.status}"] += 1
            except (OSError, http.client.HTTPException) as exc:
                errors[f"{kind} {type(exc).__name__}"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    try:
        for thread in threads:
            thread.start()
        while time.monotonic() < stop_at:
            memory.append((time.monotonic() - start, rss_mib(proc.pid)))
            time.sleep(10)
        for thread in threads:
            thread.join()
        memory.append((time.monotonic() - start, rss_mib(proc.pid)))
    finally:
        stop(proc)
    total = sum(len(v) for v in latencies.values())
    lines = [
        "## Soak", "",
        f"{context}. `kg serve` defaults, {clients} clients for {seconds:.0f} s, each request "
        "a page, a lookup, an executor query (GROUP BY over every graph, a new text each time "
        "so never from the answer cache) or a dump.", "",
        f"- requests: {total}; errors: {sum(errors.values())}"
        + (f" ({', '.join(f'{k}: {n}' for k, n in errors.most_common())})" if errors else ""),
        "", "| kind | requests | p50 ms | p99 ms |", "| --- | --- | --- | --- |",
    ]
    for kind, values in latencies.items():
        lines.append(f"| {kind} | {len(values)} | {quantile(values, 0.5) * 1000:.1f} | "
                     f"{quantile(values, 0.99) * 1000:.1f} |")
    first, peak, last = memory[0][1], max(m for _, m in memory), memory[-1][1]
    lines += ["", f"Memory (RSS of the server's whole process tree): {first:.0f} MiB after start, "
              f"peak {peak:.0f} MiB, {last:.0f} MiB at the end.", "",
              "| seconds | RSS MiB |", "| --- | --- |"]
    step = max(1, len(memory) // 12)
    lines += [f"| {t:.0f} | {m:.0f} |" for t, m in memory[::step]]
    write_section("soak", "\n".join(lines))


# ---------------------------------------------------------------- attack


def _attacker(kind: str, stop_flag: threading.Event, tally: Counter[str], lock: threading.Lock) -> None:
    while not stop_flag.is_set():
        try:
            if kind == "heavy":
                answer = request("GET", sparql_get(f"{HEAVY} # {random.random()}"), timeout=60)
                outcome = str(answer.status)
            elif kind == "huge":
                body = b"ASK {}" + b" " * ((1 << 20) - 6)  # at the 1 MiB request limit
                answer = request("POST", "/sparql", body,
                                 {"Content-Type": "application/sparql-query"}, timeout=60)
                outcome = str(answer.status)
            else:  # slow upload: headers, a few bytes, then a trickle
                with socket.create_connection(("127.0.0.1", PORT), timeout=30) as sock:
                    sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                 b"application/sparql-query\r\nContent-Length: 100000\r\n\r\nASK")
                    for _ in range(20):
                        if stop_flag.wait(0.5):
                            break
                        sock.sendall(b" ")
                outcome = "slow upload held"
        except (OSError, http.client.HTTPException) as exc:
            outcome = type(exc).__name__
        with lock:
            tally[f"{kind} {outcome}"] += 1


def _attacker_process(kind: str, port: int, stop_flag, tallies) -> None:
    """One attacker in a process of its own; its tally is put on ``tallies`` when it stops."""
    global PORT
    PORT = port
    tally: Counter[str] = Counter()
    _attacker(kind, stop_flag, tally, threading.Lock())
    tallies.put(dict(tally))


def attack(counts: list[int], lookups: int) -> None:
    context = machine()
    proc = start_server()
    paths = paths_of_data(50)
    # each lookup a text never sent before (a comment numbers it): answered by the lookup
    # path, not replayed from the answer cache
    targets = [sparql_get(f"SELECT ?p ?o WHERE {{ <{BASE[:-1]}{paths[n % len(paths)]}> ?p ?o }} "
                          f"# {n}") for n in range(lookups * len(counts))]
    rows = []
    sent = 0
    try:
        for attackers in counts:
            # attackers in processes of their own: in this one, their threads would compete for
            # the measuring client's GIL and inflate its figures
            stop_flag = multiprocessing.Event()
            tallies: multiprocessing.Queue = multiprocessing.Queue()
            kinds = ["heavy", "huge", "slow"]
            procs = [multiprocessing.Process(target=_attacker_process,
                                             args=(kinds[n % 3], PORT, stop_flag, tallies))
                     for n in range(attackers)]
            for attacker in procs:
                attacker.start()
            time.sleep(3 if attackers else 0)
            times, unanswered, statuses = [], 0, Counter[int]()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            for _ in range(lookups):
                sent += 1
                try:
                    answer = request("GET", targets[sent - 1], headers={"Accept": JSON}, conn=conn)
                    times.append(answer.seconds)
                    statuses[answer.status] += 1
                except (OSError, http.client.HTTPException):
                    unanswered += 1
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            conn.close()
            stop_flag.set()
            tally: Counter[str] = Counter()
            for _ in procs:
                tally.update(tallies.get(timeout=120))
            for attacker in procs:
                attacker.join(30)
            rows.append((attackers, times, unanswered, statuses, dict(tally)))
            time.sleep(2)
    finally:
        stop(proc)
    idle99 = quantile(rows[0][1], 0.99) if rows and rows[0][0] == 0 else float("nan")
    lines = [
        "## Attackers", "",
        f"{context}. `kg serve` defaults. One client sends {lookups} lookups one after "
        "another (each a new text, so none is an answer from the cache) while N attackers, "
        "in turn a heavy query (runs to the 10 s limit), a 1 MiB body and a slow upload "
        "(100 KB announced, a byte every 0.5 s), loop without pause.", "",
        "| attackers | lookup p50 ms | lookup p99 ms | p99 / idle p99 | unanswered | lookup statuses |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for attackers, times, unanswered, statuses, _tally in rows:
        p99 = quantile(times, 0.99)
        lines.append(f"| {attackers} | {quantile(times, 0.5) * 1000:.1f} | {p99 * 1000:.1f} | "
                     f"{p99 / idle99:.1f}x | {unanswered} | "
                     f"{', '.join(f'{s}: {n}' for s, n in sorted(statuses.items()))} |")
    lines += ["", "What the attackers got:", ""]
    for row in rows:
        if row[0]:
            lines.append(f"- {row[0]}: " + ", ".join(f"{k}: {n}" for k, n in sorted(row[4].items())))
    write_section("attack", "\n".join(lines))


# ---------------------------------------------------------------- kill -9


def _whole(dist: Path) -> str | None:
    """None if the release ``dist`` points at is whole, else what is wrong."""
    from kg.release.publication import Publication

    current = Publication.current(dist)
    if current is None:
        return "no release"
    for name, entry in current.manifest.get("files", {}).items():
        path = current.root / name
        if not path.is_file():
            return f"{name} missing"
        if "sha256" in entry and hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            return f"{name}: SHA-256 differs from the manifest"
    try:
        store = ox.Store.read_only(str(current.store_path))
        if not bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }")):
            return "the store is empty"
    except OSError as exc:
        return f"the store does not open: {exc}"
    return None


def _leftovers(dist: Path) -> list[str]:
    releases = dist.parent / ".kg-releases"
    found = [p.name for p in releases.glob(".*") if p.is_dir()]
    found += [p.name for p in dist.parent.glob(".dist.*")]
    return found


def kill(trials: int, seed: int = 9) -> None:
    context = machine()
    rng = random.Random(seed)
    work = WORK / "kill"
    shutil.rmtree(work, ignore_errors=True)
    corpus = work / "seeds"
    corpus.mkdir(parents=True)
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    shutil.copy(ROOT / "seeds" / "catalog.ttl", corpus / "catalog.ttl")
    for path in seeds[:-1]:
        shutil.copy(path, corpus / path.name)
    dist = work / "dist"
    env = dict(os.environ, KG_SEEDS=str(corpus), KG_DIST=str(dist), KG_BASE_URI=BASE,
               KG_WORKERS="1")

    def build(kill_after: float | None, from_publishing: bool = False) -> tuple[int, float, float]:
        """Run a build, killed ``kill_after`` s after its start (or after it starts publishing);
        (exit code, seconds it ran, seconds it spent publishing or -1)."""
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "kg", "build"], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        publishing = threading.Event()
        seen: list[float] = []

        def read() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                if PUBLISHING in line and not publishing.is_set():
                    seen.append(time.monotonic())
                    publishing.set()

        reader = threading.Thread(target=read)
        reader.start()
        if kill_after is not None:
            if from_publishing and not publishing.wait(300):
                kill_after = 0
            try:
                proc.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                proc.kill()
        proc.wait()
        reader.join()
        ended = time.monotonic()
        return proc.returncode, ended - started, (ended - seen[0]) if seen else -1.0

    code, first, publish = build(None)
    assert code == 0, "the first build failed"
    last = first  # how long the latest unkilled build took: kill moments are drawn within it
    rows: list[tuple[int, str, bool, str | None, int, str | None, list[str]]] = []
    attempts = 0
    while sum(1 for r in rows if r[2]) < trials and attempts < 2 * trials:
        attempts += 1
        # each trial changes the corpus, so the build publishes a new release
        extra = corpus / seeds[-1].name
        if extra.exists():
            extra.unlink()
        else:
            shutil.copy(seeds[-1], extra)
        # every other trial is killed while publishing, where a crash could do harm
        in_publishing = attempts % 2 == 0 and publish > 0
        moment = rng.uniform(0, publish * 0.95) if in_publishing else rng.uniform(0.2, last * 0.95)
        code, _took, _ = build(moment, from_publishing=in_publishing)
        killed = code == -9
        after_kill = _whole(dist)
        left_by_kill = _leftovers(dist)
        code2, last, publish = build(None)
        after_next = _whole(dist) if code2 == 0 else f"the next build failed ({code2})"
        left_after = _leftovers(dist)
        when = f"{moment:.1f} s into publishing" if in_publishing else f"{moment:.1f} s"
        rows.append((attempts, when, killed, after_kill, len(left_by_kill), after_next,
                     left_after))
        print(rows[-1], flush=True)
    killed_rows = [r for r in rows if r[2]]
    safe = sum(1 for r in killed_rows if r[3] is None and r[5] is None and not r[6])
    also = sum(1 for r in rows if not r[2] and r[3] is None and r[5] is None and not r[6])
    lines = [
        "## kill -9 during `kg build`", "",
        f"{context}. A corpus of {len(seeds) - 1} to {len(seeds)} seed articles (one is added or "
        f"removed before each trial, so every build publishes a new release); an unkilled build "
        f"took {first:.1f} s from cold. Odd trials kill the build at a random moment between "
        "0.2 s and 0.95x the time the latest unkilled build took; even ones at a random moment "
        "of its publication (after it says it is publishing, within 0.95x the time the latest "
        "build spent publishing). A build that still finished first is listed as not killed, "
        "and another trial is run. Each trial checks the "
        "release `dist` points at (every file's SHA-256 as in its manifest, the store opens and "
        "answers), then runs the next build to the end and checks again, and that no staging "
        "folder (`.kg-releases/.*`) or half-made link (`.dist.*`) is left.", "",
        f"**{safe} of {len(killed_rows)} killed builds safe**; the {len(rows) - len(killed_rows)} "
        f"builds that finished before their kill: {also} safe.", "",
        "| trial | killed at | killed | release after the kill | staging left by the kill | "
        "release after the next build | left after the next build |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for trial, when, killed, after_kill, left, after_next, left_after in rows:
        lines.append(f"| {trial} | {when} | {'yes' if killed else 'no'} | "
                     f"{after_kill or 'whole'} | {left} | {after_next or 'whole'} | "
                     f"{', '.join(left_after) or 'nothing'} |")
    write_section("kill", "\n".join(lines))


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", choices=["fuzz", "soak", "attack", "kill"])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--attackers", default="0,8,32")
    parser.add_argument("--lookups", type=int, default=400)
    parser.add_argument("--trials", type=int, default=20)
    ns = parser.parse_args(argv)
    if ns.part == "fuzz":
        fuzz(ns.requests)
    elif ns.part == "soak":
        soak(ns.seconds, ns.clients)
    elif ns.part == "attack":
        attack([int(n) for n in ns.attackers.split(",")], ns.lookups)
    else:
        kill(ns.trials)
    return 0


if __name__ == "__main__":
    sys.exit(main())
