"""The curation log (kg.curation) and its replay (kg.curate) on text, without a server.

The end-to-end path (admin server, rebuild, pages) is tests/server/test_curation.py.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.curate import apply
from kg.curation import append, curation_graph, decode, encode, net_effect, new_patch, read_log

BASE = "http://example.org/"
GRAPH = curation_graph(BASE)


def q(s: str, p: str, o: ox.NamedNode | ox.Literal, g: str | None = None) -> ox.Quad:
    name = ox.DefaultGraph() if g is None else ox.NamedNode(g)
    return ox.Quad(ox.NamedNode(BASE + s), ox.NamedNode(BASE + p), o, name)


def test_a_patch_round_trips_with_who_when_and_awkward_literals(tmp_path: Path):
    odd = ox.Literal('line one\nline "two" \\ ünïcode', language="en")
    patch = new_patch("Ed <ed@example.org>", "SPARQL Update",
                      removed=[q("a", "p", ox.Literal("5", datatype=ox.NamedNode(
                          "http://www.w3.org/2001/XMLSchema#integer")), f"{BASE}graph/x")],
                      added=[q("a", "label", odd)])
    again = decode(encode(patch), "one.rdfp")
    assert (again.id, again.agent, again.created, again.request) == \
        (patch.id, patch.agent, patch.created, patch.request)
    assert again.removed == patch.removed and again.added == patch.added
    first = append(tmp_path, patch)
    second = append(tmp_path, new_patch("", "Graph Store DELETE ?default", [q("b", "p", odd)], []))
    assert [p.name for p in read_log(tmp_path)] == [first.name, second.name]
    assert read_log(tmp_path)[1].agent == "admin token"
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_a_damaged_patch_is_named(tmp_path: Path):
    (tmp_path / "20260101T000000000000Z-broken.rdfp").write_bytes(b"H id <urn:uuid:1> .\nA <x\n")
    with pytest.raises(ValueError, match="broken.rdfp"):
        read_log(tmp_path)


def test_later_patches_undo_earlier_ones():
    label = ox.Literal("Alias", language="en")
    extracted = q("e", "alt", label)  # an extracted default-graph triple
    link = q("e", "seeAlso", ox.NamedNode("https://example.net/e"))  # added to ?default
    first = new_patch("", "", removed=[extracted], added=[link])
    # after a rebuild the link is in the curation graph; removing it there undoes the addition,
    # and adding the extracted label back undoes the retraction
    moved = ox.Quad(link.subject, link.predicate, link.object, ox.NamedNode(GRAPH))
    second = new_patch("", "", removed=[moved], added=[extracted])
    assert net_effect([first], GRAPH).add == {moved: first}
    assert net_effect([first], GRAPH).retract == {extracted: first}
    undone = net_effect([first, second], GRAPH)
    assert undone.add == {} and undone.retract == {}


def test_replay_drops_and_adds_lines_and_keeps_the_rest_byte_for_byte(tmp_path: Path):
    article = f"{BASE}graph/one"
    unit_nt = tmp_path / "one.nt"
    unit_nq = tmp_path / "one.nq"
    unit_nt.write_bytes(f'<{BASE}one> <{BASE}title> "One"@en .\n'.encode())
    index = "<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>"
    unit_nq.write_bytes(f'<{BASE}f> <{BASE}begin> "7"^^{index} <{article}> .\n'
                        f'<{BASE}f> <{BASE}end> "9"^^{index} <{article}> .\n'.encode())
    layer = f'<{BASE}e> <{BASE}alt> "Alias"@en .\n<{BASE}e> <{BASE}name> "E"@en .\n'.encode()
    integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    patch = new_patch("ed", "SPARQL Update",
                      removed=[q("e", "alt", ox.Literal("Alias", language="en")),
                               # as the admin store saw it: derived integer types are xsd:integer
                               q("f", "begin", ox.Literal("7", datatype=integer), article),
                               q("gone", "p", ox.Literal("x"))],
                      added=[q("e", "seeAlso", ox.NamedNode("https://example.net/e")),
                             q("f", "note", ox.Literal("checked"), article)])
    done = apply([patch], layer, [(unit_nt, unit_nq)], BASE, tmp_path / "work")
    assert done.layer == f'<{BASE}e> <{BASE}name> "E"@en .\n'.encode()
    (default, named), = done.units
    assert default == unit_nt  # untouched: the same file
    assert named.read_bytes().splitlines() == [
        f'<{BASE}f> <{BASE}end> "9"^^{index} <{article}> .'.encode(),
        f'<{BASE}f> <{BASE}note> "checked" <{article}> .'.encode(),
    ]
    assert done.summary() == {"patches": 1, "added": 2, "retracted": 2, "unmatched_retractions": 1,
                              "last": ""}  # (a patch not read from a file has no name)
    curation = done.graphs[0].decode()
    assert f'<{BASE}e> <{BASE}seeAlso> <https://example.net/e> <{GRAPH}> .' in curation
    assert "http://www.w3.org/ns/prov#wasInvalidatedBy" in curation
    assert [p.agent for p in done.touching(f"{BASE}e")] == ["ed"]
