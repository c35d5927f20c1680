"""What a SPARQL query request asks for, without Flask: the formats it negotiates, the job it
makes and the key its answer is cached under.

Both the Flask view (``server.sparql.endpoint``) and the WSGI front
(``server.sparql.front_lookups``) build their jobs here, so a request answered before Flask
and one answered by Flask are the same job with the same cache key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kg.formats import GRAPHS, RESULTS
from server.engine.jobs import QueryJob
from server.negotiation import NotAcceptable, UnknownFormat, choose


@lru_cache(maxsize=256)
def negotiate_formats(
    accept: str | None, requested: tuple[str, ...], form: str | None
) -> tuple[str | None, str | None] | tuple[int, str]:
    """Cached on the raw header: clients send the same few Accept values again and again."""
    parsed = parse_accept_header(accept, MIMEAccept)
    chosen: list[str | None] = []
    for formats, what in ((RESULTS, "SELECT and ASK results"), (GRAPHS, "CONSTRUCT results")):
        try:
            chosen.append(choose(formats, parsed, list(requested), what).name)
        except UnknownFormat as exc:
            return 400, str(exc)
        except NotAcceptable:
            chosen.append(None)
    bindings, graphs = chosen
    needed = bindings if form in ("SELECT", "ASK") else graphs if form else bindings or graphs
    if needed is None:
        offered = RESULTS if form in ("SELECT", "ASK") or form is None else GRAPHS
        return 406, str(NotAcceptable(offered, f"{form or 'this'} query results"))
    return bindings, graphs


def make_job(
    config: Mapping, store: str, text: str, formats: tuple[str | None, str | None],
    timeout: float, defaults: Sequence[str] = (), named: Sequence[str] = (),
    search_index: str | None = None,
) -> QueryJob:
    """The job for a checked request (``config``: the app's config); ``search_index``: the
    release's full-text index, for the text functions."""
    protocol_dataset = bool(defaults or named)
    # positional (a named tuple built by keyword takes twice as long): the fields in order
    return QueryJob(
        store,
        text,
        config["KG_SETTINGS"].base_uri,  # base_iri
        config["KG_PREFIXES"],  # prefixes
        # The protocol's dataset replaces the query's; with neither, the store's default graph
        # is every graph's triples, each once (kg.release.publish writes it so).
        tuple(defaults) if protocol_dataset else None,  # default_graphs
        tuple(named) if protocol_dataset else None,  # named_graphs
        formats[0],  # bindings_format
        formats[1],  # graph_format
        config["KG_LIMITS"].max_rows,  # max_rows
        timeout,  # budget
        search_index,
    )


def answer_key(job: QueryJob) -> tuple:
    """Everything an answer depends on: the key of the worker's answer cache."""
    return (job.store, job.query, job.base_iri, job.default_graphs, job.named_graphs,
            job.bindings_format, job.graph_format, job.max_rows)
