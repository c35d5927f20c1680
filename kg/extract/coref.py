"""In-document coreference, only where it is safe: a personal pronoun resolves to a person
only when exactly one person is in play in the window before it."""

from __future__ import annotations

from spacy.tokens import Doc, Span

PERSONAL = frozenset({"he", "him", "his", "she", "her", "hers"})


def _person_key(span: Span) -> str:
    return span.text.split()[-1].lower()


def resolve_pronouns(doc: Doc, persons: list[Span]) -> list[tuple[Span, Span]]:
    """(pronoun, antecedent) pairs. The window is the pronoun's sentence up to the pronoun plus
    the sentence before; two different people in it means we do not guess."""
    pairs = []
    sents = list(doc.sents)
    index = {tok.i: n for n, sent in enumerate(sents) for tok in sent}
    for token in doc:
        if token.lower_ not in PERSONAL or token.pos_ != "PRON":
            continue
        n = index[token.i]
        window_start = sents[max(0, n - 1)].start
        candidates = [p for p in persons if window_start <= p.start and p.end <= token.i]
        keys = {_person_key(p) for p in candidates}
        if len(keys) == 1:
            pairs.append((doc[token.i : token.i + 1], candidates[-1]))
    return pairs
