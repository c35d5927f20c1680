"""`kg eval`: precision, recall and F1 of entities, relations, quotes and events against
hand-made gold.

Gold files (tests/gold/<doc_id>.json) list entities with every name the article uses,
relations (subject, predicate, object) and quotations with their speaker; the web-news gold
also lists events. A predicted entity matches a gold one when any of its names in that article
is one of the gold entity's names. Events are scored role-complete: an event counts when its
class, agent and patient are those of a gold event of the article, compared as sets of
(class, agent, patient) per article, since the gold lists each real-world event once however
often the article repeats it. Events are scored only where the gold has them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.model import DateValue, Entity, Extraction, Mention, Quantity
from kg.resolve import Resolution, event_mentions, normalise

#: The gold's coarse types for the classes the pipeline assigns.
COARSE_TYPES = {
    "http://schema.org/Person": "Person",
    "http://schema.org/Organization": "Organization",
    "http://schema.org/GovernmentOrganization": "Organization",
    "ontology#CriminalGroup": "Organization",
    "http://schema.org/Country": "Place",
    "http://schema.org/AdministrativeArea": "Place",
    "http://schema.org/Place": "Place",
    "ontology#Prison": "Facility",
    "ontology#Facility": "Facility",
    "http://schema.org/GovernmentBuilding": "Facility",
    "http://schema.org/Legislation": "Law",
    "ontology#Agreement": "Agreement",
    "http://schema.org/Event": "Event",
}
TARGETS = {"entities": ("f1", 0.90), "relations": ("precision", 0.90),
           "relations recall": ("recall", 0.60), "quotes": ("precision", 0.95),
           "events": ("precision", 0.90), "events recall": ("recall", 0.60)}
INVERSES = {"withdrawnBy": "withdrewFrom"}
GOLD_PREDICATES = frozenset({"proposes", "endorses", "meetsWith", "holdsOffice", "officeIn",
                             "locatedIn", "capacity", "openedOn", "withdrewFrom", "criticises",
                             "memberOf", "partyTo"})


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.errors += other.errors


def _norm_text(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold().replace("’", "'")).strip()


class DocMatcher:
    """Matches one article's predicted entities to its gold entities by shared names."""

    def __init__(self, gold: dict, ex: Extraction, res: Resolution) -> None:
        self.gold = gold
        self.names: dict[str, set[str]] = {}  # predicted key -> normalised names in this doc
        self.predicted: dict[str, Entity] = {}
        for mention in _doc_mentions(ex):
            key = res.key(mention)
            if key is None:
                continue
            self.predicted[key] = res.entities[key]
            self.names.setdefault(key, set()).add(normalise(mention.text))
        for key, entity in self.predicted.items():
            self.names[key].add(normalise(entity.label))
        self.gold_names = {
            g["label"]: {normalise(n) for n in [g["label"], *g["names"]]} for g in gold["entities"]
        }
        self.match: dict[str, str] = {}  # predicted key -> gold label
        for key in sorted(self.predicted, key=lambda k: -len(self.names[k])):
            for label, names in self.gold_names.items():
                if label not in self.match.values() and self.names[key] & names:
                    self.match[key] = label
                    break

    def gold_of(self, key: str | None) -> str | None:
        return self.match.get(key) if key else None


def _doc_mentions(ex: Extraction) -> Iterable[Mention]:
    """Maximal names only: 'Biden' inside 'the Biden administration' is not scored apart."""
    yield from (m for m in ex.mentions if m.source != "name-part")
    for rel in ex.relations:
        for end in (rel.subject, rel.obj):
            if isinstance(end, Mention) and end.source != "name-part":
                yield end
    yield from (m for m in event_mentions(ex) if m.source in ("deal-noun", "description"))


