"""The `kg` command: build, validate, query, serve, eval. I/O lives here; the stages stay pure."""

from __future__ import annotations

import argparse
import sys

from kg.config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(
        base_uri=getattr(args, "base_uri", None),
        seeds_dir=getattr(args, "seeds", None),
        dist_dir=getattr(args, "dist", None),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from kg.serve import run

    run(_settings(args), args.host, args.port, args.workers, debug=args.debug)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the current publication over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    serve.add_argument("--debug", action="store_true", help="Flask's dev server, one process")
    serve.add_argument("--dist", type=__import__("pathlib").Path, help="publication link (KG_DIST)")
    serve.add_argument("--base-uri", help="base URI of minted URIs (KG_BASE_URI)")
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # one-line reason, non-zero exit
        print(f"kg {args.command}: error: {exc}", file=sys.stderr)
        return 1
