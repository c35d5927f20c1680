"""The home page: what the dataset is, its size (counted in the store), downloads, example
queries that run, and a YASGUI query editor (vendored, so nothing is fetched from a CDN)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from kg.release.publication import DUMP_FORMATS, Publication
from kg.uris import Kind
from kg.vocab import prefixes
from server.linked_data.http import add_page_hooks
from server.linked_data.labels import fetch_labels
from server.linked_data.query import count, select
from server.linked_data.release import current, entity_classes, ontology_for, settings
from server.memo import Memo

bp = Blueprint("home", __name__)
add_page_hooks(bp)


@dataclass(frozen=True)
class Example:
    title: str
    description: str
    query: str


#: Questions any publication of this pipeline can answer. Each names only vocabulary terms:
#: the answers come from the store.
EXAMPLES: tuple[tuple[str, str, str], ...] = (
    ("Entities by type", "How many entities of each type the articles mention.", """
SELECT ?type (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
  ?entity a kg:Entity ; a ?type .
  FILTER(?type != kg:Entity)
} GROUP BY ?type ORDER BY DESC(?entities)"""),
    ("Most mentioned entities", "Entities ranked by how often the articles name them.", """
SELECT ?entity ?label (COUNT(?mention) AS ?mentions) WHERE {
  ?mention itsrdf:taIdentRef ?entity .
  ?entity rdfs:label ?label .
} GROUP BY ?entity ?label ORDER BY DESC(?mentions) LIMIT 20"""),
    ("Facts and the sentence each was read from",
     "Every extracted fact with its evidence and the extractor's confidence.", """
SELECT ?subject ?predicate ?object ?sentence ?confidence WHERE {
  ?fact a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?predicate ; rdf:object ?o ;
        kg:sourceSentence/nif:anchorOf ?sentence .
  OPTIONAL { ?fact kg:confidence ?confidence }
  ?s rdfs:label ?subject .
  OPTIONAL { ?o rdfs:label ?objectLabel }
  BIND(COALESCE(?objectLabel, ?o) AS ?object)
} ORDER BY DESC(?confidence) LIMIT 50"""),
    ("Who said what", "Quotations, their speakers and the article that reports them.", """
SELECT ?speaker ?quotation ?article WHERE {
  ?q a kg:Quotation ; schema:text ?quotation ; kg:speaker/rdfs:label ?speaker .
  OPTIONAL { ?q kg:sourceSentence/nif:referenceContext/dcterms:title ?article }
} LIMIT 50"""),
    ("Articles", "The articles read, with their titles and publication dates.", """
SELECT ?article ?title ?issued WHERE {
  ?article a kg:Article .
  OPTIONAL { ?article dcterms:title ?title }
  OPTIONAL { ?article dcterms:issued ?issued }
} ORDER BY ?issued ?title"""),
    ("Facts per article", "How many facts each article's named graph holds.", """
SELECT ?graph (COUNT(DISTINCT ?fact) AS ?facts) WHERE {
  GRAPH ?graph { ?fact a kg:Assertion }
} GROUP BY ?graph ORDER BY DESC(?facts)"""),
    ("Links to Wikidata and DBpedia", "Entities matched to other datasets.", """
SELECT ?entity ?label ?sameAs WHERE {
  ?entity owl:sameAs ?sameAs ; rdfs:label ?label .
} ORDER BY ?label"""),
    ("Quantities", "Numbers read from the text, with what they measure.", """
SELECT ?text ?value ?unit ?measures WHERE {
  ?q a kg:Quantity ; schema:value ?value .
  OPTIONAL { ?q nif:anchorOf ?text }
  OPTIONAL { ?q schema:unitText ?unit }
  OPTIONAL { ?q kg:measures ?measures }
} LIMIT 50"""),
)
DEFAULT_QUERY = 0
PREFIXES = ("rdf", "rdfs", "owl", "skos", "dcterms", "schema", "nif", "itsrdf", "kg")


def examples(base: str) -> list[dict]:
    """The example queries with PREFIX lines for this base, and links that run them."""
    declared = prefixes(base)
    head = "".join(f"PREFIX {p}: <{declared[p]}>\n" for p in PREFIXES)
    found = []
    for title, description, body in EXAMPLES:
        text = head + body.strip() + "\n"
        found.append({
            "title": title, "description": description, "query": text,
            "editor": "?" + urlencode({"query": text}),
            "plain": "sparql?" + urlencode({"query": text}),
        })
    return found


_stats: Memo[dict] = Memo(8)


def statistics(publication: Publication, store: ox.Store, base: str) -> dict:
    """Counts from the store itself, computed once per release."""
    return _stats.get((publication.release_id, base), lambda: _statistics(store, publication, base))


def _statistics(store: ox.Store, publication: Publication, base: str) -> dict:
    classes = entity_classes(ontology_for(publication), base)
    values = " ".join(f"<{c}>" for c in classes)

    def how_many(sparql: str) -> int:
        return count(store, sparql, base)

    stats: dict[str, int | str | None] = {
        # what a query with no dataset sees, each triple once (the release counted it when
        # built; a release from before that is counted in the store), and the dataset's own
        # distinct triples, as kg.nt and VoID count them
        "triples": publication.manifest.get("default_graph_triples") or how_many(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"),
        "dataset_triples": publication.manifest.get("triples"),
        "quads": len(store),
        "entities": how_many(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?c {{ {values} }} "
                             "?e a ?c }"),
        "articles": how_many("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Article }"),
        "facts": how_many("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Assertion }"),
        "quotations": how_many("SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a kg:Quotation }"),
        "graphs": sum(1 for _ in store.named_graphs()),
    }
    dataset = Kind.DATASET.iri(base)
    about = fetch_labels(store, [dataset], base)
    rows = list(select(store, "SELECT ?d ?u WHERE { ?u dcterms:description ?d }", base,
                       u=ox.NamedNode(dataset)))
    stats["title"] = about.get(dataset)
    stats["description"] = rows[0]["d"].value if rows else None
    return stats


def dumps(publication: Publication) -> list[dict]:
    files = publication.manifest.get("files", {})
    found = []
    for name, fmt in DUMP_FORMATS.items():
        found.append({
            "name": name, "media_type": fmt.media_type,
            "bytes": files.get(name, {}).get("bytes"),
            "gz_bytes": files.get(f"{name}.gz", {}).get("bytes"),
        })
    return found


@bp.route("/")
def index() -> Response:
    publication, store = current()
    base = settings().base_uri
    queries = examples(base)
    asked = request.args.get("query")
    body = render_template(
        "home.html",
        stats=statistics(publication, store, base),
        dumps=dumps(publication),
        examples=queries,
        editor_query=asked if asked is not None else queries[DEFAULT_QUERY]["query"],
        manifest=publication.manifest,
        release=publication.release_id,
        base=base,
        example_entity=_example_entity(store, base),
        limits=current_app.config["KG_LIMITS"],
        prefixes=prefixes(base),  # the editor's prefix and entity-name completion (home.js)
    )
    return Response(body, 200, mimetype="text/html")


def _example_entity(store: ox.Store, base: str) -> str | None:
    """One entity URI to show how dereferencing works (the most mentioned one)."""
    rows = list(select(store, """
        SELECT ?e (COUNT(?m) AS ?n) WHERE { ?m itsrdf:taIdentRef ?e }
        GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1""", base))
    if rows:
        return rows[0]["e"].value
    rows = list(select(store, "SELECT ?e WHERE { ?e a kg:Entity } ORDER BY ?e LIMIT 1", base))
    return rows[0]["e"].value if rows else None
