"""Ontology, shapes and validation-report documents: content negotiation and what the HTML shows,
checked against the release's own files through real HTTP."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.release.publication import ONTOLOGY_FILE, REPORT_FILE, SHAPES_FILE, Publication
from kg.vocab import SH
from tests.browser import livesite

FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


@pytest.fixture(scope="module")
def publication(built) -> Publication:
    return Publication.current(built.dist_dir)


def release_graph(publication: Publication, name: str) -> Graph:
    return Graph().parse(publication.file(name), format="turtle")


def get(url: str, accept: str | None = None) -> requests.Response:
    return requests.get(url, headers={"Accept": accept} if accept else {}, timeout=30)


# ------------------------------------------------------------------ ontology


def test_ontology_html_documents_every_term(server_url, publication, built):
    r = get(built.base_uri + "ontology", "text/html")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "Accept" in [v.strip() for v in r.headers["Vary"].split(",")]
    assert r.headers["Content-Location"] == built.base_uri + "ontology.html"
    onto = release_graph(publication, ONTOLOGY_FILE)
    ns = built.base_uri + "ontology#"
    terms = {s for s in onto.subjects(RDF.type, None) if str(s).startswith(ns)}
    assert terms
    for term in terms:  # every term has its fragment, so B/ontology#Term lands on it
        local = str(term)[len(ns):]
        assert f'id="{local}"' in r.text, local
        label = onto.value(term, RDFS.label)
        if label is not None:
            assert str(label) in r.text
    version = next(onto.objects(None, OWL.versionInfo))
    assert str(version) in r.text


def test_ontology_html_shows_hierarchy_and_standard_terms(server_url, publication, built):
    html = get(built.base_uri + "ontology", "text/html").text
    onto = release_graph(publication, ONTOLOGY_FILE)
    ns = built.base_uri + "ontology#"
    for sub, sup in onto.subject_objects(RDFS.subClassOf):
        if str(sub).startswith(ns) and not str(sup).startswith(ns):
            assert f'href="{sup}"' in html  # the standard term it maps to, linked
    assert 'aria-labelledby="tree-h"' in html


def test_ontology_examples_come_from_the_store(server_url, publication, built):
    html = get(built.base_uri + "ontology", "text/html").text
    store = ox.Store.read_only(str(publication.store_path))
    entity = built.base_uri + "ontology#Entity"
    count = len({q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode(str(RDF.type)), ox.NamedNode(entity), None)})
    section = html[html.index('id="Entity"'):]
    section = section[: section.index("</section>")]
    assert f"{count} instances" in section


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_ontology_rdf_by_accept_and_by_extension(server_url, publication, built, ext):
    media_type, fmt = FORMATS[ext]
    expected = len(release_graph(publication, ONTOLOGY_FILE))
    negotiated = get(built.base_uri + "ontology", media_type)
    assert negotiated.headers["Content-Type"].split(";")[0] == media_type
    assert negotiated.headers["Content-Location"] == f"{built.base_uri}ontology.{ext}"
    assert len(Graph().parse(data=negotiated.content, format=fmt)) == expected
    direct = get(f"{built.base_uri}ontology.{ext}")
    assert direct.status_code == 200
    assert len(Graph().parse(data=direct.content, format=fmt)) == expected


def test_ontology_turtle_is_the_release_file(server_url, publication, built):
    assert get(built.base_uri + "ontology.ttl").content == publication.file(ONTOLOGY_FILE).read_bytes()
    assert get(built.base_uri + "ontology", "*/*").headers["Content-Type"].startswith("text/turtle")


def test_ontology_errors(server_url, built):
    assert get(built.base_uri + "ontology", "image/png").status_code == 406
    assert get(built.base_uri + "ontology.exe").status_code == 404


def test_version_iri_dereferences(server_url, publication, built):
    onto = release_graph(publication, ONTOLOGY_FILE)
    version_iri = next(onto.objects(None, OWL.versionIRI))
    r = get(str(version_iri), "text/turtle")
    assert r.status_code == 200
    assert (None, OWL.versionIRI, version_iri) in Graph().parse(data=r.content, format="turtle")
    assert get(built.base_uri + "ontology/0.0.0-never", "text/turtle").status_code == 404


# ------------------------------------------------------------------ shapes


def test_shapes_html_shows_each_shape(server_url, publication, built):
    r = get(built.base_uri + "shapes", "text/html")
    assert r.status_code == 200 and "Accept" in [v.strip() for v in r.headers["Vary"].split(",")]
    shapes = release_graph(publication, SHAPES_FILE)
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    if not node_shapes:
        assert "publishes no shapes" in r.text
        return
    ns = built.base_uri + "shapes#"
    for shape in node_shapes:
        if isinstance(shape, URIRef) and str(shape).startswith(ns):
            assert f'id="{str(shape)[len(ns):]}"' in r.text
        for target in shapes.objects(shape, SH.targetClass):
            assert f'href="{target}"' in r.text
    for message in shapes.objects(None, SH.message):
        assert _escape(str(message)) in r.text


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_shapes_rdf(server_url, publication, built, ext):
    media_type, fmt = FORMATS[ext]
    r = get(built.base_uri + "shapes", media_type)
    assert r.status_code == 200
    parsed = Graph().parse(data=r.content, format=fmt)
    assert len(parsed) == len(release_graph(publication, SHAPES_FILE))


# ------------------------------------------------------------------ validation report


def test_validation_html_matches_the_release_report(server_url, publication, built):
    report = release_graph(publication, REPORT_FILE)
    r = get(built.base_uri + "validation", "text/html")
    assert r.status_code == 200
    verdict = next(report.objects(None, SH.conforms), None)
    if verdict is None:
        assert "No validation report" in r.text
        return
    expected = "yes" if verdict.toPython() else "no"
    assert f"Conforms: {expected}" in r.text
    for severity in ("Violation", "Warning", "Info"):
        n = len(set(report.subjects(SH.resultSeverity, SH[severity])))
        assert re.search(rf'<span class="n sev-{severity}">{n}</span>', r.text), severity
    focus = sorted({str(f) for f in report.objects(None, SH.focusNode)})[:50]
    for iri in focus:
        if iri.startswith(built.base_uri + "resource/"):
            assert built.base_uri + "page/" + iri[len(built.base_uri):] in r.text


def test_validation_turtle_is_the_release_file(server_url, publication, built):
    r = get(built.base_uri + "validation", "text/turtle")
    assert r.status_code == 200
    assert r.content == publication.file(REPORT_FILE).read_bytes()
    jsonld = get(built.base_uri + "validation.jsonld")
    assert len(Graph().parse(data=jsonld.content, format="json-ld")) == \
        len(release_graph(publication, REPORT_FILE))


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


# ------------------------------------------------------------------ exact content (synthetic)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """The synthetic publication, whose genuine pyshacl report has warnings."""
    port = livesite.free_port()
    base = f"http://127.0.0.1:{port}/"
    dist = tmp_path_factory.mktemp("synthetic-docs") / "dist"
    publication = livesite.publish_synthetic(dist, base)
    with livesite.serve(dist, base, port) as url:
        yield url, publication


def test_validation_page_lists_each_result(synthetic):
    url, publication = synthetic
    report = release_graph(publication, REPORT_FILE)
    warnings = sorted(str(f) for r in report.subjects(SH.resultSeverity, SH.Warning)
                      for f in report.objects(r, SH.focusNode))
    assert warnings  # the synthetic data has entities without aliases
    html = get(url + "validation", "text/html").text
    assert "Conforms: yes" in html
    assert f'<span class="n sev-Warning">{len(warnings)}</span>' in html
    results = html[html.index("<h2>Results</h2>"):]
    for focus in warnings:
        assert f'href="{url}page/{focus[len(url):]}"' in results
    assert results.count("An entity should have at least one alias.") == len(warnings)
    assert "<code>skos:altLabel</code>" in results


def test_shapes_page_renders_paths_and_sparql(synthetic):
    url, _ = synthetic
    html = get(url + "shapes", "text/html").text
    assert "<code>kg:sourceSentence/^rdf:type</code>" in html
    assert "SELECT $this WHERE" in html
    assert 'class="sev-Warning"' in html
    assert f'instances of <a href="{url}ontology#Entity"' in html


def test_without_a_publication_pages_say_so_and_docs_still_work(tmp_path):
    """Before the first build: 503 with the reason, never a crash; the ontology is still served
    from the source file under the server's base URI."""
    port = livesite.free_port()
    base = f"http://127.0.0.1:{port}/"
    with livesite.serve(tmp_path / "dist", base, port) as url:
        for path in ("", "resource/Anything", "resource/", "validation", "shacl"):
            r = get(url + path, "text/html")
            assert r.status_code == 503, path
            assert "kg build" in r.text and r.headers["Retry-After"]
        onto = get(url + "ontology", "text/turtle")
        assert onto.status_code == 200
        assert (URIRef(base + "ontology"), RDF.type, OWL.Ontology) in \
            Graph().parse(data=onto.content, format="turtle")
        assert get(url + "shapes", "text/html").status_code == 200
