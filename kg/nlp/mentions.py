"""Entity mentions: clean spans, titles kept as roles, and acronyms tied to their expansions."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp import wordclass
from kg.nlp.text import text_of

#: Labels whose spans name real-world things we make resources for.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT", "NORP"})
RESOURCE_LABELS = ENTITY_LABELS - {"NORP"}
#: Head words of a named agreement ('Asylum Cooperative Agreements', 'the Paris Accord').
AGREEMENT_HEADS = ("agreement", "agreements", "treaty", "treaties", "accord", "accords", "pact",
                   "convention", "covenant", "deal")

#: Words that head a title before or after a name ('Secretary of State', 'chief executive').
HEAD_WORDS = frozenset({
    "president", "vice-president", "secretary", "secretary-general", "minister", "premier",
    "governor", "senator", "judge", "justice", "mayor", "chancellor", "ambassador", "director",
    "commissioner", "spokesperson", "spokesman", "spokeswoman", "chairman", "chairwoman", "chair",
    "chairperson", "representative", "rep.", "sen.", "gov.", "pope", "king", "queen", "prince",
    "princess", "general", "gen.", "colonel", "col.", "ceo", "executive", "professor", "prof.",
    "dr.", "leader", "speaker", "commander", "superintendent", "inspector", "sheriff",
    "councillor", "councilor", "officer", "manager", "head", "prosecutor", "attorney",
    "lawmaker", "mp", "gov", "capt", "sgt", "president-elect", "assemblywoman", "assemblyman",
    "congressman", "congresswoman", "councilwoman", "councilman", "magistrate", "administrator",
    "mla", "cm",
})
#: Words that may stand inside a title before its head ('Prime', 'Deputy', 'Health').
PART_WORDS = frozenset({
    "prime", "vice", "deputy", "foreign", "health", "finance", "defence", "defense", "interior",
    "justice", "trade", "education", "environment", "labour", "labor", "transport", "energy",
    "home", "chief", "executive", "acting", "interim", "opposition", "economy", "agriculture",
    "immigration", "security", "state", "provincial", "regional", "federal", "managing",
    "press", "cabinet", "general", "senior", "attorney", "district", "supreme", "court",
    "shadow", "metropolitan", "additional", "assistant", "associate", "divisional",
    "principal",
})
_DETERMINERS = {"the", "The", "a", "an"}
#: Capitalised adjectives that open a lowercase title ('Union home minister', 'Central
#: government official', 'Federal health minister'): part of the title, never a place.
_TITLE_ADJECTIVES = frozenset({"union", "central", "federal", "national", "state"})
#: Lowercase words that belong inside names ('Santa Rita do Ivaí', 'Ruta del Sol').
_PARTICLES = frozenset({"de", "da", "do", "das", "dos", "del", "della", "di", "la", "le", "el",
                        "van", "von", "der", "den", "bin", "al", "ibn", "y", "e"})
_DATE_LIKE = re.compile(r"^(on |in )?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? "
                        r"\d{1,2}(st|nd|rd|th)?$", re.I)
_POSSESSIVE = {"'s", "’s", "'", "’"}
_STOP_INITIALS = {"of", "de", "del", "la", "the", "and", "for", "on", "in", "y", "el"}
_BLOCKING = {"GPE", "NORP", "DATE", "PERSON", "LOC", "FAC", "TIME", "CARDINAL", "ORDINAL"}


def _fits_title(tok, capitalised: bool) -> bool:
    """Capitalised titles take capitalised nouns; lowercase ones lowercase nouns."""
    if tok.lower_ in HEAD_WORDS | PART_WORDS:  # a sentence's first word is capitalised anyway
        return tok.text[:1].isupper() == capitalised or tok.is_sent_start
    if capitalised:
        return tok.text[:1].isupper() and tok.pos_ in ("PROPN", "NOUN", "ADJ")
    return not tok.text[:1].isupper() and tok.pos_ in ("NOUN", "ADJ")


def title_before(doc: Doc, start: int, sent_start: int) -> tuple[int, str] | None:
    """The title right before a name, read backwards token by token: 'U.S. [Secretary of
    State] Marco Rubio', 'Manitoba [Premier] Claire Dumont', 'Ferro Alto [chief executive]
    Rodrigo Salles'. Returns (first token index, text), or None."""
    i = start - 1
    if i < sent_start:
        return None
    capitalised = doc[i].text[:1].isupper()
    taken: list[int] = []
    while i >= sent_start and len(taken) < 7:
        tok = doc[i]
        lower = tok.lower_
        if tok.is_punct or tok.is_space or tok.text in _POSSESSIVE or lower in _DETERMINERS:
            break
        if taken and lower in _TITLE_ADJECTIVES and tok.is_title and \
                not tok.ent_id_ and (i == sent_start or not doc[i - 1].text[:1].isupper()):
            taken.append(i)  # 'Union home minister': the word the title opens with, no place
            break
        if tok.ent_type_ in _BLOCKING or (tok.ent_type_ and tok.ent_id_):
            break
        if lower in ("of", "and") and taken:
            pass
        elif lower not in HEAD_WORDS | PART_WORDS and tok.text[:1].isupper() and (
                tok.tag_ == "JJ" or tok.ent_type_ == "NORP" or tok.text in _demonyms() or
                wordclass.is_demonym(tok.text)):
            break  # 'El Salvadoran President', 'Kenyan Transport Secretary': nationality
        elif not _fits_title(tok, capitalised):
            break
        taken.append(i)
        i -= 1
    while taken and doc[taken[-1]].lower_ in ("of", "and"):
        taken.pop()
    if not taken or not any(doc[j].lower_ in HEAD_WORDS for j in taken):
        return None
    if doc[taken[0]].lower_ not in HEAD_WORDS and not capitalised:
        return None  # lowercase descriptions must end in a title word: 'chief executive'
    first = taken[-1]
    while doc[first].lower_ not in HEAD_WORDS | PART_WORDS | _TITLE_ADJECTIVES and not (
            capitalised and doc[first].text[:1].isupper()) and first < start - 1:
        first += 1
    text = doc[first:start].text.strip()
    return first, text


