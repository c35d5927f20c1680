"""What curation (admin writes, re-applied by every build) did to one resource, for its page.

A build records each curated statement in the curation graph as an ``rdf:Statement`` with the
patch that added (``prov:wasGeneratedBy``) or retracted it (``prov:wasInvalidatedBy``), and
each patch with its agent and time (``kg.curate``). The page marks the added statements and
lists the retracted ones, with who and when, so a reader can tell them from extracted facts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.curation import curation_graph

PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


@dataclass(frozen=True)
class Note:
    """One curated statement about the resource: added or retracted, by whom, when."""

    predicate: ox.NamedNode
    object: ox.NamedNode | ox.Literal | ox.BlankNode
    added: bool
    agent: str
    time: str
    patch: str  # the patch's IRI (a fragment of the curation graph)

    @property
    def key(self) -> tuple[str, str]:
        return self.predicate.value, str(self.object)


def notes(store: ox.Store, base_uri: str, iri: str) -> list[Note]:
    """The curated statements whose subject is ``iri`` (none if nothing was curated)."""
    graph = ox.NamedNode(curation_graph(base_uri))
    if not store.contains_named_graph(graph):
        return []
    query = f"""
        SELECT ?p ?o ?how ?agent ?time ?patch WHERE {{ GRAPH {graph} {{
          ?st <{RDF}subject> {ox.NamedNode(iri)} ; <{RDF}predicate> ?p ; <{RDF}object> ?o ;
              ?how ?patch .
          FILTER (?how IN (<{PROV}wasGeneratedBy>, <{PROV}wasInvalidatedBy>))
          OPTIONAL {{ ?patch <{PROV}wasAssociatedWith>/<{RDFS}label> ?agent }}
          OPTIONAL {{ ?patch <{PROV}endedAtTime> ?time }}
        }} }}"""
    found = []
    for row in store.query(query):  # type: ignore[union-attr]
        found.append(Note(
            predicate=row["p"], object=row["o"],
            added=row["how"].value == f"{PROV}wasGeneratedBy",
            agent=row["agent"].value if row["agent"] else "",
            time=row["time"].value if row["time"] else "",
            patch=row["patch"].value,
        ))
    return sorted(found, key=lambda n: (n.added, n.predicate.value, str(n.object)))
