"""Terms of rdflib graphs as pages show them.

The ontology, the shapes and SHACL reports are parsed by rdflib, not read from the Oxigraph
store, so their terms, RDF lists and SHACL property paths need their own small readers that
give the same :class:`~server.linked_data.terms.TermView` as store terms get.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from rdflib import BNode, Graph, Literal
from rdflib import URIRef as RURIRef
from rdflib.collection import Collection
from rdflib.term import Identifier, Node

from kg.vocab import SH
from server.linked_data.terms import RDF_NS, Namer, TermView


def sorted_terms(nodes: Iterable[Node]) -> list[Identifier]:
    """Graph terms in rdflib's order.

    rdflib types what ``Graph.subjects``/``objects``/``predicates`` yield as ``Node``, which has
    no order; in the graphs read here (Turtle: no N3 formulas) they are all ``Identifier`` (IRI,
    blank node, literal), which sorts."""
    return sorted(cast("Iterable[Identifier]", nodes))


def rdf_list(graph: Graph, head: Node) -> list[Node]:
    try:
        return list(Collection(graph, head))
    except Exception:  # noqa: BLE001 - a malformed list is shown as a single node
        return [head]


def rdflib_view(nm: Namer, term: Node, labels: dict[str, str] | None = None) -> TermView:
    """A TermView for an rdflib term (ontology, shapes and reports are parsed by rdflib)."""
    labels = labels or {}
    if isinstance(term, RURIRef):
        return nm.iri_view(str(term), labels.get(str(term)))
    if isinstance(term, BNode):
        return TermView(kind="bnode", value=str(term), label="[blank node]")
    assert isinstance(term, Literal)  # a parsed graph's terms are IRIs, blank nodes and literals
    datatype = str(term.datatype) if term.datatype else None
    return nm.literal_view(str(term), term.language, datatype)


def path_text(nm: Namer, graph: Graph, path: Node) -> str:
    """A SHACL property path written the SPARQL way: ``^p``, ``a/b``, ``(a|b)``, ``p*``."""
    if isinstance(path, RURIRef):
        return nm.curie(str(path)) or f"<{path}>"
    if (path, RURIRef(RDF_NS + "first"), None) in graph:
        return "/".join(path_text(nm, graph, p) for p in rdf_list(graph, path))
    for pred, fmt in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = graph.value(path, SH[pred])
        if inner is not None:
            return fmt.format(path_text(nm, graph, inner))
    alt = graph.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_text(nm, graph, p) for p in rdf_list(graph, alt)) + ")"
    return str(path)


def first_value(graph: Graph, subject: Node | None, preds: Iterable[Node]) -> str | None:
    """The first value of the first of ``preds`` that ``subject`` has, as text."""
    if subject is None:
        return None
    for pred in preds:
        for value in graph.objects(subject, pred):
            return str(value)
    return None
