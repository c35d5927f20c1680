"""The model of the ontology page (ontology.html): metadata, a class tree, and each term with
how the data uses it.

A vocabulary page helps most when it shows a term in use, so next to each class and property
from the release's ontology the page gives its count in the store and a few examples; with
no publication yet, it documents the source ontology alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeGuard
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.vocab import VANN, ontology_ns
from server.linked_data.labels import fetch_labels
from server.linked_data.query import select, solutions
from server.linked_data.rdfview import first_value, rdflib_view, sorted_terms
from server.linked_data.terms import Namer, TermView

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
#: The ontology header's rows, in page order.
META_PREDICATES = (
    ("Title", DCTERMS.title), ("Description", RDFS.comment),
    ("Description", DCTERMS.description), ("Version", OWL.versionInfo),
    ("Version IRI", OWL.versionIRI), ("Licence", DCTERMS.license),
    ("Creator", DCTERMS.creator), ("Contributor", DCTERMS.contributor),
    ("Created", DCTERMS.created), ("Modified", DCTERMS.modified),
    ("Preferred prefix", VANN.preferredNamespacePrefix),
    ("Namespace", VANN.preferredNamespaceUri), ("Imports", OWL.imports),
)
MAPPING_PREDICATES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch,
                      SKOS.relatedMatch)
#: A term's examples: (subject, object) for a property, (instance, None) for a class.
Example = tuple[TermView, TermView | None]


@dataclass
class TermDoc:
    """One class or property as the ontology page documents it."""

    anchor: str
    view: TermView
    kinds: list[TermView]
    comment: str | None
    rows: list[tuple[str, list[TermView]]]
    maps_to: list[TermView]
    count: int | None
    examples: list[Example]


def ontology_model(graph: Graph, nm: Namer, store: ox.Store | None) -> dict:
    """Metadata, classes, properties, class tree and data examples for the ontology page."""
    ns = ontology_ns(nm.base)
    onto = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)

    def ours(t: Node) -> TypeGuard[URIRef]:
        return isinstance(t, URIRef) and str(t).startswith(ns)

    classes = sorted({s for t in CLASS_TYPES for s in graph.subjects(RDF.type, t) if ours(s)})
    props = sorted({s for t in PROPERTY_TYPES for s in graph.subjects(RDF.type, t) if ours(s)})
    # named values: SKOS schemes and concepts (event modalities, quote forms), individuals
    values = sorted({s for s in graph.subjects(RDF.type, None) if ours(s)} - set(classes)
                    - set(props) - {onto})
    counts, examples = _usage(store, nm, classes, props)
    return {
        "iri": str(onto) if onto is not None else nm.base + "ontology",
        "title": first_value(graph, onto, (DCTERMS.title, RDFS.label)) or "Ontology",
        "namespace": ns,
        "prefix": first_value(graph, onto, (VANN.preferredNamespacePrefix,)) or "kg",
        "meta": _meta(graph, nm, onto),
        "classes": [_term_doc(graph, nm, c, counts, examples, is_class=True) for c in classes],
        "properties": [_term_doc(graph, nm, p, counts, examples, is_class=False) for p in props],
        "values": [_term_doc(graph, nm, v, counts, examples, is_class=None) for v in values],
        "tree": _class_tree(graph, nm, classes),
        "has_data": store is not None,
    }


def _meta(graph: Graph, nm: Namer, onto: Node | None) -> list[tuple[str, list[TermView]]]:
    """The ontology's own description: title, version, licence, namespace ..."""
    meta = []
    if onto is not None:
        for label, pred in META_PREDICATES:
            values = [rdflib_view(nm, o) for o in sorted_terms(graph.objects(onto, pred))]
            if pred == VANN.preferredNamespaceUri:  # a relative literal in the source file
                values = [nm.iri_view(urljoin(nm.base, v.value)) for v in values]
            if values:
                meta.append((label, values))
    return meta


