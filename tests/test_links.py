"""Links to other datasets from the registry packages (kg.links), and quotations' form, handle
and date: in the registry look-up itself, and in a real build of articles written for it
(real spaCy model, real pipeline, SHACL gate, Oxigraph store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.cache import REGISTRY_PACKAGES, pipeline_fingerprint
from kg.links import match
from kg.model import Entity
from kg.pipeline import build
from kg.settings import Settings
from tests.test_build import select

GEONAMES = "https://sws.geonames.org/"
NAIROBI = "https://sws.geonames.org/184745/"  # GeoNames' feature for the city of Nairobi
KENYA = "https://sws.geonames.org/192950/"

#: Articles written for these tests: a place with one GeoNames record, one with many, a
#: country, and a colon quote, an embedded post and a block quote.
ARTICLES = Path(__file__).parent / "data" / "links"


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory, base_uri: str) -> Settings:
    work = tmp_path_factory.mktemp("links")
    settings = Settings.from_env(base_uri=base_uri, dist_dir=work / "dist", seeds_dir=ARTICLES)
    build(settings, workers=1, progress=lambda _: None)
    return settings


def same_as(settings: Settings, label: str) -> set[str]:
    rows = select(settings, f"""SELECT ?same WHERE {{ ?e a kg:Entity ; rdfs:label "{label}"@en .
        OPTIONAL {{ ?e <http://www.w3.org/2002/07/owl#sameAs> ?same }} }}""")
    assert rows, f"no resource labelled {label!r}"
    return {r["same"] for r in rows if r["same"]}


# ---------------------------------------------------------------- the registry look-up

def test_an_unambiguous_city_and_country_match_their_geonames_records():
    nairobi, kenya = match("Nairobi"), match("Kenya")
    assert nairobi is not None and nairobi.kind == "city" and nairobi.geonameid == 184745
    assert kenya is not None and kenya.kind == "country" and kenya.code == "KE"


@pytest.mark.parametrize("name", ["San Jose", "Victoria", "Udaipur", "Georgia", "Qwertyville"])
def test_a_shared_or_unknown_name_matches_nothing(name: str):
    assert match(name) is None


def test_names_outrank_aliases_and_a_country_outranks_towns_named_after_it():
    assert match("India").code == "IN"  # an alias of a Serbian town
    assert match("Mexico").code == "MX"  # a town in Pampanga, and the State of Mexico
    assert match("Bombay").kind == "city"  # an alias only: Mumbai
    assert match("Rajasthan").code == "IN-RJ"  # an ISO 3166-2 subdivision, no GeoNames id


def test_a_gazetteer_geonames_link_wins_and_non_places_stay_nil():
    from kg.links import link

    mine = "https://sws.geonames.org/1/"
    kept = Entity(key="gz:x", label="Nairobi", types=["http://schema.org/Place"], same_as=[mine])
    link(kept)
    assert kept.same_as == [mine]
    person = Entity(key="n:x", label="Kenya", types=["http://schema.org/Person"])
    link(person)
    assert person.same_as == [] and person.identifiers == {}


def test_the_registry_versions_are_in_the_pipeline_fingerprint(monkeypatch: pytest.MonkeyPatch):
    import importlib.metadata

    before = pipeline_fingerprint()
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "0.0.0" if name in REGISTRY_PACKAGES else real(name))
    pipeline_fingerprint.cache_clear()
    try:
        assert pipeline_fingerprint() != before
    finally:
        monkeypatch.undo()
        pipeline_fingerprint.cache_clear()
    assert pipeline_fingerprint() == before


def test_a_build_keeps_the_registry_index_in_its_cache(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch):
    """Built once and pickled under the cache; the next build reads it back (the build
    function is not called again) and looks names up in it as in a fresh one; a new registry
    package version makes a new entry."""
    import importlib.metadata

    from kg import links, pipeline

    monkeypatch.setattr(links, "_given", [])
    settings = Settings(seeds_dir=tmp_path, dist_dir=tmp_path / "dist",
                        cache_dir=tmp_path / "cache")
    pipeline._registry(settings)
    entries = list((tmp_path / "cache" / "registry").glob("*/*.pickle"))
    assert len(entries) == 1
    monkeypatch.setattr(links, "build_registry", lambda: pytest.fail("built again"))
    pipeline._registry(settings)
    assert len(links._given) == 2 and links.registry() == links._given[0]
    assert match("Nairobi") is not None and match("Nairobi").geonameid == 184745
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "0.0.0" if name in REGISTRY_PACKAGES else real(name))
    monkeypatch.setattr(links, "build_registry", lambda: links._given[0])
    pipeline._registry(settings)
    assert list((tmp_path / "cache" / "registry").glob("*/*.pickle")) != entries


# ---------------------------------------------------------------- a real build

def test_an_unambiguous_place_gets_its_geonames_link(linked: Settings):
    assert NAIROBI in same_as(linked, "Nairobi")


def test_an_ambiguous_place_gets_none(linked: Settings):
    assert not {s for s in same_as(linked, "Victoria") if s.startswith(GEONAMES)}


def test_a_country_gets_its_iso_code_and_link(linked: Settings):
    rows = select(linked, """SELECT ?code WHERE { ?e a kg:Entity ; rdfs:label "Kenya"@en ;
        <http://www.wikidata.org/prop/direct/P297> ?code }""")
    assert [r["code"] for r in rows] == ["KE"]
    assert KENYA in same_as(linked, "Kenya")


def test_links_do_not_change_uris(linked: Settings):
    rows = select(linked, 'SELECT ?e WHERE { ?e a kg:Entity ; rdfs:label "Nairobi"@en }')
    assert [r["e"] for r in rows] == [f"{linked.base_uri}resource/Nairobi"]


def test_quote_forms_handles_and_dates_are_published(linked: Settings):
    rows = select(linked, """SELECT ?form ?handle ?date ?text WHERE { GRAPH ?g {
        ?q a kg:Quotation ; kg:quoteForm ?form ; schema:text ?text .
        OPTIONAL { ?q kg:handle ?handle } OPTIONAL { ?q schema:datePublished ?date } } }""")
    forms = {r["form"].rsplit("#", 1)[-1]: r for r in rows}
    assert forms["ColonQuote"]["text"].startswith("This line will move cargo")
    post = forms["EmbeddedPost"]
    assert (post["handle"], post["date"]) == ("@AminaOdhiamboCS", "2025-03-11")
    assert post["text"].startswith("Today we opened")
    assert forms["BlockQuote"]["text"].startswith("The line was financed")
    assert all(r["handle"] is None and r["date"] is None
               for r in rows if not r["form"].endswith("EmbeddedPost"))


def test_the_build_passed_the_shapes(linked: Settings):
    from kg.release.publication import Publication

    publication = Publication.current(linked.dist_dir)
    assert publication is not None and publication.manifest["warnings"] == 0
    assert Path(publication.file("kg.nq")).stat().st_size > 0


def test_a_place_the_registry_knows_as_a_country_is_typed_a_country():
    from kg.links import link

    nigeria = Entity(key="n:nigeria", label="Nigeria",
                     types=["http://schema.org/AdministrativeArea"])
    link(nigeria)
    assert nigeria.types == ["http://schema.org/Country"]
    assert "NG" in nigeria.identifiers.values()
    lagos = Entity(key="n:lagos", label="Lagos", types=["http://schema.org/AdministrativeArea"])
    link(lagos)
    assert lagos.types == ["http://schema.org/AdministrativeArea"]
