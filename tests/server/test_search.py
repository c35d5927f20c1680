"""Full-text search through real HTTP on the server built from the seeds: /search as JSON and as
a page, /search/complete, the search box on every page, and kg:textMatch / kg:textScore /
kg:textSnippet through /sparql. What a hit says is checked against the store itself."""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import sqlite3
import urllib.parse

import pyoxigraph as ox
import pytest

from kg.release.publication import SEARCH_FILE, Publication
from kg.vocab import ITSRDF, NIF, SCHEMA
from tests.server.conftest import fetch as http_fetch
from tests.server.conftest import free_port, make_publication

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    return ox.Store.read_only(str(Publication.current(built.dist_dir).store_path))


def get(server_url: str, path: str, headers: dict[str, str] | None = None, **params: str):
    query = urllib.parse.urlencode(params)
    return http_fetch(f"{server_url}{path}" + (f"?{query}" if query else ""), headers=headers)


def search(server_url: str, **params: str) -> dict:
    reply = get(server_url, "search", JSON, **params)
    assert reply.status == 200, reply.text
    assert reply.header("Content-Type").startswith("application/json")
    return json.loads(reply.body)


def sparql(server_url: str, query: str):
    return get(server_url, "sparql", {"Accept": "application/sparql-results+json"}, query=query)


def objects(store: ox.Store, subject: str, predicate: str) -> list[str]:
    """The objects in the store's default graph, which holds every graph's triples once."""
    return [q.object.value for q in store.quads_for_pattern(
        ox.NamedNode(subject), ox.NamedNode(predicate), None, ox.DefaultGraph())]


def test_a_sentence_hit_links_its_sentence_article_and_entities_as_the_store_says(server_url,
                                                                                 store):
    found = search(server_url, q="prison", kind="sentence", limit="50")
    assert found["total"] == len(found["hits"]) > 3
    for hit in found["hits"]:
        text = objects(store, hit["iri"], str(NIF.anchorOf))
        assert text and "prison" in text[0].lower()
        assert hit["sentence"] == hit["iri"]
        assert objects(store, hit["iri"], str(NIF.referenceContext)) == [hit["article"]]
        named = {q.object.value for phrase in store.quads_for_pattern(
            None, ox.NamedNode(str(NIF.sentence)), ox.NamedNode(hit["iri"]))
            for q in store.quads_for_pattern(phrase.subject, ox.NamedNode(str(ITSRDF.taIdentRef)),
                                             None)}
        assert {e["iri"] for e in hit["entities"]} == named
        assert hit["highlights"] and all(
            hit["snippet"][a:b].lower().startswith("prison") for a, b in hit["highlights"])
        assert hit["page"] == hit["sentence_page"] and "#char=" in hit["page"]
        assert get(server_url, urllib.parse.urlsplit(hit["article_page"]).path[1:]).status == 200


