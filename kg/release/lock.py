"""One build at a time per publication, and a clean floor for the next one.

A build holds an exclusive ``flock`` on ``.kg-build.lock`` beside ``dist`` from start to finish. The kernel
drops the lock when the process dies, ``kill -9`` included, so whoever holds it knows that every
staging folder left under ``.kg-releases/`` belongs to a dead build and can go: a crash loop
cannot fill the disk, and a live build's folder is never touched. A second build started
meanwhile stops at once with a message naming the first one's process id.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.release.publication import releases_dir

LOCK_FILE = ".kg-build.lock"
_held: set[Path] = set()  # locks this process holds: taking one again is a no-op


class Busy(RuntimeError):
    """Another build holds the publication's lock."""


@contextmanager
def build_lock(dist: Path) -> Iterator[None]:
    releases = releases_dir(dist)
    releases.mkdir(parents=True, exist_ok=True)
    path = (dist.parent / LOCK_FILE).resolve()
    if path in _held:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
            raise Busy(f"another build (process {holder}) is publishing to {dist}; "
                       "wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        _held.add(path)
        clear_leftovers(releases)
        try:
            yield
        finally:
            _held.discard(path)
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing releases the lock


def clear_leftovers(releases: Path) -> int:
    """Staging folders of dead builds (call only while holding the lock); how many went."""
    removed = 0
    for stale in releases.glob(".*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
            removed += 1
    return removed
