"""An article's page adds its text, with each resolved mention linked, and the facts read from it.

The text is rebuilt from the NIF sentences in the store, so the page shows exactly what the
pipeline read; each sentence's anchor is the fragment of its own ``#char=`` IRI, so a link to
a sentence lands on it.
"""

from __future__ import annotations

import pyoxigraph as ox

from server.linked_data.labels import fetch_labels
from server.linked_data.query import select
from server.linked_data.terms import Namer

_ARTICLE_SENTENCES = """
SELECT ?sent ?text ?begin ?u WHERE {
  ?sent nif:referenceContext ?u ; a nif:Sentence ; nif:anchorOf ?text ; nif:beginIndex ?begin .
} ORDER BY ?begin
"""
_ARTICLE_PHRASES = """
SELECT ?phrase ?begin ?end ?ent ?label ?u WHERE {
  ?phrase nif:referenceContext ?u ; itsrdf:taIdentRef ?ent ; nif:beginIndex ?begin ; nif:endIndex ?end .
  OPTIONAL { ?phrase kg:nerLabel ?label }
} ORDER BY ?begin
"""
_ARTICLE_FACTS = """
SELECT DISTINCT ?a ?s ?p ?o ?sent ?begin ?u WHERE {
  ?a kg:sourceSentence ?sent ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?sent nif:referenceContext ?u .
  OPTIONAL { ?sent nif:beginIndex ?begin }
} ORDER BY ?begin ?a LIMIT 2000
"""

#: A mention: (begin, end, entity IRI, spaCy's entity label or ""), offsets from the start of
#: the article.
Phrase = tuple[int, int, str, str]
#: spaCy's entity labels, each shown in displaCy's colour (kg.css, ``.ent-<LABEL>``).
NER_LABELS = frozenset({
    "PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
    "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
})


def article_text(store: ox.Store, nm: Namer, iri: str) -> list[dict]:
    """The article's sentences in order, each with its mentions linked to their entities.

    Offsets are NIF's: characters from the start of the article (the reference context)."""
    node = ox.NamedNode(iri)
    sentences: dict[str, tuple[int, str]] = {}
    for r in select(store, _ARTICLE_SENTENCES, nm.base, u=node):
        sentences.setdefault(r["sent"].value, (int(r["begin"].value), r["text"].value))
    phrases: list[Phrase] = []
    for r in select(store, _ARTICLE_PHRASES, nm.base, u=node):
        if isinstance(r["ent"], ox.NamedNode):
            label = r["label"].value if r["label"] and r["label"].value in NER_LABELS else ""
            phrases.append((int(r["begin"].value), int(r["end"].value), r["ent"].value, label))
    labels = fetch_labels(store, {p[2] for p in phrases}, nm.base)
    return [
        {"id": sent_iri.partition("#")[2], "iri": sent_iri,
         "segments": _segments(nm, begin, text, phrases, labels)}
        for sent_iri, (begin, text) in sorted(sentences.items(), key=lambda kv: kv[1][0])
    ]


def _segments(nm: Namer, begin: int, text: str, phrases: list[Phrase],
              labels: dict[str, str]) -> list[dict]:
    """One sentence cut into plain text and linked mentions (of overlapping ones, the first),
    each mention with its entity label, highlighted as displaCy highlights it."""
    end = begin + len(text)
    inside = sorted(p for p in phrases if begin <= p[0] < p[1] <= end)
    segments: list[dict] = []
    cursor = 0
    for pb, pe, ent, label in inside:
        a, b = pb - begin, pe - begin
        if a < cursor:
            continue  # overlapping mention: keep the first
        if a > cursor:
            segments.append({"text": text[cursor:a], "href": None})
        segments.append({"text": text[a:b], "href": nm.page_url(ent), "label": label,
                         "title": labels.get(ent) or nm.fallback_label(ent)})
        cursor = b
    if cursor < len(text):
        segments.append({"text": text[cursor:], "href": None})
    return segments


def article_facts(store: ox.Store, nm: Namer, iri: str) -> list[dict]:
    """Facts read from this article, in text order, each linked to its sentence."""
    rows = list(select(store, _ARTICLE_FACTS, nm.base, u=ox.NamedNode(iri)))
    iris = set()
    for r in rows:
        iris |= {r[v].value for v in ("s", "o") if isinstance(r[v], ox.NamedNode)}
    labels = fetch_labels(store, iris, nm.base)
    return [
        {"s": nm.view(r["s"], labels), "p": nm.view(r["p"], labels), "o": nm.view(r["o"], labels),
         "sentence": nm.page_url(r["sent"].value) if isinstance(r["sent"], ox.NamedNode) else None,
         "assertion": nm.iri_view(r["a"].value)}
        for r in rows
    ]
