"""A lexical look at a SPARQL request before it reaches Oxigraph.

pyoxigraph exposes no parsed algebra, yet the endpoint must know three things before running a
query: whether it calls ``SERVICE`` (or ``LOAD``), which would make Oxigraph open outbound HTTP
connections; whether it names its own dataset (``FROM``/``FROM NAMED``), which the
store's default graph must not replace; and its form, to negotiate a format before spending time on
it. Keywords are bare words in SPARQL, so it is enough to skip everything that can contain a
keyword-looking word without being one: strings, IRIs, comments, language tags, prefixed
names and variables (``server.engine.lexer``, which follows Oxigraph's terminals and escapes).
A false positive can only refuse a query, never let one through.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from server.engine.lexer import words

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


#: Keywords a request check looks for, also where they are glued to another token.
WATCHED = frozenset({"SERVICE", "LOAD", "FROM", "USING", "WITH", *FORMS})


@dataclass(frozen=True)
class Shape:
    """What the endpoint needs to know about a request's text."""

    keywords: frozenset[str]
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None when it cannot be told
    glued: frozenset[str] = frozenset()  # SERVICE anywhere, others outside braces (see below)
    depth: int = 0  # deepest nesting of { }, ( ), [ ]: too deep is refused before Oxigraph

    @property
    def calls_service(self) -> bool:
        return "SERVICE" in self.keywords or "SERVICE" in self.glued

    @property
    def loads(self) -> bool:
        return "LOAD" in self.keywords or "LOAD" in self.glued

    @property
    def names_dataset(self) -> bool:
        """``FROM`` / ``FROM NAMED`` (queries) or ``USING`` / ``WITH`` (updates)."""
        return bool(self.keywords & {"FROM", "USING", "WITH"})

    @property
    def unclear_dataset(self) -> str | None:
        """A dataset keyword glued to a name outside braces (``FROM:g``, ``WITH:g``): Oxigraph
        may read it as the keyword, so whether the text names a dataset cannot be told."""
        found = sorted(self.glued & {"FROM", "USING", "WITH"})
        return found[0] if found else None


def shape(text: str) -> Shape:
    """Upper-cased bare words of ``text`` outside strings, IRIs, comments and names."""
    # Clients repeat their queries, and a lookup is cheaper than a scan; long texts are not
    # kept, so the cache stays small (at most 1024 x 4 KiB).
    return _remembered(text) if len(text) <= 4096 else _scan(text)


@lru_cache(maxsize=1024)
def _remembered(text: str) -> Shape:
    return _scan(text)


def _scan(text: str) -> Shape:
    found = words(text, WATCHED)
    # SERVICE only occurs inside braces; LOAD, the dataset keywords and the form only outside
    # them, where a prefixed name such as ``payload:`` or ``fromage:`` is far rarer.
    glued = (found.glued & {"SERVICE"}) | (found.glued_top - {"SERVICE"})
    form = next((f for w in found.top for f in FORMS if w.startswith(f)), None)
    return Shape(frozenset(found.exact), form, glued, found.depth)
