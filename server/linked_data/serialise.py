"""RDF documents as bytes: store triples through Oxigraph, release graphs through rdflib.

Both writers bind the same prefixes, so every document of the site reads alike; instance-data
namespaces are left out of them on purpose (see ``kg.vocab.INSTANCE_PREFIXES``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph

from kg.vocab import INSTANCE_PREFIXES, prefixes
from server.linked_data.negotiation import Representation


def serialise_triples(triples: Iterable[ox.Triple], rep: Representation, base: str) -> bytes:
    """One RDF document, sorted so that the same store gives the same bytes."""
    assert rep.rdf_format is not None
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    written = None
    if rep.rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        written = {p: ns for p, ns in prefixes(base).items() if p not in INSTANCE_PREFIXES}
    return ox.serialize(ordered, format=rep.rdf_format, prefixes=written)


def serialise_graph(graph: Graph, rep: Representation, base: str) -> bytes:
    """An rdflib graph (ontology, shapes, report) in a negotiated format."""
    assert rep.rdflib_format is not None
    out = Graph()
    for prefix, ns in prefixes(base).items():
        out.bind(prefix, ns, override=True)
    for triple in graph:
        out.add(triple)
    if rep.rdflib_format == "json-ld":
        return out.serialize(format="json-ld", encoding="utf-8", auto_compact=True, indent=1)
    return out.serialize(format=rep.rdflib_format, encoding="utf-8")
