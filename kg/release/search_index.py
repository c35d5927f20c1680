"""The release's full-text index: SQLite FTS5 (Python's own ``sqlite3``) over what people look
for in the text: each article's body, each NIF sentence, each quotation and each entity's names.

It is written by ``kg.release.publish`` from the same text the dumps are written from, read as a
stream: the default graph (entity names, article titles) is kept in SQLite tables, the named
graphs are read one article graph at a time (``publish_parts`` hands each graph whole), so memory
holds one article, never the graph. The file sits in the release folder and is swapped with it;
``server.engine.search`` reads it (the pages, ``/search`` and the SPARQL text functions).

A row of ``docs`` is one thing a hit can be: ``kind`` (article, sentence, quotation, entity), its
IRI, the article and sentence it lies in and the entities it names, so a hit links to all three.
``names`` holds every label and alias with the entity's mention count, for autocompletion.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import groupby
from pathlib import Path

import pyoxigraph

from kg.vocab import ITSRDF, NIF, SCHEMA, ontology_ns

#: Bumped when the tables change; the reader refuses a file of another version.
SCHEMA_VERSION = "1"
#: Word splitting shared by the writer and every query: Unicode letters and digits, case and
#: diacritics folded (``Zoë`` finds ``Zoe``).
TOKENIZER = "unicode61 remove_diacritics 2"

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
DCTERMS_TITLE = "http://purl.org/dc/terms/title"
PROV_SOURCE = "http://www.w3.org/ns/prov#hadPrimarySource"

TABLES = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs(
  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, iri TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT '',
  article TEXT, sentence TEXT, entities TEXT NOT NULL DEFAULT '[]',
  begin INTEGER, "end" INTEGER);
CREATE INDEX docs_iri ON docs(iri);
CREATE VIRTUAL TABLE docs_fts USING fts5(
  title, body, content='docs', content_rowid='id', tokenize='{TOKENIZER}');
CREATE TABLE names(
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL, name TEXT NOT NULL,
  preferred INTEGER NOT NULL, mentions INTEGER NOT NULL DEFAULT 0);
CREATE INDEX names_iri ON names(iri, preferred);
CREATE VIRTUAL TABLE names_fts USING fts5(
  name, content='names', content_rowid='id', prefix='1 2 3', tokenize='{TOKENIZER}');
CREATE TABLE articles(iri TEXT PRIMARY KEY, title TEXT NOT NULL) WITHOUT ROWID;
"""


#: The per-part rows a release keeps for the next one (``.incremental/``), bumped when they change.
PARTS_VERSION = "1"
PARTS_FILE = "search-parts.sqlite"
PARTS_TABLES = """
CREATE TABLE IF NOT EXISTS p.meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS p.parts(part TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p.rows(
  part TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, iri TEXT NOT NULL,
  body TEXT NOT NULL, article TEXT, sentence TEXT, entities TEXT NOT NULL,
  begin INTEGER, "end" INTEGER, PRIMARY KEY (part, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS p.mentions(
  part TEXT NOT NULL, iri TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (part, iri)) WITHOUT ROWID;
"""
#: One row of ``docs`` an article graph gives: kind, iri, body, article, sentence, entities
#: (JSON), begin, end; an article's title is looked up when the row is inserted.
Row = tuple[str, str, str, str | None, str | None, str, int | None, int | None]


def write_index(default: Path, graphs: Path, target: Path, base_uri: str, *,
                layout: list[tuple[str, int]] | None = None, parts: Path | None = None,
                previous_parts: Path | None = None) -> dict[str, int]:
    """Write the index of a release to ``target`` from its default graph (N-Triples) and its
    named graphs (N-Quads, each graph's lines together). Returns the rows written by kind.

    ``layout`` cuts the named graphs into parts (SHA-256, length), each of whole graphs;
    the rows each part gives are kept in ``parts`` (SQLite) for the next release, which takes
    them from ``previous_parts`` instead of reading the part's quads again. The rows go into
    ``docs`` in part order either way, so the index is the one written from nothing."""
    target.unlink(missing_ok=True)
    layout = layout if layout is not None else [("", graphs.stat().st_size)]
    cache = parts if parts is not None else target.with_name(f".{target.name}.parts")
    cache.unlink(missing_ok=True)
    if previous_parts is not None and previous_parts.is_file() and layout and layout[0][0]:
        shutil.copyfile(previous_parts, cache)
    db = sqlite3.connect(target)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + TABLES)
        db.execute("ATTACH DATABASE ? AS p", (str(cache),))
        db.executescript("PRAGMA p.journal_mode=OFF; PRAGMA p.synchronous=OFF;" + PARTS_TABLES)
        kg = ontology_ns(base_uri)
        _default_graph(db, _quads(default), kg)
        _part_rows(db, graphs, layout, kg, base_uri)
        db.execute("""INSERT INTO docs(kind, iri, title, body, article, sentence, entities, begin,
                                       "end")
                      SELECT r.kind, r.iri,
                             CASE WHEN r.kind = 'article' THEN COALESCE(
                                 (SELECT a.title FROM articles a WHERE a.iri = r.iri), '')
                             ELSE '' END,
                             r.body, r.article, r.sentence, r.entities, r.begin, r."end"
                      FROM temp.layout o JOIN p.rows r ON r.part = o.part
                      ORDER BY o.pos, r.seq""")
        db.execute("""UPDATE names SET mentions = m.n FROM (
                          SELECT x.iri AS iri, SUM(x.n) AS n FROM temp.layout o
                          JOIN p.mentions x ON x.part = o.part GROUP BY x.iri) AS m
                      WHERE names.iri = m.iri""")
        db.execute("""INSERT INTO docs(kind, iri, title, article)
                      SELECT 'article', iri, title, iri FROM articles
                      WHERE iri NOT IN (SELECT iri FROM docs WHERE kind = 'article')""")
        for table in ("docs_fts", "names_fts"):
            db.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
            db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [("schema", SCHEMA_VERSION), ("base_uri", base_uri)])
        counts = dict(db.execute("SELECT kind, COUNT(*) FROM docs GROUP BY kind").fetchall())
        db.commit()
        db.execute("DETACH DATABASE p")
        db.execute("VACUUM")
    finally:
        db.close()
    if parts is None:
        cache.unlink(missing_ok=True)
    return counts