def _term_doc(graph: Graph, nm: Namer, term: URIRef, counts: dict[str, int],
              examples: dict[str, list[Example]], is_class: bool | None) -> TermDoc:
    """A class, a property, or (``is_class=None``) a named value such as a SKOS concept."""
    def views(pred: URIRef, reverse: bool = False) -> list[TermView]:
        found = graph.subjects(pred, term) if reverse else graph.objects(term, pred)
        return [rdflib_view(nm, x) for x in sorted_terms(found) if not isinstance(x, BNode)]

    kinds = [rdflib_view(nm, t) for t in sorted_terms(graph.objects(term, RDF.type))]
    rows: list[tuple[str, list[TermView]]] = []
    if is_class:
        sup, equiv = views(RDFS.subClassOf), views(OWL.equivalentClass)
        rows += [("Subclass of", sup), ("Equivalent to", equiv),
                 ("Superclass of", views(RDFS.subClassOf, reverse=True)),
                 ("Domain of", views(RDFS.domain, reverse=True)),
                 ("Range of", views(RDFS.range, reverse=True))]
    elif is_class is None:
        sup, equiv = [], views(OWL.sameAs)
        rows += [("In scheme", views(SKOS.inScheme)), ("Top concepts", views(SKOS.hasTopConcept)),
                 ("Broader", views(SKOS.broader)), ("Same as", equiv)]
    else:
        sup, equiv = views(RDFS.subPropertyOf), views(OWL.equivalentProperty)
        rows += [("Domain", views(RDFS.domain)), ("Range", views(RDFS.range)),
                 ("Subproperty of", sup), ("Equivalent to", equiv),
                 ("Inverse of", views(OWL.inverseOf)),
                 ("Superproperty of", views(RDFS.subPropertyOf, reverse=True))]
    mappings = [v for p in MAPPING_PREDICATES for v in views(p)]
    rows.append(("Mapped to", mappings))
    return TermDoc(
        anchor=str(term)[len(ontology_ns(nm.base)):],
        view=rdflib_view(nm, term),
        kinds=kinds,
        comment=first_value(graph, term, (RDFS.comment, SKOS.definition, DCTERMS.description)),
        rows=[(label, vs) for label, vs in rows if vs],
        maps_to=[v for v in sup + equiv + mappings if v.external],
        count=counts.get(str(term)),
        examples=examples.get(str(term), []),
    )


def _usage(store: ox.Store | None, nm: Namer, classes: list[URIRef], props: list[URIRef],
           ) -> tuple[dict[str, int], dict[str, list[Example]]]:
    """How often each term is used in the data, with a few examples of each."""
    counts: dict[str, int] = {}
    examples: dict[str, list[Example]] = {}
    if store is None:
        return counts, examples
    if classes:
        values = " ".join(f"<{c}>" for c in classes)
        for r in select(store, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c "
                               f"{{ {values} }} ?s a ?c }} GROUP BY ?c", nm.base):
            counts[r["c"].value] = int(r["n"].value)
    if props:
        values = " ".join(f"<{p}>" for p in props)
        for r in select(store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ {{ SELECT DISTINCT ?s ?p ?o "
                               f"WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }} }} }} GROUP BY ?p",
                        nm.base):
            counts[r["p"].value] = int(r["n"].value)
    found: dict[str, list[tuple]] = {}
    for c in classes:
        if counts.get(str(c)):
            rows = solutions(store.query(
                f"SELECT DISTINCT ?s WHERE {{ ?s a <{c}> }} ORDER BY ?s LIMIT 3"))
            found[str(c)] = [(r["s"], None) for r in rows]
    for p in props:
        if counts.get(str(p)):
            rows = solutions(store.query(
                f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{p}> ?o }} ORDER BY ?s ?o LIMIT 3"))
            found[str(p)] = [(r["s"], r["o"]) for r in rows]
    iris = {t.value for pairs in found.values() for pair in pairs for t in pair
            if isinstance(t, ox.NamedNode)}
    labels = fetch_labels(store, iris, nm.base)
    for term, pairs in found.items():
        examples[term] = [(nm.view(s, labels), nm.view(o, labels) if o is not None else None)
                          for s, o in pairs]
    return counts, examples


def _class_tree(graph: Graph, nm: Namer, classes: list[URIRef]) -> list[dict]:
    """Our classes as a tree under their superclasses (external superclasses shown as roots)."""
    children: dict[str, list[str]] = {}
    roots: dict[str, TermView] = {}
    ours = {str(c) for c in classes}
    for c in classes:
        parents: list[URIRef | None] = [
            p for p in graph.objects(c, RDFS.subClassOf) if isinstance(p, URIRef)]
        for p in parents or [None]:
            key = str(p) if p is not None else ""
            children.setdefault(key, []).append(str(c))
            if p is not None and str(p) not in ours:
                roots[str(p)] = rdflib_view(nm, p)

    def node(iri: str, seen: frozenset[str]) -> dict:
        kids = [] if iri in seen else sorted(children.get(iri, []))
        return {"view": nm.iri_view(iri) if iri in ours else roots[iri],
                "local": iri in ours,
                "children": [node(k, seen | {iri}) for k in kids]}

    top = sorted(roots, key=lambda i: nm.curie(i) or i)
    return [node(i, frozenset()) for i in children.get("", [])] + [node(i, frozenset()) for i in top]
