"""The model of the shapes page (shapes.html): each SHACL node shape as a reader meets it.

The shapes are the publication's data contract; the page states it in words and SPARQL-like
paths (``^p``, ``a/b``), with every constraint and message, rather than as raw Turtle.
"""

from __future__ import annotations

import textwrap

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from kg.vocab import SH, shapes_ns
from server.linked_data.rdfview import first_value, path_text, rdf_list, rdflib_view, sorted_terms
from server.linked_data.terms import Namer, TermView

#: Predicates a shape's page shows on their own, not in its list of constraints.
SHAPE_SKIP = {SH.property, SH.path, SH.message, SH.severity, SH.name, SH.description,
              SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.sparql,
              RDF.type, RDFS.label, RDFS.comment}
TARGETS = (("instances of", SH.targetClass), ("the node", SH.targetNode),
           ("subjects of", SH.targetSubjectsOf), ("objects of", SH.targetObjectsOf))


def shapes_model(graph: Graph, nm: Namer) -> dict:
    """Each node shape with its targets, messages, constraints and property shapes."""
    doc = next((s for s in graph.subjects(RDF.type, OWL.Ontology)
                if str(s).startswith(nm.base + "shapes")), None)
    node_shapes = set(graph.subjects(RDF.type, SH.NodeShape))
    for _, pred in TARGETS:
        node_shapes |= set(graph.subjects(pred, None))
    shapes = [_shape(graph, nm, s) for s in node_shapes]
    shapes.sort(key=lambda s: s["name"].lower())
    return {
        "iri": nm.base + "shapes",
        "title": first_value(graph, doc, (RDFS.label, DCTERMS.title)) or "SHACL shapes",
        "comment": first_value(graph, doc, (RDFS.comment, DCTERMS.description)),
        "shapes": shapes,
        "triples": len(graph),
    }


def _shape(graph: Graph, nm: Namer, shape: Node) -> dict:
    ns = shapes_ns(nm.base)
    name = str(shape)[len(ns):] if str(shape).startswith(ns) else (
        nm.curie(str(shape)) or str(shape) if isinstance(shape, URIRef) else "anonymous shape")
    targets = [
        (label, rdflib_view(nm, o))
        for label, pred in TARGETS
        for o in sorted_terms(graph.objects(shape, pred))
    ]
    props = [_property_shape(graph, nm, p) for p in graph.objects(shape, SH.property)]
    props.sort(key=lambda p: p["path"])
    return {
        "anchor": name if isinstance(shape, URIRef) else None,
        "iri": str(shape) if isinstance(shape, URIRef) else None,
        "name": name,
        "label": first_value(graph, shape, (RDFS.label, SH.name)),
        "comment": first_value(graph, shape, (RDFS.comment, SH.description)),
        "severity": _severity(graph, shape),
        "messages": _messages(graph, shape),
        "targets": targets,
        "constraints": _constraints(graph, nm, shape),
        "sparql": [
            {"select": textwrap.dedent(first_value(graph, c, (SH.select, SH.ask)) or "").strip(),
             "messages": _messages(graph, c)}
            for c in graph.objects(shape, SH.sparql)
        ],
        "properties": props,
    }


def _property_shape(graph: Graph, nm: Namer, prop: Node) -> dict:
    path = graph.value(prop, SH.path)
    return {
        "path": path_text(nm, graph, path) if path is not None else "(no path)",
        "name": first_value(graph, prop, (SH.name, RDFS.label)),
        "description": first_value(graph, prop, (SH.description, RDFS.comment)),
        "severity": _severity(graph, prop),
        "messages": _messages(graph, prop),
        "constraints": _constraints(graph, nm, prop),
    }


def _messages(graph: Graph, shape: Node) -> list[str]:
    return sorted(str(m) for m in graph.objects(shape, SH.message))


def _severity(graph: Graph, shape: Node) -> str | None:
    sev = graph.value(shape, SH.severity)
    return str(sev).rsplit("#", 1)[-1] if sev is not None else None


def _constraints(graph: Graph, nm: Namer, shape: Node) -> list[tuple[str, list[TermView]]]:
    rows = []
    for pred in sorted_terms(set(graph.predicates(shape, None)) - SHAPE_SKIP):
        values = [_value(graph, nm, o) for o in sorted_terms(graph.objects(shape, pred))]
        rows.append((nm.curie(str(pred)) or str(pred), values))
    return rows


def _value(graph: Graph, nm: Namer, node: Node, depth: int = 0) -> TermView:
    """A constraint's value: a term, an RDF list ``( a b )`` or a nested shape ``[ p o ]``."""
    if not isinstance(node, BNode):
        view = rdflib_view(nm, node)
        if view.kind == "literal":
            view.datatype = None  # sh:minCount 1, not 1 xsd:integer
        return view
    return TermView(kind="bnode", value=str(node), label=_bnode_text(graph, nm, node, depth))


def _bnode_text(graph: Graph, nm: Namer, node: BNode, depth: int) -> str:
    if depth > 3:
        return "[…]"
    if (node, RDF.first, None) in graph:
        return "( " + " ".join(_text(graph, nm, x, depth + 1) for x in rdf_list(graph, node)) + " )"
    parts = [f"{nm.curie(str(p)) or p} {_text(graph, nm, o, depth + 1)}"
             for p, o in sorted(graph.predicate_objects(node))]
    return "[ " + " ; ".join(parts) + " ]"


def _text(graph: Graph, nm: Namer, node: Node, depth: int) -> str:
    if isinstance(node, BNode):
        return _bnode_text(graph, nm, node, depth)
    if isinstance(node, URIRef):
        return nm.curie(str(node)) or f"<{node}>"
    return Literal(node).n3() if not isinstance(node, Literal) else node.n3()
