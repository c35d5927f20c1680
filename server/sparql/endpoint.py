"""The SPARQL 1.1 Protocol endpoint: ``/sparql`` for queries (and updates), ``/update``.

Follows https://www.w3.org/TR/sparql11-protocol/: queries by GET, by POST of an HTML form and
by POST of the query itself; ``default-graph-uri``/``named-graph-uri`` replace the query's own
dataset; 400 for a malformed or ambiguous request, 415 for a body we cannot read, 406 when no
acceptable format exists. ``GET /sparql`` without a query answers with the service
description (``server.sparql.description``).

Queries run in executor processes (``server.engine.executors``) so that one past the time limit can
be stopped, except simple lookups, whose cost is bounded by their form and which are answered
in the worker (``server.engine.lookup_runner``); with no dataset in the request the default graph is
the store's, which holds every triple of every article graph once (a set, as SPARQL's default
graph is), so a plain query sees every article. ``SERVICE`` is refused before
Oxigraph sees the query: the endpoint never makes outbound requests on a client's behalf.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, g, request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from kg.formats import GRAPHS, RESULTS, by_name
from server import bodies, metrics
from server.admission import Admission, Busy
from server.engine.cache import Answer, ResultCache
from server.engine.executors import ExecutorCrashed, ExecutorPool, QueryTimeout
from server.engine.jobs import QueryJob, Reply
from server.engine.lookup_runner import LookupRunner
from server.engine.remote import RemoteQueries, is_remote
from server.engine.syntax import Shape, shape
from server.errors import ProtocolError, problem
from server.limits import (
    CACHE_HEADER,
    ROW_LIMIT_HEADER,
    ROWS_HEADER,
    TIMEOUT_HEADER,
    TRUNCATED_HEADER,
    Limits,
    too_deep,
)
from server.negotiation import NotAcceptable
from server.sparql import description, update
from server.sparql.requests import answer_key, make_job, negotiate_formats

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
UTF8 = {"utf-8", "utf8"}


@bp.errorhandler(ProtocolError)
def _protocol_error(exc: ProtocolError) -> Response:
    metrics.count_error(f"http_{exc.status}")
    return problem(exc.status, str(exc))


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> BaseResponse:
    if request.method in ("GET", "HEAD"):
        args = request.args
        if "update" in args:
            raise ProtocolError(
                400, "SPARQL Update must be sent with POST (form field `update`, or a body of "
                "type application/sparql-update)"
            )
        if "query" not in args:
            if set(args) - {"format"}:
                raise ProtocolError(400, "missing `query` parameter")
            return description.service_description()
        return run_query(args.getlist("query"), args)
    return _post(accept_queries=True)


@bp.route("/update", methods=["POST"])
def update_endpoint() -> Response:
    return _post(accept_queries=False)


def _post(accept_queries: bool) -> Response:
    """Dispatch a POST on its media type, as section 2.1/2.2 of the protocol lays out."""
    media = request.mimetype
    charset = request.mimetype_params.get("charset")
    if not media:
        raise ProtocolError(415, f"missing Content-Type; send {_accepted(accept_queries)}")
    if charset is not None and charset.strip().lower() not in UTF8:
        raise ProtocolError(415, f"charset {charset!r} is not supported; send UTF-8")
    if media == FORM:
        params = MultiDict(request.args)
        params.update(_form_fields())
        if "query" in params and "update" in params:
            raise ProtocolError(400, "send either `query` or `update`, not both")
        if "update" in params:
            return update.run_update(params.getlist("update"), params)
        if "query" in params:
            if not accept_queries:
                raise ProtocolError(400, "this is the update endpoint; send queries to /sparql")
            return run_query(params.getlist("query"), params)
        raise ProtocolError(400, "missing `query` or `update` field in the form")
    if media == QUERY_TYPE and accept_queries:
        if "query" in request.args:
            raise ProtocolError(400, "the query is both in the body and in the URL; send one")
        return run_query([_body_text()], request.args)
    if media == UPDATE_TYPE:
        if "update" in request.args:
            raise ProtocolError(400, "the update is both in the body and in the URL; send one")
        return update.run_update([_body_text()], request.args)
    raise ProtocolError(
        415, f"cannot read a body of type {media}; send {_accepted(accept_queries)}"
    )


def _accepted(accept_queries: bool) -> str:
    types = [FORM, QUERY_TYPE, UPDATE_TYPE] if accept_queries else [FORM, UPDATE_TYPE]
    return ", ".join(types)


def _body_text() -> str:
    """The request body as UTF-8 text (over ``MAX_CONTENT_LENGTH``: 413 from Werkzeug)."""
    try:
        return request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the body is not valid UTF-8 (byte {exc.start})") from None


def _form_fields() -> list[tuple[str, str]]:
    """Form fields decoded strictly: Werkzeug would replace bad bytes and run a different query.

    Both percent-encoded UTF-8 (what browsers send) and raw UTF-8 bytes are accepted.
    """
    try:
        return parse_qsl(
            request.get_data(cache=False).decode("utf-8"), keep_blank_values=True,
            encoding="utf-8", errors="strict",
        )
    except UnicodeDecodeError:
        raise ProtocolError(
            400, "the form is not valid UTF-8 (percent-encode UTF-8 bytes)"
        ) from None


def graph_iris(params: MultiDict, name: str) -> list[str]:
    """``default-graph-uri`` / ``named-graph-uri`` values, each an absolute IRI."""
    values = params.getlist(name)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise ProtocolError(400, f"{name} {value!r} is not an absolute IRI") from None
    return values


def _formats(params: MultiDict, form: str | None) -> tuple[str | None, str | None]:
    """The negotiated format for bindings and for graphs (None where nothing is acceptable)."""
    accept = request.headers.get("Accept")
    outcome = negotiate_formats(accept, tuple(params.getlist("format")), form)
    if isinstance(outcome[0], int):
        raise ProtocolError(*outcome)  # a fresh exception: a cached one would grow tracebacks
    return outcome


def _timeout(params: MultiDict, limits: Limits) -> float:
    """The server's limit, or a smaller one the client asks for with ``timeout`` (seconds)."""
    raw = params.get("timeout")
    if raw is None:
        return limits.query_timeout
    try:
        value = float(raw)
    except ValueError:
        raise ProtocolError(400, f"timeout {raw!r} is not a number of seconds") from None
    if not value > 0:
        raise ProtocolError(400, "timeout must be a positive number of seconds")
    return min(value, limits.query_timeout)


