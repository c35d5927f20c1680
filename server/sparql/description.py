"""Descriptions of the service and the dataset: the SPARQL Service Description served at
``GET /sparql`` (https://www.w3.org/TR/sparql11-service-description/) and the VoID description
at ``/.well-known/void`` (https://www.w3.org/TR/void/#well-known).

Both are RDF, negotiated over the same formats as CONSTRUCT results. The service description
is generated from the store (its named graphs and their sizes), once per release and worker;
the VoID document is the one the build wrote into the release, converted when asked for
another format.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from kg import vocab
from kg.formats import GRAPHS, RESULTS, UPDATE_INPUTS, by_name
from kg.release.publication import VOID_FILE
from server.engine.text_functions import FUNCTION_DOCS
from server.engine.worker import write_triples
from server.errors import ProtocolError, problem
from server.limits import Limits
from server.memo import Memo
from server.negotiation import NotAcceptable, UnknownFormat, choose

bp = Blueprint("meta", __name__)

SD, VOID, RDFS, DCTERMS = (str(ns) for ns in (vocab.SD, vocab.VOID, vocab.RDFS, vocab.DCTERMS))
RDF_TYPE = ox.NamedNode(str(vocab.RDF.type))
XSD_INTEGER = ox.NamedNode(str(vocab.XSD.integer))

_rendered: Memo[bytes] = Memo(64)


def _negotiate() -> str | None:
    """The RDF format to answer in, or None when the client prefers HTML (a browser)."""
    accept, requested = request.accept_mimetypes, request.args.getlist("format")
    if not requested and accept.provided:
        html = by_name["html"].media_type
        offers = [t for f in GRAPHS for t in f.protocol_types] + [html]
        if accept.best_match(offers) == html:
            return None
    try:
        return choose(GRAPHS, accept, requested, "descriptions").name
    except UnknownFormat as exc:
        raise ProtocolError(400, str(exc)) from None
    except NotAcceptable as exc:
        raise ProtocolError(406, str(exc)) from None


@bp.errorhandler(ProtocolError)
def _bad(exc: ProtocolError) -> Response:
    return problem(exc.status, str(exc))


def service_description() -> BaseResponse:
    """``GET /sparql`` with no query: what the endpoint offers, in a negotiated RDF format."""
    try:
        fmt = _negotiate()
    except ProtocolError as exc:
        return problem(exc.status, str(exc))
    if fmt is None:
        if "home" in current_app.blueprints:  # people get the front page, machines the RDF
            return redirect("/", code=303)
        fmt = "turtle"
    holder = current_app.extensions["kg_store"]
    publication, store = holder.get()
    admin = current_app.extensions.get("kg_admin") is not None
    key = ("sd", str(holder.store_path(publication)), fmt, admin)
    prefixes = current_app.config["KG_PREFIXES"]
    # an admin server's data changes with each write: its count is taken from the store
    recorded = None if admin else publication.manifest.get("default_graph_triples")
    body = _rendered.get(key, lambda: write_triples(_describe_service(store, admin, recorded), fmt,
                                                    prefixes))
    response = Response(body, content_type=_content_type(fmt))
    response.vary.add("Accept")
    return response


def _content_type(fmt: str) -> str:
    return by_name[fmt].content_type


def _describe_service(store: ox.Store, admin: bool, recorded: int | None) -> list[ox.Triple]:
    settings = current_app.config["KG_SETTINGS"]
    limits: Limits = current_app.config["KG_LIMITS"]
    base = settings.base_uri
    service = ox.NamedNode(f"{base}sparql")
    out: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    sd = lambda term: ox.NamedNode(SD + term)  # noqa: E731 - a local shorthand
    add(service, RDF_TYPE.value, sd("Service"))
    add(service, SD + "endpoint", service)
    add(service, SD + "supportedLanguage", sd("SPARQL11Query"))
    if admin:
        add(service, SD + "supportedLanguage", sd("SPARQL11Update"))
        for fmt in UPDATE_INPUTS:
            add(service, SD + "inputFormat", ox.NamedNode(str(fmt.w3c)))
        add(service, SD + "feature", sd("EmptyGraphs"))
    for fmt in (*RESULTS, *GRAPHS):  # what the endpoint writes
        add(service, SD + "resultFormat", ox.NamedNode(str(fmt.w3c)))
    add(service, SD + "feature", sd("UnionDefaultGraph"))
    add(service, SD + "defaultEntailmentRegime",
        ox.NamedNode(str(vocab.ENTAILMENT.Simple)))
    add(service, DCTERMS + "title", ox.Literal("newskg SPARQL endpoint", language="en"))
    add(service, RDFS + "comment", ox.Literal(
        "SPARQL 1.1 Protocol endpoint over the newskg knowledge graph. Without FROM, FROM NAMED, "
        "default-graph-uri or named-graph-uri the default graph is the union of all graphs, each "
        "triple once. "
        f"Queries are stopped after {limits.query_timeout:g} s (503); results stop at "
        f"{limits.max_rows} rows or triples, reported in the X-KG-Row-Limit and X-KG-Truncated "
        "response headers; SERVICE is disabled. The usual prefixes "
        f"({', '.join(current_app.config['KG_PREFIXES'])}) may be used without declaring them.",
        language="en"))
    add(service, RDFS + "seeAlso", ox.NamedNode(f"{base}.well-known/void"))
    for local, comment in FUNCTION_DOCS.items():  # over the release's search index
        function = ox.NamedNode(vocab.ontology_ns(base) + local)
        add(service, SD + "extensionFunction", function)
        add(function, RDF_TYPE.value, sd("Function"))
        add(function, RDFS + "comment", ox.Literal(comment, language="en"))

    dataset = ox.BlankNode("defaultDataset")
    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF_TYPE.value, sd("Dataset"))
    add(dataset, RDFS + "seeAlso", ox.NamedNode(f"{base}dataset"))
    default_graph = ox.BlankNode("defaultGraph")
    add(dataset, SD + "defaultGraph", default_graph)
    add(default_graph, RDF_TYPE.value, sd("Graph"))
    # what a query with no dataset sees, each triple once (the release counted it when built)
    total = ox.Literal(str(recorded), datatype=XSD_INTEGER) if recorded is not None else next(iter(
        _select(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                "WHERE { ?s ?p ?o } }")))["n"]
    add(default_graph, VOID + "triples", total)
    counts = {
        row["g"]: row["n"]
        for row in _select(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    for number, name in enumerate(sorted(store.named_graphs(), key=lambda n: n.value)):
        entry, graph = ox.BlankNode(f"ng{number}"), ox.BlankNode(f"g{number}")
        add(dataset, SD + "namedGraph", entry)
        add(entry, RDF_TYPE.value, sd("NamedGraph"))
        add(entry, SD + "name", name)
        add(entry, SD + "graph", graph)
        add(graph, RDF_TYPE.value, sd("Graph"))
        add(graph, VOID + "triples", counts.get(name, ox.Literal("0", datatype=XSD_INTEGER)))
    return out


def _select(store: ox.Store, sparql: str) -> ox.QuerySolutions:
    """The rows of a SELECT (pyoxigraph types every result as any of its three kinds)."""
    rows = store.query(sparql)
    if not isinstance(rows, ox.QuerySolutions):
        raise TypeError(f"expected the solutions of a SELECT, got {type(rows).__name__}")
    return rows


@bp.route("/.well-known/void")
def void() -> Response:
    """The release's VoID document; Turtle as written, other formats converted (and cached)."""
    try:
        fmt = _negotiate() or "turtle"
    except ProtocolError as exc:
        return problem(exc.status, str(exc))
    publication = current_app.extensions["kg_store"].publication()
    try:
        path = publication.file(VOID_FILE)
    except FileNotFoundError:
        return problem(404, f"release {publication.release_id} has no {VOID_FILE}")
    digest = publication.manifest.get("files", {}).get(VOID_FILE, {}).get("sha256", "")
    key = ("void", publication.release_id, fmt)
    prefixes = current_app.config["KG_PREFIXES"]
    body = _rendered.get(key, lambda: _void_in(fmt, path.read_bytes(), publication, prefixes))
    response = Response(body, content_type=_content_type(fmt))
    response.vary.add("Accept")
    response.set_etag(f"{digest[:32]}-{fmt}" if digest else f"{publication.release_id}-{fmt}")
    response.headers["Cache-Control"] = "public, no-cache"
    response.make_conditional(request)  # in place (it returns the response itself)
    return response



def _void_in(fmt: str, data: bytes, publication, prefixes: dict[str, str]) -> bytes:
    """The VoID Turtle as written, or converted to ``fmt``."""
    if fmt == "turtle":
        return data
    quads = ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=publication.manifest.get("base_uri"))
    return write_triples([q.triple for q in quads], fmt, prefixes)

