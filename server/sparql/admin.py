"""Writes on an admin server: who may write, and where writes go.

A release is immutable (its files are checksummed in the manifest and several servers may read
it), so writes never touch it. An admin server (started with ``KG_ADMIN_TOKEN``) instead keeps
a *working copy* of the current release's store under ``KG_ADMIN_DIR`` (default
``<dist>/../.kg-admin/<release>/store``), made once by copying the release's store. One writer
process (``server.engine.worker``, role ``writer``) owns that copy; it applies SPARQL Update
and Graph Store requests in single transactions, and after each one takes a RocksDB
checkpoint. Queries on the admin server, Graph Store reads and the linked-data pages read the
newest checkpoint read-only through the ordinary executors, so a slow query never blocks a
write and a write never exposes half a change.

Because the working copy belongs to one process, an admin server runs one web worker (threads
give it concurrency); ``kg serve`` enforces that. The public servers keep serving the release
as built. Writes are curation: before it answers, the writer appends what each write changed
to the curation log (``kg.curation``, ``KG_CURATION_DIR``), with who (``From``) and when, and
every ``kg build`` re-applies the log, so a new release, and the fresh working copy made
from it, keeps every accepted write.
"""

from __future__ import annotations

import hmac
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Response, current_app, request

from kg.curation import DEFAULT_AGENT
from kg.release.publication import Publication
from server.engine.executors import ExecutorError, ExecutorPool
from server.engine.jobs import Reply, WriteJob
from server.errors import problem
from server.limits import Limits
from server.state import NoPublication

if TYPE_CHECKING:
    from kg.settings import Settings



class Admin:
    """The bearer token and the writer of one admin server process."""

    def __init__(self, token: str, work_root: Path, limits: Limits, sandbox: str = "required",
                 curation_dir: Path | None = None) -> None:
        self._token = token.encode("utf-8")
        self.work_root = work_root
        self.curation_dir = curation_dir
        self.timeout = limits.update_timeout
        self.writer = ExecutorPool(1, role="writer", memory_mb=limits.query_memory_mb, sandbox=sandbox)
        self._lock = threading.Lock()
        self._snapshots: dict[str, Path] = {}

    @classmethod
    def from_settings(cls, settings: Settings, limits: Limits) -> Admin | None:
        """An admin for ``KG_ADMIN_TOKEN``; None (read-only server) without one."""
        token = settings.admin_token
        if not token:
            return None
        if len(token) < 16:
            raise ValueError("KG_ADMIN_TOKEN must be at least 16 characters long")
        root = settings.admin_dir or settings.dist_dir.parent / ".kg-admin"
        return cls(token, root, limits, settings.executor_sandbox, settings.curation)

    def authorised(self, header: str | None) -> bool:
        """``Authorization: Bearer <token>``, compared in constant time."""
        scheme, _, credentials = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            return False
        return hmac.compare_digest(credentials.strip().encode("utf-8"), self._token)

    def snapshot(self, publication: Publication) -> Path:
        """The newest read-only checkpoint of ``publication``'s working copy (made if need be)."""
        known = self._snapshots.get(publication.release_id)
        if known is not None:
            return known
        try:
            reply = self.write(publication, "open")
        except ExecutorError as exc:
            raise NoPublication(f"the admin working copy could not be prepared: {exc}") from None
        if not reply.ok:
            raise NoPublication(f"the admin working copy could not be prepared: {reply.message}")
        return self._snapshots[publication.release_id]

    def write(self, publication: Publication, op: str, **fields: object) -> Reply:
        """Run one change in the writer; the new checkpoint becomes what readers see, and the
        change is kept in the curation log (``kg.curation``) for the next build."""
        job = WriteJob(
            release_store=str(publication.store_path),
            work_dir=str(self.work_root / publication.release_id),
            op=op,
            budget=self.timeout,
            curation_dir=str(self.curation_dir) if self.curation_dir else "",
            **fields,  # type: ignore[arg-type]
        )
        with self._lock:  # one change at a time, in the order they arrived
            reply = self.writer.run(job, self.timeout)
            if reply.ok:
                self._snapshots[publication.release_id] = Path(reply.extra["snapshot"])
        return reply


def curator() -> str:
    """Who a write is recorded as: the ``From`` header (RFC 9110: the human user's e-mail
    address) if the client sends one, else the bearer of the admin token."""
    named = (request.headers.get("From") or "").strip()
    return named[:200] if named.isprintable() and named else DEFAULT_AGENT


def unauthorised() -> Response | None:
    """None if this request may write; otherwise the answer to give it.

    403 when the server has no admin token at all (no credentials could help), 401 with a
    ``WWW-Authenticate`` challenge (RFC 6750) when the token is missing or wrong.
    """
    admin: Admin | None = current_app.extensions.get("kg_admin")
    if admin is None:
        return problem(
            403, "writes are disabled: this server was started without KG_ADMIN_TOKEN and "
            "serves the published release read-only"
        )
    if not admin.authorised(request.headers.get("Authorization")):
        return problem(
            401, "writes need an `Authorization: Bearer <token>` header with the admin token",
            {"WWW-Authenticate": 'Bearer realm="newskg admin"'},
        )
    return None
