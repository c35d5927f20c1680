"""The gazetteer: names, aliases, types and external identifiers, never relations or numbers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS

from kg.uris import Kind

GAZETTEER_FILE = Path(__file__).parent / "data" / "gazetteer.ttl"
_PLACEHOLDER_BASE = "http://gazetteer.invalid/"

#: Which spaCy label a gazetteer class maps to, so the EntityRuler speaks NER's language.
NER_LABELS = {
    "http://schema.org/Person": "PERSON",
    "http://schema.org/Country": "GPE",
    "http://schema.org/Place": "LOC",
    "http://schema.org/Organization": "ORG",
    "http://schema.org/GovernmentOrganization": "ORG",
    "http://schema.org/Legislation": "LAW",
    "http://schema.org/Event": "EVENT",
    "ontology#Prison": "FAC",
    "ontology#Facility": "FAC",
    "http://schema.org/GovernmentBuilding": "FAC",
    "ontology#CriminalGroup": "ORG",
    "ontology#Agreement": "LAW",
}


@dataclass(frozen=True)
class GazetteerEntry:
    slug: str
    label: str
    aliases: tuple[str, ...]
    types: tuple[str, ...]  # absolute IRIs, or "ontology#X" for our own classes
    same_as: tuple[str, ...]
    languages: tuple[tuple[str, str], ...] = ()  # (name, BCP 47 tag) for names not in English
    hidden: tuple[str, ...] = ()  # demonyms: recognised before a title, never shown as labels

    @property
    def ner_label(self) -> str:
        return next((NER_LABELS[t] for t in self.types if t in NER_LABELS), "ORG")

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@lru_cache(maxsize=4)
def load_gazetteer(path: Path = GAZETTEER_FILE) -> tuple[GazetteerEntry, ...]:
    graph = Graph()
    graph.parse(path, format="turtle", publicID=_PLACEHOLDER_BASE)
    entries = []
    subjects = set(graph.subjects(SKOS.prefLabel, None))
    iris = sorted(s for s in subjects if isinstance(s, URIRef))
    if len(iris) != len(subjects):  # a blank node has no slug to mint a resource from
        raise ValueError(f"gazetteer {path.name}: every entry must be named by an IRI")
    for subject in iris:
        slug = str(subject).removeprefix(Kind.RESOURCE.namespace(_PLACEHOLDER_BASE))
        labels = [str(v) for v in graph.objects(subject, SKOS.prefLabel)]
        if len(labels) != 1:
            raise ValueError(f"gazetteer {path.name}: {slug} needs exactly one skos:prefLabel")
        entries.append(
            GazetteerEntry(
                slug=slug,
                label=labels[0],
                aliases=tuple(sorted(str(v) for v in graph.objects(subject, SKOS.altLabel))),
                types=tuple(sorted(_relative(t) for t in graph.objects(subject, RDF.type))),
                same_as=tuple(sorted(str(v) for v in graph.objects(subject, OWL.sameAs))),
                hidden=tuple(sorted(str(v) for v in graph.objects(subject, SKOS.hiddenLabel))),
                languages=tuple(sorted(
                    (str(v), v.language) for v in graph.objects(subject, SKOS.altLabel)
                    if isinstance(v, Literal) and v.language and v.language != "en"
                )),
            )
        )
    return tuple(entries)


def _relative(term: object) -> str:
    text = str(term)
    return text.removeprefix(_PLACEHOLDER_BASE) if isinstance(term, URIRef) else text
