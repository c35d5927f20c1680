"""The query executor: a child process that runs SPARQL against an Oxigraph store.

pyoxigraph evaluates in Rust and has no way to cancel a running query, so a runaway query can
only be stopped by stopping the process that runs it. Each web worker therefore keeps a few of
these executors (``server.engine.executors``), sends them one job at a time over a socket and kills
the one whose job overruns the time limit; the web worker itself stays free to answer.

The executor also does the serialising (the bytes travel back ready to send) and applies the
row cap, so that nothing past the cap is ever materialised. As a second line of defence it arms
an interval timer for every job: nothing handles SIGALRM, so the kernel ends the executor if a
job outlives its budget (e.g. because its parent died), whatever the Rust code is doing. And
it cannot open network sockets (``server.engine.sandbox``), so no query can make it fetch a URL.

Run as ``python -m server.engine.worker <fd> <role> <memory-MiB>``; role ``reader`` answers
queries over read-only stores, role ``writer`` owns the admin server's writable working copy
(see ``server.sparql.admin``).
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from itertools import islice
from multiprocessing.connection import Connection
from typing import IO, Any, cast

import pyoxigraph as ox

from kg import formats
from kg.settings import BY_NAME as SETTINGS_BY_NAME
from server.engine import results as sparql_results
from server.engine.jobs import READY, GraphJob, QueryJob, Reply, WriteJob, failure
from server.engine.sandbox import SANDBOX_SETTING, refusal
from server.engine.text_functions import text_functions
from server.engine.writer import Writer

WATCHDOG_GRACE = 5.0  # seconds past the parent's own deadline before the executor exits itself
#: Added to an executor's nice value: when heavy queries keep every core busy, the web workers
#: (lookups, pages, health checks) still get most of it (3x an executor's share at 5), so a
#: heavy query slows itself more than the cheap requests.
NICENESS = 5

#: The graph formats an executor writes: canonical name -> Oxigraph format (``kg.formats.GRAPHS``).
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    f.name: f.oxigraph for f in formats.GRAPHS if isinstance(f.oxigraph, ox.RdfFormat)
}
#: A local name a prefix can shorten without backslash escapes (``res:U.S\.`` is valid Turtle
#: that rdflib, among others, fails to read), or none at all.
PLAIN_LOCAL = re.compile(r"([A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?")


class Reader:
    """Keeps the last store it was asked about open; a new path means a new release."""

    def __init__(self) -> None:
        self._open: tuple[str, ox.Store] | None = None  # replaced whole, so threads see a pair
        self._lock = threading.Lock()  # the web worker's threads share one (server.engine.lookup_runner)

    def open(self, path: str) -> ox.Store:
        current = self._open
        if current is not None and current[0] == path:
            return current[1]
        with self._lock:
            current = self._open
            if current is None or current[0] != path:
                self._open = None  # the old release closes once no job holds it any more
                current = self._open = (path, ox.Store.read_only(path))
            return current[1]

    def query(
        self, job: QueryJob, max_bytes: int | None = None, parse_prefixes: bool = True
    ) -> Reply:
        """The answer to ``job``; past ``max_bytes`` of term text, ``AnswerTooLarge``.

        ``parse_prefixes=False`` (a text with no prefixed name, ``server.engine.lookup``) leaves
        the job's prefixes out of parsing, where they would change nothing but cost ~15 us
        (pyoxigraph converts the whole dict on every call); graph answers still use them."""
        store = self.open(job.store)
        options = _options(job, parse_prefixes)
        # kg:textMatch and the other text functions (server.engine.text_functions), for a query that
        # names them; the namespace is the ontology's (kg.vocab.ontology_ns) under the base
        functions = text_functions(job.query, job.search_index, f"{job.base_iri}ontology#")
        if functions is not None:
            options["custom_functions"] = functions.registry()
        try:
            result = store.query(job.query, **options)
        except SyntaxError as exc:
            return failure("syntax", str(exc))
        reply = respond(job, result, max_bytes)
        if functions is not None and functions.error:  # pyoxigraph reads a raise as unbound
            return failure("syntax", functions.error)
        return reply

    def select_json(
        self, job: QueryJob, text: str, max_bytes: int, parse_prefixes: bool = True
    ) -> Reply | None:
        """A SELECT lookup's JSON written by Oxigraph in one Rust call, as the row-by-row path
        writes it (``server.engine.results`` matches pyoxigraph's JSON byte for byte; the tests
        compare them), for about half the CPU: nothing is turned into Python terms.

        ``text`` is the job's query with its rows bounded by a LIMIT of at most ``max_rows + 1``
        (``server.engine.lookup_runner`` appends one). None when the answer is not such a one
        (not a SELECT, or cut at the row cap, which the row-by-row path does): the caller then
        runs :meth:`query`. Past ``max_bytes`` of JSON, ``AnswerTooLarge``."""
        store = self.open(job.store)
        try:
            result = store.query(text, **_options(job, parse_prefixes))
        except SyntaxError:
            return None  # the row-by-row path words the error
        if not isinstance(result, ox.QuerySolutions):
            return None
        out = _Capped(max_bytes)
        try:
            result.serialize(cast("IO[bytes]", out), format=ox.QueryResultsFormat.JSON)
        except AnswerTooLarge:
            raise
        except Exception:
            if out.over:  # pyoxigraph may wrap what the writer raised
                raise AnswerTooLarge(f"more than {max_bytes} bytes of JSON") from None
            raise
        body = b"".join(out.parts)
        rows = lookup_rows(body)
        if rows > job.max_rows:
            return None
        return Reply(kind="bindings", format="json", body=body, rows=rows, truncated=False)

    def graph(self, job: GraphJob) -> Reply:
        store = self.open(job.store)
        if job.graph is None:
            name: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph()
        else:
            name = ox.NamedNode(job.graph)
            if not store.contains_named_graph(name):
                return failure("not_found", f"no graph <{job.graph}> in the store")
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, name)]
        body = write_triples(triples, job.format, job.prefixes)
        return Reply(kind="graph", format=job.format, body=body, rows=len(triples))


#: How Oxigraph's JSON results start; the variables follow, then ``]``.
_HEAD = b'{"head":{"vars":['
_NO_ROWS = b'"bindings":[]}}'
_TRIPLE_KEYS = (b'"subject"', b'"predicate"', b'"object"')


def lookup_rows(body: bytes) -> int:
    """The rows of a lookup's JSON results as Oxigraph writes them, without parsing them.

    A lookup is a basic graph pattern, so every row binds the same variables: the rows are
    the times the first variable bound in any row occurs as a key, ``"v":{"type":``. That text
    cannot occur inside a JSON string (its quotes would be escaped there), so one or two
    ``bytes.count`` calls give what ``json.loads`` would (~1.5 us against ~10 us for a lookup).
    Only a triple term's own keys (``subject``, ``predicate``, ``object``) could be mistaken
    for a variable's; a variable of those names, or none bound, is left to ``json.loads``.
    """
    if body.startswith(_HEAD):
        for name in body[len(_HEAD) : body.find(b"]")].split(b","):
            rows = body.count(b'%s:{"type":' % name) if name else 0
            if rows:
                return rows if name not in _TRIPLE_KEYS else len(_bindings(body))
        if body.endswith(_NO_ROWS):
            return 0
    return len(_bindings(body))


def _bindings(body: bytes) -> list:
    return json.loads(body)["results"]["bindings"]


def _options(job: QueryJob, parse_prefixes: bool) -> dict:
    """The keyword arguments of ``Store.query`` for ``job``'s base, prefixes and dataset."""
    options: dict = {
        "base_iri": job.base_iri,
        "prefixes": job.prefixes if parse_prefixes else None,
    }
    if job.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return options


class _Capped:
    """A file for pyoxigraph's serialiser (it writes ~8 KiB at a time) that refuses to hold
    more than ``cap`` bytes, so a wide answer stops growing the web worker at once."""

    __slots__ = ("cap", "over", "parts", "size")

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        self.over = False

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        if self.size > self.cap:
            self.over = True
            raise AnswerTooLarge(f"more than {self.cap} bytes of JSON")
        self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        """pyoxigraph flushes its writer when done; everything is already in ``parts``."""


def respond(
    job: QueryJob, result: ox.QueryBoolean | ox.QuerySolutions | Iterator[ox.Triple],
    max_bytes: int | None = None,
) -> Reply:
    """The reply for a query's result: the row cap, the byte budget and the writers, shared by
    the embedded store and a remote one (``server.engine.remote``), so both send the same bytes."""
    if isinstance(result, ox.QueryBoolean):
        if job.bindings_format is None:
            return failure("not_acceptable", "ASK")
        body = sparql_results.write_boolean(job.bindings_format, bool(result))
        return Reply(kind="boolean", format=job.bindings_format, body=body, rows=1)
    if isinstance(result, ox.QuerySolutions):
        if job.bindings_format is None:
            return failure("not_acceptable", "SELECT")
        variables = [v.value for v in result.variables]
        rows = _pull(map(list, result), job.max_rows + 1, max_bytes, _row_size)
        truncated = len(rows) > job.max_rows
        del rows[job.max_rows :]
        body = sparql_results.write(job.bindings_format, variables, rows)
        return Reply(
            kind="bindings", format=job.bindings_format, body=body, rows=len(rows),
            truncated=truncated,
        )
    if job.graph_format is None:
        return failure("not_acceptable", "CONSTRUCT")
    triples = _pull(result, job.max_rows + 1, max_bytes, _triple_size)
    truncated = len(triples) > job.max_rows
    del triples[job.max_rows :]
    body = write_triples(triples, job.graph_format, job.prefixes)
    return Reply(
        kind="graph", format=job.graph_format, body=body, rows=len(triples),
        truncated=truncated,
    )


class AnswerTooLarge(Exception):
    """The rows pulled so far exceed the byte budget of an inline query (server.engine.lookup_runner)."""


def _pull(items: Iterator, limit: int, max_bytes: int | None, size: Callable[[Any], int]) -> list:
    """At most ``limit`` rows or triples; with ``max_bytes``, stop with AnswerTooLarge once the
    text of their terms passes it (measured by ``size``)."""
    if max_bytes is None:
        return list(islice(items, limit))
    pulled, total = [], 0
    for item in islice(items, limit):
        pulled.append(item)
        total += size(item)
        if total > max_bytes:
            raise AnswerTooLarge(f"more than {max_bytes} bytes of values")
    return pulled


def _row_size(row: list) -> int:
    return sum(len(getattr(term, "value", "")) for term in row if term is not None)


def _triple_size(triple: ox.Triple) -> int:
    return _row_size([triple.subject, triple.predicate, triple.object])


def write_triples(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str]) -> bytes:
    """Triples in one of the RDF formats, declaring only the prefixes the triples use, and of
    those only the ones that shorten every IRI they match to a plain local name."""
    used: dict[str, str] = {}
    if formats.by_name[fmt].prefixes and prefixes:
        iris = {
            t.value
            for triple in triples
            for t in (triple.subject, triple.predicate, triple.object)
            if isinstance(t, ox.NamedNode)
        }
        iris.update(
            t.datatype.value for triple in triples for t in (triple.object,)
            if isinstance(t, ox.Literal)
        )
        for prefix, ns in prefixes.items():
            names = [i[len(ns) :] for i in iris if i.startswith(ns)]
            if names and all(PLAIN_LOCAL.fullmatch(name) for name in names):
                used[prefix] = ns
    body = ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=used or None)
    assert body is not None  # no output file given: pyoxigraph returns the bytes
    if fmt == "rdfxml":  # pyoxigraph writes these without complaint, as XML nobody can read
        sparql_results.check_rdfxml(body, {triple.predicate.value for triple in triples})
    return body


