"""A small synthetic publication and a real `kg serve` over it, for tests that need exact data.

The session's ``built`` publication comes from the real pipeline and its contents change with
it; tests that check how a page renders a source sentence, a proxy base URI or a slow SHACL
validation need a publication whose every triple they know. The data is made-up (example
people and places, no news facts) and is published with the real ``kg.release.publish.publish`` and
validated with the real pyshacl, so the report in it is genuine.

Test modules import it as ``tests.browser.livesite`` (``tests`` is a package).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from rdflib import XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VOID

from kg.release.publication import Publication
from kg.release.publish import publish, union_graph
from kg.settings import PROJECT_ROOT
from kg.uris import Minter
from kg.vocab import ITSRDF, NIF, ONTOLOGY_FILE, SCHEMA, WIKIDATA, load_turtle

#: One made-up article; every offset below is computed from it, never typed.
ARTICLE_ID = "synthetic_001"
TITLE = "Example Town signs the Widget Accord"
SENTENCES = (
    "Alice Example proposed the Widget Accord on Monday.",
    "Bob Sample criticised the Widget Accord in Exampleville.",
    "\u201cIt is a bad deal,\u201d Bob Sample said.",
)
#: (subject label, predicate, object label, sentence index, confidence)
FACTS = (
    ("Alice Example", "proposes", "Widget Accord", 0, "0.9"),
    ("Bob Sample", "criticises", "Widget Accord", 1, "0.8"),
)
ENTITIES = {
    "Alice Example": ("Alice_Example", SCHEMA.Person, "Alice", str(WIKIDATA) + "Q4115189"),
    "Bob Sample": ("Bob_Sample", SCHEMA.Person, None, None),
    "Widget Accord": ("Widget_Accord", "Agreement", "the accord", None),
    "Exampleville": ("Exampleville", SCHEMA.Place, None, None),
    "Zo\u00eb Example": ("Zo\u00eb_Example", SCHEMA.Person, None, None),  # a non-ASCII IRI
}
SLOW_CLASS = URIRef("http://example.org/test#SlowThing")

SHAPES_TTL = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kg: <ontology#> .
@prefix kgsh: <shapes#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <http://example.org/test#> .

kgsh:EntityShape a sh:NodeShape ;
    rdfs:label "entity"@en ;
    sh:targetClass kg:Entity ;
    sh:property [
        sh:path rdfs:label ; sh:minCount 1 ; sh:datatype rdf:langString ;
        sh:message "An entity needs a language-tagged rdfs:label."@en ;
    ] , [
        sh:path owl:sameAs ; sh:nodeKind sh:IRI ;
        sh:message "owl:sameAs must point to an IRI."@en ;
    ] .

kgsh:AltLabelShape a sh:NodeShape ;
    rdfs:label "entity aliases"@en ;
    sh:targetClass kg:Entity ;
    sh:property [
        sh:path skos:altLabel ; sh:minCount 1 ; sh:severity sh:Warning ;
        sh:message "An entity should have at least one alias."@en ;
    ] .

kgsh:AssertionShape a sh:NodeShape ;
    sh:targetClass kg:Assertion ;
    sh:property [
        sh:path kg:confidence ; sh:datatype xsd:decimal ; sh:minInclusive 0 ; sh:maxInclusive 1 ;
        sh:message "Confidence is a decimal between 0 and 1."@en ;
    ] , [
        sh:path ( kg:sourceSentence [ sh:inversePath rdf:type ] ) ; sh:maxCount 0 ;
        sh:severity sh:Info ;
        sh:message "A sentence is never a class."@en ;
    ] .

# Only test data of class ex:SlowThing reaches this constraint: a cross product of every triple
# with every triple, slow enough on purpose for the /shacl time-limit test.
kgsh:SlowShape a sh:NodeShape ;
    sh:targetClass ex:SlowThing ;
    sh:sparql [
        sh:message "slow on purpose" ;
        sh:select '''SELECT $this WHERE { $this ?p ?o . ?a ?b ?c . ?d ?e ?f . ?g ?h ?i .
                     FILTER(STR(?c) = STR(?i) && STR(?f) = "never") }''' ;
    ] .
"""


