"""The Flask application: SPARQL endpoint, dumps, linked-data pages and service metadata.

One blueprint per concern, created by an application factory (Flask's own pattern), so tests
and gunicorn workers each get a fresh app configured from ``kg.config.Settings``. Imports of
the web stack happen inside the factory: query executor processes import ``server.*`` modules
and should not pay for Flask.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

    from kg.config import Settings

#: Blueprints written by other modules that may not exist yet; each module exposes ``bp``.
OPTIONAL_BLUEPRINTS = ("server.resources", "server.home", "server.docs", "server.shacl_service")
#: Headers a browser script may read on cross-origin responses.
EXPOSED_HEADERS = [
    "X-KG-Row-Limit", "X-KG-Truncated", "X-KG-Rows", "X-KG-Query-Timeout", "X-KG-Cache", "ETag",
    "Last-Modified", "Content-Disposition", "Content-Range", "Accept-Ranges", "Retry-After",
    "Location", "Vary",
]
#: Everything is readable cross-origin except the write endpoints.
CORS_PATHS = r"^/(?!update$|data$).*"
#: Text results worth compressing (flask-compress skips small bodies and streamed files).
COMPRESSED_TYPES = [
    "application/sparql-results+json", "application/sparql-results+xml", "text/csv",
    "text/tab-separated-values", "text/turtle", "application/n-triples", "application/rdf+xml",
    "application/ld+json", "application/trig", "application/n-quads", "text/n3",
    "application/json", "text/html", "text/plain",
]


def create_app(settings: Settings | None = None) -> Flask:
    from flask import Flask, request
    from flask_compress import Compress
    from flask_cors import CORS
    from werkzeug.exceptions import MethodNotAllowed, RequestEntityTooLarge

    from kg.config import Settings
    from kg.vocab import STANDARD_PREFIXES, ontology_ns
    from server import dumps, fastpath, meta, ops, sparql, sparql_gsp
    from server.limits import Limits, problem
    from server.sparql_admin import Admin
    from server.sparql_cache import ResultCache
    from server.sparql_exec import ExecutorPool
    from server.sparql_inline import InlineRunner
    from server.sparql_inline import enabled as inline_enabled
    from server.store import NoPublication, StoreHolder

    settings = settings or Settings.from_env()
    limits = Limits.from_env()
    app = Flask(__name__)
    app.config["KG_SETTINGS"] = settings
    app.config["KG_LIMITS"] = limits
    app.config["MAX_CONTENT_LENGTH"] = limits.max_request_bytes
    app.config["KG_PREFIXES"] = {
        **{prefix: str(ns) for prefix, ns in STANDARD_PREFIXES.items()},
        "kg": ontology_ns(settings.base_uri),
    }
    app.config.update(
        COMPRESS_MIMETYPES=COMPRESSED_TYPES, COMPRESS_STREAMS=False, COMPRESS_MIN_SIZE=1024
    )
    admin = Admin.from_env(settings.dist_dir, limits)
    app.extensions["kg_admin"] = admin
    app.extensions["kg_store"] = StoreHolder(
        settings.dist_dir, redirect=admin.snapshot if admin else None,
        base_uri=settings.base_uri,
    )
    app.extensions["kg_executors"] = ExecutorPool(
        limits.executors, role="reader", memory_mb=limits.query_memory_mb
    )
    app.extensions["kg_inline"] = InlineRunner(
        enabled=inline_enabled(), prefixes=frozenset(app.config["KG_PREFIXES"]),
        limit=limits.query_timeout,
    )
    app.extensions["kg_query_cache"] = ResultCache(limits.query_cache_mb << 20)

    @app.errorhandler(NoPublication)
    def _no_publication(exc: NoPublication):
        return problem(503, f"service unavailable: {exc}", {"Retry-After": "30"})

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(exc: RequestEntityTooLarge):
        ops.count_error("too_large")
        allowed = request.max_content_length or limits.max_request_bytes
        if request.content_length is not None and request.content_length <= allowed:
            # the body fits; Werkzeug's form parser refused one of its own limits
            return problem(413, f"the form is too large to read: a field without a file name over "
                           f"{request.max_form_memory_size} bytes or more than "
                           f"{request.max_form_parts} parts; send documents as file parts")
        return problem(413, f"the request body is larger than the {allowed} bytes allowed here")

    @app.errorhandler(MethodNotAllowed)
    def _method_not_allowed(exc: MethodNotAllowed):
        allowed = sorted(exc.valid_methods or [])
        return problem(
            405, f"{exc.description} Allowed: {', '.join(allowed)}.",
            {"Allow": ", ".join(allowed)},
        )

    ops.init_app(app)
    for blueprint in (sparql.bp, sparql_gsp.bp, meta.bp, dumps.bp, ops.bp):
        app.register_blueprint(blueprint)
    for name in OPTIONAL_BLUEPRINTS:
        if importlib.util.find_spec(name) is not None:  # not written yet: start without it
            app.register_blueprint(importlib.import_module(name).bp)
    CORS(app, resources={CORS_PATHS: {"origins": "*", "send_wildcard": True,
                                     "expose_headers": EXPOSED_HEADERS}})
    Compress(app)
    fastpath.install(app)  # outermost: replays cached /sparql answers without entering Flask
    return app
