"""Plain data passed between stages. No I/O, no library objects: easy to test and to reason about."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Block kinds that belong to the article. Only body blocks yield relations and quotes;
#: titles and headings are elliptical, so they give entity mentions only.
ARTICLE_KINDS = frozenset({"title", "heading", "body"})


@dataclass(frozen=True)
class Block:
    """One line-delimited stretch of the file with what it is (body, ad, comments ...)."""

    start: int
    end: int
    kind: str

    @property
    def is_article(self) -> bool:
        return self.kind in ARTICLE_KINDS


@dataclass
class Article:
    """An article file, decoded and segmented; offsets everywhere refer to ``text``."""

    doc_id: str
    path: str
    text: str
    blocks: list[Block]
    title: str | None = None
    metadata: dict[str, list[str]] = field(default_factory=dict)

    def kind_at(self, offset: int) -> str:
        for block in self.blocks:
            if block.start <= offset < block.end:
                return block.kind
        return "whitespace"

    def excluded(self) -> list[Block]:
        return [b for b in self.blocks if not b.is_article]


@dataclass(frozen=True)
class Skipped:
    """A file the corpus could not use, and why, in words a user can act on."""

    path: str
    reason: str


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    start: int
    end: int
    text: str
    kind: str  # the block kind: title, heading or body


@dataclass(frozen=True)
class Mention:
    """A stretch of text naming an entity, already cleaned (no 'the', no possessive, no title)."""

    doc_id: str
    start: int
    end: int
    text: str
    label: str  # spaCy / gazetteer label: PERSON, ORG, GPE, ...
    sentence: Sentence
    gazetteer_id: str | None = None
    role: str | None = None  # a title that preceded the name: "President", "Secretary of State"
    source: str = "ner"  # ner, gazetteer, coref, deal-noun, description
    about: Mention | None = None  # for a deal noun: who proposed it, when the text says
    place_context: bool = False  # right after 'in', 'near', 'outside' ...: evidence of a place


@dataclass(frozen=True)
class Quantity:
    value: int | float  # the amount, or the lower bound of a range
    unit: str | None
    measures: str | None
    text: str
    start: int
    end: int
    max_value: int | float | None = None  # the upper bound: 'five to seven million people'


@dataclass(frozen=True)
class DateValue:
    """A date normalised to an XSD lexical form and its datatype (date, gYearMonth, gYear)."""

    lexical: str
    datatype: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Relation:
    """A fact read from one sentence. Subject/object are mentions; or the object is a value."""

    predicate: str  # an ontology property name, e.g. "proposes"
    subject: Mention
    obj: Mention | Quantity | DateValue | str
    sentence: Sentence
    extractor: str
    confidence: float
    evidence_start: int
    evidence_end: int
    when: DateValue | None = None  # set when the sentence dates or places the fact:
    where: Mention | None = None  # it is then also published as an n-ary kg:Event


@dataclass(frozen=True)
class Quote:
    text: str
    start: int
    end: int
    speaker: Mention
    sentence: Sentence
    extractor: str
    confidence: float
    #: marked (between quotation marks), colon (marked, after 'said:'), multi-paragraph,
    #: block (unmarked lines after an attribution line), tweet (an embedded post)
    form: str = "marked"
    handle: str | None = None  # an embedded post's '@handle'
    date: DateValue | None = None  # an embedded post's date, from its signature line


#: How an article puts an event: as fact, as someone's report, as possible, or as not so.
MODALITIES = ("asserted", "reported", "possible", "negated")


@dataclass(frozen=True)
class Event:
    """One clause that names an event (CAMEO-like class) with its named participants.

    ``start``/``end`` are the trigger word's offsets; ``modality`` is one of MODALITIES and
    ``attributed_to`` is who reported it, or said it might happen, when the text says."""

    event_class: str
    trigger: str
    start: int
    end: int
    sentence: Sentence
    agent: Mention | None = None
    patient: Mention | None = None
    recipient: Mention | None = None
    place: Mention | None = None
    when: DateValue | None = None
    amount: Quantity | None = None
    modality: str = "asserted"
    attributed_to: Mention | None = None
    extractor: str = ""
    confidence: float = 0.7


@dataclass
class Extraction:
    """Everything read from one article."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    acronyms: list[tuple[str, str]] = field(default_factory=list)  # (expansion, acronym)
    quantities: list[tuple[Quantity, Sentence]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass
class Entity:
    """One real-world thing, resolved across all articles."""

    key: str
    label: str
    types: list[str]
    aliases: set[str] = field(default_factory=set)
    same_as: list[str] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)  # property IRI -> code (ISO 3166)
    mentions: list[Mention] = field(default_factory=list)
    slug: str = ""
