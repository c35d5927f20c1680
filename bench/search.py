"""Search benchmark: latency of /search, /search/complete and the SPARQL text functions, and a
check that lookups did not get slower, all through real `kg serve` processes on 127.0.0.1.

    .venv/bin/python bench/search.py                    # the seeds (bench/.work/dist)
    .venv/bin/python bench/search.py --articles 1000    # a generated corpus (bench/newsgen.py)
    .venv/bin/python bench/search.py --dist DIR --out bench/results-search-10000.md
                                                        # an existing publication

Per corpus, in one run:

1. the publication: the seeds' ``bench/.work/dist`` (built again if it has no search index), or
   ``--articles N`` articles from ``bench/newsgen.py`` built into ``bench/.work/search-N``;
2. two servers over that same release, each one Granian worker with the answer cache off
   (``KG_QUERY_CACHE_MB=0``: every answer computed): *this code*, and *before search*, the
   source of the commit before ``kg/release/search_index.py`` was added (``git archive``), so
   the lookup comparison isolates what search changed;
3. sequential requests, one client, rounds interleaved between the servers (A B A B) so drift
   hits both alike: lookups (every property of one entity, cycling over entities) on both;
   then, on this code only, ``/search`` JSON for words of high, middle and low document
   frequency (taken from the index's own vocabulary), prefix, AND and phrase searches,
   ``/search/complete`` for label prefixes, ``kg:textMatch`` through ``/sparql``, and the same
   question without the index (``FILTER(CONTAINS(LCASE(?text), ...))`` over every sentence)
   as its baseline.

Figures are p50/p99 in milliseconds and ratios within the run; results go to
``bench/results-search.md`` (``--out``). Every loop is bounded by a request count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tarfile
import time
import urllib.parse
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import stop  # noqa: E402  (bench/run.py: the endpoint benchmark's helpers)

from kg.release.publication import Publication  # noqa: E402
from kg.settings import Settings  # noqa: E402

WORK = ROOT / "bench" / ".work"
BASE = "http://127.0.0.1:5000/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ACCEPT_RESULTS = "application/sparql-results+json"


@dataclass
class Series:
    name: str
    description: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0

    def ms(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


# --------------------------------------------------------------------------- set-up


def publication(articles: int) -> Publication:
    """The seeds' release, or one of ``articles`` generated articles; built when missing."""
    if articles:
        import newsgen

        work = WORK / f"search-{articles}"
        corpus, dist = work / "seeds", work / "dist"
        if not corpus.is_dir():
            print(f"generating {articles} articles into {corpus}", flush=True)
            newsgen.generate(articles, corpus)
        settings = Settings.from_env(base_uri=BASE, dist_dir=dist, seeds_dir=corpus)
    else:
        dist = WORK / "dist"
        settings = Settings.from_env(base_uri=BASE, dist_dir=dist)
    current = Publication.current(dist)
    if current is None or not current.search_path.is_file():
        from kg.pipeline import build

        print("building", dist, flush=True)
        started = time.monotonic()
        build(settings, progress=lambda _m: None)
        print(f"  built in {time.monotonic() - started:.0f} s", flush=True)
        current = Publication.current(dist)
    assert current is not None
    return current


def baseline_source() -> tuple[str, Path]:
    """The code just before search: the parent of the commit that added the index writer."""
    added = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=%H", "--", "kg/release/search_index.py"],
        cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    if not added:
        raise SystemExit("no commit adds kg/release/search_index.py: nothing to compare with")
    ref = subprocess.run(["git", "rev-parse", "--short", f"{added[-1]}^"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.strip()
    target = WORK / f"before-search-{ref}"
    if not (target / "kg").is_dir():
        archive = subprocess.run(["git", "archive", "--format=tar", ref, "kg", "server"],
                                 cwd=ROOT, check=True, capture_output=True).stdout
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
        for name in ("ontology", "shapes"):  # read by the server from its project root
            link = target / name
            if not link.exists():
                link.symlink_to(ROOT / name)
    return ref, target


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(dist: Path, source: Path, port: int, query_timeout: float | None = None
          ) -> subprocess.Popen:
    env = dict(os.environ, KG_DIST=str(dist), KG_BASE_URI=BASE, KG_ACCESS_LOG="off",
               KG_QUERY_CACHE_MB="0", PYTHONPATH=str(source))
    if query_timeout is not None:  # the SPARQL series scan every sentence of a large store
        env["KG_QUERY_TIMEOUT"] = str(query_timeout)
    for name in ("KG_ADMIN_TOKEN", "PROMETHEUS_MULTIPROC_DIR"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"],
        env=env, cwd=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kg serve from {source} exited early")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sparql?query=ASK%7B%7D")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"kg serve from {source} did not start")


# --------------------------------------------------------------------------- what is asked


def search_terms(index: Path) -> dict[str, list[str]]:
    """Words of the index's own vocabulary by document frequency: the 10 most frequent, 10 from
    the middle, 10 that occur in one document; and searches built from them."""
    db = sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, docs_fts, 'row')")
    words = [w for (w,) in db.execute(
        "SELECT term FROM temp.vocab WHERE length(term) > 3 AND term GLOB '[a-z]*' "
        "ORDER BY doc DESC, term")]
    names = [n for (n,) in db.execute(
        "SELECT name FROM names WHERE preferred ORDER BY mentions DESC, name LIMIT 30")]
    db.close()
    if len(words) < 30:
        raise SystemExit("the index has too few words to benchmark")
    middle = len(words) // 2
    frequent, common, rare = words[:10], words[middle - 5 : middle + 5], words[-10:]
    return {
        "frequent": frequent,
        "middle": common,
        "rare": rare,
        "prefix": [w[:4] + "*" for w in frequent + common],
        "and": [f"{a} AND {b}" for a, b in zip(frequent, common, strict=True)],
        "phrase": [f'"{n}"' for n in names if " " in n][:10] or [f'"{frequent[0]}"'],
        "complete": sorted({n.split()[0][:3] for n in names}),
    }


