"""The validation gate: pyshacl against shapes/ before anything is published.

Violations block publication; warnings are reported. The report is kept as RDF (published
with the release, or saved beside it when the build fails) and rendered for people with the
node, the shape's message and the sentence the offending fact was read from.

Two engines run the same shapes: pyshacl, the reference, and pyshacl-turbo, a Rust engine with
pyshacl's API and report vocabulary that checks the build's batches about five times faster.
``KG_SHACL_ENGINE`` picks the build gate's; tests/test_validate_engines.py keeps their findings
equal on real, deliberately broken data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyshacl
import pyshacl_turbo
from pyshacl import validate as shacl_validate
from pyshacl_turbo.rdf import Input as TurboInput
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query

from kg.vocab import NIF, SH, SHAPES_FILE, load_turtle


@dataclass(frozen=True)
class Finding:
    severity: str  # Violation, Warning, Info
    focus: str
    path: str | None
    message: str
    sentence: str | None


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool  # no Violation (warnings allowed)
    report: Graph
    findings: list[Finding]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]

    def text(self, limit: int = 20) -> str:
        lines = [
            f"SHACL: {len(self.violations)} violation(s), {len(self.warnings)} warning(s)"
        ]
        for finding in (self.violations + self.warnings)[:limit]:
            lines.append(f"- {finding.severity}: {finding.focus}")
            if finding.path:
                lines.append(f"    path: {finding.path}")
            lines.append(f"    {finding.message}")
            if finding.sentence:
                lines.append(f"    sentence: \u201c{finding.sentence}\u201d")
        return "\n".join(lines)


def load_shapes(base_uri: str, path: Path = SHAPES_FILE) -> Graph:
    """Parse the shapes against the base; relative ``sh:namespace`` literals are resolved too,
    because SPARQL-based constraints need absolute prefixes."""
    shapes = load_turtle(path, base_uri)
    for subject, namespace in list(shapes.subject_objects(SH.namespace)):
        value = str(namespace)
        if "://" not in value:
            shapes.remove((subject, SH.namespace, namespace))
            shapes.add((subject, SH.namespace, Literal(base_uri + value, datatype=XSD.anyURI)))
    return shapes


@lru_cache(maxsize=64)
def _prepared(text: str, base: str | None, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


def _query_prepared_once(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
    """rdflib's SPARQL processor, but each query text is parsed and translated once.

    pyshacl runs a SPARQL-based constraint once per focus node, with the same text and only
    ``$this`` bound, and rdflib re-parses the text every time (pyparsing: ~45 ms each, most of
    the validation's time). A prepared query with bindings is rdflib's own documented way to
    run one text many times, so the answers are the same."""
    if isinstance(strOrQuery, str):
        namespaces = tuple(sorted((k, str(v)) for k, v in (initNs or {}).items()))
        strOrQuery = _prepared(strOrQuery, base, namespaces)
    return _RDFLIB_QUERY(self, strOrQuery, initBindings, initNs, base, DEBUG)


_RDFLIB_QUERY = SPARQLProcessor.query
SPARQLProcessor.query = _query_prepared_once  # type: ignore[method-assign]


#: SHACL engine -> its version, for the validation cache's key (kg.cache).
ENGINES = {"pyshacl": pyshacl.__version__, "turbo": pyshacl_turbo.__version__}


_COMPILED: dict[int, tuple[Graph, pyshacl_turbo.CompiledShapes]] = {}


def _compiled(shapes: Graph) -> pyshacl_turbo.CompiledShapes:
    """pyshacl-turbo's program for a shapes graph, compiled once per graph object (rdflib
    graphs compare by their identifier, so the object itself is the key)."""
    held = _COMPILED.get(id(shapes))
    if held is None or held[0] is not shapes:
        if len(_COMPILED) >= 4:
            _COMPILED.clear()
        held = _COMPILED[id(shapes)] = (shapes, pyshacl_turbo.compile_shapes(shapes, advanced=True))
    return held[1]


def validate(data: Graph, shapes: Graph, ontology: Graph,
             use_shapes: list[str] | None = None, inplace: bool = False,
             engine: str = "pyshacl") -> ValidationResult:
    """SHACL over ``data``; ``use_shapes`` (shape IRIs) limits it to part of the shapes;
    ``inplace`` lets the engine mix the ontology into ``data`` instead of copying it first (for
    a graph made only to be validated); ``engine`` is a key of ENGINES."""
    if engine == "turbo":
        if not inplace:
            data = data + Graph()  # a copy, so the caller's graph stays as it was
        data += ontology  # what pyshacl's ont_graph does: sh:class sees the class hierarchy
        _, report, text = _compiled(shapes).validate(
            data, inference="none", allow_warnings=True, use_shapes=use_shapes, inplace=True)
    elif engine == "pyshacl":
        _, report, text = shacl_validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
            use_shapes=use_shapes,
            inplace=inplace,
        )
    else:
        raise ValueError(f"unknown SHACL engine {engine!r}: use one of {', '.join(ENGINES)}")
    if not isinstance(report, Graph):  # pyshacl's ValidationFailure: the shapes are broken
        raise ValueError(f"SHACL validation could not run: {text}")
    return result_of(report, data)


def turbo_report(ntriples: str, shapes: Graph, use_shapes: list[str] | None = None) -> Graph:
    """pyshacl-turbo over N-Triples that it parses itself, the ontology's triples included.

    Handed an rdflib graph, turbo writes it back out as text for its Rust side, so a build's
    batch would be parsed, built into rdflib's indexed store and serialised again: about three
    quarters of the gate's time (``bench/results-validation.md``). turbo's own input record
    (``pyshacl_turbo.rdf.Input``, the form its loaders produce) takes the text as it is;
    tests/test_validate_engines.py checks the findings against pyshacl's on broken data."""
    _, report, text = _compiled(shapes).validate(
        TurboInput(ntriples, "nquads", None, {}), inference="none", allow_warnings=True,
        use_shapes=use_shapes, inplace=False)
    if not isinstance(report, Graph):
        raise ValueError(f"SHACL validation could not run: {text}")
    return report


