"""What the HTML page of one resource shows, read from the store (the model of resource.html).

The page is not a dump of triples: names and links to other datasets go in the header,
properties are grouped and sorted by label, each fact carries the sentences it was read from,
and incoming links that other parts of the page already show (mentions, reified assertions)
are counted rather than listed. Facts known only as reified assertions still appear.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

import pyoxigraph as ox

from kg.vocab import ITSRDF, NIF
from server.linked_data.curated import Note, notes
from server.linked_data.describe import MAX_INCOMING, distinct_triples
from server.linked_data.evidence import FactKey, Source, mentions, provenance
from server.linked_data.labels import fetch_labels
from server.linked_data.terms import (
    RDF_NS,
    RDF_TYPE,
    RDFS_NS,
    SAME_AS_PREDICATES,
    SKOS_NS,
    AnyTerm,
    Namer,
    TermView,
    site_name,
)

#: Incoming links listed per page of a resource page (``?incoming=N``); hubs have thousands.
INCOMING_PAGE = 100
#: Incoming links counted rather than listed: they are shown better elsewhere on the page.
SUMMARISED_INCOMING = {
    RDF_NS + "subject": "reified assertions: the facts are listed with their sentences",
    RDF_NS + "object": "reified assertions: the facts are listed with their sentences",
    RDF_NS + "predicate": "reified assertions using this property",
    str(ITSRDF.taIdentRef): "mentions, quoted above",
    str(NIF.referenceContext): "sentences and mentions, shown in the text above",
    "http://www.w3.org/ns/prov#hadPrimarySource": "facts read from this article, listed above",
}
#: Shown in the page header, so left out of the property table.
HEADER_PREDICATES = (RDF_TYPE, SKOS_NS + "prefLabel", RDFS_NS + "label", SKOS_NS + "altLabel",
                     *SAME_AS_PREDICATES)

Facts = dict[FactKey, list[Source]]
Added = dict[tuple[str, str], Note]


def build_page(store: ox.Store, nm: Namer, iri: str, incoming_page: int = 1) -> dict:
    """Everything the HTML page of one resource shows, from the store; its incoming links are
    listed a page at a time (``incoming_page``), in predicate then subject order."""
    node = ox.NamedNode(iri)
    out_quads = list(store.quads_for_pattern(node, None, None, None))
    graphs = sorted({q.graph_name.value for q in out_quads if isinstance(q.graph_name, ox.NamedNode)})
    out = distinct_triples(out_quads)
    every_incoming = distinct_triples(islice(
        store.quads_for_pattern(None, None, node, ox.DefaultGraph()), MAX_INCOMING))
    listed = sorted((t for t in every_incoming if t.predicate.value not in SUMMARISED_INCOMING),
                    key=lambda t: (t.predicate.value, str(t.subject)))
    start = (incoming_page - 1) * INCOMING_PAGE
    incoming = listed[start : start + INCOMING_PAGE]
    facts = provenance(store, nm, iri)
    curated = notes(store, nm.base, iri)
    added = {n.key: n for n in curated if n.added}
    extra_out, extra_in = _unlisted_facts(str(node), facts, out, every_incoming)
    if incoming_page > 1:
        extra_in = []  # listed on the first page
    iris = {t.object.value for t in out if isinstance(t.object, ox.NamedNode)}
    iris |= {t.subject.value for t in incoming if isinstance(t.subject, ox.NamedNode)}
    iris |= set(graphs) | {iri}
    iris |= {n.object.value for n in curated if isinstance(n.object, ox.NamedNode)}
    for s, _p, o in facts:
        iris |= {x[1:-1] for x in (s, o) if x.startswith("<")}
    labels = fetch_labels(store, iris, nm.base)
    incoming_groups, summarised = _incoming(nm, node, incoming, every_incoming, extra_in, facts,
                                            labels)

    def objects(pred: str) -> list[AnyTerm]:
        return [t.object for t in out if t.predicate.value == pred]

    def label_views(pred: str) -> list[TermView]:
        return [nm.view(o, labels) for o in sorted(objects(pred), key=str)]  # a stable order

    return {
        "iri": iri,
        "title": labels.get(iri) or nm.fallback_label(iri),
        "types": [nm.view(o, labels) for o in objects(RDF_TYPE)],
        "pref_labels": label_views(SKOS_NS + "prefLabel"),
        "labels": label_views(RDFS_NS + "label"),
        "alt_labels": label_views(SKOS_NS + "altLabel"),
        "same_as": [
            {"view": nm.iri_view(o.value), "site": site_name(o.value)}
            for p in SAME_AS_PREDICATES for o in objects(p)
            if isinstance(o, ox.NamedNode) and not nm.is_local(o.value)
        ],
        "properties": _outgoing(nm, node, out, extra_out, facts, labels, added),
        "retracted": [{"pred": nm.iri_view(n.predicate.value), "term": nm.view(n.object, labels),
                       "curation": _curation(nm, n)} for n in curated if not n.added],
        "incoming": incoming_groups,
        "incoming_total": len(listed),
        "incoming_capped": len(every_incoming) >= MAX_INCOMING,
        "summarised": summarised,
        "mentions": mentions(store, nm, iri),
        "graphs": [nm.iri_view(g, labels.get(g)) for g in graphs],
        "statement": _statement(nm, objects, facts, labels),
        "fact_count": sum(1 for v in facts.values() if v),
    }


def _unlisted_facts(node: str, facts: Facts, out: list[ox.Triple], incoming: list[ox.Triple],
                    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Facts about the resource known only as reified assertions: (p, o) out and (s, p) in."""
    out_keys = {(str(t.subject), t.predicate.value, str(t.object)) for t in out}
    in_keys = {(str(t.subject), t.predicate.value, str(t.object)) for t in incoming}
    extra_out, extra_in = [], []
    for s, p, o in facts:
        if s == node and (s, p, o) not in out_keys:
            extra_out.append((p, o))
        elif o == node and (s, p, o) not in in_keys:
            extra_in.append((s, p))
    return extra_out, extra_in


