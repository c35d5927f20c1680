"""Shared helpers for the linked-data pages: content negotiation, naming and labelling terms,
serialising triples, and reading the release's ontology, shapes and SHACL report.

Every page shows RDF terms the same way (label, link, datatype, language), so that code lives
here once; the blueprints only decide *which* triples a page or document holds.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox
from flask import current_app, render_template
from rdflib import BNode, Graph
from rdflib import Literal as RLiteral
from rdflib import URIRef as RURIRef
from rdflib.collection import Collection
from werkzeug.datastructures import MIMEAccept

from kg.config import Settings
from kg.publication import ONTOLOGY_FILE, SHAPES_FILE, Publication
from kg.vocab import (
    ITSRDF,
    NIF,
    SCHEMA,
    SH,
    SHAPES_FILE as SOURCE_SHAPES_FILE,
    STANDARD_PREFIXES,
    load_turtle,
    ontology_graph,
    ontology_ns,
    shapes_ns,
)
from server.store import NoPublication

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
DCTERMS_NS = "http://purl.org/dc/terms/"
RDF_TYPE = RDF_NS + "type"

#: Label predicates, best first: what a neighbour is called when it is shown.
LABEL_PREDICATES: tuple[str, ...] = (
    SKOS_NS + "prefLabel",
    RDFS_NS + "label",
    DCTERMS_NS + "title",
    str(SCHEMA.name),
    str(SCHEMA.headline),
    "http://xmlns.com/foaf/0.1/name",
    str(NIF.anchorOf),
)
SAME_AS_PREDICATES: tuple[str, ...] = (
    OWL_NS + "sameAs",
    str(SCHEMA.sameAs),
    SKOS_NS + "exactMatch",
    SKOS_NS + "closeMatch",
)
LABEL_MAX = 140
LONG_LITERAL = 600


# ------------------------------------------------------------------ content negotiation


@dataclass(frozen=True)
class Representation:
    ext: str
    media_type: str
    name: str
    rdf_format: ox.RdfFormat | None = None
    rdflib_format: str | None = None

    @property
    def is_rdf(self) -> bool:
        return self.rdf_format is not None


#: Order matters: werkzeug breaks quality ties by this order, so ``*/*`` (curl, most HTTP
#: libraries, no Accept header) gets Turtle; every browser asks for text/html explicitly.
REPRESENTATIONS: tuple[Representation, ...] = (
    Representation("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE, "turtle"),
    Representation("html", "text/html", "HTML"),
    Representation("jsonld", "application/ld+json", "JSON-LD", ox.RdfFormat.JSON_LD, "json-ld"),
    Representation("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES, "nt"),
    Representation("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML, "xml"),
)
BY_EXT: dict[str, Representation] = {r.ext: r for r in REPRESENTATIONS}
RDF_EXTS: tuple[str, ...] = tuple(r.ext for r in REPRESENTATIONS if r.is_rdf)
#: Media types some clients send for the same representations.
ACCEPT_ALIASES: dict[str, str] = {
    "application/xhtml+xml": "html",
    "application/x-turtle": "ttl",
    "application/json": "jsonld",
    "text/plain": "nt",
}


def negotiate(accept: MIMEAccept, exts: Iterable[str] = BY_EXT) -> Representation | None:
    """The representation the client prefers (q-values honoured), or None: answer 406."""
    allowed = [BY_EXT[e] for e in BY_EXT if e in set(exts)]
    if not accept:  # no (or an empty) Accept header means "anything"
        return allowed[0]
    offers = [r.media_type for r in allowed]
    offers += [m for m, ext in ACCEPT_ALIASES.items() if ext in {r.ext for r in allowed}]
    best = accept.best_match(offers)
    if best is None:
        return None
    return BY_EXT[ACCEPT_ALIASES.get(best, "")] if best in ACCEPT_ALIASES else next(
        r for r in allowed if r.media_type == best
    )


def link_header(alternates: dict[str, str], describedby: str | None = None) -> str:
    """RFC 8288 ``Link`` value listing each representation (ext -> URL) as an alternate."""
    parts = [
        f'<{url}>; rel="alternate"; type="{BY_EXT[ext].media_type}"'
        for ext, url in alternates.items()
    ]
    if describedby:
        parts.append(f'<{describedby}>; rel="describedby"; type="text/turtle"')
    return ", ".join(parts)


def not_acceptable_text(exts: Iterable[str]) -> str:
    types = ", ".join(BY_EXT[e].media_type for e in exts)
    return f"406 Not Acceptable: no representation matches the Accept header; available: {types}\n"


# ------------------------------------------------------------------ naming terms


def all_prefixes(base: str) -> dict[str, str]:
    """Prefixes for Turtle output and CURIEs on pages: the standard ones plus our own."""
    prefixes = {p: str(ns) for p, ns in STANDARD_PREFIXES.items()}
    prefixes.update(
        {
            "kg": ontology_ns(base),
            "shape": shapes_ns(base),
            "res": f"{base}resource/",
            "sh": str(SH),
            "vann": "http://purl.org/vocab/vann/",
        }
    )
    return prefixes


def sparql_prefixes(base: str) -> dict[str, str]:
    return all_prefixes(base)


_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


@dataclass
class TermView:
    """One RDF term as a page shows it."""

    kind: str  # "iri", "bnode" or "literal"
    value: str
    label: str
    href: str | None = None
    curie: str | None = None
    lang: str | None = None
    datatype: str | None = None  # CURIE of a datatype worth showing
    external: bool = False
    long: bool = False


@dataclass
class Namer:
    """Turns IRIs into CURIEs, page links and fallback labels for one base URI."""

    base: str
    prefixes: dict[str, str] = field(default_factory=dict)
    term_labels: dict[str, str] = field(default_factory=dict)  # ontology terms' rdfs:label

    @classmethod
    def for_base(cls, base: str, ontology: Graph | None = None) -> Namer:
        labels: dict[str, str] = {}
        if ontology is not None:
            for s, o in ontology.subject_objects(RURIRef(RDFS_NS + "label")):
                if isinstance(s, RURIRef) and isinstance(o, RLiteral):
                    if str(s) not in labels or (o.language or "en") == "en":
                        labels[str(s)] = str(o)
        return cls(base, all_prefixes(base), labels)

    def curie(self, iri: str) -> str | None:
        best: tuple[int, str] | None = None
        for prefix, ns in self.prefixes.items():
            if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns) :] or "_"):
                if best is None or len(ns) > best[0]:
                    best = (len(ns), f"{prefix}:{iri[len(ns):]}")
        return best[1] if best else None

    def is_local(self, iri: str) -> bool:
        return iri.startswith(self.base)

    def page_url(self, iri: str) -> str:
        """Where a browser reads about ``iri``: our own page for local IRIs, else the IRI."""
        if not self.is_local(iri):
            return iri
        rest = iri[len(self.base) :]
        path, sep, frag = rest.partition("#")
        if path in ("ontology", "shapes") or path.startswith(("ontology/", "shapes/")):
            return iri  # documentation pages are served under the IRI itself
        if path == "":
            return self.base
        return f"{self.base}page/{path}{sep}{frag}"

    def data_url(self, iri: str, ext: str) -> str:
        path = iri[len(self.base) :].partition("#")[0]
        return f"{self.base}data/{path}.{ext}"

    def fallback_label(self, iri: str) -> str:
        if iri in self.term_labels:
            return self.term_labels[iri]
        if self.is_local(iri):
            rest = iri[len(self.base) :]
            path, _, frag = rest.partition("#")
            kind, _, key = path.partition("/")
            if frag:
                return frag
            if kind == "resource" and key:
                return unquote(key).replace("_", " ")
            return f"{kind} {unquote(key)}".strip() if key else kind or iri
        return self.curie(iri) or iri

    def iri_view(self, iri: str, label: str | None = None) -> TermView:
        curie = self.curie(iri)
        return TermView(
            kind="iri",
            value=iri,
            label=label or self.fallback_label(iri),
            href=self.page_url(iri),
            curie=curie,
            external=not self.is_local(iri),
        )

    def view(self, term: ox.NamedNode | ox.BlankNode | ox.Literal, labels: dict[str, str]) -> TermView:
        if isinstance(term, ox.NamedNode):
            return self.iri_view(term.value, labels.get(term.value))
        if isinstance(term, ox.BlankNode):
            return TermView(kind="bnode", value=term.value, label=f"_:{term.value}")
        datatype = term.datatype.value
        shown = None
        if term.language is None and datatype not in (XSD_NS + "string", RDF_NS + "langString"):
            shown = self.curie(datatype) or datatype
        return TermView(
            kind="literal",
            value=term.value,
            label=term.value,
            lang=term.language,
            datatype=shown,
            long=len(term.value) > LONG_LITERAL,
        )


def shorten(text: str, limit: int = LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# ------------------------------------------------------------------ reading the store


def query(store: ox.Store, sparql: str, base: str, **bindings: ox.NamedNode | ox.Literal):
    """SELECT/CONSTRUCT/ASK over the union of all graphs, with our prefixes and bound variables.

    Bound variables must appear in a SELECT projection (SEP-0007 substitution)."""
    return store.query(
        sparql,
        prefixes=sparql_prefixes(base),
        use_default_graph_as_union=True,
        substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
    )


def exists(store: ox.Store, iri: str) -> bool:
    """Whether the IRI names anything in the store: as subject, object or graph name."""
    node = ox.NamedNode(iri)
    for pattern in ((node, None, None, None), (None, None, node, None), (None, None, None, node)):
        if next(iter(store.quads_for_pattern(*pattern)), None) is not None:
            return True
    return False


def fetch_labels(store: ox.Store, iris: Iterable[str], base: str) -> dict[str, str]:
    """Best label per IRI (predicate rank, then English, then untagged), one query for all."""
    wanted = sorted({i for i in iris if i})
    labels: dict[str, str] = {}
    for chunk_start in range(0, len(wanted), 400):
        chunk = wanted[chunk_start : chunk_start + 400]
        values = " ".join(str(ox.NamedNode(i)) for i in chunk)
        preds = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
        rows = store.query(
            f"SELECT ?n ?p ?l WHERE {{ VALUES ?n {{ {values} }} VALUES ?p {{ {preds} }} ?n ?p ?l }}",
            use_default_graph_as_union=True,
        )
        best: dict[str, tuple[int, int, str]] = {}
        for row in rows:
            lit = row["l"]
            if not isinstance(lit, ox.Literal):
                continue
            rank = LABEL_PREDICATES.index(row["p"].value)
            lang_rank = 0 if lit.language in ("en", None) else 1
            key = (rank, lang_rank, lit.value)
            iri = row["n"].value
            if iri not in best or key < best[iri]:
                best[iri] = key
        labels.update({iri: shorten(key[2]) for iri, key in best.items()})
    return labels


def serialise(triples: Iterable[ox.Triple], rep: Representation, base: str) -> bytes:
    """One RDF document, sorted so that the same store gives the same bytes."""
    assert rep.rdf_format is not None
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = all_prefixes(base) if rep.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(ordered, format=rep.rdf_format, prefixes=prefixes)


def serialise_graph(graph: Graph, rep: Representation, base: str) -> bytes:
    """An rdflib graph (ontology, shapes, report) in a negotiated format."""
    assert rep.rdflib_format is not None
    out = Graph()
    for prefix, ns in all_prefixes(base).items():
        out.bind(prefix, ns, override=True)
    for triple in graph:
        out.add(triple)
    if rep.rdflib_format == "json-ld":
        return out.serialize(format="json-ld", encoding="utf-8", auto_compact=True, indent=1)
    return out.serialize(format=rep.rdflib_format, encoding="utf-8")


# ------------------------------------------------------------------ release documents


_graph_cache: dict[tuple[str, str], Graph] = {}
_graph_lock = threading.Lock()


def _cached_parse(path: Path, base: str) -> Graph:
    key = (str(path), base)
    with _graph_lock:
        if key not in _graph_cache:
            if len(_graph_cache) > 16:
                _graph_cache.clear()
            _graph_cache[key] = load_turtle(path, base)
        return _graph_cache[key]


def settings() -> Settings:
    return current_app.config["KG_SETTINGS"]


def current() -> tuple[Publication, ox.Store]:
    """The current publication and its store (raises NoPublication before the first build)."""
    return current_app.extensions["kg_store"].get()


def current_or_none() -> tuple[Publication | None, ox.Store | None]:
    try:
        return current()
    except NoPublication:
        return None, None


def release_graph(publication: Publication | None, name: str, fallback: Path | None) -> Graph:
    """A release file (ontology.ttl, shapes.ttl, validation.ttl) parsed once per release."""
    base = settings().base_uri
    if publication is not None:
        try:
            return _cached_parse(publication.file(name), base)
        except FileNotFoundError:
            pass
    if fallback is not None and fallback.is_file():
        return _cached_parse(fallback, base)
    return Graph()


def ontology_for(publication: Publication | None) -> Graph:
    if publication is None:
        return ontology_graph(settings().base_uri)
    return release_graph(publication, ONTOLOGY_FILE, None)


def shapes_for(publication: Publication | None) -> Graph:
    return release_graph(publication, SHAPES_FILE, SOURCE_SHAPES_FILE)


def namer(publication: Publication | None = None) -> Namer:
    return Namer.for_base(settings().base_uri, ontology_for(publication))


def no_publication_response(exc: NoPublication):
    """503 with a reason, as a page: a server without a build must never crash."""
    body = render_template(
        "error.html", status=503, title="No publication yet", message=str(exc)
    )
    return body, 503, {"Retry-After": "30"}


# ------------------------------------------------------------------ misc


def site_name(iri: str) -> str:
    """A readable name for another dataset's host, for outbound links."""
    host = urlsplit(iri).hostname or iri
    known = {
        "www.wikidata.org": "Wikidata",
        "wikidata.org": "Wikidata",
        "dbpedia.org": "DBpedia",
        "en.wikipedia.org": "Wikipedia",
        "schema.org": "schema.org",
        "sws.geonames.org": "GeoNames",
    }
    return known.get(host, host)


