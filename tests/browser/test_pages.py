"""Headless Chromium (Debian's, driven by Selenium through the system chromedriver) against a
real `kg serve`: the pages as a person sees them. Screenshots go to tests/artifacts/.

Install the browser with: apt-get update && apt-get install -y chromium chromium-driver
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.release.publication import Publication

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Debian chromium and chromium-driver are not installed "
           "(apt-get install -y chromium chromium-driver)",
)
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1000")


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    return ox.Store.read_only(str(Publication.current(built.dist_dir).store_path))


def requested_urls(driver) -> list[str]:
    """Every URL the page asked the network for since the last call (DevTools log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def wait_for(driver, script: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for: {script}")


def local(url: str, server_url: str) -> bool:
    """Served by us, or never on the network (data:, blob:, the browser's own chrome://)."""
    if not url.startswith(("http:", "https:", "ws:", "wss:", "ftp:")):
        return True
    return url.startswith(server_url)


def test_home_loads_without_errors_or_external_requests(browser, server_url):
    requested_urls(browser), console_errors(browser)  # drop earlier entries
    browser.get(server_url)
    wait_for(browser, "return document.querySelector('.yasgui .CodeMirror') !== null")
    time.sleep(1)  # let anything the editor would load lazily start loading
    urls = requested_urls(browser)
    assert urls and all(local(u, server_url) for u in urls), [u for u in urls
                                                              if not local(u, server_url)]
    assert console_errors(browser) == []
    assert browser.find_element("css selector", "form.plain-editor").is_displayed() is False
    completers = browser.execute_script(
        "return window.newskgYasgui.getTab().getYasqe().config.autocompleters")
    assert "class" not in completers and "property" not in completers  # they call the LOV API
    assert browser.execute_script(
        "return window.newskgYasgui.getTab().getYasqe().config.prefixCcApi") is None
    browser.save_screenshot(str(ARTIFACTS / "home.png"))


def test_query_in_the_editor_shows_result_rows(browser, server_url, store, built):
    browser.get(server_url)
    wait_for(browser, "return !!(window.newskgYasgui && window.newskgYasgui.getTab())")
    query = (f"PREFIX kg: <{built.base_uri}ontology#>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "SELECT ?entity ?label WHERE { ?entity a kg:Entity ; rdfs:label ?label }\n"
             "ORDER BY ?label LIMIT 7")
    editor = browser.find_element("css selector", ".yasqe .CodeMirror textarea")
    browser.execute_script("window.newskgYasgui.getTab().getYasqe().setValue('')")
    editor.send_keys(query.replace("{", "{ ").replace("}", " }"))
    typed = browser.execute_script("return window.newskgYasgui.getTab().getYasqe().getValue()")
    # the editor may add closing braces as it goes; make the text exactly the query we mean
    if " ".join(typed.split()) != " ".join(query.replace("{", "{ ").replace("}", " }").split()):
        browser.execute_script("window.newskgYasgui.getTab().getYasqe().setValue(arguments[0])",
                               query)
    browser.find_element("css selector", ".yasqe_queryButton").click()
    rows = wait_for(browser, "var r = document.querySelectorAll('.yasr tbody tr');"
                             "return r.length && r.length;")
    labels = sorted({q.object.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None, None)
        if any(True for _ in store.quads_for_pattern(
            q.subject, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode(built.base_uri + "ontology#Entity"), None))})
    assert rows == min(7, len(labels))
    table = browser.find_element("css selector", ".yasr tbody").text
    assert labels[0] in table
    assert console_errors(browser) == []
    assert all(local(u, server_url) for u in requested_urls(browser))
    browser.execute_script("document.querySelector('.yasr').scrollIntoView()")
    browser.save_screenshot(str(ARTIFACTS / "yasgui-results.png"))


def test_resource_page_shows_labels_and_source_sentences(browser, server_url, store, built):
    rows = list(store.query(
        """SELECT ?s ?label ?text WHERE {
             ?a a kg:Assertion ; rdf:subject ?s ; kg:sourceSentence/nif:anchorOf ?text .
             ?s skos:prefLabel ?label } ORDER BY ?s ?text LIMIT 1""",
        prefixes={"kg": built.base_uri + "ontology#",
                  "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                  "skos": "http://www.w3.org/2004/02/skos/core#",
                  "nif": "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"}))
    if not rows:
        raise AssertionError("the seed publication has no fact with a source sentence")
    iri, label, sentence = (r.value for r in rows[0])
    browser.get(iri)  # the URI itself: 303 to the page
    assert browser.current_url.startswith(built.base_uri + "page/")
    assert browser.find_element("tag name", "h1").text == label
    body = browser.find_element("tag name", "body").text
    assert " ".join(sentence.split()) in " ".join(body.split())
    link = browser.find_element("css selector", "ul.sources a[href*='#char=']")
    browser.save_screenshot(str(ARTIFACTS / "resource.png"))
    link.click()  # lands on the sentence in its article
    wait_for(browser, "return location.hash.startsWith('#char=')")
    target = browser.execute_script("return document.querySelector(':target').textContent")
    assert " ".join(target.split()) == " ".join(
        browser.execute_script("return document.getElementById(location.hash.slice(1))"
                               ".textContent").split())
    browser.save_screenshot(str(ARTIFACTS / "article.png"))
    assert console_errors(browser) == []


def test_docs_pages_render(browser, server_url):
    for name in ("ontology", "shapes", "validation", "shacl", "resource/"):
        browser.get(server_url + name)
        assert browser.find_element("tag name", "h1").text
        shot = "entities" if name == "resource/" else name
        browser.save_screenshot(str(ARTIFACTS / f"{shot}.png"))
    assert console_errors(browser) == []


def test_entity_page_draws_its_neighbourhood(browser, server_url, store, built):
    """The picture is drawn by the vendored Cytoscape.js from the page's own data, with every
    node and edge the data names, nothing fetched from elsewhere and no console error."""
    speaker = next(iter(store.query(
        f"SELECT ?s (COUNT(?q) AS ?n) {{ ?q a <{built.base_uri}ontology#Quotation> ; "
        f"<{built.base_uri}ontology#speaker> ?s }} GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1")))["s"]
    requested_urls(browser), console_errors(browser)  # drop earlier entries
    browser.get(server_url + "page/" + speaker.value[len(built.base_uri):])
    nodes = wait_for(browser, "var h = document.getElementById('neighbourhood-picture');"
                              "return h && h.getAttribute('data-nodes');")
    data = json.loads(browser.execute_script(
        "return document.getElementById('neighbourhood-data').textContent"))
    assert int(nodes) == len(data["nodes"]) > 1
    assert int(browser.execute_script(
        "return document.getElementById('neighbourhood-picture').getAttribute('data-edges')")) \
        == len(data["edges"])
    # something was painted: some canvas pixel is not transparent
    painted = browser.execute_script("""
        var total = 0;
        document.querySelectorAll('#neighbourhood-picture canvas').forEach(function (c) {
          var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (var i = 3; i < px.length; i += 4) { if (px[i] !== 0) { total++; } }
        });
        return total;""")
    assert painted > 500
    assert console_errors(browser) == []
    assert all(local(u, server_url) for u in requested_urls(browser))
    browser.execute_script("document.getElementById('neighbourhood').scrollIntoView()")
    browser.save_screenshot(str(ARTIFACTS / "entity-neighbourhood.png"))