def entities(dist: Path) -> list[str]:
    index = Publication.current(dist).search_path  # type: ignore[union-attr]
    db = sqlite3.connect(f"{index.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    found = [iri for (iri,) in db.execute(
        "SELECT DISTINCT iri FROM names ORDER BY mentions DESC, iri LIMIT 200")]
    db.close()
    return found


def run(port: int, targets: list[str], series: Series, count: int, accept: str) -> None:
    """``count`` sequential requests cycling over ``targets`` on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for i in range(count):
        started = time.perf_counter()
        try:
            conn.request("GET", targets[i % len(targets)], headers={"Accept": accept})
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        series.latencies.append(time.perf_counter() - started)
        series.errors += not ok
    conn.close()


def url(path: str, **params: str) -> str:
    return f"/{path}?{urllib.parse.urlencode(params)}"


def sparql(query: str) -> str:
    return url("sparql", query=query)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=0, help="0: the seeds")
    parser.add_argument("--dist", type=Path,
                        help="an existing publication instead (e.g. bench/scale.py --keep's)")
    parser.add_argument("--requests", type=int, default=300, help="per series and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sparql-requests", type=int,
                        help="per SPARQL series and round (default --requests): each scans "
                             "every sentence, seconds apiece on a large store")
    parser.add_argument("--query-timeout", type=float, help="KG_QUERY_TIMEOUT of the servers")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-search.md")
    args = parser.parse_args(argv)

    global BASE  # noqa: PLW0603 - the servers, the queries and the names share one base
    if args.dist is not None:
        given = Publication.current(args.dist)
        if given is None or not given.search_path.is_file():
            raise SystemExit(f"{args.dist} holds no publication with a search index")
        release, BASE = given, str(given.manifest.get("base_uri", BASE))
    else:
        release = publication(args.articles)
    dist = release.root.parent.parent / "dist"
    terms = search_terms(release.search_path)
    ref, before = baseline_source()
    kg = BASE + "ontology#"
    lookups = [sparql(f"SELECT ?p ?o WHERE {{ <{e}> ?p ?o }}") for e in entities(dist)]
    sizes = json.loads((release.root / "manifest.json").read_text())
    with sqlite3.connect(f"{release.search_path.resolve().as_uri()}?mode=ro", uri=True) as db:
        docs = dict(db.execute("SELECT kind, COUNT(*) FROM docs GROUP BY kind"))
        # the other option, the index as triples: one (document, word) triple per posting
        db.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, docs_fts, 'row')")
        postings = db.execute("SELECT SUM(doc) FROM temp.vocab").fetchone()[0]
    docs["postings"] = postings
    print(f"release {release.release_id}: {sizes.get('triples')} triples, index "
          f"{release.search_path.stat().st_size:,} bytes, docs {docs}", flush=True)

    ours_port, before_port = free_port(), free_port()
    ours = start(dist, ROOT, ours_port, args.query_timeout)
    old = start(dist, before, before_port, args.query_timeout)
    for port, expected in ((ours_port, 200), (before_port, 404)):  # each runs the code meant
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", url("search/complete", q="a"))
        status = conn.getresponse().status
        conn.close()
        if status != expected:
            stop(ours)
            stop(old)
            raise SystemExit(f"the server on port {port} answered /search/complete with {status}, "
                             f"not {expected}: it is not running the code it should")
    lookup_now = Series("lookup, this code", "every (predicate, object) of one entity")
    lookup_before = Series(f"lookup, before search ({ref})", "the same requests")
    sparql_words = terms["frequent"][:5] + terms["middle"][:5]
    plans: list[tuple[Series, list[str], str]] = [
        (Series(f"/search {k}", f"/search?format=json, {len(terms[k])} {k} searches: "
                f"{', '.join(terms[k][:3])} ..."),
         [url("search", q=t, format="json") for t in terms[k]], "application/json")
        for k in ("frequent", "middle", "rare", "prefix", "and", "phrase")
    ] + [
        (Series("/search/complete", f"{len(terms['complete'])} label prefixes: "
                f"{', '.join(terms['complete'][:4])} ..."),
         [url("search/complete", q=t) for t in terms["complete"]], "application/json"),
        (Series("SPARQL kg:textMatch", "sentences matching a word, with kg:textScore, best 20"),
         [sparql(f"""PREFIX nif: <{NIF}> PREFIX kg: <{kg}>
             SELECT ?s ?score WHERE {{ ?s a nif:Sentence FILTER(kg:textMatch(?s, "{w}"))
             BIND(kg:textScore(?s, "{w}") AS ?score) }} ORDER BY DESC(?score) LIMIT 20""")
          for w in sparql_words], ACCEPT_RESULTS),
        (Series("SPARQL CONTAINS (no index)", "the same sentences found by scanning their text"),
         [sparql(f"""PREFIX nif: <{NIF}>
             SELECT ?s WHERE {{ ?s a nif:Sentence ; nif:anchorOf ?t
             FILTER(CONTAINS(LCASE(?t), "{w}")) }} LIMIT 20""")
          for w in sparql_words], ACCEPT_RESULTS),
    ]
    try:
        for target in ([lookups[0]], [plan[1][0] for plan in plans]):  # warm both up
            for path in target:
                for port in (ours_port, before_port):
                    run(port, [path], Series("warm", ""), 3, "*/*")
        for round_no in range(args.rounds):
            print(f"round {round_no + 1}/{args.rounds}", flush=True)
            run(ours_port, lookups, lookup_now, args.requests, ACCEPT_RESULTS)
            run(before_port, lookups, lookup_before, args.requests, ACCEPT_RESULTS)
            for series, targets, accept in plans:
                count = (args.sparql_requests or args.requests) if series.name.startswith(
                    "SPARQL") else args.requests
                run(ours_port, targets, series, count, accept)
    finally:
        stop(ours)
        stop(old)

    args.out.write_text(report(args, release, sizes, docs, ref, lookup_now, lookup_before,
                               [p[0] for p in plans]))
    print(args.out.read_text())
    return 0


def report(args, release: Publication, sizes: dict, docs: dict, ref: str, now: Series,
           before: Series, rest: list[Series]) -> str:
    articles = sum(docs.get(k, 0) for k in ("article",))
    corpus = (f"{args.articles:,} generated articles" if args.articles
              else f"{articles:,} articles of {args.dist}" if args.dist else "the seeds")
    scan = next(s for s in rest if s.name.startswith("SPARQL CONTAINS"))
    postings = docs.pop("postings")
    kinds = ", ".join(f"{v:,} {k.replace('ity', 'itie')}s" for k, v in sorted(docs.items()))
    lines = [
        f"# Search benchmark ({corpus})", "",
        f"`.venv/bin/python bench/search.py{f' --articles {args.articles}' if args.articles else ''}"
        f"{f' --dist {args.dist}' if args.dist else ''}`"
        f" on {os.cpu_count()} cores ({platform.python_implementation()} "
        f"{platform.python_version()}), {time.strftime('%Y-%m-%d')}; release "
        f"`{release.release_id}`: {sizes.get('triples', 0):,} triples, "
        f"{sum(docs.values()):,} indexed documents ({kinds}), "
        f"index {release.search_path.stat().st_size / 2**20:.1f} MiB. One Granian worker, answer "
        f"cache off, one client, {args.rounds} rounds of {args.requests} requests per series "
        f"({args.sparql_requests or args.requests} for the SPARQL ones), "
        "interleaved.", "",
        f"The other way to search in SPARQL, the index as triples (one `(document, word)` triple "
        f"per posting, no ranking), would add {postings:,} triples: "
        f"{postings / max(1, sizes.get('triples', 1)):.1f}x the dataset's "
        f"{sizes.get('triples', 0):,}. The text functions read this index instead.", "",
        "## Lookups did not get slower", "",
        "| server | requests | p50 ms | p99 ms | p50 vs before |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for series in (before, now):
        lines.append(f"| {series.name} | {len(series.latencies)} | {series.ms(.5):.2f} | "
                     f"{series.ms(.99):.2f} | {series.ms(.5) / before.ms(.5):.2f} |")
    lines += [
        "", "## Search latency (this code)", "",
        "| what | requests | errors | p50 ms | p99 ms | p50 vs SPARQL CONTAINS |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for series in rest:
        lines.append(f"| {series.name} | {len(series.latencies)} | {series.errors} | "
                     f"{series.ms(.5):.2f} | {series.ms(.99):.2f} | "
                     f"{series.ms(.5) / scan.ms(.5):.2f} |")
    lines += ["", "What each series asks:", ""]
    lines += [f"- {s.name}: {s.description}" for s in rest]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
