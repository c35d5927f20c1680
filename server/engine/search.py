"""Reading a release's full-text index (``kg.release.search_index`` writes it): ranked search
with snippets, entity-name completion, and what the SPARQL text functions ask
(``server.engine.text_functions``).

No Flask here: the ``/search`` views (``server.linked_data.search``) and the executor processes
(``server.engine.worker``) both read the index through this module. The file is opened
read-only and ``immutable`` (a release folder never changes), one connection per thread.

Query syntax is FTS5's (words, ``"phrases"``, ``prefix*``, ``AND``/``OR``/``NOT``, parentheses,
``NEAR(...)``), made forgiving for text pasted from articles: a word FTS5 would reject for its
punctuation (``U.S.``, ``Bukele's``) is searched as a phrase of its words. Anything still not
valid raises :class:`SearchError` with SQLite's reason, for a 400.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

#: The schema version this reader understands (``kg.release.search_index.SCHEMA_VERSION``).
SCHEMA_VERSION = "1"
KINDS = ("article", "sentence", "quotation", "entity")
MAX_QUERY = 256  # characters: enough for any real question, bounded work for FTS5
MAX_PAGE = 100
SNIPPET_WORDS = 24
OPEN, CLOSE = "\x02", "\x03"  # snippet match markers (never in the indexed text)
#: Column weights for bm25: a title (article headline, entity label) counts triple.
WEIGHTS = (3.0, 1.0)
SYNTAX_HELP = ('write words, "exact phrases", prefix*, AND, OR, NOT and parentheses, '
               "e.g. rubio AND prison*")

_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')
_BAREWORD = re.compile(r"[A-Za-z0-9_\u0080-\U0010ffff]+\*?")
_OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
_WORD = re.compile(r"\w+")


class SearchError(ValueError):
    """The search text cannot be run; the message names the problem (answer 400)."""


class NoIndex(RuntimeError):
    """The release has no (readable) search index (answer 503: rebuild)."""


def fts_query(text: str) -> str:
    """The user's text as an FTS5 query, or SearchError if it is empty or too long."""
    text = text.strip()
    if not text:
        raise SearchError(f"empty search: give some words to look for in q; {SYNTAX_HELP}")
    if len(text) > MAX_QUERY:
        raise SearchError(f"search text too long: {len(text)} characters, at most {MAX_QUERY}")
    _no_controls(text)
    out = []
    for token in _TOKEN.findall(text):
        if token.startswith('"') or token in "()" or token in _OPERATORS or \
                _BAREWORD.fullmatch(token):
            out.append(token)
        else:  # punctuation inside a word: FTS5 would refuse it; search its words as a phrase
            star = token.endswith("*")
            out.append('"' + token.rstrip("*") + '"' + ("*" if star else ""))
    return " ".join(out)


def _no_controls(text: str) -> None:
    if bad := next((c for c in text if ord(c) < 32 and c not in "\t\n\r"), None):
        raise SearchError(f"the search text holds a control character (U+{ord(bad):04X})")


@dataclass
class Hit:
    """One match: the thing found and the sentence, article and entities it links to."""

    kind: str
    iri: str
    score: float  #: higher is better (bm25, negated)
    title: str
    snippet: str  #: plain text around the matches
    highlights: list[tuple[int, int]]  #: [start, end) of each match in ``snippet``
    article: str | None
    article_title: str | None
    sentence: str | None
    entities: list[tuple[str, str]] = field(default_factory=list)  #: (IRI, label)

    def as_json(self) -> dict:
        return {
            "kind": self.kind, "iri": self.iri, "score": round(self.score, 4),
            "title": self.title, "snippet": self.snippet,
            "highlights": [list(h) for h in self.highlights],
            "article": self.article, "article_title": self.article_title,
            "sentence": self.sentence,
            "entities": [{"iri": iri, "label": label} for iri, label in self.entities],
        }