@lru_cache(maxsize=1)
def _demonyms() -> frozenset[str]:
    from kg.gazetteer import load_gazetteer

    return frozenset(w for entry in load_gazetteer() for name in entry.hidden for w in name.split())


_TITLE_INSIDE_WORDS = 4


def title_inside(doc: Doc, span: Span) -> int | None:
    """Index of the first name token when an entity span starts with a title
    ('President Bukele' tagged PERSON as a whole)."""
    for n in range(min(_TITLE_INSIDE_WORDS, len(span) - 1), 0, -1):
        words = [t.lower_ for t in span[:n]]
        if words[-1] in HEAD_WORDS and all(w in HEAD_WORDS | PART_WORDS | {"of"} for w in words):
            return span.start + n
    return None


def clean_span(doc: Doc, ent: Span) -> tuple[Span | None, str | None]:
    """Trim a named-entity span to the name itself; return it with any title found as a role."""
    start, end = ent.start, ent.end
    while start < end and (doc[start].text in _DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct
                           and doc[end - 1].text not in (".",) or doc[end - 1].is_space):
        end -= 1
    while end - start > 1 and doc[end - 1].text[:1].islower() and \
            doc[end - 1].pos_ in ("ADP", "CCONJ", "DET", "ADV", "PART", "SCONJ"):
        end -= 1  # 'Terminal 2 of', 'Channel as': NER ran on into the sentence
    while end - start > 1 and doc[start].text[:1].islower() and \
            doc[start].lower_ not in _PARTICLES and not ent.ent_id_:
        start += 1  # 'city council on March 20'
    if start > ent.start and start < end and doc[start].text in ("-", "–") and \
            not doc[start - 1].whitespace_:
        # 'post-Brexit policies', 'pro-EU group': a prefixed name modifying a noun is an
        # adjective; elsewhere the name after the hyphen is kept
        start += 1
        root = doc[start:end].root
        if start < end and root.dep_ in ("amod", "compound") and root.head.pos_ == "NOUN":
            return None, None
    if start >= end or _DATE_LIKE.match(doc[start:end].text):
        return None, None
    title_end = end
    while title_end < len(doc) and title_end - end < 3 and doc[title_end].is_title and \
            doc[title_end].lower_ in PART_WORDS:
        title_end += 1  # 'Union [Health Minister]'
    if ent.label_ != "PERSON" and not ent.ent_id_ and end - start == 1 and \
            doc[start].lower_ in PART_WORDS | _TITLE_ADJECTIVES and title_end < len(doc) and \
            doc[title_end].is_title and doc[title_end].lower_ in HEAD_WORDS:
        return None, None  # 'the [Home] Secretary', 'The [Union] Health Minister': a title
    if ent.label_ != "PERSON" and not ent.ent_id_ and end < len(doc) and \
            doc[end].text[:1].isupper() and doc[end].lower_ in HEAD_WORDS:
        # 'British Home [Secretary]', 'World Bank Country [Director]': the title's first words
        while end - start > 1 and doc[end - 1].lower_ in PART_WORDS | {"country", "regional"}:
            end -= 1
        if all(t.text in _demonyms() or t.ent_type_ == "NORP" or
               re.fullmatch(r"[A-Z][a-z]+(ish|ese|ian)", t.text) for t in doc[start:end]):
            return None, None  # 'British [Home Secretary]
        if end - start == 1 and doc[start].lower_ in PART_WORDS | _TITLE_ADJECTIVES:
            return None, None  # '[The Union Health] Minister': all of it the title
    while end - start > 1 and ent.label_ == "ORG" and not ent.ent_id_ and \
            doc[end - 1].lower_ in HEAD_WORDS and end < len(doc) and \
            doc[end].ent_type_ == "PERSON":
        end -= 1  # 'Office of Civil Defense Administrator [Ana Cruz]', 'BJP MLA'
    while end - start > 1 and ent.label_ == "ORG" and not ent.ent_id_ and \
            doc[end - 1].lower_ in ("mla", "cm", "mp", "mlas", "mps"):
        end -= 1
    span = Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_)
    if "(" in span.text:  # 'Canada Energy Regulator (CER': the acronym is its own mention
        cut = next(t.i for t in span if t.text == "(")
        if cut == span.start:
            return None, None
        span = Span(doc, span.start, cut, label=span.label_, kb_id=ent.kb_id_, span_id=ent.id_)
    role = None
    if span.label_ == "PERSON":
        name_start = title_inside(doc, span)
        if name_start is not None:
            role = doc[span.start : name_start].text
            span = Span(doc, name_start, span.end, label="PERSON", kb_id=ent.kb_id_,
                        span_id=ent.id_)
        if role is None:
            sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
            found = title_before(doc, span.start, sent_start)
            head = span.root.head
            if not found and span.root.dep_ == "appos" and head.lower_ in HEAD_WORDS and \
                    head.i + 2 == span.start and doc[head.i + 1].text == ",":
                found = title_before(doc, head.i + 1, sent_start)  # 'the foreign minister, X'
            if found:
                role = found[1]
    if not any(ch.isalpha() for ch in span.text) or span.text.islower():
        return None, None
    return span, role


def initials(words: str) -> str:
    return "".join(w[0] for w in re.findall(r"[\w’'-]+", words) if w.lower() not in _STOP_INITIALS)


def acronym_matches(acronym: str, expansion: str) -> bool:
    """'ACAs' for 'Asylum Cooperative Agreements', 'KPA' for 'Kenya Ports Authority'."""
    core = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    letters = initials(expansion.replace("-", " ")).upper()
    return len(core) >= 2 and core.isupper() and (letters == core or letters.endswith(core))


_ACRONYM_AFTER = re.compile(
    r"^\s*(?:\(\s*|,\s*(?:commonly\s+|also\s+|widely\s+)?(?:known|referred to)"
    r"(?:\s+in\s+[A-Z]\w+)?\s+as\s+|,\s*abbreviated\s+)"
    r"(?:[^()]*?,\s*(?:abbreviated|known as)\s+)?"
    r"(?P<acr>[A-Z][\w-]*[A-Z][A-Za-z]*s?\b|[A-Z][\w-]+(?:\s+[A-Z][\w-]+){0,3})"
)


