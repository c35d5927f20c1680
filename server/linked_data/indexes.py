"""The browse pages (``B/resource/``, ``B/article/``, ``B/graph/`` ...): what index.html lists.

Every minted URI must be reachable by following links from the home page, so each kind of
resource (``kg.uris.Kind``) has an index. Entities are grouped by type (a preview of each, then
a paged list per type, with a label search); the other kinds are plain paged lists, by default
of the instances of the kind's ontology class.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import abort

from kg.release.publication import Publication
from kg.uris import Kind
from kg.vocab import ontology_ns
from server.linked_data.http import bad_request, pager
from server.linked_data.labels import fetch_labels
from server.linked_data.query import count, select, solutions
from server.linked_data.release import entity_classes, ontology_for
from server.linked_data.terms import Namer, TermView, shorten

PAGE_SIZE = 100
GROUP_PREVIEW = 20


def entity_index(store: ox.Store, nm: Namer, publication: Publication, page_no: int,
                 type_param: str, q: str) -> dict:
    """Entities by type: a preview of each type, or one paged list of a type and/or search."""
    classes = entity_classes(ontology_for(publication), nm.base)
    values = "VALUES ?c { " + " ".join(str(ox.NamedNode(c)) for c in classes) + " } ?e a ?c ."
    kg_entity = str(ox.NamedNode(nm.base + "ontology#Entity"))
    no_type = f"FILTER NOT EXISTS {{ ?e a ?other . FILTER(?other != {kg_entity}) }}"
    labels_q = "OPTIONAL { ?e skos:prefLabel ?l0 } OPTIONAL { ?e rdfs:label ?l1 }"
    type_counts = [
        (r["t"].value if r["t"] is not None else "none", int(r["n"].value))
        for r in select(store, f"""
            SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE {{
              {{ SELECT DISTINCT ?e WHERE {{ {values} }} }}
              OPTIONAL {{ ?e a ?t . FILTER(?t != {kg_entity}) }}
            }} GROUP BY ?t ORDER BY DESC(?n) ?t""", nm.base)
    ]
    type_labels = fetch_labels(store, [t for t, _ in type_counts if t != "none"], nm.base)
    types = [
        {"param": t, "count": n, "href": "?" + urlencode({"type": t}),
         "label": type_labels.get(t) or nm.fallback_label(t) if t != "none" else "Other entities"}
        for t, n in type_counts
    ]

    def listing(where: str, limit: int, offset: int = 0, **bindings: ox.NamedNode | ox.Literal
                ) -> list[TermView]:
        proj = " ".join(f"?{k}" for k in bindings)
        rows = select(store, f"""
            SELECT ?e (MIN(STR(COALESCE(?l0, ?l1, ""))) AS ?label) {proj} WHERE {{
              {values} {where} {labels_q}
            }} GROUP BY ?e {proj} ORDER BY LCASE(?label) ?e LIMIT {limit} OFFSET {offset}""",
                     nm.base, **bindings)
        return [nm.iri_view(r["e"].value, r["label"].value or None) for r in rows]

    def how_many(where: str, **bindings: ox.NamedNode | ox.Literal) -> int:
        proj = " ".join(f"?{k}" for k in bindings)
        group = f"GROUP BY {proj}" if proj else ""
        return count(store, f"SELECT (COUNT(DISTINCT ?e) AS ?n) {proj} WHERE {{ {values} {where} }} "
                            f"{group}", nm.base, **bindings)

    total = how_many("")
    if not type_param and not q:
        groups = _type_previews(types, no_type, listing)
        paging = None
    else:
        where, heading = "", "Entities"
        bindings: dict[str, ox.NamedNode | ox.Literal] = {}
        if type_param == "none":
            where, heading = no_type, "Entities with no other type"
        elif type_param:
            try:
                bindings["t"] = ox.NamedNode(type_param)
            except ValueError:
                abort(bad_request(f"type must be an IRI, got {type_param!r}"))
            where = "?e a ?t ."
            heading = f"Entities of type {type_labels.get(type_param) or nm.fallback_label(type_param)}"
        if q:
            where += (" ?e rdfs:label|skos:prefLabel|skos:altLabel ?lq ."
                      " FILTER(CONTAINS(LCASE(STR(?lq)), LCASE(?q)))")
            bindings["q"] = ox.Literal(q)
            heading += f" matching “{q}”"
        found = how_many(where, **bindings)
        items = listing(where, PAGE_SIZE, (page_no - 1) * PAGE_SIZE, **bindings)
        groups = [{"heading": heading, "count": found, "items": items, "more": None}]
        paging = pager(found, page_no, PAGE_SIZE, type=type_param, q=q)
    return {
        "title": Kind.RESOURCE.index_title, "groups": groups, "types": types, "paging": paging, "q": q,
        "type_param": type_param, "total": total, "search": True,
        "intro": "Every entity the articles mention, resolved across articles, grouped by type.",
    }


def _type_previews(types: list[dict], no_type: str, listing: Callable[..., list[TermView]]) -> list[dict]:
    """The first GROUP_PREVIEW entities of each type, linking to the whole list when longer."""
    groups = []
    for t in types:
        where = no_type if t["param"] == "none" else f"?e a {ox.NamedNode(t['param'])} ."
        items = listing(where, GROUP_PREVIEW)
        more = "?" + urlencode({"type": t["param"]}) if t["count"] > len(items) else None
        groups.append({"heading": t["label"], "count": t["count"], "items": items, "more": more})
    return groups


def kind_index(store: ox.Store, nm: Namer, kind: Kind, page_no: int) -> dict:
    """The index of a kind other than entities (``entity_index``): articles and graphs have
    their own, any other kind lists the instances of its ontology class."""
    own = {Kind.ARTICLE: article_index, Kind.GRAPH: graph_index}
    if kind in own:
        return own[kind](store, nm, page_no)
    return class_index(store, nm, kind, page_no)


def article_index(store: ox.Store, nm: Namer, page_no: int) -> dict:
    """The articles, by date and title."""
    total = count(store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Article }", nm.base)
    rows = select(store, f"""
        SELECT ?a (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) WHERE {{
          ?a a kg:Article .
          OPTIONAL {{ ?a dcterms:title ?t }}
          OPTIONAL {{ ?a schema:datePublished ?d }}
        }} GROUP BY ?a ORDER BY ?date ?title ?a
        LIMIT {PAGE_SIZE} OFFSET {(page_no - 1) * PAGE_SIZE}""", nm.base)
    items = []
    for r in rows:
        view = nm.iri_view(r["a"].value, shorten(r["title"].value) if r["title"] else None)
        view.curie = r["date"].value if r["date"] is not None else None
        items.append(view)
    return {
        "title": Kind.ARTICLE.index_title,
        "groups": [{"heading": Kind.ARTICLE.index_title, "count": total, "items": items,
                    "more": None, "dated": True}],
        "paging": pager(total, page_no, PAGE_SIZE), "total": total,
        "intro": "The news articles the knowledge graph was read from.",
    }


def graph_index(store: ox.Store, nm: Namer, page_no: int) -> dict:
    """The named graphs, each with its size."""
    rows = list(solutions(store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")))
    total = len(rows)
    chunk = rows[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    labels = fetch_labels(store, [r["g"].value for r in chunk], nm.base)
    items = []
    for r in chunk:
        view = nm.iri_view(r["g"].value, labels.get(r["g"].value))
        view.curie = f"{int(r['n'].value)} triples"
        items.append(view)
    return {
        "title": Kind.GRAPH.index_title,
        "groups": [{"heading": Kind.GRAPH.index_title, "count": total, "items": items, "more": None,
                    "dated": True}],
        "paging": pager(total, page_no, PAGE_SIZE), "total": total,
        "intro": "One graph per article holds the facts read from it; graph/void describes the dataset.",
    }


def class_index(store: ox.Store, nm: Namer, kind: Kind, page_no: int) -> dict:
    """The instances of the ontology class a kind stands for."""
    assert kind.ontology_class is not None, f"{kind} names no ontology class to list"
    cls = ox.NamedNode(ontology_ns(nm.base) + kind.ontology_class)
    total = count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a {cls} }}", nm.base)
    rows = select(store, f"SELECT DISTINCT ?x WHERE {{ ?x a {cls} }} ORDER BY ?x "
                         f"LIMIT {PAGE_SIZE} OFFSET {(page_no - 1) * PAGE_SIZE}", nm.base)
    iris = [r["x"].value for r in rows]
    labels = fetch_labels(store, iris, nm.base)
    items = [nm.iri_view(i, labels.get(i)) for i in iris]
    title = kind.index_title
    return {
        "title": title, "groups": [{"heading": title, "count": total, "items": items, "more": None}],
        "paging": pager(total, page_no, PAGE_SIZE), "total": total,
        "intro": f"Every {cls.value.rsplit('#', 1)[-1]} node in the dataset.",
    }
