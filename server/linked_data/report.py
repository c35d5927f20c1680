"""A SHACL validation report as pages show it: the verdict, counts by severity and shape, and
each result with its focus node, path, value and message.

Two pages show reports: the release's own validation report (``/validation``) and the report
of data posted to the ``/shacl`` service; both read the report graph through this module, so
they agree on ordering and wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.vocab import SH
from server.linked_data.rdfview import path_text, rdflib_view
from server.linked_data.terms import Namer, TermView

SEVERITY_ORDER = ("Violation", "Warning", "Info")


@dataclass
class ResultView:
    severity: str
    focus: TermView | None
    path: str | None
    value: TermView | None
    messages: list[str]
    shape: TermView | None
    component: str | None


@dataclass
class ReportView:
    present: bool
    conforms: bool | None
    results: list[ResultView]
    by_severity: dict[str, int]
    by_shape: list[tuple[TermView | None, str, int]]


def report_view(report: Graph, nm: Namer, labels: dict[str, str] | None = None) -> ReportView:
    """Read a sh:ValidationReport into what the page shows: verdict, counts, results."""
    reports = list(report.subjects(RDF.type, SH.ValidationReport))
    if not reports:
        return ReportView(False, None, [], {}, [])
    conforms = all(_conforms(report, r) for r in reports)
    results: list[ResultView] = []
    for r in reports:
        for res in report.objects(r, SH.result):
            results.append(_result_view(report, res, nm, labels or {}))
    results.sort(key=lambda v: (_sev_rank(v.severity), v.shape.label if v.shape else "",
                                v.focus.value if v.focus else ""))
    by_sev: dict[str, int] = {}
    by_shape: dict[tuple[str | None, str], tuple[TermView | None, str, int]] = {}
    for v in results:
        by_sev[v.severity] = by_sev.get(v.severity, 0) + 1
        key = (v.shape.value if v.shape else None, v.severity)
        shape, sev, n = by_shape.get(key, (v.shape, v.severity, 0))
        by_shape[key] = (shape, sev, n + 1)
    ordered = sorted(by_shape.values(), key=lambda t: (_sev_rank(t[1]), -t[2]))
    return ReportView(True, conforms, results, by_sev, ordered)


def _conforms(report: Graph, r: Node) -> bool:
    """A report's sh:conforms (true when it has none)."""
    value = report.value(r, SH.conforms, default=Literal(True))
    assert isinstance(value, Literal)  # sh:conforms is an xsd:boolean literal
    return bool(value.toPython())


def _sev_rank(sev: str) -> int:
    return SEVERITY_ORDER.index(sev) if sev in SEVERITY_ORDER else len(SEVERITY_ORDER)


def _shape_view(graph: Graph, nm: Namer, shape: Node | None) -> TermView | None:
    """A result's source shape: linked when it has an IRI, else named by its path."""
    if isinstance(shape, URIRef):
        return rdflib_view(nm, shape)
    if shape is None:
        return None
    path = graph.value(shape, SH.path)
    text = f"property shape on {path_text(nm, graph, path)}" if path is not None else "anonymous shape"
    return TermView(kind="bnode", value=str(shape), label=text)


def _result_view(graph: Graph, res: Node, nm: Namer, labels: dict[str, str]) -> ResultView:
    sev = graph.value(res, SH.resultSeverity)
    focus = graph.value(res, SH.focusNode)
    path = graph.value(res, SH.resultPath)
    value = graph.value(res, SH.value)
    comp = graph.value(res, SH.sourceConstraintComponent)
    return ResultView(
        severity=str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation",
        focus=rdflib_view(nm, focus, labels) if focus is not None else None,
        path=path_text(nm, graph, path) if path is not None else None,
        value=rdflib_view(nm, value, labels) if value is not None else None,
        messages=sorted({str(m) for m in graph.objects(res, SH.resultMessage)}),
        shape=_shape_view(graph, nm, graph.value(res, SH.sourceShape)),
        component=(nm.curie(str(comp)) or str(comp)) if comp is not None else None,
    )
