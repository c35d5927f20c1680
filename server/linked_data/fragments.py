"""Triple Pattern Fragments (``/fragments?subject=&predicate=&object=``): the cheap interface
Comunica and other Linked Data Fragments clients query and federate over.

A fragment is the triples of the store's default graph that match one pattern: what a SPARQL
query without a dataset sees, every graph's triples each once (``kg.release.publish`` fills
it; a triple four article graphs hold is one triple), in pages of ``PAGE_SIZE``. Each page
carries the Hydra controls of the TPF specification
(https://www.hydra-cg.com/spec/latest/triple-pattern-fragments/): the search form (an
``hydra:IriTemplate`` mapping ``subject``/``predicate``/``object`` to ``rdf:subject``/...), the
fragment's size (``hydra:totalItems``, ``void:triples``) and links to the first, previous and
next pages. In formats with named graphs the controls sit in their own graph, named by a
``foaf:primaryTopic`` link to the fragment, so clients can tell them from the data; in triple
formats they are mixed in, as the specification allows. Terms are written in the
specification's explicit representation: an IRI as is, a literal as ``"text"``, ``"text"@en``
or ``"41"^^http://www.w3.org/2001/XMLSchema#integer``; ``?x``, ``_:x`` or nothing is a variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template, request

from kg.formats import FRAGMENTS, Format
from kg.vocab import prefixes
from server.errors import problem
from server.linked_data.http import add_page_hooks, pager
from server.linked_data.release import current, namer, settings
from server.linked_data.terms import OxTerm
from server.memo import Memo
from server.negotiation import negotiate, not_acceptable_text

bp = Blueprint("fragments", __name__)
add_page_hooks(bp)

PAGE_SIZE = 100
POSITIONS = ("subject", "predicate", "object")
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
HYDRA = "http://www.w3.org/ns/hydra/core#"
VOID = "http://rdfs.org/ns/void#"
FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"
#: What a query string may hold as it is: an already encoded one is kept byte for byte.
QUERY_SAFE = "=&%+/:?@!$'()*,;~-._"
_counts: Memo[int] = Memo(256)


class BadTerm(ValueError):
    """A pattern parameter that is no term of its position (400, naming the parameter)."""


def parse_term(position: str, raw: str) -> OxTerm | None:
    """The term a parameter names in the explicit representation, or None for a variable."""
    text = raw.strip()
    if not text or text.startswith(("?", "_:")):
        return None
    if text.startswith('"'):
        if position != "object":
            raise BadTerm(f"{position} cannot be a literal, got {raw!r}")
        end = text.rfind('"')
        if end == 0:
            raise BadTerm(f"{position}: the literal {raw!r} has no closing quote")
        value, rest = text[1:end], text[end + 1 :]
        if rest and not rest.startswith(("@", "^^")):
            raise BadTerm(f"{position}: after the literal {raw!r} comes {rest!r}, "
                          "neither @language nor ^^datatype")
        try:
            if rest.startswith("@"):
                return ox.Literal(value, language=rest[1:])
            if rest.startswith("^^"):
                return ox.Literal(value, datatype=ox.NamedNode(rest[2:].strip("<>")))
            return ox.Literal(value)
        except ValueError as exc:
            raise BadTerm(f"{position}: {raw!r} is not a valid literal ({exc})") from exc
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else text
    try:
        node = ox.NamedNode(iri)
    except ValueError as exc:
        raise BadTerm(f"{position} must be an absolute IRI, a literal or a variable, "
                      f"got {raw!r} ({exc})") from exc
    if ":" not in iri:
        raise BadTerm(f"{position} must be an absolute IRI, got {raw!r}")
    return node


@dataclass(frozen=True)
class Pattern:
    subject: OxTerm | None
    predicate: OxTerm | None
    object: OxTerm | None

    def terms(self) -> tuple[OxTerm | None, ...]:
        return (self.subject, self.predicate, self.object)

    def where(self) -> str:
        """The pattern as SPARQL, constants written in place."""
        names = ("?s", "?p", "?o")
        return " ".join(str(t) if t is not None else v for t, v in zip(self.terms(), names, strict=True))

    def params(self) -> dict[str, str]:
        """The pattern's parameters in the explicit representation (variables left out)."""
        return {pos: explicit(t) for pos, t in zip(POSITIONS, self.terms(), strict=True) if t is not None}

    def triple(self, row: ox.QuerySolution) -> ox.Triple:
        s, p, o = (t if t is not None else row[v] for t, v in zip(self.terms(), "spo", strict=True))
        return ox.Triple(s, p, o)  # type: ignore[arg-type]