def _iri_term(text: str) -> ox.NamedNode | None:
    """The IRI of a fact key's subject or object; None for literals and blank nodes."""
    return ox.NamedNode(text[1:-1]) if text.startswith("<") else None


def _value(nm: Namer, term: AnyTerm, labels: dict[str, str], sources: list[Source],
           note: Note | None = None) -> dict:
    return {"term": nm.view(term, labels), "sources": sources,
            "curation": _curation(nm, note) if note else None}


def _curation(nm: Namer, note: Note) -> dict:
    """Who curated a statement and when, with a link to the patch's description."""
    return {"agent": note.agent, "time": note.time[:19].replace("T", " "),
            "patch": nm.iri_view(note.patch)}


def _outgoing(nm: Namer, node: ox.NamedNode, out: list[ox.Triple], extra_out: list[tuple[str, str]],
              facts: Facts, labels: dict[str, str], added: Added) -> list[dict]:
    """The property table: each predicate with its values, their sources, and who curated
    the values an admin added."""
    by_pred: dict[str, list[dict]] = {}
    for t in out:
        p = t.predicate.value
        if p in HEADER_PREDICATES:
            continue
        key = (str(node), p, str(t.object))
        by_pred.setdefault(p, []).append(_value(nm, t.object, labels, facts.get(key, []),
                                                added.get((p, str(t.object)))))
    for p, o in extra_out:
        term = _iri_term(o)
        if term is not None:
            by_pred.setdefault(p, []).append(_value(nm, term, labels, facts[(str(node), p, o)]))
    return _grouped(nm, by_pred)


def _incoming(nm: Namer, node: ox.NamedNode, incoming: list[ox.Triple], every: list[ox.Triple],
              extra_in: list[tuple[str, str]], facts: Facts, labels: dict[str, str],
              ) -> tuple[list[dict], list[dict]]:
    """This page's links to the resource grouped by predicate (each with its count over all
    pages), and the counts of those summarised instead (SUMMARISED_INCOMING)."""
    in_counts: dict[str, int] = {}
    for t in every:
        in_counts[t.predicate.value] = in_counts.get(t.predicate.value, 0) + 1
    in_by_pred: dict[str, list[dict]] = {}
    for t in incoming:
        p = t.predicate.value
        if p in SUMMARISED_INCOMING:
            continue
        key = (str(t.subject), p, str(node))
        in_by_pred.setdefault(p, []).append(_value(nm, t.subject, labels, facts.get(key, [])))
    for s, p in extra_in:
        term = _iri_term(s)
        if term is not None:
            in_by_pred.setdefault(p, []).append(_value(nm, term, labels, facts[(s, p, str(node))]))
    summarised = [
        {"pred": nm.iri_view(p), "count": in_counts[p], "note": note}
        for p, note in SUMMARISED_INCOMING.items() if in_counts.get(p)
    ]
    groups = _grouped(nm, in_by_pred)
    for g in groups:
        g["count"] = max(in_counts.get(g["pred"].value, 0), len(g["values"]))
    return groups, summarised


def _statement(nm: Namer, objects: Callable[[str], list[AnyTerm]], facts: Facts,
               labels: dict[str, str]) -> dict | None:
    """For a reified assertion: the statement it reifies, with its sources."""
    subj, pred, obj = (objects(RDF_NS + x) for x in ("subject", "predicate", "object"))
    if not (subj and pred and obj):
        return None
    s, p, o = (nm.view(terms[0], labels) for terms in (subj, pred, obj))
    key = (str(subj[0]), p.value, str(obj[0]))  # p.value: the predicate's IRI
    return {"s": s, "p": p, "o": o, "sources": facts.get(key, [])}


def _grouped(nm: Namer, by_pred: dict[str, list[dict]]) -> list[dict]:
    """One group per predicate, values deduplicated and sorted by label; groups by label."""
    groups = []
    for p, values in by_pred.items():
        unique: dict[tuple[str, str], dict] = {}
        for v in values:
            unique.setdefault((v["term"].kind, v["term"].value), v)
        ordered = sorted(unique.values(), key=lambda v: (v["term"].label.lower(), v["term"].value))
        groups.append({"pred": nm.iri_view(p), "values": ordered})
    return sorted(groups, key=lambda g: (g["pred"].label.lower(), g["pred"].value))
