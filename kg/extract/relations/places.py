"""Patterns about places and measures: where things are and how much a facility holds."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Span, Token

from kg.extract.relations.context import (
    Context,
    RawRelation,
    owner_of,
    subject_of,
)


def pattern_values(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'a capacity of 40,000 inmates' -> capacity of the facility the clause is about."""
    for quantity, measure in ctx.quantities:
        if measure is None or quantity.measures != "capacity":
            continue
        if not (sent.start_char <= quantity.start < sent.end_char):
            continue
        if _is_change(measure):
            continue  # 'expand its capacity to hold 30,000' is a plan, not a capacity
        owner = next((ctx.entity(c) for c in measure.children if c.dep_ == "poss"), None) \
            or owner_of(ctx, measure)
        if owner is not None and owner.label_ == "FAC":
            yield RawRelation("capacity", owner, quantity, sent, "capacity", 0.9)
        elif not _named_elsewhere(measure) and (only := ctx.only_facility(sent)) is not None:
            yield RawRelation("capacity", only, quantity, sent, "capacity-sole-facility", 0.75)


def _named_elsewhere(measure: Token) -> bool:
    """A hold-verb whose subject is an unnamed noun ('the new bridge ... can carry') says whose
    capacity it is, and it is not the one facility the sentence happens to name."""
    if measure.pos_ not in ("VERB", "AUX"):
        return False
    subject = subject_of(measure)
    return subject is not None and subject.pos_ in ("NOUN", "PROPN")


_CHANGE_VERBS = frozenset({"expand", "increase", "raise", "double", "triple", "boost", "reduce",
                           "cut", "lower", "grow", "extend", "add"})


def _is_change(token: Token) -> bool:
    head = token.head
    for _ in range(3):
        if head.lemma_.lower() in _CHANGE_VERBS:
            return True
        if head.head == head:
            break
        head = head.head
    return False


def pattern_places(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'the Guantanamo Bay military facility in Cuba', 'CECOT ... is the largest prison in
    Latin America' -> locatedIn."""
    for prep in sent:
        if prep.dep_ != "prep" or prep.lower_ != "in":
            continue
        place = next((ctx.entity(p, through_compounds=False) for p in prep.children
                      if p.dep_ == "pobj"), None)
        if place is None or place.label_ not in ("GPE", "LOC"):
            continue
        head = prep.head
        thing = ctx.entity(head)
        if thing is None and head.dep_ == "attr":
            thing = ctx.entity(subject_of(head.head))
        if thing is not None and thing.label_ in ("FAC", "LOC") and thing != place:
            # organisations are left out: 'leaders like X in Honduras' is too often a person
            yield RawRelation("locatedIn", thing, place, sent, "prep-in", 0.8)


def pattern_possessive_places(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'El Salvador's CECOT facility' and 'Tecoluca, El Salvador' -> locatedIn."""
    for token in sent:
        if token.dep_ != "poss":
            continue
        place = ctx.entity(token, through_compounds=False)
        if place is None or place.label_ != "GPE" or place.end != token.i + 1:
            continue
        owned = token.head
        thing = ctx.entity(owned)
        if thing is None and token.i + 2 < len(ctx.doc) and ctx.doc[token.i + 1].dep_ == "case":
            thing = ctx.by_token.get(token.i + 2)  # "El Salvador's CECOT facility"
        if thing is not None and thing.label_ == "FAC":
            yield RawRelation("locatedIn", thing, place, sent, "possessive-place", 0.8)
    for span in ctx.mentions:
        if span.label_ != "GPE" or not (sent.start <= span.start < sent.end):
            continue
        if span.end + 1 < sent.end and ctx.doc[span.end].text == ",":
            country = ctx.by_token.get(span.end + 1)
            if country is not None and country.start == span.end + 1 and country.label_ == "GPE" \
                    and ctx.is_country(country) and not ctx.is_country(span) \
                    and not _listed(ctx.doc, country):
                yield RawRelation("locatedIn", span, country, sent, "place-comma-country", 0.8)


def _listed(doc: Doc, span: Span) -> bool:
    """'Guatemala, Honduras, as well as El Salvador' is a list, not 'city, country'."""
    after = doc[span.end : span.end + 3].text.lower()
    return after.startswith((",", "and", "or", "as well"))
