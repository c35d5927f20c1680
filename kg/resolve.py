"""Resolution: every mention, in every article, to one resource per real-world thing.

In order of trust: the gazetteer's ids; acronyms defined in the text; full names for short
forms ('Bukele' -> 'Nayib Bukele') within an article and, when unambiguous, across articles;
spelling variants (rapidfuzz); then the type each entity gets by a vote over all its mentions.
Last, places whose name is unambiguous get their GeoNames link and ISO code (kg.links).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from kg.gazetteer import GazetteerEntry
from kg.links import link
from kg.model import Entity, Extraction, Mention
from kg.nlp.mentions import ORG_HEADS, acronym_matches
from kg.nlp.wordclass import (
    PEERAGE,
    fold,
    is_feature,
    is_honorific,
    is_place_name,
    name_class,
    strip_honorific,
)

FUZZY_THRESHOLD = 93
GAZETTEER_FUZZY = 90
GRAM = 3  # character n-grams of the variant index
_SPELLING = {"centre": "center", "organisation": "organization", "defence": "defense",
             "programme": "program", "labour": "labor"}
#: The type a resource gets from the NER labels of its mentions.
LABEL_TYPES = {
    "PERSON": "http://schema.org/Person",
    "ORG": "http://schema.org/Organization",
    "GPE": "http://schema.org/AdministrativeArea",
    "LOC": "http://schema.org/Place",
    "FAC": "ontology#Facility",
    "LAW": "http://schema.org/Legislation",
    "EVENT": "http://schema.org/Event",
    "AGREEMENT": "ontology#Agreement",
}


def normalise(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold().replace("’", "'")
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"'s?$", "", text)
    words = [_SPELLING.get(w, w) for w in re.split(r"[^\w]+", text) if w]
    if len(words) == 1 and words[0].endswith("s") and name.rstrip("s").isupper():
        words = [words[0][:-1]]  # 'ACAs' -> 'aca'
    return " ".join(words)


def slugify(label: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    ascii_ = re.sub(r"['’]", "", ascii_)
    # no leading or trailing dot or dash: 'X.' would need escaping in Turtle (res:X\.)
    return re.sub(r"[^A-Za-z0-9.-]+", "_", ascii_).strip("_.-") or "entity"


#: Company forms that end a name: 'Ltd', 'Inc.', 'S.A. de C.V.' (word classes, no names).
COMPANY_SUFFIX = re.compile(r",?\s(?:Ltd\.?|Limited|Inc\.?|PLC|plc|Corp\.?|LLC|LLP|GmbH|AG|"
                            r"S\.A\.(?: de C\.V\.)?|Pty Ltd)$")

@dataclass
class Resolution:
    entities: dict[str, Entity] = field(default_factory=dict)
    key_of: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def key(self, mention: Mention) -> str | None:
        return self.key_of.get((mention.doc_id, mention.start, mention.end))

    def entity(self, mention: Mention) -> Entity | None:
        key = self.key(mention)
        return self.entities.get(key) if key else None


def resolve(extractions: list[Extraction], gazetteer: tuple[GazetteerEntry, ...]) -> Resolution:
    gaz = {entry.slug: entry for entry in gazetteer}
    acronyms = _acronym_table(extractions)
    res = Resolution()
    members: dict[str, list[Mention]] = defaultdict(list)

    named = [m for ex in extractions for m in ex.mentions if m.label != "AGREEMENT" or
             m.source != "deal-noun"]
    surnames = _corpus_surnames(named)
    gazetteer_names = {normalise(n): e.slug for e in gazetteer for n in e.names}
    for ex in extractions:
        full_names = _full_names(ex.mentions)
        full_names.update(_short_forms(ex.mentions))
        full_names.update(_initialisms(ex.mentions, acronyms))
        keys = {(m.start, m.end): _key(m, acronyms, full_names, surnames, gazetteer_names)
                for m in ex.mentions}
        for (start, end), pick in _nearest_full_names(ex.mentions).items():
            keys[(start, end)] = keys[(pick.start, pick.end)]
        for mention in ex.mentions:
            key = keys[(mention.start, mention.end)]
            res.key_of[(mention.doc_id, mention.start, mention.end)] = key
            members[key].append(mention)
    _split_addressed(members, res)
    _merge_variants(members, res)
    for key, group in members.items():
        res.entities[key] = _entity(key, group, gaz.get(key.removeprefix("gz:")))
    _drop_lone_names(res)
    _resolve_agreements(extractions, res)
    for ex in extractions:
        _resolve_descriptions(ex, res)
    _drop_subsumed_roles(extractions, res)
    _assign_slugs(res)
    for entity in res.entities.values():
        link(entity)  # GeoNames and ISO 3166 links from the registry packages (kg.links)
    return res


def _split_addressed(members: dict[str, list[Mention]], res: Resolution) -> None:
    """'Mr Hassan' is a person: he shares no resource with the town of Hassan, though the
    names match. Where a name is addressed with an honorific, its mentions that NER read as
    something else go to a resource of their own, unless they are in an article that
    addresses the person and say nothing of a place ('Mr Hassan ... Hassan said')."""
    for key in [k for k in members if k.startswith("n:")]:
        group = members[key]
        addressed = {m.doc_id for m in group if m.label == "PERSON" and _addressed(m)}
        others = [m for m in group if m.label != "PERSON" and (
            m.doc_id not in addressed or m.place_context)]
        if not addressed or not others:
            continue
        members[key] = [m for m in group if m not in others]
        other_key = f"{key} ({_label(others)})"
        for m in others:
            res.key_of[(m.doc_id, m.start, m.end)] = other_key
        members[other_key].extend(others)


def _addressed(mention: Mention) -> bool:
    """'Mr Hassan', whether or not NER took the honorific into the name."""
    before = mention.sentence.text[: mention.start - mention.sentence.start].split()
    return _name(mention) != mention.text or bool(before) and before[-1][:1].isupper() and \
        is_honorific(before[-1])


def _drop_lone_names(res: Resolution) -> None:
    """News introduces a person by full name. A 'person' mentioned once, with one word, no
    title and no gazetteer entry ('Colla', 'Wala') is a word NER misread: a place where a
    preposition says so ('in Sonbhadra'), else no resource at all."""
    for key, entity in list(res.entities.items()):
        if not key.startswith("n:") or entity.types != [LABEL_TYPES["PERSON"]]:
            continue
        named = [m for m in entity.mentions if m.source != "deal-noun"]
        if len(named) > 1:
            continue  # 'Ramirez said ... met Ramirez': a surname the text keeps using is someone
        if not named or any(len(_name(m).split()) > 1 or m.role or
                            (_name(m) != m.text and fold(m.text.split()[0]).rstrip(".")
                             in PEERAGE) for m in named):
            continue
        if any(m.place_context for m in named):
            entity.types = [LABEL_TYPES["GPE"]]
            continue
        del res.entities[key]
        for m in entity.mentions:
            res.key_of.pop((m.doc_id, m.start, m.end), None)


def _drop_subsumed_roles(extractions: list[Extraction], res: Resolution) -> None:
    """'Secretary' is the short form of 'Secretary of State' for the same person: keep one."""
    titles: dict[str, set[str]] = defaultdict(set)
    for ex in extractions:
        for rel in ex.relations:
            if rel.predicate == "holdsOffice" and (key := res.key(rel.subject)):
                titles[key].add(str(rel.obj))
    for ex in extractions:
        ex.relations = [
            rel for rel in ex.relations
            if rel.predicate != "holdsOffice" or not any(
                other != str(rel.obj) and other.startswith(str(rel.obj) + " ")
                for other in titles.get(res.key(rel.subject) or "", ()))
        ]


def _key(mention: Mention, acronyms: dict[str, str], full_names: dict[str, str],
         surnames: dict[str, str], gazetteer_names: dict[str, str]) -> str:
    if mention.gazetteer_id:
        return f"gz:{mention.gazetteer_id}"
    name = normalise(mention.text)
    if len(name) >= 10 and " " in name and mention.label != "PERSON":
        close = process.extractOne(name, gazetteer_names.keys(), scorer=fuzz.ratio,
                                   score_cutoff=GAZETTEER_FUZZY)
        if close is not None and misspelling(name, close[0]):
            return f"gz:{gazetteer_names[close[0]]}"  # Tren de Agua, misspelt Tren de Aragua
    name = acronyms.get(name, name)
    if mention.text in full_names and len(mention.text.split()) > 1:
        return f"n:{full_names[mention.text]}"
    text = _name(mention)
    if text != mention.text:  # 'Ms Whitfield', 'Eng Joseph Kiarie': the name after the honorific
        name = normalise(text)
    if len(text.split()) == 1 and (mention.label == "PERSON" or text in full_names):
        # 'Kamau' after 'Wanjiru Kamau' is her, even where NER called it an organisation
        name = full_names.get(text, surnames.get(text, name))
        if name == normalise(text) and text != mention.text and \
                fold(mention.text.split()[0]).rstrip(".") in PEERAGE:
            name = normalise(mention.text)  # 'Baroness Okafor', known by her title only
    return f"n:{name}"


def _nearest_full_names(mentions: list[Mention]) -> dict[tuple[int, int], Mention]:
    """'Amit Shah ... Shah said ... Jay Shah': a surname two full names of the article share
    is the person last named in full before it (else the first named after it)."""
    full = [m for m in mentions if m.label == "PERSON" and len(_name(m).split()) > 1
            and not m.gazetteer_id]
    owners: dict[str, set[str]] = defaultdict(set)
    for m in full:
        owners[_name(m).split()[-1]].add(normalise(_name(m)))
    found: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        name = _name(m)
        if m.gazetteer_id or " " in name or len(owners.get(name, ())) < 2:
            continue
        same = [f for f in full if _name(f).split()[-1] == name]
        before = [f for f in same if f.start < m.start]
        found[(m.start, m.end)] = max(before, key=lambda f: f.start) if before else \
            min(same, key=lambda f: f.start)
    return found


def _name(mention: Mention) -> str:
    """A person's name without 'Mr', 'Dr', 'Eng' ...: the form resolution compares."""
    return strip_honorific(mention.text) if mention.label == "PERSON" else mention.text


