"""Our spaCy pipeline components, registered with ``@Language.factory`` so that the pipeline is
configured, not hand-wired. Each one annotates the Doc; kg.extract turns annotations into facts.

Every component declares what it ``requires`` and ``assigns``, so ``nlp.analyze_pipes()``
shows the data flow and reports a component placed before what it needs. ``token.tag`` stands
for the part of speech too: en_core_web_sm's attribute ruler maps tags to ``token.pos`` but
declares nothing, so spaCy could not check a ``token.pos`` requirement."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.gazetteer import GAZETTEER_FILE, load_gazetteer
from kg.nlp import coref, mentions, quantities, quotes, wordclass
from kg.nlp.text import text_of

for _name, _default in (
    ("roles", None),
    ("acronyms", None),
    ("quantities", None),
    ("dates", None),
    ("coref", None),
    ("quotes", None),
    ("relations", None),
    ("leaders", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


_DATELINE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{2,}(?:,\s+[A-Z][\w .]+?)?\s+[—–-]{1,2}\s+", re.M)


@Language.component("newskg_line_breaks", assigns=["token.is_sent_start"])
def line_breaks(doc: Doc) -> Doc:
    """A line break always ends a sentence: titles, headings and bullets are not run-ons.
    A wire-copy dateline ('REGINA — ') is set apart too, so it is not read as the subject."""
    for match in _DATELINE.finditer(text_of(doc)):
        if match.start() == 0 or text_of(doc)[match.start() - 1] == "\n":
            after = doc.char_span(match.end(), match.end() + 1, alignment_mode="expand")
            if after is not None and after.start > 0:
                doc[after.start].is_sent_start = True
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if "\n" in prev.text or (prev.is_space and "\n" in prev.text_with_ws):
            token.is_sent_start = True
        elif not token.is_space and prev.is_space and len(prev.text) > 12:
            token.is_sent_start = True  # a long blanked-out stretch (ad, credit) separates;
            # short ones are footnote markers ('withdrew[xxiii] from') inside a sentence
    return doc


@Language.factory(
    "newskg_gazetteer", default_config={"path": None},
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
)
def make_gazetteer(nlp: Language, name: str, path: str | None) -> EntityRuler:
    """An EntityRuler fed from the gazetteer; exact-case token patterns, ids = resource slugs."""
    ruler = EntityRuler(nlp, name=name, overwrite_ents=False)
    patterns: list[dict[str, str | list[dict[str, Any]]]] = []  # EntityRuler's pattern type
    for entry in load_gazetteer(Path(path) if path else GAZETTEER_FILE):
        for name_ in entry.names:
            tokens = [{"ORTH": t.text} for t in nlp.make_doc(name_)]
            patterns.append({"label": entry.ner_label, "pattern": tokens, "id": entry.slug})
    ruler.add_patterns(patterns)
    return ruler


@Language.component(
    "newskg_gazetteer_boundaries", requires=["doc.ents"], assigns=["doc.ents"],
)
def gazetteer_boundaries(doc: Doc) -> Doc:
    """A gazetteer name inside a longer name is not a mention of it: 'America' in 'South
    America', 'United States' in 'United States Department of Justice'. Such matches are
    dropped before NER, which then reads the whole name. Titles ('U.S. Secretary') are not
    names, so the country before them stays."""
    kept = []
    for ent in doc.ents:
        if ent.ent_id_ and not _title_case(ent.sent) and (
                _continues_name(doc, ent.start - 1) or _continues_name(doc, ent.end)):
            for token in ent:
                token.ent_id_ = ""  # or NER's longer span would inherit the gazetteer id
            continue
        kept.append(ent)
    doc.ents = kept
    return doc


def _title_case(sent: Span) -> bool:
    """Headlines capitalise every word ('Housing U.S. Criminals'), so capitals prove nothing:
    a line is a headline when most of its common nouns, verbs and adjectives are capitalised."""
    words = [t for t in sent[1:] if t.is_alpha and t.pos_ in ("NOUN", "VERB", "ADJ")]
    return bool(words) and sum(t.text[0].isupper() for t in words) / len(words) > 0.5


def _continues_name(doc: Doc, i: int) -> bool:
    if i < 0 or i >= len(doc):
        return False
    tok = doc[i]
    return (tok.pos_ == "PROPN" and tok.text[:1].isupper() and not tok.ent_type_
            and tok.lower_ not in mentions.HEAD_WORDS | mentions.PART_WORDS)


@Language.component(
    "newskg_entity_cleanup", requires=["doc.ents", "token.dep", "token.tag", "doc.sents"],
    assigns=["doc.ents", "doc._.roles", "doc._.leaders", "doc._.acronyms"],
)
def entity_cleanup(doc: Doc) -> Doc:
    """Trim names (no 'the', no possessive, no title), keep titles as roles, label named
    agreements, and tie acronyms to their expansions, tagging every later use of the acronym.

    Two passes: labels are settled first (demonyms before titles, head nouns, titled names
    NER missed, named agreements), so that titles are then read against the final entities."""
    demonyms = demonym_table()
    taken = {i for ent in doc.ents for i in range(ent.start, ent.end)}
    first: list[Span] = []
    for ent in [*doc.ents, *mentions.titled_names(doc, taken),
                *mentions.appositive_titled_names(doc, taken),
                *mentions.institution_names(doc, taken),
                *mentions.named_agreements(doc, taken), *mentions.dateline_places(doc, taken),
                *mentions.listed_places(doc, taken)]:
        if ent.label_ in mentions.ENTITY_LABELS | {"AGREEMENT"}:
            ent = mentions.demonym_before_title(doc, ent, demonyms) or ent
        for part in mentions.split_possessive(doc, ent):
            first.extend(mentions.split_coordination(doc, part))
    doc.ents = mentions.country_branches(doc, mentions.join_split_names(
        doc, mentions.titles_before_names(doc, filter_spans(first))))

    given_names = {t.text for e in doc.ents if len(e) > 1 and
                   mentions.person_by_context(doc, e).label_ == "PERSON" for t in e}
    given_names |= {doc[e.start].text for e in doc.ents if e.start > 0 and  # 'Mr Hassan'
                    wordclass.is_honorific(doc[e.start - 1].text) and doc[e.start].is_title}
    roles: dict[tuple[int, int], str] = {}
    kept: list[Span] = []
    titles: list[tuple[int, int]] = []
    leaders: list[tuple[int, int, int, int, str]] = []
    for ent in doc.ents:
        if ent.label_ not in mentions.ENTITY_LABELS | {"AGREEMENT"}:
            kept.append(ent)
            continue
        span, role = mentions.clean_span(doc, mentions.person_by_context(doc, ent))
        if span is None or mentions.attributive_acronym(span):
            continue
        span = mentions.widen_law(doc, mentions.widen_to_acronym(
            doc, mentions.relabel_by_head(span)))
        span = mentions.relabel_by_word_class(span, given_names) if not role else span
        if span is None:
            continue
        if role:
            start = text_of(doc).rfind(role, max(0, span.start_char - 80), span.start_char)
            if start >= 0:
                titles.append((start, span.start_char))
        admin = mentions.administration(doc, span)
        if admin is not None:
            leaders.append((admin.start_char, admin.end_char, span.start_char, span.end_char,
                            span.id_))
            span = admin
        if span.label_ not in ("PERSON", "AGREEMENT") and (
                span.text.lower().endswith(mentions.AGREEMENT_HEADS)
                or span.root.lower_ in mentions.AGREEMENT_HEADS):
            span = Span(doc, span.start, span.end, label="AGREEMENT", kb_id=span.kb_id_,
                        span_id=span.id_)
        if role:
            roles[(span.start_char, span.end_char)] = role
        kept.append(span)
    kept = [s for s in kept if not any(a <= s.start_char and s.end_char <= b for a, b in titles)]
    named = [s for s in kept if s.label_ in mentions.ENTITY_LABELS | {"AGREEMENT"}]
    acronyms = []
    extra: list[Span] = []
    for expansion, acr, _start, _end in mentions.find_acronyms(doc, named):
        acronyms.append((expansion.start_char, expansion.end_char, acr))
        for match in re.finditer(rf"(?<![\w-]){re.escape(acr)}(?![\w-])", text_of(doc)):
            alias = doc.char_span(match.start(), match.end())
            if alias is not None and match.start() >= expansion.end_char:
                extra.append(Span(doc, alias.start, alias.end, label=expansion.label_,
                                  kb_id=expansion.kb_id_, span_id=expansion.id_))
    kept = mentions.organisations_throughout(
        mentions.surname_persons(doc, filter_spans(extra + kept)), roles)
    doc.ents = filter_spans(kept + mentions.surname_mentions(doc, kept))
    doc._.roles = roles
    doc._.leaders = leaders
    doc._.acronyms = acronyms
    return doc


@lru_cache(maxsize=1)
def demonym_table() -> dict[str, str]:
    """Demonyms from the gazetteer's hidden labels ('Salvadoran' -> El_Salvador)."""
    return {name: entry.slug for entry in load_gazetteer() for name in entry.hidden}


