"""Extraction: from an annotated spaCy Doc to plain facts (kg.model), article body only.

Sentences outside the body (titles, headings) give entity mentions but no relations or quotes;
text that is not the article never reached the parser at all (see kg.corpus.nlp_text).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from spacy.tokens import Doc, Span

from kg.extract import dates as date_norm
from kg.extract.events import find_events
from kg.extract.relations import AgreementRef, Context, RawRelation, find_relations
from kg.gazetteer import load_gazetteer
from kg.model import Article, DateValue, Extraction, Mention, Quote, Relation, Sentence
from kg.nlp.mentions import RESOURCE_LABELS
from kg.nlp.text import text_of

EXTRACTOR_VERSION = "0.1"
PLACE_PREPOSITIONS = frozenset({"in", "near", "outside", "from", "to", "across"})


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    """Slugs of the gazetteer's countries; read on first use, not at import."""
    return frozenset(e.slug for e in load_gazetteer() if "http://schema.org/Country" in e.types)


def article_date(article: Article) -> date | None:
    """The article's own date, if its catalog entry states one (never guessed)."""
    for value in article.metadata.get("datePublished", []):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            continue
    return None


def extract(article: Article, doc: Doc) -> Extraction:
    result = Extraction(article=article)
    sentences: dict[int, Sentence] = {}
    body_sents: list[Span] = []
    for sent in doc.sents:
        text = sent.text.strip()
        if not text:
            continue
        lead = len(sent.text) - len(sent.text.lstrip())
        start = sent.start_char + lead
        end = start + len(text)
        kind = article.kind_at(start)
        if kind not in ("title", "heading", "body"):
            continue
        sentences[sent.start] = Sentence(article.doc_id, start, end, text, kind)
        result.sentences.append(sentences[sent.start])
        if kind == "body":
            body_sents.append(sent)

    def sentence_of(span: Span) -> Sentence | None:
        return sentences.get(span.sent.start)

    roles = doc._.roles or {}
    mention_of: dict[tuple[int, int], Mention] = {}
    entity_spans = [e for e in doc.ents if e.label_ in RESOURCE_LABELS | {"AGREEMENT"}]
    for ent in entity_spans:
        sentence = sentence_of(ent)
        if sentence is None:
            continue
        mention = Mention(
            doc_id=article.doc_id, start=ent.start_char, end=ent.end_char, text=ent.text,
            label=ent.label_, sentence=sentence, gazetteer_id=ent.ent_id_ or None,
            role=roles.get((ent.start_char, ent.end_char)),
            source="gazetteer" if ent.ent_id_ else "ner",
            place_context=ent.start > 0 and doc[ent.start - 1].lower_ in PLACE_PREPOSITIONS,
        )
        mention_of[(ent.start_char, ent.end_char)] = mention
        result.mentions.append(mention)

    leaders = []
    for a_start, a_end, p_start, p_end, person_id in doc._.leaders or []:
        admin, person = doc.char_span(a_start, a_end), doc.char_span(p_start, p_end)
        sentence = sentence_of(admin) if admin is not None else None
        if admin is None or person is None or sentence is None:
            continue
        person = Span(doc, person.start, person.end, label="PERSON", span_id=person_id)
        mention = Mention(
            doc_id=article.doc_id, start=p_start, end=p_end, text=person.text, label="PERSON",
            sentence=sentence, gazetteer_id=person_id or None, source="name-part",
        )
        mention_of[(p_start, p_end)] = mention
        result.mentions.append(mention)
        leaders.append((admin, person))
    result.acronyms = [(text_of(doc)[s:e], acr) for s, e, acr in (doc._.acronyms or [])]
    reference = article_date(article)
    date_values = [
        value for start, end, text in (doc._.dates or [])
        if (value := date_norm.normalise(text, start, end, reference)) is not None
    ]
    ctx = Context(
        doc=doc, mentions=entity_spans, roles=roles, quantities=doc._.quantities or [],
        dates=date_values, coref=dict(doc._.coref or {}), acronyms=list(doc._.acronyms or []),
        countries=countries(), leaders=leaders,
    )
    for quantity, _measure in ctx.quantities:
        span = doc.char_span(quantity.start, quantity.end, alignment_mode="expand")
        sentence = sentence_of(span) if span is not None else None
        if sentence is not None and sentence.kind == "body":
            result.quantities.append((quantity, sentence))
    for raw in find_relations(ctx, body_sents):
        relation = _to_relation(raw, mention_of, sentences, sentence_of)
        if relation is not None:
            result.relations.append(relation)

    result.events = find_events(ctx, body_sents, mention_of, sentences)

    for quote in doc._.quotes or []:
        speaker_span = ctx.coref.get(quote.speaker.start, quote.speaker)
        speaker = mention_of.get((speaker_span.start_char, speaker_span.end_char))
        sentence = sentence_of(doc.char_span(quote.start, quote.end, alignment_mode="expand")
                               or speaker_span)
        if speaker is None or sentence is None:
            continue  # titles and headings quote too: 'says city is now ‘on world cricket map’'
        result.quotes.append(
            Quote(
                text=text_of(doc)[quote.start : quote.end].strip(), start=quote.start, end=quote.end,
                speaker=speaker, sentence=sentence, extractor=f"quotes@{EXTRACTOR_VERSION}",
                confidence=quote.confidence, form=quote.form, handle=quote.handle,
                date=_post_date(text_of(doc), quote.end, quote.date, reference),
            )
        )
    return result


def _post_date(text: str, after: int, given: str | None, reference: date | None,
               ) -> DateValue | None:
    """An embedded post's date, found on its signature line below the post, as an XSD value."""
    if given is None or (start := text.find(given, after)) < 0:
        return None
    return date_norm.normalise(given, start, start + len(given), reference)


def _to_relation(raw: RawRelation, mention_of, sentences, sentence_of) -> Relation | None:
    sentence = sentences.get(raw.sentence.start)
    if sentence is None:
        return None
    subject = _end(raw.subject, mention_of, sentence_of)
    obj = _end(raw.obj, mention_of, sentence_of)
    if subject is None or obj is None or subject == obj:
        return None
    where = mention_of.get((raw.where.start_char, raw.where.end_char)) if raw.where else None
    return Relation(
        predicate=raw.predicate, subject=subject, obj=obj, sentence=sentence,
        extractor=f"relations/{raw.pattern}@{EXTRACTOR_VERSION}", confidence=raw.confidence,
        evidence_start=sentence.start, evidence_end=sentence.end, when=raw.when, where=where,
    )


def _end(value, mention_of, sentence_of):
    """Map a relation end to model terms. A deal noun becomes an AGREEMENT mention that knows
    who proposed it when the text says so; resolve ties the others to the article's proposal."""
    if isinstance(value, Span):
        return mention_of.get((value.start_char, value.end_char))
    if isinstance(value, AgreementRef):
        proposer = None
        if value.proposer is not None:
            proposer = mention_of.get((value.proposer.start_char, value.proposer.end_char))
            if proposer is None:
                return None
        sentence = sentence_of(value.noun)
        if sentence is None:
            return None
        return Mention(
            doc_id=sentence.doc_id, start=value.noun.start_char, end=value.noun.end_char,
            text=value.noun.text, label="AGREEMENT", sentence=sentence, source="deal-noun",
            about=proposer,
        )
    return value