def result_of(report: Graph, data: Graph | Callable[[], Graph]) -> ValidationResult:
    """The findings of a report, each with its sentence looked up in ``data`` (or in the
    graph ``data()`` makes, asked for only when there is something to explain)."""
    if callable(data) and not isinstance(data, Graph):
        data = data() if (None, SH.resultSeverity, None) in report else Graph()
    findings = sorted(_findings(report, data), key=lambda f: (f.severity, f.focus, f.message))
    conforms = not any(f.severity == "Violation" for f in findings)
    return ValidationResult(conforms=conforms, report=report, findings=findings)


def _findings(report: Graph, data: Graph) -> list[Finding]:
    kg_source = _source_predicates(data)
    found = []
    for result in report.subjects(SH.resultSeverity, None):
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        found.append(Finding(
            severity=severity,
            focus=str(focus),
            path=str(path) if path is not None else None,
            message=str(message) if message is not None else "constraint not satisfied",
            sentence=_sentence_of(data, focus, kg_source),
        ))
    return found


def _source_predicates(data: Graph) -> list[URIRef]:
    # A predicate is always an IRI; the isinstance only tells the type checker so.
    return [p for p in set(data.predicates())
            if isinstance(p, URIRef) and str(p).endswith("ontology#sourceSentence")]


def _sentence_of(data: Graph, node, source_predicates: list[URIRef]) -> str | None:
    """The sentence a faulty node was read from, to show the user the evidence."""
    if node is None:
        return None
    for predicate in source_predicates:
        sentence = data.value(node, predicate)
        if sentence is not None:
            text = data.value(sentence, NIF.anchorOf)
            if text is not None:
                return str(text)
    text = data.value(node, NIF.anchorOf)
    return None if text is None else str(text)
