"""The protocol's update dataset (``using-graph-uri``, ``using-named-graph-uri``) as USING clauses.

SPARQL 1.1 Protocol section 2.2.3 lets an update request name the dataset of its WHERE clauses
with these parameters, but pyoxigraph's ``Store.update()`` takes no dataset, so the update text
is rewritten instead: ``USING <g>`` / ``USING NAMED <n>`` go before the top-level ``WHERE`` of
every Modify operation, and ``DELETE WHERE { QP }``, which cannot carry USING, is spelt out as
``DELETE { QP } USING ... WHERE { QP }``, its definition in SPARQL 1.1 Update (section 3.1.3.3).
Operations without a WHERE (INSERT DATA, CLEAR, ...) are left alone. Parameters together with
USING or WITH in the text are an error, as the protocol says.

The rewrite is lexical (``server.engine.lexer``, shared with ``server.engine.syntax``): it
finds keywords and braces outside strings, IRIs, names and comments, and a keyword it missed
would silently widen the update's dataset, so malformed nesting is refused, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pyoxigraph as ox

from server.engine import lexer as sparql_lexer
from server.engine.lexer import Token

USING_PARAM = "using-graph-uri"
USING_NAMED_PARAM = "using-named-graph-uri"
_WATCHED = frozenset({"WHERE", "USING", "WITH", "DELETE", "INSERT"})

# IRIREF excludes these, and ``\`` would start an escape inside ``<...>``.
_NOT_IN_IRIREF = re.compile(r'[<>"{}|^`\\\x00-\x20]')


class DatasetError(ValueError):
    """The parameters cannot be applied: the message says why, for a 400 answer."""


def check_iri(name: str, value: str) -> str:
    """``value`` if it can be written as ``<value>`` and is an absolute IRI, else DatasetError."""
    if not value:
        raise DatasetError(f"{name} is empty; give an absolute IRI")
    bad = _NOT_IN_IRIREF.search(value)
    if bad is not None:
        raise DatasetError(
            f"{name} {value!r} is not an absolute IRI: {bad.group()!r} is not allowed in an IRI"
        )
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise DatasetError(f"{name} {value!r} is not an absolute IRI: {exc}") from None
    return value


def with_dataset(text: str, using: Sequence[str] = (), using_named: Sequence[str] = ()) -> str:
    """``text`` with the protocol's dataset written into each operation that has a WHERE.

    Without parameters the text is returned as it is. Raises DatasetError for a bad IRI, for
    USING / WITH in the text, and for a ``DELETE WHERE`` whose pattern cannot be delimited.
    """
    if not using and not using_named:
        return text
    for value in using:
        check_iri(USING_PARAM, value)
    for value in using_named:
        check_iri(USING_NAMED_PARAM, value)
    found = sparql_lexer.words(text, _WATCHED)
    glued = found.glued_top
    if glued:  # DELETEWHERE, USING:g: keywords for Oxigraph that a word-by-word look would miss
        raise DatasetError(
            f"keyword {' and '.join(sorted(glued))} glued to a neighbouring word or name (as in "
            f"DELETEWHERE or USING:g); write the update's keywords apart to use {USING_PARAM} / "
            f"{USING_NAMED_PARAM}"
        )
    own = next((w for w in found.exact if w in ("USING", "WITH")), None)
    if own is not None:
        raise DatasetError(
            f"the update names its own dataset with {own}; the protocol forbids {USING_PARAM} / "
            f"{USING_NAMED_PARAM} with USING, USING NAMED or WITH in the update: send one or the "
            "other"
        )
    tokens = [t for t in sparql_lexer.tokens(text) if t.kind != "comment"]
    clause = " ".join(
        [f"USING <{g}>" for g in using] + [f"USING NAMED <{n}>" for n in using_named]
    )
    insertions: list[tuple[int, str]] = []
    depth = 0
    for i, token in enumerate(tokens):
        if token.kind == "open":
            depth += 1
        elif token.kind == "close":
            depth -= 1
            if depth < 0:
                raise DatasetError("malformed update: a `}` closes nothing")
        elif depth == 0 and token.kind == "word" and token.text.upper() == "WHERE":
            previous = tokens[i - 1] if i else None
            if previous is not None and previous.kind == "word" and previous.text.upper() == "DELETE":
                pattern = _group(text, tokens, i + 1)
                insertions.append((token.start, f"{pattern} {clause} "))
            else:
                insertions.append((token.start, f"{clause} "))
    if depth != 0:
        raise DatasetError("malformed update: a `{` is never closed")
    pieces: list[str] = []
    done = 0
    for at, addition in insertions:
        pieces += [text[done:at], addition]
        done = at
    pieces.append(text[done:])
    return "".join(pieces)


def _group(text: str, tokens: list[Token], first: int) -> str:
    """The text of the ``{ ... }`` group that starts at ``tokens[first]``, braces included."""
    if first >= len(tokens) or tokens[first].kind != "open":
        raise DatasetError("malformed update: DELETE WHERE must be followed by `{`")
    depth = 0
    for token in tokens[first:]:
        depth += {"open": 1, "close": -1}.get(token.kind, 0)
        if depth == 0:
            return text[tokens[first].start:token.end]
    raise DatasetError("malformed update: a `{` is never closed")
