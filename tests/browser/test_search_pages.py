"""Search as a person uses it, in headless Chromium against the real `kg serve` of the seeds: the
search box every page has, the results page and its links, and entity-name completion in the
YASGUI query editor. Screenshots go to tests/artifacts/ (search.png, search-complete.png)."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from tests.browser import test_pages
from tests.browser.test_pages import ARTIFACTS, console_errors, local, requested_urls, wait_for

pytestmark = test_pages.pytestmark
browser = test_pages.browser  # the module's Chromium fixture, shared


def test_the_search_box_leads_to_marked_hits_that_link_to_their_sentence(browser, server_url):
    requested_urls(browser), console_errors(browser)  # drop earlier entries
    browser.get(server_url + "resource/")
    box = browser.find_element("css selector", "header.site #site-q")
    box.send_keys("prison", Keys.ENTER)
    wait_for(browser, "return document.querySelectorAll('ol.hits li.hit').length > 0")
    assert "/search?q=prison" in browser.current_url
    marks = browser.execute_script(
        "return Array.from(document.querySelectorAll('ol.hits mark')).map(m => m.textContent)")
    assert marks and all(m.lower().startswith("prison") for m in marks)
    browser.save_screenshot(str(ARTIFACTS / "search.png"))
    sentence = browser.find_element("css selector", "li.hit-sentence a.hit-title")
    words = " ".join(browser.find_element("css selector", "li.hit-sentence p.snippet")
                     .text.replace("…", " ").split())
    sentence.click()
    wait_for(browser, "return location.hash.startsWith('#char=')")
    target = browser.execute_script(
        "var t = document.getElementById(decodeURIComponent(location.hash.slice(1)));"
        "return t && t.textContent")
    assert target and words.split()[0] in target
    assert console_errors(browser) == []
    assert all(local(u, server_url) for u in requested_urls(browser))


def test_a_bad_search_shows_the_problem_on_the_page(browser, server_url):
    browser.get(server_url + "search?q=" + "rubio%20AND")
    error = browser.find_element("css selector", "#search-error").text
    assert "not valid" in error


def test_the_query_editor_completes_entity_names(browser, server_url, built):
    console_errors(browser)  # drop earlier entries (the 400 above is meant)
    browser.get(server_url)
    wait_for(browser, "return !!(window.newskgYasgui && window.newskgYasgui.getTab())")
    assert "entities" in browser.execute_script(
        "return window.newskgYasgui.getTab().getYasqe().config.autocompleters")
    browser.execute_script(
        "var y = window.newskgYasgui.getTab().getYasqe(); y.setValue('SELECT * WHERE {\\n  ');"
        "y.focus(); y.setCursor(y.lineCount() - 1, 2);")
    editor = browser.find_element("css selector", ".yasqe .CodeMirror textarea")
    editor.send_keys("res:Rub")
    hints = wait_for(browser, "var h = document.querySelectorAll('.CodeMirror-hints li');"
                              "return h.length && Array.from(h).map(e => e.textContent);")
    assert any(h.startswith("res:Marco_Rubio") and "Marco Rubio" in h for h in hints), hints
    browser.save_screenshot(str(ARTIFACTS / "search-complete.png"))
    editor.send_keys(Keys.ENTER)
    text = wait_for(browser, "var v = window.newskgYasgui.getTab().getYasqe().getValue();"
                             "return v.indexOf('res:Marco_Rubio') >= 0 && v;")
    # typing res: declared our namespace, not the bundled table's (DBpedia's) res:
    assert f"PREFIX res: <{built.base_uri}resource/>" in text
    assert console_errors(browser) == []
