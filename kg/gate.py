"""The validation gate at scale: SHACL per article and per slice of the entity layer, in
parallel, cached, with the same verdict as validating the whole graph at once.

The shapes split in two. Shapes that target entities (``sh:targetClass kg:Entity``) check the
entity layer; every other shape checks what an article says. An article is validated with its
own unit plus the ``rdf:type`` triples of the entities it points at (what ``sh:class`` needs);
the entities are validated in 64 slices (by a hash of their IRI, so adding an article disturbs
few of them), each with one of the entity's mentions, which ``kg:Entity`` shapes require.
Pieces are batched, so pyshacl's fixed cost per call is paid once per batch, run on the
build's ``Runner``, and cached under a hash of exactly the triples they validated, the shapes
and the validator: an unchanged article is not validated again. One violation anywhere still
publishes nothing, and the report names the node, the message and the source sentence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef

from kg.cache import Cache, validation_fingerprint
from kg.parallel import Runner
from kg.validate import (
    ENGINES,
    Finding,
    ValidationResult,
    load_shapes,
    result_of,
    turbo_report,
    validate,
)
from kg.vocab import ITSRDF, SH, kg_namespace, schema_graph

ENTITY_SLICES = 64
#: N-Quads per pyshacl call (about 25 articles): large enough to pay its fixed cost rarely,
#: small enough to keep a worker's memory bounded and the work spread.
BATCH_BYTES = 4_000_000
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Piece:
    """One cacheable unit of validation and which half of the shapes apply to it. An article's
    N-Quads stay in their file until the piece is validated, so memory holds keys, not graphs."""

    key: str
    entities: bool  # entity shapes (True) or article shapes (False)
    data: bytes = b""  # N-Triples held (entity slices), or appended to the unit's (types)
    unit: tuple[Path, Path] | None = None  # an article's default-graph and named-graph files

    @property
    def size(self) -> int:
        return len(self.data) + sum(p.stat().st_size for p in self.unit or ())

    def load(self) -> bytes:
        if self.unit is None:
            return self.data
        default, graph = self.unit
        return default.read_bytes() + triples_of(graph.read_bytes()) + self.data


@dataclass(frozen=True)
class Verdict:
    """What validating a piece found: its findings and their report results as N-Triples."""

    findings: tuple[Finding, ...]
    results: bytes


@dataclass(frozen=True)
class Batch:
    """What a worker validates in one pyshacl call: the pieces' N-Triples, loaded."""

    data: tuple[bytes, ...]
    entities: bool
    shapes_file: str
    base_uri: str
    engine: str = "pyshacl"

    def __len__(self) -> int:
        return len(self.data)


def triples_of(nquads: bytes) -> bytes:
    """N-Quads to N-Triples: validation sees the union of the graphs."""
    quads = ox.parse(input=nquads, format=ox.RdfFormat.N_QUADS)
    written = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
    assert written is not None  # no output file given: the bytes are returned
    return written


#: Beside a unit named by its signature: the entity IRIs it names, one a line.
IRIS_SUFFIX = ".iris"


def article_piece(unit_files: tuple[Path, Path], types: dict[str, bytes], resource_ns: str,
                  salt: str, *, named: bool = False) -> Piece:
    """An article's unit (its two files) plus the type triples of the entities it names.
    ``named``: the files are named by a signature of everything their bytes depend on
    (``kg.pipeline.write_units``), so the key is made from the names and the IRIs are kept
    beside them; an unchanged unit is not read again (1.8 GB at 10,000 articles)."""
    if named:
        identity = b"\2" + b"\0".join(p.name.encode() for p in unit_files)
        iris = _named_iris(unit_files, resource_ns)
    else:
        identity = b"".join(p.read_bytes() for p in unit_files)
        iris = _iris(identity, resource_ns)
    extra = b"".join(types.get(iri.decode(), b"") for iri in iris)
    key = hashlib.sha256(salt.encode() + b"\0" + identity + b"\0" + extra).hexdigest()
    return Piece(key, False, extra, unit_files)


def _iris(unit: bytes, resource_ns: str) -> list[bytes]:
    return sorted(set(re.findall(rb"<(" + re.escape(resource_ns.encode()) + rb"[^>]*)>", unit)))


def _named_iris(unit_files: tuple[Path, Path], resource_ns: str) -> list[bytes]:
    """The unit's entity IRIs, from the file beside it (written the first time)."""
    beside = unit_files[0].with_suffix(IRIS_SUFFIX)
    try:
        return beside.read_bytes().split()
    except FileNotFoundError:
        iris = _iris(b"".join(p.read_bytes() for p in unit_files), resource_ns)
        tmp = beside.with_name(f".tmp-{beside.name}")
        tmp.write_bytes(b"".join(iri + b"\n" for iri in iris))
        tmp.replace(beside)
        return iris


