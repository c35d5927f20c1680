"""A WSGI front in front of Flask for SPARQL requests it can answer without Flask.

Flask's routing, request and response objects and the extensions' hooks cost ~0.3 ms of CPU per
request, several times what a lookup needs. So a request to ``/sparql`` is first looked up
here, by everything of it that can change the answer: the method, the raw query string, for
a POST the raw body and its Content-Type, the Accept, Accept-Encoding and Origin headers, and
the store the request would read (one ``readlink``, so a new release or admin snapshot is a
new key). What is stored there is a *replay* (``server.engine.cache``): the status, headers
and body Flask itself sent for that exact request when it answered from the answer cache
(``X-KG-Cache: hit``), kept only while that answer is still cached. A replay is sent as it
is, with the same metrics and access-log line as the Flask path; only a ``Date`` header that
Werkzeug adds to compressed answers is refreshed.

A request with no replay may still be a simple lookup, which ``server.sparql.front_lookups`` answers
with Flask's own headers for its kind of request. Everything else (another path or method,
HEAD, conditional or Range requests, a large or chunked body, no publication, any other
query) goes to Flask unchanged, and it is Flask that decides what may be replayed: an answer
it did not take from the cache (errors, volatile queries that are never cached) is never
stored.
"""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

from werkzeug.http import http_date

from server import metrics
from server.engine.cache import REPLAY, Replay, ResultCache
from server.limits import CACHE_HEADER
from server.sparql.front_lookups import PENDING, FrontLookups
from server.state import NoPublication

if TYPE_CHECKING:
    from collections.abc import Callable

    from flask import Flask, Response

    from server.state import StoreHolder

PATH = "/sparql"
ENDPOINT = "sparql.endpoint"
NOTE = "kg.fastpath"  # environ key: (answer key, access-log fields) of a replayable answer
MAX_BODY = 64 << 10  # POST bodies read here at most; larger ones go to Flask untouched
#: Requests whose answer may depend on more than the key: Flask handles them.
UNKEYED = (
    "HTTP_RANGE", "HTTP_IF_RANGE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH",
    "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_TRANSFER_ENCODING",
    "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
)


def install(app: Flask) -> None:
    """Put the front in front of ``app`` (unless ``KG_FAST_PATH`` is off)."""
    if not app.config["KG_SETTINGS"].fast_path:
        return
    cache: ResultCache = app.extensions["kg_query_cache"]
    if cache.max_bytes:
        app.after_request(_note)
    app.wsgi_app = Front(  # type: ignore[method-assign]
        app.wsgi_app, cache, app.extensions["kg_store"],
        min(MAX_BODY, app.config["KG_LIMITS"].max_request_bytes),
        FrontLookups(app, cache, app.extensions["kg_lookups"]),
    )


def _note(response: Response) -> Response:
    """Flask side: mark an answer taken from the cache as replayable, with its log fields."""
    from flask import current_app, g, request

    cache: ResultCache = current_app.extensions["kg_query_cache"]
    hit = cache.take_last_hit()
    if (
        hit is not None and request.endpoint == ENDPOINT and response.status_code == 200
        and response.headers.get(CACHE_HEADER) == "hit" and not response.is_streamed
    ):
        request.environ[NOTE] = (hit, tuple(g.get("kg_log", {}).items()))
    return response