def _full_names(mentions: list[Mention]) -> dict[str, str]:
    """Short forms of the article's full personal names: the surname ('Whitfield', also after
    'Ms'), and a given name that starts exactly one full name and ends none ('Dr. Selamawit'
    for Selamawit Bekele, as Ethiopian and some other styles refer to people)."""
    addressed = {_name(m) for m in mentions if _name(m) != m.text}  # 'Rawat' of 'Ms Rawat'
    full = {_name(m) for m in mentions if len(_name(m).split()) > 1 and not m.gazetteer_id
            and (m.label == "PERSON" or _name(m).split()[-1] in addressed)}
    # in sorted order, so two full names with one surname give the same answer in every
    # process (a set's order follows the string hash, which differs from run to run)
    found = {name.split()[-1]: normalise(name) for name in sorted(full)}
    suffixes: dict[str, set[str]] = defaultdict(set)  # 'Ibarra Loaiza' of a four-part name
    for name in full:
        words = name.split()
        for n in range(1, len(words) - 1):
            suffixes[" ".join(words[n:])].add(normalise(name))
    found.update({k: next(iter(v)) for k, v in suffixes.items() if len(v) == 1})
    firsts: dict[str, set[str]] = defaultdict(set)
    for name in full:
        firsts[name.split()[0]].add(normalise(name))
    for first, owners in firsts.items():
        if len(owners) == 1 and first not in found:
            found[first] = next(iter(owners))
    return found


