"""Reading the store for the linked-data pages: SPARQL over the default graph, with our prefixes.

Pages look at the dataset as one graph (a fact is shown whichever named graph holds it): the
store's default graph holds every graph's triples once (``kg.release.publish``), and every page
query goes through :func:`select`, which sets the prefixes and SEP-0007 bindings the same way
each time.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.vocab import prefixes

#: IRIs put in one ``VALUES`` block: keeps each query small whatever a page asks for.
VALUES_CHUNK = 400
QueryResult = ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean


def select(
    store: ox.Store, sparql: str, base: str, **bindings: ox.NamedNode | ox.Literal
) -> ox.QuerySolutions:
    """A SELECT over the default graph (every graph's triples), with our prefixes and bound variables.

    Bound variables must appear in the projection (SEP-0007 substitution)."""
    return solutions(store.query(
        sparql,
        prefixes=prefixes(base),
        substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
    ))


def solutions(result: QueryResult) -> ox.QuerySolutions:
    """The rows of a SELECT's result (pyoxigraph types every result as any of the three kinds)."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"expected the solutions of a SELECT, got {type(result).__name__}")
    return result


def triples(result: QueryResult) -> ox.QueryTriples:
    """The triples of a CONSTRUCT's result."""
    if not isinstance(result, ox.QueryTriples):
        raise TypeError(f"expected the triples of a CONSTRUCT, got {type(result).__name__}")
    return result


def count(store: ox.Store, sparql: str, base: str, **bindings: ox.NamedNode | ox.Literal) -> int:
    """The ``?n`` of the first row of a counting SELECT (0 when there is none)."""
    rows = list(select(store, sparql, base, **bindings))
    return int(rows[0]["n"].value) if rows and rows[0]["n"] is not None else 0


def exists(store: ox.Store, iri: str) -> bool:
    """Whether the IRI names anything in the store: as subject, object or graph name."""
    node = ox.NamedNode(iri)
    for pattern in ((node, None, None, None), (None, None, node, None), (None, None, None, node)):
        if next(iter(store.quads_for_pattern(*pattern)), None) is not None:
            return True
    return False


def iri_values(iris: Iterable[str]) -> str:
    """The IRIs written for a SPARQL ``VALUES`` block (each checked by Oxigraph)."""
    return " ".join(str(ox.NamedNode(i)) for i in iris)
