"""Simple lookups answered in the web worker itself, without the executor round trip.

An executor (``server.engine.executors``) is how a query past the time limit gets stopped, and it
costs about half a millisecond per request: pickling the job, two process switches, pickling
the reply. That is five times what Oxigraph needs for a lookup such as "every property of
this entity". ``server.engine.lookup`` recognises, from the text alone, the queries whose
cost is bounded by index scans anchored on constants plus the rows they return (and the rows
are cut at the row cap); those run here, on the same ``Reader`` and writers as an executor,
so the bytes are the same. Everything else still goes to an executor.

A lookup run in the worker cannot be stopped, which is why the class is kept narrow. As further lines of
defence, an answer whose values pass ``MAX_BYTES`` is abandoned and the query handed to an
executor (whose memory is capped), and a lookup that nonetheless overran the server's time
limit is counted (``kg_sparql_query_errors_total{reason="inline_overrun"}``) and logged; in
both cases its text goes to the executors from then on, in this worker. A request with its
own, shorter ``timeout`` always goes to an executor, where that limit holds.
"""

from __future__ import annotations

import logging
import threading
import time

from server import metrics
from server.engine.executors import QueryTimeout
from server.engine.jobs import QueryJob, Reply, failure
from server.engine.lookup import Classified, classified, lookup_form
from server.engine.remote import RemoteQueries, is_remote
from server.engine.worker import AnswerTooLarge, Reader, answer

log = logging.getLogger(__name__)
#: How many overrunning texts a worker remembers (each is then always sent to an executor).
MAX_DENIED = 1024
#: Term text an in-worker answer may pull (bytes): a wider answer is handed to an executor, whose
#: memory is capped, rather than grown in the web worker.
MAX_BYTES = 8 << 20


class LookupRunner:
    """Runs lookup queries in the calling thread; says no to everything else."""

    def __init__(
        self, enabled: bool = True, prefixes: frozenset[str] = frozenset(),
        limit: float = float("inf"), max_bytes: int = MAX_BYTES,
    ) -> None:
        self.enabled = enabled
        self.prefixes = prefixes  # labels the endpoint declares for every query
        self.limit = limit  # the server's time limit (KG_QUERY_TIMEOUT)
        self.max_bytes = max_bytes
        self._reader = Reader()
        self._remote = RemoteQueries()
        self._denied: set[str] = set()
        self._lock = threading.Lock()

    def accepts(self, job: QueryJob) -> bool:
        """Whether ``job`` may run here: a lookup, not seen overrunning in this worker, with the
        server's own time limit (a client asking for less gets an executor, which can honour
        it)."""
        return job.budget >= self.limit and self.accepts_text(job.query)

    def accepts_text(self, text: str) -> bool:
        return self.form(text) is not None

    def form(self, text: str) -> str | None:
        """The form of a text that may run here (``SELECT``, ``ASK``...), else None."""
        if not self.enabled or text in self._denied:
            return None
        return lookup_form(text, self.prefixes)

    def run(self, job: QueryJob) -> Reply | None:
        """The reply, or None when the answer is too wide to build here (use an executor)."""
        if is_remote(job.store):  # a release served from a remote store: forwarded, as Flask does
            try:
                return self._remote.run(job, job.budget)
            except QueryTimeout:
                return None  # Flask runs it again and answers with the time-out
        started = time.monotonic()
        facts = classified(job.query, self.prefixes)  # what the recogniser read, asked once
        reply = self._select_json(job, facts)
        if reply is None:
            reply = answer(job, self._reader, None, self.max_bytes, facts.prefixed)
        elapsed = time.monotonic() - started
        if not reply.ok and reply.code == "too_large_inline":
            self._deny(job.query)
            return None
        if elapsed > self.limit:
            metrics.count_error("inline_overrun")
            log.warning(
                "an in-worker lookup took %.1f s (limit %g s); it goes to the executors from now "
                "on: %.200r", elapsed, self.limit, job.query,
            )
            self._deny(job.query)
        return reply

    def _select_json(self, job: QueryJob, facts: Classified) -> Reply | None:
        """A SELECT asked for as JSON (most lookups), written by Oxigraph, or None.

        Its rows are bounded first: a lookup without a LIMIT gets ``LIMIT max_rows + 1`` on a
        line of its own after its text (which ends with its solution modifiers), so the work
        stays "the scans plus the rows sent"; one stating a larger LIMIT, and an answer cut at
        the row cap, take the row-by-row path instead."""
        if job.bindings_format != "json" or facts.form != "SELECT":
            return None
        stated = facts.limit
        if stated is not None and stated > job.max_rows:
            return None
        text = job.query if stated is not None else f"{job.query}\nLIMIT {job.max_rows + 1}"
        try:
            return self._reader.select_json(job, text, self.max_bytes, facts.prefixed)
        except AnswerTooLarge as exc:
            return failure("too_large_inline", str(exc))

    def _deny(self, text: str) -> None:
        with self._lock:
            if len(self._denied) >= MAX_DENIED:
                self._denied.clear()
            self._denied.add(text)
