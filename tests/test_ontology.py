"""The ontology and the shapes as artifacts: well-formed, documented, consistent under OWL RL,
covering every term the published data uses, and each shape catching what it is meant to."""

from __future__ import annotations

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, PROV, SDO, SKOS, VOID, XSD

from kg.release.publication import Publication
from kg.settings import Settings
from kg.validate import load_shapes, validate
from kg.vocab import ONTOLOGY_FILE, SCHEMA, SH, VANN, load_turtle

BASE = "http://example.org/kg/"
KG = Namespace(BASE + "ontology#")
KGSH = Namespace(BASE + "shapes#")
RES = Namespace(BASE + "resource/")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
#: Vocabularies whose term lists rdflib ships; schema.org is checked by local name (rdflib's
#: list uses https://schema.org/, we use the http:// IRIs that most linked data uses).
TERM_LISTS = (RDF, RDFS, OWL, XSD, SKOS, DCTERMS, PROV, VOID, FOAF, ORG)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_turtle(ONTOLOGY_FILE, BASE)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(BASE)


def own_terms(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(KG))}


def test_ontology_metadata(ontology: Graph):
    onto = URIRef(BASE + "ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    for predicate in (OWL.versionInfo, OWL.versionIRI, DCTERMS.license, DCTERMS.creator,
                      VANN.preferredNamespacePrefix, RDFS.comment):
        assert ontology.value(onto, predicate) is not None, predicate
    assert str(ontology.value(onto, VANN.preferredNamespacePrefix)) == "kg"


def test_every_own_term_is_documented(ontology: Graph):
    terms = own_terms(ontology)
    assert len(terms) > 25
    for term in terms:
        assert ontology.value(term, RDFS.label) is not None, term
        assert ontology.value(term, RDFS.comment) is not None, term
        if (term, RDF.type, OWL.Class) not in ontology and \
                (term, RDF.type, OWL.NamedIndividual) not in ontology:
            assert ontology.value(term, RDFS.domain) is not None, term
            assert ontology.value(term, RDFS.range) is not None, term


def test_own_terms_map_to_standard_vocabularies(ontology: Graph):
    external = [
        (s, o) for s, p, o in ontology
        if p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentProperty, OWL.equivalentClass)
        and s.startswith(str(KG)) and not str(o).startswith(str(KG))
    ]
    targets = {str(o).split("#")[0] if "#" in str(o) else str(o).rsplit("/", 1)[0]
               for _, o in external}
    assert len(external) >= 12
    assert {"http://schema.org", "http://www.w3.org/ns/prov"} <= targets


def test_owl_rl_closure_is_consistent(ontology: Graph, built: Settings):
    graph = Graph()
    for triple in load_turtle(ONTOLOGY_FILE, built.base_uri):
        graph.add(triple)
    graph.parse(Publication.current(built.dist_dir).file("kg.ttl"))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert list(graph.objects(None, ERR.error)) == []
    # the closure did real work: a prison is inferred to be a schema:Place
    cecot = URIRef(f"{built.base_uri}resource/CECOT")
    assert (cecot, RDF.type, SCHEMA.Place) in graph


def test_every_term_in_the_data_is_declared(built: Settings):
    ontology = load_turtle(ONTOLOGY_FILE, built.base_uri)
    declared = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    data = Graph().parse(Publication.current(built.dist_dir).file("kg.ttl"))
    used = {p for p in data.predicates()} | {o for o in data.objects(None, RDF.type)}
    undeclared = set()
    for term in used:
        if term in declared or any(term in ns for ns in TERM_LISTS):
            continue
        if term.startswith(str(SCHEMA)) and URIRef(str(SDO) + term[len(str(SCHEMA)):]) in SDO:
            continue
        undeclared.add(term)
    assert undeclared == set()


def test_a_made_up_term_would_be_caught(built: Settings):
    assert URIRef("http://schema.org/madeUpProperty").replace("http:", "https:") not in SDO
    assert URIRef("http://www.w3.org/ns/prov#wasMadeUpBy") not in PROV


# ---------------------------------------------------------------- shapes: one bad example each