def explicit(term: OxTerm) -> str:
    """A term in the TPF explicit representation (what the search form's template expects)."""
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f'"{term.value}"^^{term.datatype.value}'
        return f'"{term.value}"'
    return term.value


def matches(store: ox.Store, pattern: Pattern, offset: int, limit: int) -> list[ox.Triple]:
    """One page of the default graph's triples matching ``pattern``: a graph is a set, and its
    scan order is the same on every call over an unchanged store, so pages neither overlap
    nor skip."""
    query = f"SELECT * WHERE {{ {pattern.where()} }} LIMIT {limit} OFFSET {offset}"
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return [pattern.triple(row) for row in result]


def total(store: ox.Store, store_key: str, pattern: Pattern, whole: int | None) -> int:
    """How many triples match: counted once per store and pattern. ``whole`` is the release's
    recorded size of the default graph, used for the pattern with no constant."""
    if whole is not None and pattern.terms() == (None, None, None):
        return whole

    def count() -> int:
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern.where()} }}"
        result = store.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return int(next(iter(result))["n"].value)

    return _counts.get((store_key, pattern.where()), count)


def fragment_iri(base: str, pattern: Pattern) -> ox.NamedNode:
    """The fragment itself (all its pages): the pattern's parameters, no page number."""
    params = pattern.params()
    return ox.NamedNode(f"{base}fragments" + (f"?{urlencode(params)}" if params else ""))


def controls(base: str, page_url: str, pattern: Pattern, page_no: int, count: int,
             has_next: bool) -> list[ox.Triple]:
    """The TPF metadata and Hydra controls of one page (who the dataset is, how to ask it)."""
    dataset = ox.NamedNode(f"{base}fragments#dataset")
    fragment, page = fragment_iri(base, pattern), ox.NamedNode(page_url)

    def n(local: str, ns: str = HYDRA) -> ox.NamedNode:
        return ox.NamedNode(ns + local)

    def page_link(number: int) -> ox.NamedNode:
        return ox.NamedNode(f"{base}fragments?" + urlencode({**pattern.params(), "page": number}))

    form = ox.BlankNode("search")
    out = [
        ox.Triple(dataset, n("type", RDF), n("Dataset", VOID)),
        ox.Triple(dataset, n("type", RDF), n("Collection")),
        ox.Triple(dataset, n("subset", VOID), fragment),
        ox.Triple(dataset, n("search"), form),
        ox.Triple(form, n("type", RDF), n("IriTemplate")),
        ox.Triple(form, n("template"), ox.Literal(f"{base}fragments{{?subject,predicate,object}}")),
        ox.Triple(form, n("variableRepresentation"), n("ExplicitRepresentation")),
    ]
    for position in POSITIONS:
        mapping = ox.BlankNode(position)
        out += [
            ox.Triple(form, n("mapping"), mapping),
            ox.Triple(mapping, n("variable"), ox.Literal(position)),
            ox.Triple(mapping, n("property"), n(position, RDF)),
        ]
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    out += [
        ox.Triple(fragment, n("type", RDF), n("Collection")),
        ox.Triple(fragment, n("totalItems"), ox.Literal(str(count), datatype=integer)),
        ox.Triple(fragment, n("triples", VOID), ox.Literal(str(count), datatype=integer)),
        ox.Triple(fragment, n("itemsPerPage"), ox.Literal(str(PAGE_SIZE), datatype=integer)),
        # last, so that a client taking the last void:subset naming this page finds the fragment
        ox.Triple(fragment, n("subset", VOID), page),
        ox.Triple(page, n("type", RDF), n("PartialCollectionView")),
        ox.Triple(page, n("first"), page_link(1)),
    ]
    if page_no > 1:
        out.append(ox.Triple(page, n("previous"), page_link(page_no - 1)))
    if has_next:
        out.append(ox.Triple(page, n("next"), page_link(page_no + 1)))
    return out


