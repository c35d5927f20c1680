"""Prometheus counters and the JSON access-log line, shared by the Flask views and the front.

Free of Flask so that the engine (which counts its own overruns) and the WSGI front (which
answers before Flask) record exactly what the Flask path records.

Under gunicorn or Granian every worker is its own process, so the metrics use
prometheus-client's multiprocess mode: ``kg serve`` points ``PROMETHEUS_MULTIPROC_DIR`` at a
fresh folder before this module is imported, each worker writes its samples there, and
``/metrics`` (whichever worker answers) adds them up. Without that variable (tests in one
process, ``--debug``) the ordinary in-process registry is used.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timezone

from prometheus_client import Counter, Histogram

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

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

#: Methods counted under their own name; any other (clients may invent them) is "other", so
#: the series stay a closed set however many methods a client sends.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in METHODS else "other"


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


def configure_access_log(target: str) -> None:
    """``-`` (standard output), a file path, or ``off``; the first configuration wins."""
    if access_log.handlers:
        return
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


def log_request(
    *, remote: str | None, method: str, path: str, query_bytes: int, status: int,
    size: int | None, elapsed: float, endpoint: str, agent: str | None,
    extra: dict | tuple = (),
) -> None:
    """One JSON line per answered request; the same fields whichever layer answered."""
    if access_log.disabled:
        return
    entry = {
        "ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "remote": remote,
        "method": method,
        "path": path,
        "query_bytes": query_bytes,
        "status": status,
        "bytes": size,
        "ms": round(elapsed * 1000, 2),
        "endpoint": endpoint,
        "agent": agent or None,
        "pid": os.getpid(),
    }
    entry.update(extra)
    access_log.info(json.dumps(entry, separators=(",", ":")))
