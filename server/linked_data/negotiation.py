"""Which representation of a linked-data document a client gets, and how the others are named.

Resources, the ontology, the shapes and the SHACL service all offer the same formats (HTML
plus four RDF syntaxes), negotiated the same way and listed in the same ``Link`` header, so
the table of representations and the negotiation live in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept


@dataclass(frozen=True)
class Representation:
    ext: str
    media_type: str
    name: str
    rdf_format: ox.RdfFormat | None = None
    rdflib_format: str | None = None

    @property
    def is_rdf(self) -> bool:
        return self.rdf_format is not None


#: Order matters: werkzeug breaks quality ties by this order, so ``*/*`` (curl, most HTTP
#: libraries, no Accept header) gets Turtle; every browser asks for text/html explicitly.
REPRESENTATIONS: tuple[Representation, ...] = (
    Representation("ttl", "text/turtle", "Turtle", ox.RdfFormat.TURTLE, "turtle"),
    Representation("html", "text/html", "HTML"),
    Representation("jsonld", "application/ld+json", "JSON-LD", ox.RdfFormat.JSON_LD, "json-ld"),
    Representation("nt", "application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES, "nt"),
    Representation("rdf", "application/rdf+xml", "RDF/XML", ox.RdfFormat.RDF_XML, "xml"),
)
BY_EXT: dict[str, Representation] = {r.ext: r for r in REPRESENTATIONS}
RDF_EXTS: tuple[str, ...] = tuple(r.ext for r in REPRESENTATIONS if r.is_rdf)
#: Media types some clients send for the same representations.
ACCEPT_ALIASES: dict[str, str] = {
    "application/xhtml+xml": "html",
    "application/x-turtle": "ttl",
    "application/json": "jsonld",
    "text/plain": "nt",
}


def negotiate(accept: MIMEAccept, exts: Iterable[str] = BY_EXT) -> Representation | None:
    """The representation the client prefers (q-values honoured), or None: answer 406."""
    allowed = [BY_EXT[e] for e in BY_EXT if e in set(exts)]
    if not accept:  # no (or an empty) Accept header means "anything"
        return allowed[0]
    offers = [r.media_type for r in allowed]
    offers += [m for m, ext in ACCEPT_ALIASES.items() if ext in {r.ext for r in allowed}]
    best = accept.best_match(offers)
    if best is None:
        return None
    if best in ACCEPT_ALIASES:
        return BY_EXT[ACCEPT_ALIASES[best]]
    return next(r for r in allowed if r.media_type == best)


def link_header(alternates: dict[str, str], describedby: str | None = None) -> str:
    """RFC 8288 ``Link`` value listing each representation (ext -> URL) as an alternate."""
    parts = [
        f'<{url}>; rel="alternate"; type="{BY_EXT[ext].media_type}"'
        for ext, url in alternates.items()
    ]
    if describedby:
        parts.append(f'<{describedby}>; rel="describedby"; type="text/turtle"')
    return ", ".join(parts)


def not_acceptable_text(exts: Iterable[str]) -> str:
    types = ", ".join(BY_EXT[e].media_type for e in exts)
    return f"406 Not Acceptable: no representation matches the Accept header; available: {types}\n"
