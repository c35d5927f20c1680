"""Resource limits of the public endpoint (from ``kg.settings``) and the headers that report them.

Each limit is reported to the client rather than applied silently: a query past the time limit
gets 503 with a message, a result past the row cap carries ``X-KG-Truncated: true`` and
``X-KG-Row-Limit``, an oversized request body gets 413, a request nested deeper than
``KG_MAX_NESTING`` gets 400 (``too_deep``) before any parser reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.settings import Settings

_DEFAULTS = Settings()

#: An executor reserves ~450 MiB of address space just by opening a store (RocksDB threads),
#: so a lower cap would make every executor fail before its first query.
MIN_QUERY_MEMORY_MB = 1024

ROW_LIMIT_HEADER = "X-KG-Row-Limit"
TRUNCATED_HEADER = "X-KG-Truncated"
ROWS_HEADER = "X-KG-Rows"
TIMEOUT_HEADER = "X-KG-Query-Timeout"
CACHE_HEADER = "X-KG-Cache"


@dataclass(frozen=True)
class Limits:
    """What one request may cost. All are per request; ``executors`` is per web worker.
    The defaults are the settings table's (``kg.settings``), not written again here."""

    query_timeout: float = _DEFAULTS.query_timeout
    update_timeout: float = _DEFAULTS.update_timeout
    max_rows: int = _DEFAULTS.max_rows
    max_request_bytes: int = _DEFAULTS.max_request_bytes
    max_upload_bytes: int = _DEFAULTS.max_upload_bytes
    max_nesting: int = _DEFAULTS.max_nesting
    query_memory_mb: int = _DEFAULTS.query_memory_mb
    executors: int = _DEFAULTS.executors
    query_cache_mb: int = _DEFAULTS.query_cache_mb

    def __post_init__(self) -> None:
        if self.query_memory_mb < MIN_QUERY_MEMORY_MB:
            raise ValueError(
                f"KG_QUERY_MEMORY_MB must be at least {MIN_QUERY_MEMORY_MB}, "
                f"got {self.query_memory_mb}"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            query_timeout=settings.query_timeout, update_timeout=settings.update_timeout,
            max_rows=settings.max_rows, max_request_bytes=settings.max_request_bytes,
            max_upload_bytes=settings.max_upload_bytes, max_nesting=settings.max_nesting,
            query_memory_mb=settings.query_memory_mb,
            executors=settings.executors, query_cache_mb=settings.query_cache_mb,
        )

    @classmethod
    def from_env(cls) -> Limits:
        """The limits the environment's ``KG_*`` settings give (see ``kg.settings``)."""
        return cls.from_settings(Settings.from_env())


def too_deep(what: str, bound: int, depth: int | None = None) -> str:
    """The 400 message for ``what`` nested deeper than ``bound`` (``depth`` levels, when the
    scan counted them all)."""
    levels = f"{depth} levels" if depth is not None else f"more than {bound} levels"
    return (f"{what} nests {levels} deep; at most {bound} are allowed (KG_MAX_NESTING), so "
            f"that no parser recurses without bound: flatten it")
