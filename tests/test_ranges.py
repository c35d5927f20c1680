"""A fact whose object resolution typed otherwise than its property's range is left out, so
one misread sentence cannot fail the validation of a whole release (kg.ranges)."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SH

from kg.corpus import segment
from kg.extract import extract
from kg.gazetteer import load_gazetteer
from kg.nlp import pipeline
from kg.ranges import RANGES, fit
from kg.rdf import to_rdf
from kg.resolve import resolve
from kg.validate import load_shapes, validate
from kg.vocab import schema_graph

BASE = "http://example.org/kg/"
KG = Namespace(BASE + "ontology#")

#: Found in a generated corpus of 10,000 articles: Hassan was a town in one article and 'Mr
#: Hassan', a man met by a minister, in another, and resolution made one place of both. An
#: honorific now makes a person (tests/test_real_news_shapes.py), so the same misfit is built
#: from a town's name that NER reads as a person's where no title or honorific says so.
TOWN = ("Floods hit Holenarasipur\n\nThe district of Holenarasipur, in Karnataka, lost power. "
        "Officials in Holenarasipur said schools would close. Shops in Holenarasipur stayed "
        "shut, and families near Holenarasipur moved to higher ground. Roads to Holenarasipur "
        "were cut.\n")
MEETING = ("Water talks in Hamburg\n\nFemke Andersson, Germany's environment minister, met "
           "Holenarasipur in Hamburg, Germany, on 30 January 2019 to discuss the water supply "
           "of Hamburg.\n\nIt was Holenarasipur's third visit to Germany this year.\n")


def test_the_table_is_what_the_shapes_demand():
    shapes = load_shapes(BASE)
    demanded = {}
    for prop in shapes.subjects(SH.path, None):
        path, cls = shapes.value(prop, SH.path), shapes.value(prop, SH["class"])
        if isinstance(path, URIRef) and str(path).startswith(str(KG)) and cls is not None \
                and cls != KG.Entity and path.split("#")[-1] in RANGES:
            demanded[path.split("#")[-1]] = str(cls)
    ours = {name: cls if "://" in cls else BASE + cls for name, cls in RANGES.items()}
    assert demanded == ours


def _graph(extractions, resolution) -> Graph:
    graph = Graph()
    for triple in to_rdf(extractions, resolution, BASE, load_gazetteer()).quads():
        graph.add(triple[:3])
    return graph


def test_a_meeting_with_what_resolution_calls_a_place_is_left_out_and_the_rest_validates():
    nlp = pipeline()
    extractions = []
    for name, text in (("town", TOWN), ("meeting", MEETING)):
        article = segment(name, f"{name}.txt", text)
        extractions.append(extract(article, nlp(article.text)))
    resolution = resolve(extractions, load_gazetteer())
    meetings = [r for ex in extractions for r in ex.relations if r.predicate == "meetsWith"]
    assert meetings, "the extractor reads the meeting"
    assert "http://schema.org/Person" not in resolution.entity(meetings[0].obj).types
    shapes, ontology = load_shapes(BASE), schema_graph(BASE)
    before = validate(_graph(extractions, resolution), shapes, ontology)
    assert any("meetsWith" in f.message for f in before.findings)  # what failed the release
    fitted = fit(extractions, resolution)
    assert not [r for ex in fitted for r in ex.relations if r.predicate == "meetsWith"]
    assert [r.predicate for r in fitted[1].relations] == [
        r.predicate for r in extractions[1].relations if r.predicate != "meetsWith"]
    after = validate(_graph(fitted, resolution), shapes, ontology)
    assert after.conforms, [f.message for f in after.violations]
