"""Our SPARQL JSON results writer writes what pyoxigraph's own writer writes, byte for byte.

The endpoint cannot use pyoxigraph's writer (it serialises a whole result set, and answers
stop at the row cap), so ``server.engine.results`` has its own; these tests hold it to
pyoxigraph's output on generated data.
"""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from server.engine import results as sparql_results

EX = "http://example.org/"
#: Any text a literal can hold (no lone surrogates: they are not Unicode scalar values).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
LANG = st.from_regex(r"[a-z]{2,3}(-[A-Z]{2})?", fullmatch=True)
IRI = st.from_regex(r"[a-z0-9/._~-]{0,12}(#[a-z0-9]{0,4})?", fullmatch=True).map(
    lambda s: ox.NamedNode(EX + s)
)
LITERAL = st.one_of(
    TEXT.map(ox.Literal),
    st.tuples(TEXT, LANG).map(lambda t: ox.Literal(t[0], language=t[1])),
    st.tuples(TEXT, IRI).map(lambda t: ox.Literal(t[0], datatype=t[1])),
    st.integers().map(ox.Literal),
)
OBJECT = st.one_of(IRI, LITERAL, st.just(ox.BlankNode("b1")))


def _both(store: ox.Store, query: str) -> tuple[bytes, bytes]:
    native = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)
    result = store.query(query)
    variables = [v.value for v in result.variables]
    return native, sparql_results.write("json", variables, [list(row) for row in result])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(IRI, IRI, OBJECT), min_size=0, max_size=12))
def test_json_is_what_pyoxigraph_writes(triples):
    store = ox.Store()
    store.extend(ox.Quad(s, p, o) for s, p, o in triples)
    native, ours = _both(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o")
    assert ours == native


def test_unbound_values_triple_terms_and_escapes():
    store = ox.Store()
    query = (
        'SELECT ?a ?b ?t ?u WHERE { BIND("tab\\t quote\\" slash/ \\u0001 \\u2028 é 😀" AS ?a) '
        'BIND(STRLANG("hi", "en-GB") AS ?b) '
        f"BIND(<<( <{EX}s> <{EX}p> 1 )>> AS ?t) OPTIONAL {{ BIND(1 AS ?never) FILTER(false) }} }}"
    )
    native, ours = _both(store, query)
    assert ours == native
    assert b'"u"' in ours and b'"t":{"type":"triple"' in ours
