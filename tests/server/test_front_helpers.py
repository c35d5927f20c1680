"""Shortcuts the front and the in-worker lookups take for speed, checked against the slow way.

- ``server.sparql.front_lookups._unquote_plus`` must read a form value exactly as
  ``urllib.parse.unquote_plus(..., errors="strict")`` does, errors included;
- ``server.engine.lookup.uses_prefixed_names`` lets ``server.engine.lookup_runner`` leave the
  endpoint's predeclared prefixes out of parsing: it may say False only where the text has no
  prefixed name, and the answer must be the same with or without them.
"""

from __future__ import annotations

from urllib.parse import quote_plus, unquote_plus

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.engine.jobs import QueryJob
from server.engine.lookup import is_lookup, uses_prefixed_names
from server.engine.worker import Reader
from server.sparql.front_lookups import _unquote_plus

PIECES = ["%", "%%", "+", "\\", "\\x", "x", "X", "0", "4", "1", "a", "F", "g", "z", " ", "&",
          "=", "é", "\x00", "\x7f", "%C3", "%A9", "%E2%82", "%AC", "%ff", "%2B", "%5C", "%25",
          "%5Cx41", "%2", "%g1", "\\N{SPACE}", "\\u0041"]


def _either(function, text: str) -> tuple:
    try:
        return ("ok", function(text))
    except UnicodeDecodeError:
        return ("error",)


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join) | st.text(max_size=20))
def test_unquote_plus_reads_as_urllib(text: str) -> None:
    assert _either(_unquote_plus, text) == _either(
        lambda t: unquote_plus(t, errors="strict"), text
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_unquote_plus_inverts_quote_plus(text: str) -> None:
    encoded = quote_plus(text, safe="", errors="surrogatepass")
    assert _either(_unquote_plus, encoded) == _either(
        lambda t: unquote_plus(t, errors="strict"), encoded
    )


PREFIXES = {"schema": "http://schema.org/", "xsd": "http://www.w3.org/2001/XMLSchema#"}
DECLARED = frozenset(PREFIXES)
E = "<http://x/e>"


@pytest.mark.parametrize("text, prefixed", [
    (f"SELECT ?p ?o WHERE {{ {E} ?p ?o }}", False),
    (f"ASK {{ {E} a <http://schema.org/Person> }}", False),
    ('SELECT * { ?s <http://schema.org/name> "a:b"@en }', False),  # a colon in a string
    (f"SELECT ?n WHERE {{ {E} schema:name ?n }}", True),
    ('SELECT ?s WHERE { ?s <http://schema.org/n> "4"^^xsd:integer }', True),
    ("PREFIX ex: <http://x/>\nDESCRIBE <http://x/a>", True),  # declares one: kept
    (f"SELECT ?n WHERE {{ {E} ?p ?o FILTER(?o) }}", True),  # not a lookup: kept
])
def test_uses_prefixed_names(text: str, prefixed: bool) -> None:
    assert uses_prefixed_names(text, DECLARED) is prefixed
    if not prefixed:
        assert is_lookup(text, DECLARED)


def test_parsing_without_prefixes_gives_the_same_answer(tmp_path) -> None:
    store = ox.Store(str(tmp_path / "store"))
    store.add(ox.Quad(ox.NamedNode("http://x/e"), ox.NamedNode("http://schema.org/name"),
                      ox.Literal("e"), ox.DefaultGraph()))
    store.flush()
    del store
    reader = Reader()
    for text in (f"SELECT ?p ?o WHERE {{ {E} ?p ?o }}", f"CONSTRUCT WHERE {{ {E} ?p ?o }}"):
        assert not uses_prefixed_names(text, DECLARED)
        job = QueryJob(str(tmp_path / "store"), text, "http://x/", PREFIXES, None, None,
                       "json", "turtle", 100, 10.0)
        with_them, without = reader.query(job), reader.query(job, parse_prefixes=False)
        assert with_them.ok and with_them == without
        assert with_them.rows == 1
