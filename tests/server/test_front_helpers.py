"""Shortcuts the front and the in-worker lookups take for speed, checked against the slow way.

- ``server.sparql.front_lookups._unquote_plus`` must read a form value exactly as
  ``urllib.parse.unquote_plus(..., errors="strict")`` does, errors included;
- ``server.engine.lookup.uses_prefixed_names`` lets ``server.engine.lookup_runner`` leave the
  endpoint's predeclared prefixes out of parsing: it may say False only where the text has no
  prefixed name, and the answer must be the same with or without them;
- ``server.engine.lookup_runner`` has Oxigraph write a SELECT lookup's JSON in one call, with a
  LIMIT appended to bound its rows: the bytes, rows and truncation must be the row-by-row
  path's, and a wide answer must still be refused; its rows are counted from the bytes
  (``server.engine.worker.lookup_rows``), which must give what ``json.loads`` gives;
- ``server.engine.lookup`` reads the commonest lookups in one regular expression before its
  tokenizer: what that first pass says must be what the full scan says;
- ``server.metrics.answered`` writes the front's five samples under one lock: ``/metrics`` must
  read what the public calls write.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.engine.jobs import QueryJob
from server.engine.lookup import _parse, _simple, is_lookup, stated_limit, uses_prefixed_names
from server.engine.lookup_runner import LookupRunner
from server.engine.worker import Reader, lookup_rows
from server.sparql.front_lookups import _unquote_plus
from tests.server.test_sparql_lookup import LOOKUPS, NOT_LOOKUPS, queries

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


#: Terms that exercise the JSON writer's cases: languages, datatypes, escapes, a triple term.
TERMS = [
    ox.Literal("plain"), ox.Literal("Hallo", language="de"), ox.Literal("40000",
    datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
    ox.Literal('quote " backslash \\ tab \t newline \n é 中 \u2028'), ox.NamedNode("http://x/o?a=1&b=%3C"),
    ox.BlankNode("b0"), ox.Literal("right", language="ar", direction=ox.BaseDirection.RTL),
    ox.Triple(ox.NamedNode("http://x/s"), ox.NamedNode("http://x/p"), ox.Literal("o")),
]


def _store(tmp_path, rows: int) -> str:
    store = ox.Store(str(tmp_path / "store"))
    e = ox.NamedNode("http://x/e")
    for n in range(rows):
        store.add(ox.Quad(e, ox.NamedNode(f"http://x/p{n:03}"), TERMS[n % len(TERMS)]))
    store.add(ox.Quad(e, ox.NamedNode("http://x/wide"), ox.Literal("w" * 5000)))
    store.flush()
    del store
    return str(tmp_path / "store")


def _job(store: str, text: str, max_rows: int) -> QueryJob:
    return QueryJob(store, text, "http://x/", {}, None, None, "json", "turtle", max_rows, 10.0)


@pytest.mark.parametrize("text", [
    "SELECT ?p ?o WHERE { <http://x/e> ?p ?o }",
    "SELECT * { <http://x/e> ?p ?o } LIMIT 5",
    "SELECT ?o { <http://x/e> ?p ?o } OFFSET 3",
    "SELECT DISTINCT ?o { <http://x/e> ?p ?o } # a comment ends the text",
    "SELECT ?p { <http://x/e> ?p <http://x/nothing> }",
])
@pytest.mark.parametrize("max_rows", [4, 12, 100])
def test_oxigraph_written_lookups_match_the_row_by_row_path(tmp_path, text: str, max_rows: int):
    store = _store(tmp_path, 12)
    job = _job(store, text, max_rows)
    runner = LookupRunner(limit=10.0)
    assert runner.accepts(job)
    slow = Reader().query(job)
    fast = runner.run(job)
    assert fast is not None and fast.ok
    assert (fast.body, fast.rows, fast.truncated) == (slow.body, slow.rows, slow.truncated)
    stated = stated_limit(text)
    bounded = Reader().select_json(job, text if stated else text + "\nLIMIT " + str(max_rows + 1),
                                   1 << 20)
    # Oxigraph wrote it unless the answer was cut at the row cap (the row-by-row path cuts it)
    assert (bounded is None) == slow.truncated
    if bounded is not None:
        assert bounded.body == slow.body


def test_a_wide_lookup_is_refused_and_sent_to_the_executors(tmp_path):
    store = _store(tmp_path, 3)
    job = _job(store, "SELECT ?o { <http://x/e> <http://x/wide> ?o }", 100)
    runner = LookupRunner(limit=10.0, max_bytes=4096)
    assert runner.run(job) is None  # too wide to build in the web worker
    assert not runner.accepts(job)  # and from now on always an executor's


def test_a_stated_limit_is_read_from_the_lookup():
    assert stated_limit("SELECT ?o { <http://x/e> ?p ?o }") is None
    assert stated_limit("SELECT ?o { <http://x/e> ?p ?o } OFFSET 2 LIMIT 7") == 7
    assert stated_limit('SELECT ?o { <http://x/e> ?p "LIMIT 3" }') is None
    assert stated_limit("SELECT ?o { ?s ?p ?o } LIMIT 3") is None  # not a lookup


#: Literals whose text looks like the JSON keys the row count looks for.
TRICKY = ['x"},{"o":{"type":"uri"', '{"type":', '"p":{"type":"literal"}', "},{", "]}}", "é\u00e9"]


@pytest.mark.parametrize("text", [
    "SELECT ?p ?o WHERE { <http://x/t> ?p ?o }",
    "SELECT ?o ?p ?nowhere WHERE { <http://x/t> ?p ?o }",  # a variable never bound
    "SELECT ?nowhere ?o WHERE { <http://x/t> ?p ?o }",  # ... first in the head
    "SELECT ?nowhere WHERE { <http://x/t> ?p ?o }",  # rows that bind nothing: {}
    "SELECT ?\u00e9t\u00e9 { <http://x/t> ?p ?\u00e9t\u00e9 }",
    "SELECT * { <http://x/t> <http://x/none> ?o }",  # no rows
    "SELECT * { <http://x/t> ?p ?o . ?o ?q ?r }",
    "SELECT * WHERE { }",
    "SELECT ?object ?p WHERE { <http://x/t> ?p ?object }",  # a triple term's key as a name
])
def test_lookup_rows_counts_what_json_loads_counts(text: str):
    store = ox.Store()
    t, o = ox.NamedNode("http://x/t"), ox.NamedNode("http://x/o")
    for n, value in enumerate(TRICKY):
        store.add(ox.Quad(t, ox.NamedNode(f"http://x/p{n}"), ox.Literal(value)))
    store.add(ox.Quad(t, ox.NamedNode("http://x/link"), o))
    quoted = ox.Triple(o, ox.NamedNode("http://x/says"), ox.Literal("x"))  # nested keys
    store.add(ox.Quad(t, ox.NamedNode("http://x/quoted"), ox.Triple(t, ox.NamedNode("http://x/of"), quoted)))
    store.add(ox.Quad(o, ox.NamedNode("http://x/name"), ox.Literal('"},{"r":{"type":', language="en")))
    body = store.query(text).serialize(format=ox.QueryResultsFormat.JSON)
    assert lookup_rows(body) == len(json.loads(body)["results"]["bindings"])


# The first pass of the lookup recogniser against the full scan.
SIMPLE_KEYWORDS = ["SELECT", "select", "Select", "\u017fELECT", "ASK", "ask", "AS\u212a", "CONSTRUCT"]
SIMPLE_MODIFIERS = ["DISTINCT", "distinct", "REDUCED", "", "", ""]
SIMPLE_PROJECTIONS = ["?p ?o", "*", "?p", "$p ?o", "?p $p", "?p ?p", "?\u00e9", "?o?p", "?p ?o ?x", ""]
SIMPLE_TERMS = [E, "<http://x/\u00e9?a=1#f>", "<>", "?s", "$s", "?o", "?p", "a", "A", "ex:e",
                '"x"', "5", "_:b", "[]", "?\u00e9", "<http://x/ e>", "<<http://x/e>>"]
SIMPLE_SPACES = [" ", "  ", "\n", "\t", "\r\n", "", " # c\n", "\u00a0"]
SIMPLE_TAILS = ["", " LIMIT 5", "LIMIT 0", " limit 12", " LIMIT 1234567890123456789", " LIMIT 10.5",
                " LIMIT 1e3", " LIMIT -1", " LIMIT5", " OFFSET 2", " LIMIT 5 OFFSET 2", " ORDER BY ?o"]


@st.composite
def simple_shapes(draw) -> str:
    """Texts around the first pass's shape, with the near misses it must leave to the scan."""
    space = lambda: draw(st.sampled_from(SIMPLE_SPACES))  # noqa: E731
    keyword = draw(st.sampled_from(SIMPLE_KEYWORDS))
    parts = [space(), keyword]
    if keyword.upper().startswith("SEL"):
        parts += [" ", draw(st.sampled_from(SIMPLE_MODIFIERS)), " ",
                  draw(st.sampled_from(SIMPLE_PROJECTIONS))]
    parts += [space(), draw(st.sampled_from(["WHERE", "where", ""])), space(), "{", space()]
    for term in range(3):
        parts += [draw(st.sampled_from(SIMPLE_TERMS)), space() if term < 2 else ""]
    parts += [space(), draw(st.sampled_from(["", ".", " . ", ". ?s ?p ?o"])), space(), "}",
              draw(st.sampled_from(SIMPLE_TAILS)), space()]
    return "".join(parts)