def quote_path(path: str) -> str:
    """Percent-encode what an IRI path may not hold raw, keeping what it may."""
    return quote(path, safe="/:@!$&'()*+,;=-._~%")



# ------------------------------------------------------------------ a resource's page and document

MAX_INCOMING = 10_000  # incoming links put in a document; hubs beyond this are cut
MAX_GRAPH_TRIPLES = 200_000
SHOWN_PER_PREDICATE = 50
SUMMARISED_INCOMING = (RDF_NS + "subject", RDF_NS + "object", RDF_NS + "predicate",
                       str(ITSRDF.taIdentRef))
HEADER_PREDICATES = (RDF_TYPE, SKOS_NS + "prefLabel", RDFS_NS + "label", SKOS_NS + "altLabel",
                     *SAME_AS_PREDICATES)
FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"


def _triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """Distinct triples in first-seen order (one triple may sit in several graphs)."""
    seen: dict[ox.Triple, None] = {}
    for q in quads:
        seen.setdefault(q.triple, None)
    return list(seen)


def document_triples(store: ox.Store, nm: Namer, iri: str, doc_url: str) -> list[ox.Triple]:
    """The concise bounded description of ``iri``: its outgoing triples (with blank-node
    closure), incoming links, the labels of every neighbour, and for an article the
    sentences and mentions under its hash IRIs; for a named graph also its triples."""
    node = ox.NamedNode(iri)
    out = _triples(store.quads_for_pattern(node, None, None, None))
    out += _bnode_closure(store, [t.object for t in out])
    incoming = _triples(islice(store.quads_for_pattern(None, None, node, None), MAX_INCOMING))
    extra: list[ox.Triple] = []
    for q in store.quads_for_pattern(None, ox.NamedNode(str(NIF.referenceContext)), node, None):
        extra += _triples(store.quads_for_pattern(q.subject, None, None, None))
    if iri.startswith(nm.base + "graph/") or next(
        iter(store.quads_for_pattern(None, None, None, node)), None
    ):
        extra += _triples(islice(store.quads_for_pattern(None, None, None, node), MAX_GRAPH_TRIPLES))
    neighbours = {t.object.value for t in out if isinstance(t.object, ox.NamedNode)}
    neighbours |= {t.subject.value for t in incoming if isinstance(t.subject, ox.NamedNode)}
    neighbours.discard(iri)
    triples = out + incoming + extra + label_triples(store, neighbours)
    triples.append(ox.Triple(ox.NamedNode(doc_url), ox.NamedNode(FOAF_PRIMARY_TOPIC), node))
    return triples


