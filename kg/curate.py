"""Re-applying the curation log to a build's extracted data, before the SHACL gate.

The log (``kg.curation``) holds what admin writes did; its net effect is applied to the text
the pipeline made: retractions drop lines from the entity layer and the article units, triples
added to the default graph go to the curation graph (``graph/curation``), triples added to an
article's graph go to that graph, and triples added to any other graph keep their graph. The
curation graph also says who changed what, and when: each patch as a ``prov:Activity`` with its
agent and time, and each added or retracted statement reified (``rdf:Statement``) with the
patch that made (``prov:wasGeneratedBy``) or retracted it (``prov:wasInvalidatedBy``), so
pages and dumps can show curated statements as what they are. Everything curated is validated
with the rest, and a violation names the patches that touched the failing node.

Untouched unit files are used as they are; a unit a patch touches is copied into ``work`` with
its lines dropped or appended, so every other line keeps its bytes (the dumps are sorted text).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from kg.curation import XSD_DATETIME, Net, Patch, curation_graph, net_effect
from kg.rdf import graph_name

Triple = ox.Triple


@dataclass
class Curated:
    """The extracted data with the curation applied, and what applying it found."""

    layer: bytes
    units: list[tuple[Path, Path]]
    graphs: list[bytes] = field(default_factory=list)  # named-graph N-Quads parts to publish
    checked: bytes = b""  # every curated triple as N-Triples, for the gate
    patches: list[Patch] = field(default_factory=list)
    net: Net = field(default_factory=Net)
    retracted: int = 0
    stale: list[tuple[ox.Quad, Patch]] = field(default_factory=list)

    def summary(self) -> dict[str, int | str]:
        """For the manifest and the build's progress line; ``last`` names the newest patch
        applied, so an admin server knows which later ones its new working copy lacks."""
        return {"patches": len(self.patches), "added": len(self.net.add),
                "retracted": self.retracted, "unmatched_retractions": len(self.stale),
                "last": self.patches[-1].name if self.patches else ""}

    def touching(self, node: str) -> list[Patch]:
        """The patches (oldest first) whose net additions or retractions mention ``node``."""
        found: dict[str, Patch] = {}
        for quads in (self.net.add, self.net.retract):
            for quad, patch in quads.items():
                if node in (getattr(quad.subject, "value", None), getattr(quad.object, "value", None)):
                    found[patch.id] = patch
        return sorted(found.values(), key=lambda p: p.name)


def apply(patches: list[Patch], layer: bytes, units: list[tuple[Path, Path]], base_uri: str,
          work: Path) -> Curated:
    """``layer`` and ``units`` with the net effect of ``patches``; ``work`` holds the copies."""
    graph = curation_graph(base_uri)
    net = net_effect(patches, graph)
    result = Curated(layer, list(units), patches=patches, net=net)
    if not patches:
        return result
    work.mkdir(parents=True, exist_ok=True)
    default_off: dict[Triple, ox.Quad] = {}
    named_off: dict[str, dict[Triple, ox.Quad]] = {}
    for quad in net.retract:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            default_off[quad.triple] = quad
        else:
            named_off.setdefault(quad.graph_name.value, {})[quad.triple] = quad
    additions: dict[str, list[ox.Quad]] = {}
    for quad in net.add:  # net_effect placed every addition in a named graph
        assert not isinstance(quad.graph_name, ox.DefaultGraph)
        additions.setdefault(quad.graph_name.value, []).append(quad)
    matched: set[ox.Quad] = set()

    result.layer = _drop(layer, default_off, matched)
    for i, (default, named) in enumerate(units):
        new_default, new_named = default, named
        if default_off:
            text = default.read_bytes()
            kept = _drop(text, default_off, matched)
            if kept != text:
                new_default = work / f"{i:06d}.nt"
                new_default.write_bytes(kept)
        if named_off or additions:
            text = named.read_bytes()
            first = text.split(b"\n", 1)[0]
            name = graph_name(first) if first.strip() else ""
            kept = _drop(text, named_off.get(name, {}), matched, quads=True)
            kept += _lines(additions.pop(name, []), ox.RdfFormat.N_QUADS) if name else b""
            if kept != text:
                new_named = work / f"{i:06d}.nq"
                new_named.write_bytes(kept)
        result.units[i] = (new_default, new_named)
    provenance = _provenance(net, graph)
    additions.setdefault(graph, [])
    for name in sorted(additions, key=lambda g: (g != graph, g)):  # the curation graph first
        result.graphs.append(_lines([*additions[name], *(provenance if name == graph else ())],
                                    ox.RdfFormat.N_QUADS))
    result.retracted = len(matched)
    result.stale = [(q, p) for q, p in net.retract.items() if q not in matched]
    result.checked = _lines([*net.add, *provenance], ox.RdfFormat.N_TRIPLES)
    return result


def _drop(text: bytes, off: dict[Triple, ox.Quad], matched: set[ox.Quad],
          quads: bool = False) -> bytes:
    """``text`` (N-Triples, or N-Quads of one graph) without the lines of ``off``'s triples.
    Only lines whose subject is one of theirs are parsed; the others are kept byte for byte."""
    if not off:
        return text
    subjects = {str(t.subject).encode() for t in off}
    if not any(s in text for s in subjects):
        return text
    fmt = ox.RdfFormat.N_QUADS if quads else ox.RdfFormat.N_TRIPLES
    kept = []
    for line in text.splitlines(keepends=True):
        if line.split(b" ", 1)[0] in subjects:
            (quad,) = ox.parse(line, format=fmt)
            hit = off.get(_as_stored(quad).triple)
            if hit is not None:
                matched.add(hit)
                continue
        kept.append(line)
    return b"".join(kept)


def _as_stored(quad: ox.Quad) -> ox.Quad:
    """``quad`` as an Oxigraph store gives it back (it turns derived integer types into
    xsd:integer, for one), which is how the admin writer saw, and recorded, what it removed."""
    store = ox.Store()
    store.add(quad)
    (stored,) = store
    return stored


def _lines(quads: Iterable[ox.Quad], fmt: ox.RdfFormat) -> bytes:
    """Quads as N-Quads, or their triples as N-Triples (each once)."""
    items = list(quads)
    if not items:
        return b""
    if fmt == ox.RdfFormat.N_TRIPLES:
        written = ox.serialize(sorted({q.triple for q in items}, key=str), format=fmt)
    else:
        written = ox.serialize(items, format=fmt)
    assert written is not None  # no output file: the bytes are returned
    return written


def _provenance(net: Net, graph: str) -> list[ox.Quad]:
    """Who changed what, and when: the patches, their agents, and each curated statement."""
    g = ox.NamedNode(graph)
    node = ox.NamedNode(graph)
    out: list[ox.Quad] = []

    def add(s, p, o) -> None:
        out.append(ox.Quad(s, ox.NamedNode(str(p)), o, g))

    patches = {p.id: p for p in [*net.add.values(), *net.retract.values()]}
    add(node, RDF.type, ox.NamedNode(str(PROV.Entity)))
    add(node, DCTERMS.title, ox.Literal("Curation", language="en"))
    add(node, DCTERMS.description, ox.Literal(
        "Corrections, extra links and retractions made through the admin server (SPARQL Update "
        "and the Graph Store protocol); every build re-applies them to what it extracts.",
        language="en"))
    for patch in sorted(patches.values(), key=lambda p: p.name):
        activity = ox.NamedNode(f"{graph}#patch-{patch.id}")
        agent = ox.NamedNode(f"{graph}#agent-{_digest(patch.agent)}")
        add(node, PROV.wasGeneratedBy, activity)
        add(activity, RDF.type, ox.NamedNode(str(PROV.Activity)))
        add(activity, DCTERMS.identifier, ox.Literal(patch.name or patch.id))
        add(activity, DCTERMS.description, ox.Literal(patch.request))
        if patch.created:
            add(activity, PROV.endedAtTime, ox.Literal(patch.created,
                                                       datatype=ox.NamedNode(XSD_DATETIME)))
        add(activity, PROV.wasAssociatedWith, agent)
        add(agent, RDF.type, ox.NamedNode(str(PROV.Agent)))
        add(agent, RDFS.label, ox.Literal(patch.agent))
    for quads, relation, kind in ((net.add, PROV.wasGeneratedBy, "addition"),
                                  (net.retract, PROV.wasInvalidatedBy, "retraction")):
        for quad, patch in quads.items():
            if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                continue  # a blank node cannot be pointed at from another statement
            statement = ox.NamedNode(f"{graph}#{kind}-{_digest(str(quad))}")
            add(statement, RDF.type, ox.NamedNode(str(RDF.Statement)))
            add(statement, RDF.subject, quad.subject)
            add(statement, RDF.predicate, quad.predicate)
            add(statement, RDF.object, quad.object)
            add(statement, relation, ox.NamedNode(f"{graph}#patch-{patch.id}"))
    return out


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]
