"""Quotations and their speakers: 'X said', 'said X', 'X told reporters', 'according to X',
'reads X's advisory', quotes whose attribution sits in a neighbouring sentence, quotes that
continue an attributed one, and quotes spanning sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

#: Verbs that report speech or writing, strongest first: a 'said' outranks a 'pledged'.
SAY_VERBS = ("say", "tell", "add", "write", "post", "tweet", "remark", "reply", "respond",
             "state", "declare", "explain", "read", "report", "ask", "conclude")
OTHER_VERBS = ("announce", "confirm", "warn", "note", "insist", "argue", "claim", "urge", "vow",
               "pledge", "acknowledge", "admit", "stress", "suggest", "describe", "frame",
               "characterise", "characterize", "call")
SPEECH_VERBS = frozenset(SAY_VERBS + OTHER_VERBS)
_RANK = {verb: n for n, verb in enumerate(SAY_VERBS + OTHER_VERBS)}
#: Verbs that may introduce a short fragment ('called El Salvador an "example"') as a quote.
FRAGMENT_VERBS = frozenset({"call", "describe", "frame", "characterise", "characterize",
                            "announce", "suggest", "say", "pledge"})
_PAIRS = re.compile(r"“(?P<a>[^”“\n]+)”|\"(?P<b>[^\"\n]+)\"")
MIN_WORDS = 4  # shorter quoted phrases count only when a speech verb governs them


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # of the quoted words, inside the marks
    end: int
    speaker: Span  # an entity span or a pronoun token span
    verb: Token | None
    confidence: float


def quoted_stretches(text: str) -> list[tuple[int, int]]:
    """Inner offsets of each quoted stretch (one entry per contiguous quote)."""
    spans = []
    for match in _PAIRS.finditer(text):
        group = "a" if match.group("a") is not None else "b"
        start, end = match.start(group), match.end(group)
        if text[start:end].strip():
            spans.append((start, end))
    return spans


def find_quotes(doc: Doc, speakers: list[Span]) -> list[QuoteSpan]:
    """Attribute each quoted stretch to a speaker entity (PERSON/ORG) or a pronoun."""
    found: list[QuoteSpan] = []
    for start, end in quoted_stretches(doc.text):
        short = len(doc.text[start:end].split()) < MIN_WORDS
        attribution = _attribute(doc, start, end, speakers, short)
        if attribution is None and not short and found:
            attribution = _continuation(doc, start, found[-1])
        if attribution is not None:
            speaker, verb, confidence = attribution
            found.append(QuoteSpan(start, end, speaker, verb, confidence))
    return found


def _outside(token: Token, start: int, end: int) -> bool:
    return not (start - 1 <= token.idx < end + 1)


def _sentences_around(doc: Doc, start: int, end: int):
    sents = list(doc.sents)
    inside = [i for i, s in enumerate(sents) if s.start_char < end + 1 and s.end_char > start - 1]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    return sents[first : last + 1], sents[max(0, first - 1)], sents[min(len(sents) - 1, last + 1)]


def _attribute(doc: Doc, start: int, end: int, speakers: list[Span], short: bool):
    around = _sentences_around(doc, start, end)
    if around is None:
        return None
    own, previous, following = around
    for sent in own:
        hit = _speech_verb_speaker(sent, start, end, speakers, governed=short)
        if hit:
            return (*hit, 0.85 if short else 0.95)
        if not short:
            speaker = _according_to(sent, start, end, speakers)
            if speaker is not None:
                return speaker, None, 0.95
    if short:
        return None
    # The attribution may introduce the quote from the sentence before ('Rubio said:'), or
    # stand alone right after it ('He said.'); never across a paragraph break.
    if previous not in own and previous.text.rstrip().endswith(":") and not _has_quote(previous):
        hit = _speech_verb_speaker(previous, start, end, speakers, governed=False)
        if hit:
            return (*hit, 0.85)
    if following not in own and not _has_quote(following) and len(following) <= 8 and \
            "\n" not in doc.text[end:following.start_char]:
        hit = _speech_verb_speaker(following, start, end, speakers, governed=False)
        if hit:
            return (*hit, 0.85)
    return None


def _continuation(doc: Doc, start: int, last: QuoteSpan):
    """A sentence that is nothing but a quote, right after an attributed quote, continues
    that speaker's words ('..., Rubio added. "No one's ever made an offer like that."')."""
    around = _sentences_around(doc, start, start + 1)
    if around is None:
        return None
    own, previous, _ = around
    sent = own[0]
    stripped = sent.text.strip()
    if not stripped or stripped[0] not in "“\"" or not (previous.start_char <= last.end
                                                        <= previous.end_char + 2):
        return None
    if "\n" in doc.text[last.end : start]:
        return None  # a new paragraph may be a new speaker
    return last.speaker, last.verb, 0.85


def _has_quote(sent: Span) -> bool:
    return any(ch in sent.text for ch in "“”\"")


def _speaker_for(token: Token, speakers: list[Span]) -> Span | None:
    for span in speakers:
        if span.start <= token.i < span.end:
            return span
    for child in token.children:  # 'reads the State Department's travel advisory'
        if child.dep_ == "poss":
            for span in speakers:
                if span.start <= child.i < span.end:
                    return span
    return None


def _governs(verb: Token, start: int, end: int) -> bool:
    doc = verb.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(verb in tok.ancestors for tok in span)


def _speech_verb_speaker(sent: Span, start: int, end: int, speakers: list[Span], governed: bool):
    hits = []
    for token in sent:
        lemma = token.lemma_.lower()
        if lemma not in SPEECH_VERBS or token.pos_ not in ("VERB", "AUX"):
            continue
        if not _outside(token, start, end):
            continue
        if governed and (lemma not in FRAGMENT_VERBS or not _governs(token, start, end)):
            continue
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass") and _outside(child, start, end):
                speaker = _speaker_for(child, speakers)
                if speaker is not None:
                    hits.append((_RANK[lemma], speaker, token))
    if not hits:
        return None
    _, speaker, verb = min(hits, key=lambda h: h[0])
    return speaker, verb


def _according_to(sent: Span, start: int, end: int, speakers: list[Span]) -> Span | None:
    """'according to Ferro Alto chief executive Rodrigo Salles': the head of the phrase after
    'to' speaks (Salles), not the first name in it (Ferro Alto)."""
    doc = sent.doc
    for token in sent:
        if token.lower_ != "according" or token.i + 1 >= len(doc) or \
                doc[token.i + 1].lower_ != "to" or not _outside(token, start, end):
            continue
        to = doc[token.i + 1]
        head = next((c for c in to.children if c.dep_ == "pobj"), None)
        if head is not None:
            found = _speaker_for(head, speakers)
            if found is not None and _outside(found[0], start, end):
                return found
        for span in speakers:
            if span.start in (token.i + 2, token.i + 3) and _outside(span[0], start, end):
                return span
    return None
