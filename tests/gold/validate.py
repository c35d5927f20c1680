"""Validate the hand-annotated gold (tests/gold/*.json, tests/gold/unseen/*.json) against its texts.

Checks: each file parses with ``python -m json.tool``; keys, entity types and predicates are
the allowed ones; every relation subject (and object, for object predicates) and every quote
speaker is an entity label of the same file; every entity name, evidence string and quote text
occurs in the article body (the non-article lines listed in EXCLUDED_LINES are left out);
quote text is delimited by quotation marks inside its evidence; no relation is listed twice.

Usage: .venv/bin/python tests/gold/validate.py [-v]
  -v  also list capitalised body words that no entity name covers (a review aid).
Exit status is 1 when an error is found.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PREDICATES = {
    "proposes",
    "endorses",
    "meetsWith",
    "holdsOffice",
    "officeIn",
    "locatedIn",
    "capacity",
    "openedOn",
    "withdrewFrom",
    "criticises",
    "memberOf",
    "partyTo",
}
LITERAL_PREDICATES = {"holdsOffice", "capacity", "openedOn"}
TYPES = {"Person", "Organization", "Place", "Facility", "Law", "Agreement", "Event"}
# 1-based line numbers of each text that are not article body (ads, newsletter blurbs,
# image credits, bylines/bios, reference lists, "Exit mobile version", reader comments).
EXCLUDED_LINES: dict[str, set[int]] = {
    "seeds/000_3be0607154234d26.txt": {7, *range(10, 200)},
    "seeds/001_8eaeedee96198040.txt": {7, 17, 27, 61},
    "seeds/002_e298045eb72572b8.txt": set(range(54, 400)),
    "seeds/003_4cedd2dc87380182.txt": set(range(31, 200)),
    "seeds/004_36b9f5fa8d44d36f.txt": set(range(18, 400)),
    "tests/articles/manitoba_power_pact.txt": {6, 12, 14, 20, 30},
}
OPEN_MARKS, CLOSE_MARKS = '"“', '"”['


def pairs() -> list[tuple[Path, Path]]:
    out = [
        (ROOT / "tests/gold" / f"{p.stem}.json", p) for p in sorted((ROOT / "seeds").glob("*.txt"))
    ]
    out += [
        (ROOT / "tests/gold/unseen" / f"{p.stem}.json", p)
        for p in sorted((ROOT / "tests/articles").glob("*.txt"))
    ]
    return out


def word_re(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")


def check(gold: Path, txt: Path, verbose: bool) -> list[str]:
    errors: list[str] = []
    proc = subprocess.run([sys.executable, "-m", "json.tool", str(gold)], capture_output=True)
    if proc.returncode:
        return [f"json.tool: {proc.stderr.decode().strip()}"]
    g = json.loads(gold.read_text(encoding="utf-8"))
    if list(g) != ["doc", "entities", "relations", "quotes"]:
        errors.append(f"top-level keys {list(g)}")
    if g["doc"] != txt.stem:
        errors.append(f"doc id {g['doc']!r}")

    text = txt.read_text(encoding="utf-8")
    excluded = EXCLUDED_LINES.get(str(txt.relative_to(ROOT)), set())
    spans, pos = [], 0
    for i, line in enumerate(text.split("\n"), 1):
        if i not in excluded:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    body = "\n".join(text[a:b] for a, b in spans)

    def in_body(s: str) -> bool:
        k = text.find(s)
        while k >= 0:
            if any(a <= k and k + len(s) <= b for a, b in spans):
                return True
            k = text.find(s, k + 1)
        return False

    labels: set[str] = set()
    for e in g["entities"]:
        if list(e) != ["label", "type", "names", "wikidata"]:
            errors.append(f"entity keys {list(e)}")
        if e["label"] in labels:
            errors.append(f"duplicate label {e['label']!r}")
        labels.add(e["label"])
        if e["type"] not in TYPES:
            errors.append(f"type {e['type']!r} of {e['label']!r}")
        if e["wikidata"] is not None and not re.fullmatch(r"Q\d+", e["wikidata"]):
            errors.append(f"wikidata {e['wikidata']!r}")
        if not e["names"]:
            errors.append(f"no names for {e['label']!r}")
        for n in e["names"]:
            if not word_re(n).search(body):
                errors.append(f"name {n!r} of {e['label']!r} not in body")

    seen = set()
    for r in g["relations"]:
        p, s, o = r["predicate"], r["subject"], r["object"]
        if p not in PREDICATES:
            errors.append(f"predicate {p!r}")
        if s not in labels:
            errors.append(f"subject {s!r} is not an entity label")
        if p not in LITERAL_PREDICATES and o not in labels:
            errors.append(f"object {o!r} of {p} is not an entity label")
        if p == "capacity" and (not isinstance(o, (int, float)) or "unit" not in r):
            errors.append(f"capacity needs a number and a unit: {r}")
        if p == "openedOn" and not re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", o):
            errors.append(f"openedOn date {o!r}")
        if not in_body(r["evidence"]):
            errors.append(f"evidence not in body: {r['evidence'][:80]!r}")
        key = (frozenset([s, o]), p) if p == "meetsWith" else (s, p, str(o))
        if key in seen:
            errors.append(f"duplicate relation {s} {p} {o}")
        seen.add(key)

    for q in g["quotes"]:
        if q["speaker"] not in labels:
            errors.append(f"speaker {q['speaker']!r} is not an entity label")
        if not in_body(q["evidence"]):
            errors.append(f"quote evidence not in body: {q['evidence'][:80]!r}")
        ev, t = q["evidence"], q["text"]
        k = ev.find(t)
        if k < 0:
            errors.append(f"quote text not in its evidence: {t[:60]!r}")
            continue
        before = ev[k - 1] if k > 0 else ""
        after = ev[k + len(t)] if k + len(t) < len(ev) else ""
        if not before or before not in OPEN_MARKS or not after or after not in CLOSE_MARKS:
            errors.append(f"quote text not delimited by quotation marks: {t[:60]!r}")

    n_e, n_r, n_q = len(g["entities"]), len(g["relations"]), len(g["quotes"])
    print(f"{gold.name}: entities={n_e} relations={n_r} quotes={n_q}")
    if verbose:
        covered: set[int] = set()
        for e in g["entities"]:
            for n in e["names"]:
                for m in word_re(n).finditer(body):
                    covered.update(range(m.start(), m.end()))
        caps = re.finditer(r"\b[A-Z][\w\-.’']*", body)
        words = {m.group() for m in caps if m.start() not in covered}
        print("  uncovered capitalised words:", " ".join(sorted(words)))
    return errors


def main() -> int:
    verbose = "-v" in sys.argv[1:]
    total = 0
    for gold, txt in pairs():
        if not gold.exists():
            print(f"MISSING {gold.relative_to(ROOT)}")
            total += 1
            continue
        for msg in check(gold, txt, verbose):
            print("  ERROR", msg)
            total += 1
    print(f"errors: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
