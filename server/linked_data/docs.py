"""Documentation served from the release itself: the ontology, the SHACL shapes and the
validation report, each as HTML for people and as RDF (Turtle, JSON-LD, N-Triples, RDF/XML).

``B/ontology`` and ``B/shapes`` are document URIs of hash namespaces (``B/ontology#Term``), so
they answer 200 with content negotiation (``Vary: Accept`` and a ``Content-Location`` naming
the variant), and each variant also has its own URL: ``/ontology.ttl``, ``/ontology.html`` ...
The page models live in ``ld_ontology``, ``ld_shapes`` and ``ld_report``.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from kg.formats import by_extension
from kg.release.publication import ONTOLOGY_FILE, REPORT_FILE, SHAPES_FILE, Publication
from server.linked_data.http import add_page_hooks, pager, rdf_response
from server.linked_data.labels import fetch_labels
from server.linked_data.ontology import ontology_model
from server.linked_data.query import VALUES_CHUNK, iri_values, select
from server.linked_data.release import (
    current,
    current_or_none,
    namer,
    ontology_for,
    release_graph,
    settings,
    shapes_for,
)
from server.linked_data.report import report_view
from server.linked_data.serialise import serialise_graph
from server.linked_data.shapes import shapes_model
from server.memo import Memo
from server.negotiation import RDF_EXTS, link_header, negotiate, not_acceptable_text

bp = Blueprint("docs", __name__)
add_page_hooks(bp)

DOC_EXTS = ("html", *RDF_EXTS)
RESULTS_PER_PAGE = 200
_models: Memo[dict] = Memo(64)


# ------------------------------------------------------------------ routes


@bp.route("/ontology", defaults={"ext": None})
@bp.route("/ontology.<ext>")
def ontology(ext: str | None) -> Response:
    return _ontology_document(ext)


@bp.route("/ontology/<version>")
def ontology_version(version: str) -> Response:
    """The versionIRI dereferences while it names the published version."""
    return _ontology_document(None, version)


@bp.route("/shapes", defaults={"ext": None})
@bp.route("/shapes.<ext>")
def shapes(ext: str | None) -> Response:
    publication, _ = current_or_none()
    graph = shapes_for(publication)
    return _document("shapes", ext, graph, publication, SHAPES_FILE,
                     lambda: _render_shapes(graph, publication))


@bp.route("/validation", defaults={"ext": None})
@bp.route("/validation.<ext>")
def validation(ext: str | None) -> Response:
    publication, store = current()
    graph = release_graph(publication, REPORT_FILE, None)
    return _document("validation", ext, graph, publication, REPORT_FILE,
                     lambda: _render_validation(graph, publication, store))


def _ontology_document(ext: str | None, version: str | None = None) -> Response:
    """The ontology; with ``version``, only while that names its owl:versionIRI."""
    publication, store = current_or_none()
    graph = ontology_for(publication)
    if version is not None and (
        None, OWL.versionIRI, URIRef(f"{settings().base_uri}ontology/{version}")
    ) not in graph:
        abort(Response(f"404 Not Found: this server publishes no ontology version {version!r}\n",
                       404, mimetype="text/plain"))
    return _document("ontology", ext, graph, publication, ONTOLOGY_FILE,
                     lambda: _render_ontology(graph, publication, store))


def _document(name: str, ext: str | None, graph: Graph, publication: Publication | None,
              release_file: str, render_html: Callable[[], str]) -> Response:
    """One document in the representation the extension names or the client prefers."""
    base = settings().base_uri
    alternates = {e: f"{base}{name}.{e}" for e in DOC_EXTS}
    if ext is None:
        rep = negotiate(request.accept_mimetypes, DOC_EXTS)  # */* gets Turtle, as resources do
        if rep is None:
            return Response(not_acceptable_text(DOC_EXTS), 406,
                            {"Vary": "Accept", "Link": link_header(alternates)},
                            mimetype="text/plain")
    elif ext in DOC_EXTS:
        rep = by_extension[ext]
    else:
        abort(Response(f"404 Not Found: no {name}.{ext}; formats: {', '.join(DOC_EXTS)}\n", 404,
                       mimetype="text/plain"))
    if rep.kind == "html":
        response = Response(render_html(), 200, mimetype="text/html")
    else:
        body = _release_bytes(publication, release_file) if rep.name == "turtle" else None
        response = rdf_response(body if body is not None else serialise_graph(graph, rep, base), rep)
    if ext is None:
        response.headers["Vary"] = "Accept"
        response.headers["Content-Location"] = alternates[rep.extension]
    response.headers["Link"] = link_header(alternates)
    if publication is not None:
        response.set_etag(f"{publication.release_id}-{name}-{rep.extension}")
        response.make_conditional(request)
    return response


def _release_bytes(publication: Publication | None, name: str) -> bytes | None:
    """The release file as published, byte for byte (Turtle is what the release stores)."""
    if publication is None:
        return None
    try:
        return publication.file(name).read_bytes()
    except FileNotFoundError:
        return None


# ------------------------------------------------------------------ pages


def _render_ontology(graph: Graph, publication: Publication | None, store: ox.Store | None) -> str:
    """The ontology page; its model (which counts usage in the store) is built once a release."""
    key = ("ontology", publication.release_id if publication else None, settings().base_uri)
    model = _models.get(key, lambda: ontology_model(graph, namer(publication), store))
    return render_template("ontology.html", o=model,
                           release=publication.release_id if publication else None)


def _render_shapes(graph: Graph, publication: Publication | None) -> str:
    model = shapes_model(graph, namer(publication))
    return render_template("shapes.html", s=model,
                           release=publication.release_id if publication else None)


def _render_validation(graph: Graph, publication: Publication, store: ox.Store) -> str:
    """The release's validation report, a page of results at a time, with the evidence."""
    nm = namer(publication)
    report = report_view(graph, nm)
    page_arg = request.args.get("page", "1")
    page_no = int(page_arg) if page_arg.isdigit() and int(page_arg) > 0 else 1
    shown = report.results[(page_no - 1) * RESULTS_PER_PAGE : page_no * RESULTS_PER_PAGE]
    focus = [r.focus.value for r in shown if r.focus is not None and r.focus.kind == "iri"]
    labels = fetch_labels(store, focus, nm.base)
    sentences = _sentences(store, focus, nm.base)
    for r in shown:
        if r.focus is not None and r.focus.value in labels:
            r.focus.label = labels[r.focus.value]
    paging = pager(len(report.results), page_no, RESULTS_PER_PAGE)
    return render_template("validation.html", r=report, results=shown, paging=paging,
                           sentences=sentences, release=publication.release_id,
                           manifest=publication.manifest)


def _sentences(store: ox.Store, iris: list[str], base: str) -> dict[str, str]:
    """The sentence each faulty node was read from: the evidence a reviewer needs."""
    if not iris:
        return {}
    values = iri_values(sorted(set(iris))[:VALUES_CHUNK])
    rows = select(store, f"SELECT ?f ?text WHERE {{ VALUES ?f {{ {values} }} "
                         f"?f kg:sourceSentence/nif:anchorOf ?text }}", base)
    return {r["f"].value: r["text"].value for r in rows}
