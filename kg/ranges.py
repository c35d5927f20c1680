"""Facts whose object resolution typed otherwise than the property's range demands.

An extractor reads "Femke Andersson met with Hassan" as a meeting of two people; resolution,
voting over every mention in every article, may decide that Hassan is the city (spaCy said
GPE elsewhere, and the registry knows the place). The shapes require ``kg:meetsWith`` to point
to a person, so such a fact would fail validation and, with it, a whole release: one article
in a generated corpus of 10,000 did exactly that. The reading is what is wrong, not the
article, so the fact is left out before its RDF is written. ``RANGES`` holds the classes the
shapes demand of these objects; ``tests/test_ranges.py`` checks it against ``shapes/``.
"""

from __future__ import annotations

from dataclasses import replace

from kg.model import Extraction, Mention, Relation
from kg.resolve import Resolution

SCHEMA_PERSON = "http://schema.org/Person"
#: Property -> the class its object must have (as resolution writes entity types).
RANGES = {
    "meetsWith": SCHEMA_PERSON,
    "ledBy": SCHEMA_PERSON,
    "partyTo": "ontology#Agreement",
}


def fits(relation: Relation, resolution: Resolution) -> bool:
    """Whether the relation's object is of the class its property demands (or nothing is)."""
    wanted = RANGES.get(relation.predicate)
    if wanted is None or not isinstance(relation.obj, Mention):
        return True
    entity = resolution.entity(relation.obj)
    return entity is None or wanted in entity.types


def fit(extractions: list[Extraction], resolution: Resolution) -> list[Extraction]:
    """The extractions without the relations whose object does not fit (others as they are)."""
    fitted = []
    for extraction in extractions:
        kept = [r for r in extraction.relations if fits(r, resolution)]
        fitted.append(extraction if len(kept) == len(extraction.relations)
                      else replace(extraction, relations=kept))
    return fitted
