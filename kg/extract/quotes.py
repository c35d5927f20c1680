"""Quotations and their speakers: 'X said', 'said X', 'X told reporters', 'according to X',
quotes whose attribution sits in a neighbouring sentence, and quotes spanning sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

SPEECH_VERBS = frozenset({
    "say", "tell", "add", "state", "remark", "post", "write", "announce", "confirm", "explain",
    "warn", "note", "insist", "argue", "claim", "declare", "reply", "respond", "tweet", "describe",
    "report", "read", "ask", "urge", "vow", "pledge", "acknowledge", "admit", "stress", "conclude",
})
_PAIRS = re.compile(r"“(?P<a>[^”“\n]+)”|\"(?P<b>[^\"\n]+)\"")
MIN_WORDS = 4  # shorter quoted phrases are usually scare quotes or terms, not speech


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # of the quoted words, inside the marks
    end: int
    speaker: Span  # an entity span or a pronoun token span
    verb: Token | None
    confidence: float


def quoted_stretches(text: str) -> list[tuple[int, int]]:
    """Inner offsets of each quoted stretch; adjacent quotes joined by only an attribution are
    kept apart, so each contiguous quote is one entry."""
    spans = []
    for match in _PAIRS.finditer(text):
        group = "a" if match.group("a") is not None else "b"
        start, end = match.start(group), match.end(group)
        inner = text[start:end].strip()
        if len(inner.split()) >= MIN_WORDS:
            spans.append((start, end))
    return spans


def find_quotes(doc: Doc, speakers: list[Span]) -> list[QuoteSpan]:
    """Attribute each quoted stretch to a speaker entity (PERSON/ORG) or a pronoun."""
    found = []
    for start, end in quoted_stretches(doc.text):
        attribution = _attribute(doc, start, end, speakers)
        if attribution is not None:
            speaker, verb, confidence = attribution
            found.append(QuoteSpan(start, end, speaker, verb, confidence))
    return found


def _outside(token: Token, start: int, end: int) -> bool:
    return not (start - 1 <= token.idx < end + 1)


def _sentences_around(doc: Doc, start: int, end: int) -> list[Span]:
    sents = list(doc.sents)
    inside = [i for i, s in enumerate(sents) if s.start_char < end + 1 and s.end_char > start - 1]
    if not inside:
        return []
    first, last = inside[0], inside[-1]
    return sents[first : last + 1], sents[max(0, first - 1)], sents[min(len(sents) - 1, last + 1)]


def _attribute(doc: Doc, start: int, end: int, speakers: list[Span]):
    around = _sentences_around(doc, start, end)
    if not around:
        return None
    own, previous, following = around
    for sent in own:
        hit = _speech_verb_speaker(sent, start, end, speakers)
        if hit:
            return (*hit, 0.95)
        hit = _according_to(sent, start, end, speakers)
        if hit:
            return hit, None, 0.95
    # The attribution may introduce the quote from the sentence before ('Rubio said:')
    # or follow it in the next one, but only when that sentence holds no quote of its own.
    for sent, max_conf in ((previous, 0.85), (following, 0.85)):
        if sent in own or _has_quote(sent):
            continue
        hit = _speech_verb_speaker(sent, start, end, speakers)
        if hit and (sent is following or sent.text.rstrip().endswith(":")):
            return (*hit, max_conf)
    return None


def _has_quote(sent: Span) -> bool:
    return any(ch in sent.text for ch in "“”\"")


def _speaker_for(token: Token, speakers: list[Span]) -> Span | None:
    for span in speakers:
        if span.start <= token.i < span.end:
            return span
    return None


def _speech_verb_speaker(sent: Span, start: int, end: int, speakers: list[Span]):
    for token in sent:
        if token.lemma_.lower() not in SPEECH_VERBS or token.pos_ not in ("VERB", "AUX"):
            continue
        if not _outside(token, start, end):
            continue
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass") and _outside(child, start, end):
                speaker = _speaker_for(child, speakers)
                if speaker is not None:
                    return speaker, token
    return None


def _according_to(sent: Span, start: int, end: int, speakers: list[Span]) -> Span | None:
    for token in sent:
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and \
                token.doc[token.i + 1].lower_ == "to" and _outside(token, start, end):
            for span in speakers:
                if span.start in (token.i + 2, token.i + 3) and _outside(span[0], start, end):
                    return span
    return None