def entity_pieces(layer: bytes, evidence: dict[str, bytes], salt: str) -> list[Piece]:
    """The entity layer in slices by a hash of the entity IRI, each with mention evidence."""
    slices: dict[int, list[bytes]] = {}
    for line in layer.splitlines(keepends=True):
        if not line.strip():
            continue
        subject = line.split(b" ", 1)[0]
        slot = int(hashlib.sha1(subject).hexdigest()[:8], 16) % ENTITY_SLICES
        slices.setdefault(slot, []).append(line)
    pieces = []
    for slot in sorted(slices):
        lines = sorted(slices[slot])
        subjects = sorted({line.split(b" ", 1)[0][1:-1].decode() for line in lines})
        data = b"".join(lines) + b"".join(evidence.get(s, b"") for s in subjects)
        pieces.append(Piece(hashlib.sha256(salt.encode() + b"\1" + data).hexdigest(), True, data))
    return pieces


def type_triples(layer: bytes) -> dict[str, bytes]:
    """Entity IRI -> its ``rdf:type`` triples (N-Triples) in the entity layer."""
    found: dict[str, list[bytes]] = {}
    rdf_type = f"<{RDF.type}>".encode()
    for line in layer.splitlines(keepends=True):
        parts = line.split(b" ", 2)
        if len(parts) == 3 and parts[1] == rdf_type:
            found.setdefault(parts[0][1:-1].decode(), []).append(line)
    return {iri: b"".join(sorted(lines)) for iri, lines in found.items()}


@lru_cache(maxsize=4)
def _shapes(shapes_file: str, base_uri: str) -> tuple[Graph, tuple[str, ...], tuple[str, ...]]:
    """The shapes graph and its two halves: shapes that target entities, and the rest."""
    shapes = load_shapes(base_uri, Path(shapes_file))
    entity_class = kg_namespace(base_uri).Entity
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    targeted = {s for t in targets for s in shapes.subjects(t, None) if isinstance(s, URIRef)}
    of_entities = {s for s in targeted if (s, SH.targetClass, entity_class) in shapes}
    return (shapes, tuple(sorted(str(s) for s in of_entities)),
            tuple(sorted(str(s) for s in targeted - of_entities)))


@lru_cache(maxsize=4)
def _schema_ntriples(base_uri: str) -> bytes:
    """The ontology triples validation mixes into the data (``schema_graph``), as N-Triples."""
    return schema_graph(base_uri).serialize(format="nt", encoding="utf-8")