def find_acronyms(doc: Doc, ents: list[Span]) -> list[tuple[Span, str, int, int]]:
    """Expansions followed by their acronym: 'Terrorism Confinement Center (CECOT)',
    'known as CECOT', '(…, abbreviated CECOT)'. Returns (expansion, acronym, start, end)."""
    found = []
    for ent in ents:
        tail = text_of(doc)[ent.end_char : ent.end_char + 80]
        match = _ACRONYM_AFTER.match(tail)
        if not match:
            continue
        acr = match.group("acr")
        explicit = not tail.lstrip().startswith("(") or "abbreviated" in tail[: match.end()]
        if not explicit and (" " in acr or not tail[match.end("acr"):].lstrip().startswith(")")):
            continue  # '(Terrorism Confinement Center, ...' without 'abbreviated' is a gloss
        capitals = sum(ch.isupper() for ch in acr)
        bare = ent.label_ != "PERSON" and len(acr) >= 3 and (
            capitals >= 2 or (ent.label_ == "ORG" and len(ent) >= 3))
        if explicit or bare or acronym_matches(acr, ent.text):
            start = ent.end_char + match.start("acr")
            found.append((ent, acr, start, start + len(acr)))
    return found


_LEADERSHIP = {"administration", "government", "cabinet"}


def administration(doc: Doc, span: Span) -> Span | None:
    """'the Biden administration' names an organisation led by Biden, not Biden himself."""
    if span.label_ != "PERSON" or span.end >= len(doc):
        return None
    following = doc[span.end]
    if following.lower_ in _LEADERSHIP:
        return Span(doc, span.start, span.end + 1, label="ORG")
    if following.text in ("’s", "'s") and span.end + 1 < len(doc) and \
            doc[span.end + 1].lower_ in _LEADERSHIP:
        return None
    return None


def country_branches(doc: Doc, ents: list[Span]) -> list[Span]:
    """'Amnesty International Kenya': an organisation's name right before a place's, with
    the place as the head the name modifies, is the organisation's branch there: one name."""
    out: list[Span] = []
    for ent in ents:
        if out and ent.label_ == "GPE" and len(ent) == 1 and out[-1].label_ in ("ORG", "FAC") and \
                out[-1].end == ent.start and all(t.head.i == ent.start and t.dep_ == "compound"
                                                 for t in out[-1]):
            org = out.pop()
            ent = Span(doc, org.start, ent.end, label="ORG", kb_id=org.kb_id_, span_id=org.id_)
        out.append(ent)
    return out


def widen_to_acronym(doc: Doc, span: Span) -> Span:
    """'Articulation of Indigenous Peoples of Brazil (APIB)', of which NER took the part
    before 'of Brazil': a name is extended over 'of X' when the acronym right after has the
    initials of the longer name and not of the shorter."""
    if span.label_ not in ("ORG", "FAC", "LAW") or span.end + 3 >= len(doc) or \
            doc[span.end].lower_ != "of":
        return span
    end = span.end + 1
    while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
        end += 1
    if end == span.end + 1 or end + 2 >= len(doc) or doc[end].text != "(":
        return span
    acronym = doc[end + 1].text
    longer = doc[span.start : end]
    if doc[end + 2].text != ")" or acronym_matches(acronym, span.text) or \
            sorted(initials(longer.text.replace("-", " ")).upper()) != sorted(acronym):
        return span  # in any order: 'APIB' abbreviates the name in Portuguese
    return Span(doc, span.start, end, label=span.label_, kb_id=span.kb_id_, span_id=span.id_)


def widen_law(doc: Doc, span: Span) -> Span:
    """'Assembly Bill 402', of which NER took 'Bill 402' (and 'Assembly' apart): a bill's name
    keeps the capitalised words that modify it from the left and belong to no longer name."""
    if span.label_ != "LAW":
        return span
    start = span.start
    while start > 0 and (tok := doc[start - 1]).pos_ == "PROPN" and tok.text[:1].isupper() \
            and (not tok.ent_type_ or tok.ent_iob_ == "B" and start == span.start) and \
            tok.dep_ == "compound" and span.start <= tok.head.i < span.end:
        start -= 1
    return span if start == span.start else Span(doc, start, span.end, label="LAW",
                                                  kb_id=span.kb_id_, span_id=span.id_)


def demonym_before_title(doc: Doc, span: Span, demonyms: dict[str, str]) -> Span | None:
    """'Salvadoran President ...': a demonym right before a title names the country whose
    office it is. Elsewhere ('Salvadoran deportees') a demonym is not a mention of it."""
    if span.label_ not in ("NORP", "ORG", "GPE") or span.text not in demonyms:
        return None
    following = [t for t in doc[span.end : span.end + 5] if not t.is_space]
    if not following or following[0].lower_ not in HEAD_WORDS | PART_WORDS or \
            not following[0].text[:1].isupper():
        return None
    return Span(doc, span.start, span.end, label="GPE", span_id=demonyms[span.text])


def attributive_acronym(span: Span) -> bool:
    """'CCTV cameras': an unknown all-caps word used as a modifier names a kind of thing, not
    an organisation. Known names (gazetteer) and acronyms defined in the text are kept."""
    return (
        len(span) == 1 and span.label_ == "ORG" and not span.ent_id_ and span.text.isupper()
        and span[0].dep_ in ("compound", "amod", "nmod") and span[0].head.pos_ == "NOUN"
    )


#: Head nouns that make a name an organisation or a facility whatever NER said.
ORG_HEADS = frozenset({
    "association", "council", "court", "authority", "ministry", "company", "corporation", "bank",
    "university", "party", "organisation", "organization", "agency", "commission", "committee",
    "institute", "department", "union", "federation", "foundation", "group", "regulator", "board",
    "network", "fund", "bureau", "service", "parliament", "assembly", "senate", "inc.", "ltd",
    "ltd.", "plc", "s.a.", "llc", "mineração", "tribunal", "administration", "government",
})
FACILITY_HEADS = frozenset({
    "terminal", "station", "building", "hospital", "dam", "port", "prison", "airport", "bridge",
    "camp", "base", "plant", "mine", "stadium", "tower", "palace", "museum", "library", "jail",
    "penitentiary", "megaprison", "refinery", "pipeline", "reactor", "harbour", "harbor",
    "facility", "complex", "clinic", "barracks", "shelter", "warehouse", "depot", "wharf",
    "arena", "theatre", "theater", "pier", "quay", "jetty",
})


