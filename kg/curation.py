"""The curation log: every change an admin server accepted, kept so that every build re-applies it.

Admin writes (SPARQL Update, Graph Store PUT/POST/DELETE) are *curation*: corrections, extra
links and retractions on top of what the pipeline extracts. The admin writer records each
accepted change as one patch file under ``KG_CURATION_DIR`` (default ``curation`` beside
``dist``): the quads it removed and added, computed from the store before and after, so a patch
says what the change *did*, not what it asked for. Patches are never edited; the file names
sort in the order they were accepted. ``kg build`` reads them all and applies their net effect
to the extracted data (``kg.curate``), so a rebuild keeps every write.

A patch is an RDF Patch document (https://afs.github.io/rdf-patch/): ``H`` header rows (id,
agent, time, what request made it), then ``TX``, ``D``/``A`` rows of N-Quads, ``TC``. This
module is shared by the server (which writes) and the build (which reads), so it needs only
pyoxigraph and the standard library: executor processes import it and must start fast.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

PATCH_SUFFIX = ".rdfp"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
#: The agent recorded when the client does not name itself (``From`` header): the token bearer.
DEFAULT_AGENT = "admin token"


def curation_graph(base_uri: str) -> str:
    """The named graph of a release that holds curated additions and the curation's provenance.
    (``kg.uris`` loads rdflib, which the admin writer's process never needs: imported here.)"""
    from kg.uris import Kind

    return Kind.GRAPH.iri(base_uri, "curation")


@dataclass(frozen=True)
class Patch:
    """One accepted write: who made it, when, with what request, and what it changed."""

    id: str
    agent: str
    created: str  # ISO 8601, UTC
    request: str  # e.g. "SPARQL Update", "Graph Store POST ?default"
    removed: tuple[ox.Quad, ...] = ()
    added: tuple[ox.Quad, ...] = ()
    name: str = ""  # the file name (set when read)

    @property
    def label(self) -> str:
        """How build messages name the patch: its file, who and when."""
        return f"curation patch {self.name or self.id} (by {self.agent}, {self.created})"


def _nquads(quads: Iterable[ox.Quad]) -> list[bytes]:
    written = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS)
    assert written is not None  # no output file: the bytes are returned
    return [line for line in written.splitlines() if line.strip()]


def _literal(text: str, datatype: str | None = None) -> str:
    node = ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)
    return str(node)


def encode(patch: Patch) -> bytes:
    """The patch as RDF Patch text (removals before additions, as they were applied)."""
    head = [
        f"H id <urn:uuid:{patch.id}> .",
        f"H agent {_literal(patch.agent)} .",
        f"H created {_literal(patch.created, XSD_DATETIME)} .",
        f"H request {_literal(patch.request)} .",
        "TX .",
    ]
    body = [b"D " + line for line in _nquads(patch.removed)]
    body += [b"A " + line for line in _nquads(patch.added)]
    return "\n".join(head).encode() + b"\n" + b"".join(line + b"\n" for line in body) + b"TC .\n"


def decode(data: bytes, name: str = "") -> Patch:
    """A patch file back; ``ValueError`` naming the file and line if it is not one."""
    headers: dict[str, str] = {}
    rows: dict[str, list[bytes]] = {"A": [], "D": []}
    for number, line in enumerate(data.splitlines(), 1):
        kind, _, rest = line.strip().partition(b" ")
        if kind == b"H":
            key, _, value = rest.partition(b" ")
            headers[key.decode()] = _header_value(value, name, number)
        elif kind in (b"A", b"D"):
            rows[kind.decode()].append(rest)
        elif kind not in (b"TX", b"TC", b""):
            raise ValueError(f"{name}:{number}: not an RDF Patch row: {line[:60]!r}")
    if "id" not in headers:
        raise ValueError(f"{name}: the patch has no `H id` header")

    def quads(lines: list[bytes]) -> tuple[ox.Quad, ...]:
        try:
            return tuple(ox.parse(b"\n".join(lines), format=ox.RdfFormat.N_QUADS))
        except SyntaxError as exc:
            raise ValueError(f"{name}: a row is not N-Quads: {exc}") from None

    return Patch(
        id=headers["id"].removeprefix("urn:uuid:"), agent=headers.get("agent", DEFAULT_AGENT),
        created=headers.get("created", ""), request=headers.get("request", ""),
        removed=quads(rows["D"]), added=quads(rows["A"]), name=name,
    )


def _header_value(value: bytes, name: str, number: int) -> str:
    """An ``H`` row's value (an IRI or a literal) as a plain string."""
    text = value.strip().removesuffix(b".").strip()
    try:
        (quad,) = ox.parse(b"<urn:x:s> <urn:x:p> " + text + b" .", format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError):
        raise ValueError(f"{name}:{number}: unreadable header value {text[:60]!r}") from None
    return quad.object.value


def new_patch(agent: str, request: str, removed: Iterable[ox.Quad],
              added: Iterable[ox.Quad]) -> Patch:
    """A patch stamped now, with a fresh id."""
    return Patch(id=str(uuid.uuid4()), agent=agent or DEFAULT_AGENT,
                 created=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                 request=request, removed=tuple(removed), added=tuple(added))


def append(directory: Path, patch: Patch) -> Path:
    """Write ``patch`` durably as the log's newest file: a temporary file, fsynced, renamed into
    place, then the folder fsynced, so a crash leaves either the whole patch or none of it."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = directory / f"{stamp}-{patch.id[:8]}{PATCH_SUFFIX}"
    tmp = directory / f".{target.name}.tmp"
    with open(tmp, "wb") as out:
        out.write(encode(patch))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)
    folder = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return target


def read_log(directory: Path) -> list[Patch]:
    """Every patch under ``directory`` in the order they were accepted (none if it is absent)."""
    if not directory.is_dir():
        return []
    files = sorted(p for p in directory.iterdir()
                   if p.suffix == PATCH_SUFFIX and not p.name.startswith(".") and p.is_file())
    return [decode(p.read_bytes(), p.name) for p in files]


@dataclass
class Net:
    """What the whole log amounts to: quads to retract from the extracted data, quads to add
    (default-graph additions are moved to the curation graph), and which patch did each last."""

    retract: dict[ox.Quad, Patch] = field(default_factory=dict)
    add: dict[ox.Quad, Patch] = field(default_factory=dict)


def net_effect(patches: Iterable[Patch], curation_graph: str) -> Net:
    """Replay the log over sets, oldest first. A later patch undoes an earlier one: removing a
    curated triple cancels its addition, adding back a retracted one cancels the retraction.
    A triple added to the default graph lives in ``curation_graph`` in a release, so removing
    it from either cancels the addition."""
    net = Net()
    graph = ox.NamedNode(curation_graph)

    def placed(quad: ox.Quad) -> ox.Quad:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            return ox.Quad(quad.subject, quad.predicate, quad.object, graph)
        return quad

    for patch in patches:
        for quad in patch.removed:
            net.add.pop(placed(quad), None)
            if quad.graph_name != graph:
                net.retract[quad] = patch
        for quad in patch.added:
            if net.retract.pop(quad, None) is None:
                net.add[placed(quad)] = patch
    return net