def split_snippet(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """FTS5's snippet with markers as plain text and the spans of its matches."""
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    length, start = 0, None
    for part in re.split(f"([{OPEN}{CLOSE}])", marked):
        if part == OPEN:
            start = length
        elif part == CLOSE:
            if start is not None:
                spans.append((start, length))
            start = None
        else:
            text.append(part)
            length += len(part)
    return "".join(text), spans


class SearchIndex:
    """One release's index file; safe to share between threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        try:
            version = self._db().execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.Error as exc:
            raise NoIndex(f"the search index {path.name} cannot be read: {exc}") from None
        if version is None or version[0] != SCHEMA_VERSION:
            raise NoIndex(f"the search index {path.name} has schema {version and version[0]}, "
                          f"this server reads {SCHEMA_VERSION}; rebuild the release")

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            if not self.path.is_file():
                raise NoIndex(f"this release has no search index ({self.path.name}); rebuild it "
                              "with `kg build`")
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                 check_same_thread=False)
            self._local.db = db
        return db

    def _run(self, sql: str, params: tuple | list) -> list[tuple]:
        try:
            return self._db().execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            message = str(exc).replace('near ""', "at the end of the query")
            if message.startswith(("fts5:", "unterminated string", "no such column")):
                raise SearchError(f"the search query is not valid ({message}); {SYNTAX_HELP}"
                                  ) from None
            raise

    # ------------------------------------------------------------------ /search

    def search(self, text: str, kinds: tuple[str, ...] = KINDS, limit: int = 20,
               offset: int = 0) -> tuple[int, list[Hit]]:
        """The total number of matches and one page of them, best first."""
        query = fts_query(text)
        unknown = [k for k in kinds if k not in KINDS]
        if unknown or not kinds:
            raise SearchError(f"unknown kind {unknown[0] if unknown else ''!r}; "
                              f"kinds are {', '.join(KINDS)}")
        only = f"AND d.kind IN ({','.join('?' * len(kinds))})" if kinds != KINDS else ""
        args = [query, *(kinds if only else ())]
        total = self._run(f"""SELECT COUNT(*) FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid
                              WHERE docs_fts MATCH ? {only}""", args)[0][0]
        rows = self._run(f"""
            SELECT d.kind, d.iri, d.title, d.article, d.sentence, d.entities,
                   bm25(docs_fts, {WEIGHTS[0]}, {WEIGHTS[1]}),
                   snippet(docs_fts, -1, '{OPEN}', '{CLOSE}', '…', {SNIPPET_WORDS}),
                   a.title
            FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid
            LEFT JOIN articles a ON a.iri = d.article
            WHERE docs_fts MATCH ? {only}
            ORDER BY bm25(docs_fts, {WEIGHTS[0]}, {WEIGHTS[1]}), d.id
            LIMIT ? OFFSET ?""", [*args, min(limit, MAX_PAGE), offset])
        entity_iris = {iri for row in rows for iri in json.loads(row[5])}
        labels = self.labels(entity_iris)
        hits = []
        for kind, iri, title, article, sentence, entities, rank, marked, article_title in rows:
            snippet, spans = split_snippet(marked)
            hits.append(Hit(
                kind=kind, iri=iri, score=-rank, title=title or "", snippet=snippet,
                highlights=spans, article=article, article_title=article_title,
                sentence=sentence,
                entities=[(e, labels.get(e, e)) for e in json.loads(entities)],
            ))
        return total, hits

    def labels(self, iris: set[str] | list[str]) -> dict[str, str]:
        """Each entity's preferred name."""
        found: dict[str, str] = {}
        iris = sorted(iris)
        for start in range(0, len(iris), 500):
            chunk = iris[start : start + 500]
            for iri, name in self._run(
                f"SELECT iri, MIN(name) FROM names WHERE preferred AND iri IN "
                f"({','.join('?' * len(chunk))}) GROUP BY iri", chunk):
                found[iri] = name
        return found

    # ------------------------------------------------------------------ completion

    def complete(self, text: str, limit: int = 10) -> list[dict]:
        """Entities whose label or alias has words starting with the words of ``text`` (the
        last one a prefix): label-prefix matches first, then the most mentioned."""
        if len(text) > MAX_QUERY:
            raise SearchError(f"completion text too long: {len(text)} characters, at most "
                              f"{MAX_QUERY}")
        _no_controls(text)
        words = _WORD.findall(text)
        if not words:
            raise SearchError("empty completion: give the start of a name in q")
        query = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
        rows = self._run("""SELECT n.iri, n.name, n.preferred, n.mentions
                            FROM names_fts JOIN names n ON n.id = names_fts.rowid
                            WHERE names_fts MATCH ? LIMIT 500""", [query.strip()])
        typed = " ".join(text.split()).casefold()
        best: dict[str, tuple] = {}
        for iri, name, preferred, mentions in rows:
            key = (not name.casefold().startswith(typed), -mentions, not preferred, len(name),
                   name)
            if iri not in best or key < best[iri][0]:
                best[iri] = (key, name)
        ranked = sorted(best.items(), key=lambda kv: kv[1][0])[:limit]
        labels = self.labels([iri for iri, _ in ranked])
        return [{"iri": iri, "label": labels.get(iri, name), "matched": name,
                 "mentions": -key[1]} for iri, (key, name) in ranked]

    # ------------------------------------------------------------------ SPARQL

    def scores(self, text: str) -> dict[str, float]:
        """Every matching IRI (any kind) and its best score: what the SPARQL functions test."""
        found: dict[str, float] = {}
        for iri, rank in self._run(
            f"""SELECT d.iri, bm25(docs_fts, {WEIGHTS[0]}, {WEIGHTS[1]})
                FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid
                WHERE docs_fts MATCH ?""", [fts_query(text)]):
            found[iri] = max(found.get(iri, float("-inf")), -rank)
        return found

    def snippet(self, text: str, iri: str) -> str | None:
        rows = self._run(
            f"""SELECT snippet(docs_fts, -1, '«', '»', '…', {SNIPPET_WORDS})
                FROM docs_fts JOIN docs d ON d.id = docs_fts.rowid
                WHERE docs_fts MATCH ? AND d.iri = ?
                ORDER BY bm25(docs_fts, {WEIGHTS[0]}, {WEIGHTS[1]}) LIMIT 1""",
            [fts_query(text), iri])
        return rows[0][0] if rows else None


_open: dict[str, SearchIndex] = {}
_open_lock = threading.Lock()


def open_index(path: Path) -> SearchIndex:
    """The index at ``path``, opened once per process (releases are immutable; a new release
    is a new path). Raises NoIndex if it is missing or of another schema."""
    key = str(path)
    index = _open.get(key)
    if index is None:
        if not path.is_file():
            raise NoIndex(f"this release has no search index ({path.name}); rebuild it with "
                          "`kg build`")
        with _open_lock:
            index = _open.get(key) or SearchIndex(path)
            if len(_open) >= 4:  # old releases: let them close
                _open.clear()
            _open[key] = index
    return index
