"""Which graphs a SPARQL Update can change, read from its text, so the admin writer diffs those
instead of the whole store when it records the update as curation (``kg.curation``).

pyoxigraph exposes no parsed update, so this is conservative: it may name more graphs than the
update touches, never fewer. An update changes a named graph only through an IRI that names it:
written out (``<http://…/g>``), relative to a base (``<g>``), or as a prefixed name (``p:g``,
whose namespace is itself an IRI in the text), unless a variable or ``ALL``/``NAMED`` picks
graphs. So: any ``?``/``$`` (a variable, or just a question mark in a string), the words ALL
or NAMED, or a backslash (escapes can spell an IRI differently) and the answer is "any graph"
(None); otherwise it is the store's named graphs whose IRI appears in the text, whole or as a
remainder after a namespace or base IRI that does. The default graph is always diffed, and
graphs the update creates are found by comparing the graph names before and after.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_IRI = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")
_ANY_GRAPH = re.compile(r"[?$\\]|\b(?:ALL|NAMED)\b", re.IGNORECASE)


def graphs_named(text: str, base_iri: str | None, graphs: Iterable[str]) -> set[str] | None:
    """The named graphs among ``graphs`` that ``text`` may change, or None for any of them."""
    if _ANY_GRAPH.search(text):
        return None
    namespaces = {iri for iri in _IRI.findall(text) if iri}
    if base_iri:
        namespaces.add(base_iri)
    found = set()
    for graph in graphs:
        if graph in text or any(
            graph.startswith(ns) and graph[len(ns):] in text for ns in namespaces
        ):
            found.add(graph)
    return found
