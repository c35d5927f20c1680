"""The dataset's URI scheme: every kind of node we mint, named once.

A node of kind *k* is ``B/<k.segment>/<key>`` under the publication's base ``B`` (the dataset
itself is ``B/dataset`` alone). The build mints through :class:`Minter`; the server routes
``B/<segment>/...`` to 303 redirects and ``B/<segment>/`` to the kind's index page from this
table; a kind with a prefix gets it wherever our prefixes are declared (``kg.vocab.prefixes``).
A new kind is one more row here.

The ontology and the shapes are not node kinds: they are documents with hash namespaces
(``B/ontology#Term``, see ``kg.vocab``).
"""

from __future__ import annotations

from enum import Enum

from rdflib import URIRef


class Kind(Enum):
    """One kind of minted node: ``Kind("quantity")`` or ``Kind.QUANTITY``."""

    # segment, ontology class (local name) or None, title of its index page or None, prefix,
    # what one node of the kind names
    RESOURCE = ("resource", "Entity", "Entities", "res",
                "an entity the articles mention, resolved across articles")
    ARTICLE = ("article", "Article", "Articles", None,
               "a news article; its sentences and mentions are #char=begin,end spans of it")
    GRAPH = ("graph", None, "Named graphs", None,
             "the named graph of what one article says (and graph/void, the VoID description)")
    ASSERTION = ("assertion", "Assertion", "Assertions", None,
                 "one extracted fact, reified with its sentence, extractor and confidence")
    QUOTATION = ("quotation", "Quotation", "Quotations", None, "a quotation and its speaker")
    QUANTITY = ("quantity", "Quantity", "Quantities", None,
                "a number with its unit, as a sentence states it")
    EVENT = ("event", "Event", "Events", None,
             "an event a clause states (class, participants, modality), or a dated or placed fact")
    EXTRACTOR = ("extractor", "Extractor", "Extractors", None,
                 "a component that extracted facts (prov:wasAttributedTo)")
    DATASET = ("dataset", None, None, None,
               "the dataset itself (B/dataset alone) and its VoID linksets")

    def __new__(cls, segment: str, ontology_class: str | None, index_title: str | None,
                prefix: str | None, names: str) -> Kind:
        member = object.__new__(cls)
        member._value_ = segment
        member.segment = segment
        member.ontology_class = ontology_class
        member.index_title = index_title
        member.prefix = prefix
        member.names = names
        return member

    # Set by __new__ (declared for type checkers).
    segment: str
    ontology_class: str | None
    index_title: str | None  # None: no index page at B/<segment>/
    prefix: str | None
    names: str

    @property
    def has_index(self) -> bool:
        return self.index_title is not None

    def namespace(self, base: str) -> str:
        """``B/<segment>/``: what every node of this kind starts with."""
        return f"{base}{self.segment}/"

    def iri(self, base: str, key: str | None = None) -> str:
        """``B/<segment>/<key>``, or ``B/<segment>`` itself without a key."""
        return f"{base}{self.segment}" if key is None else f"{self.namespace(base)}{key}"

    def minted(self, iri: str, base: str) -> bool:
        """Whether ``iri`` is a node of this kind under ``base``."""
        return iri.startswith(self.namespace(base))


#: The kinds that have an index page (``B/<segment>/``).
INDEXED_KINDS = tuple(k for k in Kind if k.has_index)


class Minter:
    """Mints the dataset's URIs under one base, so that every stage names things alike."""

    def __init__(self, base_uri: str) -> None:
        self.base = base_uri

    def node(self, kind: Kind | str, key: str) -> URIRef:
        """A node of ``kind``. Fact-bearing nodes (assertion, quotation, quantity, event) get
        skolem IRIs, never blank nodes, so that two builds of the same input are byte-identical."""
        # Kind("quantity") looks the member up by value; mypy checks that call against the
        # member-building __new__ instead (python/mypy#10573), hence the ignore.
        member = kind if isinstance(kind, Kind) else Kind(kind)  # type: ignore[call-arg]
        return URIRef(member.iri(self.base, key))

    def resource(self, slug: str) -> URIRef:
        return self.node(Kind.RESOURCE, slug)

    def article(self, doc_id: str) -> URIRef:
        return self.node(Kind.ARTICLE, doc_id)

    def span(self, doc_id: str, start: int, end: int) -> URIRef:
        """RFC 5147 / NIF 2.0 offset URI for a stretch of an article."""
        return URIRef(f"{self.article(doc_id)}#char={start},{end}")

    def graph(self, name: str) -> URIRef:
        return self.node(Kind.GRAPH, name)

    def extractor(self, name: str) -> URIRef:
        return self.node(Kind.EXTRACTOR, name)

    @property
    def dataset(self) -> URIRef:
        return URIRef(Kind.DATASET.iri(self.base))