def _bnode_closure(store: ox.Store, objects: Iterable, depth: int = 8) -> list[ox.Triple]:
    found: list[ox.Triple] = []
    todo = [o for o in objects if isinstance(o, ox.BlankNode)]
    seen: set[str] = set()
    while todo and depth > 0:
        depth -= 1
        nxt = []
        for b in todo:
            if b.value in seen:
                continue
            seen.add(b.value)
            ts = _triples(store.quads_for_pattern(b, None, None, None))
            found += ts
            nxt += [t.object for t in ts if isinstance(t.object, ox.BlankNode)]
        todo = nxt
    return found


def label_triples(store: ox.Store, iris: Iterable[str]) -> list[ox.Triple]:
    """The label triples of the given IRIs (all LABEL_PREDICATES but the NIF text)."""
    wanted = sorted(iris)
    preds = " ".join(f"<{p}>" for p in LABEL_PREDICATES[:-1])
    found: list[ox.Triple] = []
    for i in range(0, len(wanted), 400):
        values = " ".join(str(ox.NamedNode(x)) for x in wanted[i : i + 400])
        found += list(store.query(
            f"CONSTRUCT {{ ?n ?p ?l }} WHERE {{ VALUES ?n {{ {values} }} VALUES ?p {{ {preds} }} ?n ?p ?l }}",
            use_default_graph_as_union=True,
        ))
    return found


