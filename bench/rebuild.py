"""Rebuild benchmark: one `kg build` over a corpus whose cache is warm, publishing afresh, with
the process tree's resident memory sampled every second beside the build's own stage lines.

This is how the publication stage's memory at 10,000 articles is measured without a cold
build (80 minutes here): the cache from an earlier build of the same corpus (extractions and,
for the same engine, verdicts) is copied by hard links, the publication is left out, so the
build resolves, writes RDF, validates what the cache lacks and publishes everything. It
writes ``build.log`` and ``rss.log`` (seconds, tree and parent MiB) in the work folder and one
line of results to ``--out``.

    .venv/bin/python bench/rebuild.py --corpus DIR --cache DIR --work DIR [--shacl-engine turbo]
        [--load-batch 500000] [--out bench/results-rebuild.md]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from scale import _tree_rss  # noqa: E402  (beside this file)


def _own_mib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next(int(line.split()[1]) // 1024 for line in status
                        if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--cache", type=Path, required=True, help="an earlier build's cache")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--shacl-engine", default="pyshacl")
    parser.add_argument("--load-batch", type=int, default=500_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-rebuild.md")
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    subprocess.run(["cp", "-al", str(args.cache), str(args.work / "cache")], check=True)
    env = dict(os.environ, KG_SEEDS=str(args.corpus), KG_DIST=str(args.work / "dist"),
               KG_CACHE=str(args.work / "cache"), KG_WORKERS="1", PYTHONUNBUFFERED="1",
               KG_SHACL_ENGINE=args.shacl_engine, KG_LOAD_BATCH=str(args.load_batch))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kg", "build"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, done = [0], threading.Event()

    def sample() -> None:
        with (args.work / "rss.log").open("w") as timeline:
            while not done.is_set():
                tree = _tree_rss(proc.pid)
                peak[0] = max(peak[0], tree)
                timeline.write(f"{time.perf_counter() - started:9.1f} tree={tree >> 20} "
                               f"parent={_own_mib(proc.pid)}\n")
                time.sleep(1)

    threading.Thread(target=sample, daemon=True).start()
    assert proc.stdout is not None
    with (args.work / "build.log").open("w") as log:
        for line in proc.stdout:
            log.write(f"{time.perf_counter() - started:9.1f} {line}")
    _, status, usage = os.wait4(proc.pid, 0)
    done.set()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kg build failed: see {args.work / 'build.log'}")
    row = (f"| {args.corpus.name} | {args.shacl_engine} | {args.load_batch or 'whole'} | "
           f"{time.perf_counter() - started:.0f} | {usage.ru_utime + usage.ru_stime:.0f} | "
           f"{peak[0] >> 20} |")
    if not args.out.exists():
        args.out.write_text("# Rebuild benchmark\n\n`bench/rebuild.py`: `kg build` with a warm "
                            "cache and a fresh publication; peak = largest resident memory "
                            "of the build's process tree.\n\n| corpus | SHACL engine | quads "
                            "per load call | wall s | CPU s | peak RSS MiB |\n"
                            "| --- | --- | --- | --- | --- | --- |\n")
    with args.out.open("a") as out:
        out.write(row + "\n")
    print(row)


if __name__ == "__main__":
    main()
