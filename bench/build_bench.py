"""Build benchmark: where the time and memory of `kg build` go, as ratios to a baseline.

The baseline, measured in the same run on the same text, is the bare en_core_web_sm pipeline
(``nlp.pipe``) over the corpus: the least any spaCy-based extractor has to spend. Absolute
seconds drift on shared machines; the ratios are what to compare between runs.

    .venv/bin/python bench/build_bench.py [--copies 4] [--out bench/results-build.md]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from kg.corpus import nlp_text, read_corpus
from kg.extract import extract
from kg.gazetteer import load_gazetteer
from kg.nlp import load_model, parse, pipeline
from kg.pipeline import check
from kg.rdf import to_rdf
from kg.release.publish import publish
from kg.release.void import describe
from kg.resolve import resolve
from kg.settings import PROJECT_ROOT, Settings
from kg.validate import load_shapes
from kg.vocab import ONTOLOGY_FILE, load_turtle


def corpus_copies(folder: Path, copies: int) -> Path:
    """The seeds repeated (under new names) so that timings rise above start-up noise."""
    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    for n in range(copies):
        for path in sorted(folder.glob("*.txt")):
            shutil.copy(path, work / f"{n:02d}_{path.name}")
    return work


def timed(label: str, results: list[tuple[str, float]], fn):
    start = time.perf_counter()
    value = fn()
    results.append((label, time.perf_counter() - start))
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=4, help="times the seed corpus is repeated")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results-build.md")
    args = parser.parse_args()

    seeds = corpus_copies(PROJECT_ROOT / "seeds", args.copies)
    dist = Path(tempfile.mkdtemp(prefix="kg-bench-dist-")) / "dist"
    settings = Settings.from_env(seeds_dir=seeds, dist_dir=dist)
    stages: list[tuple[str, float]] = []

    articles, _ = timed("corpus (read, segment)", stages,
                        lambda: read_corpus(seeds, settings.max_doc_bytes))
    chars = sum(len(a.text) for a in articles)
    bare = load_model()
    baseline: list[tuple[str, float]] = []
    timed("baseline: bare en_core_web_sm nlp.pipe", baseline,
          lambda: list(bare.pipe((nlp_text(a) for a in articles), batch_size=4)))
    pipeline()  # load outside the timings, like the baseline's model
    docs = timed("nlp (spaCy + our components)", stages, lambda: list(parse(articles)))
    extractions = timed("extract", stages, lambda: [extract(a, d) for a, d in docs])
    gazetteer = load_gazetteer()
    res = timed("resolve", stages, lambda: resolve(extractions, gazetteer))
    dataset = timed("rdf", stages, lambda: to_rdf(extractions, res, settings.base_uri, gazetteer))
    result = timed("validate (pyshacl)", stages, lambda: check(dataset, settings))
    timed("publish (dumps, VoID, Oxigraph)", stages, lambda: publish(
        dataset, dist, base_uri=settings.base_uri, void=describe(dataset, settings.base_uri),
        report=result.report, ontology=load_turtle(ONTOLOGY_FILE, settings.base_uri),
        shapes=load_shapes(settings.base_uri)))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    base = baseline[0][1]
    total = sum(t for _, t in stages)
    quads = len(list(dataset.quads((None, None, None, None))))
    lines = [
        "# Build benchmark",
        "",
        f"Corpus: the {len(list((PROJECT_ROOT / 'seeds').glob('*.txt')))} seed articles x "
        f"{args.copies} = {len(articles)} articles, {chars:,} characters; {quads:,} quads "
        f"published. Command: `.venv/bin/python bench/build_bench.py --copies {args.copies}`.",
        "",
        f"Baseline (same run): bare en_core_web_sm `nlp.pipe` over the same text = 1.00 "
        f"({base:.2f} s here).",
        "",
        "| stage | x baseline |",
        "| --- | ---: |",
        *[f"| {label} | {t / base:.2f} |" for label, t in stages],
        f"| **whole build** | **{total / base:.2f}** |",
        "",
        f"Peak resident memory of the process: {peak_mib:,.0f} MiB.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.rmtree(dist.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