_PROVENANCE = """
SELECT ?a ?s ?p ?o ?conf ?sent ?text ?article ?u WHERE {
  { ?a rdf:subject ?u } UNION { ?a rdf:object ?u }
  ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?a kg:confidence ?conf }
  OPTIONAL { ?a kg:sourceSentence ?sent .
             OPTIONAL { ?sent nif:anchorOf ?text }
             OPTIONAL { ?sent nif:referenceContext ?article } }
} LIMIT 5000
"""

_MENTIONS = """
SELECT ?phrase ?sent ?text ?sbegin ?pbegin ?pend ?article ?u WHERE {
  ?phrase itsrdf:taIdentRef ?u .
  OPTIONAL { ?phrase nif:beginIndex ?pbegin } OPTIONAL { ?phrase nif:endIndex ?pend }
  OPTIONAL { ?phrase nif:referenceContext ?article }
  OPTIONAL { ?phrase nif:sentence ?sent .
             OPTIONAL { ?sent nif:anchorOf ?text } OPTIONAL { ?sent nif:beginIndex ?sbegin } }
} ORDER BY ?article ?pbegin LIMIT 30
"""


@dataclass
class Source:
    """A sentence a fact was read from."""

    text: str
    href: str | None
    article: TermView | None
    assertion: TermView
    confidence: str | None


