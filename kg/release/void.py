"""The VoID description of a publication: counts, vocabularies, dumps, endpoint, examples and
linksets, so that crawlers and other publishers can discover and link to the dataset."""

from __future__ import annotations

import pyoxigraph
from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, VOID

from kg import __version__
from kg.release.publication import DUMP_FORMATS
from kg.uris import Kind, Minter
from kg.vocab import ITSRDF, STANDARD_PREFIXES, kg_namespace

LINK_TARGETS = {
    "wikidata": ("http://www.wikidata.org/entity/", "http://www.wikidata.org/"),
    "dbpedia": ("http://dbpedia.org/resource/", "http://dbpedia.org/"),
}
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def describe(ds: Dataset, base_uri: str) -> Graph:
    """VoID for an in-memory rdflib Dataset (tests, tools): loaded into Oxigraph, then described
    exactly as a build describes its store."""
    store = pyoxigraph.Store()
    store.bulk_load(input=ds.serialize(format="nquads", encoding="utf-8"),
                    format=pyoxigraph.RdfFormat.N_QUADS)
    union = pyoxigraph.Store()
    union.bulk_extend(pyoxigraph.Quad(q.subject, q.predicate, q.object, pyoxigraph.DefaultGraph())
                      for q in store)
    return describe_store(store, union, base_uri)


def _values(store: pyoxigraph.Store, query: str) -> list[tuple]:
    return [tuple(row) for row in store.query(query)]  # type: ignore[union-attr]


def _count(store: pyoxigraph.Store, query: str) -> int:
    return int(_values(store, query)[0][0].value)


def describe_store(store: pyoxigraph.Store, union: pyoxigraph.Store, base_uri: str) -> Graph:
    """VoID of a release: ``store`` holds the graphs, ``union`` every triple of them once.

    Counts come from Oxigraph queries, so describing 10,000 articles costs what their
    statistics cost to compute, not a copy of the graph in Python."""
    minter = Minter(base_uri)
    kg = kg_namespace(base_uri)
    dataset = minter.dataset
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    entity = f"<{kg.Entity}>"
    predicates = [str(row[0].value) for row in _values(union, "SELECT DISTINCT ?p { ?s ?p ?o }")]
    classes = [str(row[0].value) for row in _values(union, f"SELECT DISTINCT ?c {{ ?s <{RDF.type}> ?c }}")]
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal("newskg news knowledge graph", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "Entities, relations, quantities, dates and quotations extracted from news articles, "
        "each fact traceable to the sentence it was read from.", lang="en")))
    g.add((dataset, DCTERMS.license, LICENSE))
    g.add((dataset, DCTERMS.creator, Literal(f"newskg {__version__}")))
    g.add((dataset, FOAF.homepage, URIRef(base_uri)))
    g.add((dataset, VOID.triples, _int(len(union))))
    g.add((dataset, VOID.entities, _int(_count(
        union, f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ ?e <{RDF.type}> {entity} }}"))))
    g.add((dataset, VOID.distinctSubjects, _int(_count(
        union, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }"))))
    g.add((dataset, VOID.properties, _int(len(predicates))))
    g.add((dataset, VOID.classes, _int(len(classes))))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{base_uri}sparql")))
    g.add((dataset, VOID.uriSpace, Literal(Kind.RESOURCE.namespace(base_uri))))
    g.add((dataset, VOID.uriLookupEndpoint, URIRef(Kind.RESOURCE.namespace(base_uri) + "?uri=")))
    for name, fmt in DUMP_FORMATS.items():
        g.add((dataset, VOID.dataDump, URIRef(f"{base_uri}dumps/{name}")))
        g.add((dataset, VOID.feature, URIRef(str(fmt.w3c))))
    used = set(predicates) | set(classes)
    vocabularies = {str(ns) for ns in STANDARD_PREFIXES.values()} | {str(kg)}
    for ns in sorted(vocabularies):
        if any(term.startswith(ns) for term in used):
            g.add((dataset, VOID.vocabulary, URIRef(ns)))
    examples = _values(union, f"""SELECT ?o (COUNT(*) AS ?n) {{ ?s <{ITSRDF.taIdentRef}> ?o }}
        GROUP BY ?o ORDER BY DESC(?n) STR(?o) LIMIT 3""")
    for row in examples:
        g.add((dataset, VOID.exampleResource, URIRef(row[0].value)))
    for name, (prefix, target) in LINK_TARGETS.items():
        links = _count(union, f"""SELECT (COUNT(*) AS ?n) {{ ?s <{OWL.sameAs}> ?o
            FILTER (STRSTARTS(STR(?o), "{prefix}")) }}""")
        if not links:
            continue
        linkset = URIRef(f"{dataset}/linkset/{name}")
        g.add((dataset, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, dataset))
        g.add((linkset, VOID.objectsTarget, URIRef(target)))
        g.add((linkset, VOID.linkPredicate, OWL.sameAs))
        g.add((linkset, VOID.triples, _int(links)))
    sizes = _values(store, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    for name, size in sorted((row[0].value, int(row[1].value)) for row in sizes):
        if not Kind.GRAPH.minted(name, base_uri):
            continue
        g.add((dataset, VOID.subset, URIRef(name)))
        g.add((URIRef(name), RDF.type, VOID.Dataset))
        g.add((URIRef(name), VOID.triples, _int(size)))
    return g
