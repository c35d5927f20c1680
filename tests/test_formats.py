"""The format registry (``kg.formats``): consistent with itself, with pyoxigraph's and rdflib's
own tables, and the only source of every format a dump, the endpoint or a document offers."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pyoxigraph as ox
import pytest
from rdflib import Dataset, plugin
from rdflib.namespace import VOID
from rdflib.parser import Parser
from rdflib.serializer import Serializer
from werkzeug.datastructures import MIMEAccept

from kg import formats
from kg.formats import ALL, DOCUMENTS, DUMPS, GRAPHS, RESULTS, SHACL_INPUTS, UPDATE_INPUTS, W3C

#: pyoxigraph names JSON-LD by another IRI than the W3C registry (https://www.w3.org/ns/formats/).
OXIGRAPH_IRI_DIFFERS = {"jsonld"}


def _repeated(values) -> list:
    return [v for v, n in Counter(values).items() if n > 1]


def test_names_extensions_and_media_types_are_unique():
    assert _repeated(f.name for f in ALL) == []
    assert _repeated(f.extension for f in ALL) == []
    assert _repeated(f.media_type for f in ALL) == []
    for kind in ("results", "rdf", "html"):
        rows = [f for f in ALL if f.kind == kind]
        # within one kind a media type or a format= name must lead to one format only
        assert _repeated(t for f in rows for t in f.protocol_types) == [], kind
        assert _repeated(n for f in rows for n in f.names) == [], kind
    assert _repeated(t for f in DOCUMENTS for t in (f.media_type, *f.aliases, *f.broader_types)) == []


def test_lookups_and_selections_come_from_the_table():
    assert list(formats.by_name.values()) == list(ALL)
    assert list(formats.by_extension.values()) == list(ALL)
    assert all(f.kind == "results" for f in RESULTS) and all(f.kind == "rdf" for f in GRAPHS)
    assert len(RESULTS) + len(GRAPHS) + 1 == len(ALL)  # and HTML
    for selection in (DUMPS, DOCUMENTS, SHACL_INPUTS, UPDATE_INPUTS):
        assert all(formats.by_name[f.name] is f for f in selection)
    assert set(DUMPS) <= set(GRAPHS) and set(SHACL_INPUTS) <= set(GRAPHS)
    assert set(UPDATE_INPUTS) <= set(GRAPHS)


def test_order_breaks_ties_as_documented():
    assert RESULTS[0].name == "json"
    assert GRAPHS[0].name == "turtle" and DUMPS[0].name == "turtle"
    assert [f.name for f in DOCUMENTS[:2]] == ["turtle", "html"]


@pytest.mark.parametrize("fmt", [f for f in ALL if f.oxigraph is not None], ids=lambda f: f.name)
def test_rows_agree_with_pyoxigraph(fmt):
    enum = type(fmt.oxigraph)
    assert (enum is ox.QueryResultsFormat) == (fmt.kind == "results")
    assert fmt.oxigraph.media_type.split(";")[0] == fmt.media_type
    assert fmt.oxigraph.file_extension == fmt.extension
    assert enum.from_media_type(fmt.media_type) == fmt.oxigraph
    assert enum.from_extension(fmt.extension) == fmt.oxigraph
    for alias in (*fmt.aliases, *fmt.broader_types, *fmt.protocol_aliases):
        known = enum.from_media_type(alias)  # None where pyoxigraph does not know the alias
        assert known in (None, fmt.oxigraph), alias
    if enum is ox.RdfFormat:
        assert fmt.dataset == fmt.oxigraph.supports_datasets
        if fmt.name not in OXIGRAPH_IRI_DIFFERS:
            assert fmt.w3c == fmt.oxigraph.iri


@pytest.mark.parametrize("fmt", GRAPHS, ids=lambda f: f.name)
def test_rdf_rows_name_rdflib_plugins_and_w3c_formats(fmt):
    assert fmt.rdflib is not None and fmt.w3c is not None and fmt.w3c.startswith(W3C)
    assert plugin.get(fmt.rdflib, Serializer) is not None
    assert plugin.get(fmt.rdflib, Parser) is not None


def test_every_row_has_what_its_kind_needs():
    for fmt in ALL:
        assert fmt.label and fmt.extension and "/" in fmt.media_type
        if fmt.kind != "html":
            assert fmt.oxigraph is not None and fmt.w3c is not None and fmt.names, fmt.name
    assert formats.by_name["html"].oxigraph is None


def test_the_registry_loads_without_the_web_stack():
    code = "import sys, kg.formats; print(sorted({'flask', 'werkzeug'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_everything_offered_is_a_registry_format():
    from kg.release.publication import DUMP_FORMATS
    from kg.release.publication import DUMPS as DUMP_PAIRS
    from kg.release.void import describe
    from server import negotiation, web
    from server.engine import results
    from server.engine.worker import RDF_FORMATS
    from server.linked_data.shacl import INPUT_FORMATS, OUTPUT_EXTS

    assert list(DUMP_FORMATS) == [f"kg.{f.extension}" for f in DUMPS]
    assert {n: (f.rdflib, f.media_type) for n, f in DUMP_FORMATS.items()} == DUMP_PAIRS
    void = describe(Dataset(), "http://example.org/")
    features = {str(o) for o in void.objects(None, VOID.feature)}
    assert features == {f.w3c for f in DUMPS}
    assert {f.name: f.oxigraph for f in GRAPHS} == RDF_FORMATS
    for fmt in RESULTS:  # the endpoint has a writer for every results format
        assert results.write(fmt.name, ["x"], [])
        assert results.write_boolean(fmt.name, True)
    assert (*RESULTS, *GRAPHS) == negotiation.PROTOCOL
    assert set(negotiation.DOCUMENT_EXTS) == {f.extension for f in DOCUMENTS}
    assert set(OUTPUT_EXTS) <= set(negotiation.DOCUMENT_EXTS)
    assert set(INPUT_FORMATS.values()) == set(SHACL_INPUTS)
    assert {f.media_type for f in ALL} <= set(web.COMPRESSED_TYPES)


def test_negotiation_follows_table_order():
    from server.negotiation import choose, negotiate

    anything = MIMEAccept([("*/*", 1)])
    assert choose(RESULTS, anything, [], "results") is RESULTS[0]
    assert choose(GRAPHS, anything, [], "graphs") is GRAPHS[0]
    assert negotiate(anything) is DOCUMENTS[0]
    assert negotiate(MIMEAccept([("text/html", 1)])) is formats.by_name["html"]
