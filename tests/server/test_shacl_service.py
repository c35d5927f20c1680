"""The /shacl validation service through real HTTP: reports in each format, and each error."""

from __future__ import annotations

import json

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.release.publication import SHAPES_FILE, Publication
from kg.vocab import SH
from tests.browser import livesite


def post(url: str, body: bytes | str, content_type: str | None, accept: str | None = None,
         **kw) -> requests.Response:
    headers = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if accept is not None:
        headers["Accept"] = accept
    data = body.encode() if isinstance(body, str) else body
    return requests.post(url, data=data, headers=headers, timeout=60, **kw)


def report_of(r: requests.Response, fmt: str = "turtle") -> Graph:
    graph = Graph().parse(data=r.content, format=fmt)
    assert (None, RDF.type, SH.ValidationReport) in graph
    return graph


def conforms(report: Graph) -> bool:
    return next(report.objects(None, SH.conforms)).toPython()


@pytest.fixture(scope="module")
def violating(built) -> tuple[str, str, str]:
    """Data breaking a required property of some shape, found in the release's shapes:
    (turtle, focus IRI, path IRI)."""
    shapes = Graph().parse(Publication.current(built.dist_dir).file(SHAPES_FILE), format="turtle")
    for shape, cls in sorted(shapes.subject_objects(SH.targetClass)):
        for prop in shapes.objects(shape, SH.property):
            path, min_count = shapes.value(prop, SH.path), shapes.value(prop, SH.minCount)
            if isinstance(path, URIRef) and min_count is not None and int(min_count) > 0:
                focus = f"{built.base_uri}resource/Test_Focus_Node"
                return f"<{focus}> a <{cls}> .\n", focus, str(path)
    raise AssertionError("the release's shapes require no property: the test has nothing to break")


def test_form_page(server_url):
    r = requests.get(server_url + "shacl", timeout=30)
    assert r.status_code == 200
    assert '<textarea id="data" name="data"' in r.text
    assert '<option value="text/turtle">' in r.text


def test_published_data_conforms(server_url, built):
    """The release passed this validation before it was published, so it passes here too."""
    data = Publication.current(built.dist_dir).file("kg.ttl").read_bytes()
    r = post(server_url + "shacl", data, "text/turtle")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["Content-Type"].startswith("text/turtle")
    assert r.headers["X-SHACL-Conforms"] == "true"
    assert conforms(report_of(r))


def test_violation_is_reported(server_url, violating):
    data, focus, path = violating
    r = post(server_url + "shacl", data, "text/turtle")
    assert r.status_code == 200
    assert r.headers["X-SHACL-Conforms"] == "false"
    report = report_of(r)
    assert not conforms(report)
    results = [res for res in report.subjects(SH.focusNode, URIRef(focus))
               if (res, SH.resultPath, URIRef(path)) in report]
    assert results
    assert (results[0], SH.resultSeverity, SH.Violation) in report


def test_json_ld_in_and_out(server_url, violating):
    data, focus, _ = violating
    as_jsonld = Graph().parse(data=data, format="turtle").serialize(format="json-ld")
    r = post(server_url + "shacl", as_jsonld, "application/ld+json", "application/ld+json")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/ld+json")
    json.loads(r.text)
    report = report_of(r, "json-ld")
    assert (None, SH.focusNode, URIRef(focus)) in report


def test_n_triples_in_and_out(server_url, violating):
    data, focus, _ = violating
    as_nt = Graph().parse(data=data, format="turtle").serialize(format="nt")
    r = post(server_url + "shacl", as_nt, "application/n-triples", "application/n-triples")
    assert r.status_code == 200
    assert (None, SH.focusNode, URIRef(focus)) in report_of(r, "nt")


def test_unsupported_media_type_is_415(server_url):
    r = post(server_url + "shacl", "x", "image/png")
    assert r.status_code == 415
    assert "image/png" in r.text and "text/turtle" in r.text
    assert post(server_url + "shacl", "x", None).status_code == 415


