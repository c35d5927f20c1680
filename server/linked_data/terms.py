"""How a page names and shows an RDF term: CURIEs, page links, fallback labels, literals.

Every linked-data page shows terms the same way (label, link, datatype, language), so the
vocabulary constants and the :class:`Namer` that turns IRIs into what a page shows live here
once; the page models and templates only ask for :class:`TermView` objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox
from rdflib import Graph
from rdflib import Literal as RLiteral
from rdflib import URIRef as RURIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kg.vocab import NIF, SCHEMA, prefixes

RDF_NS, RDFS_NS, XSD_NS, SKOS_NS, OWL_NS, DCTERMS_NS = (
    str(ns) for ns in (RDF, RDFS, XSD, SKOS, OWL, DCTERMS)
)
RDF_TYPE = RDF_NS + "type"

#: Label predicates, best first: what a neighbour is called when it is shown.
LABEL_PREDICATES: tuple[str, ...] = (
    SKOS_NS + "prefLabel",
    RDFS_NS + "label",
    DCTERMS_NS + "title",
    str(SCHEMA.name),
    str(SCHEMA.headline),
    "http://xmlns.com/foaf/0.1/name",
    str(SCHEMA.text),
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
#: A term of the store as pages meet it (RDF-star quoted triples are not shown).
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
#: What a triple of the store may hold as subject or object: also an RDF 1.2 triple term.
AnyTerm = OxTerm | ox.Triple
#: Datatypes not worth a tag: a plain or language-tagged string is just text.
_PLAIN_DATATYPES = (None, XSD_NS + "string", RDF_NS + "langString")


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
                english = (getattr(o, "language", None) or "en") == "en"
                if isinstance(s, RURIRef) and isinstance(o, RLiteral) and (
                    str(s) not in labels or english
                ):
                    labels[str(s)] = str(o)
        return cls(base, prefixes(base), labels)

    def curie(self, iri: str) -> str | None:
        best: tuple[int, str] | None = None
        for prefix, ns in self.prefixes.items():
            fits = iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns) :] or "_")
            if fits and (best is None or len(ns) > best[0]):
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
        curie = self.curie(iri)
        return curie.partition(":")[2] if curie else iri  # schema:Person -> "Person"

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

    def literal_view(self, value: str, lang: str | None, datatype: str | None) -> TermView:
        """A literal, with its datatype shown only when it says more than "a string"."""
        shown = None
        if lang is None and datatype is not None and datatype not in _PLAIN_DATATYPES:
            shown = self.curie(datatype) or datatype
        return TermView(
            kind="literal", value=value, label=value, lang=lang, datatype=shown,
            long=len(value) > LONG_LITERAL,
        )

    def view(self, term: AnyTerm, labels: dict[str, str]) -> TermView:
        if isinstance(term, ox.NamedNode):
            return self.iri_view(term.value, labels.get(term.value))
        if isinstance(term, ox.BlankNode):
            return TermView(kind="bnode", value=term.value, label=f"_:{term.value}")
        if isinstance(term, ox.Triple):  # an error, as it was before this check (an AttributeError)
            raise TypeError(f"pages cannot show RDF 1.2 triple terms: {term}")
        return self.literal_view(term.value, term.language, term.datatype.value)


def shorten(text: str, limit: int = LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
