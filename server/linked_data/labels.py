"""What each neighbour of a resource is called, read from the store in as few queries as can be.

A page links dozens of IRIs and a document carries their labels, so labels are fetched in
bulk: the best label predicate first, English before other languages. Things that have no
label of their own get one made from what they are: a reified assertion is called by its
statement, an article's named graph by the article's title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote

import pyoxigraph as ox

from kg.uris import Kind
from server.linked_data.query import VALUES_CHUNK, iri_values, select, solutions, triples
from server.linked_data.terms import DCTERMS_NS, LABEL_PREDICATES, RDF_NS, Namer, OxTerm, TermView, shorten


def fetch_labels(store: ox.Store, iris: Iterable[str], base: str, depth: int = 0) -> dict[str, str]:
    """Best label per IRI (predicate rank, then English, then untagged), one query for all."""
    wanted = sorted({i for i in iris if i})
    labels: dict[str, str] = {}
    for chunk_start in range(0, len(wanted), VALUES_CHUNK):
        labels.update(_best_labels(store, wanted[chunk_start : chunk_start + VALUES_CHUNK]))
    unlabelled = [i for i in wanted if i not in labels and Kind.ASSERTION.minted(i, base)]
    if unlabelled and depth == 0:
        labels.update(_statement_labels(store, unlabelled, base))
    graphs = [i for i in wanted if i not in labels and Kind.GRAPH.minted(i, base)]
    if graphs:
        labels.update(_graph_labels(store, graphs))
    return labels


def _best_labels(store: ox.Store, iris: list[str]) -> dict[str, str]:
    preds = " ".join(f"<{p}>" for p in LABEL_PREDICATES)
    rows = solutions(store.query(
        f"SELECT ?n ?p ?l WHERE {{ VALUES ?n {{ {iri_values(iris)} }} VALUES ?p {{ {preds} }} ?n ?p ?l }}",
    ))
    best: dict[str, tuple[int, int, str]] = {}
    for row in rows:
        lit = row["l"]
        if not isinstance(lit, ox.Literal):
            continue
        rank = LABEL_PREDICATES.index(row["p"].value)
        lang_rank = 0 if lit.language in ("en", None) else 1
        key = (rank, lang_rank, lit.value)
        iri = row["n"].value
        if iri not in best or key < best[iri]:
            best[iri] = key
    return {iri: shorten(key[2]) for iri, key in best.items()}


def _graph_labels(store: ox.Store, iris: list[str]) -> dict[str, str]:
    """An article's named graph is called after the article it was read from."""
    rows = solutions(store.query(
        f"SELECT ?g (SAMPLE(?t) AS ?title) WHERE {{ VALUES ?g {{ {iri_values(iris[:VALUES_CHUNK])} }} "
        f"?g <http://www.w3.org/ns/prov#wasDerivedFrom>/<{DCTERMS_NS}title> ?t }} GROUP BY ?g",
    ))
    return {r["g"].value: shorten(f"Facts read from \u201c{r['title'].value}\u201d") for r in rows}


def _statement_labels(store: ox.Store, iris: list[str], base: str) -> dict[str, str]:
    """'Subject predicate object' as the label of reified assertions, which have no label."""
    rows = list(solutions(store.query(
        f"SELECT ?a ?s ?p ?o WHERE {{ VALUES ?a {{ {iri_values(iris[:VALUES_CHUNK])} }} "
        f"?a <{RDF_NS}subject> ?s ; <{RDF_NS}predicate> ?p ; <{RDF_NS}object> ?o }}",
    )))
    ends = {r[v].value for r in rows for v in ("s", "o") if isinstance(r[v], ox.NamedNode)}
    names = fetch_labels(store, ends, base, depth=1)

    def name(term: OxTerm) -> str:
        if isinstance(term, ox.NamedNode):
            return names.get(term.value) or unquote(term.value.rsplit("/", 1)[-1]).replace("_", " ")
        return term.value if isinstance(term, ox.Literal) else str(term)

    return {
        r["a"].value: shorten(f"{name(r['s'])} {_local_words(r['p'].value)} {name(r['o'])}")
        for r in rows
    }


def _local_words(iri: str) -> str:
    """camelCase local name as words: kg:meetsWith -> 'meets with'."""
    local = re.split(r"[#/]", iri)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


def label_triples(store: ox.Store, iris: Iterable[str]) -> list[ox.Triple]:
    """The label triples of the given IRIs (all LABEL_PREDICATES but the NIF text)."""
    wanted = sorted(iris)
    preds = " ".join(f"<{p}>" for p in LABEL_PREDICATES[:-1])
    found: list[ox.Triple] = []
    for i in range(0, len(wanted), VALUES_CHUNK):
        values = iri_values(wanted[i : i + VALUES_CHUNK])
        found += list(triples(store.query(
            f"CONSTRUCT {{ ?n ?p ?l }} WHERE {{ VALUES ?n {{ {values} }} VALUES ?p {{ {preds} }} ?n ?p ?l }}",
        )))
    return found


def suggestions(store: ox.Store, nm: Namer, path: str) -> list[TermView]:
    """Entities whose label contains the words of a URI that was not found (for 404 pages)."""
    words = unquote(path.rpartition("/")[2]).replace("_", " ").strip()
    tries = [words] + sorted((w for w in words.split() if len(w) >= 3), key=len, reverse=True)
    for term in tries[:3]:
        if not term:
            continue
        rows = list(select(store, """
            SELECT DISTINCT ?e ?q WHERE {
              ?e a ?c ; rdfs:label|skos:prefLabel|skos:altLabel ?l .
              FILTER(CONTAINS(LCASE(STR(?l)), LCASE(?q)))
            } ORDER BY ?e LIMIT 10""", nm.base, q=ox.Literal(term)))
        if rows:
            iris = [r["e"].value for r in rows]
            labels = fetch_labels(store, iris, nm.base)
            return [nm.iri_view(i, labels.get(i)) for i in iris]
    return []
