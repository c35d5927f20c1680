"""Linked data: every minted URI dereferences, Pubby/LodView style.

``GET B/resource/X`` answers 303 See Other to ``B/page/resource/X`` (HTML) or to
``B/data/resource/X.ttl|.jsonld|.nt|.rdf`` (its concise bounded description), chosen by the
Accept header. Redirects and links are built from the configured base URI, not from the
request's host, so they stay right behind a reverse proxy. ``*/*`` (or no Accept header) gets
Turtle: every browser asks for text/html explicitly, and a bare HTTP client wants data.
"""

from __future__ import annotations

from itertools import islice
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request
from werkzeug.urls import iri_to_uri

from kg.publication import Publication
from server import rdf_views as rv
from server.store import NoPublication

bp = Blueprint("resources", __name__)

KINDS = ("resource", "article", "graph", "assertion", "quotation", "quantity", "extractor")
KIND_CLASSES = {
    "assertion": "Assertion",
    "quotation": "Quotation",
    "quantity": "Quantity",
    "extractor": "Extractor",
}
PAGE_SIZE = 100
GROUP_PREVIEW = 20


@bp.errorhandler(NoPublication)
def _no_publication(exc: NoPublication):
    return rv.no_publication_response(exc)


# ------------------------------------------------------------------ dereferencing


@bp.route(f"/<any({', '.join(KINDS)}):kind>/<path:key>")
def dereference(kind: str, key: str) -> Response:
    """303 See Other from the thing's URI to the document that describes it."""
    return _see_other(f"{kind}/{key}", f"{kind}/")


@bp.route("/dataset")
def dataset() -> Response:
    return _see_other("dataset", "")


def _see_other(path: str, raw_prefix: str) -> Response:
    publication, store = rv.current()
    iri = _resolve(store, path, raw_prefix)
    nm = rv.namer(publication)
    exts = ("html", *rv.RDF_EXTS)
    if iri is None:
        return _not_found(store, path, rv.negotiate(request.accept_mimetypes, exts))
    alternates = {"html": nm.page_url(iri), **{e: nm.data_url(iri, e) for e in rv.RDF_EXTS}}
    rep = rv.negotiate(request.accept_mimetypes, exts)
    headers = {
        "Vary": "Accept",
        "Link": rv.link_header(alternates, describedby=alternates["ttl"]),
    }
    if rep is None:
        return Response(rv.not_acceptable_text(exts), 406, headers, mimetype="text/plain")
    response = redirect(iri_to_uri(alternates[rep.ext]), code=303)
    response.headers.update(headers)
    return response


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


def _resolve(store: ox.Store, path: str, raw_prefix: str, strip_ext: str = "") -> str | None:
    """The stored IRI the request names, trying the raw, decoded and re-encoded paths."""
    base = rv.settings().base_uri
    raw = _raw_rest(raw_prefix)
    if raw is not None and strip_ext and raw.endswith(strip_ext):
        raw = raw[: -len(strip_ext)]
    tail = path[len(raw_prefix) :] if path.startswith(raw_prefix) else path
    candidates: list[str] = []
    for rest in (raw, tail, rv.quote_path(tail)):
        if rest is not None:
            iri = base + raw_prefix + rest if raw_prefix else base + rest
            if iri not in candidates:
                candidates.append(iri)
    for iri in candidates:
        try:
            if rv.exists(store, iri):
                return iri
        except ValueError:  # not a valid IRI at all
            continue
    return None


def _not_found(store: ox.Store, path: str, rep: rv.Representation | None) -> Response:
    iri = rv.settings().base_uri + path
    if rep is None or rep.ext != "html":
        return Response(f"404 Not Found: no resource <{iri}> in this dataset\n", 404,
                        {"Vary": "Accept"}, mimetype="text/plain")
    hints = rv.suggestions(store, rv.namer(), path)
    body = render_template(
        "error.html", status=404, title="Not found",
        message=f"This dataset has nothing about <{iri}>.", suggestions=hints,
    )
    return Response(body, 404, {"Vary": "Accept"}, mimetype="text/html")


