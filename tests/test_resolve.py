"""Resolution across the five seed articles, with the real model: one resource per thing."""

from __future__ import annotations

import pytest

from kg.corpus import read_corpus
from kg.extract import extract
from kg.gazetteer import load_gazetteer
from kg.model import Extraction
from kg.nlp import parse
from kg.resolve import normalise, resolve, slugify
from kg.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def extractions() -> list[Extraction]:
    articles, _ = read_corpus(PROJECT_ROOT / "seeds", 2_000_000)
    return [extract(article, doc) for article, doc in parse(articles)]


@pytest.fixture(scope="module")
def resolution(extractions):
    return resolve(extractions, load_gazetteer())


def entity_of(resolution, text: str):
    found = {resolution.key(m) for e in resolution.entities.values() for m in e.mentions
             if m.text == text}
    assert len(found) == 1, f"{text!r} resolves to {found}"
    return resolution.entities[found.pop()]


def test_cecot_spellings_are_one_resource(resolution):
    names = ["CECOT", "Cecot", "Terrorism Confinement Center",
             "Counter-Terrorism Confinement Centre", "Centro de Confinamiento del Terrorismo"]
    keys = {entity_of(resolution, name).key for name in names}
    assert len(keys) == 1


def test_short_forms_join_the_full_name(resolution):
    assert entity_of(resolution, "Bukele").label == "Nayib Bukele"
    assert entity_of(resolution, "Rubio").label == "Marco Rubio"


def test_types_are_voted_across_mentions(resolution):
    """spaCy tags some 'Trump' mentions ORG; the resource is still a person."""
    trump = entity_of(resolution, "Trump")
    assert trump.types == ["http://schema.org/Person"]


def test_acronym_defined_in_text_joins_its_expansion(resolution):
    aca = entity_of(resolution, "ACAs")
    assert aca is entity_of(resolution, "Asylum Cooperative Agreements")
    assert aca.label == "Asylum Cooperative Agreements"
    assert aca.types == ["ontology#Agreement"]


def test_slugs_are_unique_and_uri_safe(resolution):
    slugs = [e.slug for e in resolution.entities.values()]
    assert len(slugs) == len(set(slugs))
    assert all(slug == slugify(slug) for slug in slugs)
    assert slugify("Centro de Confinamiento del Terrorismo") == \
        "Centro_de_Confinamiento_del_Terrorismo"
    assert slugify("Bukele’s Café") == "Bukeles_Cafe"


def test_normalise():
    assert normalise("the Terrorism Confinement Centre") == "terrorism confinement center"
    assert normalise("ACAs") == "aca"
    assert normalise("El Salvador’s") == "el salvador"


def test_only_misspellings_share_a_gazetteer_identity():
    from kg.resolve import misspelling

    assert misspelling("tren de agua", "tren de aragua")
    assert not misspelling("united states department of justice",
                           "united states department of state")
    assert not misspelling("19th street gang", "18th street gang")
    assert not misspelling("tren de agua nueva", "tren de aragua")
