"""Simple lookups answered before Flask, whether or not their answer is cached yet.

A cached answer is replayed by ``server.sparql.front``; the front's lookups serves the next most common
request, a lookup nobody asked before ("every property of this entity"), at the cost of the
query itself. It takes only requests whose whole meaning is one ``query`` (a GET with nothing
else in its query string, a form POST with one field, or a direct POST of
``application/sparql-query``) whose text ``server.engine.lookup`` accepts, and answers them
with the same pieces the Flask view uses: ``server.sparql.requests.negotiate_formats``, ``make_job``
and ``answer_key``, the worker's answer cache and ``server.engine.lookup_runner``.

The HTTP headers are not written here. For every *header class* (method, media type, the
Accept, Accept-Encoding and Origin headers, result kind and format, and whether the body is
large enough to be compressed) the first request goes through Flask (so its answer is computed
twice, once per class), and the front keeps the headers Flask sent, once it has checked that
Flask's body and row count are the ones it computed. Later requests of the class get those
headers with the values that belong to their own answer filled in: Content-Length, X-KG-Rows,
X-KG-Truncated, X-KG-Cache and Date. So CORS, Vary, caching and compression headers stay
whatever Flask and its extensions decide. Bodies are gzip-compressed at Flask-Compress's level
when Flask compressed the class; a class Flask answered with another encoding (brotli, zstd,
deflate: what browsers ask for) is left to Flask from then on, without the front running the
query first.

Anything unexpected (non-ASCII bytes in a query string, bad UTF-8, another parameter, a query
that fails or whose answer is too wide to build in the worker, no publication) simply goes to
Flask, which gives the same answer or the error the protocol asks for.
"""

from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote_plus

from server.engine.cache import Answer, Replay, ResultCache
from server.engine.lookup import MAX_TEXT
from server.engine.lookup_runner import LookupRunner
from server.limits import CACHE_HEADER, ROWS_HEADER, TRUNCATED_HEADER
from server.sparql.requests import answer_key, make_job, negotiate_formats

if TYPE_CHECKING:
    from flask import Flask

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
#: environ key: (header class, answer) of a request the front left to Flask to learn from.
PENDING = "kg.lane"
#: Header classes kept per worker; clients send few distinct Accept/Origin values.
MAX_TEMPLATES = 512
SLOTS = ("content-length", ROWS_HEADER.lower(), TRUNCATED_HEADER.lower(),
         CACHE_HEADER.lower(), "date")


@dataclass(frozen=True)
class Template:
    """Flask's status and headers for one header class, with where the per-answer values go."""

    status: str
    headers: tuple[tuple[str, str], ...]
    slots: tuple[tuple[int, int], ...]  # (index in headers, index of its slot in SLOTS)
    gzip: bool
    date_at: int  # index of the Date header, or -1

    @classmethod
    def of(cls, status: str, headers: tuple[tuple[str, str], ...], gzip: bool) -> Template:
        named = [(i, name.lower()) for i, (name, _) in enumerate(headers)]
        slots = tuple((i, SLOTS.index(name)) for i, name in named if name in SLOTS)
        date_at = next((i for i, name in named if name == "date"), -1)
        return cls(status, headers, slots, gzip, date_at)

    def filled(self, values: tuple[str, ...]) -> list[tuple[str, str]]:
        """The headers with each slot's value taken from ``values`` (in the order of SLOTS)."""
        headers = list(self.headers)
        for index, slot in self.slots:
            headers[index] = (headers[index][0], values[slot])
        return headers


