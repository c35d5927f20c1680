"""Triple Pattern Fragments and release patches: what they cost, as ratios to a baseline
measured in the same run (results in ``bench/results-fragments.md``).

    .venv/bin/python bench/fragments.py                 # seeds, and seeds x 200 graphs
    .venv/bin/python bench/fragments.py --copies 50 --requests 50

1. The seeds are built into ``bench/.work/dist`` unless a publication is there already.
2. A larger store is made from that release by copying every article graph ``--copies`` times
   under new graph names (so each triple sits in many graphs, the case a fragment must list
   once) and published with ``kg.release.publish.publish_parts``; a second publication with
   one copy fewer gives a real patch to measure.
3. Each publication is served by ``kg serve`` (one worker) on 127.0.0.1; per pattern, the
   latency of fragment pages (first and last page) is compared with the SPARQL endpoint
   answering the same question (``SELECT * ... LIMIT 100 OFFSET ...``).
4. The patch of the large store: ``kg.release.changes.diff_sorted`` in a child process (time,
   peak memory) against ``comm -3`` of the same two files and ``sort -u`` of the new one.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import pyoxigraph as ox  # noqa: E402
from rdflib import Graph  # noqa: E402

from kg.release.publication import Publication  # noqa: E402
from kg.release.publish import publish_parts  # noqa: E402
from kg.settings import Settings  # noqa: E402
from tests.server.conftest import start_server  # noqa: E402

WORK = HERE / ".work"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def seeds_release(base: str) -> Publication:
    dist = WORK / "dist"
    found = Publication.current(dist)
    if found is None or found.manifest.get("base_uri") != base:
        from kg.pipeline import build

        build(Settings.from_env(base_uri=base, dist_dir=dist), progress=lambda _m: None)
        found = Publication.current(dist)
    assert found is not None
    return found


def copied_release(source: Publication, copies: int, dist: Path, base: str) -> Publication:
    """The source's default graph, and each of its named graphs ``copies`` times."""
    default, graphs = [], []
    for q in ox.parse(path=str(source.root / "kg.nq"), format=ox.RdfFormat.N_QUADS):
        triple = f"{q.subject} {q.predicate} {q.object}"
        if isinstance(q.graph_name, ox.NamedNode):
            graphs += [f"{triple} <{q.graph_name.value}-copy{i}> .\n" for i in range(copies)]
        else:
            default.append(f"{triple} .\n")
    return publish_parts(["".join(default).encode()], ["".join(graphs).encode()], dist,
                         base_uri=base, report=Graph(), ontology=Graph(), shapes=Graph())


