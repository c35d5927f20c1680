"""SPARQL tokens as Oxigraph reads them, for the lexical checks made before a request runs.

pyoxigraph exposes no parsed algebra, so the endpoint finds keywords (``SERVICE``, ``LOAD``,
``FROM``, ``USING``, ``WHERE``...) and braces by scanning the text. A scan that ends a token
where Oxigraph does not can hide the rest of a line: ``ex:a\\#b`` is one prefixed name with an
escaped ``#`` and ``<http://x\\u0041#>`` one IRI, but a looser scan takes each ``#`` there for
the start of a comment and misses a ``SERVICE`` after it. So every token that can contain a
keyword-looking word without being one follows the SPARQL 1.1 terminals, with the escapes
Oxigraph accepts: ECHAR in strings (short and long), UCHAR in IRIs, PN_LOCAL_ESC in names.
Names and variables run to the next SPARQL delimiter, so a name never exposes a keyword tail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
# Characters that end a prefixed name or variable (SPARQL punctuation and the start of other
# tokens); anything else, non-ASCII letters included, is part of the name.
_STOP = r"\s{}()\[\];,<>\"'=!|&+*/^#@?$\\"
_LOCAL_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"

_TOKENS = re.compile(
    rf"""
      (?P<skip>
          \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"     # long strings, with escapes
        | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
        | "(?:[^"\\\n\r]|\\.)*" | '(?:[^'\\\n\r]|\\.)*'  # short strings, with escapes
        | <(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>      # IRI references
        | @[A-Za-z]+(?:-[A-Za-z0-9]+)*                 # language tags
        | [?$][^{_STOP}.:\-]+                          # variables
        | [^{_STOP}:]*:(?:[^{_STOP}]|{_LOCAL_ESC})*    # prefixed names, blank node labels
      )
    | (?P<comment>\#[^\n\r]*)
    | (?P<word>\w+)
    | (?P<open>\{{)
    | (?P<close>\}})
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """``kind``: skip (string, IRI, name, variable, tag), comment, word, open, close, other."""

    kind: str
    start: int
    end: int
    text: str


def tokens(text: str) -> Iterator[Token]:
    """Every token of ``text`` in order; white space between them is dropped."""
    for match in _TOKENS.finditer(text):
        yield Token(match.lastgroup or "other", match.start(), match.end(), match.group())


def keywords(text: str) -> list[str]:
    """The bare words of ``text``, upper-cased, in order: the only places a keyword can be."""
    return [match.group("word").upper() for match in _TOKENS.finditer(text) if match.group("word")]
