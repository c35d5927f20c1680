"""The VoID description of a publication: counts, vocabularies, dumps, endpoint, examples and
linksets, so that crawlers and other publishers can discover and link to the dataset."""

from __future__ import annotations

from collections import Counter

from rdflib import XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, VOID

from kg import __version__
from kg.release.publication import DUMP_FORMATS
from kg.uris import Kind, Minter
from kg.vocab import STANDARD_PREFIXES, kg_namespace

LINK_TARGETS = {
    "wikidata": ("http://www.wikidata.org/entity/", "http://www.wikidata.org/"),
    "dbpedia": ("http://dbpedia.org/resource/", "http://dbpedia.org/"),
}
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


def _int(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def describe(ds: Dataset, base_uri: str) -> Graph:
    minter = Minter(base_uri)
    kg = kg_namespace(base_uri)
    dataset = minter.dataset
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcterms", DCTERMS)
    triples = {(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))}
    entities = sorted({s for s, p, o in triples if p == RDF.type and o == kg.Entity})
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, DCTERMS.title, Literal("newskg news knowledge graph", lang="en")))
    g.add((dataset, DCTERMS.description, Literal(
        "Entities, relations, quantities, dates and quotations extracted from news articles, "
        "each fact traceable to the sentence it was read from.", lang="en")))
    g.add((dataset, DCTERMS.license, LICENSE))
    g.add((dataset, DCTERMS.creator, Literal(f"newskg {__version__}")))
    g.add((dataset, FOAF.homepage, URIRef(base_uri)))
    g.add((dataset, VOID.triples, _int(len(triples))))
    g.add((dataset, VOID.entities, _int(len(entities))))
    g.add((dataset, VOID.distinctSubjects, _int(len({s for s, _, _ in triples}))))
    g.add((dataset, VOID.properties, _int(len({p for _, p, _ in triples}))))
    g.add((dataset, VOID.classes, _int(len({o for _, p, o in triples if p == RDF.type}))))
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{base_uri}sparql")))
    g.add((dataset, VOID.uriSpace, Literal(Kind.RESOURCE.namespace(base_uri))))
    g.add((dataset, VOID.uriLookupEndpoint, URIRef(Kind.RESOURCE.namespace(base_uri) + "?uri=")))
    for name, fmt in DUMP_FORMATS.items():
        g.add((dataset, VOID.dataDump, URIRef(f"{base_uri}dumps/{name}")))
        g.add((dataset, VOID.feature, URIRef(str(fmt.w3c))))
    used = {str(p) for _, p, _ in triples} | {str(o) for _, p, o in triples if p == RDF.type}
    vocabularies = {str(ns) for ns in STANDARD_PREFIXES.values()} | {str(kg)}
    for ns in sorted(vocabularies):
        if any(term.startswith(ns) for term in used):
            g.add((dataset, VOID.vocabulary, URIRef(ns)))
    mentions = Counter(o for s, p, o in triples if str(p).endswith("its/rdf#taIdentRef"))
    for iri, _ in sorted(mentions.items(), key=lambda kv: (-kv[1], str(kv[0])))[:3]:
        g.add((dataset, VOID.exampleResource, iri))
    for name, (prefix, target) in LINK_TARGETS.items():
        links = [t for t in triples if t[1] == OWL.sameAs and str(t[2]).startswith(prefix)]
        if not links:
            continue
        linkset = URIRef(f"{dataset}/linkset/{name}")
        g.add((dataset, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, dataset))
        g.add((linkset, VOID.objectsTarget, URIRef(target)))
        g.add((linkset, VOID.linkPredicate, OWL.sameAs))
        g.add((linkset, VOID.triples, _int(len(links))))
    for context in sorted(ds.graphs(), key=lambda c: str(c.identifier)):
        if not Kind.GRAPH.minted(str(context.identifier), base_uri):
            continue
        g.add((dataset, VOID.subset, context.identifier))
        g.add((context.identifier, RDF.type, VOID.Dataset))
        g.add((context.identifier, VOID.triples, _int(len(context))))
    return g