def test_syntax_error_is_400_with_the_parsers_message(server_url):
    r = post(server_url + "shacl", "<http://example.org/a> <http://example.org/b> .\n",
             "text/turtle")
    assert r.status_code == 400
    assert "syntax error" in r.text and "line 1" in r.text


def test_remote_json_ld_context_is_not_fetched(server_url):
    doc = '{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a"}'
    r = post(server_url + "shacl", doc, "application/ld+json")
    assert r.status_code == 400
    assert "context" in r.text


def test_too_large_is_413(server_url):
    big = "# " + "x" * 1_000_100 + "\n"
    r = post(server_url + "shacl", big, "text/turtle")
    assert r.status_code == 413
    assert "1000000" in r.text and "KG_SHACL_MAX_BYTES" in r.text


def test_bad_inference_is_400(server_url):
    r = post(server_url + "shacl?inference=magic", "", "text/turtle")
    assert r.status_code == 400 and "inference" in r.text


def test_unacceptable_report_format_is_406(server_url):
    assert post(server_url + "shacl", "", "text/turtle", "image/png").status_code == 406


def test_html_form_post_gets_a_page(server_url, violating):
    data, focus, _ = violating
    r = requests.post(server_url + "shacl", data={"data": data, "format": "text/turtle",
                                                  "inference": "none"},
                      headers={"Accept": "text/html"}, timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "Conforms: no" in r.text
    assert focus[len(focus) - len("Test_Focus_Node"):] in r.text


def test_time_limit_stops_validation_and_frees_the_worker(tmp_path_factory):
    port = livesite.free_port()
    base = f"http://127.0.0.1:{port}/"
    dist = tmp_path_factory.mktemp("slow") / "dist"
    livesite.publish_synthetic(dist, base)
    slow = Graph()
    for i in range(300):  # the synthetic SlowShape cross-joins every triple with every triple
        node = URIRef(f"http://example.org/test#thing{i}")
        slow.add((node, RDF.type, livesite.SLOW_CLASS))
        slow.add((node, URIRef("http://example.org/test#n"), Literal(i)))
    data = slow.serialize(format="turtle")
    with livesite.serve(dist, base, port, KG_SHACL_TIMEOUT="2") as url:
        r = post(url + "shacl", data, "text/turtle")
        assert r.status_code == 504
        assert "2 s limit" in r.text and "KG_SHACL_TIMEOUT" in r.text
        for _ in range(4):  # both workers still answer, quickly
            ok = post(url + "shacl", "", "text/turtle")
            assert ok.status_code == 200 and ok.headers["X-SHACL-Conforms"] == "true"


def test_multipart_file_upload_from_the_form(server_url, violating):
    data, focus, _ = violating
    r = requests.post(server_url + "shacl", files={"file": ("mine.ttl", data.encode())},
                      data={"format": "text/turtle"}, headers={"Accept": "text/turtle"},
                      timeout=60)
    assert r.status_code == 200
    assert (None, SH.focusNode, URIRef(focus)) in report_of(r)


def test_memory_limit_gives_a_clear_error(tmp_path_factory):
    port = livesite.free_port()
    base = f"http://127.0.0.1:{port}/"
    dist = tmp_path_factory.mktemp("small-memory") / "dist"
    livesite.publish_synthetic(dist, base)
    data = "".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i:040d}\" .\n"
                   for i in range(9000))  # ~0.8 MB: parsing alone needs fresh memory
    with livesite.serve(dist, base, port, KG_SHACL_MAX_MEMORY=str(64 * 1024**2)) as url:
        r = post(url + "shacl", data, "text/turtle")
        # 413 when Python raises MemoryError; 500 when a native allocation aborts the child
        assert r.status_code in (413, 500)
        assert "KG_SHACL_MAX_MEMORY" in r.text
        # the server still answers: 64 MiB is near what a forked validator already maps, so
        # even an empty document may not fit, but then it says so
        again = post(url + "shacl", "", "text/turtle")
        assert again.status_code == 200 or (again.status_code in (413, 500)
                                            and "KG_SHACL_MAX_MEMORY" in again.text)
        assert requests.get(url + "healthz", timeout=10).status_code == 200
