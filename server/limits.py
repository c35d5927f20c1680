"""Resource limits of the public endpoint, read from the environment, and the plain-text errors
every limit answers with.

Each limit is reported to the client rather than applied silently: a query past the time limit
gets 503 with a message, a result past the row cap carries ``X-KG-Truncated: true`` and
``X-KG-Row-Limit``, an oversized request body gets 413.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Response

DEFAULT_QUERY_TIMEOUT = 10.0
DEFAULT_UPDATE_TIMEOUT = 60.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_REQUEST_BYTES = 1 << 20  # 1 MiB: far above any hand-written query, far below harm
DEFAULT_MAX_UPLOAD_BYTES = 64 << 20  # Graph Store uploads (admin only)
DEFAULT_QUERY_MEMORY_MB = 4096
#: An executor reserves ~450 MiB of address space just by opening a store (RocksDB threads),
#: so a lower cap would make every executor fail before its first query.
MIN_QUERY_MEMORY_MB = 1024
DEFAULT_EXECUTORS = 4
DEFAULT_QUERY_CACHE_MB = 64

ROW_LIMIT_HEADER = "X-KG-Row-Limit"
TRUNCATED_HEADER = "X-KG-Truncated"
ROWS_HEADER = "X-KG-Rows"
TIMEOUT_HEADER = "X-KG-Query-Timeout"
CACHE_HEADER = "X-KG-Cache"


@dataclass(frozen=True)
class Limits:
    """What one request may cost. All are per request; ``executors`` is per web worker."""

    query_timeout: float = DEFAULT_QUERY_TIMEOUT
    update_timeout: float = DEFAULT_UPDATE_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    query_memory_mb: int = DEFAULT_QUERY_MEMORY_MB
    executors: int = DEFAULT_EXECUTORS
    query_cache_mb: int = DEFAULT_QUERY_CACHE_MB

    def __post_init__(self) -> None:
        if self.query_memory_mb < MIN_QUERY_MEMORY_MB:
            raise ValueError(
                f"KG_QUERY_MEMORY_MB must be at least {MIN_QUERY_MEMORY_MB}, "
                f"got {self.query_memory_mb}"
            )

    @classmethod
    def from_env(cls) -> Limits:
        """``KG_QUERY_TIMEOUT`` (s), ``KG_UPDATE_TIMEOUT`` (s), ``KG_MAX_ROWS``,
        ``KG_MAX_REQUEST_BYTES``, ``KG_MAX_UPLOAD_BYTES``, ``KG_QUERY_MEMORY_MB``,
        ``KG_QUERY_EXECUTORS`` (default: ``KG_THREADS``), ``KG_QUERY_CACHE_MB`` (0: off)."""
        env = os.environ
        return cls(
            query_timeout=_number(env, "KG_QUERY_TIMEOUT", DEFAULT_QUERY_TIMEOUT, float),
            update_timeout=_number(env, "KG_UPDATE_TIMEOUT", DEFAULT_UPDATE_TIMEOUT, float),
            max_rows=_number(env, "KG_MAX_ROWS", DEFAULT_MAX_ROWS, int),
            max_request_bytes=_number(env, "KG_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES, int),
            max_upload_bytes=_number(env, "KG_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, int),
            query_memory_mb=_number(env, "KG_QUERY_MEMORY_MB", DEFAULT_QUERY_MEMORY_MB, int),
            executors=_number(
                env, "KG_QUERY_EXECUTORS", int(env.get("KG_THREADS", DEFAULT_EXECUTORS)), int
            ),
            query_cache_mb=_number(
                env, "KG_QUERY_CACHE_MB", DEFAULT_QUERY_CACHE_MB, int, allow_zero=True
            ),
        )


def _number(
    env: os._Environ[str] | dict, name: str, default: float, kind: type, allow_zero: bool = False
) -> float | int:
    """A positive number from the environment; a typo fails at start-up, not on a query."""
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a {kind.__name__}, got {raw!r}") from None
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


class ProtocolError(ValueError):
    """A request the protocol does not allow; carries the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def problem(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A short plain-text error, as Fuseki and Oxigraph answer: readable by people and scripts."""
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
