"""Linked-data dereferencing and resource pages, through real HTTP against `kg serve`.

Most tests run against the session's publication (whatever the pipeline built) and take their
expectations from its store; the exact-content tests use a small synthetic publication served
under a base URI whose host differs from the request host, as behind a reverse proxy.
"""

from __future__ import annotations

import re
import urllib.parse

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, RDFS, SKOS

from kg.release.publication import Publication
from tests.browser import livesite

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RDF_TYPES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}
PROXY_BASE = "https://data.example.test/kg/"


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    publication = Publication.current(built.dist_dir)
    return ox.Store.read_only(str(publication.store_path))


def first(store: ox.Store, sparql: str, base: str) -> str | None:
    rows = list(store.query(sparql,
                            prefixes={"kg": base + "ontology#",
                                      "rdfs": str(RDFS), "skos": str(SKOS),
                                      "itsrdf": "http://www.w3.org/2005/11/its/rdf#"}))
    return rows[0][0].value if rows else None


@pytest.fixture(scope="module")
def entity(store, built) -> str:
    """The most mentioned entity of the publication (any publication has one)."""
    iri = first(store, """SELECT ?e WHERE { ?e a kg:Entity . OPTIONAL { ?m itsrdf:taIdentRef ?e } }
                          GROUP BY ?e ORDER BY DESC(COUNT(?m)) ?e LIMIT 1""", built.base_uri)
    assert iri is not None, "the publication has no kg:Entity"
    return iri


def path_of(iri: str, base: str) -> str:
    assert iri.startswith(base)
    return iri[len(base):]


def get(url: str, accept: str | None = None, **kw) -> requests.Response:
    headers = {} if accept is None else {"Accept": accept}
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30, **kw)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """The synthetic publication served on loopback under a base URI on another host."""
    dist = tmp_path_factory.mktemp("proxied") / "dist"
    livesite.publish_synthetic(dist, PROXY_BASE)
    with livesite.serve(dist, PROXY_BASE, livesite.free_port()) as url:
        yield url


# ------------------------------------------------------------------ 303 and content negotiation


def test_browser_gets_303_to_the_html_page(server_url, entity, built):
    r = get(entity, BROWSER_ACCEPT)
    assert r.status_code == 303
    rest = path_of(entity, built.base_uri)
    assert r.headers["Location"] == f"{built.base_uri}page/{rest}"
    assert "Accept" in r.headers["Vary"]


@pytest.mark.parametrize(
    "accept, ext",
    [
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
        ("*/*", "ttl"),
        (None, "ttl"),
        ("text/html;q=0.5, application/ld+json", "jsonld"),
        ("application/ld+json;q=0.2, text/turtle;q=0.9, text/html;q=0.1", "ttl"),
        ("application/rdf+xml, text/rdf+xml, text/xml;q=0.1, application/xhtml+xml;q=0.1", "rdf"),
        ("application/xhtml+xml", "html"),
    ],
)
def test_accept_header_picks_the_document(server_url, entity, built, accept, ext):
    r = get(entity, accept) if accept is not None else requests.get(
        entity, headers={"Accept": ""}, allow_redirects=False, timeout=30)
    assert r.status_code == 303
    rest = path_of(entity, built.base_uri)
    expected = f"{built.base_uri}page/{rest}" if ext == "html" else \
        f"{built.base_uri}data/{rest}.{ext}"
    assert r.headers["Location"] == expected


def test_303_lists_every_representation_in_link_headers(server_url, entity, built):
    r = get(entity, "text/turtle")
    links = requests.utils.parse_header_links(r.headers["Link"])
    rest = path_of(entity, built.base_uri)
    alternates = {link["type"]: link["url"] for link in links if link["rel"] == "alternate"}
    assert alternates["text/html"] == f"{built.base_uri}page/{rest}"
    for ext, (media_type, _) in RDF_TYPES.items():
        assert alternates[media_type] == f"{built.base_uri}data/{rest}.{ext}"
    described = [link["url"] for link in links if link["rel"] == "describedby"]
    assert described == [f"{built.base_uri}data/{rest}.ttl"]


def test_unservable_accept_gets_406_with_the_choices(server_url, entity):
    r = get(entity, "image/png")
    assert r.status_code == 406
    assert "text/turtle" in r.text and "text/html" in r.text


def test_head_answers_like_get(server_url, entity):
    r = requests.head(entity, headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30)
    assert r.status_code == 303 and r.headers["Location"].endswith(".ttl")


@pytest.mark.parametrize("kind", ["article", "graph", "assertion", "quotation", "quantity",
                                  "event", "extractor", "dataset"])
