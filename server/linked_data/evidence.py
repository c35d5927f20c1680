"""Where a resource's facts and names come from: the sentences of the articles.

Every extracted fact is a reified ``kg:Assertion`` pointing at its source sentence, and every
mention a NIF phrase inside one. A resource page shows that evidence next to each fact and
quotes the mentions with the name marked, so a reader can check what the pipeline read.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.vocab import ITSRDF
from server.linked_data.labels import fetch_labels
from server.linked_data.query import select
from server.linked_data.terms import Namer, TermView

#: A statement as the page keys it: (subject, predicate IRI, object), terms as ``str()`` gives.
FactKey = tuple[str, str, str]

_PROVENANCE = """
SELECT ?a ?s ?p ?o ?conf ?sent ?text ?article ?u WHERE {
  { ?a rdf:subject ?u } UNION { ?a rdf:object ?u }
  ?a rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?a kg:confidence ?conf }
  OPTIONAL { ?a kg:sourceSentence ?sent .
             OPTIONAL { ?sent nif:anchorOf ?text }
             OPTIONAL { ?sent nif:referenceContext ?article } }
} LIMIT 5000
"""

_MENTIONS = """
SELECT ?phrase ?sent ?text ?sbegin ?pbegin ?pend ?article ?u WHERE {
  ?phrase itsrdf:taIdentRef ?u .
  OPTIONAL { ?phrase nif:beginIndex ?pbegin } OPTIONAL { ?phrase nif:endIndex ?pend }
  OPTIONAL { ?phrase nif:referenceContext ?article }
  OPTIONAL { ?phrase nif:sentence ?sent .
             OPTIONAL { ?sent nif:anchorOf ?text } OPTIONAL { ?sent nif:beginIndex ?sbegin } }
} ORDER BY ?article ?pbegin LIMIT 30
"""


@dataclass
class Source:
    """A sentence a fact was read from."""

    text: str
    href: str | None
    article: TermView | None
    assertion: TermView
    confidence: str | None


def provenance(store: ox.Store, nm: Namer, iri: str) -> dict[FactKey, list[Source]]:
    """(s, p, o) -> the sentences each reified kg:Assertion about ``iri`` was read from."""
    rows = list(select(store, _PROVENANCE, nm.base, u=ox.NamedNode(iri)))
    articles = fetch_labels(store, {r["article"].value for r in rows if r["article"]}, nm.base)
    facts: dict[FactKey, list[Source]] = {}
    seen: set[tuple[str, str]] = set()
    for r in rows:
        key = (str(r["s"]), r["p"].value if isinstance(r["p"], ox.NamedNode) else str(r["p"]), str(r["o"]))
        sources = facts.setdefault(key, [])
        mark = (r["a"].value, r["sent"].value if r["sent"] else "")
        if mark in seen or r["sent"] is None:
            continue
        seen.add(mark)
        sources.append(Source(
            text=r["text"].value if r["text"] else nm.fallback_label(r["sent"].value),
            href=sentence_href(nm, r["sent"]),
            article=article_view(nm, r["article"], articles),
            assertion=nm.iri_view(r["a"].value),
            confidence=r["conf"].value if r["conf"] else None,
        ))
    for sources in facts.values():
        sources.sort(key=lambda src: (src.article.label if src.article else "", src.href or ""))
    return facts


def mentions(store: ox.Store, nm: Namer, iri: str) -> dict:
    """Where the articles mention ``iri``: sentences with the mention marked."""
    node = ox.NamedNode(iri)
    total = sum(1 for _ in store.quads_for_pattern(
        None, ox.NamedNode(str(ITSRDF.taIdentRef)), node, ox.DefaultGraph()))
    rows = list(select(store, _MENTIONS, nm.base, u=node))
    articles = fetch_labels(store, {r["article"].value for r in rows if r["article"]}, nm.base)
    items = []
    seen: set[str] = set()
    for r in rows:
        if r["phrase"].value in seen:
            continue
        seen.add(r["phrase"].value)
        before, marked, after = _marked(r)
        items.append({
            "before": before, "mark": marked, "after": after,
            "href": sentence_href(nm, r["sent"]),
            "article": article_view(nm, r["article"], articles),
        })
    return {"count": total, "items": items}


def _marked(row: ox.QuerySolution) -> tuple[str, str, str]:
    """The mention's sentence cut around the mention (all in ``before`` if offsets are off)."""
    text = row["text"].value if row["text"] else ""
    if text and row["sbegin"] and row["pbegin"] and row["pend"]:
        a = int(row["pbegin"].value) - int(row["sbegin"].value)
        b = int(row["pend"].value) - int(row["sbegin"].value)
        if 0 <= a < b <= len(text):
            return text[:a], text[a:b], text[b:]
    return text, "", ""


def sentence_href(nm: Namer, sentence: ox.NamedNode | ox.BlankNode | None) -> str | None:
    """Where a sentence's page is (its #char= anchor), for every list that links one."""
    return nm.page_url(sentence.value) if isinstance(sentence, ox.NamedNode) else None


def article_view(nm: Namer, article: ox.NamedNode | None, labels: dict[str, str]) -> TermView | None:
    return nm.iri_view(article.value, labels.get(article.value)) if article else None