def _part_rows(db: sqlite3.Connection, graphs: Path, layout: list[tuple[str, int]], kg: str,
               base_uri: str) -> None:
    """The rows of every part in ``p.rows`` and ``temp.layout`` (its order): parts the
    previous release's cache holds are kept, the others read; the cache's parts not in this
    release are dropped."""
    meta = dict(db.execute("SELECT key, value FROM p.meta").fetchall())
    if meta != {"version": PARTS_VERSION, "base_uri": base_uri}:
        for table in ("meta", "parts", "rows", "mentions"):
            db.execute(f"DELETE FROM p.{table}")
        db.executemany("INSERT INTO p.meta VALUES (?, ?)",
                       [("version", PARTS_VERSION), ("base_uri", base_uri)])
    db.execute("CREATE TEMP TABLE layout(pos INTEGER PRIMARY KEY, part TEXT NOT NULL)")
    db.executemany("INSERT INTO temp.layout(part) VALUES (?)", ((d,) for d, _ in layout))
    for table in ("parts", "rows", "mentions"):
        db.execute(f"DELETE FROM p.{table} WHERE part NOT IN (SELECT part FROM temp.layout)")
    known = {part for part, in db.execute("SELECT part FROM p.parts")}
    with open(graphs, "rb") as handle:
        for digest, length in layout:
            if digest in known:
                handle.seek(length, 1)
                continue
            data = handle.read(length)
            mentions: Counter[str] = Counter()
            rows: list[Row] = []
            for _, quads in groupby(pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS),
                                    key=lambda q: q.graph_name):
                rows += _article_graph(quads, kg, mentions)
            db.executemany("INSERT INTO p.rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           ((digest, seq, *row) for seq, row in enumerate(rows)))
            db.executemany("INSERT INTO p.mentions VALUES (?, ?, ?)",
                           ((digest, iri, n) for iri, n in sorted(mentions.items())))
            db.execute("INSERT INTO p.parts VALUES (?)", (digest,))
            known.add(digest)


def _quads(path: Path) -> Iterator[pyoxigraph.Quad]:
    return pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS)


def _default_graph(db: sqlite3.Connection, quads: Iterable[pyoxigraph.Quad], kg: str) -> None:
    """Entities (label, aliases) and article titles, gathered in SQL whatever the line order."""
    db.execute("CREATE TEMP TABLE facts(s TEXT NOT NULL, p TEXT NOT NULL, o TEXT NOT NULL)")
    wanted = {RDF_TYPE, RDFS_LABEL, SKOS_PREF, SKOS_ALT, DCTERMS_TITLE}
    db.executemany("INSERT INTO temp.facts VALUES (?, ?, ?)", (
        (q.subject.value, q.predicate.value, q.object.value) for q in quads
        if q.predicate.value in wanted and isinstance(q.subject, pyoxigraph.NamedNode)
        and not isinstance(q.object, pyoxigraph.Triple)
    ))
    db.execute("CREATE INDEX temp.facts_sp ON facts(s, p)")
    entity, article = kg + "Entity", kg + "Article"
    db.execute(f"""
        INSERT INTO names(iri, name, preferred)
        SELECT DISTINCT e.s, f.o, f.p != '{SKOS_ALT}' FROM temp.facts e
        JOIN temp.facts f ON f.s = e.s AND f.p IN ('{SKOS_PREF}', '{RDFS_LABEL}', '{SKOS_ALT}')
        WHERE e.p = '{RDF_TYPE}' AND e.o = ?
        ORDER BY e.s, f.p != '{SKOS_PREF}', f.o""", (entity,))
    # one doc per entity: its first preferred name as title, the other names as its text
    db.execute("""
        INSERT INTO docs(kind, iri, title, body, entities)
        SELECT 'entity', iri, MIN(CASE WHEN preferred THEN name END),
               COALESCE(GROUP_CONCAT(CASE WHEN NOT preferred THEN name END, ' · '), ''),
               json_array(iri)
        FROM names GROUP BY iri ORDER BY iri""")
    db.execute(f"""
        INSERT OR IGNORE INTO articles(iri, title)
        SELECT a.s, COALESCE(MIN(t.o), '') FROM temp.facts a
        LEFT JOIN temp.facts t ON t.s = a.s AND t.p = '{DCTERMS_TITLE}'
        WHERE a.p = '{RDF_TYPE}' AND a.o = ? GROUP BY a.s""", (article,))
    db.execute("DROP TABLE temp.facts")


