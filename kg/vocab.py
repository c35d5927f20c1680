"""Vocabularies as rdflib ``Namespace`` objects.

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
    SKOS,
    VOID,
    XSD,
    ClosedNamespace,
)

from kg.settings import PROJECT_ROOT

SCHEMA = Namespace("http://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
ITSRDF = Namespace("http://www.w3.org/2005/11/its/rdf#")
SH = Namespace("http://www.w3.org/ns/shacl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VANN = Namespace("http://purl.org/vocab/vann/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
DBPEDIA = Namespace("http://dbpedia.org/resource/")

ONTOLOGY_FILE = PROJECT_ROOT / "ontology" / "newskg.ttl"
SHAPES_FILE = PROJECT_ROOT / "shapes" / "newskg-shapes.ttl"

#: Prefixes bound in every graph we serialise, so dumps read well.
STANDARD_PREFIXES: dict[str, Namespace] = {
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "foaf": Namespace(str(FOAF)),
    "org": Namespace(str(ORG)),
    "void": Namespace(str(VOID)),
    "schema": SCHEMA,
    "nif": NIF,
    "itsrdf": ITSRDF,
    "wd": WIKIDATA,
    "dbr": DBPEDIA,
}


def ontology_ns(base_uri: str) -> str:
    return f"{base_uri}ontology#"


def shapes_ns(base_uri: str) -> str:
    return f"{base_uri}shapes#"


def load_turtle(path: Path, base_uri: str) -> Graph:
    """Parse one of our relative-IRI Turtle files against the publication's base URI."""
    graph = Graph()
    graph.parse(path, format="turtle", publicID=base_uri)
    return graph


@lru_cache(maxsize=8)
def ontology_graph(base_uri: str, path: Path = ONTOLOGY_FILE) -> Graph:
    return load_turtle(path, base_uri)


@lru_cache(maxsize=8)
def kg_namespace(base_uri: str, path: Path = ONTOLOGY_FILE) -> ClosedNamespace:
    """Our vocabulary, closed over exactly the terms the ontology declares."""
    ns = ontology_ns(base_uri)
    graph = ontology_graph(base_uri, path)
    terms = sorted(
        {str(s)[len(ns) :] for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}
    )
    return ClosedNamespace(URIRef(ns), terms)


class Minter:
    """Mints the dataset's URIs under one base, so that every stage names things alike."""

    def __init__(self, base_uri: str) -> None:
        self.base = base_uri

    def resource(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}resource/{slug}")

    def article(self, doc_id: str) -> URIRef:
        return URIRef(f"{self.base}article/{doc_id}")

    def span(self, doc_id: str, start: int, end: int) -> URIRef:
        """RFC 5147 / NIF 2.0 offset URI for a stretch of an article."""
        return URIRef(f"{self.base}article/{doc_id}#char={start},{end}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")

    def node(self, kind: str, key: str) -> URIRef:
        """A fact-bearing node (assertion, quotation, quantity): skolem IRIs, never blank nodes,
        so that two builds of the same input are byte-identical."""
        return URIRef(f"{self.base}{kind}/{key}")

    def extractor(self, name: str) -> URIRef:
        return URIRef(f"{self.base}extractor/{name}")

    @property
    def dataset(self) -> URIRef:
        return URIRef(f"{self.base}dataset")