def _initialisms(mentions: list[Mention], acronyms: dict[str, str]) -> dict[str, str]:
    """'EFCC' in an article that names the Economic and Financial Crimes Commission without
    defining the acronym: the one name in the article whose initials it spells. 'Said the CS'
    after 'Transport Cabinet Secretary James Macharia': the one person whose title it spells."""
    names = {m.text for m in mentions if m.label not in ("PERSON", "AGREEMENT")
             and len(m.text.split()) > 1}
    found = {}
    for m in mentions:
        text = m.text
        if m.gazetteer_id or not (2 <= len(text) <= 4 and text.isupper() and text.isalpha()):
            continue
        holders = {normalise(_name(p)) for p in mentions if p.label == "PERSON" and p.role and
                   len(p.role.split()) > 1 and acronym_matches(text, p.role)}
        if len(holders) == 1:
            found[text] = holders.pop()
    for m in mentions:
        text = m.text
        if m.gazetteer_id or not (2 <= len(text) <= 6 and text.isupper() and text.isalpha()) \
                or normalise(text) in acronyms:
            continue
        spelt = {n for n in names if acronym_matches(text, n)}
        if len(spelt) == 1:
            found[text] = normalise(spelt.pop())
    return found


#: A state's formal name; what follows 'of' (with or without 'the') may be its short form.
_STATE = re.compile(r"(?:(?:Federal |People's |Islamic |Democratic )?Republic|Kingdom|State|"
                    r"Commonwealth) of (.+)", re.DOTALL)


