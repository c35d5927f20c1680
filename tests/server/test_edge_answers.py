"""Answers at the edges: result values XML 1.0 cannot carry, and a Range past the end of a dump.

The writer tests call ``server.engine.results`` on rows pyoxigraph itself produced; the HTTP
tests talk to a real ``kg serve`` (``sample_server``). Nothing of ours is mocked.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from server.engine import results as sparql_results
from tests.server.conftest import fetch, query_url

RESULTS = "{http://www.w3.org/2005/sparql-results#}"
#: Every code point XML 1.0 excludes that a pyoxigraph string can hold (lone surrogates cannot
#: reach the writer: pyoxigraph strings are UTF-8), at both ends of each excluded range.
NOT_XML = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ufffe", "\uffff"]
#: Text XML 1.0 carries, some of it only escaped: tab, newlines, CR, markup, NBSP, the edges of
#: the allowed ranges, and characters outside the BMP.
XML_SAFE = (
    "tab\there\nline\r\nend <a href=\"x\">&amp;</a> 'q' \u00a0nbsp \ud7ff\ue000\ufffd "
    "\U0001f4f0 \U0010ffff"
)
IRI = "http://example.org/caf\u00e9/\U0001f4f0"


def solutions(query: str) -> tuple[list[str], list[list]]:
    """The variables and rows pyoxigraph gives for ``query`` on an empty store."""
    result = ox.Store().query(query)
    return [v.value for v in result.variables], [list(s) for s in result]


def sparql_string(text: str) -> str:
    """``text`` as a SPARQL string literal, every character a \\U escape (nothing to quote)."""
    return '"' + "".join(f"\\U{ord(c):08X}" for c in text) + '"'


# XML results: refuse what XML 1.0 cannot carry ----------------------------------------------


def test_a_control_character_from_a_query_is_refused_naming_the_variable_and_code_point():
    variables, rows = solutions('SELECT ?ok ?c { BIND("fine" AS ?ok) BIND("a\\u0001b" AS ?c) }')
    with pytest.raises(sparql_results.NotRepresentable) as caught:
        sparql_results.write("xml", variables, rows)
    message = str(caught.value)
    assert "?c" in message and "?ok" not in message
    assert "U+0001" in message
    assert "JSON" in message  # says what to ask for instead
    assert isinstance(caught.value, ValueError)
    assert (caught.value.variable, caught.value.char) == ("c", "\x01")


@pytest.mark.parametrize("char", NOT_XML, ids=[f"U+{ord(c):04X}" for c in NOT_XML])
def test_every_character_xml_excludes_is_refused(char):
    rows = [[ox.Literal("fine")], [ox.Literal(f"before{char}after", language="en")]]
    with pytest.raises(sparql_results.NotRepresentable, match=rf"\?v\b.*U\+{ord(char):04X}\b"):
        sparql_results.write("xml", ["v"], rows)


def test_a_typed_literal_and_a_triple_term_are_checked_too():
    typed = ox.Literal("1\x02", datatype=ox.NamedNode("http://example.org/dt"))
    with pytest.raises(sparql_results.NotRepresentable, match=r"\?t\b.*U\+0002"):
        sparql_results.write("xml", ["s", "t"], [[ox.NamedNode("http://example.org/a"), typed]])
    triple = ox.Triple(
        ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
        ox.Literal("x\x1fy"),
    )
    with pytest.raises(sparql_results.NotRepresentable, match=r"\?tt\b.*U\+001F"):
        sparql_results.write("xml", ["tt"], [[triple]])


@pytest.mark.parametrize("name", ["v\x01", "v\ud800"], ids=["control", "lone-surrogate"])
def test_a_variable_name_xml_cannot_carry_is_refused_too(name):
    """pyoxigraph never makes such names; the writer still sends nothing unparsable."""
    with pytest.raises(sparql_results.NotRepresentable, match=rf"U\+{ord(name[1]):04X}") as caught:
        sparql_results.write("xml", ["ok", name], [[ox.Literal("fine"), None]])
    assert caught.value.variable == name


def test_the_first_offending_value_is_named_in_row_order():
    rows = [[ox.Literal("fine"), ox.Literal("fine")], [ox.Literal("x"), ox.Literal("\x0c")],
            [ox.Literal("\x01"), ox.Literal("y")]]
    with pytest.raises(sparql_results.NotRepresentable, match=r"\?b\b.*U\+000C"):
        sparql_results.write("xml", ["a", "b"], rows)


def test_the_refusal_survives_pickling():
    """Executors send replies across a process boundary; the exception must cross it intact."""
    import pickle

    error = sparql_results.NotRepresentable("c", "\x01")
    again = pickle.loads(pickle.dumps(error))
    assert (again.variable, again.char, str(again)) == ("c", "\x01", str(error))


def _xml_safe_query(text: str) -> str:
    return (
        f"SELECT ?plain ?lang ?typed ?iri {{ BIND({sparql_string(text)} AS ?plain) "
        f"BIND(STRLANG(?plain, \"en\") AS ?lang) "
        f"BIND(STRDT(?plain, <http://example.org/dt>) AS ?typed) "
        f"BIND(IRI(\"{IRI}\") AS ?iri) }}"
    )


def test_text_xml_can_carry_is_written_and_parses_back_unchanged():
    variables, rows = solutions(_xml_safe_query(XML_SAFE))
    root = ET.fromstring(sparql_results.write("xml", variables, rows))
    values = {b.get("name"): b[0].text for b in root.iter(f"{RESULTS}binding")}
    assert values == {"plain": XML_SAFE, "lang": XML_SAFE, "typed": XML_SAFE, "iri": IRI}


def test_text_xml_can_carry_is_written_as_pyoxigraph_writes_it():
    """Byte for byte, leaving out CR and ', which this writer escapes as ``&#13;`` and not at all
    where pyoxigraph 0.5 writes a raw CR (that parsers read as LF) and ``&apos;``."""
    text = XML_SAFE.replace("\r", "").replace("'", "")
    query = _xml_safe_query(text)
    variables, rows = solutions(query)
    expected = ox.Store().query(query).serialize(format=ox.QueryResultsFormat.XML)
    assert sparql_results.write("xml", variables, rows) == expected


# Other formats carry the same values -------------------------------------------------------


def test_json_csv_and_tsv_still_carry_control_characters():
    value = "a\x01b\x0bc\ufffed"
    variables, rows = solutions(f"SELECT ?c {{ BIND({sparql_string(value)} AS ?c) }}")
    document = sparql_results.write("json", variables, rows)
    assert b"\\u0001" in document and b"\\u000b" in document  # escaped, so the JSON stays text
    assert json.loads(document)["results"]["bindings"][0]["c"]["value"] == value
    table = list(csv.reader(io.StringIO(sparql_results.write("csv", variables, rows).decode(),
                                        newline="")))
    assert table == [["c"], [value]]
    lines = sparql_results.write("tsv", variables, rows).decode().split("\n")
    assert lines[0] == "?c"
    assert ox.Literal(value) == next(ox.parse(f"<s:s> <p:p> {lines[1]} .",
                                              format=ox.RdfFormat.N_TRIPLES)).object


# Over HTTP ---------------------------------------------------------------------------------


def test_a_value_xml_cannot_carry_is_406_not_a_failed_query(sample_server):
    reply = fetch(query_url(sample_server.url, 'SELECT ?c { BIND("a\\u0001b" AS ?c) }', format="xml"))
    assert reply.status == 406
    assert reply.text.startswith("the value of ?c contains U+0001")


def test_the_endpoint_never_sends_xml_no_parser_accepts(sample_server):
    query = 'SELECT ?c { BIND("a\\u0001b" AS ?c) }'
    xml = fetch(query_url(sample_server.url, query, format="xml"))
    assert xml.status != 200, xml.body  # before the fix: 200 and a document ET rejects
    assert xml.header("Content-Type").startswith("text/plain")
    assert "?c" in xml.text and "U+0001" in xml.text
    as_json = fetch(query_url(sample_server.url, query, format="json"))
    assert as_json.status == 200
    assert json.loads(as_json.body)["results"]["bindings"] == [
        {"c": {"type": "literal", "value": "a\x01b"}}
    ]


@pytest.mark.parametrize("query, says", [
    ('CONSTRUCT { <http://example.org/s> <http://example.org/p> ?c } '
     'WHERE { BIND("a\\u0001b" AS ?c) }', "the graph contains U+0001"),
    ('CONSTRUCT { <http://example.org/s> <http://example.org/p/> "x" } WHERE {}',
     "the predicate <http://example.org/p/> does not end in an XML name"),
    ('CONSTRUCT { <http://example.org/s> <http://example.org/1> "x" } WHERE {}',
     "the predicate <http://example.org/1>"),
], ids=["control character", "predicate ending in /", "predicate ending in a digit"])
def test_rdf_xml_that_would_not_be_xml_is_refused_with_406(sample_server, query, says):
    """pyoxigraph writes these as RDF/XML no XML parser accepts (`<oxprefix: ...>`)."""
    reply = fetch(query_url(sample_server.url, query), headers={"Accept": "application/rdf+xml"})
    assert reply.status == 406 and reply.text.startswith(says), reply.text
    assert "Turtle" in reply.text  # says what to ask for instead
    turtle = fetch(query_url(sample_server.url, query), headers={"Accept": "text/turtle"})
    assert turtle.status == 200


def test_ordinary_rdf_xml_is_still_written_and_parses(sample_server):
    query = 'CONSTRUCT { <http://example.org/s> <http://example.org/p_1> "a\\tb" } WHERE {}'
    reply = fetch(query_url(sample_server.url, query), headers={"Accept": "application/rdf+xml"})
    assert reply.status == 200
    ET.fromstring(reply.body)


# 416 on the dumps --------------------------------------------------------------------------


def _dump_size(server_url: str, name: str) -> int:
    head = fetch(f"{server_url}dumps/{name}", "HEAD")
    assert head.status == 200
    return int(head.header("Content-Length"))


def test_a_range_past_the_end_is_a_plain_text_416_with_the_size(sample_server):
    size = _dump_size(sample_server.url, "kg.nt")
    reply = fetch(f"{sample_server.url}dumps/kg.nt", headers={"Range": "bytes=999999999-"})
    assert reply.status == 416
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    assert reply.header("Content-Range") == f"bytes */{size}"  # RFC 9110, 15.5.17
    assert "<html" not in reply.text.lower()
    assert "kg.nt" in reply.text and f"{size} bytes" in reply.text
    assert "bytes=999999999-" in reply.text
    assert reply.text.endswith("\n") and reply.text.count("\n") == 1


@pytest.mark.parametrize(
    ("range_header", "says"),
    [
        ("bytes=0-1,5-6", "one byte range"),  # two satisfiable ranges: Werkzeug serves only one
        ("bytes=abc", "not a byte range"),
        ("lines=0-1", "not a byte range"),
    ],
)
def test_other_unsatisfiable_ranges_say_why(sample_server, range_header, says):
    size = _dump_size(sample_server.url, "kg.nq")
    reply = fetch(f"{sample_server.url}dumps/kg.nq", headers={"Range": range_header})
    assert reply.status == 416
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    assert reply.header("Content-Range") == f"bytes */{size}"
    assert says in reply.text and f"{size} bytes" in reply.text


def test_head_with_a_range_past_the_end_is_416_without_a_body(sample_server):
    size = _dump_size(sample_server.url, "kg.ttl.gz")
    reply = fetch(f"{sample_server.url}dumps/kg.ttl.gz", "HEAD", headers={"Range": f"bytes={size}-"})
    assert reply.status == 416 and reply.body == b""
    assert reply.header("Content-Range") == f"bytes */{size}"
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"


def test_satisfiable_and_stale_if_range_requests_are_unchanged(sample_server):
    url = f"{sample_server.url}dumps/kg.nt"
    whole = fetch(url).body
    last = fetch(url, headers={"Range": f"bytes={len(whole) - 1}-"})
    assert last.status == 206 and last.body == whole[-1:]
    assert last.header("Content-Range") == f"bytes {len(whole) - 1}-{len(whole) - 1}/{len(whole)}"
    stale = fetch(url, headers={"Range": "bytes=999999999-", "If-Range": '"stale"'})
    assert stale.status == 200 and stale.body == whole  # If-Range fails: the whole file


def test_the_416_message_does_not_echo_a_huge_header(sample_server):
    long_range = "bytes=" + ",".join(f"{n}-{n}" for n in range(0, 1000, 2))
    reply = fetch(f"{sample_server.url}dumps/kg.nt", headers={"Range": long_range})
    assert reply.status == 416
    assert reply.header("Content-Type") == "text/plain; charset=utf-8"
    assert "asks for 500" in reply.text and len(reply.body) < 300
    assert long_range not in reply.text