def test_every_kind_of_minted_uri_dereferences(server_url, store, built, kind):
    base = built.base_uri
    iri = first(store, f"""SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
        FILTER(isIRI(?x) && (STR(?x) = "{base}{kind}" || STRSTARTS(STR(?x), "{base}{kind}/")))
        FILTER(!CONTAINS(STR(?x), "#")) }} ORDER BY ?x LIMIT 1""", base)
    assert iri is not None, f"the seed publication mints no {kind} URI"
    r = get(iri, BROWSER_ACCEPT)
    assert r.status_code == 303
    page = get(r.headers["Location"])
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert iri in page.text
    doc = get(get(iri, "text/turtle").headers["Location"])
    assert doc.status_code == 200
    graph = Graph().parse(data=doc.text, format="turtle")
    assert any(True for _ in graph.triples((URIRef(iri), None, None))) or \
        any(True for _ in graph.triples((None, None, URIRef(iri))))


# ------------------------------------------------------------------ the RDF documents


@pytest.mark.parametrize("ext", sorted(RDF_TYPES))
def test_rdf_document_is_the_concise_bounded_description(server_url, store, entity, built, ext):
    media_type, rdflib_format = RDF_TYPES[ext]
    url = f"{built.base_uri}data/{path_of(entity, built.base_uri)}.{ext}"
    r = get(url)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == media_type
    graph = Graph().parse(data=r.content, format=rdflib_format)
    node = ox.NamedNode(entity)
    out = {q.triple for q in store.quads_for_pattern(node, None, None, None)}
    inc = {q.triple for q in store.quads_for_pattern(None, None, node, None)}
    assert out and len({(t.predicate.value, str(t.object)) for t in out}) == \
        len(set(graph.predicate_objects(URIRef(entity))))
    assert (URIRef(url), FOAF.primaryTopic, URIRef(entity)) in graph
    assert len({(t.subject.value, t.predicate.value) for t in inc}) + 1 == \
        len(set(graph.subject_predicates(URIRef(entity))))  # + the document's primaryTopic
    # every IRI neighbour that has a label in the store has it in the document too
    neighbours = {t.object.value for t in out if isinstance(t.object, ox.NamedNode)}
    for iri in neighbours:
        labels = list(store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(str(RDFS.label)),
                                              None, None))
        if labels:
            assert (URIRef(iri), RDFS.label, Literal(labels[0].object.value,
                                                     lang=labels[0].object.language)) in graph


def test_unknown_resource_is_404_in_both_forms(server_url, built):
    missing = f"{built.base_uri}resource/No_Such_Thing_Anywhere"
    page = get(missing, BROWSER_ACCEPT)
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert "No_Such_Thing_Anywhere" in page.text
    doc = get(missing, "text/turtle")
    assert doc.status_code == 404 and "No_Such_Thing_Anywhere" in doc.text
    assert get(f"{built.base_uri}page/resource/No_Such_Thing_Anywhere").status_code == 404
    assert get(f"{built.base_uri}data/resource/No_Such_Thing_Anywhere.ttl").status_code == 404


def test_data_with_unknown_extension_is_404(server_url, entity, built):
    r = get(f"{built.base_uri}data/{path_of(entity, built.base_uri)}.exe")
    assert r.status_code == 404 and ".ttl" in r.text


# ------------------------------------------------------------------ the HTML page


def test_page_shows_labels_types_and_links(server_url, store, entity, built):
    r = get(f"{built.base_uri}page/{path_of(entity, built.base_uri)}")
    assert r.status_code == 200
    html = r.text
    node = ox.NamedNode(entity)
    for pred in (SKOS.prefLabel, RDFS.label, SKOS.altLabel):
        for q in store.quads_for_pattern(node, ox.NamedNode(str(pred)), None, None):
            assert escape(q.object.value) in html
    for q in store.quads_for_pattern(node, ox.NamedNode(str(RDF.type)), None, None):
        assert f'href="{q.object.value}"' in html or q.object.value.startswith(built.base_uri)
    # outgoing IRI neighbours inside the dataset are linked to their own pages
    for q in store.quads_for_pattern(node, None, None, None):
        o = q.object
        if isinstance(o, ox.NamedNode) and o.value.startswith(built.base_uri + "resource/"):
            assert f'href="{built.base_uri}page/{path_of(o.value, built.base_uri)}"' in html
    # the page links its RDF documents and says so in Link headers
    assert f'{built.base_uri}data/{path_of(entity, built.base_uri)}.ttl' in html
    assert 'rel="alternate"' in r.headers["Link"]
    assert "Content-Security-Policy" in r.headers


def test_page_shows_the_sentences_facts_were_read_from(server_url, store, built):
    rows = list(store.query(
        """SELECT ?s ?text WHERE { ?a a kg:Assertion ; rdf:subject ?s ;
             kg:sourceSentence/nif:anchorOf ?text . ?s a kg:Entity } ORDER BY ?s ?text LIMIT 1""",
        prefixes={"kg": built.base_uri + "ontology#",
                  "rdf": str(RDF),
                  "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"}))
    if not rows:
        raise AssertionError("the seed publication has no fact with a source sentence")
    subject, text = rows[0][0].value, rows[0][1].value
    html = get(f"{built.base_uri}page/{path_of(subject, built.base_uri)}").text
    assert escape(text) in html