def validate_batch(batch: Batch) -> list[Verdict]:
    """Runs on a worker: one pyshacl call over the batch; each piece gets its own findings."""
    shapes, of_entities, of_articles = _shapes(batch.shapes_file, batch.base_uri)
    use = of_entities if batch.entities else of_articles
    if not use:
        return [Verdict((), b"") for _ in batch.data]

    def data() -> Graph:
        graph = Graph()
        for piece_data in batch.data:
            add_ntriples(graph, piece_data)
        return graph

    if batch.engine == "turbo":  # turbo reads the text; rdflib only to explain findings
        text = b"".join(batch.data) + _schema_ntriples(batch.base_uri)
        result = result_of(turbo_report(text.decode("utf-8"), shapes, list(use)), data)
    else:
        result = validate(data(), shapes, schema_graph(batch.base_uri), use_shapes=list(use),
                          inplace=True, engine=batch.engine)
    owner: dict[str, int] = {}
    for i, piece_data in enumerate(batch.data):
        for line in piece_data.splitlines():
            if line.startswith(b"<"):
                owner.setdefault(line.split(b" ", 1)[0][1:-1].decode(), i)
    findings: list[list[Finding]] = [[] for _ in batch.data]
    results: list[Graph] = [Graph() for _ in batch.data]
    for node in result.report.subjects(SH.resultSeverity, None):
        focus = str(result.report.value(node, SH.focusNode))
        i = owner.get(focus, 0)
        _copy_closure(result.report, node, results[i])
    for finding in result.findings:
        findings[owner.get(finding.focus, 0)].append(finding)
    return [Verdict(tuple(f), g.serialize(format="nt", encoding="utf-8") if len(g) else b"")
            for f, g in zip(findings, results, strict=True)]


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def add_ntriples(graph: Graph, data: bytes) -> None:
    """N-Triples into an rdflib graph, parsed by Oxigraph (0.5 s instead of rdflib's 0.85 s for
    a batch of 25 articles): the same terms rdflib's parser makes, a plain literal without a
    datatype, blank nodes kept apart from other calls' as a separate parse would."""
    terms: dict[object, object] = {}
    bnodes = BNode().n3()[2:]  # this call's prefix for the document's blank-node labels

    def term(node):
        made = terms.get(node)
        if made is None:
            if isinstance(node, ox.NamedNode):
                made = URIRef(node.value)
            elif isinstance(node, ox.Literal):
                datatype = node.datatype.value
                made = Literal(node.value, lang=node.language) if node.language else Literal(
                    node.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
            else:
                made = BNode(bnodes + node.value)
            terms[node] = made
        return made

    graph.addN((term(t.subject), term(t.predicate), term(t.object), graph)
               for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


def _copy_closure(source: Graph, node, target: Graph) -> None:
    """A report result and every blank node it reaches."""
    todo, seen = [node], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in source.predicate_objects(current):
            target.add((current, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def _groups(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces in groups of about BATCH_BYTES of N-Quads, articles and entities apart."""
    groups: list[list[Piece]] = []
    for entities in (False, True):
        current: list[Piece] = []
        size = 0
        for piece in (p for p in pieces if p.entities is entities):
            if current and size + piece.size > BATCH_BYTES:
                groups.append(current)
                current, size = [], 0
            current.append(piece)
            size += piece.size
        if current:
            groups.append(current)
    return groups


def check(pieces: Iterable[Piece], *, shapes_file: Path, base_uri: str, cache_root: Path,
          runner: Runner, progress: Progress = lambda _m: None,
          engine: str = "pyshacl") -> ValidationResult:
    """Validate every piece (cached ones are not run again) with ``engine`` (a key of
    ``kg.validate.ENGINES``) and merge the verdicts."""
    cache = Cache(cache_root, "validation")
    pieces = list(pieces)
    verdicts: dict[str, Verdict] = {}
    todo = []
    for piece in pieces:
        cached = cache.get(piece.key)
        if isinstance(cached, Verdict):
            verdicts[piece.key] = cached
        else:
            todo.append(piece)
    progress(f"validating {len(todo)} of {len(pieces)} pieces ({len(pieces) - len(todo)} "
             f"unchanged) on {runner.describe(len(todo))}")
    groups = _groups(todo)
    batches = (Batch(tuple(p.load() for p in group), group[0].entities, str(shapes_file), base_uri,
                     engine) for group in groups)
    found_all = runner.map(validate_batch, batches, total=len(todo), what="pieces",
                           progress=progress)
    for group, found in zip(groups, found_all, strict=True):
        for piece, verdict in zip(group, found, strict=True):
            verdicts[piece.key] = verdict
            if not any(f.severity == "Violation" for f in verdict.findings):
                cache.put(piece.key, verdict)
    cache.keep_only({p.key for p in pieces})
    return merge([verdicts[p.key] for p in pieces])


def merge(verdicts: list[Verdict]) -> ValidationResult:
    """One report for the whole release, as pyshacl would have written it."""
    report = Graph()
    report.bind("sh", SH)
    node = BNode()
    findings = sorted((f for v in verdicts for f in v.findings),
                      key=lambda f: (f.severity, f.focus, f.message))
    conforms = not any(f.severity == "Violation" for f in findings)
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(conforms)))
    for verdict in verdicts:
        if not verdict.results:
            continue
        part = Graph().parse(data=verdict.results, format="nt")
        for triple in part:
            report.add(triple)
        for result in part.subjects(SH.resultSeverity, None):
            report.add((node, SH.result, result))
    return ValidationResult(conforms=conforms, report=report, findings=findings)


def evidence_triples(mentions: dict[str, str]) -> dict[str, bytes]:
    """Entity IRI -> one ``itsrdf:taIdentRef`` triple from a phrase that names it."""
    return {entity: f"<{span}> <{ITSRDF.taIdentRef}> <{entity}> .\n".encode()
            for entity, span in mentions.items()}


def salt(shapes_file: Path, base_uri: str, engine: str = "pyshacl") -> str:
    """What a verdict depends on besides the data: the shapes, the validator and its engine,
    the base."""
    digest = hashlib.sha256(Path(shapes_file).read_bytes())
    digest.update(validation_fingerprint().encode() + base_uri.encode())
    digest.update(f"{engine} {ENGINES[engine]}".encode())
    return digest.hexdigest()
