"""The change feed as a mirror uses it: build the seeds, `kg add` an article (which publishes a
second release), then read /feed.atom from a real server, download the old dump and the new
release's patches by their versioned URLs, apply them and get the new kg.nq byte for byte."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.release.changes import apply, diff_files, diff_sorted
from kg.release.publication import Publication
from kg.settings import PROJECT_ROOT
from tests.server.conftest import fetch, free_port, start_server

ATOM = "{http://www.w3.org/2005/Atom}"
NEW_ARTICLE = PROJECT_ROOT / "tests" / "news" / "brazil_stf_mining_ruling.txt"


def kg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=600, cwd=PROJECT_ROOT)


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory):
    """(server URL, first publication, second publication) after `kg build` and `kg add`."""
    work = tmp_path_factory.mktemp("feed")
    corpus = work / "corpus"
    corpus.mkdir()
    for seed in PROJECT_ROOT.joinpath("seeds").iterdir():
        if seed.suffix in (".txt", ".ttl"):
            shutil.copy(seed, corpus / seed.name)
    port = free_port()
    env = {"KG_SEEDS": str(corpus), "KG_DIST": str(work / "dist"), "KG_WORKERS": "1",
           "KG_BASE_URI": f"http://127.0.0.1:{port}/"}
    built = kg("build", "-q", env=env)
    assert built.returncode == 0, built.stderr
    first = Publication.current(work / "dist")
    added = kg("add", str(NEW_ARTICLE), env=env)
    assert added.returncode == 0, added.stderr
    second = Publication.current(work / "dist")
    assert first is not None and second is not None and first.root != second.root
    server = start_server(work / "dist", port, work / "serve.log", workers=1,
                          env={"KG_ACCESS_LOG": "off"})
    yield server.url, first, second
    server.stop()


def entries(url: str) -> list[ET.Element]:
    reply = fetch(f"{url}feed.atom")
    assert reply.status == 200
    assert reply.header("Content-Type").startswith("application/atom+xml")
    return ET.fromstring(reply.body).findall(f"{ATOM}entry")


def links(entry: ET.Element) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for link in entry.findall(f"{ATOM}link"):
        found.setdefault(link.get("rel", ""), []).append(link.get("href", ""))
    return found


def test_the_feed_has_one_entry_per_release_newest_first(two_releases):
    url, first, second = two_releases
    feed = entries(url)
    assert [e.findtext(f"{ATOM}id") for e in feed] == [
        f"{url}releases/{second.release_id}/", f"{url}releases/{first.release_id}/"]
    newest = links(feed[0])
    assert newest["predecessor-version"] == [f"{url}releases/{first.release_id}/"]
    assert f"{url}releases/{second.release_id}/changes.added.nq" in newest["related"]
    assert f"{url}releases/{second.release_id}/kg.nq" in newest["enclosure"]
    assert "predecessor-version" not in links(feed[1])  # the first release has no patch


def test_the_patch_turns_the_old_dump_into_the_new_one_exactly(two_releases):
    url, first, second = two_releases
    feed = links(entries(url)[0])
    (added_url,) = [h for h in feed["related"] if h.endswith("changes.added.nq")]
    (removed_url,) = [h for h in feed["related"] if h.endswith("changes.removed.nq")]
    old = fetch(f"{url}releases/{first.release_id}/kg.nq")
    added, removed = fetch(added_url), fetch(removed_url)
    new = fetch(f"{url}releases/{second.release_id}/kg.nq")
    assert {r.status for r in (old, added, removed, new)} == {200}
    assert new.body == (second.root / "kg.nq").read_bytes()
    assert added.body, "a new article adds quads"
    # applied as a mirror would with no help from us: sets of lines, then a byte-order sort
    lines = (set(old.body.splitlines(keepends=True)) - set(removed.body.splitlines(keepends=True))
             | set(added.body.splitlines(keepends=True)))
    assert b"".join(sorted(lines)) == new.body
    # and with our own streaming apply
    assert b"".join(apply(old.body.splitlines(keepends=True), added.body.splitlines(keepends=True),
                          removed.body.splitlines(keepends=True))) == new.body


def test_the_counts_match_the_patches(two_releases):
    url, first, second = two_releases
    change = second.manifest["changes"]
    old = set((first.root / "kg.nq").read_bytes().splitlines())
    new = set((second.root / "kg.nq").read_bytes().splitlines())
    assert change == {"previous": first.release_id, "added": len(new - old),
                      "removed": len(old - new)}
    assert change["added"] == len((second.root / "changes.added.nq").read_bytes().splitlines())
    summary = entries(url)[0].findtext(f"{ATOM}summary")
    assert f"{change['added']} quads added and {change['removed']} removed" in summary
    listing = fetch(f"{url}releases/{second.release_id}/")
    assert listing.status == 200 and b'"added"' in listing.body


def test_void_states_the_version_its_date_and_the_previous_one(two_releases):
    url, first, second = two_releases
    reply = fetch(f"{url}releases/{second.release_id}/void.ttl")
    assert reply.status == 200
    triples = list(ox.parse(reply.body, format=ox.RdfFormat.TURTLE))
    dataset, version = f"{url}dataset", f"{url}releases/{second.release_id}/"

    def objects(s: str, p: str) -> list[str]:
        return [t.object.value for t in triples if t.subject.value == s and t.predicate.value == p]

    assert objects(dataset, "http://www.w3.org/2002/07/owl#versionInfo") == [second.release_id]
    assert objects(dataset, "http://purl.org/dc/terms/hasVersion") == [version]
    assert objects(dataset, "http://purl.org/dc/terms/modified") == [second.manifest["created"]]
    assert objects(version, "http://www.w3.org/ns/prov#wasRevisionOf") == [
        f"{url}releases/{first.release_id}/"]
    assert f"{version}kg.nq" in objects(version, "http://rdfs.org/ns/void#dataDump")


def test_release_files_are_immutable_and_unknown_ones_404(two_releases):
    url, first, _ = two_releases
    file_url = f"{url}releases/{first.release_id}/kg.ttl"
    reply = fetch(file_url)
    assert reply.status == 200 and "immutable" in reply.header("Cache-Control")
    assert fetch(file_url, headers={"If-None-Match": reply.header("ETag")}).status == 304
    for path in (f"releases/{first.release_id}/store", f"releases/{first.release_id}/../x",
                 "releases/20990101T000000000000Z-000000000000/kg.nq", "releases/nonsense/"):
        missing = fetch(url + path)
        assert missing.status == 404, path
    assert first.release_id in fetch(f"{url}releases/nonsense/").text  # says what is kept


def test_diff_of_sorted_files_against_set_difference(tmp_path: Path):
    """The merge against plain set arithmetic on random sorted files, empty ones included."""
    rng = random.Random(13)
    universe = [f"<http://e/{i}> <http://e/p> \"{i}\" .\n".encode() for i in range(300)]
    for _ in range(50):
        old = sorted(set(rng.sample(universe, rng.randint(0, 200))))
        new = sorted(set(rng.sample(universe, rng.randint(0, 200))))
        (tmp_path / "old").write_bytes(b"".join(old))
        (tmp_path / "new").write_bytes(b"".join(new))
        counts = diff_sorted(tmp_path / "old", tmp_path / "new", tmp_path / "a", tmp_path / "r")
        plus = (tmp_path / "a").read_bytes().splitlines(keepends=True)
        minus = (tmp_path / "r").read_bytes().splitlines(keepends=True)
        assert plus == sorted(set(new) - set(old)) and minus == sorted(set(old) - set(new))
        assert counts == (len(plus), len(minus))
        assert list(apply(old, plus, minus)) == new
        assert diff_files(tmp_path / "old", tmp_path / "new", tmp_path / "a2", tmp_path / "r2") \
            == counts  # the build's comm pass writes the same patch
        assert (tmp_path / "a2").read_bytes() == (tmp_path / "a").read_bytes()
        assert (tmp_path / "r2").read_bytes() == (tmp_path / "r").read_bytes()