def score_entities(m: DocMatcher, typed: bool = True) -> Score:
    score = Score()
    gold_types = {g["label"]: g["type"] for g in m.gold["entities"]}
    for key, entity in m.predicted.items():
        label = m.match.get(key)
        coarse = {COARSE_TYPES.get(t, "?") for t in entity.types}
        if label is not None and (not typed or gold_types[label] in coarse
                                  or gold_types[label] in ("Facility", "Place")
                                  and coarse & {"Facility", "Place"}):
            score.tp += 1
        else:
            score.fp += 1
            score.errors.append(f"entity FP: {entity.label} {sorted(coarse)}"
                                + (f" (gold {label}: {gold_types[label]})" if label else ""))
    matched = set(m.match.values())
    for g in m.gold["entities"]:
        if g["label"] not in matched:
            score.fn += 1
            score.errors.append(f"entity FN: {g['label']} ({g['type']})")
    return score


def _object_value(obj: object, m: DocMatcher, res: Resolution) -> str | None:
    if isinstance(obj, Mention):
        return m.gold_of(res.key(obj))
    if isinstance(obj, Quantity):
        return str(obj.value)
    if isinstance(obj, DateValue):
        return obj.lexical
    return _norm_text(str(obj))


def score_relations(m: DocMatcher, ex: Extraction, res: Resolution) -> Score:
    score = Score()
    gold: set[tuple[str, ...]] = set()  # (subject, predicate, object), or sorted pair + meetsWith
    for r in m.gold["relations"]:
        gold_object = r["object"]
        value = str(gold_object) if isinstance(gold_object, int | float) else gold_object
        if r["predicate"] == "holdsOffice":
            value = _norm_text(value)
        triple: tuple[str, ...] = (r["subject"], r["predicate"], value)
        if r["predicate"] == "meetsWith":
            triple = (*sorted((r["subject"], value)), "meetsWith")
        gold.add(triple)
    predicted: set[tuple[str, ...]] = set()
    for rel in ex.relations:
        predicate = INVERSES.get(rel.predicate, rel.predicate)
        if predicate not in GOLD_PREDICATES:
            continue  # the gold does not annotate it (e.g. ledBy), so it cannot be scored
        subject: Mention | Quantity | DateValue | str = rel.subject
        obj: Mention | Quantity | DateValue | str = rel.obj
        if predicate != rel.predicate:
            subject, obj = obj, subject
        s = m.gold_of(res.key(subject)) if isinstance(subject, Mention) else None
        o = _object_value(obj, m, res)
        entity = res.entity(subject) if isinstance(subject, Mention) else None
        s_text = s or (entity.label if entity is not None else "?")
        triple = (s_text, predicate, o if o is not None else f"?{_describe(obj, res)}")
        if predicate == "meetsWith":
            triple = (*sorted((triple[0], triple[2])), "meetsWith")
        predicted.add(triple)
    return _compared(score, predicted, gold, "relation")


def _describe(obj: object, res: Resolution) -> str:
    if isinstance(obj, Mention):
        entity = res.entity(obj)
        return entity.label if entity else obj.text
    return str(obj)


def score_quotes(m: DocMatcher, ex: Extraction, res: Resolution) -> Score:
    score = Score()
    gold = [(q["speaker"], _norm_text(q["text"])) for q in m.gold["quotes"]]
    found: set[int] = set()
    for quote in ex.quotes:
        speaker = m.gold_of(res.key(quote.speaker))
        text = _norm_text(quote.text)
        hit = next((i for i, (s, t) in enumerate(gold) if i not in found and s == speaker
                    and (t == text or (min(len(t), len(text)) > 10 and (t in text or text in t)))),
                   None)
        if hit is None:
            score.fp += 1
            who = res.entity(quote.speaker)
            score.errors.append(f"quote FP: {who.label if who else '?'}: {quote.text[:70]}")
        else:
            found.add(hit)
            score.tp += 1
    for i, (speaker, text) in enumerate(gold):
        if i not in found:
            score.fn += 1
            score.errors.append(f"quote FN: {speaker}: {text[:70]}")
    return score


