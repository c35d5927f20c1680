"""Adding to a publication: this checkout's `kg build` against another checkout's (``--base``,
e.g. a worktree of the commit before a change), on the same corpus.

Each code has its own cache (``cache`` and ``cache-base``, a copy of it made at the start) and
publishes to its own ``dist``: a shared cache would let one code's entries stand in for the
other's work, and the base's resolution, which varied with the string hash, would evict the
other's RDF units. After one priming build per code, every round generates one new article
(``bench/newsgen.py``) and times a ``kg build`` of this checkout, then one of the base, so
machine noise falls on both alike; each parses the new article with spaCy itself. With
``--more`` it then adds 100 articles and changes one (a sentence appended to the first file,
as ``bench/scale.py`` does), once each. The full build it is compared with is the cold-cache
build of ``bench/scale.py`` (``--full`` seconds, same machine); with ``--cold`` this script
times one itself first. Results: ``bench/results-incremental.md``.

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
    cache = work / ("cache" if code == ROOT else "cache-base")
    env = dict(os.environ, KG_SEEDS=str(work / "corpus"), KG_DIST=str(work / dist),
               KG_CACHE=str(cache), KG_WORKERS="1", PYTHONPATH=str(code))
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
    parser.add_argument("--full-note", default="", help="where the --full figure comes from")
    parser.add_argument("--more", action="store_true",
                        help="then add 100 articles and change one, once each")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-incremental.md")
    args = parser.parse_args()
    base_code = args.base.resolve()
    corpus = args.work / "corpus"
    have = len(list(corpus.glob("news-*.txt"))) if corpus.is_dir() else 0
    if have < args.articles:
        newsgen.generate(args.articles - have, corpus, start=have)
        have = args.articles
    start = have
    full = build(ROOT, args.work, "dist") if args.cold else args.full
    if not (args.work / "cache-base").exists() and (args.work / "cache").exists():
        subprocess.run(["cp", "-a", str(args.work / "cache"), str(args.work / "cache-base")],
                       check=True)
    build(ROOT, args.work, "dist")
    build(base_code, args.work, "dist-base")
    rounds: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        newsgen.generate(1, corpus, start=have)
        have += 1
        rounds.append((build(ROOT, args.work, "dist"), build(base_code, args.work, "dist-base")))
        print(f"{have} articles: this {rounds[-1][0]:.1f} s, base {rounds[-1][1]:.1f} s",
              flush=True)
    new, base = (statistics.median(r[i] for r in rounds) for i in (0, 1))
    steps: list[tuple[str, int, float, float]] = [("add 1 article", have, base, new)]
    if args.more:
        for label, count in (("add 100 articles", 100), ("change 1 article", 0)):
            have = newsgen.grow(corpus, count, have)
            this, other = build(ROOT, args.work, "dist"), build(base_code, args.work, "dist-base")
            steps.append((label, have, other, this))
            print(f"{label}: this {this:.1f} s, base {other:.1f} s", flush=True)
    vs = " base vs full | this vs full |" if full else ""
    lines = [
        "# Adding to a publication", "",
        f"`bench/incremental.py --articles {args.articles} --rounds {args.rounds}"
        f"{' --more' if args.more else ''}` on {os.cpu_count()} cores: `kg build` after a "
        f"change to the corpus, this checkout against `--base`, alternating, same corpus, each "
        f"code with its own copy of the cache (adding 1 article: median of {args.rounds} rounds"
        + ("; the other steps once each" if args.more else "") + ").", "",
        "| step | articles after | base s | this s | this / base |" + vs,
        "| --- | ---: | ---: | ---: | ---: |" + (" ---: | ---: |" if full else ""),
    ]
    for label, count, b, t in steps:
        lines.append(f"| {label} | {count:,} | {b:.1f} | {t:.1f} | {t / b:.2f} |"
                     + (f" {b / full:.1%} | {t / full:.1%} |" if full else ""))
    lines += ["", "Rounds of adding 1 article (this / base, seconds): " + ", ".join(
        f"{t:.1f} / {b:.1f}" for t, b in rounds) + f", at {start + 1:,}-{start + len(rounds):,} "
        f"articles."]
    if full:
        lines += ["", f"Full build: {full:.1f} s{'; ' + args.full_note if args.full_note else ''}."]
    args.out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
