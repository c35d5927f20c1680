"""RDF: the resolved extraction as an rdflib Dataset against our ontology.

Entities, articles and extractors live in the default graph; what each article says lives in
that article's named graph (``graph/<doc_id>``): NIF sentences and mentions, the facts as plain
triples, and for every fact a kg:Assertion naming its sentence, extractor and confidence.
All nodes get IRIs derived from their content (no blank nodes), so dumps are reproducible.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from rdflib import XSD, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from kg import __version__
from kg.corpus import references
from kg.gazetteer import GazetteerEntry
from kg.model import (
    DateValue,
    Entity,
    Event,
    Extraction,
    Mention,
    Quantity,
    Relation,
    Sentence,
)
from kg.resolve import Resolution
from kg.uris import Kind, Minter
from kg.vocab import ITSRDF, NIF, SCHEMA, kg_namespace, prefixes

#: The ontology's concept for each quote form the quote finder gives (kg.nlp.quotes).
QUOTE_FORMS = {"marked": "MarkedQuote", "colon": "ColonQuote",
               "multi-paragraph": "MultiParagraphQuote", "block": "BlockQuote",
               "tweet": "EmbeddedPost"}
#: Fact properties whose object is a language-tagged string rather than a resource.
TEXT_PROPERTIES = frozenset({"holdsOffice"})


def _number(value: int | float) -> Literal:
    return Literal(value, datatype=XSD.integer) if isinstance(value, int) else \
        Literal(Decimal(str(value)), datatype=XSD.decimal)


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def _type_iri(minter: Minter, type_: str) -> URIRef:
    return URIRef(minter.base + type_) if type_.startswith("ontology#") else URIRef(type_)


class Sink(Protocol):
    """What the builder writes to: an rdflib graph, or only its N-Triples lines."""

    def add(self, triple: tuple[Node, Node, Node], /) -> object: ...


class Lines:
    """A graph that is only ever added to, kept as the set of its N-Triples lines, written as
    rdflib's N-Triples serialiser writes them. An article's unit is built once and written
    out at once, so rdflib's indexed store (about a fifth of the build's time at 1,000
    articles, in its three indexes and add events) buys nothing there."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        self.lines: set[str] = set()

    def add(self, triple: tuple[Node, Node, Node], /) -> None:
        s, p, o = triple
        self.lines.add(f"{s.n3()} {p.n3()} {_nt_object(o)} .\n")

    def text(self) -> bytes:
        return "".join(sorted(self.lines)).encode("utf-8")


def _nt_object(term: Node) -> str:
    """An object as rdflib's N-Triples serialiser writes it (``_quoteLiteral``, which differs
    from ``Literal.n3``: no shorthand for numbers and booleans)."""
    if not isinstance(term, Literal):
        return term.n3()
    text = '"' + str(term).replace("\\", "\\\\").replace("\n", "\\n").replace(
        '"', '\\"').replace("\r", "\\r") + '"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


