"""A release reaches the disk before it is published, so a power cut cannot publish half of it.

A rename is atomic for running processes, but after a power cut the file system may keep the
rename and lose data written just before it: the link would then point at a release whose
files are empty or cut short. The order that rules this out is the one ``publish_parts``
follows: every file of the release, then each of its folders (their entries), then the rename
of the staging folder and its parent folder, then the new link and its folder.
"""

from __future__ import annotations

import os
from pathlib import Path


def sync_dir(path: Path) -> None:
    """Make ``path``'s entries (files created, renamed or removed in it) durable."""
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def sync_file(path: Path) -> None:
    """Make ``path``'s contents durable."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def sync_tree(root: Path) -> int:
    """Every regular file under ``root``, then every folder, deepest first and ``root`` last.
    Symbolic links are not followed. Returns the number of files synced."""
    files = 0
    for folder, _dirs, names in os.walk(root, topdown=False):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                try:
                    sync_file(path)
                except FileNotFoundError:  # removed since it was listed: its folder's sync
                    continue  # below makes the removal durable, and nothing is left to sync
                files += 1
        sync_dir(Path(folder))
    return files
