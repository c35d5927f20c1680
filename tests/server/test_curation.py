"""Admin writes are curation: kept in the curation log and re-applied by every build.

A real `kg build` of the seeds, a real admin server (`kg serve` with KG_ADMIN_TOKEN) on
loopback: write through the Graph Store protocol and SPARQL Update, rebuild, and read the
writes back from the new release (store, dumps, pages); then a curation that breaks the
shapes must fail the build, name the patch, and leave the old release serving.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from datetime import datetime

import pyoxigraph as ox
import pytest

from kg.curation import curation_graph, read_log
from kg.pipeline import BuildError, build
from kg.release.publication import Publication
from kg.settings import PROJECT_ROOT, Settings
from tests.server.conftest import Server, fetch, free_port, query_url, start_server

TOKEN = "curation-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EDITOR = "editor@example.org"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Server]]:
    """The seeds built into a fresh folder, and an admin server over them."""
    work = tmp_path_factory.mktemp("curation")
    port = free_port()
    settings = Settings.from_env(base_uri=f"http://127.0.0.1:{port}/", dist_dir=work / "dist",
                                 seeds_dir=PROJECT_ROOT / "seeds")
    build(settings, progress=lambda _m: None)
    server = start_server(settings.dist_dir, port, work / "serve.log", workers=1,
                          env={"KG_ADMIN_TOKEN": TOKEN, "KG_ACCESS_LOG": "off"})
    yield settings, server
    server.stop()


def _select(server: Server, query: str) -> list[dict]:
    reply = fetch(query_url(server.url, query), headers={"Accept": "application/sparql-results+json"})
    assert reply.status == 200, reply.text
    return json.loads(reply.body)["results"]["bindings"]


def _ask(server: Server, query: str) -> bool:
    reply = fetch(query_url(server.url, query))
    assert reply.status == 200, reply.text
    return json.loads(reply.body)["boolean"]


def _update(server: Server, text: str) -> None:
    reply = fetch(server.url + "sparql", "POST",
                  {"Content-Type": "application/sparql-update", "From": EDITOR, **AUTH}, text)
    assert reply.status == 204, reply.text


def _literal(binding: dict) -> str:
    """A SPARQL JSON literal binding as an N-Triples term."""
    term = ox.Literal(binding["value"], language=binding["xml:lang"]) if "xml:lang" in binding \
        else ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"])) \
        if "datatype" in binding else ox.Literal(binding["value"])
    return str(term)


def test_writes_survive_a_rebuild_as_curation_with_who_and_when(curated):
    settings, server = curated
    base = settings.base_uri
    resource = f"{base}resource/"
    # one extracted label in the default graph (the entity layer) and one fact in an article graph
    (alias,) = _select(server, f"""SELECT ?s ?o WHERE {{ ?s <{ALT_LABEL}> ?o
        FILTER STRSTARTS(STR(?s), "{resource}") }} ORDER BY ?s ?o LIMIT 1""")
    (fact,) = _select(server, f"""SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER (STRSTARTS(STR(?g), "{base}graph/") && STRSTARTS(STR(?s), "{resource}")
                && STRSTARTS(STR(?o), "{resource}")) }} ORDER BY ?s ?p ?o LIMIT 1""")
    entity, label = alias["s"]["value"], _literal(alias["o"])
    s, p, o = (fact[k]["value"] for k in "spo")
    link = "https://en.wikipedia.org/wiki/Example"
    added = f"<{entity}> <{SEE_ALSO}> <{link}>"

    posted = fetch(server.url + "data?default", "POST",
                   {"Content-Type": "application/n-triples", "From": EDITOR, **AUTH}, added + " .\n")
    assert posted.status in (201, 204), posted.text
    _update(server, f"DELETE DATA {{ <{entity}> <{ALT_LABEL}> {label} }}")
    # a fact goes with the assertion that documents it (the shapes hold the two together)
    _update(server, f"""DELETE WHERE {{ GRAPH ?g {{ <{s}> <{p}> <{o}> .
        ?a <{RDF}subject> <{s}> ; <{RDF}predicate> <{p}> ; <{RDF}object> <{o}> ; ?ap ?ao }} }}""")
    assert _ask(server, f"ASK {{ {added} }}")
    assert not _ask(server, f"ASK {{ <{entity}> <{ALT_LABEL}> {label} }}")

    log = read_log(settings.curation)
    assert [(len(x.added), len(x.removed) > 0) for x in log] == [(1, False), (0, True), (0, True)]
    assert {x.agent for x in log} == {EDITOR}
    assert log[0].request == "Graph Store POST ?default" and log[1].request == "SPARQL Update"
    for path in sorted(settings.curation.iterdir()):  # plain RDF Patch, one file per write
        text = path.read_text(encoding="utf-8")
        assert text.startswith("H id <urn:uuid:") and text.rstrip().endswith("TC .")
        assert all(line[:2] in ("H ", "TX", "TC", "A ", "D ") for line in text.splitlines())

    old = Publication.current(settings.dist_dir)
    assert old is not None
    build(settings, progress=lambda _m: None)  # a real rebuild of the seeds
    new = Publication.current(settings.dist_dir)
    assert new is not None and new.release_id != old.release_id
    retractions = sum(len(x.removed) for x in log)
    assert new.manifest["curation"] == {"patches": 3, "added": 1, "retracted": retractions,
                                        "unmatched_retractions": 0, "last": log[-1].name}

    # the server, refreshed onto the new release, reads the writes back
    graph = curation_graph(base)
    assert _ask(server, f"ASK {{ GRAPH <{graph}> {{ {added} }} }}")
    assert not _ask(server, f"ASK {{ <{entity}> <{ALT_LABEL}> {label} }}")
    assert not _ask(server, f"ASK {{ GRAPH ?g {{ <{s}> <{p}> <{o}> }} }}")
    # ... and so does the release itself, as any public server serves it
    store = ox.Store.read_only(str(new.store_path))
    link_quad = ox.Quad(ox.NamedNode(entity), ox.NamedNode(SEE_ALSO), ox.NamedNode(link),
                        ox.NamedNode(graph))
    assert link_quad in store
    assert not list(store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o)))
    # who and when: the statement's patch, its agent and time (PROV), in the curation graph
    (who,) = [r for r in store.query(f"""
        SELECT ?agent ?time WHERE {{ GRAPH <{graph}> {{
          ?st <{RDF}subject> <{entity}> ;
              <{RDF}predicate> <{SEE_ALSO}> ;
              <{RDF}object> <{link}> ;
              <{PROV}wasGeneratedBy> ?patch .
          ?patch a <{PROV}Activity> ; <{PROV}endedAtTime> ?time ;
                 <{PROV}wasAssociatedWith>/<http://www.w3.org/2000/01/rdf-schema#label> ?agent }} }}
        """)]  # type: ignore[union-attr]
    assert who["agent"].value == EDITOR  # the store writes the time in canonical form
    assert datetime.fromisoformat(who["time"].value) == datetime.fromisoformat(log[0].created)
    retracted = store.query(f"""SELECT ?st WHERE {{ GRAPH <{graph}> {{
        ?st <{RDF}subject> <{s}> ; <{RDF}predicate> <{p}> ; <{RDF}object> <{o}> ;
            <{PROV}wasInvalidatedBy> ?patch }} }}""")
    assert len(list(retracted)) == 1  # type: ignore[arg-type]
    del store
    # the dumps hold the curation graph as what it is
    with gzip.open(new.file("kg.nq.gz"), "rt", encoding="utf-8") as dump:
        lines = dump.read().splitlines()
    assert f"{added} <{graph}> ." in lines
    assert not any(line.startswith(f"<{s}> <{p}> <{o}> ") for line in lines)
    # the page marks the added statement and lists the retracted one, with who
    page = fetch(f"{base}page/{entity[len(base):]}", headers={"Accept": "text/html"})
    assert page.status == 200
    assert f'href="{link}"' in page.text and f"curated by {EDITOR}" in page.text
    assert "Retracted by curation" in page.text and f"retracted by {EDITOR}" in page.text
    patch_link = re.search(r'class="curated"[^>]*>[^<]*<a href="([^"]+)">patch', page.text)
    assert patch_link is not None
    described = fetch(patch_link.group(1).split("#")[0], headers={"Accept": "text/html"})
    assert described.status == 200 and "<title>Curation" in described.text
    assert described.text.count("#patch-") >= len(log)  # the graph lists the patches


def test_a_curation_that_breaks_the_shapes_fails_the_build_and_keeps_the_release(curated):
    settings, server = curated
    (row,) = _select(server, f"""SELECT ?s WHERE {{ ?s <{LABEL}> ?l
        FILTER STRSTARTS(STR(?s), "{settings.base_uri}resource/") }} ORDER BY ?s LIMIT 1""")
    entity = row["s"]["value"]
    bad = f'<{entity}> <{LABEL}> "no language tag" .'  # entity labels must be language-tagged
    reply = fetch(server.url + "data?default", "POST",
                  {"Content-Type": "application/n-triples", "From": "careless@example.org", **AUTH},
                  bad + "\n")
    assert reply.status in (201, 204), reply.text
    before = Publication.current(settings.dist_dir)
    assert before is not None
    with pytest.raises(BuildError) as failed:
        build(settings, progress=lambda _m: None)
    message = str(failed.value)
    assert "validation failed, nothing published" in message
    assert "careless@example.org" in message and entity in message
    assert (settings.dist_dir.parent / "validation-failed.ttl").is_file()
    after = Publication.current(settings.dist_dir)
    assert after is not None and after.release_id == before.release_id
    assert fetch(server.url + "healthz").status == 200
    # undone by another write, the next build publishes again
    _update(server, f"DELETE DATA {{ {bad} }}")
    build(settings, progress=lambda _m: None)
    fixed = Publication.current(settings.dist_dir)
    assert fixed is not None and fixed.release_id != before.release_id
    store = ox.Store.read_only(str(fixed.store_path))
    assert not list(store.quads_for_pattern(ox.NamedNode(entity), ox.NamedNode(LABEL),
                                            ox.Literal("no language tag")))



def test_a_write_accepted_while_a_build_runs_is_not_lost(curated):
    """The build read the log before this write; its release lacks it, so the admin server's
    new working copy replays it, and the next build has it too."""
    settings, server = curated
    (row,) = _select(server, f"""SELECT ?s WHERE {{ ?s <{LABEL}> ?l
        FILTER STRSTARTS(STR(?s), "{settings.base_uri}resource/") }} ORDER BY DESC(?s) LIMIT 1""")
    added = f"<{row['s']['value']}> <{SEE_ALSO}> <https://example.net/during-the-build>"
    answers = []

    def write_while_publishing(message: str) -> None:
        if message.startswith("publishing") and not answers:
            answers.append(fetch(server.url + "data?default", "POST",
                                 {"Content-Type": "application/n-triples", **AUTH}, added + " .\n"))

    build(settings, progress=write_while_publishing)
    assert answers and answers[0].status in (201, 204), answers
    release = Publication.current(settings.dist_dir)
    assert release is not None
    assert "during-the-build" not in (release.root / "kg.nt").read_text()
    assert _ask(server, f"ASK {{ {added} }}"), "the admin server lost sight of the write"
    build(settings, progress=lambda _m: None)
    assert _ask(server, f"ASK {{ GRAPH <{curation_graph(settings.base_uri)}> {{ {added} }} }}")
