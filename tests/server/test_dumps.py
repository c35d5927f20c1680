"""Dumps over HTTP: media types, listing, validators, conditional and range requests, HEAD."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest

from kg.release.publication import DUMPS, Publication
from tests.server.conftest import fetch

NAMES = [n for name in DUMPS for n in (name, f"{name}.gz")]


@pytest.fixture(scope="module")
def publication(built) -> Publication:
    found = Publication.current(built.dist_dir)
    assert found is not None
    return found


@pytest.mark.parametrize("name", NAMES)
def test_each_dump_is_the_release_file_with_its_media_type(server_url, publication, name):
    reply = fetch(f"{server_url}dumps/{name}")
    assert reply.status == 200
    expected = (publication.root / name).read_bytes()
    assert reply.body == expected
    assert int(reply.header("Content-Length")) == len(expected)
    content_type = reply.header("Content-Type").split(";")[0]
    if name.endswith(".gz"):
        assert content_type == "application/gzip"
        assert reply.header("Content-Encoding") is None  # a file to download, not an encoding
        assert reply.header("Content-Disposition").startswith("attachment")
        assert publication.release_id in reply.header("Content-Disposition")
        assert gzip.decompress(reply.body) == (publication.root / name[:-3]).read_bytes()
    else:
        assert content_type == DUMPS[name][1]
        if content_type.startswith("text/"):  # one charset parameter, not two
            assert reply.header("Content-Type") == f"{content_type}; charset=utf-8"
        assert reply.header("Content-Disposition").startswith("inline")
    sha = publication.manifest["files"][name]["sha256"]
    assert hashlib.sha256(reply.body).hexdigest() == sha
    assert reply.header("ETag") == f'"{sha}"'
    assert reply.header("Last-Modified")
    assert reply.header("Accept-Ranges") == "bytes"


def test_a_dump_asked_for_with_gzip_is_sent_encoded(server_url, publication):
    """Clients that dereference /dumps/kg.ttl (Comunica) get the pre-compressed copy as a
    Content-Encoding of Turtle, with that copy's own ETag; ranges count its bytes."""
    reply = fetch(f"{server_url}dumps/kg.ttl", headers={"Accept-Encoding": "gzip, br"})
    assert reply.status == 200
    assert reply.header("Content-Encoding") == "gzip"
    assert reply.header("Content-Type") == "text/turtle; charset=utf-8"
    assert "Accept-Encoding" in reply.header("Vary")
    assert gzip.decompress(reply.body) == (publication.root / "kg.ttl").read_bytes()
    assert reply.body == (publication.root / "kg.ttl.gz").read_bytes()
    assert reply.header("ETag") == f'"{publication.manifest["files"]["kg.ttl.gz"]["sha256"]}"'
    part = fetch(f"{server_url}dumps/kg.ttl", headers={"Accept-Encoding": "gzip",
                                                       "Range": "bytes=0-9"})
    assert part.status == 206 and part.body == (publication.root / "kg.ttl.gz").read_bytes()[:10]


def test_a_dump_without_gzip_is_sent_as_it_is(server_url, publication):
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0, br"}):
        reply = fetch(f"{server_url}dumps/kg.ttl", headers=headers)
        assert reply.header("Content-Encoding") is None, headers
        assert "Accept-Encoding" in reply.header("Vary")
        assert reply.body == (publication.root / "kg.ttl").read_bytes()
    download = fetch(f"{server_url}dumps/kg.ttl.gz", headers={"Accept-Encoding": "gzip"})
    assert download.header("Content-Encoding") is None
    assert download.header("Content-Type") == "application/gzip"


def test_if_none_match_gives_304(server_url):
    first = fetch(f"{server_url}dumps/kg.nt")
    again = fetch(f"{server_url}dumps/kg.nt", headers={"If-None-Match": first.header("ETag")})
    assert again.status == 304 and again.body == b""
    assert again.header("ETag") == first.header("ETag")
    other = fetch(f"{server_url}dumps/kg.nt", headers={"If-None-Match": '"something-else"'})
    assert other.status == 200


