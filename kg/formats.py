"""Every serialisation newskg reads or writes, in one table: the build's dumps and VoID, ``kg
query``, the SPARQL endpoint and Graph Store, the Service Description, the linked-data documents
and the SHACL service all look formats up here, by one canonical name (``turtle``, ``json``).

A row says what a format is called everywhere: its media type and the other media types that
ask for it, the short names ``format=`` accepts, its file extension, rdflib's name for it, the
``pyoxigraph`` enum member that reads and writes it, its W3C format IRI
(https://www.w3.org/ns/formats/), and whether it holds named graphs or declares prefixes. The
tuples below the table pick rows for each use; their order is the order clients see, and
content negotiation breaks ties in ``Accept`` by it (JSON first for results; Turtle first for
graphs and linked-data documents, HTML second there). This module imports neither Flask nor
Werkzeug: the build, ``kg query`` and the query executor processes use it too.

How to add a format: append a ``Format`` row to ``ALL`` (results formats first, then RDF, then
HTML) with its media type, the aliases that should reach it (``aliases`` if they name the
format itself, ``broader_types`` for generic types such as ``text/plain``, ``protocol_aliases``
for looser names only the SPARQL protocol should honour), its ``format=`` names, extension,
rdflib name, ``pyoxigraph`` member and W3C IRI. A results or RDF row is then offered by the
SPARQL endpoint, the Graph Store and the Service Description at once (the executors write RDF
through Oxigraph; a results format also needs a writer in ``server.engine.results``). To publish
it as a dump, serve it for linked-data documents, read it in the SHACL service or declare it as
an update input, add its name to ``DUMPS``, ``DOCUMENTS``, ``SHACL_INPUTS`` or ``UPDATE_INPUTS``.
``tests/test_formats.py`` checks the row against pyoxigraph's own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pyoxigraph import QueryResultsFormat, RdfFormat

W3C = "http://www.w3.org/ns/formats/"

Kind = Literal["results", "rdf", "html"]


@dataclass(frozen=True, kw_only=True)
class Format:
    """One serialisation and every name it goes by."""

    name: str  #: the canonical key: jobs, replies, caches and ETags carry it
    kind: Kind  #: SELECT/ASK results, an RDF syntax, or the HTML pages
    label: str  #: what people read: links on pages, titles of alternates
    media_type: str
    #: Other media types of this very format (``application/x-turtle``): honoured wherever the
    #: format is negotiated or read from a request body.
    aliases: tuple[str, ...] = ()
    #: Generic media types an ``Accept`` header may name to get this format (``text/plain``
    #: gets N-Triples): honoured by content negotiation, never taken as the type of posted data.
    broader_types: tuple[str, ...] = ()
    #: Looser names only the SPARQL protocol (``/sparql``, ``/data``, ``format=``) honours, as
    #: other SPARQL servers do; linked-data documents answer them 406.
    protocol_aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  #: short names a ``format`` parameter may use
    extension: str  #: without the dot: dump files, ``/data/X.<ext>``, ``/ontology.<ext>``
    rdflib: str | None = None  #: rdflib's serializer and parser name
    oxigraph: RdfFormat | QueryResultsFormat | None = None
    w3c: str | None = None  #: the format's IRI in the W3C registry (VoID, Service Description)
    dataset: bool = False  #: holds named graphs (quads), not just triples
    prefixes: bool = False  #: declares prefixes, so writers pass the ones the triples use

    @property
    def content_type(self) -> str:
        """What goes in the ``Content-Type`` header: text types say their charset explicitly."""
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    @property
    def protocol_types(self) -> tuple[str, ...]:
        """Every media type the SPARQL protocol takes as a request for this format, its own first."""
        return (self.media_type, *self.aliases, *self.broader_types, *self.protocol_aliases)


ALL: tuple[Format, ...] = (
    # SELECT and ASK results, JSON first: it is what most clients want and what */* gets.
    Format(
        name="json", kind="results", label="SPARQL Results JSON",
        media_type="application/sparql-results+json", broader_types=("application/json",),
        names=("json", "srj"), extension="srj", oxigraph=QueryResultsFormat.JSON,
        w3c=W3C + "SPARQL_Results_JSON",
    ),
    Format(
        name="xml", kind="results", label="SPARQL Results XML",
        media_type="application/sparql-results+xml",
        protocol_aliases=("application/xml", "text/xml"), names=("xml", "srx"), extension="srx",
        oxigraph=QueryResultsFormat.XML, w3c=W3C + "SPARQL_Results_XML",
    ),
    Format(
        name="csv", kind="results", label="SPARQL Results CSV", media_type="text/csv",
        names=("csv",), extension="csv", oxigraph=QueryResultsFormat.CSV,
        w3c=W3C + "SPARQL_Results_CSV",
    ),
    Format(
        name="tsv", kind="results", label="SPARQL Results TSV",
        media_type="text/tab-separated-values", names=("tsv",), extension="tsv",
        oxigraph=QueryResultsFormat.TSV, w3c=W3C + "SPARQL_Results_TSV",
    ),
    # RDF (CONSTRUCT and DESCRIBE results, graphs, documents, dumps), Turtle first.
    Format(
        name="turtle", kind="rdf", label="Turtle", media_type="text/turtle",
        aliases=("application/x-turtle",), protocol_aliases=("application/turtle",),
        names=("turtle", "ttl"), extension="ttl", rdflib="turtle", oxigraph=RdfFormat.TURTLE,
        w3c=W3C + "Turtle", prefixes=True,
    ),
    Format(
        name="ntriples", kind="rdf", label="N-Triples", media_type="application/n-triples",
        broader_types=("text/plain",), names=("ntriples", "n-triples", "nt"), extension="nt",
        rdflib="nt", oxigraph=RdfFormat.N_TRIPLES, w3c=W3C + "N-Triples",
    ),
    Format(
        name="rdfxml", kind="rdf", label="RDF/XML", media_type="application/rdf+xml",
        protocol_aliases=("application/xml", "text/xml"),
        names=("rdfxml", "rdf+xml", "rdf", "xml"), extension="rdf", rdflib="xml",
        oxigraph=RdfFormat.RDF_XML, w3c=W3C + "RDF_XML", prefixes=True,
    ),
    Format(
        name="jsonld", kind="rdf", label="JSON-LD", media_type="application/ld+json",
        broader_types=("application/json",), protocol_aliases=("application/x-json+ld",),
        names=("jsonld", "json-ld", "json"), extension="jsonld", rdflib="json-ld",
        oxigraph=RdfFormat.JSON_LD, w3c=W3C + "JSON-LD", dataset=True,
    ),
    Format(
        name="trig", kind="rdf", label="TriG", media_type="application/trig",
        aliases=("application/x-trig",), names=("trig",), extension="trig", rdflib="trig",
        oxigraph=RdfFormat.TRIG, w3c=W3C + "TriG", dataset=True, prefixes=True,
    ),
    Format(
        name="nquads", kind="rdf", label="N-Quads", media_type="application/n-quads",
        aliases=("text/x-nquads",), names=("nquads", "n-quads", "nq"), extension="nq",
        rdflib="nquads", oxigraph=RdfFormat.N_QUADS, w3c=W3C + "N-Quads", dataset=True,
    ),
    Format(
        name="n3", kind="rdf", label="N3", media_type="text/n3",
        aliases=("text/rdf+n3", "application/n3"), names=("n3",), extension="n3", rdflib="n3",
        oxigraph=RdfFormat.N3, w3c=W3C + "N3", prefixes=True,
    ),
    # The pages people read; only linked-data documents offer them.
    Format(
        name="html", kind="html", label="HTML", media_type="text/html",
        aliases=("application/xhtml+xml",), extension="html",
    ),
)

by_name: dict[str, Format] = {f.name: f for f in ALL}
by_extension: dict[str, Format] = {f.extension: f for f in ALL}


def _pick(*names: str) -> tuple[Format, ...]:
    return tuple(by_name[n] for n in names)


#: SELECT and ASK results, in the endpoint's order of preference.
RESULTS: tuple[Format, ...] = tuple(f for f in ALL if f.kind == "results")
#: CONSTRUCT and DESCRIBE results and Graph Store reads, in the endpoint's order of preference.
GRAPHS: tuple[Format, ...] = tuple(f for f in ALL if f.kind == "rdf")
#: The dumps a release publishes (``kg.<extension>`` and its ``.gz``), Turtle first: it is what
#: most users download.
DUMPS: tuple[Format, ...] = _pick("turtle", "ntriples", "trig", "nquads", "jsonld")
#: The representations of every linked-data document (resources, ontology, shapes, validation
#: report). Order matters: werkzeug breaks quality ties by it, so ``*/*`` (curl, most HTTP
#: libraries, no Accept header) gets Turtle; every browser asks for text/html explicitly.
DOCUMENTS: tuple[Format, ...] = _pick("turtle", "html", "jsonld", "ntriples", "rdfxml")
#: The representations of a Triple Pattern Fragment (``/fragments``): every RDF format, with
#: TriG and N-Quads early because they keep the Hydra controls in a graph of their own.
FRAGMENTS: tuple[Format, ...] = _pick(
    "turtle", "html", "trig", "nquads", "jsonld", "ntriples", "rdfxml", "n3")
#: What the SHACL service reads from a POST (parsed by Oxigraph, so JSON-LD never fetches a
#: remote context).
SHACL_INPUTS: tuple[Format, ...] = _pick("turtle", "ntriples", "jsonld")
#: The RDF an admin server's updates and Graph Store writes read, as its Service Description
#: declares them (``sd:inputFormat``).
UPDATE_INPUTS: tuple[Format, ...] = _pick("turtle", "ntriples", "rdfxml", "jsonld", "n3")
