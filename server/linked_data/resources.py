"""Linked data: every minted URI dereferences, Pubby/LodView style.

``GET B/resource/X`` answers 303 See Other to ``B/page/resource/X`` (HTML) or to
``B/data/resource/X.ttl|.jsonld|.nt|.rdf`` (its concise bounded description), chosen by the
Accept header. Redirects and links are built from the configured base URI, not from the
request's host, so they stay right behind a reverse proxy. ``*/*`` (or no Accept header) gets
Turtle: every browser asks for text/html explicitly, and a bare HTTP client wants data.

This module only routes: what a page or document holds is built by ``ld_page``,
``ld_article``, ``ld_describe`` and ``ld_indexes``.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request
from werkzeug.urls import iri_to_uri
from werkzeug.wrappers import Response as BaseResponse

from kg import __version__
from kg.formats import Format, by_extension, by_name
from kg.release.publication import Publication
from kg.uris import INDEXED_KINDS, Kind
from server.linked_data import entity
from server.linked_data.article import article_facts, article_text
from server.linked_data.describe import document_triples
from server.linked_data.http import add_page_hooks, bad_request, pager, rdf_response
from server.linked_data.indexes import entity_index, kind_index
from server.linked_data.labels import suggestions
from server.linked_data.page import INCOMING_PAGE, build_page
from server.linked_data.query import exists
from server.linked_data.release import current, namer, settings
from server.linked_data.serialise import serialise_triples
from server.linked_data.terms import Namer, quote_path
from server.negotiation import RDF_EXTS, link_header, negotiate, not_acceptable_text

bp = Blueprint("resources", __name__)
add_page_hooks(bp)
#: The kinds with an index page, by the path segment their index route matches.
INDEXED_BY_SEGMENT = {k.segment: k for k in INDEXED_KINDS}


# ------------------------------------------------------------------ dereferencing


@bp.route(f"/<any({', '.join(k.segment for k in Kind)}):kind>/<path:key>")
def dereference(kind: str, key: str) -> BaseResponse:
    """303 See Other from the thing's URI to the document that describes it."""
    return _see_other(f"{kind}/{key}")


@bp.route(f"/{Kind.DATASET.segment}")
def dataset() -> BaseResponse:
    return _see_other(Kind.DATASET.segment)


def _see_other(path: str, from_request: bool = True) -> BaseResponse:
    publication, store = current()
    iri = _resolve(store, path, "" if from_request else None)
    nm = namer(publication)
    exts = ("html", *RDF_EXTS)
    if iri is None:
        return _not_found(store, path, negotiate(request.accept_mimetypes, exts))
    alternates = _alternates(nm, iri)
    rep = negotiate(request.accept_mimetypes, exts)
    headers = {
        "Vary": "Accept",
        "Link": link_header(alternates, describedby=alternates["ttl"]),
    }
    if rep is None:
        return Response(not_acceptable_text(exts), 406, headers, mimetype="text/plain")
    response = redirect(iri_to_uri(alternates[rep.extension]), code=303)
    response.headers.update(headers)
    return response


def _alternates(nm: Namer, iri: str) -> dict[str, str]:
    """ext -> URL of each document about ``iri``: its page, then its RDF documents."""
    return {"html": nm.page_url(iri), **{e: nm.data_url(iri, e) for e in RDF_EXTS}}