def score_events(m: DocMatcher, ex: Extraction, res: Resolution) -> Score:
    """Role-complete events: (class, agent, patient) sets of the article, roles as gold labels
    (a predicted participant that matches no gold entity cannot match). Only the events the
    graph publishes are scored: those with a participant that resolution made a resource."""
    score = Score()
    gold = {(e["class"], e["agent"], e["patient"]) for e in m.gold.get("events", [])}

    def role(mention: Mention | None) -> str | None:
        if mention is None:
            return None
        found = m.gold_of(res.key(mention))
        if found is not None:
            return found
        entity = res.entity(mention)
        return f"?{entity.label if entity else mention.text}"

    published = [e for e in ex.events if any(  # as kg.rdf: no resolved participant, no event
        p is not None and res.entity(p) is not None for p in (e.agent, e.patient, e.recipient))]
    predicted = {(e.event_class, role(e.agent), role(e.patient)) for e in published}
    where: dict[tuple, str] = {}  # what each tuple came from, so an error can be traced
    for e in m.gold.get("events", []):
        where.setdefault((e["class"], e["agent"], e["patient"]),
                         f"{e['trigger']!r} in {e['evidence'][:110]!r}")
    for ev in published:
        where.setdefault((ev.event_class, role(ev.agent), role(ev.patient)),
                         f"{ev.trigger!r} in {ev.sentence.text[:110]!r}")
    return _compared(score, predicted, gold, "event", where)


@dataclass
class Evaluation:
    scores: dict[str, Score]

    def meets_targets(self) -> dict[str, bool]:
        result = {}
        for name, (metric, target) in TARGETS.items():
            if name.split()[0] not in self.scores:
                continue
            score = self.scores[name.split()[0]]
            result[f"{name.split()[0]} {metric} >= {target}"] = getattr(score, metric) >= target
        return result

    def table(self) -> str:
        lines = [f"{'kind':<12}{'precision':>10}{'recall':>10}{'F1':>8}{'TP':>6}{'FP':>6}{'FN':>6}"]
        for name, s in self.scores.items():
            lines.append(f"{name:<12}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>8.3f}"
                         f"{s.tp:>6}{s.fp:>6}{s.fn:>6}")
        lines.append("")
        for target, ok in self.meets_targets().items():
            lines.append(f"{'met ' if ok else 'MISSED'} {target}")
        return "\n".join(lines)


def evaluate(extractions: list[Extraction], res: Resolution, gold_dir: Path) -> Evaluation:
    scores = {"entities": Score(), "relations": Score(), "quotes": Score()}
    for ex in extractions:
        path = gold_dir / f"{ex.article.doc_id}.json"
        if not path.is_file():
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        matcher = DocMatcher(gold, ex, res)
        kinds = [("entities", score_entities(matcher)),
                 ("relations", score_relations(matcher, ex, res)),
                 ("quotes", score_quotes(matcher, ex, res))]
        if "events" in gold:
            kinds.append(("events", score_events(matcher, ex, res)))
        for name, score in kinds:
            scores.setdefault(name, Score())
            score.errors = [f"[{ex.article.doc_id[:12]}] {e}" for e in score.errors]
            scores[name].add(score)
    return Evaluation(scores)


def _compared(score: Score, predicted: set, gold: set, kind: str,
              where: dict[tuple, str] | None = None) -> Score:
    """``score`` with the set comparison of predicted and gold tuples, errors named by kind
    and followed by where each tuple came from when ``where`` says."""
    score.tp = len(predicted & gold)
    score.fp = len(predicted - gold)
    score.fn = len(gold - predicted)

    def note(t: tuple) -> str:
        return f"  <- {where[t]}" if where and t in where else ""

    score.errors += [f"{kind} FP: {t}{note(t)}" for t in sorted(predicted - gold, key=str)]
    score.errors += [f"{kind} FN: {t}{note(t)}" for t in sorted(gold - predicted, key=str)]
    return score
