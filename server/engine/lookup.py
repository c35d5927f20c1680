"""Which SPARQL queries are simple lookups, cheap enough to run where they cannot be stopped.

Every query normally runs in an executor process, because a query past the time limit can
only be stopped by killing its process: pyoxigraph cannot cancel one. The round trip costs
about half a millisecond, several times a lookup such as "every property of this entity", so
the web worker answers *simple lookups* itself. pyoxigraph releases the GIL while it
evaluates, but an in-process query runs to its end, so the class has to be one whose cost is
bounded by the text alone: triple patterns with a constant (IRI or literal) as subject or
object, forming one connected group, with no filter, path, optional part, union, subquery,
aggregate, blank node or nested group. Each such pattern is an index scan anchored on its
constant, their join streams its solutions, and the output is cut at the row cap, so the
work is the scans plus the rows sent. Everything else goes to the killable executors.

Three refinements keep that argument true where the plain pattern shape would not:

- A predicate variable that occurs in another pattern joins on predicates: per predicate,
  every pair of matching rows (``<e> ?p ?x . <f> ?p ?y``, or ``<e> <p> ?x . <e> <q> ?y .
  <c> ?x ?y``, measured quadratic in the predicates of ``<c>`` with no row sent), so it is
  refused.
- With more than one pattern, ``DISTINCT``/``REDUCED``, ``OFFSET`` and ``CONSTRUCT`` (whose
  triples Oxigraph deduplicates) can consume any number of join solutions without sending a
  row, so the row cap no longer bounds the work. With one pattern they are a single scan.
- At most 8 patterns, 8 IRIs for ``DESCRIBE`` and 4096 characters of text: pyoxigraph's
  parser overflows a worker thread's stack on some long texts (a ``DESCRIBE`` of ~650 IRIs).

The join order is still Oxigraph's, so "scans plus rows" is an argument, not a proof; and the
rows themselves can be large (a cross product of several patterns on one subject repeats its
longest literals in every row). ``server.engine.lookup_runner`` therefore also stops pulling rows
past a byte budget and hands such a query to an executor, and counts any lookup that overruns
the time limit.

The recogniser is a strict tokenizer (one regular expression) and a small recursive-descent
parser for exactly that class; pyoxigraph exposes no algebra and rdflib's parser takes
milliseconds. It is conservative: anything it does not positively recognise is not a lookup,
which only costs the executor round trip, while a wrong "yes" could let a heavy query run
unstoppably in the web worker.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

#: The most triple patterns a lookup may have (after expanding ``;`` and ``,`` lists), and the
#: most IRIs a lookup ``DESCRIBE`` may name.
MAX_PATTERNS = 8
#: The longest text that can be a lookup (characters).
MAX_TEXT = 4096

# SPARQL 1.1 terminals (https://www.w3.org/TR/sparql11-query/#grammar), kept strict: no
# ``\``/``%`` escapes in names, only ECHAR escapes in strings, no ``+`` sign on numbers (after a
# predicate, ``<p>+5`` is the path ``<p>+`` to 5 for Oxigraph), ASCII white space only.
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_CHARS_U = _BASE + "_"
_CHARS = _CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PNAME = f"(?:[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?)?:(?:[{_CHARS_U}:0-9](?:[{_CHARS}.:]*[{_CHARS}:])?)?"
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_ECHAR = r"""\\[tbnrf\\"']"""
_STRING = (
    rf'"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*"""'
    rf"|'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''"
    rf'|"(?:[^"\\\n\r]|{_ECHAR})*"'
    rf"|'(?:[^'\\\n\r]|{_ECHAR})*'"
)
# BCP 47 language, script, region and variants (Oxigraph checks tags; extensions are refused here).
_LANG = (
    "[a-zA-Z]{2,3}(?:-[a-zA-Z]{4})?(?:-(?:[a-zA-Z]{2}|[0-9]{3}))?"
    "(?:-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*(?![a-zA-Z0-9-])"
)
_TOKEN = re.compile(
    rf"""
      (?P<ws>[ \t\r\n]+|\#[^\n\r]*)
    | (?P<var>[?$][{_CHARS_U}0-9][{_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
    | (?P<word>[A-Za-z][A-Za-z0-9_]*(?![.{_CHARS}]*:)(?![{_CHARS}]))   # not a prefixed name
    | (?P<iri>{_IRI})
    | (?P<punct>[{{}};,*]|\.(?![0-9]))
    | (?P<lit>(?:{_STRING})(?:@{_LANG}|\^\^(?:{_IRI}|(?P<dt>{_PNAME})))?)
    | (?P<num>-?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+))
    | (?P<pname>{_PNAME})
    | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# The commonest lookups ("every property of this entity": one triple pattern, an IRI at one
# end, no prefixed name, no literal, no comment, keywords and terms set apart by white space)
# read in one match, before the tokenizer: ~1 us against ~10 for the full scan, which a text
# nobody sent before would pay. Whatever this does not match goes to the full scan, and what
# it matches reads exactly as the full scan reads it (a test compares the two).
_SIMPLE_VAR = r"[?$][A-Za-z0-9_]+"
_SIMPLE = re.compile(
    rf"""[ \t\r\n]*
    (?: (?P<select>(?i:SELECT)) (?:[ \t\r\n]+(?i:DISTINCT|REDUCED))?
        (?P<vars>(?:[ \t\r\n]+{_SIMPLE_VAR})+|[ \t\r\n]*\*)
      | (?i:ASK) )
    (?:[ \t\r\n]+(?i:WHERE))? [ \t\r\n]* \{{ [ \t\r\n]*
    (?P<s>{_IRI}|{_SIMPLE_VAR}) [ \t\r\n]+ (?:{_IRI}|{_SIMPLE_VAR}|a) [ \t\r\n]+
    (?P<o>{_IRI}|{_SIMPLE_VAR}) [ \t\r\n]* (?:\.[ \t\r\n]*)? \}}
    (?:[ \t\r\n]*(?i:LIMIT)[ \t\r\n]+(?P<limit>[0-9]{{1,18}}))? [ \t\r\n]*""",
    re.VERBOSE | re.ASCII,  # ASCII: no "ſelect" read as SELECT under IGNORECASE
)

_END = ("end", "")
_LBRACE = ("punct", "{")
_RBRACE = ("punct", "}")
_DOT = ("punct", ".")
_SEMI = ("punct", ";")
_COMMA = ("punct", ",")
_STAR = ("punct", "*")
_IRIS = ("iri", "pname")


def is_lookup(text: str, predeclared: frozenset[str] = frozenset()) -> bool:
    """True when ``text`` is a query in the simple-lookup class (see the module docstring).

    ``predeclared``: prefix labels (``schema``, not ``schema:``) the endpoint declares for
    every query, which the text may use without a ``PREFIX`` line.
    """
    # A lookup is short; a long text is not one (and pyoxigraph's parser recurses on some long
    # texts deeply enough to overflow a worker thread's stack: a DESCRIBE of ~650 IRIs does).
    return len(text) <= MAX_TEXT and _remembered(text, predeclared).kind != _NOT


def uses_prefixed_names(text: str, predeclared: frozenset[str] = frozenset()) -> bool:
    """False only for a lookup whose text has no prefixed name (nor a literal typed with one),
    so parsing it needs none of the endpoint's predeclared prefixes; True otherwise."""
    return len(text) > MAX_TEXT or _remembered(text, predeclared).kind != _PLAIN


def lookup_form(text: str, predeclared: frozenset[str] = frozenset()) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` for a lookup, None for any other text.

    A lookup's form is the keyword after its prologue, which is what
    ``server.engine.syntax.shape`` reads for it; and a lookup calls no function, so no
    volatile one: the front takes both from here and scans a new lookup's text once, not twice.
    """
    return _remembered(text, predeclared).form if len(text) <= MAX_TEXT else None


def stated_limit(text: str, predeclared: frozenset[str] = frozenset()) -> int | None:
    """The ``LIMIT`` a lookup states, or None (none stated, or not a lookup). A lookup's text
    ends with its solution modifiers, so one without a LIMIT takes one appended on a line of
    its own (``server.engine.lookup_runner`` bounds its rows so)."""
    return _remembered(text, predeclared).limit if len(text) <= MAX_TEXT else None


def classified(text: str, predeclared: frozenset[str] = frozenset()) -> Classified:
    """All of the above at once (one memo lookup instead of one per question): for a caller
    that needs the form, the prefixed names and the LIMIT of the same text."""
    return _remembered(text, predeclared) if len(text) <= MAX_TEXT else _NOT_LOOKUP


#: What ``_classify`` says of a text: not a lookup, a lookup without prefixed names, with them.
_NOT, _PLAIN, _PREFIXED = 0, 1, 2


class Classified(NamedTuple):
    """What the recogniser says of a text."""

    kind: int  # _NOT, _PLAIN or _PREFIXED
    limit: int | None = None  # the LIMIT a lookup states
    form: str | None = None  # SELECT, ASK, CONSTRUCT or DESCRIBE (a lookup's)

    @property
    def prefixed(self) -> bool:
        """``uses_prefixed_names``: False only for a lookup without prefixed names."""
        return self.kind != _PLAIN


_Classified = Classified
_NOT_LOOKUP = Classified(_NOT)


@lru_cache(maxsize=1024)
def _remembered(text: str, predeclared: frozenset[str]) -> _Classified:
    return _classify(text, predeclared)


def _scan(text: str, predeclared: frozenset[str] = frozenset()) -> bool:
    return _classify(text, predeclared).kind != _NOT


def _classify(text: str, predeclared: frozenset[str] = frozenset()) -> _Classified:
    simple = _simple(text)
    return simple if simple is not None else _parse(text, predeclared)


def _simple(text: str) -> _Classified | None:
    """The common one-pattern lookup read in one match (``_SIMPLE``), or None: ask ``_parse``."""
    match = _SIMPLE.fullmatch(text)
    if match is None or (match["s"][0] != "<" and match["o"][0] != "<"):
        return None  # (neither end a constant: not a lookup, which _parse says)
    limit = match["limit"]
    if match["select"] is None:
        return None if limit is not None else _Classified(_PLAIN, None, "ASK")  # ASK takes none
    projected = match["vars"].split()
    if len({name[1:] for name in projected}) != len(projected):
        return None  # ?x twice (Oxigraph refuses it)
    return _Classified(_PLAIN, None if limit is None else int(limit), "SELECT")


def _parse(text: str, predeclared: frozenset[str] = frozenset()) -> _Classified:
    tokens: list[tuple[str, str]] = []
    prefixed = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "ws":
            continue
        if kind == "bad":
            return _NOT_LOOKUP
        if kind == "lit" and match.group("dt") is not None:
            kind = "litp"  # a literal whose datatype is a prefixed name
        if kind == "pname" or kind == "litp":
            prefixed = True
        tokens.append((kind, match.group()))  # type: ignore[arg-type]
    tokens += (_END, _END, _END)
    limit: list[int] = []
    try:
        form = _query(tokens, {label + ":" for label in predeclared}, limit)
    except _NotLookup:
        return _NOT_LOOKUP
    if not form:
        return _NOT_LOOKUP
    return _Classified(_PREFIXED if prefixed else _PLAIN, limit[0] if limit else None, form)


class _NotLookup(Exception):
    """Raised by the parser at the first token outside the class."""


def _word(token: tuple[str, str]) -> str:
    return token[1].upper() if token[0] == "word" else ""


def _query(tokens: list[tuple[str, str]], prefixes: set[str], limit: list[int]) -> str:
    """The form of a lookup (``SELECT``, ...), or "" when the tokens are not one; its LIMIT,
    if it states one, is put in ``limit``."""
    i = 0
    while True:  # prologue
        keyword = _word(tokens[i])
        if keyword == "PREFIX":
            kind, name = tokens[i + 1]
            if kind != "pname" or name.index(":") != len(name) - 1 or tokens[i + 2][0] != "iri":
                return ""
            prefixes.add(name)
            i += 3
        elif keyword == "BASE":
            if tokens[i + 1][0] != "iri":
                return ""
            i += 2
        else:
            break
    i += 1
    collapses = False  # DISTINCT, REDUCED, OFFSET or CONSTRUCT: rows may vanish after the join
    if keyword == "DESCRIBE":
        start = i
        while tokens[i][0] in _IRIS:
            _iri(tokens[i], prefixes)
            i += 1
        return keyword if start < i <= start + MAX_PATTERNS and tokens[i] is _END else ""
    if keyword == "SELECT":
        if _word(tokens[i]) in ("DISTINCT", "REDUCED"):
            collapses = True
            i += 1
        if tokens[i] == _STAR:
            i += 1
        else:
            start = i
            projected = set()
            while tokens[i][0] == "var":
                projected.add(_var(tokens[i][1]))
                i += 1
            if not projected or len(projected) != i - start:  # Oxigraph refuses ?x ?x
                return ""
        if _word(tokens[i]) == "WHERE":
            i += 1
    elif keyword == "ASK":
        if _word(tokens[i]) == "WHERE":
            i += 1
    elif keyword == "CONSTRUCT":
        if _word(tokens[i]) != "WHERE":
            return ""
        collapses = True
        i += 1
    else:
        return ""
    patterns: list[tuple[str, str, str]] = []
    i = _group(tokens, i, prefixes, patterns)
    if keyword != "ASK":
        i, offset = _modifiers(tokens, i, limit)
        collapses = collapses or offset
    if tokens[i] is not _END:
        return ""
    if len(patterns) > 1 and collapses:
        return ""
    return keyword if _anchored(patterns) else ""


def _modifiers(tokens: list[tuple[str, str]], i: int, limit: list[int]) -> tuple[int, bool]:
    """Skip ``LIMIT n`` and ``OFFSET n`` (each at most once), putting n of LIMIT in ``limit``;
    also say whether OFFSET was there."""
    seen: set[str] = set()
    while True:
        keyword = _word(tokens[i])
        if keyword not in ("LIMIT", "OFFSET") or keyword in seen:
            return i, "OFFSET" in seen
        kind, number = tokens[i + 1]
        if kind != "num" or not number.isdigit() or len(number) > 18:
            raise _NotLookup
        seen.add(keyword)
        if keyword == "LIMIT":
            limit.append(int(number))
        i += 2


def _group(tokens: list[tuple[str, str]], i: int, prefixes: set[str],
           patterns: list[tuple[str, str, str]]) -> int:
    """Parse ``{ TriplesBlock? }`` from ``tokens[i]`` into ``patterns``; the index after ``}``."""
    if tokens[i] != _LBRACE:
        raise _NotLookup
    i += 1
    if tokens[i] == _RBRACE:
        return i + 1
    while True:
        subject = _subject(tokens[i], prefixes)
        i += 1
        while True:  # predicate-object list
            verb = _verb(tokens[i], prefixes)
            i += 1
            while True:  # object list
                patterns.append((subject, verb, _object(tokens[i], prefixes)))
                if len(patterns) > MAX_PATTERNS:
                    raise _NotLookup
                i += 1
                if tokens[i] != _COMMA:
                    break
                i += 1
            if tokens[i] != _SEMI:
                break
            while tokens[i] == _SEMI:
                i += 1
            if tokens[i] in (_DOT, _RBRACE):
                break
        dotted = tokens[i] == _DOT
        if dotted:
            i += 1
        if tokens[i] == _RBRACE:
            return i + 1
        if not dotted:
            raise _NotLookup


def _iri(token: tuple[str, str], prefixes: set[str]) -> str:
    kind, text = token
    if kind == "iri":
        return text
    if kind == "pname" and text[: text.index(":") + 1] in prefixes:
        return text
    raise _NotLookup


def _var(text: str) -> str:
    return "?" + text[1:]  # ?x and $x are the same variable


def _subject(token: tuple[str, str], prefixes: set[str]) -> str:
    return _var(token[1]) if token[0] == "var" else _iri(token, prefixes)


def _verb(token: tuple[str, str], prefixes: set[str]) -> str:
    if token == ("word", "a"):
        return "a"
    return _subject(token, prefixes)


def _object(token: tuple[str, str], prefixes: set[str]) -> str:
    kind, text = token
    if kind == "lit" or kind == "num" or (kind == "word" and text in ("true", "false")):
        return text
    if kind == "litp":
        _iri(("pname", text.rsplit("^^", 1)[1]), prefixes)
        return text
    return _subject(token, prefixes)


def _anchored(patterns: list[tuple[str, str, str]]) -> bool:
    """Every pattern has a constant subject or object, a predicate variable occurs in no other
    pattern, and the patterns are connected by shared variables or equal constant subjects."""
    if len(patterns) == 1:
        subject, _, obj = patterns[0]
        return subject[0] != "?" or obj[0] != "?"
    links: list[set[str]] = []
    for subject, verb, obj in patterns:
        if subject[0] == "?" and obj[0] == "?":
            return False
        # Variables start with "?", constant subjects never do; constant objects do not link.
        links.append({term for term in (subject, verb, obj) if term[0] == "?"} | {subject})
    for (_, verb, _), own in zip(patterns, links, strict=True):
        # A predicate variable used anywhere else joins on predicates: per predicate, every
        # pair of matching rows (``<e> <p> ?x . <e> <q> ?y . <c> ?x ?y`` is quadratic in the
        # predicates of <c> and may send nothing).
        if verb[0] == "?" and any(verb in other for other in links if other is not own):
            return False
    if not links:
        return True
    reached = links[0]
    pending = links[1:]
    while pending:
        rest = []
        for keys in pending:
            if keys & reached:
                reached |= keys
            else:
                rest.append(keys)
        if len(rest) == len(pending):
            return False
        pending = rest
    return True
