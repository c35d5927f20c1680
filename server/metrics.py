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
from bisect import bisect_left
from collections.abc import Callable
from datetime import datetime, timezone

from prometheus_client import Counter, Histogram, values

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


def answered(
    cache: Counter, queries: Counter, requests: Counter, latency: Histogram
) -> Callable[[bool, float], None]:
    """``record(truncated, elapsed)``: the samples of one ``/sparql`` answer the front sends,
    as ``count_cache``, ``count_query``, ``REQUESTS`` and ``LATENCY`` record them (children
    already labelled), written together.

    In multiprocess mode each public call takes prometheus-client's lock, asks ``getpid`` (to
    notice a fork) and packs its value into the mmap: ~1.1 us apiece, ~5.5 us for the five
    values of an answer, on the path of every request the front answers. Here the five take
    the same lock once, check the process once, and write the same values to the same files,
    so ``/metrics`` reads exactly what the public calls would have written. When the library's
    internals are not the ones this was written against, the public calls are made instead.
    """
    lock = _multiprocess_lock()
    children = (cache, queries, requests)
    try:
        counted = tuple(child._value for child in children)
        truncated_value = TRUNCATED._value
        with_truncated = (*counted, truncated_value)
        sums, buckets = latency._sum, latency._buckets
        bounds = list(latency._upper_bounds)
        check = counted[0]._MmapedValue__check_for_pid_change
        writable = all(
            hasattr(value, "_file") and hasattr(value, "_key")
            for value in (*counted, truncated_value, sums, *buckets)
        )
    except AttributeError:
        lock, writable = None, False
    if lock is None or not writable:
        def record(truncated: bool, elapsed: float) -> None:
            cache.inc()
            queries.inc()
            if truncated:
                TRUNCATED.inc()
            requests.inc()
            latency.observe(elapsed)
        return record

    def record_together(truncated: bool, elapsed: float) -> None:
        # Histogram.observe: the sum, then the first bucket whose bound is >= elapsed (the
        # last bound is +Inf); each value written as MmapedValue.inc writes it
        bucket = buckets[bisect_left(bounds, elapsed)]
        with lock:
            check()  # after a fork: this process's own files, as every public call does
            for value in with_truncated if truncated else counted:
                value._value += 1.0
                value._timestamp = 0.0
                value._file.write_value(value._key, value._value, 0.0)
            sums._value += elapsed
            sums._timestamp = 0.0
            sums._file.write_value(sums._key, sums._value, 0.0)
            bucket._value += 1.0
            bucket._timestamp = 0.0
            bucket._file.write_value(bucket._key, bucket._value, 0.0)

    return record_together


def _multiprocess_lock():
    """The lock prometheus-client's mmap-backed values share (one per process), or None in
    single-process mode or when its value class is not the one expected."""
    value_class = values.ValueClass
    inc = getattr(value_class, "inc", None)
    if not getattr(value_class, "_multiprocess", False) or inc is None:
        return None
    cells = dict(zip(inc.__code__.co_freevars, inc.__closure__ or (), strict=False))
    lock = cells.get("lock")
    return None if lock is None else lock.cell_contents


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