def relabel_by_head(span: Span) -> Span:
    """'Kilifi Bay Container Terminal' is a facility and 'Kenya Shippers Council' an
    organisation, whatever the statistical model guessed; gazetteer names keep their label."""
    if span.ent_id_ or span.label_ not in ("ORG", "PERSON", "GPE", "LOC", "FAC", "LAW", "EVENT",
                                           "NORP", "PRODUCT", "WORK_OF_ART") or len(span) < 2:
        return span
    head = span[-1].lower_
    if span[-1].like_num and len(span) > 1:
        head = span[-2].lower_  # 'Terminal 2', 'Bill 402'
    label = span.label_
    by_word = wordclass.name_class(span.text)
    if head in FACILITY_HEADS:
        label = "FAC"
    elif head in ORG_HEADS or any(t.lower_ in ORG_HEADS for t in span[:-1]) and \
            span.label_ == "PERSON":
        label = "ORG"
    elif by_word is not None and not (by_word == "LOC" and label in ("GPE", "LOC")):
        label = by_word
    if label == span.label_:
        return span
    return Span(span.doc, span.start, span.end, label=label, kb_id=span.kb_id_, span_id=span.id_)


def split_coordination(doc: Doc, span: Span) -> list[Span]:
    """'Calais and Dunkirk', 'Bremerhaven and Wilhelmshaven': two places NER read as one name.
    Split only when both sides are known place names."""
    conj = [t.i for t in span if t.lower_ == "and"]
    if len(conj) != 1 or span.ent_id_ or span.label_ not in ("ORG", "GPE", "LOC", "PERSON"):
        return [span]
    left, right = doc[span.start : conj[0]], doc[conj[0] + 1 : span.end]
    if len(left) and len(right) and wordclass.is_place_name(left.text) and \
            wordclass.is_place_name(right.text):
        return [Span(doc, left.start, left.end, label="GPE"),
                Span(doc, right.start, right.end, label="GPE")]
    return [span]


def split_possessive(doc: Doc, span: Span) -> list[Span]:
    """'Mexico’s National Migration Institute', 'Parliament’s Public Investments Committee':
    an owner and the thing it owns, two names, when the owner is a place or an organisation
    by its head word ('Attorney General's Office' stays whole)."""
    cut = [t.i for t in span if t.text in ("’s", "'s") and span.start < t.i < span.end - 1]
    if len(cut) != 1 or span.ent_id_:
        return [span]
    left, right = doc[span.start : cut[0]], doc[cut[0] + 1 : span.end]
    if not right[0].text[:1].isupper():
        return [span]
    owner_place = wordclass.is_place_name(left.text) or wordclass.is_place_name(left[-1].text)
    if not owner_place and left[-1].lower_ not in ORG_HEADS:
        return [span]
    return [Span(doc, left.start, left.end,
                 label="GPE" if wordclass.is_place_name(left.text) else "ORG"),
            Span(doc, right.start, right.end, label=span.label_)]


def person_by_context(doc: Doc, span: Span) -> Span:
    """A short proper name that a title introduces ('Governor Adesanya', 'opposition candidate
    ... ') or that stands in apposition to a title ('Its chief executive, Marcus Bell,') is a
    person, though NER read it as an organisation, a place or a nationality."""
    inside = title_inside(doc, span) if not span.ent_id_ and span.label_ == "ORG" else None
    if inside is not None and 2 <= span.end - inside <= 3 and \
            all(t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in ORG_HEADS
                for t in doc[inside : span.end]):
        return Span(doc, span.start, span.end, label="PERSON", kb_id=span.kb_id_,
                    span_id=span.id_)  # 'District Magistrate Anupam Sinha'
    if span.ent_id_ or span.label_ not in ("ORG", "GPE", "NORP") or len(span) > 3 or \
            not all(t.pos_ == "PROPN" and t.text[:1].isupper() and not t.text.isupper()
                    for t in span) or any(t.lower_ in ORG_HEADS | FACILITY_HEADS for t in span):
        return span
    sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
    titled = span.start > 0 and doc[span.start - 1].lower_ in HEAD_WORDS and \
        title_before(doc, span.start, sent_start) is not None
    root = span.root
    appositive = (root.dep_ == "appos" and root.head.lower_ in HEAD_WORDS) or any(
        c.dep_ == "appos" and c.lemma_.lower() in wordclass.PERSON_NOUNS | HEAD_WORDS
        for c in root.children)  # 'Menezes, a soybean farmer and former city councillor,'
    if titled or appositive:
        return Span(doc, span.start, span.end, label="PERSON", kb_id=span.kb_id_, span_id=span.id_)
    return span


_PLACE_NOUNS = frozenset({"district", "state", "province", "county", "city", "town", "village",
                          "department", "region", "municipality", "constituency", "seat",
                          "block", "division", "municipal", "suburb"})


_ORG_NOUNS = frozenset({"union", "party", "agency", "firm", "company", "group", "bank",
                        "miner", "insurer", "lender", "carrier", "airline", "regulator",
                        "watchdog", "broadcaster", "newspaper", "charity", "contractor",
                        "developer", "operator", "startup", "conglomerate", "coalition"})


def org_noun_beside(span: Span) -> bool:
    """'the Verdi union', 'state-backed miner Minera Salar Andino': a noun for a kind of
    organisation right before or after a name makes the name that organisation's; a
    nationality before it ('the Chilean miner') does not."""
    doc = span.doc
    return not any(wordclass.is_demonym(t.text) for t in span) and (
        (span.end < len(doc) and doc[span.end].lower_ in _ORG_NOUNS) or
        (span.start > 0 and doc[span.start - 1].lower_ in _ORG_NOUNS))