def _short_forms(mentions: list[Mention]) -> dict[str, str]:
    """'Kilifi Bay' for 'Kilifi Bay Container Terminal': a name of two or more words that
    starts exactly one longer name in the same article is a short form of it. So is a single
    word ('Lumen' for 'Lumen Freight Systems') unless the word is a place name of its own."""
    names = {m.text for m in mentions if not m.gazetteer_id and m.label != "PERSON"}
    people = {m.text for m in mentions if not m.gazetteer_id and m.label == "PERSON"
              and len(m.text.split()) > 1} - names
    names |= {p for p in people if any(_company_tail(n[len(p):]) for n in names
                                      if n.startswith(p + " "))}
    placed = {m.text for m in mentions if m.label in ("GPE", "LOC")}
    towns = {m.text for m in mentions if m.label == "GPE"}
    facilities = {m.text for m in mentions if m.label == "FAC"}
    found = {}
    states: defaultdict[str, set[str]] = defaultdict(set)  # 'Korea' for 'Republic of Korea'
    for n in names:
        if match := _STATE.fullmatch(n):
            rest = match[1]
            states[rest].add(n)
            if rest.startswith("the "):
                states[rest[4:]].add(n)
    for short in names:
        state = states.get(short, set())
        if len(state) == 1:
            found[short] = normalise(state.pop())
            continue
        feature = {n for n in names if n.startswith(short + " ") and is_feature(n)
                   and n.split()[-1].lower() in ("river", "lake", "sea", "ocean", "desert")}
        if len(feature) == 1:  # 'Magdalena' for 'Magdalena River', place name or not
            found[short] = normalise(feature.pop())
            continue
        if len(short.split()) < 2 and (is_place_name(short) or short in placed
                                       or not short[:1].isupper() or short.isupper()):
            continue
        longer = {n for n in names if n != short and n.startswith(short + " ")}
        longer |= {n for n in names if n.startswith(short + ",") and
                   COMPANY_SUFFIX.fullmatch(n[len(short):])}  # 'Harbor Analytics, Inc.'
        longer = {n for n in longer if not any(  # one company, with and without 'Inc.'
            o != n and n.startswith(o) and COMPANY_SUFFIX.fullmatch(n[len(o):]) for o in longer)}
        if short in towns:  # 'Marsden Park Hospital' is in Marsden Park, not called so
            longer = {n for n in longer if n not in facilities}
        if short in people:  # 'Nkwanta Gold', NER's person, for 'Nkwanta Gold Ltd'
            longer = {n for n in longer if _company_tail(n[len(short):])}
        if not longer and len(short.split()) > 1:  # 'Salar Andino' for 'Minera Salar Andino'
            longer = {n for n in names if n != short and n.endswith(" " + short)}
        if not longer:  # 'Dindo' for 'Typhoon Dindo'
            longer = {n for n in names if n.split(" ", 1)[-1] == short and
                      name_class(n) == "EVENT"}  # the cheap test first: 3 s at 10,000
        if len(longer) == 1:
            found[short] = normalise(longer.pop())
    return found


