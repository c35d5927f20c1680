"""The server's memory budget, split over the processes that can spend it.

Each query executor and each ``/shacl`` validation runs under an address-space cap
(``RLIMIT_AS``), which bounds what it can ever use, whatever the query. Capped one by one, the
caps add up past the machine: 4 workers x 4 executors x 4 GiB asked for 64 GiB on a 24 GiB
machine. So ``kg serve``, which knows how many workers it starts, divides ``KG_MAX_MEMORY``
(default: three quarters of physical memory) equally over every such process that can exist at
once:

    share = KG_MAX_MEMORY / (workers x (executors + validations) + writer)

with *executors* = ``KG_QUERY_EXECUTORS`` per worker, *validations* = the admission class
``shacl``'s limit per worker (``server.admission``) and *writer* = 1 on an admin server. Each
executor's cap is then the smaller of ``KG_QUERY_MEMORY_MB`` and the share, each validation's
the smaller of ``KG_SHACL_MAX_MEMORY`` and the share. As an address space is never smaller than
the memory a process really uses, the processes together can never use more than the budget.
A share too small for an executor to open a store stops the start with a message saying what
to change, rather than failing every query later.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from kg.settings import Settings
from server.admission import classes
from server.limits import MIN_QUERY_MEMORY_MB

MIB = 1 << 20


def physical_mb() -> int:
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // MIB


def default_total_mb() -> int:
    return physical_mb() * 3 // 4


@dataclass(frozen=True)
class Split:
    total_mb: int
    processes: int
    share_mb: int
    formula: str


def split(settings: Settings, workers: int) -> Split:
    """How ``KG_MAX_MEMORY`` divides over ``workers`` web workers with these settings."""
    total = settings.max_memory_mb or default_total_mb()
    executors = settings.executors
    validations = classes(settings)["shacl"].limit
    writer = 1 if settings.admin_token else 0
    processes = workers * (executors + validations) + writer
    formula = (f"{workers} workers x ({executors} executors + {validations} validations)"
               + (" + 1 admin writer" if writer else ""))
    return Split(total, processes, total // processes, formula)


def apply(settings: Settings, workers: int) -> Settings:
    """The settings with each process's cap lowered to its share; ValueError if too small."""
    parts = split(settings, workers)
    if parts.share_mb < MIN_QUERY_MEMORY_MB:
        raise ValueError(
            f"KG_MAX_MEMORY={parts.total_mb} MiB over {parts.processes} processes "
            f"({parts.formula}) leaves {parts.share_mb} MiB each, under the "
            f"{MIN_QUERY_MEMORY_MB} MiB a query executor needs to open a store; start fewer "
            "workers, set KG_QUERY_EXECUTORS or KG_THREADS lower, or raise KG_MAX_MEMORY"
        )
    return settings.replace(
        query_memory_mb=min(settings.query_memory_mb, parts.share_mb),
        shacl_max_memory=min(settings.shacl_max_memory, parts.share_mb * MIB),
    )
