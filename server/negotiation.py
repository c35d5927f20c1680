"""Which format a client gets, chosen from the formats of ``kg.formats``.

The client's ``Accept`` header is parsed by Werkzeug, so q-values and wildcards behave as RFC
9110 says, and quality ties go to the first format offered. Two negotiations share this module
and the one format table, but not one function, because they have always answered differently
and clients see the difference:

- ``choose``, the SPARQL protocol (``/sparql``, ``/data``, the Service Description and VoID):
  a ``format`` parameter wins over ``Accept``; each format is offered with all its aliases
  right after its own media type, including the looser ``protocol_aliases`` (``application/xml``
  gets RDF/XML, ``application/*`` gets Turtle through ``application/x-turtle``); failures are
  exceptions (400 for a ``format`` naming nothing, 406).
- ``negotiate``, linked-data documents (resources, ontology, shapes, the validation report and
  the SHACL service's reports): every format's own media type is offered before any alias
  (``application/*`` gets JSON-LD), the SPARQL-only aliases are not (``application/xml`` is
  406), and an empty ``Accept`` header counts as none; nothing acceptable is None.

This module has no Flask import; the format table itself (``kg.formats``) not even Werkzeug's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from werkzeug.datastructures import MIMEAccept

from kg.formats import DOCUMENTS, GRAPHS, RESULTS, Format, by_extension, by_name

#: Everything the SPARQL protocol can name: a ``format`` naming anything else is unknown (400).
PROTOCOL: tuple[Format, ...] = (*RESULTS, *GRAPHS)
#: The extensions of linked-data documents (``/data/X.ttl``, ``/ontology.html`` ...).
DOCUMENT_EXTS: tuple[str, ...] = tuple(f.extension for f in DOCUMENTS)
RDF_EXTS: tuple[str, ...] = tuple(f.extension for f in DOCUMENTS if f.kind == "rdf")


class UnknownFormat(ValueError):
    """A ``format`` parameter that names no format at all (400, not 406)."""


class NotAcceptable(ValueError):
    """Nothing the client accepts can be produced for this kind of result (406)."""

    def __init__(self, offered: Iterable[Format], what: str) -> None:
        types = ", ".join(f.media_type for f in offered)
        super().__init__(f"cannot produce any acceptable format for {what}; available: {types}")


def _best(accept: MIMEAccept, offers: Sequence[tuple[str, Format]]) -> Format | None:
    """The format of the offered media type the client prefers (ties: the first offered)."""
    best = accept.best_match([media for media, _ in offers])
    return next((fmt for media, fmt in offers if media == best), None)


def _lookup(formats: Iterable[Format], value: str) -> Format | None:
    """A ``format`` value: a short name (``json``, ``ttl``) or a media type (with parameters)."""
    value = value.strip().lower()
    media = value.split(";", 1)[0].strip()
    for fmt in formats:
        if value in fmt.names or media in fmt.protocol_types:
            return fmt
    return None


def choose(
    formats: tuple[Format, ...],
    accept: MIMEAccept,
    format_params: list[str],
    what: str,
) -> Format:
    """The format to answer a SPARQL protocol request in.

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
        if not any(_lookup(PROTOCOL, v) for v in format_params):
            raise UnknownFormat(
                f"unknown format {format_params[0]!r}; use one of "
                + ", ".join(sorted({n for f in PROTOCOL for n in f.names}))
            )
        raise NotAcceptable(formats, what)
    if not accept.provided:
        return formats[0]  # no Accept header means anything is acceptable (RFC 9110 12.5.1)
    found = _best(accept, [(media, fmt) for fmt in formats for media in fmt.protocol_types])
    if found is None:
        raise NotAcceptable(formats, what)
    return found


def negotiate(accept: MIMEAccept, exts: Iterable[str] | None = None,
              among: tuple[Format, ...] = DOCUMENTS) -> Format | None:
    """The representation the client prefers among the formats ``among`` (linked-data documents
    by default; Triple Pattern Fragments offer all RDF formats), those with the extensions
    ``exts`` if given (q-values honoured), or None: answer 406."""
    wanted = set(exts) if exts is not None else {f.extension for f in among}
    allowed = [f for f in among if f.extension in wanted]
    if not accept:  # no (or an empty) Accept header means "anything"
        return allowed[0]
    offers = [(f.media_type, f) for f in allowed]
    # Then the aliases, the page's (application/xhtml+xml, which only browsers send) first.
    for f in sorted(allowed, key=lambda f: f.kind != "html"):
        offers += [(media, f) for media in (*f.aliases, *f.broader_types)]
    return _best(accept, offers)


def link_header(alternates: dict[str, str], describedby: str | None = None) -> str:
    """RFC 8288 ``Link`` value listing each representation (ext -> URL) as an alternate."""
    parts = [
        f'<{url}>; rel="alternate"; type="{by_extension[ext].media_type}"'
        for ext, url in alternates.items()
    ]
    if describedby:
        parts.append(f'<{describedby}>; rel="describedby"; type="{by_name["turtle"].media_type}"')
    return ", ".join(parts)


def not_acceptable_text(exts: Iterable[str]) -> str:
    types = ", ".join(by_extension[e].media_type for e in exts)
    return f"406 Not Acceptable: no representation matches the Accept header; available: {types}\n"