def _raw_rest(prefix: str) -> str | None:
    """The request path after ``prefix`` exactly as the client encoded it (gunicorn and
    werkzeug keep it in RAW_URI), so a percent-encoded IRI is found as it was minted."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if not raw:
        return None
    raw = raw.split("?", 1)[0].split("#", 1)[0]
    if "://" in raw:  # absolute-form request target
        raw = "/" + raw.split("://", 1)[1].partition("/")[2]
    raw = raw[len(request.script_root) :] if raw.startswith(request.script_root) else raw
    raw = raw.lstrip("/")
    return raw[len(prefix) :] if raw.startswith(prefix) else None


def _resolve(store: ox.Store, path: str, request_prefix: str | None = "",
             strip_ext: str = "") -> str | None:
    """The stored IRI ``B + path`` the request names. The raw path (as the client encoded it)
    is tried first, then the decoded one, then that re-encoded, so percent-encoded IRIs work."""
    base = settings().base_uri
    raw = _raw_rest(request_prefix) if request_prefix is not None else None
    if raw is not None and strip_ext:
        raw = raw[: -len(strip_ext)] if raw.endswith(strip_ext) else None
    candidates: list[str] = []
    for rest in (raw, path, quote_path(path)):
        if rest is not None and base + rest not in candidates:
            candidates.append(base + rest)
    for iri in candidates:
        try:
            if exists(store, iri):
                return iri
        except ValueError:  # not a valid IRI at all
            continue
    return None


def _not_found(store: ox.Store, path: str, rep: Format | None) -> Response:
    iri = settings().base_uri + path
    if rep is None or rep.kind != "html":
        return Response(f"404 Not Found: no resource <{iri}> in this dataset\n", 404,
                        {"Vary": "Accept"}, mimetype="text/plain")
    hints = suggestions(store, namer(), path)
    body = render_template(
        "error.html", status=404, title="Not found",
        message=f"This dataset has nothing about <{iri}>.", suggestions=hints,
    )
    return Response(body, 404, {"Vary": "Accept"}, mimetype="text/html")


# ------------------------------------------------------------------ documents


@bp.route("/page/<path:path>")
def page(path: str) -> Response:
    """The HTML page about one resource."""
    publication, store = current()
    iri = _resolve(store, path, "page/")
    if iri is None:
        return _not_found(store, path, by_name["html"])
    etag = _etag(publication, "html")
    if request.if_none_match.contains(etag):
        return _not_modified(etag)
    nm = namer(publication)
    incoming_page = _page_number("incoming")
    model = build_page(store, nm, iri, incoming_page)
    model["incoming_paging"] = pager(model["incoming_total"], incoming_page, INCOMING_PAGE,
                                     name="incoming", anchor="incoming")
    if Kind.RESOURCE.minted(iri, nm.base):
        model["timeline"] = entity.timeline(store, nm, iri)
        model["quotations"] = entity.quotations(store, nm, iri)
        model["articles"] = entity.articles(store, nm, iri)
        model["neighbourhood"] = entity.neighbourhood(store, nm, iri, model["title"])
    if Kind.ARTICLE.minted(iri, nm.base):
        model["text"] = article_text(store, nm, iri)
        model["article_facts"] = article_facts(store, nm, iri)
    graph_size = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))
    if graph_size:
        model["graph_size"] = graph_size
        model["graph_query"] = _sparql_link(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
    alternates = {e: nm.data_url(iri, e) for e in RDF_EXTS}
    body = render_template(
        "resource.html", m=model, nm=nm, formats=[(by_extension[e], u) for e, u in alternates.items()],
        sparql_describe=_sparql_link(f"DESCRIBE <{iri}>"), release=publication.release_id,
    )
    response = Response(body, 200, mimetype="text/html")
    response.headers["Link"] = link_header(alternates, describedby=alternates["ttl"])
    response.set_etag(etag)
    return response


@bp.route("/data/<path:path>")
def data(path: str) -> Response:
    """The RDF document about one resource, in the format its extension names."""
    stem, dot, ext = path.rpartition(".")
    if not dot or ext not in RDF_EXTS:
        abort_text(404, f"no document /data/{path}: use one of .{', .'.join(RDF_EXTS)}")
    publication, store = current()
    iri = _resolve(store, stem, "data/", strip_ext=f".{ext}")
    if iri is None:
        return Response(f"404 Not Found: no resource <{settings().base_uri}{stem}>\n", 404,
                        mimetype="text/plain")
    rep = by_extension[ext]
    etag = _etag(publication, ext)
    if request.if_none_match.contains(etag):
        return _not_modified(etag)
    nm = namer(publication)
    triples = document_triples(store, nm, iri, nm.data_url(iri, ext))
    response = rdf_response(serialise_triples(triples, rep, nm.base), rep)
    response.headers["Link"] = link_header(_alternates(nm, iri))
    response.set_etag(etag)
    return response


def _etag(publication: Publication, ext: str) -> str:
    """Pages change with the release and with the code that renders them."""
    return f"{publication.release_id}-{__version__}-{ext}"


def _not_modified(etag: str) -> Response:
    return Response(status=304, headers={"ETag": f'"{etag}"'})


def abort_text(status: int, message: str) -> None:
    abort(Response(f"{status} {message}\n", status, mimetype="text/plain"))


def _sparql_link(query_text: str) -> str:
    return "/sparql?" + urlencode({"query": query_text})


# ------------------------------------------------------------------ indexes


@bp.route(f"/<any({', '.join(k.segment for k in INDEXED_KINDS)}):kind>/")
def index(kind: str) -> BaseResponse:
    """Browse every resource of a kind: entities grouped by type, articles, graphs, facts."""
    publication, store = current()
    nm = namer(publication)
    if request.args.get("uri"):
        return _lookup(request.args["uri"])
    page_no, of = _page_number(), INDEXED_BY_SEGMENT[kind]
    if of is Kind.RESOURCE:
        ctx = entity_index(store, nm, publication, page_no, request.args.get("type", "").strip(),
                           request.args.get("q", "").strip())
    else:
        ctx = kind_index(store, nm, of, page_no)
    body = render_template("index.html", kind=kind, release=publication.release_id, **ctx)
    return Response(body, 200, mimetype="text/html")


def _lookup(uri: str) -> BaseResponse:
    """VoID's URI look-up (``B/resource/?uri=<IRI>``): the same 303 as dereferencing the IRI."""
    base = settings().base_uri
    if not uri.startswith(base):
        abort(bad_request(f"uri must be an IRI of this dataset (starting with {base}), got {uri!r}"))
    return _see_other(uri[len(base):].partition("#")[0], from_request=False)


def _page_number(name: str = "page") -> int:
    raw = request.args.get(name, "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(bad_request(f"{name} must be a positive integer, got {raw!r}"))
    return int(raw)