def test_pages_are_cached_by_release(server_url, entity, built):
    url = f"{built.base_uri}page/{path_of(entity, built.base_uri)}"
    first_response = get(url)
    etag = first_response.headers["ETag"]
    again = requests.get(url, headers={"If-None-Match": etag}, timeout=30)
    assert again.status_code == 304


# ------------------------------------------------------------------ indexes


def test_entity_index_groups_by_type_with_store_counts(server_url, store, built):
    r = get(f"{built.base_uri}resource/")
    assert r.status_code == 200
    total = int(first(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Entity }",
                      built.base_uri))
    assert f"Entities <span class=\"count\">({total})</span>" in r.text
    rows = list(store.query(
        "SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Entity ; a ?t "
        "FILTER(?t != kg:Entity) } GROUP BY ?t", prefixes={"kg": built.base_uri + "ontology#"}))
    for row in rows:
        param = urllib.parse.quote(row["t"].value, safe="")
        assert re.search(rf'href="\?type={re.escape(param)}"[^>]*>[^<]+</a> '
                         rf'<span class="count">{row["n"].value}</span>', r.text), row["t"]


def test_entity_index_filters_by_type_and_paginates(server_url, store, built):
    row = list(store.query(
        "SELECT ?t (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Entity ; a ?t "
        "FILTER(?t != kg:Entity) } GROUP BY ?t ORDER BY DESC(?n) LIMIT 1",
        prefixes={"kg": built.base_uri + "ontology#"}))[0]
    r = requests.get(f"{built.base_uri}resource/", params={"type": row["t"].value}, timeout=30)
    assert r.status_code == 200
    listed = set(re.findall(rf'href="{re.escape(built.base_uri)}page/(resource/[^"#]+)"', r.text))
    assert len(listed) == min(int(row["n"].value), 100)
    bad = requests.get(f"{built.base_uri}resource/", params={"page": "0"}, timeout=30)
    assert bad.status_code == 400 and "page" in bad.text


def test_entity_index_search_finds_by_label(server_url, store, entity, built):
    label = first(store, f"SELECT ?l WHERE {{ <{entity}> skos:prefLabel ?l }}", built.base_uri)
    r = requests.get(f"{built.base_uri}resource/", params={"q": label[:4].lower()}, timeout=30)
    assert f'href="{built.base_uri}page/{path_of(entity, built.base_uri)}"' in r.text


def test_article_index_lists_every_article(server_url, store, built):
    r = get(f"{built.base_uri}article/")
    articles = [row[0].value for row in store.query(
        "SELECT DISTINCT ?a WHERE { ?a a kg:Article }",
        prefixes={"kg": built.base_uri + "ontology#"})]
    assert articles
    for iri in articles:
        assert f'href="{built.base_uri}page/{path_of(iri, built.base_uri)}"' in r.text


# ------------------------------------------------------------------ exact content, behind a proxy


def test_redirects_use_the_configured_base_not_the_request_host(proxied):
    r = get(proxied + "resource/Alice_Example", BROWSER_ACCEPT)
    assert r.status_code == 303
    assert r.headers["Location"] == PROXY_BASE + "page/resource/Alice_Example"
    r = get(proxied + "resource/Alice_Example", "application/ld+json")
    assert r.headers["Location"] == PROXY_BASE + "data/resource/Alice_Example.jsonld"
    assert PROXY_BASE + "data/resource/Alice_Example.ttl" in r.headers["Link"]


def test_percent_encoded_iris_dereference(proxied):
    r = get(proxied + "resource/Zo%C3%AB_Example", BROWSER_ACCEPT)
    assert r.status_code == 303
    assert r.headers["Location"] == PROXY_BASE + "page/resource/Zo%C3%AB_Example"
    page = get(proxied + "page/resource/Zo%C3%AB_Example")
    assert page.status_code == 200 and "Zo\u00eb Example" in page.text


def test_synthetic_page_content(proxied):
    html = get(proxied + "page/resource/Alice_Example").text
    assert "<h1>Alice Example</h1>" in html
    assert 'lang="en">Alice</span>' in html  # the alias, with its language
    # the fact, its source sentence linked to the sentence in the article, and the confidence
    sentence = livesite.SENTENCES[0]
    start = " ".join(livesite.SENTENCES).index(sentence)
    anchor = f"{PROXY_BASE}page/article/{livesite.ARTICLE_ID}#char={start},{start + len(sentence)}"
    assert f"<q>{escape(sentence)}</q>" in html
    assert f'href="{anchor}"' in html
    assert f'href="{PROXY_BASE}page/resource/Widget_Accord"' in html
    assert "confidence 0.9" in html
    # the mention is marked inside its sentence
    assert "<mark>Alice Example</mark>" in html
    # the link to another dataset is an outbound link
    assert 'href="http://www.wikidata.org/entity/Q4115189" rel="external"' in html


