"""Validation benchmark: the build gate's cost per article with each SHACL engine, and what
Oxigraph's bulk loader holds in memory with each thread count.

Part 1 builds a generated corpus (``bench/newsgen.py``) once, takes its articles' validation
pieces exactly as ``kg build`` makes them (``kg.gate.article_piece``: the article's graphs and
the type triples of the entities it names), and validates batches of them through
``kg.gate.validate_batch`` with pyshacl and with pyshacl-turbo, alternating, several rounds.
It reports CPU per article for the batch's parsing and for each engine, and their ratio.

Part 2 loads the build's ``kg.nq`` into a new store as a release does
(``kg.release.incremental.StoreLoader``), whole (``KG_LOAD_BATCH=0``) and in calls of 500,000
quads (the default), each in a fresh process, and reports its peak resident memory and time.

    .venv/bin/python bench/validation.py [--articles 200] [--batch 25] [--rounds 3]
        [--nquads PATH] [--out bench/results-validation.md]

``--nquads`` loads that file in part 2 instead of the small build's (e.g. a 10,000-article
release's ``kg.nq``, where the loader's batches are full).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import newsgen  # noqa: E402  (the generator beside this file)

LOAD = """
import json, sys, threading, time
from pathlib import Path
from kg.release.incremental import StoreLoader
batch, source, target = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
def rss():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) // 1024 for l in status if l.startswith("VmRSS"))
peak, done = [0], threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], rss()); time.sleep(0.1)
threading.Thread(target=sample, daemon=True).start()
base, wall, cpu = rss(), time.perf_counter(), time.process_time()
loader = StoreLoader(target / "store", None, source, target, lambda _m: None, batch)
loader.load_dataset(source)
loader.store.flush()
quads = len(loader.store)
done.set()
print(json.dumps({"batch": batch, "quads": quads, "base_mib": base, "peak_mib": peak[0],
                  "wall_s": round(time.perf_counter() - wall, 1),
                  "cpu_s": round(time.process_time() - cpu, 1)}))
"""


def build(corpus: Path, work: Path) -> Path:
    env = dict(os.environ, KG_SEEDS=str(corpus), KG_DIST=str(work / "dist"),
               KG_CACHE=str(work / "cache"), KG_WORKERS="1", KG_SHACL_ENGINE="turbo")
    subprocess.run([sys.executable, "-m", "kg", "build", "-q"], env=env, check=True, cwd=ROOT)
    return work


def engines(work: Path, batch: int, rounds: int) -> dict:
    from kg.gate import Batch, article_piece, type_triples, validate_batch
    from kg.release.publication import Publication
    from kg.settings import Settings
    from kg.uris import Kind
    from kg.vocab import SHAPES_FILE

    base = Settings.from_env().base_uri
    release = Publication.current(work / "dist")
    assert release is not None
    resource = Kind.RESOURCE.namespace(base).encode()
    layer = b"".join(line for line in release.file("kg.nt").read_bytes().splitlines(True)
                     if line.startswith(b"<" + resource))
    types = type_triples(layer)
    units = sorted((p.with_suffix(".nt"), p) for p in (work / "cache" / "units").glob("*/*.nq"))
    pieces = [article_piece(unit, types, resource.decode(), "bench") for unit in units]
    batches = [tuple(p.load() for p in pieces[i : i + batch])
               for i in range(0, len(pieces), batch)]
    seconds: dict[str, list[float]] = {"pyshacl": [], "turbo": []}
    validate_batch(Batch(batches[0], False, str(SHAPES_FILE), base, "turbo"))  # compile once
    for _ in range(rounds):
        for engine in ("pyshacl", "turbo"):
            started = time.process_time()
            for data in batches:
                validate_batch(Batch(data, False, str(SHAPES_FILE), base, engine))
            seconds[engine].append(time.process_time() - started)
    per_article = {k: [round(1000 * s / len(pieces), 1) for s in v] for k, v in seconds.items()}
    return {"articles": len(pieces), "batch": batch, "rounds": rounds,
            "cpu_ms_per_article": per_article,
            "turbo_vs_pyshacl": [round(t / p, 3) for t, p in zip(seconds["turbo"],
                                                               seconds["pyshacl"], strict=True)]}


def loads(nquads: Path) -> list[dict]:
    found = []
    for batch in (0, 500_000, 0, 500_000):
        with tempfile.TemporaryDirectory(prefix="kg-load-") as target:
            out = subprocess.run([sys.executable, "-c", LOAD, str(batch), str(nquads),
                                  target], capture_output=True, text=True, check=True,
                                 cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        found.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(found[-1]), flush=True)
    return found


def write(out: Path, result: dict, load: list[dict], nquads: Path) -> None:
    out.with_suffix(".json").write_text(json.dumps({"engines": result, "loads": load},
                                                   indent=2) + "\n")
    cpu = result["cpu_ms_per_article"]
    lines = [
        "# Validation benchmark", "",
        f"`.venv/bin/python bench/validation.py` on {os.cpu_count()} cores, "
        f"{result['articles']} generated articles in batches of {result['batch']} "
        "(`kg.gate.validate_batch`: parsing the batch and checking the article shapes), "
        f"{result['rounds']} alternating rounds. CPU milliseconds per article:", "",
        "| round | pyshacl | pyshacl-turbo | turbo / pyshacl |", "| --- | --- | --- | --- |",
    ]
    for i, (p, t, r) in enumerate(zip(cpu["pyshacl"], cpu["turbo"], result["turbo_vs_pyshacl"],
                                      strict=True)):
        lines.append(f"| {i + 1} | {p} | {t} | {r} |")
    lines += ["", f"Bulk load of `{nquads.name}` ({load[0]['quads']:,} quads) into a new store, "
              "each in a fresh process (`KG_LOAD_BATCH`, 0 = whole):", "",
              "| quads a call | peak RSS MiB | over the process's start | wall s | CPU s |",
              "| --- | --- | --- | --- | --- |"]
    for row in load:
        lines.append(f"| {row['batch'] or 'whole'} | {row['peak_mib']} | "
                     f"{row['peak_mib'] - row['base_mib']} | {row['wall_s']} | {row['cpu_s']} |")
    out.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--nquads", type=Path, help="the kg.nq to bulk-load in part 2")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-validation.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-validation-") as top:
        corpus, work = Path(top) / "corpus", Path(top) / "work"
        newsgen.generate(args.articles, corpus)
        build(corpus, work)
        result = engines(work, args.batch, args.rounds)
        print(json.dumps(result), flush=True)
        from kg.release.publication import Publication

        release = Publication.current(work / "dist")
        assert release is not None
        nquads = args.nquads or release.file("kg.nq")
        write(args.out, result, loads(nquads), nquads)


if __name__ == "__main__":
    main()
