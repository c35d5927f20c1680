"""Operations: ``/healthz``, Prometheus ``/metrics`` and one JSON line of access log per request.

Under gunicorn every worker is its own process, so the metrics use prometheus-client's
multiprocess mode: ``kg serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before
this module is imported, each worker writes its samples there, and ``/metrics`` (whichever
worker answers) adds them up. Without that variable (tests in one process, ``--debug``) the
ordinary in-process registry is used.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from datetime import datetime, timezone

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from server.store import NoPublication

bp = Blueprint("ops", __name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
ACCESS_LOG_ENV = "KG_ACCESS_LOG"

REQUESTS = Counter(
    "kg_http_requests_total", "HTTP requests answered", ["method", "endpoint", "status"]
)
LATENCY = Histogram(
    "kg_http_request_duration_seconds", "Time to answer an HTTP request", ["endpoint"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUERIES = Counter("kg_sparql_queries_total", "SPARQL queries answered", ["result"])
QUERY_ERRORS = Counter(
    "kg_sparql_query_errors_total", "SPARQL requests refused or failed", ["reason"]
)
TIMEOUTS = Counter("kg_sparql_timeouts_total", "SPARQL queries stopped at the time limit")
TRUNCATED = Counter("kg_sparql_truncated_total", "SPARQL results cut at the row limit")
UPDATES = Counter("kg_updates_total", "Writes applied on an admin server", ["operation"])
CACHE = Counter(
    "kg_sparql_cache_total", "Query answers served from the worker cache or not", ["outcome"]
)

access_log = logging.getLogger("kg.access")


def count_query(result: str, truncated: bool) -> None:
    QUERIES.labels(result).inc()
    if truncated:
        TRUNCATED.inc()


def count_error(reason: str) -> None:
    QUERY_ERRORS.labels(reason).inc()


def count_timeout() -> None:
    TIMEOUTS.inc()
    QUERY_ERRORS.labels("timeout").inc()


def count_cache(outcome: str) -> None:
    CACHE.labels(outcome).inc()


def count_update(operation: str) -> None:
    UPDATES.labels(operation).inc()


@bp.route("/healthz")
def healthz() -> tuple[Response, int]:
    """200 with the live release, 503 (with the reason) when there is nothing to serve."""
    try:
        publication, _store = current_app.extensions["kg_store"].get()
        manifest = publication.manifest
    except (NoPublication, OSError, ValueError) as exc:
        return jsonify(status="unavailable", error=str(exc)), 503
    return jsonify(
        status="ok", release=publication.release_id, created=manifest.get("created"),
        quads=manifest.get("quads"), base_uri=manifest.get("base_uri"),
    ), 200


@bp.route("/metrics")
def metrics() -> Response:
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Time, count and log every request of the app (not only this blueprint's)."""
    _configure_access_log()
    app.before_request(_start)
    app.after_request(_finish)


def _configure_access_log() -> None:
    """``KG_ACCESS_LOG``: ``-`` (standard output, the default), a file path, or ``off``."""
    if access_log.handlers:
        return
    target = os.environ.get(ACCESS_LOG_ENV, "-")
    access_log.propagate = False
    if target.lower() in ("off", "none", ""):
        access_log.disabled = True
        return
    handler: logging.Handler = (
        logging.StreamHandler(sys.stdout) if target == "-" else logging.FileHandler(target)
    )
    handler.setFormatter(logging.Formatter("%(message)s"))
    access_log.addHandler(handler)
    access_log.setLevel(logging.INFO)


def _start() -> None:
    g.kg_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("kg_started")
    elapsed = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    LATENCY.labels(endpoint).observe(elapsed)
    if not access_log.disabled:
        entry = {
            "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "remote": request.remote_addr,
            "method": request.method,
            "path": request.path,
            "query_bytes": len(request.query_string),
            "status": response.status_code,
            "bytes": response.calculate_content_length(),
            "ms": round(elapsed * 1000, 2),
            "endpoint": endpoint,
            "agent": request.user_agent.string or None,
            "pid": os.getpid(),
        }
        entry.update(g.get("kg_log", {}))
        access_log.info(json.dumps(entry, separators=(",", ":")))
    return response
