"""Relations read from the dependency parse and normalised to ontology properties.

Each pattern is a small function over one sentence. Precision comes first: a pattern fires only
when both ends are named (or safely resolved) things, and each fact keeps its sentence.
Patterns live by subject: people, deals, places; what they share is in ``context``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from spacy.tokens import Span

from kg.extract.relations.context import (
    AgreementRef,
    Context,
    RawRelation,
)
from kg.extract.relations.deals import pattern_deal_nouns, pattern_parties, pattern_verbs
from kg.extract.relations.people import (
    pattern_appositive_roles,
    pattern_leaders,
    pattern_meetings,
    pattern_membership,
    pattern_roles,
)
from kg.extract.relations.places import pattern_places, pattern_possessive_places, pattern_values

__all__ = ["AgreementRef", "Context", "RawRelation", "PATTERNS",
           "find_relations"]

PATTERNS: tuple[Callable[[Context, Span], Iterator[RawRelation]], ...] = (
    pattern_roles,
    pattern_appositive_roles,
    pattern_verbs,
    pattern_deal_nouns,
    pattern_meetings,
    pattern_membership,
    pattern_values,
    pattern_places,
    pattern_possessive_places,
    pattern_leaders,
    pattern_parties,
)


def find_relations(ctx: Context, sentences: list[Span]) -> list[RawRelation]:
    found: list[RawRelation] = []
    for sent in sentences:
        for pattern in PATTERNS:
            found.extend(pattern(ctx, sent))
    return found
