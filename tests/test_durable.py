"""A real release is written to disk in the order a power cut cannot break: every file, then
its folders, then the rename of the staging folder and its parent, then the link and its
folder. ``os.fsync``, ``os.rename`` and ``os.replace`` are watched (the standard library's, each
still doing its work), nothing of ours is replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from rdflib import Dataset, Graph

from kg.release.publish import publish

TRIG = """
@prefix ex: <http://example.org/> .
ex:a ex:name "A" .
<http://example.org/graph/one> { ex:b ex:name "B" ; ex:age 41 . }
"""


def test_every_release_file_and_folder_is_synced_before_the_rename_and_the_link(
    tmp_path: Path, monkeypatch
):
    events: list[tuple[str, str, str]] = []  # (what, path, kind)
    real_fsync, real_rename, real_replace = os.fsync, os.rename, os.replace

    def fsync(fd: int) -> None:
        path = os.readlink(f"/proc/self/fd/{fd}")
        kind = "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        events.append(("fsync", path, kind))
        real_fsync(fd)

    def rename(src, dst, *args, **kwargs) -> None:
        events.append(("rename", str(src), str(dst)))
        real_rename(src, dst, *args, **kwargs)

    def replace(src, dst, *args, **kwargs) -> None:
        events.append(("replace", str(src), str(dst)))
        real_replace(src, dst, *args, **kwargs)

    dataset = Dataset()
    dataset.parse(data=TRIG, format="trig")
    dist = tmp_path / "dist"
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "replace", replace)
    publication = publish(dataset, dist, base_uri="http://example.org/", void=Graph(),
                          report=Graph(), ontology=Graph(), shapes=Graph())
    monkeypatch.undo()

    final = publication.root.resolve()
    (renamed,) = [i for i, e in enumerate(events) if e[0] == "rename" and Path(e[2]) == final]
    staging = Path(events[renamed][1]).resolve()
    (linked,) = [i for i, e in enumerate(events) if e[0] == "replace" and Path(e[2]) == dist]
    synced = {(Path(path), kind): i for i, (what, path, kind) in enumerate(events)
              if what == "fsync"}

    def at(path: Path, kind: str) -> int:
        assert (path, kind) in synced, f"{path} ({kind}) was never synced"
        return synced[(path, kind)]

    files = [p for p in final.rglob("*") if p.is_file() and not p.is_symlink()]
    folders = [final, *(p for p in final.rglob("*") if p.is_dir())]
    assert len(files) > 10  # dumps, gzip copies, Turtle files, the store, the manifest
    for path in files:  # each file before its folder, and before the rename
        where = staging / path.relative_to(final)
        assert at(where, "file") < at(where.parent, "dir") < renamed
    for folder in folders:
        assert at(staging / folder.relative_to(final), "dir") < renamed
    releases = final.parent.resolve()
    assert renamed < at(releases, "dir") < linked  # the rename is durable before the link moves
    link_folder = dist.parent.resolve()
    after = [i for i, e in enumerate(events) if e == ("fsync", str(link_folder), "dir")]
    assert any(i < linked for i in after) and any(i > linked for i in after)
    assert os.readlink(dist) == os.path.relpath(final, dist.parent)