def provenance(store: ox.Store, nm: Namer, iri: str) -> dict[tuple[str, str, str], list[Source]]:
    """(s, p, o) -> the sentences each reified kg:Assertion about ``iri`` was read from."""
    rows = list(query(store, _PROVENANCE, nm.base, u=ox.NamedNode(iri)))
    articles = fetch_labels(store, {r["article"].value for r in rows if r["article"]}, nm.base)
    facts: dict[tuple[str, str, str], list[Source]] = {}
    seen: set[tuple[str, str]] = set()
    for r in rows:
        key = (str(r["s"]), r["p"].value if isinstance(r["p"], ox.NamedNode) else str(r["p"]), str(r["o"]))
        sources = facts.setdefault(key, [])
        mark = (r["a"].value, r["sent"].value if r["sent"] else "")
        if mark in seen or r["sent"] is None:
            continue
        seen.add(mark)
        sources.append(Source(
            text=r["text"].value if r["text"] else nm.fallback_label(r["sent"].value),
            href=nm.page_url(r["sent"].value) if isinstance(r["sent"], ox.NamedNode) else None,
            article=nm.iri_view(r["article"].value, articles.get(r["article"].value))
            if r["article"] else None,
            assertion=nm.iri_view(r["a"].value),
            confidence=r["conf"].value if r["conf"] else None,
        ))
    return facts


