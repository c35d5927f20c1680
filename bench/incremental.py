"""Adding one article to a publication: this checkout's `kg build` against another checkout's
(``--base``, e.g. a worktree of the commit before a change), on the same corpus and cache.

Both codes share ``KG_CACHE`` (extraction, RDF units and SHACL verdicts do not depend on
``kg/release``), each publishes to its own ``dist``. After one priming build per code, every
round generates one new article (``bench/newsgen.py``) and times a ``kg build`` of this
checkout, then one of the base, so machine noise falls on both alike. The full build it is
compared with is the cold-cache build of ``bench/scale.py`` (``--full`` seconds, same machine);
with ``--cold`` this script times one itself first. Results: ``bench/results-incremental.md``.

    .venv/bin/python bench/incremental.py --base ../wt-base --articles 1000 --rounds 3 [--cold]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import newsgen  # noqa: E402  (the generator beside this file)


def build(code: Path, work: Path, dist: str) -> float:
    env = dict(os.environ, KG_SEEDS=str(work / "corpus"), KG_DIST=str(work / dist),
               KG_CACHE=str(work / "cache"), KG_WORKERS="1", PYTHONPATH=str(code))
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "kg", "build"], env=env, cwd=code,
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"kg build in {code} failed:\n{out.stderr[-3000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the checkout to compare with")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-incremental"))
    parser.add_argument("--cold", action="store_true", help="time a cold-cache full build first")
    parser.add_argument("--full", type=float, help="seconds of a cold full build, if known")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-incremental.md")
    args = parser.parse_args()
    corpus = args.work / "corpus"
    have = len(list(corpus.glob("news-*.txt"))) if corpus.is_dir() else 0
    if have < args.articles:
        newsgen.generate(args.articles - have, corpus, start=have)
        have = args.articles
    full = build(ROOT, args.work, "dist") if args.cold else args.full
    build(ROOT, args.work, "dist")
    build(args.base.resolve(), args.work, "dist-base")
    rounds: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        newsgen.generate(1, corpus, start=have)
        have += 1
        rounds.append((build(ROOT, args.work, "dist"), build(args.base.resolve(), args.work,
                                                               "dist-base")))
        print(f"{have} articles: this {rounds[-1][0]:.1f} s, base {rounds[-1][1]:.1f} s",
              flush=True)
    new, base = (statistics.median(r[i] for r in rounds) for i in (0, 1))
    lines = [
        "# Adding one article", "",
        f"`bench/incremental.py --articles {args.articles} --rounds {args.rounds}` on "
        f"{os.cpu_count()} cores: `kg build` after one new article, this checkout against "
        f"`--base`, alternating, same corpus and cache (median of {args.rounds} rounds).", "",
        "| articles | base s | this s | this / base |" + (" base vs full | this vs full |"
                                                          if full else ""),
        "| ---: | ---: | ---: | ---: |" + (" ---: | ---: |" if full else ""),
        f"| {args.articles:,} | {base:.1f} | {new:.1f} | {new / base:.2f} |"
        + (f" {base / full:.1%} | {new / full:.1%} |" if full else ""),
    ]
    args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
