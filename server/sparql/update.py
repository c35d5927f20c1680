"""SPARQL 1.1 Update over the protocol (section 2.2): only on an admin server, only with the token.

The update runs in the admin writer process as one transaction (Oxigraph applies a request
all-or-nothing), within ``KG_UPDATE_TIMEOUT``; see ``server.sparql.admin`` for where it goes.
``LOAD`` and ``SERVICE`` are refused like ``SERVICE`` in queries: the server fetches nothing.
``using-graph-uri`` / ``using-named-graph-uri`` become USING clauses in the text
(``server.engine.update_dataset``): Oxigraph's update takes no dataset.
"""

from __future__ import annotations

from flask import Response, current_app, request
from werkzeug.datastructures import MultiDict

from server import bodies, metrics
from server.engine.executors import ExecutorError
from server.engine.syntax import shape
from server.engine.update_dataset import (
    USING_NAMED_PARAM,
    USING_PARAM,
    DatasetError,
    with_dataset,
)
from server.errors import problem
from server.limits import Limits, too_deep
from server.sparql.admin import Admin, curator, unauthorised


def run_update(updates: list[str], params: MultiDict) -> Response:
    refused = unauthorised()
    if refused is not None:
        return refused
    if len(updates) != 1:
        return problem(400, f"the request has {len(updates)} `update` parameters; send one")
    text = updates[0]
    if not text.strip():
        return problem(400, bodies.empty("the update", request.environ))
    limits: Limits = current_app.config["KG_LIMITS"]
    depth = shape(text).depth
    if depth > limits.max_nesting:  # before the dataset rewrite and Oxigraph read it
        return problem(400, too_deep("the update", limits.max_nesting, depth))
    try:  # the protocol's dataset (section 2.2.3), written into the text as USING clauses
        text = with_dataset(
            text, params.getlist(USING_PARAM), params.getlist(USING_NAMED_PARAM)
        )
    except DatasetError as exc:
        return problem(400, str(exc))
    looks = shape(text)
    if looks.loads or looks.calls_service:
        return problem(400, "LOAD and SERVICE are disabled: the server makes no outbound requests")
    admin: Admin = current_app.extensions["kg_admin"]
    publication = current_app.extensions["kg_store"].publication()
    try:
        reply = admin.write(
            publication, "update", text=text, base_iri=current_app.config["KG_SETTINGS"].base_uri,
            agent=curator(), request="SPARQL Update",
        )
    except ExecutorError as exc:
        metrics.count_error("update_stopped")
        return problem(503, f"update stopped, nothing was changed: {exc}", {"Retry-After": "1"})
    if not reply.ok:
        metrics.count_error(f"update_{reply.code}")
        if reply.code == "syntax":
            return problem(400, f"malformed update: {reply.message}")
        if reply.code == "evaluation":  # e.g. DROP of a graph that does not exist
            return problem(400, f"the update failed, nothing was changed: {reply.message}")
        if reply.code == "not_recorded":  # the curation log could not be written
            return problem(503, reply.message, {"Retry-After": "5"})
        return problem(500, f"the update failed, nothing was changed: {reply.message}")
    metrics.count_update("update")
    return Response(status=204)
