"""Queries of a release served from a remote SPARQL 1.1 store (``kg.release.remote``).

When the live release was loaded into a remote dataset, its query jobs name that dataset's
query endpoint instead of a store path (``Publication.query_store``), and run here, in the web
worker's thread, instead of in an executor: waiting on a socket costs the worker nothing, and
the executors' sandbox forbids the network on purpose. The job keeps its limits: the time
limit bounds the whole exchange (each read of the answer gets only what is left of it, and a
query past it is abandoned by closing the connection), and the answer is parsed as it streams
in and cut at the row cap and a byte budget, so a huge answer is never read whole. The rows
then go through the same writers as an embedded store's (``server.engine.worker.respond``),
so a client gets the same formats, headers and bytes.

The remote dataset's default graph holds the merge of all graphs (see ``kg.release.remote``),
so a query with no dataset needs nothing added; the endpoint's declared prefixes and base IRI
are put in front of the query text (on its first line), where its own declarations still win.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
from typing import IO, cast
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from kg import formats
from kg.release.publication import REMOTE_SCHEME
from server.engine import results as sparql_results
from server.engine.executors import QueryTimeout
from server.engine.jobs import QueryJob, Reply, failure
from server.engine.worker import AnswerTooLarge, respond

#: Term text one remote answer may hold in the web worker (an executor has its memory cap).
MAX_BYTES = 256 << 20
ACCEPT = ("application/sparql-results+json, application/sparql-results+xml;q=0.9, "
          "application/n-triples;q=0.8, text/turtle;q=0.7")
#: What an answer's Content-Type says about how to read it.
READERS: dict[str, ox.QueryResultsFormat | ox.RdfFormat] = {
    media: f.oxigraph
    for f in (*formats.RESULTS, *formats.GRAPHS)
    if isinstance(f.oxigraph, (ox.QueryResultsFormat, ox.RdfFormat))
    for media in (f.media_type, *f.aliases)
}


def is_remote(store: str) -> bool:
    return store.startswith(REMOTE_SCHEME)


def query_url(store: str) -> str:
    """The query endpoint a remote store name points at."""
    return store[len(REMOTE_SCHEME):].split("#", 1)[0]


class RemoteError(RuntimeError):
    """The remote store could not be reached or gave an unreadable answer."""


class _Until(io.RawIOBase):
    """An HTTP answer read against a deadline: every read may wait only for what is left."""

    def __init__(self, response: http.client.HTTPResponse, sock: socket.socket | None,
                 deadline: float) -> None:
        self.response = response
        self.sock = sock
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("time limit reached")
        if self.sock is not None:
            self.sock.settimeout(left)
        return self.response.readinto(buffer)


class RemoteQueries:
    """Runs query jobs on the remote store their ``store`` names."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes

    def run(self, job: QueryJob, timeout: float) -> Reply:
        """The reply to ``job`` within ``timeout`` seconds (raises QueryTimeout past it)."""
        url = query_url(job.store)
        deadline = time.monotonic() + timeout
        parts = urlsplit(url)
        factory = (http.client.HTTPSConnection if parts.scheme == "https"
                   else http.client.HTTPConnection)
        conn = factory(parts.hostname or "", parts.port, timeout=timeout)
        try:
            body = urlencode(self._params(job)).encode("utf-8")
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            conn.request("POST", path, body, {
                "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT})
            sock = conn.sock
            response = conn.getresponse()
            if response.status >= 300:
                said = response.read(2000).decode("utf-8", "replace").strip()
                if response.status == 400:  # the protocol's answer to a query it cannot run
                    return failure("syntax", said or "the remote store refused the query")
                return failure("remote", f"the SPARQL store behind this endpoint answered "
                               f"{response.status} {response.reason}: {said[:300]}")
            stream = cast(IO[bytes], io.BufferedReader(_Until(response, sock, deadline), 1 << 16))
            return respond(job, self._result(response, stream), self.max_bytes)
        except TimeoutError:
            raise QueryTimeout(f"the query ran past the {timeout:g} s time limit") from None
        except sparql_results.NotRepresentable as exc:
            return failure("not_representable", str(exc))
        except AnswerTooLarge:
            return failure("memory", f"the answer holds more than {self.max_bytes >> 20} MiB "
                           "of values before the row limit; narrow it or use LIMIT")
        except (OSError, http.client.HTTPException, RemoteError, SyntaxError, ValueError) as exc:
            return failure("remote", f"the SPARQL store behind this endpoint failed: "
                           f"{type(exc).__name__}: {exc}")
        finally:
            conn.close()  # also abandons an answer cut at the row cap or the time limit

    @staticmethod
    def _params(job: QueryJob) -> list[tuple[str, str]]:
        # on the query's first line, so the remote store's error messages keep its line numbers
        prologue = "".join(f"PREFIX {p}: <{ns}> " for p, ns in job.prefixes.items())
        if job.base_iri:
            prologue = f"BASE <{job.base_iri}> " + prologue
        params = [("query", prologue + job.query)]
        params += [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
        return params

    @staticmethod
    def _result(response: http.client.HTTPResponse, stream: IO[bytes]):
        media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        reader = READERS.get(media)
        if isinstance(reader, ox.QueryResultsFormat):
            return ox.parse_query_results(stream, reader)
        if isinstance(reader, ox.RdfFormat):
            return (quad.triple for quad in ox.parse(stream, reader))
        raise RemoteError(f"an answer of type {media or 'unknown'}, which is no SPARQL result")
