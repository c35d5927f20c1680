"""Remote-store benchmark: what publishing to, and querying through, a remote SPARQL store costs.

    .venv/bin/python bench/remote.py [--articles 100] [--requests 200] [--out bench/results-remote.md]

Generates a corpus (``bench/newsgen.py``), builds it once with the embedded store only (cold
cache), then twice more from the warm cache: embedded only, and with ``KG_REMOTE_STORE`` naming
two `oxigraph serve` processes on loopback. The two warm builds differ only in the remote load,
so their ratio is its cost. Then one `kg serve` per publication (same base URI, answer cache
off so every request is evaluated) gets the same queries; throughput is reported as the
ratio remote / embedded, measured round by round in the same run (2 cores, shared). Every
loop is bounded by a request count; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import newsgen  # noqa: E402

from kg.pipeline import build  # noqa: E402
from kg.release.publication import Publication  # noqa: E402
from kg.settings import Settings  # noqa: E402
from tests.server.conftest import fetch, free_port, start_server  # noqa: E402

WORK = ROOT / "bench" / ".work" / "remote"
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
JSON = "application/sparql-results+json"
QUERIES = {
    "lookup (front)": "SELECT ?p ?o WHERE { <{entity}> ?p ?o }",
    "count of the union": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "two-hop join": "SELECT ?a ?c WHERE { ?a ?p ?b . ?b ?q ?c . FILTER(isIRI(?c)) } LIMIT 500",
    "graphs, grouped": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "construct": "CONSTRUCT { <{entity}> ?p ?o } WHERE { <{entity}> ?p ?o }",
}


def oxigraph(location: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(OXIGRAPH), "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            fetch(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", headers={"Accept": JSON})
            return proc
        except OSError:
            time.sleep(0.1)
    raise SystemExit("oxigraph serve did not start")


def timed_build(settings: Settings) -> float:
    started = time.perf_counter()
    build(settings, progress=lambda _m: None)
    return time.perf_counter() - started


def rate(url: str, query: str, requests: int) -> float:
    target = f"{url}sparql?{urllib.parse.urlencode({'query': query})}"
    started = time.perf_counter()
    for _ in range(requests):
        reply = fetch(target, headers={"Accept": JSON if "CONSTRUCT" not in query
                                       else "application/n-triples"})
        if reply.status != 200:
            raise SystemExit(f"{url}: {reply.status} {reply.text[:300]}")
    return requests / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200, help="per query, per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-remote.md")
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    corpus = WORK / "corpus"
    corpus.mkdir(parents=True)
    shutil.copy(ROOT / "seeds" / "catalog.ttl", corpus)
    newsgen.generate(args.articles, corpus)
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    local = Settings.from_env(base_uri=base, seeds_dir=corpus, dist_dir=WORK / "local" / "dist",
                              cache_dir=WORK / "cache", workers=1)
    ports = (free_port(), free_port())
    stores = [oxigraph(WORK / f"ox{i}", p) for i, p in enumerate(ports)]
    servers = []
    try:
        remote = local.replace(dist_dir=WORK / "remote" / "dist",
                               remote_store=" ".join(f"http://127.0.0.1:{p}/" for p in ports))
        cold = timed_build(local)
        warm = timed_build(local)
        warm_remote = timed_build(remote)
        published = Publication.current(remote.dist_dir)
        assert published is not None and published.remote is not None
        env = {"KG_BASE_URI": base, "KG_ACCESS_LOG": "off", "KG_QUERY_CACHE_MB": "0"}
        servers = [start_server(local.dist_dir, port, WORK / "local.log", env=env, workers=1),
                   start_server(remote.dist_dir, free_port(), WORK / "remote.log", env=env,
                                workers=1)]
        first = fetch(f"{base}sparql?" + urllib.parse.urlencode(
            {"query": "SELECT ?s WHERE { ?s a ?t . FILTER(isIRI(?s)) } ORDER BY ?s LIMIT 1"}),
            headers={"Accept": JSON})
        entity = json.loads(first.body)["results"]["bindings"][0]["s"]["value"]
        rows = []
        for name, template in QUERIES.items():
            query = template.replace("{entity}", entity)
            for server in servers:  # the answers agree before anything is timed
                rate(server.url, query, 1)
            ratios, rates = [], []
            for _ in range(args.rounds):
                embedded = rate(servers[0].url, query, args.requests)
                forwarded = rate(servers[1].url, query, args.requests)
                ratios.append(forwarded / embedded)
                rates.append((embedded, forwarded))
            rows.append((name, statistics.median(r[0] for r in rates),
                         statistics.median(r[1] for r in rates), statistics.median(ratios)))
    finally:
        for server in servers:
            server.stop()
        for proc in stores:
            proc.terminate()
            proc.wait()
    manifest = published.manifest
    lines = [
        "# Remote store: cost of publishing to and querying through `oxigraph serve`",
        "",
        f"`python bench/remote.py --articles {args.articles} --requests {args.requests}`, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {args.articles} generated "
        f"articles, {manifest['dataset_quads']} quads ({manifest['remote']['quads']} sent to the "
        "remote dataset: the named graphs plus their merge as its default graph).",
        "",
        "| build | seconds | ratio to the warm embedded build |",
        "| --- | --- | --- |",
        f"| cold, embedded store only | {cold:.1f} | {cold / warm:.2f} |",
        f"| warm cache, embedded store only | {warm:.1f} | 1.00 |",
        f"| warm cache, embedded + remote load | {warm_remote:.1f} | {warm_remote / warm:.2f} |",
        "",
        "One client, sequential requests, answer cache off; medians of "
        f"{args.rounds} rounds of {args.requests} requests per query and server.",
        "",
        "| query | embedded (req/s) | remote (req/s) | remote / embedded |",
        "| --- | --- | --- | --- |",
        *(f"| {n} | {e:.0f} | {r:.0f} | {x:.2f} |" for n, e, r, x in rows),
        "",
    ]
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
