"""The RDF document about one resource: its concise bounded description, and a little more.

``B/data/<path>.ttl`` (and the other RDF formats) must be enough to understand the resource
without a second request: so besides the resource's own triples it carries the incoming
links, the labels of every neighbour, an article's sentences and mentions, and for a named
graph the graph's triples. Hubs are capped so that one document stays a sane size.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import pyoxigraph as ox

from kg.uris import Kind
from kg.vocab import NIF
from server.linked_data.labels import label_triples
from server.linked_data.terms import AnyTerm, Namer

MAX_INCOMING = 10_000  # incoming links put in a document; hubs beyond this are cut
MAX_GRAPH_TRIPLES = 200_000
FOAF_PRIMARY_TOPIC = "http://xmlns.com/foaf/0.1/primaryTopic"


def distinct_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
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
    default = ox.DefaultGraph()  # every graph's triples, each once (kg.release.publish)
    out = distinct_triples(store.quads_for_pattern(node, None, None, default))
    out += _bnode_closure(store, [t.object for t in out])
    incoming = distinct_triples(islice(
        store.quads_for_pattern(None, None, node, default), MAX_INCOMING))
    extra: list[ox.Triple] = []
    for q in store.quads_for_pattern(None, ox.NamedNode(str(NIF.referenceContext)), node, default):
        extra += distinct_triples(store.quads_for_pattern(q.subject, None, None, default))
    if Kind.GRAPH.minted(iri, nm.base) or next(
        iter(store.quads_for_pattern(None, None, None, node)), None
    ):
        extra += distinct_triples(
            islice(store.quads_for_pattern(None, None, None, node), MAX_GRAPH_TRIPLES))
    neighbours = {t.object.value for t in out if isinstance(t.object, ox.NamedNode)}
    neighbours |= {t.subject.value for t in incoming if isinstance(t.subject, ox.NamedNode)}
    neighbours.discard(iri)
    triples = out + incoming + extra + label_triples(store, neighbours)
    triples.append(ox.Triple(ox.NamedNode(doc_url), ox.NamedNode(FOAF_PRIMARY_TOPIC), node))
    return triples


def _bnode_closure(store: ox.Store, objects: Iterable[AnyTerm], depth: int = 8) -> list[ox.Triple]:
    """The triples of the blank nodes among ``objects``, and of theirs, ``depth`` levels down."""
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
            ts = distinct_triples(store.quads_for_pattern(b, None, None, None))
            found += ts
            nxt += [t.object for t in ts if isinstance(t.object, ox.BlankNode)]
        todo = nxt
    return found