def run_query(queries: list[str], params: MultiDict) -> Response:
    """Check the request, then answer from the worker's cache or from an executor."""
    if len(queries) != 1:
        raise ProtocolError(400, f"the request has {len(queries)} `query` parameters; send one")
    text = queries[0]
    if not text.strip():
        raise ProtocolError(400, bodies.empty("the query", request.environ))
    looks = shape(text)
    limits: Limits = current_app.config["KG_LIMITS"]
    if looks.depth > limits.max_nesting:
        raise ProtocolError(400, too_deep("the query", limits.max_nesting, looks.depth))
    if looks.calls_service:
        metrics.count_error("service_refused")
        raise ProtocolError(
            400, "federated queries (SERVICE) are disabled: this endpoint makes no outbound "
            "requests; download the dumps to combine our data with other sources"
        )
    if looks.unclear_dataset:  # FROM:g: FROM and :g for Oxigraph, or a name
        raise ProtocolError(
            400, f"{looks.unclear_dataset} is glued to a name outside the query's braces, so it "
            f"may be read as the keyword {looks.unclear_dataset}; write keywords apart from "
            "names (e.g. `FROM :g`) or use another prefix"
        )
    job = _job(text, looks, params, limits)
    cache: ResultCache = current_app.extensions["kg_query_cache"]
    key = answer_key(job)
    cacheable = cache.cacheable(looks)
    answer = cache.get(key) if cacheable else None
    metrics.count_cache("hit" if answer else "miss" if cacheable else "bypass")
    hit = answer is not None
    if answer is None:
        outcome = _execute(job, job.budget)
        if isinstance(outcome, Response):
            return outcome  # an error: nothing to keep
        answer = outcome
        if cacheable:
            cache.put(key, answer)
    response = _respond(answer, limits)
    response.headers[CACHE_HEADER] = "hit" if hit else "miss"
    return response