def synthetic(base: str) -> tuple[Dataset, Graph, Graph, Graph, Graph]:
    """(dataset, void, shapes, ontology, report) of the made-up publication under ``base``."""
    mint = Minter(base)
    kg = Namespace(f"{base}ontology#")
    ds = Dataset()
    for prefix, ns in (("kg", kg), ("schema", SCHEMA), ("nif", NIF), ("skos", SKOS)):
        ds.bind(prefix, ns)
    default = ds.default_graph
    art = mint.article(ARTICLE_ID)
    graph = ds.graph(mint.graph(ARTICLE_ID))
    text = " ".join(SENTENCES)
    default.add((art, RDF.type, kg.Article))
    default.add((art, RDF.type, SCHEMA.NewsArticle))
    default.add((art, DCTERMS.title, Literal(TITLE, lang="en")))
    default.add((art, DCTERMS.identifier, Literal(ARTICLE_ID)))
    default.add((art, DCTERMS.issued, Literal("2025-02-03", datatype=XSD.date)))
    default.add((mint.graph(ARTICLE_ID), RDF.type, PROV.Bundle))
    default.add((mint.graph(ARTICLE_ID), PROV.wasDerivedFrom, art))
    extractor = mint.extractor("patterns")
    default.add((extractor, RDF.type, kg.Extractor))
    default.add((extractor, RDFS.label, Literal("newskg patterns", lang="en")))

    entity_iri = {}
    for label, (slug, cls, alias, same) in ENTITIES.items():
        iri = mint.resource(slug)
        entity_iri[label] = iri
        default.add((iri, RDF.type, kg.Entity))
        default.add((iri, RDF.type, cls if isinstance(cls, URIRef) else kg[cls]))
        default.add((iri, RDFS.label, Literal(label, lang="en")))
        default.add((iri, SKOS.prefLabel, Literal(label, lang="en")))
        if alias:
            default.add((iri, SKOS.altLabel, Literal(alias, lang="en")))
        if same:
            default.add((iri, OWL.sameAs, URIRef(same)))

    starts, cursor = [], 0
    for sentence in SENTENCES:
        starts.append(text.index(sentence, cursor))
        cursor = starts[-1] + len(sentence)
    spans = []
    for i, sentence in enumerate(SENTENCES):
        s_iri = mint.span(ARTICLE_ID, starts[i], starts[i] + len(sentence))
        spans.append(s_iri)
        graph.add((s_iri, RDF.type, NIF.Sentence))
        graph.add((s_iri, NIF.anchorOf, Literal(sentence)))
        graph.add((s_iri, NIF.beginIndex, Literal(starts[i], datatype=XSD.nonNegativeInteger)))
        graph.add((s_iri, NIF.endIndex, Literal(starts[i] + len(sentence),
                                                datatype=XSD.nonNegativeInteger)))
        graph.add((s_iri, NIF.referenceContext, art))
        for label, iri in entity_iri.items():
            at = sentence.find(label)
            if at < 0:
                continue
            begin = starts[i] + at
            m_iri = mint.span(ARTICLE_ID, begin, begin + len(label))
            graph.add((m_iri, RDF.type, NIF.Phrase))
            graph.add((m_iri, NIF.anchorOf, Literal(label)))
            graph.add((m_iri, NIF.beginIndex, Literal(begin, datatype=XSD.nonNegativeInteger)))
            graph.add((m_iri, NIF.endIndex, Literal(begin + len(label),
                                                    datatype=XSD.nonNegativeInteger)))
            graph.add((m_iri, NIF.referenceContext, art))
            graph.add((m_iri, NIF.sentence, s_iri))
            graph.add((m_iri, ITSRDF.taIdentRef, iri))
    for n, (subj, pred, obj, sent, conf) in enumerate(FACTS):
        s, p, o = entity_iri[subj], kg[pred], entity_iri[obj]
        graph.add((s, p, o))
        node = mint.node("assertion", f"a{n}")
        for triple in (
            (node, RDF.type, kg.Assertion), (node, RDF.subject, s), (node, RDF.predicate, p),
            (node, RDF.object, o), (node, kg.sourceSentence, spans[sent]),
            (node, kg.confidence, Literal(Decimal(conf), datatype=XSD.decimal)),
            (node, PROV.wasAttributedTo, extractor), (node, PROV.hadPrimarySource, art),
        ):
            graph.add(triple)
    quote = mint.node("quotation", "q0")
    graph.add((quote, RDF.type, kg.Quotation))
    graph.add((quote, SCHEMA.text, Literal("It is a bad deal,", lang="en")))
    graph.add((quote, kg.speaker, entity_iri["Bob Sample"]))
    graph.add((quote, kg.sourceSentence, spans[2]))

    void = Graph()
    void.add((mint.dataset, RDF.type, VOID.Dataset))
    void.add((mint.dataset, DCTERMS.title, Literal("synthetic test dataset", lang="en")))
    shapes = Graph()
    shapes.parse(data=SHAPES_TTL, format="turtle", publicID=base)
    ontology = load_turtle(ONTOLOGY_FILE, base)
    from pyshacl import validate

    _, report, _ = validate(union_graph(ds), shacl_graph=shapes, ont_graph=ontology,
                            inference="none", advanced=True, allow_warnings=True)
    return ds, void, shapes, ontology, report


def publish_synthetic(dist: Path, base: str) -> Publication:
    ds, void, shapes, ontology, report = synthetic(base)
    return publish(ds, dist, base_uri=base, void=void, report=report, ontology=ontology,
                   shapes=shapes)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(dist: Path, base: str, port: int, **env: str) -> Iterator[str]:
    """`kg serve` (gunicorn, 2 workers) on 127.0.0.1:port over ``dist``; yields its URL."""
    environ = dict(os.environ, KG_DIST=str(dist), KG_BASE_URI=base, **env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2"],
        env=environ, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"kg serve exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "ontology", timeout=2):
                    break
            except urllib.error.HTTPError:
                break  # it answers; the status is the test's business
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("kg serve did not answer within 60 s") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