def timed_get(port: int, path: str, accept: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    conn.close()
    assert response.status == 200, (path, response.status)
    return elapsed


def latencies(port: int, path: str, accept: str, n: int) -> tuple[float, float]:
    timed_get(port, path, accept)  # warm: counts are memoised per release, as in service
    times = sorted(timed_get(port, path, accept) for _ in range(n))
    return statistics.median(times) * 1000, times[min(n - 1, int(n * 0.99))] * 1000


def fragment_rows(port: int, base: str, n: int) -> list[dict]:
    rubio = f"{base}resource/Marco_Rubio"
    patterns = [("?s ?p ?o", {}), ("?s rdf:type ?o", {"predicate": RDF_TYPE}),
                ("res:Marco_Rubio ?p ?o", {"subject": rubio})]
    rows = []
    for label, params in patterns:
        first = "/fragments?" + urllib.parse.urlencode(params)
        meta = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        meta.request("GET", first, headers={"Accept": "application/n-quads"})
        body = meta.getresponse().read().decode()
        total = int(next(line.split('"')[1] for line in body.splitlines() if "totalItems" in line))
        last = max(1, -(-total // 100))
        for page in sorted({1, last}):
            path = "/fragments?" + urllib.parse.urlencode({**params, "page": page})
            where = label.replace("rdf:type", f"<{RDF_TYPE}>").replace(
                "res:Marco_Rubio", f"<{rubio}>")
            query = f"SELECT * WHERE {{ {where} }} LIMIT 100 OFFSET {(page - 1) * 100}"
            sparql = "/sparql?" + urllib.parse.urlencode({"query": query})
            tpf = latencies(port, path, "application/n-quads", n)
            endpoint = latencies(port, sparql, "application/sparql-results+json", n)
            rows.append({"pattern": label, "page": page, "pages": last, "total": total,
                         "tpf_p50_ms": tpf[0], "tpf_p99_ms": tpf[1],
                         "sparql_p50_ms": endpoint[0], "sparql_p99_ms": endpoint[1],
                         "ratio_p50": tpf[0] / endpoint[0]})
    return rows


CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from kg.release.changes import diff_sorted
diff_sorted(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]))
"""


WRAPPER = """
import os, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, LC_ALL="C"))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def child_peak(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak resident KiB of a command, run under a fresh small Python process so
    that only its own child counts (not the servers this script started, nor its own size)."""
    out = subprocess.run([sys.executable, "-c", WRAPPER, *cmd], check=True, capture_output=True,
                         text=True).stdout.split()
    return float(out[0]), int(out[1])


def patch_rows(old: Path, new: Path, work: Path) -> list[dict]:
    # under the small wrapper too: Linux keeps a forked child's peak across exec, and this
    # script is large by now
    diff_s, diff_kib = child_peak([sys.executable, "-c", CHILD, str(HERE.parent), str(old), str(new),
                                   str(work / "a.nq"), str(work / "r.nq")])
    added = sum(1 for _ in open(work / "a.nq", "rb"))  # noqa: SIM115 - read once, closed by GC
    removed = sum(1 for _ in open(work / "r.nq", "rb"))  # noqa: SIM115
    comm_s, comm_kib = child_peak(["comm", "-3", str(old), str(new)])
    sort_s, sort_kib = child_peak(["sort", "-u", "-S", "256M", "-o", str(work / "s.nq"), str(new)])
    with open(new, "rb") as handle:
        lines = sum(1 for _ in handle)
    return [
        {"what": "kg.release.changes.diff_sorted (Python, child process)", "s": diff_s,
         "peak_mib": diff_kib / 1024, "lines": lines, "added": added, "removed": removed},
        {"what": "comm -3 (GNU coreutils), baseline", "s": comm_s, "peak_mib": comm_kib / 1024,
         "lines": lines},
        {"what": "sort -u of the new kg.nq (what every build already does)", "s": sort_s,
         "peak_mib": sort_kib / 1024, "lines": lines},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--port", type=int, default=5987)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the larger store of a previous run (same base URI only)")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    results: dict = {"copies": args.copies, "requests": args.requests, "stores": {}}
    port = args.port
    base = f"http://127.0.0.1:{port}/"  # fixed, so that --reuse finds releases built for it
    seeds = seeds_release(base)
    big_dist = WORK / f"tpf-x{args.copies}" / "dist"
    big_dist.parent.mkdir(exist_ok=True)
    kept = sorted(p for p in (big_dist.parent / ".kg-releases").glob("2*") if p.is_dir())
    if args.reuse and len(kept) >= 2 and Publication(kept[-1]).manifest["base_uri"] == base:
        old, big = Publication(kept[-2]), Publication(kept[-1])
    else:
        old = copied_release(seeds, args.copies - 1, big_dist, base)
        big = copied_release(seeds, args.copies, big_dist, base)
    for name, dist in (("seeds", WORK / "dist"), (f"seeds x {args.copies} graphs", big_dist)):
        server = start_server(dist, port, WORK / "tpf-serve.log", workers=1,
                              env={"KG_ACCESS_LOG": "off", "KG_QUERY_CACHE_MB": "0"})
        try:
            release = Publication.current(dist)
            assert release is not None
            results["stores"][name] = {"quads": release.manifest["quads"],
                                       "rows": fragment_rows(port, base, args.requests)}
        finally:
            server.stop()
    results["patch"] = patch_rows(old.root / "kg.nq", big.root / "kg.nq", WORK)
    (HERE / "results-fragments.json").write_text(json.dumps(results, indent=2))
    write_markdown(results)
    print((HERE / "results-fragments.md").read_text())


def write_markdown(results: dict) -> None:
    lines = ["# Triple Pattern Fragments and release patches", "",
             f"`bench/fragments.py --copies {results['copies']} --requests {results['requests']}`"
             " (one `kg serve` worker, answer cache off, sequential requests on 127.0.0.1).", "",
             "Fragment pages against the SPARQL endpoint answering the same question "
             "(`SELECT * WHERE { pattern } LIMIT 100 OFFSET ...` over the default graph), "
             "in the same run.", ""]
    for name, store in results["stores"].items():
        lines += [f"## {name} ({store['quads']} quads in the store)", "",
                  "| pattern | page | of | distinct triples | TPF p50 ms | TPF p99 ms | SPARQL p50 ms |"
                  " SPARQL p99 ms | TPF / SPARQL (p50) |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for r in store["rows"]:
            lines.append(f"| `{r['pattern']}` | {r['page']} | {r['pages']} | {r['total']} | "
                         f"{r['tpf_p50_ms']:.1f} | {r['tpf_p99_ms']:.1f} | {r['sparql_p50_ms']:.1f} | "
                         f"{r['sparql_p99_ms']:.1f} | {r['ratio_p50']:.2f} |")
        lines.append("")
    base = results["patch"][1]
    lines += ["## The patch of the larger store (one graph copy more)", "",
              "| what | lines of the new kg.nq | seconds | peak MiB | time / comm |",
              "| --- | --- | --- | --- | --- |"]
    for r in results["patch"]:
        lines.append(f"| {r['what']} | {r['lines']} | {r['s']:.2f} | {r['peak_mib']:.0f} | "
                     f"{r['s'] / base['s']:.1f} |")
    first = results["patch"][0]
    lines += ["", f"The patch: {first['added']} lines added, {first['removed']} removed.", ""]
    (HERE / "results-fragments.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