def test_if_modified_since_gives_304(server_url):
    first = fetch(f"{server_url}dumps/kg.trig")
    stamp = first.header("Last-Modified")
    assert fetch(f"{server_url}dumps/kg.trig", headers={"If-Modified-Since": stamp}).status == 304
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert fetch(f"{server_url}dumps/kg.trig", headers={"If-Modified-Since": old}).status == 200


def test_range_requests(server_url, publication):
    data = (publication.root / "kg.nq").read_bytes()
    first = fetch(f"{server_url}dumps/kg.nq", headers={"Range": "bytes=0-99"})
    assert first.status == 206
    assert first.body == data[:100]
    assert first.header("Content-Range") == f"bytes 0-99/{len(data)}"
    tail = fetch(f"{server_url}dumps/kg.nq", headers={"Range": "bytes=-50"})
    assert tail.status == 206 and tail.body == data[-50:]
    middle = fetch(f"{server_url}dumps/kg.nq", headers={"Range": "bytes=10-19"})
    assert middle.body == data[10:20]
    beyond = fetch(f"{server_url}dumps/kg.nq", headers={"Range": f"bytes={len(data) + 10}-"})
    assert beyond.status == 416
    assert beyond.header("Content-Range") == f"bytes */{len(data)}"


def test_if_range_with_a_stale_etag_sends_the_whole_file(server_url, publication):
    data = (publication.root / "kg.nq").read_bytes()
    reply = fetch(f"{server_url}dumps/kg.nq",
                  headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert reply.status == 200 and reply.body == data


def test_head_gives_the_headers_without_the_body(server_url, publication):
    reply = fetch(f"{server_url}dumps/kg.jsonld.gz", "HEAD")
    assert reply.status == 200 and reply.body == b""
    assert int(reply.header("Content-Length")) == (publication.root / "kg.jsonld.gz").stat().st_size
    assert reply.header("Content-Type") == "application/gzip"


def test_listing_as_json_and_html(server_url, publication):
    reply = fetch(f"{server_url}dumps/", headers={"Accept": "application/json"})
    assert reply.status == 200
    listing = json.loads(reply.body)
    assert listing["release"] == publication.release_id
    assert [f["name"] for f in listing["files"]] == NAMES
    for entry in listing["files"]:
        assert entry["sha256"] == publication.manifest["files"][entry["name"]]["sha256"]
        assert fetch(server_url.rstrip("/") + entry["url"], "HEAD").status == 200
    html = fetch(f"{server_url}dumps/", headers={"Accept": "text/html"})
    assert html.header("Content-Type").startswith("text/html")
    assert all(f'href="/dumps/{name}"' in html.text for name in NAMES)


@pytest.mark.parametrize("name", ["kg.csv", "manifest.json", "..%2Fmanifest.json", "store"])
def test_unknown_names_are_404(server_url, name):
    reply = fetch(f"{server_url}dumps/{name}")
    assert reply.status == 404
    assert b"sha256" not in reply.body  # nothing outside the dumps leaks out


def test_dump_follows_a_new_release(tmp_path, launch):
    from tests.server.conftest import EX, free_port, make_publication

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    first = make_publication(tmp_path / "dist", base, f"<{EX}a> <{EX}p> 1 .")
    server = launch(tmp_path / "dist", port, env={"KG_ACCESS_LOG": "off"})
    before = fetch(f"{server.url}dumps/kg.nt")
    assert before.body == (first.root / "kg.nt").read_bytes()
    second = make_publication(tmp_path / "dist", base, f"<{EX}a> <{EX}p> 2 .")
    assert Path(os.path.realpath(tmp_path / "dist")) == second.root
    after = fetch(f"{server.url}dumps/kg.nt", headers={"If-None-Match": before.header("ETag")})
    assert after.status == 200
    assert after.body == (second.root / "kg.nt").read_bytes() != before.body
