"""The SPARQL text functions: ``kg:textMatch``, ``kg:textScore`` and ``kg:textSnippet`` over the
release's full-text index, registered by the query executors (``server.engine.worker``) as
pyoxigraph custom functions for a query that names one of them.

Functions rather than the index as triples: pyoxigraph's extension point is a function of
terms, and an index published as triples could not rank, match phrases or prefixes; the cost
is that a function tests the candidates a pattern binds, it does not produce them
(``bench/search.py`` measures both ways against a CONTAINS scan).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from server.engine.search import NoIndex, SearchError, SearchIndex, open_index

#: The text functions, by local name in the ontology namespace (``kg:textMatch`` ...), with
#: what the Service Description says of each (``sd:extensionFunction``).
FUNCTION_DOCS = {
    "textMatch": 'kg:textMatch(?node, "search"): true if the sentence, article, quotation or '
                 "entity ?node matches the full-text search (words, \"phrases\", prefix*, AND, "
                 "OR, NOT), else false.",
    "textScore": 'kg:textScore(?node, "search"): the relevance of ?node to the search (bm25, '
                 "higher is better); unbound when it does not match.",
    "textSnippet": 'kg:textSnippet(?node, "search"): the text of ?node around the matching '
                   "words, each match between « and »; unbound when it does not match.",
}
FUNCTIONS = tuple(FUNCTION_DOCS)
XSD = "http://www.w3.org/2001/XMLSchema#"


class TextFunctions:
    """The SPARQL extension functions over one index, for one query:

    * ``kg:textMatch(?node, "search")``: true if ``?node`` (a sentence, article, quotation or
      entity IRI) matches the search, else false;
    * ``kg:textScore(?node, "search")``: its relevance (bm25, higher is better), unbound if it
      does not match;
    * ``kg:textSnippet(?node, "search")``: the matching text around the words, «marked».

    The matches of each search text are read from the index once per query; a bad search text
    is remembered in ``error`` and the executor answers 400 with it instead of rows."""

    def __init__(self, index: SearchIndex | None, namespace: str, why: str = "") -> None:
        self.index = index
        self.namespace = namespace
        self.why = why
        self.error: str | None = None
        self._scores: dict[str, dict[str, float]] = {}

    def registry(self) -> dict[ox.NamedNode, Callable]:
        return {ox.NamedNode(self.namespace + name): getattr(self, name) for name in FUNCTIONS}

    def _matches(self, name: str, node: object, search: object) -> tuple[str, dict] | None:
        if not isinstance(search, ox.Literal):
            self.error = self.error or f"kg:{name} takes the search text as a string literal"
            return None
        if self.index is None:
            self.error = self.error or f"kg:{name}: {self.why}"
            return None
        text = search.value
        if text not in self._scores:
            try:
                self._scores[text] = self.index.scores(text)
            except SearchError as exc:  # once per text: the query answers 400 anyway
                self.error = self.error or f"kg:{name}: {exc}"
                self._scores[text] = {}
                return None
        if not isinstance(node, ox.NamedNode):
            return text, {}
        return text, self._scores[text]

    def textMatch(self, node: object, search: object) -> ox.Literal | None:  # noqa: N802
        found = self._matches("textMatch", node, search)
        if found is None:
            return None
        return ox.Literal("true" if node.value in found[1] else "false",  # type: ignore[attr-defined]
                          datatype=ox.NamedNode(XSD + "boolean"))

    def textScore(self, node: object, search: object) -> ox.Literal | None:  # noqa: N802
        found = self._matches("textScore", node, search)
        if found is None or not isinstance(node, ox.NamedNode) or node.value not in found[1]:
            return None
        return ox.Literal(repr(found[1][node.value]), datatype=ox.NamedNode(XSD + "double"))

    def textSnippet(self, node: object, search: object) -> ox.Literal | None:  # noqa: N802
        found = self._matches("textSnippet", node, search)
        if found is None or not isinstance(node, ox.NamedNode) or node.value not in found[1]:
            return None
        assert self.index is not None
        snippet = self.index.snippet(found[0], node.value)
        return ox.Literal(snippet) if snippet is not None else None


def text_functions(query: str, index_path: str | None, namespace: str) -> TextFunctions | None:
    """The text functions for a query that names one of them (else None: nothing to add)."""
    if not any(name in query for name in FUNCTIONS):
        return None
    if index_path is None:
        return TextFunctions(None, namespace, "this server has no search index for the query")
    try:
        return TextFunctions(open_index(Path(index_path)), namespace)
    except NoIndex as exc:
        return TextFunctions(None, namespace, str(exc))
