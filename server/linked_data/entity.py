"""What an entity's page shows beyond its own triples: the events it takes part in, its
neighbourhood as a picture, what it said and what was said about it, and the articles that
mention it.

Each part is one bounded query over the store's default graph (every article's triples once),
so a page costs a handful of index scans however large the corpus: the timeline and quotations
are cut at ``SHOWN`` rows (with the full count), the picture at ``MAX_NEIGHBOURS`` nodes.
Events are the n-ary ``kg:Event`` resources of ``kg.extract.events``; every row links to the
sentence it was read from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pyoxigraph as ox

from server.linked_data.evidence import article_view, sentence_href
from server.linked_data.labels import fetch_labels
from server.linked_data.query import count, select
from server.linked_data.terms import Namer, TermView

#: Rows a section lists (the count says how many there are in all).
SHOWN = 100
#: Nodes of the neighbourhood picture besides the entity itself.
MAX_NEIGHBOURS = 40
#: Roles through which an entity takes part in an event, as the page names them.
ROLES = {"agent": "by", "patient": "on", "recipient": "for"}

_EVENTS = """
SELECT ?e ?class ?date ?sent ?text ?article ?modality ?trigger ?role ?x ?u WHERE {
  VALUES ?r { kg:agent kg:patient kg:recipient } ?e ?r ?u ; a ?class .
  FILTER(?class != kg:Event && STRSTARTS(STR(?class), STR(kg:)))
  OPTIONAL { ?e schema:startDate ?date }
  OPTIONAL { ?e kg:modality ?modality }
  OPTIONAL { ?e kg:trigger ?trigger }
  OPTIONAL { ?e kg:sourceSentence ?sent .
             OPTIONAL { ?sent nif:anchorOf ?text } OPTIONAL { ?sent nif:referenceContext ?article } }
  OPTIONAL { VALUES ?role { kg:agent kg:patient kg:recipient } ?e ?role ?x }
} LIMIT 5000
"""

_EVENT_COUNT = """
SELECT (COUNT(DISTINCT ?e) AS ?n) ?u WHERE { VALUES ?r { kg:agent kg:patient kg:recipient } ?e ?r ?u }
GROUP BY ?u
"""

_SAID = """
SELECT ?q ?text ?sent ?article ?speaker ?u WHERE {
  ?q a kg:Quotation ; kg:speaker ?u ; schema:text ?text .
  BIND(?u AS ?speaker)
  OPTIONAL { ?q kg:sourceSentence ?sent . OPTIONAL { ?sent nif:referenceContext ?article } }
} ORDER BY ?article ?q LIMIT 101
"""

# A quotation is about the entity when one of its mentions falls inside the quoted span.
_ABOUT = """
SELECT DISTINCT ?q ?text ?sent ?article ?speaker ?u WHERE {
  ?m itsrdf:taIdentRef ?u ; nif:referenceContext ?article ; nif:beginIndex ?mb .
  ?q a kg:Quotation ; prov:hadPrimarySource ?article ; nif:beginIndex ?qb ; nif:endIndex ?qe ;
     schema:text ?text .
  FILTER(?qb <= ?mb && ?mb < ?qe)
  OPTIONAL { ?q kg:speaker ?speaker }
  FILTER(!BOUND(?speaker) || ?speaker != ?u)
  OPTIONAL { ?q kg:sourceSentence ?sent }
} ORDER BY ?article ?q LIMIT 101
"""

_ARTICLES = """
SELECT ?article (COUNT(?m) AS ?n) ?u WHERE {
  ?m itsrdf:taIdentRef ?u ; nif:referenceContext ?article .
} GROUP BY ?article ?u ORDER BY DESC(?n) ?article
"""

# Entities linked to this one by a relation of ours, either way, and through shared events.
_NEIGHBOURS = """
SELECT ?x ?p ?dir (COUNT(*) AS ?n) ?u WHERE {
  {
    ?u ?p ?x . BIND("out" AS ?dir)
  } UNION {
    ?x ?p ?u . BIND("in" AS ?dir)
  } UNION {
    VALUES ?r1 { kg:agent kg:patient kg:recipient } VALUES ?r2 { kg:agent kg:patient kg:recipient }
    ?e ?r1 ?u ; ?r2 ?x ; a ?p . FILTER(?x != ?u && ?p != kg:Event && STRSTARTS(STR(?p), STR(kg:)))
    BIND(IF(?r1 = kg:agent, "out", "in") AS ?dir)
  }
  ?x a kg:Entity .
  FILTER(STRSTARTS(STR(?p), STR(kg:)))
} GROUP BY ?x ?p ?dir ?u ORDER BY DESC(?n) ?x LIMIT 400
"""


@dataclass
class EventView:
    """One event on the timeline."""

    iri: TermView
    kind: TermView
    date: str | None
    modality: TermView | None
    trigger: str | None
    sentence: str | None
    href: str | None
    article: TermView | None
    roles: dict[str, list[TermView]] = field(default_factory=dict)


def timeline(store: ox.Store, nm: Namer, iri: str) -> dict:
    """The events the entity takes part in, dated ones first in date order, each with the
    others who take part and its sentence."""
    node = ox.NamedNode(iri)
    rows = list(select(store, _EVENTS, nm.base, u=node))
    events: dict[str, dict] = {}
    for r in rows:
        e = events.setdefault(r["e"].value, {"row": r, "roles": {}})
        if r["role"] is not None and r["x"] is not None:
            role = r["role"].value.rsplit("#", 1)[-1]
            e["roles"].setdefault(role, set()).add(r["x"].value)
    iris = {r["class"].value for r in rows} | {r["modality"].value for r in rows if r["modality"]}
    iris |= {r["article"].value for r in rows if r["article"]}
    iris |= {x for e in events.values() for xs in e["roles"].values() for x in xs}
    labels = fetch_labels(store, iris, nm.base)
    views = []
    for key, e in events.items():
        r = e["row"]
        views.append(EventView(
            iri=nm.iri_view(key), kind=nm.iri_view(r["class"].value, labels.get(r["class"].value)),
            date=r["date"].value if r["date"] else None,
            modality=nm.iri_view(r["modality"].value, labels.get(r["modality"].value))
            if r["modality"] else None,
            trigger=r["trigger"].value if r["trigger"] else None,
            sentence=r["text"].value if r["text"] else None,
            href=sentence_href(nm, r["sent"]),
            article=article_view(nm, r["article"], labels),
            roles={role: [nm.iri_view(x, labels.get(x)) for x in sorted(xs)]
                   for role, xs in sorted(e["roles"].items())},
        ))
    # dated events by date, then the undated in the order of their articles and sentences
    views.sort(key=lambda v: (v.date is None, v.date or "", v.article.label if v.article else "",
                              v.href or ""))
    total = count(store, _EVENT_COUNT, nm.base, u=node)
    return {"count": total, "items": views[:SHOWN]}


def quotations(store: ox.Store, nm: Namer, iri: str) -> dict:
    """What the entity said, and what others said in quotations that name it."""
    node = ox.NamedNode(iri)
    said = list(select(store, _SAID, nm.base, u=node))
    about = list(select(store, _ABOUT, nm.base, u=node))
    iris = {r["article"].value for r in said + about if r["article"]}
    iris |= {r["speaker"].value for r in said + about if r["speaker"]}
    labels = fetch_labels(store, iris, nm.base)

    def view(r: ox.QuerySolution) -> dict:
        return {
            "text": r["text"].value, "href": sentence_href(nm, r["sent"]),
            "article": article_view(nm, r["article"], labels),
            "speaker": nm.iri_view(r["speaker"].value, labels.get(r["speaker"].value))
            if r["speaker"] else None,
        }

    return {"said": [view(r) for r in said[:SHOWN]], "said_more": len(said) > SHOWN,
            "about": [view(r) for r in about[:SHOWN]], "about_more": len(about) > SHOWN}


def articles(store: ox.Store, nm: Namer, iri: str) -> list[dict]:
    """The articles that mention the entity, most mentions first."""
    rows = list(select(store, _ARTICLES, nm.base, u=ox.NamedNode(iri)))
    labels = fetch_labels(store, {r["article"].value for r in rows}, nm.base)
    return [{"article": nm.iri_view(r["article"].value, labels.get(r["article"].value)),
             "mentions": int(r["n"].value)} for r in rows[:SHOWN]]


def neighbourhood(store: ox.Store, nm: Namer, iri: str, title: str) -> str:
    """The entity and its closest neighbours as JSON for the page's picture (Cytoscape.js
    elements): an edge per relation or shared event class, heaviest first."""
    rows = list(select(store, _NEIGHBOURS, nm.base, u=ox.NamedNode(iri)))
    chosen: list[str] = []
    for r in rows:
        if r["x"].value not in chosen and len(chosen) < MAX_NEIGHBOURS:
            chosen.append(r["x"].value)
    labels = fetch_labels(store, set(chosen) | {r["p"].value for r in rows}, nm.base)
    nodes = [{"data": {"id": iri, "label": title, "href": nm.page_url(iri), "focus": True}}]
    nodes += [{"data": {"id": x, "label": labels.get(x) or nm.fallback_label(x),
                        "href": nm.page_url(x)}} for x in chosen]
    edges = []
    for r in rows:
        x, p = r["x"].value, r["p"].value
        if x not in chosen:
            continue
        source, target = (iri, x) if r["dir"].value == "out" else (x, iri)
        edges.append({"data": {"id": f"{source} {p} {target}", "source": source, "target": target,
                               "label": labels.get(p) or nm.fallback_label(p),
                               "weight": int(r["n"].value)}})
    if not edges:
        return ""
    # "</" cannot end the <script> element the JSON is put in
    return json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False).replace("</", "<\\/")
