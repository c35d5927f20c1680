"""Writers for SELECT and ASK results in the four W3C result formats.

pyoxigraph can serialise a *whole* result set, but the endpoint must stop at the row cap and
say so, and pyoxigraph offers no way to serialise a partial one. These writers take the rows
already pulled (at most ``max_rows``) and produce what pyoxigraph would: the tests compare
both on the same queries. Specs: SPARQL 1.1 Query Results JSON, XML, and CSV/TSV formats, with
the SPARQL 1.2 additions for triple terms and directional language strings.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
#: Literals TSV may write bare when their lexical form is Turtle's own numeric or boolean token
#: (SPARQL 1.1 CSV/TSV, section 3.2); an ill-typed one such as "abc"^^xsd:integer is not.
TSV_BARE = {
    XSD + "integer": re.compile(r"[+-]?[0-9]+"),
    XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    XSD + "boolean": re.compile(r"true|false"),
}
#: Text and attribute escaping as Oxigraph's XML writer does it, so both writers agree.
XML_TEXT = {'"': "&quot;", "\r": "&#13;"}
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
ITS_NS = "http://www.w3.org/2005/11/its"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]


def write(fmt: str, variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    """Solutions in format ``fmt`` (json, xml, csv, tsv)."""
    return _WRITERS[fmt](variables, rows)


def write_boolean(fmt: str, value: bool) -> bytes:
    """An ASK answer; CSV and TSV (which the spec leaves open) get a bare ``true``/``false``."""
    text = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}, separators=(",", ":")).encode()
    if fmt == "xml":
        return (
            f'<?xml version="1.0"?><sparql xmlns="{RESULTS_NS}"><head></head>'
            f"<boolean>{text}</boolean></sparql>"
        ).encode()
    return text.encode()


# JSON ------------------------------------------------------------------------------------


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if term.direction is not None:
                out["its:dir"] = str(term.direction)
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    bindings = [
        {
            var: _json_term(term)
            for var, term in zip(variables, row, strict=True)
            if term is not None
        }
        for row in rows
    ]
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


# XML -------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return escape(value, XML_TEXT)


def _attr(value: str) -> str:
    return f'"{escape(value, XML_TEXT)}"'


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_text(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        value = _text(term.value)
        if term.language:
            attrs = f" xml:lang={_attr(term.language)}"
            if term.direction is not None:
                attrs += (
                    f' its:dir="{term.direction}" xmlns:its="{ITS_NS}" its:version="2.0"'
                )
            return f"<literal{attrs}>{value}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={_attr(term.datatype.value)}>{value}</literal>"
        return f"<literal>{value}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _xml(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    out = [f'<?xml version="1.0"?><sparql xmlns="{RESULTS_NS}"><head>']
    out.extend(f"<variable name={_attr(v)}/>" for v in variables)
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        for var, term in zip(variables, row, strict=True):
            if term is not None:
                out.append(f"<binding name={_attr(var)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>")
    return "".join(out).encode()


# CSV and TSV -----------------------------------------------------------------------------


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return " ".join(_csv_term(t) for t in (term.subject, term.predicate, term.object))
    return term.value  # IRIs and literals: the bare string, per the CSV format


def _csv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_term(term) for term in row])
    return buffer.getvalue().encode()


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        bare = TSV_BARE.get(term.datatype.value)
        if bare is not None and bare.fullmatch(term.value):
            return term.value
    if isinstance(term, ox.Triple):  # SPARQL 1.2 triple term
        parts = (_tsv_term(t) for t in (term.subject, term.predicate, term.object))
        return "<<( " + " ".join(parts) + " )>>"
    return str(term)  # N-Triples syntax, in which tabs and newlines are escaped


def _tsv(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join(_tsv_term(term) for term in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()


_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}