class GraphBuilder:
    """Builds one Dataset (the whole graph, the entity layer, or one article's unit), holding
    the minter and vocabulary; ``graph``, ``article_iri`` and ``doc_id`` name the article being
    added. With ``lines=True`` it keeps only N-Triples lines (``Lines``): see ``unit_lines``."""

    def __init__(self, base_uri: str, gazetteer: tuple[GazetteerEntry, ...] = (),
                 lines: bool = False) -> None:
        self.minter = Minter(base_uri)
        self.kg = kg_namespace(base_uri)
        self.ds = Dataset()
        self.lines = lines
        self.default: Sink = Lines() if lines else self.ds.default_graph
        self.named: dict[URIRef, Lines] = {}
        self.graph: Sink = self.default
        self.article_iri = URIRef(base_uri)
        self.doc_id = ""
        self.languages = {name: lang for e in gazetteer for name, lang in e.languages}
        for prefix, ns in prefixes(base_uri).items():
            self.ds.bind(prefix, ns, override=True, replace=True)

    # ------------------------------------------------------------ entry point

    def build(self, extractions: list[Extraction], res: Resolution) -> Dataset:
        for entity in sorted(res.entities.values(), key=lambda e: e.slug):
            self.add_entity(entity)
        for ex in extractions:
            self.add_article(ex, res)
        return self.ds

    # ------------------------------------------------------------ default graph

    def entity_iri(self, entity: Entity) -> URIRef:
        return self.minter.resource(entity.slug)

    def add_entity(self, entity: Entity) -> None:
        g, iri = self.default, self.entity_iri(entity)
        g.add((iri, RDF.type, self.kg.Entity))
        for type_ in entity.types:
            g.add((iri, RDF.type, _type_iri(self.minter, type_)))
        g.add((iri, RDFS.label, Literal(entity.label, lang="en")))
        g.add((iri, SKOS.prefLabel, Literal(entity.label, lang="en")))
        for alias in sorted(entity.aliases):
            g.add((iri, SKOS.altLabel, Literal(alias, lang=self.languages.get(alias, "en"))))
        for same in entity.same_as:
            g.add((iri, OWL.sameAs, URIRef(same)))
        for prop, code in sorted(entity.identifiers.items()):
            g.add((iri, URIRef(prop), Literal(code)))

    def extractor(self, name: str) -> URIRef:
        iri = self.minter.extractor(re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-"))
        self.default.add((iri, RDF.type, self.kg.Extractor))
        self.default.add((iri, RDFS.label, Literal(f"newskg {name}", lang="en")))
        self.default.add((iri, SCHEMA.softwareVersion, Literal(__version__)))
        return iri

    def add_article(self, ex: Extraction, res: Resolution) -> None:
        article = ex.article
        art = self.minter.article(article.doc_id)
        g = self.default
        g.add((art, RDF.type, self.kg.Article))
        g.add((art, RDF.type, SCHEMA.NewsArticle))
        g.add((art, RDF.type, NIF.Context))  # explicit, for NIF tools that do not reason
        g.add((art, DCTERMS.identifier, Literal(article.doc_id)))
        if article.title:
            g.add((art, DCTERMS.title, Literal(article.title, lang="en")))
        for key, prop in (("author", DCTERMS.creator), ("publisher", DCTERMS.publisher)):
            for value in article.metadata.get(key, []):
                g.add((art, prop, Literal(value)))
        for value in article.metadata.get("url", []):
            g.add((art, SCHEMA.url, URIRef(value)))
        for value in article.metadata.get("datePublished", []):
            g.add((art, DCTERMS.issued, Literal(value, datatype=XSD.date)))
        g.add((art, DCTERMS.source, Literal(Path(article.path).name)))
        g.add((art, NIF.beginIndex, Literal(0, datatype=XSD.nonNegativeInteger)))
        g.add((art, NIF.endIndex, Literal(len(article.text), datatype=XSD.nonNegativeInteger)))
        for url in references(article):
            g.add((art, DCTERMS.references, URIRef(url)))
        for block in article.excluded():
            if block.kind == "author-bio":
                g.add((art, self.kg.authorBio,
                       Literal(article.text[block.start : block.end], lang="en")))
        for kind in sorted({b.kind for b in article.excluded()}):
            g.add((art, self.kg.excludedBlock, Literal(kind)))

        graph_iri = self.minter.graph(article.doc_id)
        g.add((graph_iri, RDF.type, PROV.Bundle))
        g.add((graph_iri, PROV.wasDerivedFrom, art))
        g.add((graph_iri, PROV.wasAttributedTo, self.extractor(f"pipeline@{__version__}")))
        if self.lines:
            self.graph = self.named.setdefault(graph_iri, Lines())
        else:
            self.graph = self.ds.graph(graph_iri)
        self.article_iri = art
        self.doc_id = article.doc_id
        for sentence in ex.sentences:
            self.add_sentence(sentence)
        for mention in ex.mentions:
            self.add_mention(mention, res)
        for quantity, sentence in ex.quantities:
            self.quantity_node(quantity, sentence)
        for relation in ex.relations:
            self.add_relation(relation, res)
        for event in ex.events:
            self.add_news_event(event, res)
        for quote in ex.quotes:
            speaker = res.entity(quote.speaker)
            if speaker is None:
                continue
            node = self.minter.node(Kind.QUOTATION, _hash(self.doc_id, quote.start, quote.end))
            self.graph.add((node, RDF.type, self.kg.Quotation))
            self.graph.add((node, SCHEMA.text, Literal(quote.text, lang="en")))
            self.graph.add((node, self.kg.speaker, self.entity_iri(speaker)))
            self.graph.add((node, self.kg.quoteForm, self.kg[QUOTE_FORMS[quote.form]]))
            if quote.handle:
                self.graph.add((node, self.kg.handle, Literal(quote.handle)))
            if quote.date is not None:
                self.graph.add((node, SCHEMA.datePublished,
                                Literal(quote.date.lexical, datatype=XSD[quote.date.datatype])))
            self._provenance(node, quote.sentence, quote.extractor, quote.confidence,
                             quote.start, quote.end)

    # ------------------------------------------------------------ article graph

    def sentence_iri(self, sentence: Sentence) -> URIRef:
        return self.minter.span(sentence.doc_id, sentence.start, sentence.end)

    def add_sentence(self, sentence: Sentence) -> None:
        iri, g = self.sentence_iri(sentence), self.graph
        g.add((iri, RDF.type, NIF.Sentence))
        g.add((iri, NIF.anchorOf, Literal(sentence.text)))
        self._offsets(iri, sentence.start, sentence.end)
        g.add((iri, NIF.referenceContext, self.article_iri))
        g.add((iri, self.kg.bodyText, Literal(sentence.kind == "body")))

    def _offsets(self, iri: URIRef, start: int, end: int) -> None:
        self.graph.add((iri, NIF.beginIndex, Literal(start, datatype=XSD.nonNegativeInteger)))
        self.graph.add((iri, NIF.endIndex, Literal(end, datatype=XSD.nonNegativeInteger)))

    def add_mention(self, mention: Mention, res: Resolution) -> URIRef | None:
        entity = res.entity(mention)
        if entity is None:
            return None
        iri, g = self.minter.span(mention.doc_id, mention.start, mention.end), self.graph
        g.add((iri, RDF.type, NIF.Phrase))
        g.add((iri, NIF.anchorOf, Literal(mention.text)))
        self._offsets(iri, mention.start, mention.end)
        g.add((iri, NIF.referenceContext, self.article_iri))
        g.add((iri, NIF.sentence, self.sentence_iri(mention.sentence)))
        g.add((iri, ITSRDF.taIdentRef, self.entity_iri(entity)))
        g.add((iri, self.kg.nerLabel, Literal(mention.label)))
        return iri

    def quantity_node(self, quantity: Quantity, sentence: Sentence) -> URIRef:
        node = self.minter.node(Kind.QUANTITY, _hash(self.doc_id, quantity.start, quantity.end))
        g = self.graph
        g.add((node, RDF.type, self.kg.Quantity))
        if quantity.max_value is None:
            g.add((node, SCHEMA.value, _number(quantity.value)))
        else:  # a range ('between 300 and 400'): its bounds, and no single value
            g.add((node, SCHEMA.minValue, _number(quantity.value)))
            g.add((node, SCHEMA.maxValue, _number(quantity.max_value)))
        if quantity.unit:
            g.add((node, SCHEMA.unitText, Literal(quantity.unit)))
        if quantity.measures:
            g.add((node, self.kg.measures, Literal(quantity.measures, lang="en")))
        g.add((node, NIF.anchorOf, Literal(quantity.text)))
        self._provenance(node, sentence, "quantities@0.1", 0.9, quantity.start, quantity.end)
        return node

    def add_relation(self, relation: Relation, res: Resolution) -> None:
        subject = self._term(relation.subject, res, relation.sentence)
        obj = self._term(relation.obj, res, relation.sentence)
        if subject is None or obj is None:
            return
        predicate = self.kg[relation.predicate]
        if relation.predicate in TEXT_PROPERTIES and isinstance(obj, Literal):
            obj = Literal(str(obj), lang="en")
        self.graph.add((subject, predicate, obj))
        node = self.minter.node(
            Kind.ASSERTION, _hash(self.doc_id, subject, predicate, obj, relation.sentence.start)
        )
        self.graph.add((node, RDF.type, self.kg.Assertion))
        self.graph.add((node, RDF.subject, subject))
        self.graph.add((node, RDF.predicate, predicate))
        self.graph.add((node, RDF.object, obj))
        self._provenance(node, relation.sentence, relation.extractor, relation.confidence,
                         relation.evidence_start, relation.evidence_end)
        if relation.when is not None or relation.where is not None:
            self.add_event(relation, subject, predicate, obj, res)

    def add_event(self, relation: Relation, subject: URIRef, predicate: URIRef, obj, res) -> None:
        """The n-ary form of a fact the sentence dates or places: actor, target, when, where."""
        g = self.graph
        node = self.minter.node(Kind.EVENT, _hash(self.doc_id, subject, predicate, obj,
                                               relation.sentence.start))
        g.add((node, RDF.type, self.kg.Event))
        g.add((node, self.kg.relation, predicate))
        g.add((node, self.kg.modality, self.kg.Asserted))
        g.add((node, self.kg.agent, subject))
        if isinstance(obj, URIRef) and isinstance(relation.obj, Mention):
            g.add((node, self.kg.patient, obj))
        if relation.predicate == "meetsWith":
            g.add((node, SCHEMA.attendee, subject))
            g.add((node, SCHEMA.attendee, obj))
        if relation.when is not None:
            g.add((node, SCHEMA.startDate,
                   Literal(relation.when.lexical, datatype=XSD[relation.when.datatype])))
        if relation.where is not None and (place := res.entity(relation.where)) is not None:
            g.add((node, SCHEMA.location, self.entity_iri(place)))
        self._provenance(node, relation.sentence, relation.extractor, relation.confidence,
                         relation.evidence_start, relation.evidence_end)

    def add_news_event(self, event: Event, res: Resolution) -> URIRef | None:
        """An event a clause states: its class (a subclass of kg:Event), its named
        participants, place, date, amount, modality and who reported it, and its trigger
        word, anchored in its sentence. Never a plain triple: what is possible, reported or
        denied stays on the event."""
        roles = {}
        for name in ("agent", "patient", "recipient", "place", "attributed_to"):
            mention = getattr(event, name)
            entity = res.entity(mention) if mention is not None else None
            if entity is not None:
                roles[name] = self.entity_iri(entity)
        if not roles.keys() & {"agent", "patient", "recipient"}:
            return None
        for name in ("agent", "patient", "recipient"):
            mention = getattr(event, name)
            if mention is not None and mention.source in ("deal-noun", "description"):
                self.add_mention(mention, res)  # known only from the event: its mention here
        g = self.graph
        node = self.minter.node(Kind.EVENT, _hash(self.doc_id, event.event_class, event.start,
                                                  roles.get("agent"), roles.get("patient"),
                                                  roles.get("recipient")))
        g.add((node, RDF.type, self.kg.Event))
        g.add((node, RDF.type, self.kg[event_class_name(event.event_class)]))
        for name, prop in (("agent", self.kg.agent), ("patient", self.kg.patient),
                           ("recipient", self.kg.recipient), ("place", SCHEMA.location),
                           ("attributed_to", self.kg.attributedTo)):
            if name in roles:
                g.add((node, prop, roles[name]))
        if event.when is not None:
            g.add((node, SCHEMA.startDate,
                   Literal(event.when.lexical, datatype=XSD[event.when.datatype])))
        if event.amount is not None:
            g.add((node, self.kg.amount, self.quantity_node(event.amount, event.sentence)))
        g.add((node, self.kg.modality, self.kg[event.modality.capitalize()]))
        g.add((node, self.kg.trigger, Literal(event.trigger)))
        self._provenance(node, event.sentence, event.extractor, event.confidence,
                         event.start, event.end)
        return node

    def _term(self, value: object, res: Resolution, sentence: Sentence):
        if isinstance(value, Mention):
            entity = res.entity(value)
            if entity is None:
                return None
            if value.source in ("deal-noun", "description"):
                self.add_mention(value, res)
            return self.entity_iri(entity)
        if isinstance(value, Quantity):
            return self.quantity_node(value, sentence)
        if isinstance(value, DateValue):
            return Literal(value.lexical, datatype=XSD[value.datatype])
        if isinstance(value, str):
            return Literal(value)
        return None

    def _provenance(self, node: URIRef, sentence: Sentence, extractor: str, confidence: float,
                    start: int, end: int) -> None:
        g = self.graph
        g.add((node, self.kg.sourceSentence, self.sentence_iri(sentence)))
        g.add((node, PROV.hadPrimarySource, self.article_iri))
        g.add((node, PROV.wasAttributedTo, self.extractor(extractor)))
        g.add((node, self.kg.confidence, Literal(Decimal(str(round(confidence, 2))),
                                                 datatype=XSD.decimal)))
        self._offsets(node, start, end)


def event_class_name(event_class: str) -> str:
    """The ontology class of an event class: court_ruling -> CourtRulingEvent (the suffix
    keeps them apart from entity classes such as kg:Agreement)."""
    return "".join(part.capitalize() for part in event_class.split("_")) + "Event"


def to_rdf(extractions: list[Extraction], res: Resolution, base_uri: str,
           gazetteer: tuple[GazetteerEntry, ...] = ()) -> Dataset:
    """The whole graph in one rdflib Dataset: for small corpora, tests and ``kg validate``."""
    return GraphBuilder(base_uri, gazetteer).build(extractions, res)


def entity_layer(res: Resolution, base_uri: str, gazetteer: tuple[GazetteerEntry, ...] = ()
                 ) -> Dataset:
    """The resolved entities (default graph): what every article's facts point at."""
    builder = GraphBuilder(base_uri, gazetteer)
    for entity in sorted(res.entities.values(), key=lambda e: e.slug):
        builder.add_entity(entity)
    return builder.ds


def entity_lines(res: Resolution, base_uri: str,
                 gazetteer: tuple[GazetteerEntry, ...] = ()) -> bytes:
    """``split_lines(entity_layer(...))``'s default graph, the same bytes, without an rdflib
    Dataset."""
    builder = GraphBuilder(base_uri, gazetteer, lines=True)
    for entity in sorted(res.entities.values(), key=lambda e: e.slug):
        builder.add_entity(entity)
    assert isinstance(builder.default, Lines)
    return builder.default.text()


def article_unit(ex: Extraction, res: Resolution, base_uri: str,
                 gazetteer: tuple[GazetteerEntry, ...] = ()) -> Dataset:
    """What one article adds: its description and extractors (default graph) and its named
    graph. The whole graph is the entity layer plus every article's unit."""
    builder = GraphBuilder(base_uri, gazetteer)
    builder.add_article(ex, res)
    return builder.ds


def unit_lines(ex: Extraction, res: Resolution, base_uri: str,
               gazetteer: tuple[GazetteerEntry, ...] = ()) -> tuple[bytes, bytes]:
    """``split_lines(article_unit(...))``, the same bytes, without an rdflib Dataset."""
    builder = GraphBuilder(base_uri, gazetteer, lines=True)
    builder.add_article(ex, res)
    assert isinstance(builder.default, Lines)
    named = []
    for iri in sorted(builder.named, key=str):
        suffix = f" <{iri}> .\n"
        named.append("".join(sorted(line[:-3] + suffix for line in builder.named[iri].lines)))
    return builder.default.text(), "".join(named).encode("utf-8")


def split_lines(ds: Dataset) -> tuple[bytes, bytes]:
    """A Dataset as two sorted texts: its default graph as N-Triples and its named graphs as
    N-Quads (graph by graph, in IRI order). Releases are written from these two streams."""
    default = ds.default_graph.serialize(format="nt", encoding="utf-8")
    named: list[bytes] = []
    for graph in sorted((g for g in ds.graphs() if g.identifier != ds.default_graph.identifier),
                        key=lambda g: str(g.identifier)):
        name = f" <{graph.identifier}> .\n".encode()
        lines = graph.serialize(format="nt", encoding="utf-8").splitlines()
        named.append(b"".join(sorted(line[:-2] + name for line in lines if line.strip())))
    return b"".join(sorted(default.splitlines(keepends=True))), b"".join(named)


def graph_triple(line: bytes) -> bytes:
    """A named-graph line of ``split_lines`` without its graph: the graph name is an IRI, the
    line's last term, so it starts at the last `` <``."""
    return line[: line.rindex(b" <")] + b" .\n"


def graph_name(line: bytes) -> str:
    """The graph IRI of a named-graph line of ``split_lines``."""
    return line[line.rindex(b" <") + 2 : line.rindex(b">")].decode()
