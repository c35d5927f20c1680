"""Entity pages beyond their triples (issue 13): quotations by and about the entity, the
articles that mention it with counts, the neighbourhood picture's data, and incoming links a
page at a time. Through real HTTP against `kg serve`; expectations come from the store."""

from __future__ import annotations

import html
import json
import re

import pyoxigraph as ox
import pytest
import requests

from kg.release.publication import Publication
from server.linked_data.page import INCOMING_PAGE
from tests.server.conftest import free_port, make_publication, start_server

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    return ox.Store.read_only(str(Publication.current(built.dist_dir).store_path))


def rows(store: ox.Store, built, query: str) -> list[ox.QuerySolution]:
    prefixes = {"kg": built.base_uri + "ontology#", "schema": "http://schema.org/",
                "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#",
                "itsrdf": "http://www.w3.org/2005/11/its/rdf#"}
    return list(store.query(query, prefixes=prefixes))


def page(server_url: str, built, iri: str, **params: str) -> requests.Response:
    path = iri[len(built.base_uri):]
    return requests.get(f"{server_url}page/{path}", params=params, headers=HTML, timeout=30)


def section(body: str, name: str) -> str:
    found = re.search(rf'<section id="{name}".*?</section>', body, re.S)
    return found.group() if found else ""


@pytest.fixture(scope="module")
def speaker(store, built) -> str:
    """The entity quoted most often."""
    found = rows(store, built, "SELECT ?s (COUNT(?q) AS ?n) { ?q a kg:Quotation ; kg:speaker ?s } "
                               "GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")
    assert found, "the seeds have quotations with speakers"
    return found[0]["s"].value


def test_what_an_entity_said_is_on_its_page(server_url, built, store, speaker):
    quotes = {html.unescape(r["t"].value) for r in rows(
        store, built, f"SELECT ?t {{ ?q a kg:Quotation ; kg:speaker <{speaker}> ; schema:text ?t }}")}
    body = page(server_url, built, speaker).text
    said = section(body, "quotes").split("What others said")[0]
    shown = {html.unescape(q) for q in re.findall(r"<q>(.*?)</q>", said, re.S)}
    assert shown == quotes


def test_quotations_that_name_an_entity_are_listed_under_it(server_url, built, store):
    # a quotation with a mention of some other entity inside its span
    found = rows(store, built, """
        SELECT ?u ?t ?sp { ?m itsrdf:taIdentRef ?u ; nif:referenceContext ?a ; nif:beginIndex ?b .
          ?q a kg:Quotation ; <http://www.w3.org/ns/prov#hadPrimarySource> ?a ;
             nif:beginIndex ?qb ; nif:endIndex ?qe ; schema:text ?t ; kg:speaker ?sp .
          FILTER(?qb <= ?b && ?b < ?qe && ?sp != ?u) } ORDER BY ?u ?t LIMIT 1""")
    assert found, "some quotation in the seeds names another entity"
    about = section(page(server_url, built, found[0]["u"].value).text, "quotes")
    about = about.split("What others said", 1)[1]
    assert found[0]["t"].value in html.unescape(about)


def test_the_articles_that_mention_an_entity_come_with_counts(server_url, built, store, speaker):
    expected = {r["a"].value: int(r["n"].value) for r in rows(store, built, f"""
        SELECT ?a (COUNT(?m) AS ?n) {{ ?m itsrdf:taIdentRef <{speaker}> ; nif:referenceContext ?a }}
        GROUP BY ?a""")}
    table = section(page(server_url, built, speaker).text, "articles")
    shown = {re.sub(r"^.*?/page/", built.base_uri, href): int(n) for href, n in re.findall(
        r'<a href="([^"]+)"[^>]*>.*?</a></td><td class="n">(\d+)</td>', table)}
    assert shown == expected
    counts = list(shown.values())
    assert counts == sorted(counts, reverse=True)


def test_the_neighbourhood_picture_has_the_entity_s_relations(server_url, built, store, speaker):
    kg = built.base_uri + "ontology#"
    related = {r["x"].value for r in rows(store, built, f"""
        SELECT DISTINCT ?x {{ {{ <{speaker}> ?p ?x }} UNION {{ ?x ?p <{speaker}> }}
          ?x a kg:Entity FILTER(STRSTARTS(STR(?p), "{kg}")) }}""")}
    body = page(server_url, built, speaker).text
    data = re.search(r'<script type="application/json" id="neighbourhood-data">(.*?)</script>',
                     body, re.S)
    assert data is not None and "cytoscape.min.js" in body
    picture = json.loads(data.group(1))
    nodes = {n["data"]["id"] for n in picture["nodes"]}
    assert speaker in nodes and related <= nodes
    for edge in picture["edges"]:
        assert speaker in (edge["data"]["source"], edge["data"]["target"])
        assert {edge["data"]["source"], edge["data"]["target"]} <= nodes