def mentions(store: ox.Store, nm: Namer, iri: str) -> dict:
    """Where the articles mention ``iri``: sentences with the mention marked."""
    node = ox.NamedNode(iri)
    total = sum(1 for _ in store.quads_for_pattern(None, ox.NamedNode(str(ITSRDF.taIdentRef)), node, None))
    rows = list(query(store, _MENTIONS, nm.base, u=node))
    articles = fetch_labels(store, {r["article"].value for r in rows if r["article"]}, nm.base)
    items = []
    seen: set[str] = set()
    for r in rows:
        if r["phrase"].value in seen:
            continue
        seen.add(r["phrase"].value)
        text = r["text"].value if r["text"] else ""
        before, marked, after = text, "", ""
        if text and r["sbegin"] and r["pbegin"] and r["pend"]:
            a = int(r["pbegin"].value) - int(r["sbegin"].value)
            b = int(r["pend"].value) - int(r["sbegin"].value)
            if 0 <= a < b <= len(text):
                before, marked, after = text[:a], text[a:b], text[b:]
        sent = r["sent"]
        items.append({
            "before": before, "mark": marked, "after": after,
            "href": nm.page_url(sent.value) if isinstance(sent, ox.NamedNode) else None,
            "article": nm.iri_view(r["article"].value, articles.get(r["article"].value))
            if r["article"] else None,
        })
    return {"count": total, "items": items}