def organisations_throughout(spans: list[Span], roles: dict[tuple[int, int], str]) -> list[Span]:
    """Once the article calls a name an organisation's ('the Verdi union', 'miner Minera Salar
    Andino'), the name and its short forms ('Salar Andino') are that organisation throughout,
    where NER alone read them as a person's ('Verdi's chief negotiator'), unless a title or
    form of address makes that mention a person."""
    names = {s.text for s in spans if s.label_ == "ORG" and not s.ent_id_ and
             org_noun_beside(s)}
    names |= {s[n:].text for s in spans if s.label_ == "ORG" and s.text in names
              for n in range(1, len(s) - 1)}
    out = []
    for s in spans:
        before = s.doc[s.start - 1] if s.start > 0 else None
        if s.label_ == "PERSON" and s.text in names and not s.ent_id_ and \
                (s.start_char, s.end_char) not in roles and \
                not (before is not None and wordclass.is_honorific(before.text)):
            s = Span(s.doc, s.start, s.end, label="ORG", kb_id=s.kb_id_, span_id=s.id_)
        out.append(s)
    return out


def _particle_place(span: Span) -> bool:
    """'La Dorada', 'Santa Rita do Ivaí': Romance place names start with an article or a
    saint's title; people's names rarely do."""
    first = span[0].lower_
    return len(span) > 1 and first in ("la", "el", "los", "las", "santa", "são", "sao", "san",
                                       "santo", "são", "le", "les")


def _in_list_of_places(span: Span) -> bool:
    """A name in a list whose other items are mostly places (two at least) is one more place
    of the list, whatever NER read it as alone ('Kamrup, West Karbi Anglong, Cachar and
    Dibrugarh', where NER took the unfamiliar names for people)."""
    top = span.root
    while top.dep_ in ("conj", "appos") and top.head != top:
        top = top.head
    members, todo = [], [top]
    while todo:
        tok = todo.pop()
        members.append(tok)
        todo.extend(c for c in tok.children if c.dep_ in ("conj", "appos"))
    others = [t for t in members if not span.start <= t.i < span.end]
    places = sum(t.ent_type_ == "GPE" for t in others)
    return places >= 2 and places > sum(t.ent_type_ in ("PERSON", "ORG") for t in others)


def plural_head(span: Span) -> bool:
    """'Both Houses', 'Councils', 'Ministries': one capitalised word that is the plural of a
    name's head noun is a common noun (a header's capitals), never a body or a person."""
    if len(span) != 1 or not span.text.endswith("s") or span.text.isupper():
        return False
    word = span.text.casefold()
    heads = ORG_HEADS | FACILITY_HEADS | HEAD_WORDS | wordclass.name_heads()
    singulars = {word[:-1], word[:-2], word[:-3] + "y"} if word.endswith("ies") else \
        {word[:-1], word[:-2]}
    return bool(singulars & heads)


def relabel_by_word_class(span: Span, given_names: set[str]) -> Span | None:
    """What the word classes say a name is, over the statistical model's guess: currencies,
    platforms, units and amounts are dropped ('Birr', 'Twitter'); a name after Mr, Ms, Dr ... is
    a person; natural features ('the Channel') and known place names are places, unless the
    article uses the word inside a person's full name ('Marcus Bell' keeps 'Bell' a person).
    A capitalised common noun opening a sentence ('Turnout was 71%') is no name at all."""
    label = span.label_
    if span.ent_id_ or label not in ("PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"):
        return span
    text = span.text
    if wordclass.not_a_name(text):
        return None
    if span.start > 0 and span.doc[span.start - 1].text in ("#", "@"):
        return None  # '#BuildingKenya', '@handle': tags, not mentions
    if wordclass.fold(text) in wordclass.GOVERNMENT_METONYMS:
        return span if label == "ORG" else Span(span.doc, span.start, span.end, label="ORG")
    if len(span) == 1 and span[0].is_sent_start and span[0].pos_ in ("NOUN", "VERB", "ADJ") \
            and not text.isupper() and label in ("PERSON", "ORG"):
        return None
    if label in ("PERSON", "ORG") and (wordclass.generic(text) or plural_head(span)):
        return None
    if wordclass.party_member(text):  # 'a Liberal Democrat', 'the Democrat group'
        return span if label == "NORP" else Span(span.doc, span.start, span.end, label="NORP")
    if label in ("PERSON", "ORG") and all(wordclass.is_demonym(t.text) for t in span):
        # 'The Ugandan foreign affairs ministry': a nationality adjective names no one
        return Span(span.doc, span.start, span.end, label="NORP")
    new = label
    before = span.doc[span.start - 1] if span.start > 0 else None
    if (wordclass.is_honorific(span[0].text) and len(span) > 1 and span[1].text[:1].isupper()) \
            or (before is not None and before.text[:1].isupper()
                and wordclass.is_honorific(before.text)):
        new = "PERSON"  # 'Mrs Bisola Ogundipe', 'Dr Oyelaran' (which NER read as a nationality)
    elif label in ("PERSON", "ORG", "FAC") and wordclass.is_feature(text) and \
            span[-1].lower_ not in FACILITY_HEADS:
        new = "LOC"
    elif label in ("PERSON", "ORG") and wordclass.is_place_name(text) and \
            (len(span) > 1 or text not in given_names):
        new = "GPE"
    elif label in ("PERSON", "ORG") and text not in given_names and _in_list_of_places(span):
        new = "GPE"  # 'the districts of Nagaon, Kamrup, West Karbi Anglong, Cachar and ...'
    elif label in ("PERSON", "ORG", "NORP") and span.end < len(span.doc) and \
            span.doc[span.end].lower_ in _PLACE_NOUNS and text not in given_names and \
            not (label == "NORP" and re.search(r"(an|ish|ese|i)$", text)):
        new = "GPE"  # 'Sonbhadra district', 'Caldas department'
    elif label in ("PERSON", "ORG", "FAC") and _particle_place(span):
        new = "GPE"
    elif label in ("PERSON", "ORG", "NORP", "FAC") and span.start >= 2 and \
            span.doc[span.start - 1].lower_ == "of" and \
            span.doc[span.start - 2].lower_ in ("town", "city", "village", "municipality"):
        new = "GPE"  # 'the town of Palomas'
    elif label in ("PERSON", "GPE", "NORP") and org_noun_beside(span):
        new = "ORG"  # 'the Verdi union', 'state-backed miner Minera Salar Andino'
    if new == label:
        return span
    return Span(span.doc, span.start, span.end, label=new, kb_id=span.kb_id_, span_id=span.id_)