def _company_tail(rest: str) -> bool:
    """What follows a company's short name in its full name: a legal form, perhaps after the
    country it trades in ('Wolf Paving' of 'Wolf Paving Kenya Limited')."""
    if COMPANY_SUFFIX.fullmatch(rest):
        return True
    words = rest.split(" ")[1:]
    return rest.startswith(" ") and any(
        is_place_name(" ".join(words[:n])) and COMPANY_SUFFIX.fullmatch(" " + " ".join(words[n:]))
        for n in (1, 2) if len(words) > n)


def misspelling(a: str, b: str) -> bool:
    """Same words but one, itself close and with no digits: a misspelling ('tren de agua' /
    'tren de aragua'), not another thing ('department of justice' / 'department of state',
    '19th street gang' / '18th street gang'). Only then may a gazetteer identity be shared."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    diff = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y]
    return len(diff) == 1 and not any(ch.isdigit() for ch in "".join(diff[0])) \
        and fuzz.ratio(*diff[0]) >= 75


def _acronym_table(extractions: list[Extraction]) -> dict[str, str]:
    table: dict[str, str] = {}
    for ex in extractions:
        for expansion, acronym in ex.acronyms:
            table.setdefault(normalise(acronym), normalise(expansion))
    return table


def _corpus_surnames(mentions: list[Mention]) -> dict[str, str]:
    """Surname -> full name, only for surnames that belong to exactly one full name."""
    owners: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.label == "PERSON" and len(_name(m).split()) > 1 and not m.gazetteer_id:
            owners[_name(m).split()[-1]].add(normalise(_name(m)))
    return {surname: next(iter(names)) for surname, names in owners.items() if len(names) == 1}


def _merge_variants(members: dict[str, list[Mention]], res: Resolution) -> None:
    """Merge non-gazetteer names that differ only by spelling, within the same NER label.

    Candidates come from an index (prefix filtering over character trigrams), not from every
    pair of names, so the cost grows about with the number of names rather than its square,
    and no pair the threshold admits is missed (see ``_prefix``). Pairs are visited in sorted
    order, as a full scan visits them, so the merges do not depend on the index."""
    keys = sorted(k for k in members if k.startswith("n:") and len(k) > 8)
    label = {k: _label(members[k]) for k in keys}
    grams = {k: _grams(k[2:]) for k in keys}
    rarity = Counter(g for k in keys for g in grams[k])
    prefix = {k: _prefix(grams[k], len(k) - 2, rarity) for k in keys}
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        for gram in prefix[key]:
            index[(label[key], gram)].append(position)
    for i, a in enumerate(keys):
        found = {j for gram in prefix[a] for j in index[(label[a], gram)] if j > i}
        for j in sorted(found):
            b = keys[j]
            if a not in members:
                break
            if b in members and fuzz.ratio(a[2:], b[2:]) >= FUZZY_THRESHOLD:
                target, source = (a, b) if len(members[a]) >= len(members[b]) else (b, a)
                for m in members.pop(source):
                    res.key_of[(m.doc_id, m.start, m.end)] = target
                    members[target].append(m)


def _grams(name: str) -> set[str]:
    padded = f"^{name}$"
    return {padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1)}


def _prefix(grams: set[str], length: int, rarity: Counter[str]) -> list[str]:
    """The rarest n-grams of a name, as many as guarantee a shared one with any name it may
    merge with. ``fuzz.ratio`` >= t allows an Indel distance d <= (1 - t)(la + lb), hence
    d <= 2(1 - t)/t * min(la, lb); one insertion or deletion removes at most GRAM n-grams, so
    two such names share one of each other's GRAM * d + 1 rarest n-grams (prefix filtering)."""
    threshold = FUZZY_THRESHOLD / 100
    edits = int(2 * (1 - threshold) * length / threshold) + 1
    return sorted(grams, key=lambda g: (rarity[g], g))[: GRAM * edits + 1]


def _label(group: list[Mention]) -> str:
    return Counter(m.label for m in group).most_common(1)[0][0]