def test_hits_are_ranked_and_mix_kinds(server_url, store):
    found = search(server_url, q="rubio")
    scores = [h["score"] for h in found["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert found["hits"][0]["kind"] == "entity"  # the name itself ranks first
    assert found["hits"][0]["iri"].endswith("/resource/Marco_Rubio")
    assert {"entity", "sentence", "article"} <= {h["kind"] for h in found["hits"]}


def test_a_quotation_hit_names_its_speaker(server_url, store, built):
    kg = built.base_uri + "ontology#"
    found = search(server_url, q="prison*", kind="quotation", limit="100")
    assert found["hits"], "the seeds quote people about prisons"
    for hit in found["hits"]:
        assert objects(store, hit["iri"], str(SCHEMA.text))
        assert {e["iri"] for e in hit["entities"]} == set(objects(store, hit["iri"], kg + "speaker"))
        assert objects(store, hit["iri"], kg + "sourceSentence") == [hit["sentence"]]


def test_the_index_counts_what_the_store_holds(built, store):
    publication = Publication.current(built.dist_dir)
    kg = publication.manifest["base_uri"] + "ontology#"
    with sqlite3.connect(publication.search_path) as db:
        counts = dict(db.execute("SELECT kind, COUNT(*) FROM docs GROUP BY kind"))

    def how_many(sparql_text: str) -> int:
        rows = store.query(sparql_text)
        return int(next(iter(rows))[0].value)

    assert counts["sentence"] == how_many(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{NIF.Sentence}> }}")
    assert counts["quotation"] == how_many(
        f"SELECT (COUNT(DISTINCT ?q) AS ?n) {{ ?q a <{kg}Quotation> ; <{SCHEMA.text}> ?t }}")
    assert counts["entity"] == how_many(f"SELECT (COUNT(DISTINCT ?e) AS ?n) {{ ?e a <{kg}Entity> }}")
    assert counts["article"] == how_many(
        f"SELECT (COUNT(DISTINCT ?a) AS ?n) {{ ?a a <{kg}Article> }}")


def test_pages_of_results_follow_on(server_url):
    whole = search(server_url, q="salvador", limit="10")
    first = search(server_url, q="salvador", limit="5")
    second = search(server_url, q="salvador", limit="5", page="2")
    assert first["total"] == second["total"] == whole["total"] > 10
    assert [h["iri"] for h in first["hits"] + second["hits"]] == [h["iri"] for h in whole["hits"]]
    assert first["pages"] == -(-whole["total"] // 5)


def test_the_page_shows_marked_snippets_and_links(server_url):
    reply = get(server_url, "search", HTML, q="rubio")
    assert reply.status == 200 and reply.header("Content-Type").startswith("text/html")
    page = reply.text
    assert "<mark>Rubio</mark>" in page
    assert re.search(r'class="to-article" href="[^"]+/page/article/', page)
    assert re.search(r'class="hit-title" href="[^"]+/page/article/[^"#]+#char=\d+,\d+"', page)
    assert re.search(r'class="to-entity" href="[^"]+/page/resource/', page)
    assert 'name="q"' in page and 'value="rubio"' in page
    assert "Vary" in reply.headers and "Accept" in reply.header("Vary")


def test_format_json_and_accept_choose_json(server_url):
    by_param = get(server_url, "search", HTML, q="rubio", format="json")
    by_accept = get(server_url, "search", JSON, q="rubio")
    assert json.loads(by_param.body) == json.loads(by_accept.body)
    assert get(server_url, "search", {}, q="rubio").header("Content-Type").startswith("text/html")


@pytest.mark.parametrize(("params", "problem"), [
    ({"q": ""}, "empty search"),
    ({"q": "   "}, "empty search"),
    ({"q": "rubio AND"}, "not valid"),
    ({"q": '"mega prison'}, "unterminated string"),
    ({"q": "a" * 300}, "too long"),
    ({"q": "rubio", "page": "0"}, "page must be between"),
    ({"q": "rubio", "page": "two"}, "page must be a whole number"),
    ({"q": "rubio", "limit": "1000"}, "limit must be between"),
    ({"q": "rubio", "kind": "tweet"}, "unknown kind"),
    ({}, "no search given"),
])
def test_a_bad_search_is_a_400_naming_the_problem(server_url, params, problem):
    as_json = get(server_url, "search", JSON, **params)
    assert as_json.status == 400, as_json.text
    assert problem in json.loads(as_json.body)["error"]
    if params:
        as_page = get(server_url, "search", HTML, **params)
        assert as_page.status == 400
        assert problem in html_lib.unescape(as_page.text)


def test_without_a_query_the_page_is_the_search_form(server_url):
    reply = get(server_url, "search", HTML)
    assert reply.status == 200 and 'role="search"' in reply.text


def test_text_with_punctuation_is_searched_not_refused(server_url):
    for text in ("U.S. deportees", "Bukele's offer", "mega-prison"):
        assert search(server_url, q=text)["total"] > 0, text


def test_every_page_has_the_search_box(server_url, store):
    for path in ("", "resource/", "ontology"):
        page = get(server_url, path, HTML).text
        assert re.search(r'<form class="site-search" method="get" action="/search"', page), path


def test_completion_finds_entities_by_the_start_of_any_word(server_url):
    reply = get(server_url, "search/complete", {}, q="rub")
    assert reply.status == 200
    found = json.loads(reply.body)["completions"]
    assert found[0]["iri"].endswith("/resource/Marco_Rubio") and found[0]["curie"] == "res:Marco_Rubio"
    salvador = json.loads(get(server_url, "search/complete", {}, q="el salv").body)["completions"]
    assert salvador[0]["label"] == "El Salvador"  # a label that starts so comes first
    mentions = [c["mentions"] for c in salvador[1:]]
    assert mentions == sorted(mentions, reverse=True)
    for params, problem in (({"q": ""}, "empty completion"), ({}, "no text given"),
                            ({"q": "x" * 300}, "too long")):
        bad = get(server_url, "search/complete", {}, **params)
        assert bad.status == 400 and problem in json.loads(bad.body)["error"]


# ---------------------------------------------------------------------- SPARQL

PREFIXES = "PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>\n"


def test_text_match_in_sparql_finds_what_search_finds(server_url):
    found = search(server_url, q="prison AND rubio", kind="sentence", limit="100")
    reply = sparql(server_url, PREFIXES + """
        SELECT ?s ?score ?snippet WHERE {
          ?s a nif:Sentence .
          FILTER(kg:textMatch(?s, "prison AND rubio"))
          BIND(kg:textScore(?s, "prison AND rubio") AS ?score)
          BIND(kg:textSnippet(?s, "prison AND rubio") AS ?snippet)
        } ORDER BY DESC(?score) ?s""")
    assert reply.status == 200, reply.text
    rows = json.loads(reply.body)["results"]["bindings"]
    assert [r["s"]["value"] for r in rows] == [h["iri"] for h in found["hits"]]
    assert found["total"] > 0
    for row, hit in zip(rows, found["hits"], strict=True):
        assert float(row["score"]["value"]) == pytest.approx(hit["score"], abs=1e-3)
        assert "«" in row["snippet"]["value"]


def test_text_match_is_false_for_what_does_not_match(server_url):
    reply = sparql(server_url, PREFIXES + """
        SELECT (COUNT(*) AS ?yes) (SUM(IF(kg:textMatch(?s, "zzzqqq"), 1, 0)) AS ?matched) WHERE {
          ?s a nif:Sentence }""")
    row = json.loads(reply.body)["results"]["bindings"][0]
    assert int(row["yes"]["value"]) > 0 and int(row["matched"]["value"]) == 0


def test_a_bad_search_inside_sparql_is_a_400_naming_it(server_url):
    reply = sparql(server_url, PREFIXES + """
        SELECT ?s WHERE { ?s a nif:Sentence FILTER(kg:textMatch(?s, "rubio AND")) }""")
    assert reply.status == 400
    assert "kg:textMatch" in reply.text and "not valid" in reply.text


def test_a_release_without_an_index_says_so(launch, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    publication = make_publication(tmp_path / "dist", base, '<a> <b> "c" .')
    (publication.root / SEARCH_FILE).unlink()  # as a release built before search existed
    server = launch(tmp_path / "dist", port, workers=1, env={"KG_ACCESS_LOG": "off"})
    reply = get(server.url, "search", JSON, q="rubio")
    assert reply.status == 503 and "no search index" in reply.text
    function = f"<{base}ontology#textMatch>"
    reply = sparql(server.url, f"SELECT * WHERE {{ ?s ?p ?o FILTER({function}(?s, 'c')) }}")
    assert reply.status == 400 and "no search index" in reply.text
    shutil.rmtree(tmp_path / "dist", ignore_errors=True)


def test_the_service_description_lists_the_text_functions(server_url, built):
    reply = get(server_url, "sparql", {"Accept": "application/n-triples"})
    assert reply.status == 200
    triples = list(ox.parse(reply.body, format=ox.RdfFormat.N_TRIPLES))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    functions = {t.object.value for t in triples if t.predicate.value == sd + "extensionFunction"}
    assert functions == {built.base_uri + "ontology#" + name
                         for name in ("textMatch", "textScore", "textSnippet")}