def test_synthetic_article_page_has_addressable_sentences(proxied):
    html = get(proxied + "page/article/" + livesite.ARTICLE_ID).text
    text = " ".join(livesite.SENTENCES)
    for sentence in livesite.SENTENCES:
        start = text.index(sentence)
        assert f'id="char={start},{start + len(sentence)}"' in html
    assert f'class="mention" href="{PROXY_BASE}page/resource/Bob_Sample"' in html
    assert "Facts read from this article" in html


def test_synthetic_assertion_page_states_the_fact(proxied):
    html = get(proxied + "page/assertion/a0").text
    assert 'id="statement"' in html
    assert "Alice Example" in html and "Widget Accord" in html
    assert escape(livesite.SENTENCES[0]) in html


def test_not_found_page_suggests_similar_entities(proxied):
    r = get(proxied + "resource/Alice", BROWSER_ACCEPT)
    assert r.status_code == 404
    assert f'href="{PROXY_BASE}page/resource/Alice_Example"' in r.text


def escape(text: str) -> str:
    """How Jinja writes text into HTML."""
    from markupsafe import escape as _escape

    return str(_escape(text))


def test_every_document_of_the_publication_parses(server_url, store, built):
    """Each IRI the dataset mints, in each RDF format, is read back by rdflib; each has a page.
    (Catches serialiser choices other parsers reject, e.g. escaped dots in prefixed names.)"""
    base = built.base_uri
    iris = {
        t.value
        for q in store.quads_for_pattern(None, None, None, None)
        for t in (q.subject, q.object, q.graph_name)
        if isinstance(t, ox.NamedNode) and t.value.startswith(base) and "#" not in t.value
        and "?" not in t.value  # the VoID lookup endpoint (resource/?uri=) is a service, not data
        and t.value.partition(base)[2].split("/")[0] in (
            "resource", "article", "graph", "assertion", "quotation", "quantity", "event",
            "extractor", "dataset")
    }
    assert iris
    session = requests.Session()
    for iri in sorted(iris):
        rest = path_of(iri, base)
        for ext, (_, fmt) in RDF_TYPES.items():
            r = session.get(f"{base}data/{rest}.{ext}", timeout=30)
            assert r.status_code == 200, (iri, ext)
            assert len(Graph().parse(data=r.content, format=fmt)) > 0, (iri, ext)
        assert session.get(f"{base}page/{rest}", timeout=30).status_code == 200, iri


def test_void_uri_lookup_redirects_like_dereferencing(server_url, entity, built):
    r = requests.get(f"{built.base_uri}resource/", params={"uri": entity},
                     headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=30)
    assert r.status_code == 303
    assert r.headers["Location"] == f"{built.base_uri}data/{path_of(entity, built.base_uri)}.ttl"
    elsewhere = requests.get(f"{built.base_uri}resource/", params={"uri": "http://example.org/x"},
                             timeout=30)
    assert elsewhere.status_code == 400


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_off_queries(server_url):
    from tests.server.conftest import fetch

    reply = fetch(server_url + "robots.txt")
    assert reply.status == 200 and reply.header("Content-Type").startswith("text/plain")
    lines = reply.text.splitlines()
    assert "Disallow: /sparql" in lines and f"Sitemap: {server_url}sitemap.xml" in lines


def test_the_sitemap_lists_every_entity_and_article_page(server_url, built):
    import xml.etree.ElementTree as ET

    from tests.server.conftest import fetch

    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = fetch(server_url + "sitemap.xml")
    assert index.status == 200 and index.header("Content-Type").startswith("application/xml")
    parts = [e.text for e in ET.fromstring(index.body).findall("s:sitemap/s:loc", ns)]
    assert parts == [f"{server_url}sitemap/1.xml"]
    page = fetch(parts[0])
    urls = {e.text for e in ET.fromstring(page.body).findall("s:url/s:loc", ns)}
    store = ox.Store.read_only(str(Publication.current(built.dist_dir).store_path))
    kg = f"{built.base_uri}ontology#"
    expected = {r["x"].value for r in store.query(
        f"SELECT DISTINCT ?x {{ {{ ?x a <{kg}Entity> }} UNION {{ ?x a <{kg}Article> }} }}")}
    assert len(urls) == len(expected) > 50
    assert f"{server_url}page/resource/Nayib_Bukele" in urls
    assert all(fetch(u).status == 200 for u in sorted(urls)[:5])
    assert fetch(server_url + "sitemap/2.xml").status == 404