PREFIXES = f"""
@prefix kg: <{KG}> . @prefix res: <{RES}> . @prefix rdfs: <{RDFS}> . @prefix xsd: <{XSD}> .
@prefix skos: <{SKOS}> . @prefix prov: <{PROV}> . @prefix schema: <http://schema.org/> .
@prefix dcterms: <{DCTERMS}> . @prefix rdf: <{RDF}> . @prefix owl: <{OWL}> .
@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
"""
#: A tiny valid world the bad examples are set in.
CONTEXT = """
<article/a> a kg:Article ; dcterms:identifier "a" ; nif:endIndex "100"^^xsd:nonNegativeInteger .
<article/a#char=0,20> a nif:Sentence ; nif:anchorOf "Bukele met Rubio." ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "20"^^xsd:nonNegativeInteger ;
    nif:referenceContext <article/a> .
<article/a#char=0,6> a nif:Phrase ; nif:anchorOf "Bukele" ; nif:beginIndex "0"^^xsd:nonNegativeInteger ;
    nif:endIndex "6"^^xsd:nonNegativeInteger ; nif:referenceContext <article/a> ;
    nif:sentence <article/a#char=0,20> ; itsrdf:taIdentRef res:Bukele .
<article/a#char=11,16> a nif:Phrase ; nif:anchorOf "Rubio" ; nif:beginIndex "11"^^xsd:nonNegativeInteger ;
    nif:endIndex "16"^^xsd:nonNegativeInteger ; nif:referenceContext <article/a> ;
    nif:sentence <article/a#char=0,20> ; itsrdf:taIdentRef res:Rubio .
res:Bukele a kg:Entity , schema:Person ; rdfs:label "Bukele"@en ; skos:prefLabel "Bukele"@en .
res:Rubio a kg:Entity , schema:Person ; rdfs:label "Rubio"@en ; skos:prefLabel "Rubio"@en .
<extractor/x> a kg:Extractor .
"""
PROVENANCE = """ kg:sourceSentence <article/a#char=0,20> ; prov:hadPrimarySource <article/a> ;
    prov:wasAttributedTo <extractor/x> ; kg:confidence 0.9 ;
    nif:beginIndex "0"^^xsd:nonNegativeInteger ; nif:endIndex "20"^^xsd:nonNegativeInteger """
FACT = f"""res:Bukele kg:meetsWith res:Rubio .
<assertion/1> a kg:Assertion ; rdf:subject res:Bukele ; rdf:predicate kg:meetsWith ;
    rdf:object res:Rubio ; {PROVENANCE} ."""

BAD_EXAMPLES = {
    "EntityShape": ("res:Ghost a kg:Entity . <article/a#char=0,6> itsrdf:taIdentRef res:Ghost .",
                    "needs exactly one rdfs:label per language"),
    "EntityTextShape": ('res:Bukele rdfs:label "Bukele’"@fr .', "possessive left in"),
    "ArticleShape": ("<article/b> a kg:Article ; nif:endIndex \"5\"^^xsd:nonNegativeInteger .",
                     "exactly one dcterms:identifier"),
    "StringShape": ("<article/a#char=9,3> a nif:Sentence ; nif:anchorOf \"x\" ; "
                    "nif:beginIndex \"9\"^^xsd:nonNegativeInteger ; nif:endIndex "
                    "\"3\"^^xsd:nonNegativeInteger ; nif:referenceContext <article/a> .",
                    "ends before it begins"),
    "MentionShape": ("<article/a#char=0,6> itsrdf:taIdentRef res:Nobody .", "no dangling"),
    "ProvenanceShape": ("<quantity/1> a kg:Quantity ; schema:value 3 .",
                        "name the one sentence it was read from"),
    "LowConfidenceShape": (FACT.replace("kg:confidence 0.9", "kg:confidence 0.3")
                           .replace("<assertion/1>", "<assertion/9>"), "confidence under 0.5"),
    "AssertionShape": (f"<assertion/2> a kg:Assertion ; rdf:subject res:Rubio ; rdf:predicate "
                       f"kg:criticises ; rdf:object res:Bukele ; {PROVENANCE} .",
                       "fact it documents was not published"),
    "QuotationShape": (f'<quotation/1> a kg:Quotation ; schema:text "We will."@en ; {PROVENANCE} .',
                       "exactly one speaker"),
    "QuantityShape": (f'<quantity/1> a kg:Quantity ; schema:value "many" ; {PROVENANCE} .',
                      "xsd:integer or xsd:decimal"),
    "FactFromTextShape": ("res:Rubio kg:criticises res:Bukele .", "without a kg:Assertion"),
    "ObjectFactShape": (FACT.replace("res:Rubio", "res:Unknown"), "described person"),
    "EventShape": (f'<event/1> a kg:Event , kg:MeetingEvent ; kg:agent res:Bukele ; kg:patient res:Rubio ; '
                   f'kg:trigger "met" ; {PROVENANCE} .', "needs exactly one kg:modality"),
    "EventKindShape": (f"<event/1> a kg:Event ; kg:agent res:Bukele ; kg:modality kg:Asserted ; "
                       f"{PROVENANCE} .", "either read from a clause"),
    "FactEventShape": (f"<event/1> a kg:Event ; kg:relation kg:meetsWith ; kg:agent res:Bukele ; "
                       f"kg:patient res:Rubio ; kg:modality kg:Asserted ; {PROVENANCE} .",
                       "needs a schema:startDate or a schema:location"),
    "ValueFactShape": ('res:Bukele kg:openedOn "last year" .', "xsd:date, xsd:gYearMonth or xsd:gYear"),
}


