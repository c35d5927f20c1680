"""Resolution: every mention, in every article, to one resource per real-world thing.

In order of trust: the gazetteer's ids; acronyms defined in the text; full names for short
forms ('Bukele' -> 'Nayib Bukele') within an article and, when unambiguous, across articles;
spelling variants (rapidfuzz); then the type each entity gets by a vote over all its mentions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from kg.gazetteer import GazetteerEntry
from kg.model import Entity, Extraction, Mention

FUZZY_THRESHOLD = 93
_SPELLING = {"centre": "center", "organisation": "organization", "defence": "defense",
             "programme": "program", "labour": "labor"}
#: The type a resource gets from the NER labels of its mentions.
LABEL_TYPES = {
    "PERSON": "http://schema.org/Person",
    "ORG": "http://schema.org/Organization",
    "GPE": "http://schema.org/AdministrativeArea",
    "LOC": "http://schema.org/Place",
    "FAC": "http://schema.org/Place",
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
    return re.sub(r"[^A-Za-z0-9.-]+", "_", ascii_).strip("_") or "entity"


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
    for ex in extractions:
        full_names = {m.text.split()[-1]: normalise(m.text) for m in ex.mentions
                      if m.label == "PERSON" and len(m.text.split()) > 1 and not m.gazetteer_id}
        for mention in ex.mentions:
            key = _key(mention, acronyms, full_names, surnames)
            res.key_of[(mention.doc_id, mention.start, mention.end)] = key
            members[key].append(mention)
    _merge_variants(members, res)
    for key, group in members.items():
        res.entities[key] = _entity(key, group, gaz.get(key.removeprefix("gz:")))
    _resolve_agreements(extractions, res)
    _assign_slugs(res)
    return res


def _key(mention: Mention, acronyms: dict[str, str], full_names: dict[str, str],
         surnames: dict[str, str]) -> str:
    if mention.gazetteer_id:
        return f"gz:{mention.gazetteer_id}"
    name = normalise(mention.text)
    name = acronyms.get(name, name)
    if mention.label == "PERSON" and len(mention.text.split()) == 1:
        name = full_names.get(mention.text, surnames.get(mention.text, name))
    return f"n:{name}"


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
        if m.label == "PERSON" and len(m.text.split()) > 1 and not m.gazetteer_id:
            owners[m.text.split()[-1]].add(normalise(m.text))
    return {surname: next(iter(names)) for surname, names in owners.items() if len(names) == 1}


def _merge_variants(members: dict[str, list[Mention]], res: Resolution) -> None:
    """Merge non-gazetteer names that differ only by spelling, within the same NER label."""
    keys = sorted(k for k in members if k.startswith("n:"))
    for i, a in enumerate(keys):
        if a not in members:
            continue
        for b in keys[i + 1 :]:
            if b not in members or _label(members[a]) != _label(members[b]):
                continue
            if len(a) > 8 and fuzz.ratio(a[2:], b[2:]) >= FUZZY_THRESHOLD:
                target, source = (a, b) if len(members[a]) >= len(members[b]) else (b, a)
                for m in members.pop(source):
                    res.key_of[(m.doc_id, m.start, m.end)] = target
                    members[target].append(m)


def _label(group: list[Mention]) -> str:
    return Counter(m.label for m in group).most_common(1)[0][0]


def _entity(key: str, group: list[Mention], entry: GazetteerEntry | None) -> Entity:
    texts = Counter(m.text for m in group if m.source != "deal-noun")
    if entry is not None:
        label, types, same_as = entry.label, list(entry.types), list(entry.same_as)
    else:
        votes = Counter(m.label for m in group)
        best = votes.most_common(1)[0][0]
        types = [LABEL_TYPES.get(best, LABEL_TYPES["ORG"])]
        label = max(texts, key=lambda t: (len(t.split()) if best == "PERSON" else 0,
                                          not _is_acronym(t), texts[t], len(t), t)) \
            if texts else key[2:]
        same_as = []
    if "ontology#Agreement" not in types and any(m.label == "AGREEMENT" for m in group):
        types = ["ontology#Agreement"]
    aliases = {t for t in texts if t != label}
    return Entity(key=key, label=label, types=sorted(types), aliases=aliases,
                  same_as=same_as, mentions=list(group))


def _is_acronym(text: str) -> bool:
    core = text.rstrip("s")
    return core.replace(".", "").isupper() and " " not in core


def _resolve_agreements(extractions: list[Extraction], res: Resolution) -> None:
    """Deal nouns: 'Bukele's offer' is the agreement proposed by Bukele's resource; a bare
    'the proposal' is the article's proposal only when the article has exactly one."""
    for ex in extractions:
        deal_nouns = [m for m in _relation_mentions(ex) if m.source == "deal-noun"]
        proposers = sorted({res.key(m.about) for m in deal_nouns if m.about is not None} - {None})
        for mention in deal_nouns:
            if mention.about is not None:
                owner = res.key(mention.about)
            elif len(proposers) == 1:
                owner = proposers[0]
            else:
                continue
            if owner is None or owner not in res.entities:
                continue
            key = f"agreement:{owner}"
            entity = res.entities.get(key)
            if entity is None:
                proposer = res.entities[owner]
                entity = Entity(key=key, label=f"proposal by {proposer.label}",
                                types=["ontology#Agreement"], proposer=owner)
                res.entities[key] = entity
            entity.mentions.append(mention)
            res.key_of[(mention.doc_id, mention.start, mention.end)] = key


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