# ------------------------------------------------------------------ documents


@bp.route("/page/<path:path>")
def page(path: str) -> Response:
    """The HTML page about one resource."""
    publication, store = rv.current()
    iri = _resolve(store, path, "page/")
    iri = iri or _resolve_direct(store, path)
    if iri is None:
        return _not_found(store, path, rv.BY_EXT["html"])
    etag = f"{publication.release_id}-html"
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    nm = rv.namer(publication)
    model = rv.build_page(store, nm, iri)
    if iri.startswith(nm.base + "article/"):
        model["text"] = rv.article_text(store, nm, iri)
        model["article_facts"] = rv.article_facts(store, nm, iri)
    alternates = {e: nm.data_url(iri, e) for e in rv.RDF_EXTS}
    body = render_template(
        "resource.html", m=model, nm=nm, formats=[(rv.BY_EXT[e], u) for e, u in alternates.items()],
        sparql_describe=_sparql_link(f"DESCRIBE <{iri}>"), release=publication.release_id,
    )
    response = Response(body, 200, mimetype="text/html")
    response.headers["Link"] = rv.link_header(alternates, describedby=alternates["ttl"])
    response.set_etag(etag)
    return response


def _resolve_direct(store: ox.Store, path: str) -> str | None:
    base = rv.settings().base_uri
    iri = base + path
    return iri if rv.exists(store, iri) else None


@bp.route("/data/<path:path>")
def data(path: str) -> Response:
    """The RDF document about one resource, in the format its extension names."""
    stem, dot, ext = path.rpartition(".")
    if not dot or ext not in rv.RDF_EXTS:
        abort_text(404, f"no document /data/{path}: use one of .{', .'.join(rv.RDF_EXTS)}")
    publication, store = rv.current()
    iri = _resolve(store, stem, "data/", strip_ext=f".{ext}")
    if iri is None:
        return Response(f"404 Not Found: no resource <{rv.settings().base_uri}{stem}>\n", 404,
                        mimetype="text/plain")
    rep = rv.BY_EXT[ext]
    etag = f"{publication.release_id}-{ext}"
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"'})
    nm = rv.namer(publication)
    doc_url = nm.data_url(iri, ext)
    triples = rv.document_triples(store, nm, iri, doc_url)
    body = rv.serialise(triples, rep, nm.base)
    response = Response(body, 200, mimetype=rep.media_type)
    if rep.media_type.startswith("text/"):
        response.headers["Content-Type"] = f"{rep.media_type}; charset=utf-8"
    alternates = {"html": nm.page_url(iri), **{e: nm.data_url(iri, e) for e in rv.RDF_EXTS}}
    response.headers["Link"] = rv.link_header(alternates)
    response.set_etag(etag)
    return response


def abort_text(status: int, message: str) -> None:
    abort(Response(f"{status} {message}\n", status, mimetype="text/plain"))


# ------------------------------------------------------------------ indexes


@bp.route(f"/<any({', '.join(KINDS)}):kind>/")
def index(kind: str) -> Response:
    """Browse every resource of a kind: entities grouped by type, articles, graphs, facts."""
    publication, store = rv.current()
    nm = rv.namer(publication)
    page_no = _page_number()
    if kind == "resource":
        ctx = _entity_index(store, nm, publication, page_no)
    elif kind == "article":
        ctx = _article_index(store, nm, page_no)
    elif kind == "graph":
        ctx = _graph_index(store, nm, page_no)
    else:
        ctx = _class_index(store, nm, kind, page_no)
    return Response(render_template("index.html", kind=kind, **ctx), 200, mimetype="text/html")


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(_bad_request(f"page must be a positive integer, got {raw!r}"))
    return int(raw)


