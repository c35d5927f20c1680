"""An article's unit is written without an rdflib Dataset (``kg.rdf.unit_lines``); its bytes
must be the ones rdflib's N-Triples serialiser gives for the same unit, on real text: the
seeds and the news set (quotes, non-ASCII names, dates, ranges, numbers and line breaks in
literals)."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.gazetteer import load_gazetteer
from kg.pipeline import extract_all, read_articles
from kg.ranges import fit
from kg.rdf import Lines, article_unit, entity_layer, entity_lines, split_lines, unit_lines
from kg.resolve import resolve
from kg.settings import PROJECT_ROOT, Settings


def test_units_written_as_lines_are_rdflibs_bytes(settings: Settings):
    gazetteer = load_gazetteer()
    for folder in (PROJECT_ROOT / "seeds", PROJECT_ROOT / "tests" / "news"):
        articles, _ = read_articles(settings.replace(seeds_dir=folder), progress=lambda _m: None)
        extractions = extract_all(articles, lambda _m: None)
        resolution = resolve(extractions, gazetteer)
        for ex in fit(extractions, resolution):
            expected = split_lines(article_unit(ex, resolution, settings.base_uri, gazetteer))
            assert unit_lines(ex, resolution, settings.base_uri, gazetteer) == expected, \
                ex.article.doc_id


def test_odd_literals_are_written_as_rdflib_writes_them():
    from rdflib import Graph

    s, p = URIRef("urn:s"), URIRef("urn:p")
    objects = [Literal('say "no"\\ \n\r\tend', lang="en"), Literal("é ✓ 😀"), Literal(True),
               Literal(7), Literal("2025", datatype=XSD.gYear), Literal(1.5),
               URIRef("urn:o#x"), Literal("x", lang="pt-BR")]
    lines, graph = Lines(), Graph()
    for o in objects:
        lines.add((s, p, o))
        graph.add((s, p, o))
    assert lines.text() == b"".join(sorted(
        graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)))


def test_the_entity_layer_written_as_lines_is_rdflibs(settings: Settings):
    gazetteer = load_gazetteer()
    articles, _ = read_articles(settings.replace(seeds_dir=PROJECT_ROOT / "tests" / "news"),
                                progress=lambda _m: None)
    resolution = resolve(extract_all(articles, lambda _m: None), gazetteer)
    expected, _ = split_lines(entity_layer(resolution, settings.base_uri, gazetteer))
    assert entity_lines(resolution, settings.base_uri, gazetteer) == expected
