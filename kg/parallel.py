"""Where the build's heavy steps run: in this process, or on a Dask cluster.

Parsing articles with spaCy and validating their graphs with pyshacl are independent per
batch and take nearly all of a build's time, so they are the steps spread out. Dask
(``dask.distributed``) does the spreading: ``--workers N`` starts a local cluster of N worker
processes, ``--scheduler tcp://host:8786`` uses an existing cluster, so a user who outgrows one
machine adds machines, not code. Results come back in the order of the input, so the build is
the same whichever way it ran; one worker and no scheduler runs in this process, without Dask.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[str], None]


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Runner:
    """Runs a function over batches; use as a context manager (it owns the cluster it starts)."""

    def __init__(self, workers: int = 1, scheduler: str | None = None, min_items: int = 48) -> None:
        if workers < 1:
            raise ValueError(f"--workers must be at least 1, got {workers}")
        self.workers = workers
        self.scheduler = scheduler
        #: Less work than this runs in this process: starting local workers (each loads spaCy)
        #: costs more than it saves. A given scheduler is always used.
        self.min_items = min_items
        self._client: Any = None
        self._cluster: Any = None

    @property
    def distributed(self) -> bool:
        return self.scheduler is not None or self.workers > 1

    def __enter__(self) -> Runner:
        return self

    def _start(self) -> None:
        if self._client is not None:
            return
        from dask.distributed import Client, LocalCluster

        if self.scheduler is not None:
            self._client = Client(self.scheduler)
        else:
            # processes, one thread each: spaCy and pyshacl hold the GIL
            self._cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40,
            )
            self._client = Client(self._cluster)

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None

    def spreads(self, total: int) -> bool:
        """Whether ``total`` items of work go to workers (else they run in this process)."""
        return self.scheduler is not None or (self.workers > 1 and total >= self.min_items)

    def describe(self, total: int) -> str:
        if self.scheduler is not None:
            return f"the Dask cluster at {self.scheduler}"
        if self.spreads(total):
            return f"{self.workers} local worker processes"
        if self.distributed:
            return f"this process (too little work to start {self.workers} workers)"
        return "this process"

    def map(
        self, func: Callable[[T], R], batches: Iterable[T], *, total: int,
        size: Callable[[T], int] = len,  # type: ignore[assignment]  # batches are sized
        what: str = "articles", progress: Progress | None = None,
    ) -> Iterator[R]:
        """``func`` over each batch, results in input order, with progress (rate and ETA).

        Batches are taken from ``batches`` as they are needed: a cluster gets a few per worker
        at a time, so memory holds a window of the work, not all of it."""
        meter = _Meter(total, what, progress)
        if not self.spreads(total):
            for batch in batches:
                result = func(batch)
                meter.done(size(batch))
                yield result
            return
        from dask.distributed import as_completed

        self._start()
        window = 2 * max(self.workers, len(self._client.scheduler_info().get("workers", {})) or 1)
        source = iter(enumerate(batches))
        sizes: dict[int, int] = {}
        pending: dict[str, int] = {}
        done: dict[int, R] = {}
        next_out = 0
        queue = as_completed()

        def submit() -> bool:
            item = next(source, None)
            if item is None:
                return False
            i, batch = item
            sizes[i] = size(batch)
            future = self._client.submit(func, batch, pure=False)
            pending[future.key] = i
            queue.add(future)
            return True

        for _ in range(window):
            if not submit():
                break
        for future in queue:
            i = pending.pop(future.key)
            done[i] = future.result()
            future.release()
            meter.done(sizes.pop(i))
            submit()
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1


class _Meter:
    """Items per second and time left, said at most every two seconds."""

    def __init__(self, total: int, what: str, progress: Progress | None) -> None:
        self.total, self.what, self.progress = total, what, progress
        self.count = 0
        self.started = self.said = time.monotonic()

    def done(self, n: int) -> None:
        self.count += n
        now = time.monotonic()
        if self.progress is None or (now - self.said < 2 and self.count < self.total):
            return
        self.said = now
        rate = self.count / max(now - self.started, 1e-9)
        left = (self.total - self.count) / rate if rate else 0.0
        self.progress(f"  {self.count}/{self.total} {self.what}, {rate:.1f}/s, "
                      f"about {left:.0f} s left")
