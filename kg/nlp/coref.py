"""In-document coreference, only where it is safe: a personal pronoun resolves to a person
only when exactly one person is in play in the window before it."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.nlp.quotes import quoted_stretches
from kg.nlp.text import text_of

PERSONAL = frozenset({"he", "him", "his", "she", "her", "hers"})


def _person_key(span: Span) -> str:
    return span.text.split()[-1].lower()


def _subject_person(sent: Span, candidates: list[Span]) -> Span | None:
    """The person who is the grammatical subject of the previous sentence's main verb: a
    subject pronoun most often continues the previous subject ('Rubio confirmed ... He told')."""
    root = sent.root
    for child in root.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            for person in candidates:
                if person.start <= child.i < person.end:
                    return person
    return None


def _names_a_thing(span: Span) -> bool:
    """'the Sardar Patel enclave', 'a Mandela statue': a person's name that modifies a common
    noun names the thing after the person; the person is not in play."""
    root = span.root
    return root.dep_ == "compound" and root.head.pos_ == "NOUN" and \
        not span.start <= root.head.i < span.end


def resolve_pronouns(doc: Doc, persons: list[Span]) -> list[tuple[Span, Span]]:
    """(pronoun, antecedent) pairs. The window is the pronoun's sentence up to the pronoun plus
    the sentence before; two different people in it means we do not guess."""
    pairs: list[tuple[Span, Span]] = []
    quoted = quoted_stretches(text_of(doc))  # a name inside someone's words is not in play
    persons = [p for p in persons
               if not any(a <= p.start_char and p.end_char <= b for a, b in quoted)
               and not _names_a_thing(p)]
    sents = list(doc.sents)
    index = {tok.i: n for n, sent in enumerate(sents) for tok in sent}
    for token in doc:
        if token.lower_ not in PERSONAL or token.pos_ != "PRON":
            continue
        n = index[token.i]
        window_start = sents[max(0, n - 1)].start
        closed = [a for a, b in quoted if 0 <= token.idx - b <= 6]
        if closed:  # '..., ” she said': the window starts before the quote opened
            opening = doc.char_span(closed[-1], closed[-1] + 1, alignment_mode="expand")
            if opening is not None:
                window_start = min(window_start, sents[max(0, index[opening.start] - 1)].start)
        candidates = [p for p in persons if window_start <= p.start and p.end <= token.i]
        # a pronoun already resolved in the window stands for its person ('..., he told
        # reporters. "...," he added.')
        candidates += [ante for pron, ante in pairs if window_start <= pron.start < token.i]
        keys = {_person_key(p) for p in candidates}
        if len(keys) == 1:
            pairs.append((doc[token.i : token.i + 1], candidates[-1]))
        elif len(keys) > 1 and token.dep_ == "nsubj" and n > 0:
            subject = _subject_person(sents[n - 1], candidates)
            own = [p for p in candidates if p.start >= sents[n].start]
            if subject is not None and not own:
                pairs.append((doc[token.i : token.i + 1], subject))
    return pairs