def _entity(key: str, group: list[Mention], entry: GazetteerEntry | None) -> Entity:
    texts = Counter(m.text for m in group if m.source != "deal-noun")
    if entry is not None:
        label, types, same_as = entry.label, list(entry.types), list(entry.same_as)
    else:
        votes: defaultdict[str, float] = defaultdict(float)  # half votes: not a Counter
        for m in group:
            votes[m.label] += 1
            if m.place_context and m.label in ("ORG", "PERSON") and len(m.text.split()) == 1 \
                    and m.text.lower() not in ORG_HEADS:  # 'to Parliament' is no place
                votes["GPE"] += 1.5  # 'in Hammerfest', 'near Kilifi': a place, whatever NER said
        person_texts = {p.text for p in group if p.label == "PERSON"}  # once, not per mention
        if any(m.text in person_texts for m in group) and \
                any(len(m.text.split()) > 1 and m.label == "PERSON" for m in group):
            votes["PERSON"] += len(group)  # a full personal name outweighs stray labels
        if any(m.role or _addressed(m) for m in group):
            votes["PERSON"] += len(group)  # 'Mr Maurya', 'Governor Adesanya': only people
        if any(COMPANY_SUFFIX.search(m.text) for m in group):
            votes["ORG"] += 2 * len(group)  # 'Nkwanta Gold Ltd': a company, whatever else
        best = max(votes, key=votes.__getitem__)  # the first of equals, as most_common(1)
        types = [LABEL_TYPES.get(best, LABEL_TYPES["ORG"])]
        if best == "PERSON":
            texts = _without_honorifics(texts)
        label = max(texts, key=lambda t: (len(t.split()) if best == "PERSON" else 0,
                                          not _is_acronym(t), texts[t], len(t), t)) \
            if texts else key[2:]
        same_as = []
    if "ontology#Agreement" not in types and any(m.label == "AGREEMENT" for m in group):
        types = ["ontology#Agreement"]
    aliases = {t for t in texts if t != label}
    return Entity(key=key, label=label, types=sorted(types), aliases=aliases,
                  same_as=same_as, mentions=list(group))


def _without_honorifics(texts: Counter[str]) -> Counter[str]:
    """Label candidates without 'Mr'/'Dr'/...: 'Mrs Funke Adeyemi-Bello' is labelled 'Funke
    Adeyemi-Bello'. A peer known only by title ('Baroness Okafor') keeps it."""
    stripped: Counter[str] = Counter()
    for text, n in texts.items():
        bare = strip_honorific(text)
        keep = bare != text and len(bare.split()) == 1 and \
            fold(text.split()[0]).rstrip(".") in PEERAGE
        stripped[text if keep else bare] += n
    return stripped


def _is_acronym(text: str) -> bool:
    core = text.rstrip("s")
    return core.replace(".", "").isupper() and " " not in core


def _offices(extractions: list[Extraction], res: Resolution) -> dict[str, set[str]]:
    """Person key -> keys of the countries the texts say they hold office in."""
    offices: dict[str, set[str]] = defaultdict(set)
    for ex in extractions:
        for rel in ex.relations:
            if rel.predicate == "officeIn" and isinstance(rel.obj, Mention):
                person, place = res.key(rel.subject), res.key(rel.obj)
                if person and place:
                    offices[person].add(place)
    return offices


def _resolve_agreements(extractions: list[Extraction], res: Resolution) -> None:
    """Deal nouns: 'Bukele's offer' is the agreement proposed by Bukele, and when the texts say
    which country Bukele holds office in, El Salvador's proposal; a bare 'the proposal' is the
    article's proposal only when the article has exactly one."""
    offices = _offices(extractions, res)

    def party(key: str | None) -> str | None:
        if key is None:
            return None
        countries = offices.get(key, set())
        return next(iter(countries)) if len(countries) == 1 else key

    for ex in extractions:
        named = _named_proposals(ex, res)
        deal_nouns = [m for m in _relation_mentions(ex) if m.source == "deal-noun"]
        told = [m for m in event_mentions(ex) if m.source == "deal-noun"]
        parties = (party(res.key(m.about)) for m in deal_nouns if m.about is not None)
        proposers = sorted({p for p in parties if p is not None})
        for mention in deal_nouns:
            if mention.about is not None:
                owner = party(res.key(mention.about))
            elif len(proposers) == 1:
                owner = proposers[0]
            else:
                continue
            if owner is None or owner not in res.entities:
                continue
            proposer = res.key(mention.about) if mention.about is not None else None
            if proposer in named or (proposer is None and len(set(named.values())) == 1):
                target = named[proposer] if proposer in named else next(iter(named.values()))
                res.entities[target].mentions.append(mention)
                res.key_of[(mention.doc_id, mention.start, mention.end)] = target
                continue  # 'Kamau's plan' is the agreement she is said to have proposed
            key = f"agreement:{owner}"
            entity = res.entities.get(key)
            if entity is None:
                owner_entity = res.entities[owner]
                entity = Entity(key=key, label=f"proposal by {owner_entity.label}",
                                types=["ontology#Agreement"])
                res.entities[key] = entity
            entity.mentions.append(mention)
            res.key_of[(mention.doc_id, mention.start, mention.end)] = key
        _resolve_told_deals(ex, told, res)


