"""Request bodies: held to their limit however they are framed, and read before the answer.

*Chunked bodies.* Werkzeug refuses a ``Content-Length`` over ``max_content_length`` before
reading, but a chunked body (no ``Content-Length``) is only wrapped in a stream that stops at
the limit, and ``get_data()`` returns its first ``max_content_length`` bytes as if they were
all of it: a 1 MiB query padded with spaces ran, and ``/shacl`` validated the first megabyte of
a larger file. ``BodyRequest.stream`` reads up to one byte past the limit instead, and a body
that has that byte gets 413 naming the limit, like a ``Content-Length`` body.

*Malformed framing.* Under gunicorn a bad chunk size (``zz\\r\\n``) is raised by the server's
body reader through Werkzeug, which only expects ``OSError``: a 500. Here any error of the
server's reader becomes ``MalformedBody``, a 400 naming it. Granian 2.8 decodes chunks in Rust
and its WSGI body maps a framing error to the end of the data, so the app sees only the bytes
before the error and nothing says why: the request is then answered on what arrived (an empty
query gets "the query is empty", a cut document its parser's error; a cut N-Triples document
that ends on a whole line is read as it is). Nothing in the app can tell that apart: Granian's
``WSGIBody.fill_buffer`` (``src/wsgi/types.rs``) turns hyper's error into an empty chunk. What
the app can do is name the likely cause where it shows: ``/sparql`` and ``/update`` refuse an
empty body with a 400, ``/shacl`` an empty chunked one (an empty document sent with
``Content-Length`` still conforms), and ``empty`` adds, for a chunked request, that a chunk
the server could not decode ends the body there (``zz\r\n`` at the start is that case). A body cut
later, at a chunk boundary, is answered on what arrived; clients that must know their upload
arrived whole send ``Content-Length`` (or run ``kg serve --server gunicorn``).

*Unread bodies.* A view that refuses a request from its headers (415 for a wrong Content-Type)
answers without reading the body. The server then closes a connection with unread bytes in
it, and a client still sending them can get a reset instead of the answer (seen with
``requests`` and keep-alive under gunicorn). ``Drain`` reads what is left, up to a budget,
before the answer leaves, so the client always receives its status and message.
"""

from __future__ import annotations

from typing import IO, TYPE_CHECKING, Any, cast

from flask import Request
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_input_stream

if TYPE_CHECKING:
    from flask import Flask

_PIECE = 64 << 10


def chunked(environ: dict) -> bool:
    """Whether the request body was sent with chunked transfer coding."""
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def empty(what: str, environ: dict) -> str:
    """The 400 message for an empty body, naming bad chunk framing where it may be the cause."""
    if not chunked(environ):
        return f"{what} is empty"
    return (f"{what} is empty; it was sent chunked, and a chunked request body is malformed if "
            "a chunk size the server cannot decode ended it early: check the framing, or send "
            "Content-Length")


class MalformedBody(BadRequest):
    """The server could not read the body (bad chunk framing): a 400 with its reason."""


class CappedStream(LimitedStream):
    """A stream of unknown length that may hold ``maximum`` bytes: it reads at most one byte
    more, and that byte means 413, not a quiet cut."""

    def __init__(self, stream: IO[bytes], maximum: int) -> None:
        super().__init__(stream, maximum + 1, is_max=True)
        self.maximum = maximum

    def readinto(self, b: Any) -> int | None:
        try:
            count = super().readinto(b)
        except HTTPException:
            raise
        except Exception as exc:  # noqa: BLE001 - the server's reader: gunicorn's parse errors
            raise MalformedBody(f"the chunked request body is malformed: {exc}") from None
        if self.tell() > self.maximum:
            raise RequestEntityTooLarge()
        return count


class BodyRequest(Request):
    """Flask's request, with chunked bodies held to ``max_content_length`` (see the module)."""

    @cached_property
    def stream(self) -> IO[bytes]:
        if self.shallow:
            raise RuntimeError("a shallow request cannot read its body")
        limit = self.max_content_length
        terminated = "wsgi.input_terminated" in self.environ
        if self.content_length is None and limit is not None and terminated:
            return cast(IO[bytes], CappedStream(self.environ["wsgi.input"], limit))
        return get_input_stream(self.environ, max_content_length=limit)


class Drain:
    """WSGI middleware: after the app has answered, read the rest of the request body (at most
    ``budget`` bytes) before the answer is sent, so a refused client is not reset."""

    def __init__(self, inner, budget: int) -> None:
        self.inner = inner
        self.budget = budget

    def __call__(self, environ: dict, start_response):
        result = self.inner(environ, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD", "OPTIONS"):
            drain(environ, self.budget)
        return result


def drain(environ: dict, budget: int) -> int:
    """Read and drop what is left of the body, unless it is longer than ``budget`` (then the
    server closes the connection as before). Returns the bytes dropped."""
    length = environ.get("CONTENT_LENGTH")
    chunked = "HTTP_TRANSFER_ENCODING" in environ
    if not chunked:
        try:
            if not 0 < int(length or 0) <= budget:
                return 0
        except ValueError:
            return 0
    stream = environ.get("wsgi.input")
    dropped = 0
    try:
        while stream is not None and dropped < budget:
            piece = stream.read(min(_PIECE, budget - dropped))
            if not piece:
                break
            dropped += len(piece)
    except Exception:  # noqa: BLE001 - a broken body leaves nothing to save; the answer stands
        pass
    return dropped


def init_app(app: Flask) -> None:
    """Chunked bodies held to the limits, their framing errors answered 400, and unread bodies
    drained up to the largest public limit (``KG_MAX_REQUEST_BYTES``, ``KG_SHACL_MAX_BYTES``).
    Call before the front is installed: the front reads its own small bodies whole."""
    from server.errors import problem

    settings = app.config["KG_SETTINGS"]
    app.request_class = BodyRequest

    @app.errorhandler(MalformedBody)
    def _malformed(exc: MalformedBody):
        return problem(400, exc.description or "the request body is malformed")

    budget = max(app.config["KG_LIMITS"].max_request_bytes, settings.shacl_max_bytes)
    app.wsgi_app = Drain(app.wsgi_app, budget)  # type: ignore[method-assign]