def _first_pass_agrees(text: str) -> bool:
    """The first pass says nothing, or what the full scan says; True when it said something."""
    fast = _simple(text)
    assert fast is None or fast == _parse(text, DECLARED | {"ex"}), text
    return fast is not None


@pytest.mark.parametrize("text", LOOKUPS + NOT_LOOKUPS)
def test_the_first_pass_reads_hand_written_texts_as_the_scan(text: str) -> None:
    _first_pass_agrees(text)


@settings(max_examples=3000, deadline=None)
@given(simple_shapes() | queries().map(lambda case: case[0])
       | st.text(alphabet=st.sampled_from(list("SELECT ?o{}<>x:.;,#\n*a$ 15")), max_size=50))
def test_the_first_pass_reads_generated_texts_as_the_scan(text: str) -> None:
    _first_pass_agrees(text)


@pytest.mark.parametrize("text", [
    f"SELECT ?p ?o WHERE {{ {E} ?p ?o }}", f"select * {{ ?s a {E} . }} LIMIT 10",
    f"ASK {{ {E} <http://x/p> ?o }}", f"SELECT DISTINCT ?o WHERE {{ {E} ?p ?o }}",
])
def test_the_commonest_lookups_take_the_first_pass(text: str) -> None:
    assert _first_pass_agrees(text)