def _resolve_told_deals(ex: Extraction, told: list[Mention], res: Resolution) -> None:
    """An event's participant named only 'the deal', 'a memorandum of understanding': the
    article's one agreement so named. Where the article's relations already tie its deal
    nouns to a single proposal, it is that one; else one agreement of this article alone,
    labelled by its longest common name."""
    if not told:
        return
    proposals = {k for m in _relation_mentions(ex) if m.source == "deal-noun"
                 and (k := res.key(m)) is not None}
    key = proposals.pop() if len(proposals) == 1 else f"agreement:{ex.article.doc_id}"
    entity = res.entities.get(key)
    if entity is None:
        label = max((m.text for m in told), key=lambda t: (len(t), t))
        entity = Entity(key=key, label=label, types=["ontology#Agreement"])
        res.entities[key] = entity
    for mention in told:
        entity.mentions.append(mention)
        res.key_of[(mention.doc_id, mention.start, mention.end)] = key


def _resolve_descriptions(ex: Extraction, res: Resolution) -> None:
    """Event participants named only by a description ('the state government'): one
    resource per article and description, never merged across articles, since 'the state
    government' of one story is not that of another. A bare 'the government' is the one
    government the article also describes by its level ('the federal government'), and no
    one where it describes two or none."""
    told = [m for m in event_mentions(ex) if m.source == "description"]
    kinds = {normalise(m.text) for m in told} - {"government"}
    for mention in told:
        name = normalise(mention.text)
        if name == "government":
            if len(kinds) != 1:
                continue  # a bare 'the government' alone says too little to be a resource
            name = next(iter(kinds))
        key = f"description:{ex.article.doc_id}:{name}"
        entity = res.entities.get(key)
        if entity is None:
            label = next(m.text for m in told if normalise(m.text) == name)
            entity = Entity(key=key, label=label, types=["http://schema.org/GovernmentOrganization"])
            res.entities[key] = entity
        entity.mentions.append(mention)
        res.key_of[(mention.doc_id, mention.start, mention.end)] = key


def event_mentions(ex: Extraction) -> list[Mention]:
    """The participants of an article's events."""
    return [m for event in ex.events for m in (event.agent, event.patient, event.recipient)
            if m is not None]


def _named_proposals(ex: Extraction, res: Resolution) -> dict[str, str]:
    """Proposer key -> key of the named agreement the article says they proposed."""
    found: dict[str, set[str]] = defaultdict(set)
    for rel in ex.relations:
        if rel.predicate == "proposes" and isinstance(rel.obj, Mention) and \
                rel.obj.source != "deal-noun":
            subject, obj = res.key(rel.subject), res.key(rel.obj)
            if subject and obj:
                found[subject].add(obj)
    return {k: next(iter(v)) for k, v in found.items() if len(v) == 1}


def _relation_mentions(ex: Extraction) -> list[Mention]:
    found = []
    for rel in ex.relations:
        for end in (rel.subject, rel.obj):
            if isinstance(end, Mention):
                found.append(end)
    return found


def _assign_slugs(res: Resolution) -> None:
    taken: set[str] = set()
    for key in sorted(res.entities, key=lambda k: (not k.startswith("gz:"), k)):
        entity = res.entities[key]
        base = key[3:] if key.startswith("gz:") else slugify(entity.label)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}_{n}", n + 1
        taken.add(slug)
        entity.slug = slug
