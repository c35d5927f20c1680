"""``/search``: full-text search of the live release (its ``search.sqlite``), as a page or JSON,
and ``/search/complete``: entity names by prefix, for the search box and the query editor.

Each hit links to what it lies in: the sentence (its ``#char=`` page anchor), the article and the
entities it names. Reading the index is ``server.engine.search``; this module only routes,
negotiates and renders. A search the index cannot run is a 400 naming the problem, a release
without an index a 503 saying to rebuild.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from server.engine.search import KINDS, MAX_PAGE, Hit, NoIndex, SearchError, SearchIndex, open_index
from server.errors import problem
from server.linked_data.http import add_page_hooks, pager
from server.linked_data.release import namer
from server.linked_data.terms import Namer

bp = Blueprint("search", __name__)
add_page_hooks(bp)

PER_PAGE = 20
COMPLETIONS = 10
MAX_PAGE_NO = 500


def _index() -> SearchIndex:
    publication = current_app.extensions["kg_store"].publication()
    return open_index(publication.search_path)


def _wants_json() -> bool:
    """``format=json`` wins; else the Accept header, a page when it is a tie or absent."""
    fmt = request.args.get("format", "").strip().lower()
    if fmt:
        return fmt in ("json", "application/json")
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.accept_mimetypes.provided and best == "application/json"


def _bad(message: str, as_json: bool) -> Response:
    if as_json:
        response = jsonify(error=message, status=400)
        response.status_code = 400
        return response
    body = render_template("search.html", q=request.args.get("q", ""), error=message,
                           kinds=KINDS, kind="", hits=[], total=None, paging=None)
    return Response(body, 400, mimetype="text/html")


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SearchError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise SearchError(f"{name} must be between {low} and {high}, not {value}")
    return value


@bp.route("/search")
def search() -> Response:
    as_json = _wants_json()
    fmt = request.args.get("format", "").strip().lower()
    if fmt and not as_json and fmt not in ("html", "text/html"):
        return _bad(f"unknown format {fmt!r}; use json or html", as_json)
    q = request.args.get("q")
    kind = request.args.get("kind", "").strip()
    if q is None and not as_json:  # the empty search page: a form to fill in
        body = render_template("search.html", q="", error=None, kinds=KINDS, kind=kind, hits=[],
                               total=None, paging=None)
        return _vary(Response(body, 200, mimetype="text/html"))
    try:
        if q is None:
            raise SearchError("no search given: add q=words to look for")
        per_page = _int_arg("limit", PER_PAGE, 1, MAX_PAGE)
        page_no = _int_arg("page", 1, 1, MAX_PAGE_NO)
        if kind and kind not in KINDS:
            raise SearchError(f"unknown kind {kind!r}; kinds are {', '.join(KINDS)}")
        index = _index()
        total, hits = index.search(q, (kind,) if kind else KINDS, per_page,
                                   (page_no - 1) * per_page)
    except SearchError as exc:
        return _vary(_bad(str(exc), as_json))
    except NoIndex as exc:
        return problem(503, f"search is unavailable: {exc}", {"Retry-After": "30"})
    nm = namer()
    if as_json:
        response = jsonify(
            query=q, kind=kind or None, total=total, page=page_no, per_page=per_page,
            pages=max(1, -(-total // per_page)),
            hits=[_json_hit(hit, nm) for hit in hits],
        )
        return _vary(response)
    body = render_template(
        "search.html", q=q, error=None, kinds=KINDS, kind=kind, total=total,
        hits=[_page_hit(hit, nm) for hit in hits],
        paging=pager(total, page_no, per_page, q=q, kind=kind,
                     limit=str(per_page) if per_page != PER_PAGE else ""),
    )
    return _vary(Response(body, 200, mimetype="text/html"))


@bp.route("/search/complete")
def complete() -> Response:
    """Entity names starting with ``q`` (each word a prefix of a word of the name), as JSON."""
    try:
        q = request.args.get("q")
        if q is None:
            raise SearchError("no text given: add q=the start of a name")
        limit = _int_arg("limit", COMPLETIONS, 1, MAX_PAGE)
        found = _index().complete(q, limit)
    except SearchError as exc:
        return _bad(str(exc), True)
    except NoIndex as exc:
        return problem(503, f"completion is unavailable: {exc}", {"Retry-After": "30"})
    nm = namer()
    for entry in found:
        entry["page"] = nm.page_url(entry["iri"])
        entry["curie"] = nm.curie(entry["iri"])
    return jsonify(query=q, completions=found)


def _vary(response: Response) -> Response:
    response.vary.add("Accept")
    return response


def _json_hit(hit: Hit, nm: Namer) -> dict:
    found = hit.as_json()
    found["page"] = nm.page_url(hit.iri)
    for key in ("article", "sentence"):
        value = found[key]
        found[f"{key}_page"] = nm.page_url(value) if value else None
    for entity in found["entities"]:
        entity["page"] = nm.page_url(entity["iri"])
    return found


def _page_hit(hit: Hit, nm: Namer) -> dict:
    """A hit as the template shows it: the snippet cut into plain and highlighted parts."""
    parts, cursor = [], 0
    for start, end in hit.highlights:
        if start > cursor:
            parts.append((hit.snippet[cursor:start], False))
        parts.append((hit.snippet[start:end], True))
        cursor = end
    if cursor < len(hit.snippet):
        parts.append((hit.snippet[cursor:], False))
    title = hit.title or hit.article_title or nm.fallback_label(hit.iri)
    if hit.kind == "quotation" and hit.entities:  # who said it; the article is linked below
        title = ", ".join(label for _, label in hit.entities)
    return {
        "kind": hit.kind, "iri": hit.iri, "href": nm.page_url(hit.iri), "title": title,
        "parts": parts, "score": hit.score,
        "sentence": nm.page_url(hit.sentence) if hit.sentence else None,
        "article": ({"href": nm.page_url(hit.article),
                     "title": hit.article_title or nm.fallback_label(hit.article)}
                    if hit.article else None),
        "entities": [{"href": nm.page_url(iri), "label": label} for iri, label in hit.entities
                     if hit.kind != "entity"][:8],
    }


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