def test_the_front_metrics_written_together_read_as_the_public_calls(tmp_path) -> None:
    """In prometheus-client's multiprocess mode (a fresh process: it is chosen at import)."""
    script = """
import os, sys
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from server import metrics
def children(outcome):
    return (metrics.CACHE.labels(outcome), metrics.QUERIES.labels("bindings"),
            metrics.REQUESTS.labels("GET", "/sparql", "200"), metrics.LATENCY.labels("/sparql"))
together = metrics.answered(*children("hit"))
parent = os.getpid()
assert together.__name__ == "record_together", "the fast path is not taken"
cache, queries, requests, latency = children("miss")
child = 0
for i, elapsed in enumerate([0.0004, 0.003, 0.07, 0.0025, 99.0, 0.0, 0.3, 0.01]):
    if i == 4:  # a forked worker writes its own file, as a Granian worker forked after the app
        child = os.fork()
    if sys.argv[1] == "together":
        together(i % 2 == 1, elapsed)
    else:
        metrics.CACHE.labels("hit").inc(); queries.inc()
        if i % 2 == 1:
            metrics.TRUNCATED.inc()
        requests.inc(); latency.observe(elapsed)
if child == 0 and i == 7 and os.getpid() != parent:
    os._exit(0)
os.waitpid(child, 0)
registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)
sys.stdout.write(generate_latest(registry).decode())
"""
    outputs = []
    for way in ("together", "public"):
        folder = tmp_path / way
        folder.mkdir()
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
        done = subprocess.run([sys.executable, "-c", script, way], env=env, capture_output=True,
                              text=True, check=True, cwd=Path(__file__).resolve().parents[2])
        outputs.append(sorted(done.stdout.splitlines()))
    assert outputs[0] == outputs[1]
    # 4 samples before the fork, then 4 in each process
    assert 'kg_sparql_truncated_total 6.0' in outputs[0]
    assert 'kg_sparql_cache_total{outcome="hit"} 12.0' in outputs[0]
    assert 'kg_http_request_duration_seconds_bucket{endpoint="/sparql",le="0.005"} 5.0' in outputs[0]
