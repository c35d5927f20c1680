"""Writers for SELECT and ASK results in the four W3C result formats.

pyoxigraph can serialise a *whole* result set, but the endpoint must stop at the row cap and
say so, and pyoxigraph offers no way to serialise a partial one. These writers take the rows
already pulled (at most ``max_rows``) and produce what pyoxigraph would: the tests compare
both on the same queries. Specs: SPARQL 1.1 Query Results JSON, XML, and CSV/TSV formats, with
the SPARQL 1.2 additions for triple terms and directional language strings.

XML 1.0 cannot carry some characters a SPARQL string can hold (most C0 controls, U+FFFE,
U+FFFF), not even as character references, so where pyoxigraph would write a document no
parser accepts, the XML writer raises ``NotRepresentable``: the client asked for a format that
cannot carry the answer, and JSON, CSV and TSV can.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, unescape

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
#: Text and attribute escaping as Oxigraph's XML writer does it, so both writers agree, except
#: that pyoxigraph 0.5 writes ' as &apos; and CR raw (which parsers read back as LF).
XML_TEXT = {'"': "&quot;", "\r": "&#13;"}
XML_UNESCAPE = {v: k for k, v in XML_TEXT.items()}
#: What XML 1.0 excludes from a document: the complement of its ``Char`` production (the
#: legal-character constraint excludes the same from character references).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: The excluded C0 controls as UTF-8 bytes, for the cheap whole-document check.
NOT_XML_C0 = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
ITS_NS = "http://www.w3.org/2005/11/its"

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]


class NotRepresentable(ValueError):
    """A value the requested result format cannot carry, though other formats can: the answer
    to the client is "ask for another format" (406), not a failed query (500).

    ``variable`` names the binding (SELECT results); None means a graph (RDF/XML), and
    ``char`` is then the character, or the whole IRI of a predicate RDF/XML cannot name."""

    def __init__(self, variable: str | None, char: str) -> None:
        if variable is not None:
            message = (
                f"the value of ?{variable} contains U+{ord(char):04X}, which XML 1.0 cannot "
                "carry; ask for JSON, CSV or TSV results"
            )
        elif len(char) == 1:
            message = (
                f"the graph contains U+{ord(char):04X}, which XML 1.0 cannot carry; ask for "
                "Turtle, N-Triples or JSON-LD"
            )
        else:
            message = (
                f"the predicate <{char}> does not end in an XML name, so RDF/XML cannot write "
                "it; ask for Turtle, N-Triples or JSON-LD"
            )
        super().__init__(message)
        self.variable = variable
        self.char = char

    def __reduce__(self) -> tuple[type[NotRepresentable], tuple[str | None, str]]:
        return type(self), (self.variable, self.char)  # so it pickles across processes


#: How an IRI must end for RDF/XML to write it as an element name (an NCName after the
#: namespace part): a letter or underscore, then name characters.
XML_NAME_END = re.compile(r"[^\W\d][\w.\-\u00b7]*\Z")


def not_xml(body: bytes, text: str) -> bool:
    """Whether a document (``body``, the UTF-8 of ``text``) holds a character XML 1.0 excludes.

    One pass over the bytes in C, far cheaper than a regex search of every value; the regex
    runs only afterwards, to name what the document cannot carry."""
    return len(body.translate(None, NOT_XML_C0)) != len(body) or "\ufffe" in text or "\uffff" in text


def check_rdfxml(body: bytes, predicates: Iterable[str]) -> None:
    """Raise NotRepresentable if an RDF/XML document would not be well-formed XML."""
    for iri in predicates:
        if not XML_NAME_END.search(iri):
            raise NotRepresentable(None, iri)
    text = body.decode()
    if not_xml(body, text):
        found = NOT_XML.search(text)
        assert found is not None
        raise NotRepresentable(None, found.group())


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


#: The string escaping ``json.dumps(..., ensure_ascii=False)`` applies (the C version where it
#: exists). The writer joins escaped pieces itself: building dicts per term and letting
#: ``json.dumps`` walk them cost 2.4x as much on a typical lookup, and this is the hot path.
_string = json.encoder.encode_basestring


def _json_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _string(term.value) + "}"
    if isinstance(term, ox.Literal):
        head = '{"type":"literal","value":' + _string(term.value)
        if term.language:
            head += ',"xml:lang":' + _string(term.language)
            if term.direction is not None:
                head += ',"its:dir":' + _string(str(term.direction))
            return head + "}"
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return head + ',"datatype":' + _string(datatype) + "}"
        return head + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _string(term.value) + "}"
    return (
        '{"type":"triple","value":{"subject":' + _json_term(term.subject)
        + ',"predicate":' + _json_term(term.predicate)
        + ',"object":' + _json_term(term.object) + "}}"
    )


def _json(variables: Sequence[str], rows: Iterable[Row]) -> bytes:
    keys = [_string(var) + ":" for var in variables]
    bindings = ",".join(
        "{" + ",".join(
            key + _json_term(term) for key, term in zip(keys, row, strict=True) if term is not None
        ) + "}"
        for row in rows
    )
    head = ",".join(_string(var) for var in variables)
    return ('{"head":{"vars":[' + head + ']},"results":{"bindings":[' + bindings + "]}}").encode()


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
    text = "".join(out)
    try:
        body = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        raise _not_representable(text, variables) from None
    if not_xml(body, text):
        raise _not_representable(text, variables)
    return body


def _not_representable(text: str, variables: Sequence[str]) -> NotRepresentable:
    """The error naming the first character of ``text`` XML 1.0 excludes and its variable.

    Values are escaped, so the nearest ``<binding name="`` before the character is the binding
    it belongs to; before the first binding it can only be in a variable name of the head."""
    found = NOT_XML.search(text)
    assert found is not None, "called only when the document has such a character"
    opening = '<binding name="'
    at = text.rfind(opening, 0, found.start())
    if at < 0:
        variable = next(v for v in variables if found.group() in v)
    else:
        start = at + len(opening)
        variable = unescape(text[start : text.index('"', start)], XML_UNESCAPE)
    return NotRepresentable(variable, found.group())


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