def _job(text: str, looks: Shape, params: MultiDict, limits: Limits) -> QueryJob:
    """What the executor needs: the store, the dataset, the formats and the limits."""
    defaults = graph_iris(params, "default-graph-uri")
    named = graph_iris(params, "named-graph-uri")
    bindings_format, graph_format = _formats(params, looks.form)
    holder = current_app.extensions["kg_store"]
    publication = holder.publication()
    return make_job(
        current_app.config, holder.query_store(publication), text,
        (bindings_format, graph_format), _timeout(params, limits), defaults, named,
        search_index=str(publication.search_path),
    )


def _execute(job: QueryJob, timeout: float) -> Answer | Response:
    """Run the job in this worker (a lookup, or any query of a release served from a remote
    store) or in an executor: its answer, or the error to send."""
    lookups: LookupRunner = current_app.extensions["kg_lookups"]
    pool: ExecutorPool = current_app.extensions["kg_executors"]
    remote: RemoteQueries = current_app.extensions["kg_remote"]
    admission: Admission = current_app.extensions["kg_admission"]
    try:
        reply: Reply | None
        if is_remote(job.store):
            reply = remote.run(job, timeout)
        else:
            reply = lookups.run(job) if lookups.accepts(job) else None
        if reply is None:
            with admission.hold("queries"):  # at most one per executor: no line forms
                reply = pool.run(job, timeout)
    except Busy as exc:
        metrics.count_error(f"busy_{exc.name}")
        return problem(503, str(exc), {"Retry-After": "1"})
    except QueryTimeout as exc:
        metrics.count_timeout()
        return problem(
            503, f"query stopped: {exc}. Narrow it (more specific patterns, LIMIT) or download "
            "the dumps from /dumps/ for whole-graph work.",
            {"Retry-After": "1", TIMEOUT_HEADER: f"{timeout:g}"},
        )
    except ExecutorCrashed as exc:
        metrics.count_error("executor_crashed")
        return problem(503, f"query stopped: {exc}.", {"Retry-After": "1"})
    if not reply.ok:
        return _failed(reply.code, reply.message)
    return Answer(reply.kind, reply.format, reply.body, reply.rows, reply.truncated)


def _respond(answer: Answer, limits: Limits) -> Response:
    response = Response(answer.body, content_type=by_name[answer.format].content_type)
    response.vary.add("Accept")
    if answer.kind != "boolean":
        response.headers[ROW_LIMIT_HEADER] = str(limits.max_rows)
        response.headers[TRUNCATED_HEADER] = "true" if answer.truncated else "false"
        response.headers[ROWS_HEADER] = str(answer.rows)
    metrics.count_query(answer.kind, answer.truncated)
    g.kg_log = {"rows": answer.rows, "truncated": answer.truncated, "result": answer.kind}
    return response


def _failed(code: str, message: str) -> Response:
    metrics.count_error(code)
    if code == "syntax":
        return problem(400, f"malformed query: {message}")
    if code == "not_acceptable":
        offered = RESULTS if message in ("SELECT", "ASK") else GRAPHS
        return problem(406, str(NotAcceptable(offered, f"{message} query results")))
    if code == "not_representable":  # another format can carry the answer: the client's choice
        return problem(406, message)
    if code == "memory":
        return problem(503, f"query stopped: {message}", {"Retry-After": "1"})
    if code == "remote":  # the store this release is served from, not the query
        return problem(502, message, {"Retry-After": "1"})
    if code == "sandbox":  # the server's set-up, not the query: say so, keep the 5xx
        return problem(503, f"no query can run on this server: {message}")
    return problem(500, f"the query failed: {message}")