def run(shapes: Graph, ontology: Graph, extra: str):
    data = Graph()
    data.parse(data=PREFIXES + CONTEXT + FACT + extra, format="turtle", publicID=BASE)
    return validate(data, shapes, ontology)


def test_the_context_itself_conforms(shapes: Graph, ontology: Graph):
    result = run(shapes, ontology, "")
    assert result.conforms and not result.findings, result.text()


def test_every_shape_has_a_negative_example_and_a_message(shapes: Graph):
    node_shapes = {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, SH.NodeShape)}
    assert node_shapes == set(BAD_EXAMPLES)
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        messages = list(shapes.objects(shape, SH.message))
        for prop in shapes.objects(shape, SH.property):
            messages += list(shapes.objects(prop, SH.message))
        for constraint in shapes.objects(shape, SH.sparql):
            messages += list(shapes.objects(constraint, SH.message))
        assert messages and all(isinstance(m, Literal) and m.language == "en" for m in messages)


@pytest.mark.parametrize("shape", sorted(BAD_EXAMPLES))
def test_shape_fires_on_its_bad_example(shapes: Graph, ontology: Graph, shape: str):
    extra, message = BAD_EXAMPLES[shape]
    result = run(shapes, ontology, extra)
    source_shapes = {str(s) for s in result.report.objects(None, SH.sourceShape)}
    fired = [f for f in result.findings if message in f.message]
    assert fired, result.text()
    owner = KGSH[shape]
    props = {str(p) for p in shapes.objects(owner, SH.property)} | {str(owner)}
    assert props & source_shapes
    severity = str(shapes.value(owner, SH.severity) or SH.Violation).rsplit("#", 1)[-1]
    assert fired[0].severity == severity
    assert result.conforms == (severity != "Violation")


QUOTE = f"""<quotation/1> a kg:Quotation ; schema:text "We will."@en ; kg:speaker res:Bukele ;
    {PROVENANCE} """


@pytest.mark.parametrize(("extra", "message"), [
    (QUOTE + ".", "exactly one kg:quoteForm"),
    (QUOTE + "; kg:quoteForm kg:Shouted .", "exactly one kg:quoteForm"),
    (QUOTE + '; kg:quoteForm kg:MarkedQuote ; kg:handle "@bukele" .', "Only an embedded post"),
    (QUOTE + '; kg:quoteForm kg:EmbeddedPost ; kg:handle "bukele" .', "an '@name' string"),
    (QUOTE + '; kg:quoteForm kg:EmbeddedPost ; schema:datePublished "March 10" .',
     "an xsd:date"),
])
def test_quotation_form_handle_and_date_constraints(shapes: Graph, ontology: Graph, extra: str,
                                                    message: str):
    result = run(shapes, ontology, extra)
    assert any(message in f.message for f in result.findings), result.text()
    assert not result.conforms


def test_an_embedded_post_with_handle_and_date_conforms(shapes: Graph, ontology: Graph):
    result = run(shapes, ontology, QUOTE + '; kg:quoteForm kg:EmbeddedPost ; kg:handle '
                 '"@nayibbukele" ; schema:datePublished "2025-03-10"^^xsd:date .')
    assert result.conforms and not result.findings, result.text()