_NIF_ANCHOR, _NIF_BEGIN, _NIF_END = str(NIF.anchorOf), str(NIF.beginIndex), str(NIF.endIndex)
_NIF_CONTEXT, _NIF_SENTENCE, _NIF_SENTENCE_TYPE = (str(NIF.referenceContext), str(NIF.sentence),
                                                   str(NIF.Sentence))
_TA_IDENT, _SCHEMA_TEXT = str(ITSRDF.taIdentRef), str(SCHEMA.text)


def _article_graph(quads: Iterable[pyoxigraph.Quad], kg: str, mentions: Counter[str],
                   ) -> list[Row]:
    """One article's named graph: its sentences, quotations and the article's body text."""
    keep = {RDF_TYPE, _NIF_ANCHOR, _NIF_BEGIN, _NIF_END, _NIF_CONTEXT, _NIF_SENTENCE, _TA_IDENT,
            kg + "bodyText", _SCHEMA_TEXT, kg + "speaker", kg + "sourceSentence", PROV_SOURCE}
    props: defaultdict[str, defaultdict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        if (q.predicate.value in keep and isinstance(q.subject, pyoxigraph.NamedNode)
                and not isinstance(q.object, pyoxigraph.Triple)):
            props[q.subject.value][q.predicate.value].append(q.object.value)

    def one(node: str, predicate: str) -> str | None:
        values = props[node].get(predicate)
        return min(values) if values else None

    named: defaultdict[str, set[str]] = defaultdict(set)  # sentence -> entities it mentions
    for node, p in props.items():
        for entity in p.get(_TA_IDENT, ()):
            mentions[entity] += 1
            if (sentence := one(node, _NIF_SENTENCE)) is not None:
                named[sentence].add(entity)
    quotation_type = kg + "Quotation"
    sentences = []
    for node, p in props.items():
        if _NIF_SENTENCE_TYPE in p.get(RDF_TYPE, ()):
            text, begin = one(node, _NIF_ANCHOR), one(node, _NIF_BEGIN)
            if text is None or begin is None:
                continue
            end = one(node, _NIF_END)
            sentences.append((int(begin), int(end) if end else int(begin) + len(text), node, text,
                              one(node, _NIF_CONTEXT), one(node, kg + "bodyText") != "false"))
    sentences.sort()
    rows: list[Row] = [("sentence", node, text, article, node, json.dumps(sorted(named[node])),
                        begin, end) for begin, end, node, text, article, _ in sentences]
    for node, p in sorted(props.items()):
        if quotation_type in p.get(RDF_TYPE, ()) and (text := one(node, _SCHEMA_TEXT)):
            sentence = one(node, kg + "sourceSentence")
            article = one(node, PROV_SOURCE) or (sentence.partition("#")[0] if sentence else None)
            speakers = sorted(p.get(kg + "speaker", ()))
            rows.append(("quotation", node, text, article, sentence, json.dumps(speakers),
                         _int(one(node, _NIF_BEGIN)), _int(one(node, _NIF_END))))
    by_article: defaultdict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for s_begin, s_end, _, s_text, s_article, body in sentences:
        if s_article is not None and body:
            by_article[s_article].append((s_begin, s_end, s_text))
    for iri, parts in sorted(by_article.items()):
        entities = sorted({e for _, _, node, _, a, _ in sentences if a == iri
                           for e in named[node]})
        rows.append(("article", iri, _join(parts), iri, None, json.dumps(entities),
                     parts[0][0], parts[-1][1]))
    return rows


def _int(value: str | None) -> int | None:
    return int(value) if value is not None else None


def _join(parts: list[tuple[int, int, str]]) -> str:
    """The sentences as one text, a space where the article had anything between them."""
    out: list[str] = []
    cursor = None
    for begin, end, text in parts:
        if cursor is not None and begin > cursor:
            out.append(" ")
        out.append(text)
        cursor = end
    return "".join(out)