class LookupAnswer(NamedTuple):
    """What the front sends: ready for ``start_response`` and the access log."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    answer: Answer
    hit: bool
    log: tuple[tuple[str, object], ...]  # the fields the access log adds
    #: what to send the next time this exact request comes (a cache hit); None: no cache
    replay: Replay | None


class FrontLookups:
    def __init__(self, app: Flask, cache: ResultCache, runner: LookupRunner) -> None:
        self.app = app
        self.cache = cache
        self.runner = runner
        self.min_size = int(app.config.get("COMPRESS_MIN_SIZE", 500))
        self.level = int(app.config.get("COMPRESS_LEVEL", 6))
        self._templates: dict[tuple, Template] = {}
        self._unlearnable: set[tuple] = set()  # header classes less body size, Flask's alone
        self._lock = threading.Lock()

    def answer(self, environ: dict, store: str, body: bytes | None, now: str) -> LookupAnswer | None:
        """The response to a lookup request, or None for Flask to answer it."""
        if not self.runner.enabled:
            return None
        text = _query_text(environ, body)
        # a lookup's form, as server.engine.syntax.shape reads it; a lookup calls no function,
        # so none whose answer changes between runs: its answer may be cached
        if text is None:
            return None
        form = self.runner.form(text)
        if form is None:
            return None
        accept = environ.get("HTTP_ACCEPT")
        formats = negotiate_formats(accept, (), form)
        if isinstance(formats[0], int):
            return None  # Flask says what is wrong
        graph = form in ("CONSTRUCT", "DESCRIBE")
        kind = "graph" if graph else "boolean" if form == "ASK" else "bindings"
        group = (  # the header class, less the size of the body
            environ["REQUEST_METHOD"], environ.get("SCRIPT_NAME", ""), environ.get("CONTENT_TYPE"),
            accept, environ.get("HTTP_ACCEPT_ENCODING"), environ.get("HTTP_ORIGIN"), kind,
            formats[1] if graph else formats[0],
        )
        if group in self._unlearnable:
            return None
        limits = self.app.config["KG_LIMITS"]
        job = make_job(self.app.config, store, text, formats, limits.query_timeout)
        key = answer_key(job) if self.cache.max_bytes else None
        answer = None
        if key is not None:
            answer = self.cache.get(key)
            self.cache.take_last_hit()  # a hit here is not Flask's: nothing to replay
        hit = answer is not None
        if answer is None:
            reply = self.runner.run(job)
            if reply is None or not reply.ok:
                return None  # Flask runs it (in an executor) or answers with the error
            answer = Answer(reply.kind, reply.format, reply.body, reply.rows, reply.truncated)
        klass = (*group, len(answer.body) >= self.min_size)
        template = self._templates.get(klass)
        if template is None:  # Flask answers (computing it again, once per class)
            environ[PENDING] = (klass, answer)
            return None
        if key is not None and not hit:
            self.cache.put(key, answer)
        sent = gzip.compress(answer.body, self.level) if template.gzip else answer.body
        # in the order of SLOTS: Content-Length, X-KG-Rows, X-KG-Truncated, X-KG-Cache, Date
        values = (str(len(sent)), str(answer.rows), "true" if answer.truncated else "false",
                  "hit" if hit else "miss", now)
        headers = template.filled(values)
        log = (("rows", answer.rows), ("truncated", answer.truncated), ("result", answer.kind))
        replay = None
        if key is not None:  # the same request again is a hit, which the front replays
            later = tuple(headers) if hit else tuple(template.filled((*values[:3], "hit", now)))
            replay = Replay(
                answer_key=key, status=template.status, headers=later, body=sent,
                date_at=template.date_at, log=log, kind=answer.kind, truncated=answer.truncated,
            )
        return LookupAnswer(template.status, headers, sent, answer, hit, log, replay)

    def learn(self, environ: dict, status: str, headers: list, body: bytes) -> None:
        """Keep Flask's headers for a pending header class, if its answer is the front's."""
        pending = environ.get(PENDING)
        if pending is None or not status.startswith("200 "):
            return
        klass, answer = pending
        named = {name.lower(): value for name, value in headers}
        encoding = named.get("content-encoding")
        if encoding not in (None, "gzip"):  # brotli, zstd, deflate: Flask answers the group
            with self._lock:
                if len(self._unlearnable) >= MAX_TEMPLATES:
                    self._unlearnable.clear()
                self._unlearnable.add(klass[:-1])
            return
        plain = gzip.decompress(body) if encoding == "gzip" else body
        if plain != answer.body or CACHE_HEADER.lower() not in named:
            return
        if answer.kind != "boolean" and named.get(ROWS_HEADER.lower()) != str(answer.rows):
            return
        pairs = tuple((str(name), str(value)) for name, value in headers)
        template = Template.of(status, pairs, encoding == "gzip")
        with self._lock:
            if len(self._templates) >= MAX_TEMPLATES:  # e.g. many Origins: start again
                self._templates.clear()
            self._templates[klass] = template


def _query_text(environ: dict, body: bytes | None) -> str | None:
    """The query of a request that carries nothing but one query, or None."""
    method = environ.get("REQUEST_METHOD")
    query_string = environ.get("QUERY_STRING", "")
    if method == "GET":  # WSGI gives the raw bytes as latin-1: only ASCII reads the same here
        return _only_query(query_string) if query_string.isascii() else None
    if method != "POST" or body is None or query_string:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    media = environ.get("CONTENT_TYPE")
    if media == QUERY_TYPE:
        return text
    if media == FORM:
        return _only_query(text)
    return None


def _only_query(encoded: str) -> str | None:
    """``query=...`` and nothing else, decoded as a form (strict UTF-8)."""
    if not encoded.startswith("query=") or "&" in encoded:
        return None
    return _decoded(encoded) if len(encoded) <= MAX_TEXT else _decode(encoded)


def _decode(encoded: str) -> str | None:
    try:
        return _unquote_plus(encoded[6:])
    except UnicodeDecodeError:
        return None


#: Short query strings decoded once (clients repeat their lookups, as the recogniser's memo of
#: the text assumes): ~0.2 us for a known one against ~2.5 to decode it. Only strings no
#: longer than a lookup can be are kept, so the memo stays within a few MiB.
_decoded = lru_cache(maxsize=1024)(_decode)


def _unquote_plus(encoded: str) -> str:
    """``urllib.parse.unquote_plus(encoded, errors="strict")``, a third of its time for ASCII.

    urllib splits the text on ``%`` and looks every escape up in Python; here the escapes
    become ``\\xHH`` (after doubling any backslash) for the C ``unicode_escape`` codec, whose
    characters U+0000-U+00FF are the bytes, read as UTF-8. A ``%`` without two hex digits makes
    that codec fail: urllib then reads the text as before (it keeps such a ``%`` as it is).
    """
    if encoded.isascii():
        try:
            chars = (
                encoded.replace("\\", "\\\\").replace("%", "\\x").replace("+", " ")
                .encode("ascii").decode("unicode_escape")
            )
        except UnicodeDecodeError:
            pass
        else:  # bytes past ASCII are UTF-8 (strict, as urllib's); ASCII reads the same
            return chars if chars.isascii() else chars.encode("latin-1").decode("utf-8")
    return unquote_plus(encoded, errors="strict")