def _pager(total: int, page_no: int, **params: str) -> dict:
    pages = max(1, -(-total // PAGE_SIZE))
    def url(n: int) -> str:
        return "?" + urlencode({**{k: v for k, v in params.items() if v}, "page": n})
    return {
        "page": page_no, "pages": pages, "total": total,
        "prev": url(page_no - 1) if page_no > 1 else None,
        "next": url(page_no + 1) if page_no < pages else None,
    }


def _count(store: ox.Store, sparql: str, base: str, **bindings) -> int:
    rows = list(rv.query(store, sparql, base, **bindings))
    return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0


def _entity_index(store: ox.Store, nm: rv.Namer, publication: Publication, page_no: int) -> dict:
    classes = rv.entity_classes(rv.ontology_for(publication), nm.base)
    values = "VALUES ?c { " + " ".join(str(ox.NamedNode(c)) for c in classes) + " } ?e a ?c ."
    kg_entity = str(ox.NamedNode(nm.base + "ontology#Entity"))
    no_type = f"FILTER NOT EXISTS {{ ?e a ?other . FILTER(?other != {kg_entity}) }}"
    labels_q = "OPTIONAL { ?e skos:prefLabel ?l0 } OPTIONAL { ?e rdfs:label ?l1 }"
    type_counts = [
        (r["t"].value if r["t"] is not None else "none", int(r["n"].value))
        for r in rv.query(store, f"""
            SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE {{
              {{ SELECT DISTINCT ?e WHERE {{ {values} }} }}
              OPTIONAL {{ ?e a ?t . FILTER(?t != {kg_entity}) }}
            }} GROUP BY ?t ORDER BY DESC(?n) ?t""", nm.base)
    ]
    type_labels = rv.fetch_labels(store, [t for t, _ in type_counts if t != "none"], nm.base)
    types = [
        {"param": t, "count": n,
         "label": type_labels.get(t) or nm.fallback_label(t) if t != "none" else "Other entities"}
        for t, n in type_counts
    ]

    def listing(where: str, limit: int, offset: int = 0, **bindings) -> list[rv.TermView]:
        proj = " ".join(f"?{k}" for k in bindings)
        rows = rv.query(store, f"""
            SELECT ?e (MIN(STR(COALESCE(?l0, ?l1, ""))) AS ?label) {proj} WHERE {{
              {values} {where} {labels_q}
            }} GROUP BY ?e {proj} ORDER BY LCASE(?label) ?e LIMIT {limit} OFFSET {offset}""",
                        nm.base, **bindings)
        return [nm.iri_view(r["e"].value, r["label"].value or None) for r in rows]

    def count(where: str, **bindings) -> int:
        proj = " ".join(f"?{k}" for k in bindings)
        group = f"GROUP BY {proj}" if proj else ""
        return _count(store, f"SELECT (COUNT(DISTINCT ?e) AS ?n) {proj} WHERE {{ {values} {where} }} "
                             f"{group}", nm.base, **bindings)

    type_param = request.args.get("type", "").strip()
    q = request.args.get("q", "").strip()
    total = count("")
    if not type_param and not q:
        groups = []
        for t in types:
            where = no_type if t["param"] == "none" else f"?e a {ox.NamedNode(t['param'])} ."
            items = listing(where, GROUP_PREVIEW)
            more = "?" + urlencode({"type": t["param"]}) if t["count"] > len(items) else None
            groups.append({"heading": t["label"], "count": t["count"], "items": items, "more": more})
        pager = None
    else:
        where, bindings, heading = "", {}, "Entities"
        if type_param == "none":
            where, heading = no_type, "Entities with no other type"
        elif type_param:
            try:
                bindings["t"] = ox.NamedNode(type_param)
            except ValueError:
                abort(_bad_request(f"type must be an IRI, got {type_param!r}"))
            where = "?e a ?t ."
            heading = f"Entities of type {type_labels.get(type_param) or nm.fallback_label(type_param)}"
        if q:
            where += (" ?e rdfs:label|skos:prefLabel|skos:altLabel ?lq ."
                      " FILTER(CONTAINS(LCASE(STR(?lq)), LCASE(?q)))")
            bindings["q"] = ox.Literal(q)
            heading += f" matching “{q}”"
        found = count(where, **bindings)
        items = listing(where, PAGE_SIZE, (page_no - 1) * PAGE_SIZE, **bindings)
        groups = [{"heading": heading, "count": found, "items": items, "more": None}]
        pager = _pager(found, page_no, type=type_param, q=q)
    return {
        "title": "Entities", "groups": groups, "types": types, "paging": pager, "q": q,
        "type_param": type_param, "total": total, "search": True,
        "intro": "Every entity the articles mention, resolved across articles, grouped by type.",
    }


def _bad_request(message: str) -> Response:
    body = render_template("error.html", status=400, title="Bad request", message=message)
    return Response(body, 400, mimetype="text/html")


def _article_index(store: ox.Store, nm: rv.Namer, page_no: int) -> dict:
    total = _count(store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Article }", nm.base)
    rows = rv.query(store, f"""
        SELECT ?a (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) WHERE {{
          ?a a kg:Article .
          OPTIONAL {{ ?a dcterms:title ?t }}
          OPTIONAL {{ ?a schema:datePublished ?d }}
        }} GROUP BY ?a ORDER BY ?date ?title ?a
        LIMIT {PAGE_SIZE} OFFSET {(page_no - 1) * PAGE_SIZE}""", nm.base)
    items = []
    for r in rows:
        view = nm.iri_view(r["a"].value, rv.shorten(r["title"].value) if r["title"] else None)
        view.curie = r["date"].value if r["date"] is not None else None
        items.append(view)
    return {
        "title": "Articles", "groups": [{"heading": "Articles", "count": total, "items": items,
                                          "more": None, "dated": True}],
        "paging": _pager(total, page_no), "total": total,
        "intro": "The news articles the knowledge graph was read from.",
    }


def _graph_index(store: ox.Store, nm: rv.Namer, page_no: int) -> dict:
    rows = list(store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"))
    total = len(rows)
    chunk = rows[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    labels = rv.fetch_labels(store, [r["g"].value for r in chunk], nm.base)
    items = []
    for r in chunk:
        view = nm.iri_view(r["g"].value, labels.get(r["g"].value))
        view.curie = f"{int(r['n'].value)} triples"
        items.append(view)
    return {
        "title": "Named graphs",
        "groups": [{"heading": "Named graphs", "count": total, "items": items, "more": None,
                    "dated": True}],
        "paging": _pager(total, page_no), "total": total,
        "intro": "One graph per article holds the facts read from it; graph/void describes the dataset.",
    }


def _class_index(store: ox.Store, nm: rv.Namer, kind: str, page_no: int) -> dict:
    cls = ox.NamedNode(nm.base + "ontology#" + KIND_CLASSES[kind])
    total = _count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}", nm.base)
    rows = rv.query(store, f"SELECT DISTINCT ?x WHERE {{ ?x a {cls} }} ORDER BY ?x "
                           f"LIMIT {PAGE_SIZE} OFFSET {(page_no - 1) * PAGE_SIZE}", nm.base)
    iris = [r["x"].value for r in rows]
    labels = rv.fetch_labels(store, iris, nm.base)
    items = [nm.iri_view(i, labels.get(i)) for i in iris]
    title = KIND_CLASSES[kind] + ("s" if not kind.endswith("y") else "")
    if kind == "quantity":
        title = "Quantities"
    return {
        "title": title, "groups": [{"heading": title, "count": total, "items": items, "more": None}],
        "paging": _pager(total, page_no), "total": total,
        "intro": f"Every {cls.value.rsplit('#', 1)[-1]} node in the dataset.",
    }


def _sparql_link(query_text: str) -> str:
    return "/sparql?" + urlencode({"query": query_text})