def build_page(store: ox.Store, nm: Namer, iri: str) -> dict:
    """Everything the HTML page of one resource shows, from the store."""
    node = ox.NamedNode(iri)
    out_quads = list(store.quads_for_pattern(node, None, None, None))
    graphs = sorted({q.graph_name.value for q in out_quads if isinstance(q.graph_name, ox.NamedNode)})
    out = _triples(out_quads)
    incoming = _triples(islice(store.quads_for_pattern(None, None, node, None), MAX_INCOMING))
    facts = provenance(store, nm, iri)
    out_keys = {(str(t.subject), t.predicate.value, str(t.object)) for t in out}
    in_keys = {(str(t.subject), t.predicate.value, str(t.object)) for t in incoming}
    extra_out, extra_in = [], []
    for s, p, o in facts:  # facts known only as reified assertions still show
        if s == str(node) and (s, p, o) not in out_keys:
            extra_out.append((p, o))
        elif o == str(node) and (s, p, o) not in in_keys:
            extra_in.append((s, p))
    iris = {t.object.value for t in out if isinstance(t.object, ox.NamedNode)}
    iris |= {t.subject.value for t in incoming if isinstance(t.subject, ox.NamedNode)}
    iris |= set(graphs) | {iri}
    for s, p, o in facts:
        iris |= {x[1:-1] for x in (s, o) if x.startswith("<")}
    labels = fetch_labels(store, iris, nm.base)

    def lit_or_iri(text: str):
        return ox.NamedNode(text[1:-1]) if text.startswith("<") else None

    by_pred: dict[str, list[dict]] = {}
    for t in out:
        p = t.predicate.value
        if p in HEADER_PREDICATES:
            continue
        key = (str(node), p, str(t.object))
        by_pred.setdefault(p, []).append({"term": nm.view(t.object, labels), "sources": facts.get(key, [])})
    for p, o in extra_out:
        term = lit_or_iri(o)
        if term is not None:
            by_pred.setdefault(p, []).append(
                {"term": nm.view(term, labels), "sources": facts[(str(node), p, o)]})
    properties = _grouped(nm, by_pred)

    in_by_pred: dict[str, list[dict]] = {}
    summarised: list[dict] = []
    in_counts: dict[str, int] = {}
    for t in incoming:
        in_counts[t.predicate.value] = in_counts.get(t.predicate.value, 0) + 1
    for t in incoming:
        p = t.predicate.value
        if p in SUMMARISED_INCOMING:
            continue
        key = (str(t.subject), p, str(node))
        in_by_pred.setdefault(p, []).append({"term": nm.view(t.subject, labels), "sources": facts.get(key, [])})
    for s, p in extra_in:
        term = lit_or_iri(s)
        if term is not None:
            in_by_pred.setdefault(p, []).append(
                {"term": nm.view(term, labels), "sources": facts[(s, p, str(node))]})
    for p in SUMMARISED_INCOMING:
        if in_counts.get(p):
            summarised.append({"pred": nm.iri_view(p), "count": in_counts[p]})
    incoming_groups = _grouped(nm, in_by_pred)
    for g in incoming_groups:
        g["count"] = max(in_counts.get(g["pred"].value, 0), len(g["values"]))
        g["values"] = g["values"][:SHOWN_PER_PREDICATE]

    def objects(pred: str) -> list[ox.NamedNode | ox.Literal]:
        return [t.object for t in out if t.predicate.value == pred]

    same_as = [
        {"view": nm.iri_view(o.value), "site": site_name(o.value)}
        for p in SAME_AS_PREDICATES for o in objects(p)
        if isinstance(o, ox.NamedNode) and not nm.is_local(o.value)
    ]
    statement = None
    subj, pred, obj = (objects(RDF_NS + x) for x in ("subject", "predicate", "object"))
    if subj and pred and obj:
        key = (str(subj[0]), pred[0].value, str(obj[0]))
        statement = {"s": nm.view(subj[0], labels), "p": nm.view(pred[0], labels),
                     "o": nm.view(obj[0], labels), "sources": facts.get(key, [])}
    lang_sorted = sorted  # stable order of label literals: by language then text
    return {
        "iri": iri,
        "title": labels.get(iri) or nm.fallback_label(iri),
        "types": [nm.view(o, labels) for o in objects(RDF_TYPE)],
        "pref_labels": [nm.view(o, labels) for o in lang_sorted(objects(SKOS_NS + "prefLabel"), key=str)],
        "labels": [nm.view(o, labels) for o in lang_sorted(objects(RDFS_NS + "label"), key=str)],
        "alt_labels": [nm.view(o, labels) for o in lang_sorted(objects(SKOS_NS + "altLabel"), key=str)],
        "same_as": same_as,
        "properties": properties,
        "incoming": incoming_groups,
        "summarised": summarised,
        "mentions": mentions(store, nm, iri),
        "graphs": [nm.iri_view(g, labels.get(g)) for g in graphs],
        "statement": statement,
        "fact_count": sum(1 for v in facts.values() if v),
    }


def _grouped(nm: Namer, by_pred: dict[str, list[dict]]) -> list[dict]:
    groups = []
    for p, values in by_pred.items():
        unique: dict[tuple[str, str], dict] = {}
        for v in values:
            unique.setdefault((v["term"].kind, v["term"].value), v)
        ordered = sorted(unique.values(), key=lambda v: (v["term"].label.lower(), v["term"].value))
        groups.append({"pred": nm.iri_view(p), "values": ordered})
    return sorted(groups, key=lambda g: (g["pred"].label.lower(), g["pred"].value))


_ARTICLE_SENTENCES = """
SELECT ?sent ?text ?begin ?u WHERE {
  ?sent nif:referenceContext ?u ; a nif:Sentence ; nif:anchorOf ?text ; nif:beginIndex ?begin .
} ORDER BY ?begin
"""
_ARTICLE_PHRASES = """
SELECT ?phrase ?begin ?end ?ent ?u WHERE {
  ?phrase nif:referenceContext ?u ; itsrdf:taIdentRef ?ent ; nif:beginIndex ?begin ; nif:endIndex ?end .
} ORDER BY ?begin
"""
_ARTICLE_FACTS = """
SELECT DISTINCT ?a ?s ?p ?o ?sent ?begin ?u WHERE {
  ?a kg:sourceSentence ?sent ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?sent nif:referenceContext ?u .
  OPTIONAL { ?sent nif:beginIndex ?begin }
} ORDER BY ?begin ?a LIMIT 2000
"""


