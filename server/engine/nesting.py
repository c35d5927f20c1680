"""How deep a posted RDF document nests, found in one linear pass before any parser reads it.

pyoxigraph's JSON-LD and RDF/XML parsers recurse on nesting: JSON-LD objects nested ~5,000
deep (a few tens of KB) overflow the stack and kill the process, which the client then hears
of as a memory problem. So ``/shacl`` and the Graph Store refuse a document nested deeper than
``KG_MAX_NESTING`` with a 400 that says so. Turtle's parser does not recurse today, but its
``[ ]`` and ``( )`` are held to the same documented bound, so no parser change can reopen it.

The scan reads what can hide a bracket the way the format does (strings with their escapes,
IRIs, comments, XML comments, CDATA and quoted attributes), and nothing else. It jumps over
each such piece once; when one is not closed the rest of the document cannot be parsed
either, so the scan stops there: each byte is looked at a bounded number of times. A
misread can only count too deep (refuse), never skip a bracket the parser would see.
"""

from __future__ import annotations

import re
from itertools import accumulate

import pyoxigraph as ox

_UCHAR = rb"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRI = re.compile(rb"<(?:[^<>\"{}|^`\\\x00-\x20]|" + _UCHAR + rb")*>")
_SHORT = {q: re.compile(q + rb"(?:[^" + q + rb"\\\n\r]|\\.)*" + q, re.DOTALL) for q in (b'"', b"'")}
_LONG = {
    q: re.compile(q * 3 + rb"(?:(?:" + q + rb"|" + q * 2 + rb")?(?:[^" + q + rb"\\]|\\.))*" + q * 3,
                  re.DOTALL)
    for q in (b'"', b"'")
}
_TURTLE_MARKS = re.compile(rb"[\[\](){}]+|[\"'<#\\]")  # a run of brackets is one mark
_JSON_MARKS = re.compile(rb'[\[\]{}]+|"')
_STEP = [1 if c in b"[({" else -1 if c in b"])}" else 0 for c in range(256)]
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_XML_TAG = re.compile(rb"<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>")
_XML_SKIPS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))

_TURTLE_FAMILY = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3)


def depth(data: bytes, media_type: str, bound: int) -> int:
    """How deep ``data`` nests, counted up to ``bound + 1`` (the scan stops there); 0 for
    formats without nesting (N-Triples, N-Quads) and for media types that name no RDF format."""
    try:
        fmt = ox.RdfFormat.from_media_type(media_type)
    except ValueError:
        return 0
    if fmt is None:
        return 0
    if fmt in _TURTLE_FAMILY:
        return _turtle(data, bound)
    if fmt == ox.RdfFormat.JSON_LD:
        return _json(data, bound)
    if fmt == ox.RdfFormat.RDF_XML:
        return _xml(data, bound)
    return 0


def _turtle(data: bytes, bound: int) -> int:
    """``[ ]`` blank nodes, ``( )`` collections and ``{ }`` graphs and formulas together."""
    level = deepest = pos = 0
    while (mark := _TURTLE_MARKS.search(data, pos)) is not None:
        start, char = mark.start(), data[mark.start():mark.start() + 1]
        pos = start + 1
        if char in b"[](){}":
            level, deepest = _brackets(mark.group(), level, deepest)
            pos = mark.end()
            if deepest > bound:
                break
        elif char == b"\\":
            pos = start + 2  # an escaped character in a name
        elif char == b"#":
            end = data.find(b"\n", pos)
            if end < 0:
                break
            pos = end + 1
        elif char == b"<":
            iri = _IRI.match(data, start)
            pos = iri.end() if iri is not None else pos  # else `<=` of N3, or an error
        else:  # a string: long or short; unclosed means the parser stops here too
            quote = char
            found = (_LONG[quote] if data.startswith(quote * 3, start) else _SHORT[quote]).match(
                data, start)
            if found is None:
                break
            pos = found.end()
    return deepest


def _json(data: bytes, bound: int) -> int:
    """Arrays and objects together."""
    level = deepest = pos = 0
    while (mark := _JSON_MARKS.search(data, pos)) is not None:
        start, char = mark.start(), data[mark.start():mark.start() + 1]
        pos = start + 1
        if char != b'"':
            level, deepest = _brackets(mark.group(), level, deepest)
            pos = mark.end()
            if deepest > bound:
                break
        else:
            found = _JSON_STRING.match(data, start)
            if found is None:
                break
            pos = found.end()
    return deepest


def _brackets(run: bytes, level: int, deepest: int) -> tuple[int, int]:
    """A run of brackets at once (the level after it, the deepest so far): the running level,
    where a stray closer stops at 0 so it never hides the nesting after it. Comprehensions
    instead of a loop per byte, so a megabyte of ``]`` costs tens of milliseconds, not seconds."""
    levels = list(accumulate([_STEP[c] for c in run], initial=level))
    lows = accumulate(levels, min)
    clamped = [value - low if low < 0 else value for value, low in zip(levels, lows, strict=True)]
    return clamped[-1], max(deepest, max(clamped))


def _xml(data: bytes, bound: int) -> int:
    """Element nesting (an RDF/XML node and its property element are a level each)."""
    level = deepest = pos = 0
    while (start := data.find(b"<", pos)) >= 0:
        skip = next(((opener, closer) for opener, closer in _XML_SKIPS
                     if data.startswith(opener, start)), None)
        if skip is not None:
            end = data.find(skip[1], start + len(skip[0]))
            if end < 0:
                break
            pos = end + len(skip[1])
            continue
        tag = _XML_TAG.match(data, start)
        if tag is None:
            break
        pos = tag.end()
        if data.startswith(b"</", start):
            level = max(level - 1, 0)
        elif data.startswith(b"<!", start) or data[pos - 2:pos] == b"/>":
            continue  # a declaration (<!DOCTYPE ...>) or an empty element
        else:
            level += 1
            deepest = max(deepest, level)
            if deepest > bound:
                break
    return deepest
