"""A lexical look at a SPARQL request before it reaches Oxigraph.

pyoxigraph exposes no parsed algebra, yet the endpoint must know three things before running a
query: whether it calls ``SERVICE`` (or ``LOAD``), which would make Oxigraph open outbound HTTP
connections; whether it names its own dataset (``FROM``/``FROM NAMED``), which the union
default graph must not override; and its form, to negotiate a format before spending time on
it. Keywords are bare words in SPARQL, so it is enough to skip everything that can contain a
keyword-looking word without being one: strings, IRIs, comments, language tags, prefixed
names and variables (``server.sparql_lexer``, which follows Oxigraph's terminals and escapes).
A false positive can only refuse a query, never let one through.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from server.sparql_lexer import keywords

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class Shape:
    """What the endpoint needs to know about a request's text."""

    keywords: frozenset[str]
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None when it cannot be told

    @property
    def calls_service(self) -> bool:
        return "SERVICE" in self.keywords

    @property
    def loads(self) -> bool:
        return "LOAD" in self.keywords

    @property
    def names_dataset(self) -> bool:
        """``FROM`` / ``FROM NAMED`` (queries) or ``USING`` / ``WITH`` (updates)."""
        return bool(self.keywords & {"FROM", "USING", "WITH"})


def shape(text: str) -> Shape:
    """Upper-cased bare words of ``text`` outside strings, IRIs, comments and names."""
    # Clients repeat their queries, and a lookup is cheaper than a scan; long texts are not
    # kept, so the cache stays small (at most 1024 x 4 KiB).
    return _remembered(text) if len(text) <= 4096 else _scan(text)


@lru_cache(maxsize=1024)
def _remembered(text: str) -> Shape:
    return _scan(text)


def _scan(text: str) -> Shape:
    words = keywords(text)
    form = next((w for w in words if w in FORMS), None)
    return Shape(frozenset(words), form)
