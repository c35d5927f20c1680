"""Admission control: how many requests of each kind of work one web worker runs at once.

A web worker has ``KG_THREADS`` request threads. Without a bound, a few slow or expensive
requests (queries that run to the time limit, validations, downloads to slow readers, uploads
that trickle in) could hold every thread, and cheap requests (lookups, pages, health checks)
would wait behind them. So each kind of work has a *class* with a limit, and the work that can
hold a thread for long also draws on a shared budget, ``KG_THREADS`` minus a reserve that only
short work can use. A request whose class (or the shared budget) is full is answered at once
with 503, ``Retry-After`` and a message naming the class, instead of waiting in an unbounded
line, as Fuseki and Virtuoso do.

The table is :func:`classes`; it is applied in two places only: :class:`Admission`, the
outermost WSGI layer (every class but ``queries``, chosen from the method, the path and whether
the request has a body, before anything is read), and around the executor pool
(``queries``, held by ``server.sparql.endpoint`` and ``graph_store`` through :meth:`hold`), as
only there is it known that a SPARQL request needs an executor rather than being a lookup.
``/healthz`` and ``/metrics`` belong to no class: they are always let in.

Plain WSGI and threading, no Flask: the layer runs before the front and the app.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kg.settings import Settings
from server import metrics

#: Paths never refused: an operator must be able to see a busy server.
FREE_PATHS = frozenset({"/healthz", "/metrics"})
#: The SPARQL protocol paths (lookups are answered there, queries go on to an executor).
SPARQL_PATHS = frozenset({"/sparql", "/update", "/data"})
RETRY_AFTER = "1"
LONG = "long work"
#: What ``classify`` returns, made once: (kind,) and (kind, "uploads").
_ALONE = {kind: (kind,) for kind in ("lookups", "shacl", "dumps", "pages")}
_WITH_BODY = {kind: (kind, "uploads") for kind in _ALONE}


@dataclass(frozen=True)
class WorkClass:
    """One kind of work: its name (in messages and metrics), what it is, how many at once per
    worker, and whether it can hold a thread for long (then it also uses the shared budget)."""

    name: str
    what: str
    limit: int
    long: bool


def reserve(threads: int) -> int:
    """Threads that only short work (lookups, pages, health checks) may use: a quarter."""
    return threads // 4 if threads >= 4 else 0


def classes(settings: Settings) -> dict[str, WorkClass]:
    """The table, per web worker, from the settings (``KG_THREADS``, the executors)."""
    threads = settings.threads
    rows = (
        WorkClass("lookups", "SPARQL requests (lookups, and every query until it needs an "
                  "executor)", threads, long=False),
        WorkClass("pages", "pages, documents and listings", threads, long=False),
        WorkClass("queries", "queries running in a query executor", settings.executors,
                  long=True),
        WorkClass("shacl", "SHACL validations", max(1, threads // 4), long=True),
        WorkClass("dumps", "dump downloads", max(1, threads // 2), long=True),
        WorkClass("uploads", "requests whose body is still being read or handled",
                  max(1, threads // 2), long=True),
    )
    return {row.name: row for row in rows}


def long_budget(settings: Settings) -> int:
    """How many threads long work may hold together."""
    return max(1, settings.threads - reserve(settings.threads))


class Busy(Exception):
    """A class (or the long-work budget) is full; the message is for the client."""

    def __init__(self, work: WorkClass | None, limit: int) -> None:
        self.name = work.name if work is not None else "long"
        what = work.what if work is not None else "requests that take long (queries, "\
            "validations, downloads, uploads)"
        super().__init__(
            f"busy: this server process is already handling {limit} {what}, the most it "
            f"takes at once (admission class `{self.name}`); try again in a moment"
        )


def classify(environ: dict) -> tuple[str, ...]:
    """The classes a request belongs to, before any of its body is read."""
    path = environ.get("PATH_INFO", "")
    if path in FREE_PATHS:
        return ()
    if path in SPARQL_PATHS:
        kind = "lookups"
    elif path == "/shacl" and environ.get("REQUEST_METHOD", "GET") == "POST":
        kind = "shacl"
    elif path.startswith("/dumps/") and path != "/dumps/":
        kind = "dumps"
    else:
        kind = "pages"
    return _WITH_BODY[kind] if has_body(environ) else _ALONE[kind]


def has_body(environ: dict) -> bool:
    if "HTTP_TRANSFER_ENCODING" in environ:
        return True
    length = environ.get("CONTENT_LENGTH") or "0"
    return length.strip() not in ("", "0")


class Admission:
    """Counts of the work in progress in this process, one per class, and the long budget."""

    def __init__(self, table: dict[str, WorkClass], long_limit: int) -> None:
        self.table = table
        self.long_limit = long_limit
        self._lock = threading.Lock()
        self._busy = dict.fromkeys(table, 0)
        self._long = 0
        self._known: dict[tuple[str, ...], tuple[tuple[WorkClass, ...], int]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Admission:
        return cls(classes(settings), long_budget(settings))

    def enter(self, names: Iterable[str]) -> tuple[str, ...]:
        """Take a place in every class named, all or none; Busy names the first one full."""
        names = tuple(names)
        rows, longs = self._rows(names)
        with self._lock:
            busy = self._busy
            for row in rows:
                if busy[row.name] >= row.limit:
                    raise Busy(row, row.limit)
            if longs and self._long + longs > self.long_limit:
                raise Busy(None, self.long_limit)
            for row in rows:
                busy[row.name] += 1
            self._long += longs
        return names

    def leave(self, names: Iterable[str]) -> None:
        names = tuple(names)
        _, longs = self._rows(names)
        with self._lock:
            busy = self._busy
            for name in names:
                busy[name] -= 1
            self._long -= longs

    def _rows(self, names: tuple[str, ...]) -> tuple[tuple[WorkClass, ...], int]:
        """The classes named and how many of them are long work, worked out once per set of
        names (every request enters and leaves; there are a handful of sets)."""
        known = self._known.get(names)
        if known is None:
            rows = tuple(self.table[name] for name in names)
            known = self._known[names] = (rows, sum(row.long for row in rows))
        return known

    @contextmanager
    def hold(self, name: str) -> Iterator[None]:
        """A place in one class for the duration of a block (``queries``); raises Busy."""
        held = self.enter((name,))
        try:
            yield
        finally:
            self.leave(held)

    def in_use(self) -> dict[str, int]:
        with self._lock:
            return dict(self._busy, long=self._long)


class AdmissionLayer:
    """WSGI middleware: admit a request to its classes or answer 503 at once; the places are
    given back when the server closes the response (after its last byte is sent)."""

    def __init__(self, inner: Callable, admission: Admission) -> None:
        self.inner = inner
        self.admission = admission

    def __call__(self, environ: dict, start_response):
        names = classify(environ)
        if not names:
            return self.inner(environ, start_response)
        started = time.perf_counter()
        try:
            held = self.admission.enter(names)
        except Busy as exc:
            return self._refuse(environ, start_response, exc, started)
        try:
            result = self.inner(environ, start_response)
        except BaseException:
            self.admission.leave(held)
            raise
        if isinstance(result, list):  # already whole (the front's answers): done now, and
            self.admission.leave(held)  # Granian sends a list without iterating it in Python
            return result
        return _Released(result, lambda: self.admission.leave(held))

    def _refuse(self, environ: dict, start_response, exc: Busy, started: float) -> list[bytes]:
        body = (str(exc) + "\n").encode("utf-8")
        start_response("503 Service Unavailable", [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
            ("Retry-After", RETRY_AFTER), ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", "Retry-After"),
        ])
        metrics.count_error(f"busy_{exc.name}")
        method = environ.get("REQUEST_METHOD", "")
        metrics.REQUESTS.labels(metrics.method_label(method), "admission", "503").inc()
        metrics.log_request(
            remote=environ.get("REMOTE_ADDR"), method=method, path=environ.get("PATH_INFO", ""),
            query_bytes=len(environ.get("QUERY_STRING", "")), status=503, size=len(body),
            elapsed=time.perf_counter() - started, endpoint="admission",
            agent=environ.get("HTTP_USER_AGENT"), extra={"refused": exc.name},
        )
        return [body]


class _Released:
    """The app's response iterable, which gives the places back once when it is closed."""

    def __init__(self, result: Iterable[bytes], release: Callable[[], None]) -> None:
        self._result = result
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._result)

    def close(self) -> None:
        try:
            close = getattr(self._result, "close", None)
            if close is not None:
                close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()

    def __del__(self) -> None:  # a server that never calls close (it must; belt and braces)
        if self._release is not None:
            self._release()
            self._release = None
