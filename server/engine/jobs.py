"""The messages between a web worker and its query executors (``server.engine.worker``).

They live in a module of their own so that both sides unpickle them as the same classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class QueryJob(NamedTuple):
    """One SPARQL query. ``None`` graphs mean: the query's own dataset or the store's (whose
    default graph holds every triple of every graph once, ``kg.release.publish``).

    A named tuple rather than a frozen dataclass: one is made for every query, lookups
    included, and a frozen dataclass of eleven fields takes ~2.5 us to build (~0.5 us here)."""

    store: str
    query: str
    base_iri: str | None
    prefixes: dict[str, str]
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    bindings_format: str | None  # None: the client accepts no format for SELECT/ASK
    graph_format: str | None  # None: the client accepts no format for CONSTRUCT/DESCRIBE
    max_rows: int
    budget: float
    #: the release's full-text index, for the SPARQL text functions (server.engine.text_functions)
    search_index: str | None = None


@dataclass(frozen=True)
class GraphJob:
    """Graph Store Protocol GET: one whole graph (``graph=None``: the default graph)."""

    store: str
    graph: str | None
    format: str
    prefixes: dict[str, str]
    budget: float


@dataclass(frozen=True)
class WriteJob:
    """A change to the admin working copy: ``update`` text or a Graph Store ``put``/``post``/
    ``delete`` (``graph=None``: the default graph); ``open`` only makes sure the copy exists."""

    release_store: str
    work_dir: str
    op: str
    budget: float
    text: str = ""
    graph: str | None = None
    base_iri: str | None = None
    #: put/post: (name for messages, empty for a lone payload; media type; data) of each
    #: document; a multipart POST has several, added as their RDF merge
    parts: tuple[tuple[str, str, bytes], ...] = ()
    #: where the change is recorded as a curation patch (``kg.curation``); empty: not recorded
    curation_dir: str = ""
    agent: str = ""  # who asked (the ``From`` header, else the token bearer)
    request: str = ""  # what asked, for the patch's header


@dataclass
class Reply:
    """What comes back: a body ready to send, or an error ``code`` with a message."""

    ok: bool = True
    code: str = ""
    message: str = ""
    kind: str = ""  # bindings, boolean, graph
    format: str = ""
    body: bytes = b""
    rows: int = 0
    truncated: bool = False
    extra: dict = field(default_factory=dict)


def failure(code: str, message: str) -> Reply:
    return Reply(ok=False, code=code, message=message)


#: The first message an executor sends, once it has started and can take a job: the web
#: worker waits for it before a job's time limit starts (``server.engine.executors``).
READY = "ready"
