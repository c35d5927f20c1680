"""`kg query`: SPARQL against the published Oxigraph store, printed as a table or a format."""

from __future__ import annotations

import pyoxigraph

from kg import formats
from kg.release.publication import Publication
from kg.settings import Settings
from kg.vocab import prefixes


def _cell(term: object | None) -> str:
    if term is None:
        return ""
    if isinstance(term, pyoxigraph.Literal):
        return term.value
    if isinstance(term, pyoxigraph.NamedNode):
        return term.value
    return str(term)


def _text(data: bytes | None) -> str:
    assert data is not None  # no output file given: pyoxigraph returns the bytes
    return data.decode()


def run_query(settings: Settings, sparql: str, fmt: str = "table") -> str:
    publication = Publication.current(settings.dist_dir)
    if publication is None:
        raise RuntimeError(f"no publication at {settings.dist_dir}: run `kg build` first")
    store = pyoxigraph.Store.read_only(str(publication.store_path))
    try:
        result = store.query(sparql,
                             prefixes=prefixes(settings.base_uri))  # as the endpoint does
    except SyntaxError as exc:
        raise ValueError(f"malformed SPARQL: {exc}") from None
    if isinstance(result, pyoxigraph.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if isinstance(result, pyoxigraph.QueryTriples):
        return _text(result.serialize(format=pyoxigraph.RdfFormat.TURTLE))
    if fmt in formats.by_name and formats.by_name[fmt].kind == "results":
        results_format = formats.by_name[fmt].oxigraph
        assert isinstance(results_format, pyoxigraph.QueryResultsFormat)  # every results row has one
        return _text(result.serialize(format=results_format))
    names = [v.value for v in result.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in result]
    return table(names, rows)


def table(headers: list[str], rows: list[list[str]], max_width: int = 80) -> str:
    """A plain-text table that fits a terminal: long cells are cut with an ellipsis."""
    def clip(text: str) -> str:
        text = text.replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[clip(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out = [line, "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |", line]
    out += ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in cells]
    out += [line, f"{len(rows)} row(s)"]
    return "\n".join(out) + "\n"
