"""Operations: ``/healthz``, Prometheus ``/metrics`` and the access log of every Flask request.

The counters themselves live in ``server.metrics`` (no Flask), so the engine and the WSGI front
count into the same series.
"""

from __future__ import annotations

import ipaddress
import os
import time

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from server import metrics
from server.errors import problem
from server.state import NoPublication

bp = Blueprint("ops", __name__)


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
        triples=manifest.get("triples"), quads=manifest.get("quads"),
        base_uri=manifest.get("base_uri"),
    ), 200



def _may_read_metrics() -> bool:
    who = current_app.config["KG_SETTINGS"].metrics
    if who == "open":
        return True
    if who == "admin":
        admin = current_app.extensions.get("kg_admin")
        return admin is not None and admin.authorised(request.headers.get("Authorization"))
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.route("/metrics", endpoint="metrics")
def metrics_view() -> Response:
    if not _may_read_metrics():
        return problem(403, "the metrics are not public here: ask from the server itself, or "
                       "set KG_METRICS=open (or admin, with the admin token)")
    if os.environ.get(metrics.MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Time, count and log every request of the app (not only this blueprint's)."""
    metrics.configure_access_log(app.config["KG_SETTINGS"].access_log)
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(bp)


def _start() -> None:
    g.kg_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("kg_started")
    elapsed = time.perf_counter() - started if started is not None else 0.0
    endpoint = request.url_rule.rule if request.url_rule is not None else "unmatched"
    method = metrics.method_label(request.method)
    metrics.REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
    metrics.LATENCY.labels(endpoint).observe(elapsed)
    metrics.log_request(
        remote=request.remote_addr, method=request.method, path=request.path,
        query_bytes=len(request.query_string), status=response.status_code,
        size=response.calculate_content_length(), elapsed=elapsed, endpoint=endpoint,
        agent=request.user_agent.string, extra=g.get("kg_log", {}),
    )
    return response