def answer(
    job: object, reader: Reader, writer: Writer | None, max_bytes: int | None = None,
    parse_prefixes: bool = True,
) -> Reply:
    """The reply to one job; errors become failure replies (shared with ``server.engine.lookup_runner``,
    which sets ``max_bytes`` and ``parse_prefixes``)."""
    try:
        if isinstance(job, QueryJob):
            return reader.query(job, max_bytes, parse_prefixes)
        if isinstance(job, GraphJob):
            return reader.graph(job)
        if isinstance(job, WriteJob) and writer is not None:
            return writer.run(job)
        return failure("internal", f"this executor cannot run {type(job).__name__}")
    except sparql_results.NotRepresentable as exc:  # the format asked for, not the query
        return failure("not_representable", str(exc))
    except AnswerTooLarge as exc:
        return failure("too_large_inline", str(exc))
    except MemoryError:
        return failure("memory", "the query needed more memory than the executor may use")
    except OSError as exc:
        return failure("store", f"the store could not be read: {exc}")
    except Exception as exc:  # evaluation errors surface while iterating results
        return failure("evaluation", f"{type(exc).__name__}: {exc}")


def serve(conn: Connection, role: str, refused: str | None = None) -> None:
    """Answer jobs until the parent closes the socket (each with ``refused``, if given)."""
    reader, writer = Reader(), Writer() if role == "writer" else None
    try:
        conn.send(READY)
    except (BrokenPipeError, OSError):
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if refused is not None:  # no sandbox, and it is required: run nothing
            conn.send(failure("sandbox", refused))
            continue
        signal.setitimer(signal.ITIMER_REAL, job.budget + WATCHDOG_GRACE)
        try:
            reply = answer(job, reader, writer)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return


def main(argv: list[str]) -> None:
    fd, role, memory_mb = int(argv[1]), argv[2], int(argv[3])
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.nice(NICENESS)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the watchdog: SIGALRM ends the process
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server; it stops us
    try:
        why = refusal(str(SETTINGS_BY_NAME[SANDBOX_SETTING].read(os.environ)))
    except ValueError as exc:  # a bad value: every job is told why
        why = str(exc)
    serve(Connection(fd), role, why)


if __name__ == "__main__":
    main(sys.argv)