def titled_names(doc: Doc, taken: set[int]) -> list[Span]:
    """People NER missed but the text introduces with a title: 'Justice Renata Albuquerque'."""
    found = []
    for tok in doc:
        honorific = wordclass.is_honorific(tok.text) and tok.text[:1].isupper()
        if not (tok.text[:1].isupper() and tok.lower_ in HEAD_WORDS or honorific) \
                or tok.i in taken:
            continue
        first = tok.i + 1
        if first < len(doc) and doc[first].text == ".":
            first += 1  # 'Dr. Selamawit'
        if honorific and tok.i > 0 and wordclass.is_honorific(doc[tok.i - 1].text):
            continue  # the second of 'Rt Hon', 'His Excellency Dr': the first one reads it
        while honorific and first < len(doc) and wordclass.is_honorific(doc[first].text):
            first += 1  # 'Hon. Dr Amina Yusuf'
        if not honorific and first + 1 < len(doc) and doc[first].text.isupper() and \
                doc[first].is_alpha and len(doc[first]) <= 4 and first not in taken:
            first += 1  # 'Police Spokesperson SP Ruwan Gunasekara': a rank's initials
        end = first
        while end < len(doc) and end - first < 3 and doc[end].pos_ == "PROPN" and \
                doc[end].text[:1].isupper() and (end not in taken or (
                    end > first and _misread_word(doc, end))) and \
                not doc[end].text.isupper():
            end += 1
        # a first and a last name at least; after Mr, Dr ... a surname alone ('Dr Oyelaran')
        if end - first >= (1 if honorific else 2):
            found.append(Span(doc, tok.i if honorific else first, end, label="PERSON"))
    return found


def _misread_word(doc: Doc, i: int) -> bool:
    """A one-word organisation NER found in a name it missed ('Magistrate Rafiqul [Islam]')."""
    tok = doc[i]
    return tok.ent_type_ == "ORG" and not tok.ent_id_ and tok.ent_iob_ == "B" and (
        i + 1 == len(doc) or doc[i + 1].ent_iob_ != "I")


def appositive_titled_names(doc: Doc, taken: set[int]) -> list[Span]:
    """People NER missed whose title follows the name in apposition: 'and His Excellency
    Youssef Benali Idrissi, Tunisian Foreign Minister, signed'. A run of two to four proper
    nouns set off by a comma and followed by a title (nationality and office words ending
    in a head word such as 'Minister', up to the next comma or the sentence's end) is a
    person: an office is held by a person, whatever name it follows."""
    found = []
    i = 0
    while i < len(doc):
        end = i
        while end < len(doc) and end - i < 4 and end not in taken and _name_word(doc[end]):
            end += 1
        if end - i >= 2 and end < len(doc) and doc[end].text == "," and \
                (i == 0 or doc[i - 1].pos_ != "ADP") and _title_after(doc, end + 1):
            found.append(Span(doc, i, end, label="PERSON"))
        i = max(end, i + 1)
    return found


def _title_after(doc: Doc, j: int) -> bool:
    """A title from ``j`` to a comma, a full stop or the sentence's end: optional article,
    nationality or organisation words, office words, the head word, then only 'of ...'."""
    sent_end = doc[j].sent.end if j < len(doc) and doc.has_annotation("SENT_START") else len(doc)
    if j < sent_end and doc[j].lower_ in ("the", "a", "an"):
        j += 1
    head = None
    k = j
    while k < sent_end and doc[k].text not in (",", ".", ";", "(") and k - j < 10:
        tok = doc[k]
        if head is not None and tok.lower_ in ("of", "for"):
            return True  # 'Minister of Foreign Affairs': the head is said
        if tok.lower_ in HEAD_WORDS:
            head = k
        elif head is not None or not (
                tok.lower_ in PART_WORDS or wordclass.is_demonym(tok.text) or
                tok.ent_type_ in ("NORP", "GPE", "ORG") or tok.text in ("'s", "’s")):
            return False
        k += 1
    return head is not None and head == k - 1


def titles_before_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """'[Marawila Magistrate] [Sirimewan Mahendraraja]', '[Metropolitan Magistrate Moinul]
    [Islam]': NER read a title, or a title and a given name, as a name of its own right before
    a person's. The title is no name (it stays as the person's role, read from the text); a
    given name after it joins the person. What precedes the title and ends in an
    organisation's head word stays an organisation ('[Ports Authority] Chairman')."""
    out: list[Span] = []
    ents = list(ents)
    for n, a in enumerate(ents):
        b = ents[n + 1] if n + 1 < len(ents) else None
        heads = [t.i for t in a if t.lower_ in HEAD_WORDS and t.text[:1].isupper()]
        if a.ent_id_ or a.label_ not in ("PERSON", "ORG", "GPE", "NORP") or not heads or \
                not all(t.pos_ == "PROPN" and t.is_title and t.is_alpha and
                        t.lower_ not in HEAD_WORDS | PART_WORDS | ORG_HEADS
                        for t in doc[heads[-1] + 1 : a.end]):
            out.append(a)
            continue
        head = heads[-1]
        rest = a.end  # '[Metropolitan Magistrate Moinul] Islam': a surname NER left out
        while rest < len(doc) and rest - a.end < 2 and _name_word(doc[rest]):
            rest += 1
        if b is not None and b.label_ == "PERSON" and b.start == a.end:
            if head + 1 < a.end:  # the given name joins the person after it
                ents[n + 1] = Span(doc, head + 1, b.end, label="PERSON", kb_id=b.kb_id_,
                                   span_id=b.id_)
        elif head + 1 < a.end and rest > a.end:
            out.append(Span(doc, head + 1, rest, label="PERSON"))
        else:
            out.append(a)
            continue
        first = head
        while first > a.start and doc[first - 1].lower_ in HEAD_WORDS | PART_WORDS:
            first -= 1
        if first > a.start and doc[first - 1].lower_ in ORG_HEADS:
            out.append(Span(doc, a.start, first, label="ORG"))
    return out


