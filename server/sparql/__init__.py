"""The SPARQL 1.1 protocols over HTTP: query and update (``endpoint``, ``update``), the Graph
Store protocol (``graph_store``), the Service Description and VoID (``description``), admin
writes (``admin``), and the *front*: a WSGI layer
before Flask that replays cached answers (``front``) and answers simple lookups (``lookups``)
without entering Flask. Queries themselves run in ``server.engine``; result formats come from
``kg.formats``, negotiated by ``server.negotiation``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The executors, the answer cache and the protocol views of one app."""
    from kg.vocab import prefixes
    from server.engine.cache import ResultCache
    from server.engine.executors import ExecutorPool
    from server.engine.lookup_runner import LookupRunner
    from server.engine.remote import RemoteQueries
    from server.sparql import description, endpoint, graph_store
    from server.sparql.admin import Admin

    settings, limits = app.config["KG_SETTINGS"], app.config["KG_LIMITS"]
    # Declared for every query, as `kg query` does; the Service Description lists them.
    app.config["KG_PREFIXES"] = prefixes(settings.base_uri)
    admin = Admin.from_settings(settings, limits)
    app.extensions["kg_admin"] = admin
    if admin is not None:
        app.extensions["kg_store"].redirect = admin.snapshot
    app.extensions["kg_executors"] = ExecutorPool(
        limits.executors, role="reader", memory_mb=limits.query_memory_mb,
        sandbox=settings.executor_sandbox,
    )
    app.extensions["kg_lookups"] = LookupRunner(
        enabled=settings.inline_lookups, prefixes=frozenset(app.config["KG_PREFIXES"]),
        limit=limits.query_timeout,
    )
    app.extensions["kg_remote"] = RemoteQueries()
    app.extensions["kg_query_cache"] = ResultCache(limits.query_cache_mb << 20)
    for blueprint in (endpoint.bp, graph_store.bp, description.bp):
        app.register_blueprint(blueprint)


def install_front(app: Flask) -> None:
    """Wrap the finished app's WSGI callable with the front (unless ``KG_FAST_PATH`` is off)."""
    from server.sparql import front

    front.install(app)