def test_incoming_links_come_a_page_at_a_time(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    many = INCOMING_PAGE * 2 + 30
    trig = "@prefix ex: <http://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    trig += "".join(f'<resource/p{n:03}> ex:knows <resource/hub> ; rdfs:label "P {n:03}" .\n'
                    for n in range(many))
    make_publication(tmp_path / "dist", base, trig)
    server = start_server(tmp_path / "dist", port, tmp_path / "serve.log", workers=1,
                          env={"KG_ACCESS_LOG": "off"})
    try:
        def listed(**params: str) -> tuple[list[str], str]:
            reply = requests.get(f"{base}page/resource/hub", params=params, headers=HTML, timeout=30)
            assert reply.status_code == 200
            incoming = section(reply.text, "incoming")
            return re.findall(r">P (\d{3})<", incoming), incoming

        first, body = listed()
        assert first == [f"{n:03}" for n in range(INCOMING_PAGE)]
        assert "Page 1 of 3" in body and 'rel="next" href="?incoming=2#incoming"' in body
        last, body = listed(incoming="3")
        assert last == [f"{n:03}" for n in range(2 * INCOMING_PAGE, many)]
        assert 'rel="prev"' in body and 'rel="next"' not in body
        bad = requests.get(f"{base}page/resource/hub", params={"incoming": "0"}, headers=HTML,
                           timeout=30)
        assert bad.status_code == 400 and "incoming must be a positive integer" in bad.text
    finally:
        server.stop()


def test_article_text_highlights_each_mention_with_its_entity_label(server_url, built, store):
    """As displaCy shows them: the mention linked to its entity, coloured by spaCy's label,
    which CSS draws after the name (the sentence's text stays the article's)."""
    found = rows(store, built, """
        SELECT ?a ?e ?text { ?m itsrdf:taIdentRef ?e ; nif:referenceContext ?a ; nif:anchorOf ?text ;
          kg:nerLabel "PERSON" } ORDER BY ?a ?text LIMIT 1""")
    assert found
    body = page(server_url, built, found[0]["a"].value).text
    text = section(body, "text")
    href = found[0]["e"].value.replace(built.base_uri, built.base_uri + "page/")
    links = re.findall(rf'<a class="mention ent-PERSON" href="{re.escape(href)}"[^>]*'
                       rf'data-label="PERSON">([^<]*)</a>', text)
    assert html.unescape(found[0]["text"].value) in [html.unescape(x) for x in links]


def test_an_entity_s_events_are_its_timeline(server_url, built, store):
    """Every event the entity takes part in (agent, patient or recipient) is on its page, with
    its class and a link to the sentence it was read from; dated ones come first."""
    found = rows(store, built, """
        SELECT ?u (COUNT(DISTINCT ?e) AS ?n) { VALUES ?r { kg:agent kg:patient kg:recipient }
          ?e a kg:Event ; ?r ?u } GROUP BY ?u ORDER BY DESC(?n) ?u LIMIT 1""")
    assert found, "the seeds have events"
    entity, total = found[0]["u"].value, int(found[0]["n"].value)
    events = rows(store, built, f"""
        SELECT DISTINCT ?e ?sent {{ VALUES ?r {{ kg:agent kg:patient kg:recipient }}
          ?e a kg:Event ; ?r <{entity}> ; kg:sourceSentence ?sent }}""")
    timeline = section(page(server_url, built, entity).text, "events")
    assert f"Events ({total})" in timeline
    shown = re.findall(r'<li class="event">', timeline)
    assert len(shown) == min(total, 100)
    hrefs = set(re.findall(r'<span class="from">— <a href="([^"]+)"', timeline))
    expected = {r["sent"].value.replace(built.base_uri, built.base_uri + "page/") for r in events}
    assert hrefs == expected
    dates = re.findall(r'<span class="when">(?:<time datetime="([^"]+)">|undated)', timeline)
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[:len(dated)] == dated  # dated first, in order
