"""Bisection in sorted files (kg.release.incremental.SortedLines), which VoID's counts and the
store's default graph use to look up the few lines a release changed: against plain set
membership on random sorted files, and at the edges (first and last line, no final newline,
a line that is a prefix of the next, an empty file)."""

from __future__ import annotations

import random
from pathlib import Path

from kg.release.incremental import SortedLines


def test_lookups_agree_with_set_membership(tmp_path: Path):
    rng = random.Random(7)
    universe = sorted({f"<http://e/{rng.randint(0, 500)}> <http://e/p{rng.randint(0, 3)}> "
                       f"\"{rng.randint(0, 9)}\" .".encode() for _ in range(800)})
    for round_ in range(30):
        lines = sorted(set(rng.sample(universe, rng.randint(0, len(universe)))))
        path = tmp_path / f"{round_}.nt"
        path.write_bytes(b"".join(line + b"\n" for line in lines)
                         if round_ % 2 else b"\n".join(lines))  # odd: no final newline
        held = set(lines)
        subjects = {line.split(b" ")[0] for line in lines}
        with SortedLines(path) as sorted_lines:
            for line in universe:
                assert (line in sorted_lines) == (line in held)
                assert (line + b"\n" in sorted_lines) == (line in held)
                subject = line.split(b" ")[0] + b" "
                assert sorted_lines.has_prefix(subject) == (subject[:-1] in subjects)


def test_edges(tmp_path: Path):
    path = tmp_path / "a.nt"
    path.write_bytes(b"<a> <p> <o> .\n<a> <p> <o> .x\n<b> <p> <o> .\n")
    with SortedLines(path) as lines:
        assert b"<a> <p> <o> ." in lines and b"<a> <p> <o> .x" in lines
        assert b"<b> <p> <o> .\n" in lines and b"<c> <p> <o> ." not in lines
        assert b"<a> <p> <o>" not in lines and b"" not in lines
        assert lines.has_prefix(b"<a> ") and lines.has_prefix(b"<b> ")
        assert not lines.has_prefix(b"<c> ") and not lines.has_prefix(b"<0> ")
    path.write_bytes(b"")
    with SortedLines(path) as lines:
        assert b"<a> <p> <o> ." not in lines and not lines.has_prefix(b"<a> ")