def article_text(store: ox.Store, nm: Namer, iri: str) -> list[dict]:
    """The article's sentences in order, each with its mentions linked to their entities.

    Offsets are NIF's: characters from the start of the article (the reference context)."""
    node = ox.NamedNode(iri)
    sentences = {}
    for r in query(store, _ARTICLE_SENTENCES, nm.base, u=node):
        sentences.setdefault(r["sent"].value, (int(r["begin"].value), r["text"].value))
    phrases = []
    for r in query(store, _ARTICLE_PHRASES, nm.base, u=node):
        if isinstance(r["ent"], ox.NamedNode):
            phrases.append((int(r["begin"].value), int(r["end"].value), r["ent"].value))
    labels = fetch_labels(store, {p[2] for p in phrases}, nm.base)
    rows = []
    for sent_iri, (begin, text) in sorted(sentences.items(), key=lambda kv: kv[1][0]):
        end = begin + len(text)
        inside = sorted(p for p in phrases if begin <= p[0] < p[1] <= end)
        segments, cursor = [], 0
        for pb, pe, ent in inside:
            a, b = pb - begin, pe - begin
            if a < cursor:
                continue  # overlapping mention: keep the first
            if a > cursor:
                segments.append({"text": text[cursor:a], "href": None})
            segments.append({"text": text[a:b], "href": nm.page_url(ent),
                             "title": labels.get(ent) or nm.fallback_label(ent)})
            cursor = b
        if cursor < len(text):
            segments.append({"text": text[cursor:], "href": None})
        rows.append({"id": sent_iri.partition("#")[2], "iri": sent_iri, "segments": segments})
    return rows


def article_facts(store: ox.Store, nm: Namer, iri: str) -> list[dict]:
    """Facts read from this article, in text order, each linked to its sentence."""
    rows = list(query(store, _ARTICLE_FACTS, nm.base, u=ox.NamedNode(iri)))
    iris = set()
    for r in rows:
        iris |= {r[v].value for v in ("s", "o") if isinstance(r[v], ox.NamedNode)}
    labels = fetch_labels(store, iris, nm.base)
    return [
        {"s": nm.view(r["s"], labels), "p": nm.view(r["p"], labels), "o": nm.view(r["o"], labels),
         "sentence": nm.page_url(r["sent"].value) if isinstance(r["sent"], ox.NamedNode) else None,
         "assertion": nm.iri_view(r["a"].value)}
        for r in rows
    ]


def entity_classes(ontology: Graph, base: str) -> list[str]:
    """kg:Entity and every ontology class below it: what counts as an entity."""
    root = RURIRef(ontology_ns(base) + "Entity")
    sub = RURIRef(RDFS_NS + "subClassOf")
    found = {root}
    changed = True
    while changed:
        changed = False
        for s, o in ontology.subject_objects(sub):
            if o in found and s not in found and isinstance(s, RURIRef):
                found.add(s)
                changed = True
    return sorted(str(c) for c in found)


def suggestions(store: ox.Store, nm: Namer, path: str) -> list[TermView]:
    """Entities whose label contains the words of a URI that was not found (for 404 pages)."""
    words = unquote(path.rpartition("/")[2]).replace("_", " ").strip()
    tries = [words] + sorted((w for w in words.split() if len(w) >= 3), key=len, reverse=True)
    for term in tries[:3]:
        if not term:
            continue
        rows = list(query(store, """
            SELECT DISTINCT ?e ?q WHERE {
              ?e a ?c ; rdfs:label|skos:prefLabel|skos:altLabel ?l .
              FILTER(CONTAINS(LCASE(STR(?l)), LCASE(?q)))
            } ORDER BY ?e LIMIT 10""", nm.base, q=ox.Literal(term)))
        if rows:
            iris = [r["e"].value for r in rows]
            labels = fetch_labels(store, iris, nm.base)
            return [nm.iri_view(i, labels.get(i)) for i in iris]
    return []