def document(data: list[ox.Triple], meta: list[ox.Triple], fragment: ox.NamedNode,
             rep: Format, page_url: str, base: str) -> bytes:
    """The page in ``rep``: with named graphs, the controls in their own graph."""
    assert isinstance(rep.oxigraph, ox.RdfFormat)
    written = prefixes(base) if rep.prefixes else None
    if rep.dataset:
        graph = ox.NamedNode(page_url + "#metadata")
        topic = ox.Triple(graph, ox.NamedNode(FOAF_PRIMARY_TOPIC), fragment)
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in data]
        quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in (topic, *meta)]
        body = ox.serialize(quads, format=rep.oxigraph, prefixes=written)
    else:
        body = ox.serialize([*data, *meta], format=rep.oxigraph, prefixes=written)
    assert body is not None
    return body


@bp.route("/fragments")
def fragments() -> Response:
    """One page of one triple pattern fragment, in the negotiated format."""
    try:
        pattern = Pattern(*(parse_term(p, request.args.get(p, "")) for p in POSITIONS))
    except BadTerm as exc:
        return problem(400, f"bad triple pattern: {exc}")
    raw_page = request.args.get("page", "1")
    if not raw_page.isdigit() or int(raw_page) < 1:
        return problem(400, f"page must be a positive integer, got {raw_page!r}")
    page_no = int(raw_page)
    rep = _representation()
    if rep is None:
        exts = tuple(f.extension for f in FRAGMENTS)
        return Response(not_acceptable_text(exts), 406, {"Vary": "Accept"}, mimetype="text/plain")
    publication, store = current()
    holder = current_app.extensions["kg_store"]
    store_path = holder.store_path(publication)
    own = store_path == publication.store_path  # not an admin server's edited copy
    whole = publication.manifest.get("default_graph_triples") if own else None
    base = settings().base_uri
    count = total(store, str(store_path), pattern, whole)
    pages = max(1, -(-count // PAGE_SIZE))
    if page_no > pages:
        return problem(404, f"this fragment has {pages} page(s) of {PAGE_SIZE}; no page {page_no}")
    data = matches(store, pattern, (page_no - 1) * PAGE_SIZE, PAGE_SIZE + 1)
    has_next = len(data) > PAGE_SIZE
    data = data[:PAGE_SIZE]
    if rep.kind == "html":
        return _page(pattern, data, count, page_no)
    # the page as the client named it (Comunica finds the controls by this IRI), made a valid IRI
    query = quote(request.query_string.decode("utf-8", "replace"), safe=QUERY_SAFE)
    page_url = f"{base}fragments" + (f"?{query}" if query else "")
    meta = controls(base, page_url, pattern, page_no, count, has_next)
    body = document(data, meta, fragment_iri(base, pattern), rep, page_url, base)
    response = Response(body, 200, mimetype=rep.media_type)
    if rep.media_type.startswith("text/"):
        response.headers["Content-Type"] = rep.content_type
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = "public, no-cache"
    return response


def _representation() -> Format | None:
    """``format=`` (a format's short name) wins over Accept, for links from the HTML page."""
    wanted = request.args.get("format", "").strip().lower()
    if wanted:
        return next((f for f in FRAGMENTS if wanted in (*f.names, f.extension, f.name)), None)
    return negotiate(request.accept_mimetypes, among=FRAGMENTS)


def _page(pattern: Pattern, data: list[ox.Triple], count: int, page_no: int) -> Response:
    nm = namer()
    rows = [[nm.view(t, {}) for t in (tr.subject, tr.predicate, tr.object)] for tr in data]
    params = {p: request.args.get(p, "") for p in POSITIONS}
    formats = [(f, "?" + urlencode({**pattern.params(), "page": page_no, "format": f.extension}))
               for f in FRAGMENTS if f.kind == "rdf"]
    body = render_template("fragments.html", rows=rows, params=params, count=count,
                           paging=pager(count, page_no, PAGE_SIZE, **pattern.params()),
                           formats=formats, page_size=PAGE_SIZE)
    response = Response(body, 200, mimetype="text/html")
    response.headers["Vary"] = "Accept"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
