"""The home page: counts from the store, dump links that work, example queries that run, and a
query editor whose assets are all served locally."""

from __future__ import annotations

import html as html_lib
import re
import urllib.parse

import pyoxigraph as ox
import pytest
import requests

from kg.release.publication import DUMPS, Publication


@pytest.fixture(scope="module")
def home(server_url) -> requests.Response:
    r = requests.get(server_url, headers={"Accept": "text/html"}, timeout=30)
    assert r.status_code == 200
    return r


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    return ox.Store.read_only(str(Publication.current(built.dist_dir).store_path))


def count_on_page(page: str, name: str) -> int:
    match = re.search(rf'id="count-{name}">([\d,]+)<', page)
    assert match, name
    return int(match.group(1).replace(",", ""))


def scalar(store: ox.Store, sparql: str, base: str) -> int:
    rows = list(store.query(sparql,
                            prefixes={"kg": base + "ontology#"}))
    return int(rows[0]["n"].value)


def test_counts_come_from_the_store(home, store, built):
    page = home.text
    triples = len({q.triple for q in store.quads_for_pattern(None, None, None, None)})
    assert count_on_page(page, "triples") == triples
    assert count_on_page(page, "entities") == scalar(
        store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Entity }", built.base_uri)
    assert count_on_page(page, "articles") == scalar(
        store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Article }", built.base_uri)
    assert count_on_page(page, "facts") == scalar(
        store, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kg:Assertion }", built.base_uri)


def test_dump_links_download(home, server_url):
    for name in DUMPS:
        for file in (name, name + ".gz"):
            assert f'href="/dumps/{file}"' in home.text
            r = requests.get(server_url + "dumps/" + file, timeout=30, stream=True)
            assert r.status_code == 200, file
            r.close()


def test_the_feed_fragments_and_search_are_linked_and_answer(home, server_url, built):
    """Mirrors and crawlers find the change feed (also by autodiscovery), TPF and search from
    the home page; each link answers."""
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" href="/feed.atom"',
                     home.text)
    for path, media in (("feed.atom", "application/atom+xml"), ("releases/", "text/html"),
                        ("fragments", "text/html"), ("search", "text/html")):
        assert f'href="/{path}"' in home.text, path
        r = requests.get(server_url + path, headers={"Accept": media}, timeout=30)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(media), path
    page = requests.get(server_url + "releases/", headers={"Accept": "text/html"}, timeout=30)
    current = Publication.current(built.dist_dir)
    assert current is not None and f'id="{current.release_id}"' in page.text
    assert f"/releases/{current.release_id}/kg.nq" in page.text


def _examples(page: str) -> list[tuple[str, str]]:
    editor = re.findall(r'class="open-editor" href="/\?([^"]+)"', page)
    plain = re.findall(r'class="run-plain" href="/(sparql\?[^"]+)"', page)
    assert editor and len(editor) == len(plain)
    return list(zip(editor, plain, strict=True))


def test_every_example_query_runs(home, server_url):
    for editor, plain in _examples(home.text):
        query = urllib.parse.parse_qs(html_lib.unescape(editor))["query"][0]
        assert urllib.parse.parse_qs(html_lib.unescape(plain).split("?", 1)[1])["query"][0] == query
        r = requests.get(server_url + html_lib.unescape(plain), timeout=60,
                         headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, (query, r.text[:500])
        assert "results" in r.json()


def test_an_example_returns_rows(home, server_url, store, built):
    """'Entities by type' answers one row per type the store has."""
    editor, plain = _examples(home.text)[0]
    r = requests.get(server_url + html_lib.unescape(plain), timeout=60,
                     headers={"Accept": "application/sparql-results+json"})
    types = scalar(store, "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?e a kg:Entity ; a ?t "
                          "FILTER(?t != kg:Entity) }", built.base_uri)
    assert len(r.json()["results"]["bindings"]) == types > 0


def test_open_in_editor_prefills_the_query(home, server_url):
    editor, _ = _examples(home.text)[1]
    query = urllib.parse.parse_qs(html_lib.unescape(editor))["query"][0]
    page = requests.get(server_url + "?" + html_lib.unescape(editor), timeout=30).text
    textarea = re.search(r'<textarea id="plain-query"[^>]*>(.*?)</textarea>', page, re.S)
    assert html_lib.unescape(textarea.group(1)) == query


def test_editor_assets_are_local_and_served(home, server_url):
    page = home.text
    sources = re.findall(r'<script[^>]+src="([^"]+)"', page)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert any(s.endswith("vendor/yasgui/yasgui.min.js") for s in sources)
    assert any(s.endswith("vendor/yasgui/yasgui.min.css") for s in styles)
    for url in sources + styles:
        assert url.startswith("/"), f"{url} is not served by us"
        r = requests.get(urllib.parse.urljoin(server_url, url), timeout=30)
        assert r.status_code == 200 and len(r.content) > 100, url
    assert "script-src 'self'" in home.headers["Content-Security-Policy"]


def test_page_works_without_javascript(home):
    """The plain form posts to the endpoint, so the editor degrades to a textarea."""
    assert re.search(r'<form class="plain-editor" method="get" action="/sparql">', home.text)
    assert '<textarea id="plain-query" name="query"' in home.text


def test_the_limits_are_stated_from_the_running_configuration(home):
    from server.limits import Limits

    limits = Limits.from_env()  # the test server runs with the same environment
    text = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", "", home.text)))
    assert f"stopped after {limits.query_timeout:g} seconds" in text
    assert f"results stop at {limits.max_rows:,} rows or triples" in text
    assert "X-KG-Truncated" in text
