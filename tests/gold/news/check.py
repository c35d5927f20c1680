"""Check the web-news gold (tests/gold/news/*.json) against its texts (tests/news/*.txt).

Standard library only:  python3 tests/gold/news/check.py [-v] [slug ...]

Checks, for every article:
* the gold file exists, parses, has a 2-space indent and the top-level keys
  doc, entities, relations, events, quotes in this order; doc is the file's slug;
* entity keys, types and QIDs; labels are unique; every name occurs, as a whole word,
  in the article body (the non-body lines listed in NON_BODY are left out);
* relation keys and predicates; subjects (and objects of object predicates) are entity
  labels; capacity has a number and a unit; openedOn and holdsOffice take literals;
  no relation is listed twice;
* event keys in order, class and modality from the closed lists, every role that is not
  null (agent, patient, recipient, place, attributed_to) is an entity label, time is an
  ISO date (YYYY, YYYY-MM or YYYY-MM-DD), amount is null or {value, max, unit}, at least
  one of agent/patient/recipient is filled, the trigger occurs (as whole words) in the
  evidence, the evidence lies in the body; no event is listed twice;
* quote keys, speaker is an entity label, the text occurs in the evidence and the
  evidence in the body; "marked" quotes stand between quotation marks, "block" and
  "tweet" quotes begin at the start of a line and end at the end of one; tweets have a
  @handle and an ISO date.
Every evidence string must be an exact substring of the article that does not touch a
non-body line. Exit status 1 when an error is found. -v also lists capitalised body words
that no entity name covers (a review aid, not an error).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TEXTS = ROOT / "tests" / "news"

# 1-based line numbers that are not article body: navigation, bylines and dates, share rows,
# photo credits, "READ ALSO"/"Related" teasers, tags, previous/next stories, newsletter and
# cookie notices, author bios, company boilerplate, comment sections. "N-" runs to the end.
NON_BODY: dict[str, str] = {
    "australia_marsden_park_hospital": "2-5,35-",
    "brazil_santa_rita_supplementary_election": "2-10,16,29,62-",
    "brazil_stf_mining_ruling": "2-3,26-",
    "chad_wfp_ration_cuts": "2-7,29-",
    "chile_maricunga_lithium": "2-5,25-",
    "colombia_la_dorada_bridge": "2-8,28-",
    "ethiopia_burayu_hospital": "2-3,26-",
    "germany_hamburg_port_strike": "2-8,11,23-25,35-",
    "ghana_prestea_pit_collapse": "2-8,18,28,32-",
    "india_gandak_bridge_collapse": "2-4,26-",
    "india_sonbhadra_bypoll": "2-4,17,27-",
    "india_udaipur_stadium": "3-9,11,23,33-",
    "kenya_fuel_levy_protest": "2-14,22,40-",
    "kenya_kisumu_busia_contract": "2-6,8-12,30,40-",
    "mexico_deportation_flights": "2-10,32-",
    "nigeria_fraud_sentencing": "2-8,14,23,39-",
    "nigeria_ogun_commissioners": "2-4,17,31-",
    "philippines_typhoon_dindo": "2-6,20,32-",
    "uganda_refugee_funding": "2-4,20-",
    "uk_channel_crossing_deaths": "2-6,27-",
    "uk_housing_minister_resigns": "2-16,39-",
    "uk_nigeria_returns_pact": "2-10,17,22,33,44-",
    "us_harbor_lumen_acquisition": "3,19-",
    "us_nevada_gig_law_blocked": "2-10,26-",
    "us_treasury_sanctions_network": "2-5,25-",
}

TOP_KEYS = ["doc", "entities", "relations", "events", "quotes"]
ENTITY_KEYS = ["label", "type", "names", "wikidata"]
TYPES = {"Person", "Organization", "Place", "Facility", "Law", "Agreement", "Event", "Product"}
PREDICATES = {
    "proposes", "endorses", "meetsWith", "holdsOffice", "officeIn", "locatedIn", "capacity",
    "openedOn", "withdrewFrom", "criticises", "memberOf", "partyTo",
}
LITERAL_PREDICATES = {"holdsOffice", "capacity", "openedOn"}
EVENT_KEYS = ["class", "agent", "patient", "recipient", "place", "time", "amount", "modality",
              "attributed_to", "trigger", "evidence"]
EVENT_CLASSES = {
    "statement", "meeting", "visit", "agreement", "proposal", "demand", "appeal", "threat",
    "criticism", "endorsement", "denial", "refusal", "arrest", "detention", "deportation",
    "release", "charge", "trial", "sentencing", "court_ruling", "lawsuit", "investigation",
    "election", "appointment", "resignation", "dismissal", "payment", "funding", "contract",
    "purchase", "construction", "opening", "closure", "attack", "protest", "strike", "death",
    "injury", "sanction", "withdrawal", "announcement",
}
MODALITIES = {"asserted", "negated", "possible", "reported"}
ROLES = ["agent", "patient", "recipient", "place", "attributed_to"]
QUOTE_FORMS = {"marked", "block", "tweet"}
OPEN_MARKS = "\"“‘'"
CLOSE_MARKS = "\"”’'"
ISO_DATE = re.compile(r"\d{4}(-\d\d(-\d\d)?)?")


def parse_lines(spec: str, n_lines: int) -> set[int]:
    out: set[int] = set()
    for part in filter(None, (p.strip() for p in spec.split(","))):
        if part.endswith("-"):
            out.update(range(int(part[:-1]), n_lines + 1))
        elif "-" in part:
            a, b = part.split("-")
            out.update(range(int(a), int(b) + 1))
        else:
            out.add(int(part))
    return out


def amount_ok(a: object) -> bool:
    """{"value": number, "max": number or null, "unit": non-empty string}, in this order."""
    if not isinstance(a, dict) or list(a) != ["value", "max", "unit"]:
        return False
    def number(x: object) -> bool:
        return isinstance(x, (int, float)) and not isinstance(x, bool)
    return number(a["value"]) and (a["max"] is None or number(a["max"])) \
        and isinstance(a["unit"], str) and bool(a["unit"])


def word_re(s: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(s) + r"(?!\w)")


class Article:
    def __init__(self, path: Path):
        self.text = path.read_text(encoding="utf-8")
        lines = self.text.split("\n")
        excluded = parse_lines(NON_BODY.get(path.stem, ""), len(lines))
        self.bad: list[tuple[int, int]] = []  # character ranges of non-body lines
        self.good: list[tuple[int, int]] = []
        pos = 0
        for i, line in enumerate(lines, 1):
            (self.bad if i in excluded else self.good).append((pos, pos + len(line)))
            pos += len(line) + 1
        self.body = "\n".join(self.text[a:b] for a, b in self.good)
        self.excluded = excluded

    def in_body(self, s: str) -> bool:
        if not s:
            return False
        k = self.text.find(s)
        while k >= 0:
            if not any(a < k + len(s) and k < b + 1 for a, b in self.bad):
                return True
            k = self.text.find(s, k + 1)
        return False

    def whole_lines(self, s: str) -> bool:
        """s occurs in the body starting at a line start and ending at a line end."""
        k = self.text.find(s)
        while k >= 0:
            end = k + len(s)
            starts = k == 0 or self.text[k - 1] == "\n"
            ends = end == len(self.text) or self.text[end] == "\n"
            if starts and ends and self.in_body(s):
                return True
            k = self.text.find(s, k + 1)
        return False


def check(gold_path: Path, txt: Path, verbose: bool) -> tuple[list[str], str]:
    errors: list[str] = []
    raw = gold_path.read_text(encoding="utf-8")
    try:
        g = json.loads(raw)
    except json.JSONDecodeError as exc:
        return [f"not JSON: {exc}"], ""
    if json.dumps(g, indent=2, ensure_ascii=False) + "\n" != raw:
        errors.append("not formatted as json.dumps(indent=2, ensure_ascii=False) plus newline")
    if list(g) != TOP_KEYS:
        return errors + [f"top-level keys {list(g)}, expected {TOP_KEYS}"], ""
    if g["doc"] != txt.stem:
        errors.append(f"doc {g['doc']!r} is not {txt.stem!r}")
    art = Article(txt)
    if txt.stem not in NON_BODY:
        errors.append("no NON_BODY entry for this article")

    labels: set[str] = set()
    for e in g["entities"]:
        if list(e) != ENTITY_KEYS:
            errors.append(f"entity keys {list(e)}")
            continue
        if e["label"] in labels:
            errors.append(f"duplicate label {e['label']!r}")
        labels.add(e["label"])
        if e["type"] not in TYPES:
            errors.append(f"type {e['type']!r} of {e['label']!r}")
        if e["wikidata"] is not None and not re.fullmatch(r"Q\d+", str(e["wikidata"])):
            errors.append(f"wikidata {e['wikidata']!r}")
        if not e["names"] or len(set(e["names"])) != len(e["names"]):
            errors.append(f"names of {e['label']!r} empty or repeated")
        for n in e["names"]:
            if not word_re(n).search(art.body):
                errors.append(f"name {n!r} of {e['label']!r} not in body")

    seen = set()
    for r in g["relations"]:
        keys = list(r)
        want = ["subject", "predicate", "object"] + (["unit"] if "unit" in r else []) + ["evidence"]
        if keys != want:
            errors.append(f"relation keys {keys}")
            continue
        p, s, o = r["predicate"], r["subject"], r["object"]
        if p not in PREDICATES:
            errors.append(f"predicate {p!r}")
        if s not in labels:
            errors.append(f"relation subject {s!r} is not an entity label")
        if p not in LITERAL_PREDICATES and o not in labels:
            errors.append(f"object {o!r} of {p} is not an entity label")
        if p == "capacity" and (not isinstance(o, (int, float)) or "unit" not in r):
            errors.append(f"capacity needs a number and a unit: {r}")
        if p == "openedOn" and not (isinstance(o, str) and ISO_DATE.fullmatch(o)):
            errors.append(f"openedOn date {o!r}")
        if not art.in_body(r["evidence"]):
            errors.append(f"relation evidence not in body: {r['evidence'][:80]!r}")
        key = (frozenset([s, o]), p) if p == "meetsWith" else (s, p, str(o))
        if key in seen:
            errors.append(f"duplicate relation {s} {p} {o}")
        seen.add(key)

    seen_ev = set()
    for ev in g["events"]:
        if list(ev) != EVENT_KEYS:
            errors.append(f"event keys {list(ev)}")
            continue
        where = f"event {ev['class']} {ev['trigger']!r}"
        if ev["class"] not in EVENT_CLASSES:
            errors.append(f"{where}: class not allowed")
        if ev["modality"] not in MODALITIES:
            errors.append(f"{where}: modality {ev['modality']!r}")
        for role in ROLES:
            if ev[role] is not None and ev[role] not in labels:
                errors.append(f"{where}: {role} {ev[role]!r} is not an entity label")
        if not any(ev[r] for r in ("agent", "patient", "recipient")):
            errors.append(f"{where}: no named agent, patient or recipient")
        if ev["time"] is not None and not (isinstance(ev["time"], str) and ISO_DATE.fullmatch(ev["time"])):
            errors.append(f"{where}: time {ev['time']!r}")
        if ev["amount"] is not None and not amount_ok(ev["amount"]):
            errors.append(f"{where}: amount {ev['amount']!r}")
        if not ev["trigger"] or not word_re(ev["trigger"]).search(ev["evidence"]):
            errors.append(f"{where}: trigger not in its evidence")
        if not art.in_body(ev["evidence"]):
            errors.append(f"{where}: evidence not in body: {ev['evidence'][:80]!r}")
        key = json.dumps(ev, sort_keys=True)
        if key in seen_ev:
            errors.append(f"{where}: listed twice")
        seen_ev.add(key)

    for q in g["quotes"]:
        form = q.get("form")
        want = ["speaker", "text", "evidence", "form"] + (["handle", "date"] if form == "tweet" else [])
        if list(q) != want:
            errors.append(f"quote keys {list(q)}, expected {want}")
            continue
        t, evid = q["text"], q["evidence"]
        where = f"quote {t[:50]!r}"
        if q["speaker"] not in labels:
            errors.append(f"{where}: speaker {q['speaker']!r} is not an entity label")
        if form not in QUOTE_FORMS:
            errors.append(f"{where}: form {form!r}")
        if not art.in_body(evid):
            errors.append(f"{where}: evidence not in body")
        k = evid.find(t)
        if not t or k < 0:
            errors.append(f"{where}: text not in its evidence")
            continue
        if form == "marked":
            before = evid[k - 1] if k > 0 else ""
            after = evid[k + len(t)] if k + len(t) < len(evid) else ""
            if not before or before not in OPEN_MARKS or not after or after not in CLOSE_MARKS:
                errors.append(f"{where}: marked quote not between quotation marks")
        else:
            if not art.whole_lines(t):
                errors.append(f"{where}: {form} quote does not fill whole lines")
        if form == "tweet":
            if not re.fullmatch(r"@\w{1,30}", q["handle"] or "") or q["handle"] not in evid:
                errors.append(f"{where}: handle {q['handle']!r}")
            if not (isinstance(q["date"], str) and ISO_DATE.fullmatch(q["date"])):
                errors.append(f"{where}: date {q['date']!r}")

    summary = (f"{txt.stem}: entities={len(g['entities'])} relations={len(g['relations'])} "
               f"events={len(g['events'])} quotes={len(g['quotes'])}")
    if verbose:
        covered: set[int] = set()
        for e in g["entities"]:
            for n in e["names"]:
                for m in word_re(n).finditer(art.body):
                    covered.update(range(m.start(), m.end()))
        words = {m.group() for m in re.finditer(r"\b[A-Z][\w\-.’']*", art.body)
                 if m.start() not in covered}
        summary += "\n  uncovered capitalised words: " + " ".join(sorted(words))
    return errors, summary


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    only = [a for a in argv if not a.startswith("-")]
    texts = sorted(TEXTS.glob("*.txt"))
    if only:
        texts = [t for t in texts if t.stem in only]
    total = 0
    stray = {p.stem for p in HERE.glob("*.json")} - {t.stem for t in TEXTS.glob("*.txt")}
    for s in sorted(stray):
        print(f"ERROR gold without text: {s}.json")
        total += 1
    for txt in texts:
        gold = HERE / f"{txt.stem}.json"
        if not gold.exists():
            print(f"MISSING {gold.relative_to(ROOT)}")
            total += 1
            continue
        errors, summary = check(gold, txt, verbose)
        if summary:
            print(summary)
        for msg in errors:
            print("  ERROR", msg)
        total += len(errors)
    print(f"articles: {len(texts)}  errors: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
