"""kg: build, validate, query and serve the newskg knowledge graph.

Each command exits non-zero with a one-line reason on failure.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.settings import SERVERS, Settings


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        base_uri=getattr(args, "base_uri", None),
        seeds_dir=getattr(args, "seeds", None),
        dist_dir=getattr(args, "dist", None),
    )


def _progress(args: argparse.Namespace):
    if getattr(args, "quiet", False):
        return lambda _msg: None
    return lambda msg: print(f"kg: {msg}", file=sys.stderr, flush=True)


def cmd_build(args: argparse.Namespace) -> int:
    from kg.pipeline import build

    settings = _settings(args)
    report = build(settings, strict=args.strict, progress=_progress(args),
                   workers=args.workers, scheduler=args.scheduler)
    pub = report.publication
    assert pub is not None and report.validation is not None
    print(f"published {pub.manifest.get('triples')} triples ({report.quads} quads in the store) "
          f"from {len(report.articles)} article(s): "
          f"{report.entities} entities, {report.relations} relations, {report.quotes} quotes; "
          f"{len(report.validation.warnings)} SHACL warning(s); release {pub.release_id} "
          f"at {settings.dist_dir}")
    if report.skipped:
        print(f"skipped {len(report.skipped)} file(s):")
        for item in report.skipped:
            print(f"  {item.reason}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Copy new articles into the corpus, then build: the cache makes it cost what they cost."""
    import shutil

    settings = _settings(args)
    settings.seeds_dir.mkdir(parents=True, exist_ok=True)
    for path in args.files:
        if not path.is_file() or path.suffix != ".txt":
            raise ValueError(f"{path}: not a .txt file")
        target = settings.seeds_dir / path.name
        if target.exists() and target.read_bytes() != path.read_bytes():
            raise ValueError(f"{target} exists with other content; rename {path.name} or edit "
                             f"the article in place and run kg build")
        if not target.exists():
            shutil.copyfile(path, target)
    return cmd_build(args)


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate an RDF file against our shapes, or (no file) the graph the seeds would give."""
    from rdflib import Graph

    from kg.pipeline import check, run_pipeline, shapes_of
    from kg.validate import validate
    from kg.vocab import schema_graph

    settings = _settings(args)
    if args.file:
        data = Graph()
        try:
            data.parse(args.file)
        except Exception as exc:
            raise ValueError(f"{args.file}: cannot parse RDF ({exc})") from None
        result = validate(data, shapes_of(settings), schema_graph(settings.base_uri))
    else:
        dataset, _ = run_pipeline(settings, strict=args.strict, progress=_progress(args))
        result = check(dataset, settings)
    print(result.text(limit=args.limit))
    if args.report:
        result.report.serialize(args.report, format="turtle")
    return 0 if result.conforms else 1


def cmd_query(args: argparse.Namespace) -> int:
    from kg.query import run_query

    settings = _settings(args)
    text = sys.stdin.read() if args.sparql == "-" else args.sparql
    print(run_query(settings, text, args.format), end="")
    return 0


#: The evaluation sets: (articles, gold) under the project; ``kg eval`` scores each apart.
EVAL_SETS = {
    "seeds": ("seeds", "tests/gold"),
    "unseen": ("tests/articles", "tests/gold/unseen"),
    "news": ("tests/news", "tests/gold/news"),
}


def cmd_eval(args: argparse.Namespace) -> int:
    """Score one folder against its gold (``--seeds``/``--gold``), else every evaluation set,
    each in its own table: a set written to suit the patterns must not hide another."""
    from kg.pipeline import evaluate_corpus
    from kg.settings import PROJECT_ROOT

    if args.seeds or args.gold:
        base = _settings(args)
        runs = [("", base, args.gold or PROJECT_ROOT / "tests" / "gold")]
    else:
        names = list(EVAL_SETS) if args.set == "all" else [args.set]
        runs = [(name, Settings.from_env(seeds_dir=PROJECT_ROOT / EVAL_SETS[name][0]),
                 PROJECT_ROOT / EVAL_SETS[name][1]) for name in names]
    ok = True
    for name, settings, gold in runs:
        result = evaluate_corpus(settings, gold, progress=_eval_progress)
        if name:
            print(f"== {name}: {settings.seeds_dir.relative_to(PROJECT_ROOT)} against "
                  f"{gold.relative_to(PROJECT_ROOT)}")
        print(result.table())
        if args.errors:
            for kind, score in result.scores.items():
                print(f"\n{kind} errors:")
                print("\n".join(f"  {e}" for e in score.errors) or "  none")
        ok = ok and all(result.meets_targets().values())
    return 0 if not args.check or ok else 1


def _eval_progress(msg: str) -> None:
    """``kg eval`` reports only what it skipped; its output is the score table."""
    if msg.startswith("skipped "):
        print(f"kg eval: {msg}", file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve import run

    run(_settings(args), args.host, args.port, args.workers, debug=args.debug,
        threads=args.threads, server=args.server)
    return 0


def _common(parser: argparse.ArgumentParser, seeds: bool = False) -> None:
    parser.add_argument("--dist", type=Path, help="publication link (env KG_DIST, default dist)")
    parser.add_argument("--base-uri", help="base of minted URIs (env KG_BASE_URI)")
    if seeds:
        parser.add_argument("--seeds", type=Path, help="article folder (env KG_SEEDS)")
        parser.add_argument("--strict", action="store_true",
                            help="stop at the first unreadable file instead of skipping it")
        parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")


def _parallel(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None,
                        help="local worker processes (env KG_WORKERS; default all cores)")
    parser.add_argument("--scheduler", default=None,
                        help="a Dask scheduler address, e.g. tcp://host:8786 (env KG_SCHEDULER)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="read the seeds, extract, validate and publish",
                           description="Build the knowledge graph from the seeds and publish "
                           "dumps and the Oxigraph store atomically; a failed build publishes "
                           "nothing and leaves the previous publication in place.")
    _common(build, seeds=True)
    _parallel(build)
    build.set_defaults(func=cmd_build)

    add = sub.add_parser("add", help="add articles and publish a new release",
                         description="Copy the files into the article folder and publish a new "
                         "release; only the new articles are parsed (the others come from the "
                         "build cache), and resolution stays global.")
    add.add_argument("files", nargs="+", type=Path, help="UTF-8 .txt articles")
    _common(add, seeds=True)
    _parallel(add)
    add.set_defaults(func=cmd_add)

    val = sub.add_parser("validate", help="SHACL-validate a file, or the graph the seeds give",
                         description="Validate against shapes/. Exit 1 when a Violation is "
                         "found; warnings are reported but do not fail.")
    val.add_argument("file", nargs="?", help="an RDF file (any format rdflib reads)")
    val.add_argument("--report", type=Path, help="also write the SHACL report (Turtle) here")
    val.add_argument("--limit", type=int, default=20, help="findings to print")
    _common(val, seeds=True)
    val.set_defaults(func=cmd_validate)

    query = sub.add_parser("query", help="run SPARQL against the published store",
                           description="Run a SPARQL query against the current publication "
                           "(all graphs as the default graph). Use - to read it from stdin.")
    query.add_argument("sparql", help="the query text, or - for stdin")
    query.add_argument("--format", choices=("table", "csv", "tsv", "json", "turtle"),
                       default="table")
    _common(query)
    query.set_defaults(func=cmd_query)

    ev = sub.add_parser("eval", help="score extraction against hand-annotated gold",
                        description="Precision, recall and F1 of entities, relations and quotes "
                        "against the gold annotations (tests/gold by default).")
    ev.add_argument("--set", choices=[*EVAL_SETS, "all"], default="all",
                    help="which evaluation set to score (default: each of them, apart)")
    ev.add_argument("--gold", type=Path, default=None,
                    help="folder of <doc_id>.json gold files (with --seeds: score that folder)")
    ev.add_argument("--errors", action="store_true", help="list every false positive/negative")
    ev.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ev.add_argument("--seeds", type=Path, help="article folder (env KG_SEEDS)")
    ev.set_defaults(func=cmd_eval)

    serve = sub.add_parser("serve", help="serve the publication over HTTP",
                           description="SPARQL endpoint, dumps and linked-data pages under "
                           "Granian (or gunicorn); --debug runs Flask's development server.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--workers", type=int, default=4, help="worker processes")
    serve.add_argument("--threads", type=int, default=None,
                       help="request threads per worker (env KG_THREADS; default 8)")
    serve.add_argument("--server", choices=list(SERVERS), default=None,
                       help="HTTP server (env KG_SERVER; default granian)")
    serve.add_argument("--debug", action="store_true", help="Flask's dev server, one process")
    _common(serve)
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `kg query ... | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0
    except Exception as exc:  # one-line reason (plus a report where there is one), non-zero
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # `python -m kg.cli ...` runs the command, as `kg ...` does
    raise SystemExit(main())