def institution_names(doc: Doc, taken: set[int]) -> list[Span]:
    """Bodies NER missed whose proper-noun name ends in an organisation's head word: 'A
    Federal High Court in Lagos', 'Blacktown City Council Mayor Tom Ruscoe' (a title may
    follow the name, and is not part of it)."""
    found = []
    headlines = [(s.start, s.end) for s in doc.sents if _title_case(s)]  # once per sentence
    i = 0
    while i < len(doc):
        headline = next((end for start, end in headlines if start <= i < end), None)
        if headline is not None:
            i = headline  # a headline capitalises every word: no name to read there
            continue
        end = i
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() and \
                end not in taken and not doc[end].text.isupper():
            end += 1
        if end == i:
            i += 1
            continue
        heads = [j for j in range(i + 1, end) if doc[j].lower_ in ORG_HEADS and
                 all(doc[k].lower_ in HEAD_WORDS | PART_WORDS for k in range(j + 1, end))]
        if heads and (i == 0 or doc[i - 1].text != "-"):
            found.append(Span(doc, i, heads[-1] + 1, label="ORG"))
        i = end
    return found


def _title_case(sent: Span) -> bool:
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    return len(words) >= 4 and sum(t.text[:1].isupper() for t in words) / len(words) > 0.7


_AGREEMENT_NAME = re.compile(
    r"\b(?:[A-Z][\w’'-]*\s+){1,6}(?:Agreement|Treaty|Pact|Accord|Convention|Covenant)\b"
)


def named_agreements(doc: Doc, taken: set[int]) -> list[Span]:
    """Title-case names ending in Agreement/Treaty/Pact that NER missed:
    'a Coast-Lakes Freight Corridor Agreement'."""
    found = []
    for match in _AGREEMENT_NAME.finditer(text_of(doc)):
        span = doc.char_span(match.start(), match.end(), alignment_mode="contract")
        if span is None or any(i in taken for i in range(span.start, span.end)):
            continue
        while len(span) > 1 and (span[0].is_sent_start or span[0].pos_ in ("DET", "ADP", "PRON"))\
                and span[0].lower_ in ("the", "a", "an", "this", "under", "in", "with", "by"):
            span = span[1:]
        if len(span) >= 2:
            found.append(Span(doc, span.start, span.end, label="AGREEMENT"))
    return found


def surname_persons(doc: Doc, ents: list[Span]) -> list[Span]:
    """'Shah said', which NER read as an organisation, after 'Amit Shah': a one-word name that
    is the surname of a person the article names in full is a mention of a person."""
    surnames = {e[-1].text for e in ents if e.label_ == "PERSON" and len(e) > 1}
    return [Span(doc, e.start, e.end, label="PERSON", kb_id=e.kb_id_, span_id=e.id_)
            if len(e) == 1 and e.label_ == "ORG" and not e.ent_id_ and e.text in surnames else e
            for e in ents]


def surname_mentions(doc: Doc, ents: list[Span]) -> list[Span]:
    """'Dumont pitched the plan': once an article has named 'Claire Dumont', her surname alone
    is a mention of her even where NER missed it."""
    surnames = {e[-1].text for e in ents if e.label_ == "PERSON" and len(e) > 1}
    taken = {i for e in ents for i in range(e.start, e.end)}
    return [Span(doc, t.i, t.i + 1, label="PERSON") for t in doc
            if t.text in surnames and t.i not in taken and t.pos_ == "PROPN"]


_DATELINE_PLACE = re.compile(
    r"^(?P<place>[A-ZÀ-Þ][\w'’.-]*(?: [A-ZÀ-Þ][\w'’.-]*){0,3}?)(?=\s*(?:,|\(|—|–|-- |\s"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d))", re.M)


def dateline_places(doc: Doc, taken: set[int]) -> list[Span]:
    """The place a dateline opens with ('MEXICO CITY (AP) —', 'Addis Ababa May 14/2025'),
    which NER misses in capitals or before a date: a place only when it is a known one."""
    found = []
    for match in _DATELINE_PLACE.finditer(text_of(doc)):
        if not wordclass.is_place_name(match.group("place")):
            continue
        span = doc.char_span(match.start("place"), match.end("place"))
        if span is not None and not any(i in taken for i in range(span.start, span.end)):
            found.append(Span(doc, span.start, span.end, label="GPE"))
    return found


def listed_places(doc: Doc, taken: set[int]) -> list[Span]:
    """'Adjumani, Arua, Isingiro and Kyegegwa': a capitalised word NER left out of a list of
    places is one more place of the list."""
    found = []
    for tok in doc:
        if tok.i in taken or tok.pos_ != "PROPN" or not tok.text[:1].isupper() or \
                tok.is_sent_start or tok.ent_type_:
            continue
        kin = [tok.head] if tok.dep_ == "conj" else []
        kin += [c for c in tok.children if c.dep_ == "conj"]
        if kin and all(k.ent_type_ == "GPE" for k in kin) and \
                not any(c.dep_ == "compound" for c in tok.children):
            found.append(Span(doc, tok.i, tok.i + 1, label="GPE"))
    return found


#: Heads of bodies whose names often coordinate what they cover ('Sports and Youth Welfare
#: Society', 'Arts and Culture Council').
_COORDINATED_ORG_HEADS = frozenset({"society", "association", "council", "federation", "board",
                                    "foundation", "trust", "union", "commission", "committee",
                                    "institute", "academy", "chamber", "league", "club"})
_JOINING = {"do", "da", "de", "dos", "das", "del", "di", "du"}
_SCHEME_HEADS = {"project", "programme", "program", "scheme", "initiative", "fund", "plan"}
_ROUTE_HEADS = {"road", "highway", "railway", "expressway", "bridge", "corridor", "camp",
                "line", "pipeline"}