@Language.component(
    "newskg_quantities", requires=["doc.ents", "token.dep", "token.tag"], assigns=["doc._.quantities"],
)
def find_quantities(doc: Doc) -> Doc:
    doc._.quantities = quantities.find_quantities(doc)
    return doc


@Language.component("newskg_dates", requires=["doc.ents"], assigns=["doc._.dates"])
def find_dates(doc: Doc) -> Doc:
    """Absolute dates only; weekdays need the article's date, which extraction supplies."""
    doc._.dates = [
        (ent.start_char, ent.end_char, ent.text) for ent in doc.ents if ent.label_ == "DATE"
    ]
    return doc


@Language.component(
    "newskg_coref", requires=["doc.ents", "doc.sents", "token.dep"], assigns=["doc._.coref"],
)
def find_coref(doc: Doc) -> Doc:
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    doc._.coref = {pron.start: ante for pron, ante in coref.resolve_pronouns(doc, persons)}
    return doc


def speaker_spans(doc: Doc) -> list[Span]:
    """People and organisations that may speak, plus pronouns resolved to people."""
    spans = [e for e in doc.ents if e.label_ in ("PERSON", "ORG", "GPE", "FAC", "LOC")]
    spans += [doc[i : i + 1] for i in (doc._.coref or {})]
    return sorted(spans, key=lambda s: s.start)


@Language.component(
    "newskg_quotes", requires=["doc.ents", "doc.sents", "token.dep", "doc._.coref"],
    assigns=["doc._.quotes"],
)
def find_quotes(doc: Doc) -> Doc:
    doc._.quotes = quotes.find_quotes(doc, speaker_spans(doc))
    return doc