class Front:
    """WSGI middleware: replay cached answers, pass everything else to ``inner``."""

    def __init__(
        self, inner, cache: ResultCache, holder: StoreHolder, max_body: int, lookups: FrontLookups
    ) -> None:
        self.inner = inner
        self.cache = cache
        self.lookups = lookups
        self.holder = holder
        self.max_body = max_body
        self._date = (0, "")  # (second, HTTP date) so http_date runs once a second
        self._store: tuple[object, str] | None = None  # (publication, its store path)
        # labelled metrics, looked up once: (method, kind, outcome) -> their writer (metrics.answered)
        self._children: dict[tuple[str, str, str], Callable[[bool, float], None]] = {}

    def __call__(self, environ: dict, start_response):
        key = self._key(environ)
        if key is None:
            return self.inner(environ, start_response)
        started = time.perf_counter()
        replay = self.cache.get_replay(key)
        if replay is not None:
            headers = list(replay.headers)
            if replay.date_at >= 0:
                headers[replay.date_at] = (headers[replay.date_at][0], self._now())
            start_response(replay.status, headers)
            self._account(environ, len(replay.body), replay.kind, replay.truncated, replay.log,
                          "hit", started)
            return [replay.body]
        found = self.lookups.answer(environ, key[1], key[6], self._now())
        if found is not None:
            start_response(found.status, found.headers)
            answer = found.answer
            self._account(environ, len(found.body), answer.kind, answer.truncated, found.log,
                          "hit" if found.hit else "miss", started)
            if found.replay is not None:
                self.cache.put_replay(key, found.replay)
            return [found.body]
        return self._through(key, environ, start_response)

    def _key(self, environ: dict) -> tuple | None:
        """Everything of the request that Flask's answer to it can depend on, or None."""
        if environ.get("PATH_INFO") != PATH:
            return None
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            query = environ.get("QUERY_STRING")
            if not query:
                return None
            content_type, body = None, None
        elif method == "POST":
            content_type = environ.get("CONTENT_TYPE")
            body = self._body(environ)
            if body is None:
                return None
            query = environ.get("QUERY_STRING", "")
        else:
            return None
        for name in UNKEYED:
            if name in environ:
                return None
        try:
            store = self._store_path()
        except (NoPublication, OSError, ValueError):
            return None  # Flask answers 503
        return (
            REPLAY, store, method, environ.get("SCRIPT_NAME", ""), query, content_type, body,
            environ.get("HTTP_ACCEPT"), environ.get("HTTP_ACCEPT_ENCODING"),
            environ.get("HTTP_ORIGIN"),
        )

    def _store_path(self) -> str:
        """What ``server.sparql.endpoint`` keys answers on: the store of the live publication."""
        publication = self.holder.publication()  # one readlink: a new release is seen at once
        if self.holder.redirect is not None:  # admin: the snapshot changes with every write
            return self.holder.query_store(publication)
        known = self._store
        if known is None or known[0] is not publication:
            known = self._store = (publication, self.holder.query_store(publication))
        return known[1]

    def _body(self, environ: dict) -> bytes | None:
        """A small POST body, read once and put back for Flask; None when not ours to read."""
        if "HTTP_TRANSFER_ENCODING" in environ:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or "")
        except ValueError:
            return None
        if not 0 < length <= self.max_body:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        return body if len(body) == length else None

    def _through(self, key: tuple, environ: dict, start_response):
        """Flask answers; an answer it took from the cache is kept for the next identical one,
        and its headers teach the front's lookups a new header class."""
        captured: list = []

        def capture(status, headers, exc_info=None):
            captured[:] = [status, headers]
            return start_response(status, headers, exc_info)

        self.cache.take_last_hit()  # nothing left over from this thread's last request
        result = self.inner(environ, capture)
        note = environ.get(NOTE)
        replayable = note is not None and note[0][0] == key[1]  # (unless a release went live)
        if not captured or not (replayable or PENDING in environ):
            return result
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured
        self.lookups.learn(environ, status, headers, body)
        if note is None or not replayable:
            return [body]
        headers = tuple((name, value) for name, value in headers)
        date_at = next((i for i, (name, _) in enumerate(headers) if name.lower() == "date"), -1)
        log = dict(note[1])
        self.cache.put_replay(key, Replay(
            answer_key=note[0], status=status, headers=headers, body=body, date_at=date_at,
            log=note[1], kind=str(log.get("result", "")), truncated=bool(log.get("truncated")),
        ))
        return [body]

    def _now(self) -> str:
        second = int(time.time())
        if self._date[0] != second:
            self._date = (second, http_date(second))
        return self._date[1]

    def _account(
        self, environ: dict, size: int, kind: str, truncated: bool,
        log: tuple[tuple[str, object], ...], outcome: str, started: float,
    ) -> None:
        """The metrics and access-log line the Flask path (server.ops, server.sparql.endpoint) makes."""
        method = environ["REQUEST_METHOD"]
        record = self._children.get((method, kind, outcome))
        if record is None:  # the same counters metrics.count_cache, metrics.count_query and ops use
            record = self._children[(method, kind, outcome)] = metrics.answered(
                metrics.CACHE.labels(outcome), metrics.QUERIES.labels(kind),
                metrics.REQUESTS.labels(method, PATH, "200"), metrics.LATENCY.labels(PATH),
            )
        elapsed = time.perf_counter() - started
        record(truncated, elapsed)
        if metrics.access_log.disabled:  # KG_ACCESS_LOG=off: not even the call (log_request
            return  # would return at once, after its ten keyword arguments were bound)
        metrics.log_request(
            remote=environ.get("REMOTE_ADDR"), method=method, path=PATH,
            query_bytes=len(environ.get("QUERY_STRING", "")), status=200, size=size,
            elapsed=elapsed, endpoint=PATH, agent=environ.get("HTTP_USER_AGENT"), extra=log,
        )
