"""Resource limits of the public endpoint (from ``kg.settings``) and the headers that report them.

Each limit is reported to the client rather than applied silently: a query past the time limit
gets 503 with a message, a result past the row cap carries ``X-KG-Truncated: true`` and
``X-KG-Row-Limit``, an oversized request body gets 413.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.settings import Settings

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
    The defaults are ``kg.settings``' (a test checks they agree)."""

    query_timeout: float = 10.0
    update_timeout: float = 60.0
    max_rows: int = 10_000
    max_request_bytes: int = 1 << 20
    max_upload_bytes: int = 64 << 20
    query_memory_mb: int = 4096
    executors: int = 4
    query_cache_mb: int = 64

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
            max_upload_bytes=settings.max_upload_bytes, query_memory_mb=settings.query_memory_mb,
            executors=settings.executors, query_cache_mb=settings.query_cache_mb,
        )

    @classmethod
    def from_env(cls) -> Limits:
        """The limits the environment's ``KG_*`` settings give (see ``kg.settings``)."""
        from kg.settings import Settings

        return cls.from_settings(Settings.from_env())