def route_name(doc: Doc, ent: Span) -> Span:
    """'Kisumu-Busia road', 'Dhanaha-Ratwal bridge', 'Farchana refugee camp': a named route or
    camp whose head noun is written in lower case."""
    if ent.ent_id_ or ent.label_ not in ("ORG", "GPE", "LOC", "PERSON", "FAC"):
        return ent
    end = ent.end
    while end < len(doc) and end - ent.end < 2 and doc[end].text.islower() and \
            doc[end].pos_ == "NOUN":
        end += 1
        if doc[end - 1].lower_ in _ROUTE_HEADS and (
                "-" in ent.text or "–" in ent.text or doc[end - 1].lower_ == "camp"):
            return Span(doc, ent.start, end, label="FAC")
    return ent


def facility_name(doc: Doc, ent: Span) -> Span:
    """'the Greenfield international stadium': a name followed by lowercase words ending in a
    facility's head noun, after 'the', names the facility (written the way some outlets write
    it), not the place or the person its first word could be. A known place name right before
    the head ('the Pune stadium') is the place the facility is in, and stays a place."""
    if ent.ent_id_ or ent.label_ not in ("ORG", "GPE", "LOC", "PERSON", "NORP") or \
            ent.start == 0 or doc[ent.start - 1].lower_ != "the":
        return ent
    end = ent.end
    while end < len(doc) and end - ent.end < 3 and doc[end].text.islower() and \
            doc[end].pos_ in ("ADJ", "NOUN"):
        end += 1
        if doc[end - 1].lower_ in FACILITY_HEADS and not (
                end < len(doc) and doc[end].text.islower() and doc[end].pos_ == "NOUN") and \
                (end - ent.end > 1 or not wordclass.is_place_name(ent.text)):
            return Span(doc, ent.start, end, label="FAC")
    return ent


def join_split_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """Names NER cut in two: 'Santa Rita' + 'do Ivaí', "Ochieng" + "'" + 'Adera', and
    'Articulation of Indigenous Peoples' + 'of Brazil' when the acronym after it ('APIB')
    spells the whole."""
    ents = sorted((facility_name(doc, route_name(doc, _whole_person(doc, e))) for e in ents),
                  key=lambda e: e.start)
    starts = {e.start: e for e in ents}
    out: list[Span] = []
    skip_to = -1
    for a in ents:
        if a.start < skip_to:
            continue
        end = _continuation_end(doc, a, starts)
        if end is not None:
            b = starts.get(a.end + 1)
            label = "PERSON" if doc[a.end].text in ("'", "’") else a.label_
            out.append(Span(doc, a.start, end, label=label))
            skip_to = end
            if b is not None and b.end > end:
                out.append(b)
        else:
            out.append(a)
    return filter_spans(out)


def _name_word(tok) -> bool:
    return tok.pos_ == "PROPN" and tok.text[:1].isupper() and not tok.ent_type_ and \
        tok.lower_ not in HEAD_WORDS | PART_WORDS and not wordclass.is_honorific(tok.text) and \
        tok.text.isalpha() and not tok.text.isupper()


def _whole_person(doc: Doc, ent: Span) -> Span:
    """A personal name NER cut short: 'María Fernanda [Ospina]', '[Joel] Okumu Atim'."""
    if ent.label_ == "ORG" and ent.start > 0 and re.fullmatch(r"\d+(st|nd|rd|th)",
                                                             doc[ent.start - 1].text):
        return Span(doc, ent.start - 1, ent.end, label="ORG")  # '9th U.S. Circuit Court'
    if ent.label_ != "PERSON" or ent.ent_id_:
        return ent
    start, end = ent.start, ent.end
    while end < len(doc) and end - ent.end < 2 and _name_word(doc[end]) and \
            not doc[end].is_sent_start:
        end += 1
    if start > 1 and _name_word(doc[start - 1]) and not doc[start - 1].is_sent_start and \
            len(ent) >= 2 and (doc[start - 2].text in (",", "(") or (
                doc[start - 2].lower_ in HEAD_WORDS and doc[start - 2].text[:1].isupper())):
        start -= 1  # ', Joel Okumu Atim', 'Justice Folake Adekunle-Bamgbose'
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(doc, start, end, label="PERSON")


def _capitalised_run(doc: Doc, i: int, limit: int = 3) -> int:
    end = i
    while end < len(doc) and end - i < limit and doc[end].text[:1].isupper() and \
            doc[end].pos_ == "PROPN":
        end += 1
    return end


def _continuation_end(doc: Doc, a: Span, starts: dict[int, Span]) -> int | None:
    if a.ent_id_ or a.label_ not in ENTITY_LABELS or a.end + 1 >= len(doc):
        return None
    link = doc[a.end]
    after = _capitalised_run(doc, a.end + 1)
    if after == a.end + 1:
        return None
    if link.lower_ in _JOINING:
        return after  # 'Santa Rita do Ivaí', 'Ruta del Sol'
    if link.lower_ == "and" and a.label_ == "ORG" and a[-1].lower_ not in ORG_HEADS and \
            doc[after - 1].lower_ in _SCHEME_HEADS:
        return after  # 'Uganda Refugee and Host Communities Resilience Project'
    b = starts.get(a.end + 1)
    if link.lower_ == "and" and a.label_ == "ORG" and len(a) >= 2 and b is not None and \
            b.label_ == "ORG" and not b.ent_id_ and a[-1].lower_ not in ORG_HEADS and \
            b[-1].lower_ in _COORDINATED_ORG_HEADS | _SCHEME_HEADS and \
            not wordclass.is_place_name(a.text):
        return b.end  # 'Kerala Police Sports and Youth Welfare Society': one body's name
    if link.text in ("'", "’") and not a[-1].whitespace_ and a.label_ == "PERSON" and \
            len(a) == 1 and after == a.end + 2:
        return after  # "Ochieng' Adera"
    if link.lower_ in ("of", "for", "in") and a.label_ == "ORG" and after + 2 < len(doc) and \
            doc[after].text == "(" and acronym_matches(doc[after + 1].text,
                                                       doc[a.start : after].text):
        return after  # 'Articulation of Indigenous Peoples of Brazil (APIB)'
    return None
