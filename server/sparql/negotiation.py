"""Result formats of the SPARQL endpoint and the choice between them.

The choice follows the client's ``Accept`` header (parsed by Werkzeug, so q-values and
wildcards behave as RFC 9110 says) unless a ``format`` parameter names a format, which
browsers cannot otherwise express. This module has no Flask import, so query executor
processes can share the format table without loading the web stack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Format:
    """One serialisation: its canonical media type, the other types and names that ask for it."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    extension: str = ""

    @property
    def content_type(self) -> str:
        """What goes in the ``Content-Type`` header: text types say their charset explicitly."""
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


#: SELECT and ASK results, JSON first: it is what most clients want and what */* gets.
BINDINGS: tuple[Format, ...] = (
    Format(
        "json", "application/sparql-results+json", ("application/json",), ("json", "srj"), "srj"
    ),
    Format(
        "xml", "application/sparql-results+xml", ("application/xml", "text/xml"), ("xml", "srx"),
        "srx",
    ),
    Format("csv", "text/csv", (), ("csv",), "csv"),
    Format("tsv", "text/tab-separated-values", (), ("tsv",), "tsv"),
)

#: CONSTRUCT and DESCRIBE results (and RDF documents in general), Turtle first.
GRAPHS: tuple[Format, ...] = (
    Format(
        "turtle", "text/turtle", ("application/x-turtle", "application/turtle"), ("turtle", "ttl"),
        "ttl",
    ),
    Format(
        "ntriples", "application/n-triples", ("text/plain",), ("ntriples", "n-triples", "nt"), "nt",
    ),
    Format(
        "rdfxml", "application/rdf+xml", ("application/xml", "text/xml"),
        ("rdfxml", "rdf+xml", "rdf", "xml"), "rdf",
    ),
    Format(
        "jsonld", "application/ld+json", ("application/json", "application/x-json+ld"),
        ("jsonld", "json-ld", "json"), "jsonld",
    ),
    Format("trig", "application/trig", ("application/x-trig",), ("trig",), "trig"),
    Format("nquads", "application/n-quads", ("text/x-nquads",), ("nquads", "n-quads", "nq"), "nq"),
    Format("n3", "text/n3", ("text/rdf+n3", "application/n3"), ("n3",), "n3"),
)

BY_NAME: dict[str, Format] = {f.name: f for f in (*BINDINGS, *GRAPHS)}


class UnknownFormat(ValueError):
    """A ``format`` parameter that names no format at all (400, not 406)."""


class NotAcceptable(ValueError):
    """Nothing the client accepts can be produced for this kind of result (406)."""

    def __init__(self, offered: Iterable[Format], what: str) -> None:
        types = ", ".join(f.media_type for f in offered)
        super().__init__(f"cannot produce any acceptable format for {what}; available: {types}")


def _lookup(formats: Iterable[Format], value: str) -> Format | None:
    """A ``format`` value: a short name (``json``, ``ttl``) or a media type (with parameters)."""
    value = value.strip().lower()
    media = value.split(";", 1)[0].strip()
    for fmt in formats:
        if value in fmt.names or media == fmt.media_type or media in fmt.aliases:
            return fmt
    return None


def choose(
    formats: tuple[Format, ...],
    accept: MIMEAccept,
    format_params: list[str],
    what: str,
) -> Format:
    """The format to answer in.

    ``format`` values win over ``Accept``; SPARQLWrapper sends several (``tsv`` then the media
    type), so the first one that names a format of this kind is used. A value naming a format
    of the other kind (``csv`` for a CONSTRUCT) is not acceptable (406); a value naming nothing
    at all is a client error (400).
    """
    if format_params:
        for value in format_params:
            found = _lookup(formats, value)
            if found is not None:
                return found
        if not any(_lookup(BY_NAME.values(), v) for v in format_params):
            raise UnknownFormat(
                f"unknown format {format_params[0]!r}; use one of "
                + ", ".join(sorted({n for f in BY_NAME.values() for n in f.names}))
            )
        raise NotAcceptable(formats, what)
    if not accept.provided:
        return formats[0]  # no Accept header means anything is acceptable (RFC 9110 12.5.1)
    offers = [t for fmt in formats for t in (fmt.media_type, *fmt.aliases)]
    best = accept.best_match(offers)
    if best is None:
        raise NotAcceptable(formats, what)
    for fmt in formats:
        if best == fmt.media_type or best in fmt.aliases:
            return fmt
    raise NotAcceptable(formats, what)  # pragma: no cover - best_match returns one of the offers
