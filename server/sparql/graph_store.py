"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/data`` (indirect graph identification).

``?graph=<IRI>`` names a graph and ``?default`` the default graph; GET/HEAD read it, PUT
replaces it, POST adds to it (POST with neither creates a graph with a new IRI: 201 and
``Location``), DELETE drops it. A multipart/form-data POST adds the RDF merge of its parts
(section 5.5). Admin only, like SPARQL Update: every method needs the bearer
token (see ``server.sparql.admin``). Reads go through the query executors, writes through the
admin writer, each in one transaction.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kg.formats import GRAPHS, by_name
from kg.uris import Kind
from server import metrics
from server.admission import Busy
from server.engine import nesting
from server.engine.executors import ExecutorError
from server.engine.jobs import GraphJob, Reply
from server.errors import ProtocolError, problem
from server.limits import Limits, too_deep
from server.negotiation import NotAcceptable, UnknownFormat, choose
from server.sparql.admin import Admin, curator, unauthorised

bp = Blueprint("gsp", __name__)


@bp.errorhandler(ProtocolError)
def _bad(exc: ProtocolError) -> Response:
    return problem(exc.status, str(exc))


@bp.route("/data", methods=["GET", "PUT", "POST", "DELETE"])
def graph_store() -> Response:
    refused = unauthorised()
    if refused is not None:
        return refused
    limits: Limits = current_app.config["KG_LIMITS"]
    request.max_content_length = limits.max_upload_bytes  # uploads may exceed query bodies
    publication = current_app.extensions["kg_store"].publication()
    named, graph = _target()
    if request.method in ("GET", "HEAD"):  # HEAD: the same answer without its body
        return _read(graph, limits, publication)
    admin: Admin = current_app.extensions["kg_admin"]
    if request.method == "DELETE":
        return _answer(_write(admin, publication, "delete", graph), "delete")
    media = request.mimetype
    if not media:
        raise ProtocolError(415, "missing Content-Type; send the graph as Turtle, N-Triples, RDF/XML "
                   "or JSON-LD")
    if not named:  # POST to the store itself: a new graph with a server-made name
        graph = Kind.GRAPH.iri(current_app.config["KG_SETTINGS"].base_uri, f"admin-{uuid.uuid4().hex}")
    op = "put" if request.method == "PUT" else "post"
    if media == "multipart/form-data":
        if op != "post":
            raise ProtocolError(415, "multipart/form-data is for POST (the RDF merge of its parts); "
                                "PUT one document")
        parts = _parts()
    else:
        parts = (("", media, request.get_data(cache=False)),)
    for label, part_media, data in parts:  # before the writer's parser reads any of them
        if nesting.depth(data, part_media, limits.max_nesting) > limits.max_nesting:
            what = f"the posted {part_media}" + (f" ({label})" if label else "")
            raise ProtocolError(400, too_deep(what, limits.max_nesting))
    reply = _write(admin, publication, op, graph, parts=parts)
    response = _answer(reply, op)
    if not named and reply.ok:
        response.status_code = 201
        response.headers["Location"] = graph
    return response


def _target() -> tuple[bool, str | None]:
    """(whether the request names a graph, the graph IRI or None for the default graph)."""
    has_default, graphs = "default" in request.args, request.args.getlist("graph")
    if has_default and graphs:
        raise ProtocolError(400, "send either ?default or ?graph=<IRI>, not both")
    if len(graphs) > 1:
        raise ProtocolError(400, "send one ?graph=<IRI>")
    if graphs:
        try:
            ox.NamedNode(graphs[0])
        except ValueError:
            raise ProtocolError(400, f"graph {graphs[0]!r} is not an absolute IRI") from None
        return True, graphs[0]
    if has_default:
        return True, None
    if request.method != "POST":
        raise ProtocolError(400, "name the graph: ?graph=<IRI> or ?default")
    return False, None


def _parts() -> tuple[tuple[str, str, bytes], ...]:
    """The documents of a multipart POST (GSP 5.5): each file part with its media type, from
    its own Content-Type or, failing that, its file name's extension."""
    if not request.mimetype_params.get("boundary"):
        raise ProtocolError(400, "multipart/form-data without a boundary parameter")
    if request.form:
        raise ProtocolError(400, f"form field(s) {', '.join(sorted(request.form))} are not "
                            "documents: send each graph as a file part with its Content-Type")
    parts = []
    for field, upload in request.files.items(multi=True):
        name = upload.filename or field
        media = upload.mimetype
        if media in ("", "application/octet-stream") and "." in name:
            try:
                guessed = ox.RdfFormat.from_extension(name.rpartition(".")[2])
            except ValueError:
                guessed = None
            media = guessed.media_type if guessed is not None else media
        parts.append((f"part {name!r}", media or "no Content-Type", upload.read()))
    if not parts:
        raise ProtocolError(400, "no file part could be read from the multipart body (empty, "
                            "truncated, or its boundary is not the one in Content-Type); send "
                            "each graph as a file part")
    return tuple(parts)


def _read(graph: str | None, limits: Limits, publication) -> Response:
    try:
        fmt = choose(GRAPHS, request.accept_mimetypes, request.args.getlist("format"), "graphs")
    except UnknownFormat as exc:
        raise ProtocolError(400, str(exc)) from None
    except NotAcceptable as exc:
        raise ProtocolError(406, str(exc)) from None
    holder = current_app.extensions["kg_store"]
    job = GraphJob(
        store=str(holder.store_path(publication)), graph=graph, format=fmt.name,
        prefixes=current_app.config["KG_PREFIXES"], budget=limits.query_timeout,
    )
    try:
        with current_app.extensions["kg_admission"].hold("queries"):
            reply = current_app.extensions["kg_executors"].run(job, limits.query_timeout)
    except Busy as exc:
        return problem(503, str(exc), {"Retry-After": "1"})
    except ExecutorError as exc:
        return problem(503, f"graph read stopped: {exc}", {"Retry-After": "1"})
    if not reply.ok:
        status = {"not_found": 404, "not_representable": 406}.get(reply.code, 500)
        return problem(status, reply.message)
    response = Response(reply.body, content_type=by_name[reply.format].content_type)
    response.vary.add("Accept")
    return response


def _write(admin: Admin, publication, op: str, graph: str | None, **fields: object) -> Reply:
    target = "?default" if graph is None else f"?graph=<{graph}>"
    try:
        return admin.write(publication, op, graph=graph, agent=curator(),
                           request=f"Graph Store {request.method} {target}", **fields)
    except ExecutorError as exc:
        return Reply(ok=False, code="stopped", message=f"{exc}; nothing was changed")


def _answer(reply: Reply, op: str) -> Response:
    """201 for a graph that did not exist before, 204 otherwise (GSP sections 5.3-5.6)."""
    if not reply.ok:
        metrics.count_error(f"gsp_{reply.code}")
        status = {"not_found": 404, "media_type": 415, "bad_data": 400, "stopped": 503, "sandbox": 503,
                  "not_recorded": 503}
        return problem(status.get(reply.code, 500), reply.message)
    metrics.count_update(f"gsp_{op}")
    return Response(status=201 if reply.extra.get("created") else 204)
