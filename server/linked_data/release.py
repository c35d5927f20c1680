"""The release a request is answered from: its settings, store, ontology and shapes.

Pages need the release's own ontology (for labels and the entity classes) and shapes, parsed
by rdflib; parsing them on every request would dominate the time of a page, so each release
file is parsed once per base URI and kept. Before the first build the source files stand in.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import current_app
from rdflib import Graph
from rdflib import URIRef as RURIRef

from kg.release.publication import ONTOLOGY_FILE, SHAPES_FILE, Publication
from kg.settings import Settings
from kg.vocab import SHAPES_FILE as SOURCE_SHAPES_FILE
from kg.vocab import load_turtle, ontology_graph, ontology_ns
from server.linked_data.terms import RDFS_NS, Namer
from server.memo import Memo
from server.state import NoPublication

_graphs: Memo[Graph] = Memo(16)


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


def _cached_parse(path: Path, base: str) -> Graph:
    return _graphs.get((str(path), base), lambda: load_turtle(path, base))


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
