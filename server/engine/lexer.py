"""SPARQL tokens as Oxigraph reads them, for the lexical checks made before a request runs.

pyoxigraph exposes no parsed algebra, so the endpoint finds keywords (``SERVICE``, ``LOAD``,
``FROM``, ``USING``, ``WHERE``...) and braces by scanning the text. A scan that ends a token
where Oxigraph does not can hide the rest of a line: ``ex:a\\#b`` is one prefixed name with an
escaped ``#`` and ``<http://x\\u0041#>`` one IRI, but a looser scan takes each ``#`` there for
the start of a comment and misses a ``SERVICE`` after it. So every token that can contain a
keyword-looking word without being one follows the SPARQL 1.1 terminals, with the escapes
Oxigraph accepts: ECHAR in strings (short and long), UCHAR in IRIs, PN_LOCAL_ESC in names.
Names and variables run to the next SPARQL delimiter, so a name never exposes a keyword tail.

Oxigraph's keywords need no word boundary either: ``SERVICESILENT <x>``, ``SERVICE:x``,
``1SERVICE<x>``, ``FROM:g`` and ``DELETEWHERE`` all hold a keyword for it. ``words`` also
finds keywords inside longer words and name prefixes, so that the checks can refuse them.
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
      )
    | (?P<run>[^{_STOP}](?:[^{_STOP}]|{_LOCAL_ESC})*)   # names, words, other (see _run)
    | (?P<comment>\#[^\n\r]*)
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


#: Inside a run of name characters that is not a prefixed name: words and single characters.
_PIECES = re.compile(r"(?P<word>\w+)|(?P<other>\S)")
_SPACE = re.compile(r"\s*")


def tokens(text: str) -> Iterator[Token]:
    """Every token of ``text`` in order; white space between them is dropped.

    Linear in the text: a run of characters that may form a name is matched once, whole, and
    then read as a prefixed name (a ``:`` before any backslash: ``ex:a\\#b``) or cut into
    words and single characters. Matching a name at every position of such a run, as a
    pattern with an optional prefix does, costs the square of its length (``-----...``)."""
    position, end = 0, len(text)
    while True:
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        if position >= end:
            return
        match = _TOKENS.match(text, position)
        assert match is not None  # the last alternative takes any non-space character
        kind = match.lastgroup or "other"
        if kind != "run":
            yield Token(kind, position, match.end(), match.group())
            position = match.end()
            continue
        run = match.group()
        colon, backslash = run.find(":"), run.find("\\")
        if colon >= 0 and (backslash < 0 or colon < backslash):
            yield Token("skip", position, match.end(), run)  # a prefixed name or blank node
            position = match.end()
            continue
        stop = position + (backslash if backslash >= 0 else len(run))  # escapes belong to names
        for piece in _PIECES.finditer(text, position, stop):
            yield Token(piece.lastgroup or "other", piece.start(), piece.end(), piece.group())
        position = stop
        if backslash >= 0:  # the backslash starts no name: one character, then go on from there
            yield Token("other", position, position + 1, text[position])
            position += 1


def name_part(token: Token) -> str:
    """Where Oxigraph could read a keyword in ``token``, upper-cased: a whole word, or the
    prefix of a prefixed name (``SERVICE:x`` is ``SERVICE :x``); empty for everything else."""
    if token.kind == "word":
        return token.text.upper()
    if token.kind == "skip" and token.text[0] not in "<\"'?$@" and ":" in token.text:
        return token.text.partition(":")[0].upper()
    return ""


@dataclass(frozen=True)
class Words:
    """The keyword-bearing parts of a text: exact words, and keywords glued to something."""

    exact: tuple[str, ...]  # every bare word, upper-cased, in order
    top: tuple[str, ...]  # the words and name prefixes outside braces, in order
    glued: frozenset[str]  # candidates found inside a longer word or name prefix, any depth
    glued_top: frozenset[str]  # the same, outside braces only
    depth: int = 0  # the deepest nesting of { }, ( ), [ ] and << >> together (Oxigraph recurses on each)


def words(text: str, candidates: frozenset[str]) -> Words:
    """One pass over ``text``. A declared prefix (the name after ``PREFIX``) is a name, never a
    keyword, so it is not searched: ``PREFIX service: <...>`` hides nothing."""
    exact: list[str] = []
    top: list[str] = []
    glued: set[str] = set()
    glued_top: set[str] = set()
    depth, declaring = 0, False
    nesting = deepest = 0
    for token in tokens(text):
        # ``<<`` outside an IRI opens a triple term, which Oxigraph's parser recurses on as on
        # brackets (20,000 ``<`` crash it): a ``<`` followed by ``<`` counts, as ``>`` before ``>``
        doubled = token.kind == "other" and text[token.end : token.end + 1] == token.text
        if token.kind == "open" or (token.kind == "other" and token.text in ("(", "[")) or (
            doubled and token.text == "<"
        ):
            nesting += 1
            deepest = max(deepest, nesting)
        elif token.kind == "close" or (token.kind == "other" and token.text in (")", "]")) or (
            doubled and token.text == ">"
        ):
            nesting = max(nesting - 1, 0)  # a stray closer never hides later nesting
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
        if token.kind == "comment":
            continue
        part = "" if declaring else name_part(token)
        declaring = token.kind == "word" and part == "PREFIX"
        if token.kind == "word":
            exact.append(part)
        if not part:
            continue
        if depth <= 0:
            top.append(part)
        for keyword in candidates:  # a name's prefix is never exact: SERVICE:x is SERVICE :x
            if keyword in part and (part != keyword or token.kind != "word"):
                glued.add(keyword)
                if depth <= 0:
                    glued_top.add(keyword)
    return Words(tuple(exact), tuple(top), frozenset(glued), frozenset(glued_top), deepest)
