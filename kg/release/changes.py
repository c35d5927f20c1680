"""What a release changed since the previous one, as N-Quads patches other publishers can apply.

Every release's ``kg.nq`` is sorted in byte order with each line once (``kg.release.publish``),
so the difference of two releases is one merge of two sorted files: the lines only the new one
has (``changes.added.nq``) and the lines only the old one has (``changes.removed.nq``), read and
written a line at a time, in memory that does not grow with the dataset. A mirror holding the
old ``kg.nq`` gets the new one exactly by dropping the removed lines, adding the added ones and
sorting (``apply``); the feed (``server.linked_data.feed``) links each release's patches.
Blank-node labels are those the dumps carry; a build that relabels them shows those lines as
removed and added, which applying the patch still undoes exactly.
"""

from __future__ import annotations

import heapq
import os
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.release.publication import ADDED_FILE, REMOVED_FILE


def _lines(handle: BinaryIO) -> Iterator[bytes]:
    for line in handle:
        if line.strip():
            yield line if line.endswith(b"\n") else line + b"\n"


def diff_sorted(old: Path, new: Path, added: Path, removed: Path) -> tuple[int, int]:
    """Write the lines only ``new`` has to ``added`` and those only ``old`` has to ``removed``
    (both files sorted in byte order, each line once); return how many of each."""
    n_added = n_removed = 0
    with open(old, "rb") as o, open(new, "rb") as n, open(added, "wb") as plus, \
            open(removed, "wb") as minus:
        olds, news = _lines(o), _lines(n)
        a, b = next(olds, None), next(news, None)
        while a is not None or b is not None:
            if a is not None and (b is None or a < b):
                minus.write(a)
                n_removed += 1
                a = next(olds, None)
            elif b is not None and (a is None or b < a):
                plus.write(b)
                n_added += 1
                b = next(news, None)
            else:  # the same line in both
                a, b = next(olds, None), next(news, None)
    return n_added, n_removed


def diff_files(old: Path, new: Path, added: Path, removed: Path) -> tuple[int, int]:
    """``diff_sorted`` by one ``comm -3`` pass (C, byte order): the same files and counts, in
    a fraction of the time; only the lines that differ pass through Python."""
    n_added = n_removed = 0
    with open(added, "wb") as plus, open(removed, "wb") as minus:
        proc = subprocess.Popen(["comm", "-3", str(old), str(new)], stdout=subprocess.PIPE,
                                env=dict(os.environ, LC_ALL="C"))
        assert proc.stdout is not None
        for line in proc.stdout:
            if not line.strip():
                continue
            line = line if line.endswith(b"\n") else line + b"\n"
            if line.startswith(b"\t"):
                plus.write(line[1:])
                n_added += 1
            else:
                minus.write(line)
                n_removed += 1
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, "comm")
    return n_added, n_removed


def apply(old: Iterable[bytes], added: Iterable[bytes], removed: Iterable[bytes]) -> Iterator[bytes]:
    """The new release's lines from the old one's and a patch, all three sorted: a merge again,
    so a mirror applies a patch in bounded memory too."""
    gone = iter(removed)
    drop = next(gone, None)

    def survivors() -> Iterator[bytes]:
        nonlocal drop
        for line in old:
            while drop is not None and drop < line:
                drop = next(gone, None)
            if line != drop:
                yield line

    last = None
    for line in heapq.merge(survivors(), added):
        if line != last:
            yield line
        last = line


def record(previous: Path | None, staging: Path,
           known: tuple[Iterable[bytes], Iterable[bytes]] | None = None) -> dict:
    """The changes of the release in ``staging`` since the one in ``previous`` (None for a
    first release): the patch files written next to its dumps, and what the manifest records.
    ``known``: kg.nq's added and removed lines, sorted, when the build knows them already."""
    if previous is None or not (previous / "kg.nq").is_file():
        return {"previous": None}
    if known is None:
        n_added, n_removed = diff_files(previous / "kg.nq", staging / "kg.nq",
                                         staging / ADDED_FILE, staging / REMOVED_FILE)
    else:
        n_added = _write(known[0], staging / ADDED_FILE)
        n_removed = _write(known[1], staging / REMOVED_FILE)
    return {"previous": previous.name, "added": n_added, "removed": n_removed}


def _write(lines: Iterable[bytes], path: Path) -> int:
    count = 0
    with open(path, "wb") as out:
        for line in lines:
            out.write(line if line.endswith(b"\n") else line + b"\n")
            count += 1
    return count
