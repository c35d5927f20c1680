"""Vocabularies as rdflib ``Namespace`` objects, and the one table of their prefixes.

Our own terms are read from ``ontology/`` into a ``ClosedNamespace``: a term the ontology
does not declare raises at build time instead of slipping into the published data.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VANN,
    VOID,
    XSD,
    ClosedNamespace,
    DefinedNamespace,
)

from kg.settings import PROJECT_ROOT
from kg.uris import Kind

SCHEMA = Namespace("http://schema.org/")  # rdflib's SDO is https://schema.org/
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
WIKIDATA_PROPS = Namespace("http://www.wikidata.org/prop/direct/")
DBPEDIA = Namespace("http://dbpedia.org/resource/")

ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "newskg.ttl"
SHAPES_FILE = PROJECT_ROOT / "shapes" / "newskg-shapes.ttl"

#: The one prefix table of the vocabularies we use (rdflib's namespaces where it has them).
#: ``prefixes(base)`` adds our own; that is what ``kg query`` and the SPARQL endpoint declare
#: for every query (and the Service Description lists), what pages write CURIEs with and what
#: dumps and documents bind.
STANDARD_PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "foaf": FOAF,
    "org": ORG,
    "void": VOID,
    "sh": SH,
    "vann": VANN,
    "sd": SD,
    "formats": W3C_FORMATS,
    "ent": ENTAILMENT,
    "schema": SCHEMA,
    "nif": NIF,
    "itsrdf": ITSRDF,
    "wd": WIKIDATA,
    "wdt": WIKIDATA_PROPS,
    "dbr": DBPEDIA,
}

#: Prefixes of instance-data namespaces (ours and the linked datasets'). Their local names can
#: need escapes (``res:U.S\.``) that are valid Turtle but that rdflib, among others, fails to
#: read, so the linked-data documents leave them out.
INSTANCE_PREFIXES = frozenset({"wd", "dbr"} | {k.prefix for k in Kind if k.prefix})


def ontology_ns(base_uri: str) -> str:
    return f"{base_uri}ontology#"


def shapes_ns(base_uri: str) -> str:
    return f"{base_uri}shapes#"


def prefixes(base_uri: str) -> dict[str, str]:
    """Every prefix for one publication: the standard vocabularies, our ontology (``kg:``)
    and shapes (``shape:``), and the URI scheme's kinds that have one (``res:``)."""
    table = {name: str(ns) for name, ns in STANDARD_PREFIXES.items()}
    table.update({"kg": ontology_ns(base_uri), "shape": shapes_ns(base_uri)})
    table.update({k.prefix: k.namespace(base_uri) for k in Kind if k.prefix})
    return table


def load_turtle(path: Path, base_uri: str) -> Graph:
    """Parse one of our relative-IRI Turtle files against the publication's base URI."""
    graph = Graph()
    graph.parse(path, format="turtle", publicID=base_uri)
    return graph


@lru_cache(maxsize=8)
def ontology_graph(base_uri: str, path: Path = ONTOLOGY_FILE) -> Graph:
    return load_turtle(path, base_uri)


#: What validation needs of the ontology in the data graph: the class and property hierarchy,
#: domains, ranges, OWL property kinds and every term's types (``sh:class kg:Modality`` checks
#: ``kg:Asserted a kg:Modality``). Not labels, comments or SKOS scheme links: pyshacl clones
#: each ontology node's reachable subgraph into the data graph, and the schemes' cycles
#: (scheme -> top concept -> scheme) made that 155,000 triples and ~3 s for every validation.
SCHEMA_PREDICATES = frozenset({
    RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
    OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf,
})


@lru_cache(maxsize=8)
def schema_graph(base_uri: str, path: Path = ONTOLOGY_FILE) -> Graph:
    """The part of the ontology validation mixes into the data (``SCHEMA_PREDICATES``)."""
    schema = Graph()
    for triple in ontology_graph(base_uri, path):
        if triple[1] in SCHEMA_PREDICATES:
            schema.add(triple)
    return schema


@lru_cache(maxsize=8)
def kg_namespace(base_uri: str, path: Path = ONTOLOGY_FILE) -> ClosedNamespace:
    """Our vocabulary, closed over exactly the terms the ontology declares."""
    ns = ontology_ns(base_uri)
    graph = ontology_graph(base_uri, path)
    terms = sorted(
        {str(s)[len(ns) :] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}
    )
    return ClosedNamespace(URIRef(ns), terms)
