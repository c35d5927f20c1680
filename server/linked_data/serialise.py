"""RDF documents as bytes: store triples through Oxigraph, release graphs through rdflib.

Both writers bind the same prefixes, so every document of the site reads alike; instance-data
namespaces are left out of them on purpose (see ``kg.vocab.INSTANCE_PREFIXES``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph

from kg.formats import Format
from kg.vocab import INSTANCE_PREFIXES, prefixes


def serialise_triples(triples: Iterable[ox.Triple], rep: Format, base: str) -> bytes:
    """One RDF document, sorted so that the same store gives the same bytes."""
    assert isinstance(rep.oxigraph, ox.RdfFormat)
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    written = None
    if rep.prefixes:
        written = {p: ns for p, ns in prefixes(base).items() if p not in INSTANCE_PREFIXES}
    body = ox.serialize(ordered, format=rep.oxigraph, prefixes=written)
    assert body is not None  # no output file given: pyoxigraph returns the bytes
    return body


def serialise_graph(graph: Graph, rep: Format, base: str) -> bytes:
    """An rdflib graph (ontology, shapes, report) in a negotiated format."""
    assert rep.rdflib is not None
    out = Graph()
    for prefix, ns in prefixes(base).items():
        out.bind(prefix, ns, override=True)
    for triple in graph:
        out.add(triple)
    if rep.rdflib == "json-ld":
        return out.serialize(format="json-ld", encoding="utf-8", auto_compact=True, indent=1)
    return out.serialize(format=rep.rdflib, encoding="utf-8")
