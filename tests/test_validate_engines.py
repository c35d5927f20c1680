"""The two SHACL engines of the gate (``kg.validate.ENGINES``) must find the same things.

pyshacl is the reference; pyshacl-turbo runs the same shapes in Rust. Their findings are
compared on the seeds' real publication and on copies of it broken on purpose (triples left
out, datatypes and language tags changed, references left dangling), and a build with the
faster engine must publish what a pyshacl build publishes and refuse what it refuses.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph

from kg.gate import Batch, validate_batch
from kg.pipeline import BuildError, build
from kg.release.publication import Publication
from kg.settings import Settings
from kg.validate import ENGINES, ValidationResult, load_shapes, validate
from kg.vocab import schema_graph

DUMPS = ("kg.nq", "kg.nt", "kg.ttl")


def _published(settings: Settings) -> bytes:
    return Publication.current(settings.dist_dir).file("kg.nt").read_bytes()


def _run(data: bytes, settings: Settings, engine: str) -> ValidationResult:
    graph = Graph().parse(data=data, format="nt")
    return validate(graph, load_shapes(settings.base_uri), schema_graph(settings.base_uri),
                    inplace=True, engine=engine)


def _seen(result: ValidationResult) -> Counter[tuple[str, str, str | None, str]]:
    """Findings by severity, node, path and message; a complex path (an inverse path) is a
    blank node, named differently by each engine's report."""
    return Counter((f.severity, f.focus, f.path if f.path and ":" in f.path else "[path]",
                    f.message) for f in result.findings)


def _broken(data: bytes, seed: int, rate: float) -> bytes:
    """The dump with about ``rate`` of its lines each dropped, retyped, left dangling or
    stripped of its language tag: every shape's constraints get something to find."""
    rng = random.Random(seed)
    out = []
    for line in data.splitlines(keepends=True):
        roll = rng.random()
        if roll < rate:
            continue
        if roll < 2 * rate:
            line = (line.replace(b"#nonNegativeInteger>", b"#string>")
                    .replace(b"#date>", b"#string>").replace(b"#gYear>", b"#integer>"))
        elif roll < 3 * rate:
            subject, rest = line.split(b" ", 1)
            line = subject + b" " + rest.replace(b"/resource/", b"/resource/Nobody_", 1)
        elif roll < 4 * rate:
            line = line.replace(b'"@en ', b'" ')
        out.append(line)
    return b"".join(out)


def test_the_engines_table_names_installed_engines():
    assert set(ENGINES) == {"pyshacl", "turbo"} and all(ENGINES.values())


def test_both_engines_pass_the_published_seeds(built: Settings):
    data = _published(built)
    reference, fast = _run(data, built, "pyshacl"), _run(data, built, "turbo")
    assert reference.conforms and fast.conforms
    assert _seen(fast) == _seen(reference)


@pytest.mark.parametrize(("seed", "rate"), [(1, 0.002), (2, 0.01), (3, 0.03), (4, 0.08)])
def test_both_engines_find_the_same_faults_in_broken_data(built: Settings, seed: int,
                                                          rate: float):
    data = _broken(_published(built), seed, rate)
    reference, fast = _run(data, built, "pyshacl"), _run(data, built, "turbo")
    assert not reference.conforms and reference.violations
    assert _seen(fast) == _seen(reference)
    assert [(f.focus, f.sentence) for f in fast.violations] == [  # the evidence shown
        (f.focus, f.sentence) for f in reference.violations]


@pytest.mark.parametrize(("seed", "rate"), [(5, 0.01), (6, 0.05)])
def test_the_gates_turbo_batches_find_what_pyshacl_finds(built: Settings, seed: int,
                                                        rate: float):
    """The gate hands turbo its batch as text (``kg.validate.turbo_report``), not as an
    rdflib graph: on broken data each half of the shapes finds, piece by piece, what pyshacl
    finds, with the same sentences as evidence."""
    data = _broken(_published(built), seed, rate)
    lines = data.splitlines(keepends=True)
    pieces = (b"".join(lines[: len(lines) // 2]), b"".join(lines[len(lines) // 2 :]))
    shapes = str(built.shapes_dir / "newskg-shapes.ttl")
    found = 0
    for entities in (False, True):
        verdicts = {engine: validate_batch(Batch(pieces, entities, shapes, built.base_uri, engine))
                    for engine in ENGINES}
        for fast, reference in zip(verdicts["turbo"], verdicts["pyshacl"], strict=True):
            assert _seen_of(fast.findings) == _seen_of(reference.findings)
            assert sorted((f.focus, f.sentence) for f in fast.findings) == sorted(
                (f.focus, f.sentence) for f in reference.findings)
            found += len(fast.findings)
    assert found  # the broken data gave both engines something to find


def _seen_of(findings) -> Counter[tuple[str, str, str | None, str]]:
    return _seen(ValidationResult(conforms=False, report=Graph(), findings=list(findings)))


def test_an_unknown_engine_is_refused_by_name(built: Settings):
    with pytest.raises(ValueError, match="unknown SHACL engine 'jena'"):
        _run(_published(built), built, "jena")


def test_a_turbo_build_publishes_and_refuses_as_a_pyshacl_build_does(
        built: Settings, tmp_path: Path, strict_shapes: Path):
    fast = Settings.from_env(base_uri=built.base_uri, dist_dir=tmp_path / "dist",
                             seeds_dir=built.seeds_dir, shacl_engine="turbo")
    build(fast, progress=lambda _m: None)
    first, second = Publication.current(built.dist_dir), Publication.current(fast.dist_dir)
    for name in DUMPS:
        assert first.file(name).read_bytes() == second.file(name).read_bytes(), name
    with pytest.raises(BuildError, match="validation failed, nothing published") as err:
        build(fast.replace(shapes_dir=strict_shapes), progress=lambda _m: None)
    assert "Every entity must link to another dataset." in str(err.value)
    assert Publication.current(fast.dist_dir).root == second.root



def test_the_gate_reads_n_triples_as_rdflib_does(built: Settings):
    """The same graph as rdflib's parser, up to RDF 1.1's own term equality: a language tag
    is case-insensitive (Oxigraph writes it in lower case) and "x"^^xsd:string is "x"."""
    from rdflib.compare import isomorphic

    from kg.gate import add_ntriples

    odd = (b'_:b1 <urn:p> "x"@en-GB .\n'
           b'_:b1 <urn:q> "007"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
           b'<urn:s> <urn:p> "plain" .\n'
           b'<urn:s> <urn:p> "typed"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
           b'<urn:s> <urn:r> "ill"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
           b'<urn:s> <urn:t> "tab\\t\\u00e9"^^<urn:type> .\n')
    for data in (_published(built), odd):
        ours = Graph()
        add_ntriples(ours, data)
        add_ntriples(ours, b"_:b1 <urn:p> <urn:other> .\n")  # another call's _:b1: another node
        reference = Graph().parse(data=data, format="nt")
        reference.parse(data="_:b1 <urn:p> <urn:other> .\n", format="nt")
        assert len(ours) == len(reference) == len(_rdf11(reference))
        assert isomorphic(ours, _rdf11(reference))


def _rdf11(graph: Graph) -> Graph:
    from rdflib import XSD, Literal

    def same(term):
        if isinstance(term, Literal) and (term.language or term.datatype == XSD.string):
            return Literal(str(term), lang=term.language.lower() if term.language else None)
        return term

    out = Graph()
    for s, p, o in graph:
        out.add((s, p, same(o)))
    return out
