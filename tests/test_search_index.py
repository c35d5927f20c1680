"""The search index a release carries (kg.release.search_index), read back with the server's
reader (server.engine.search), on the made-up publication whose every sentence the test knows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kg.release.publication import SEARCH_FILE, Publication
from kg.release.search_index import write_index
from kg.uris import Minter
from server.engine.search import SearchError, fts_query, open_index
from tests.browser.livesite import ARTICLE_ID, SENTENCES, TITLE, publish_synthetic

BASE = "http://example.org/kg/"
MINT = Minter(BASE)


@pytest.fixture(scope="module")
def publication(tmp_path_factory: pytest.TempPathFactory) -> Publication:
    return publish_synthetic(tmp_path_factory.mktemp("search") / "dist", BASE)


def rows(publication: Publication, sql: str) -> list[tuple]:
    with sqlite3.connect(publication.search_path) as db:
        return db.execute(sql).fetchall()


def res(slug: str) -> str:
    return str(MINT.resource(slug))


def test_the_release_carries_its_index_and_records_it(publication):
    assert publication.search_path == publication.root / SEARCH_FILE
    assert publication.search_path.is_file()
    assert publication.manifest["files"][SEARCH_FILE]["bytes"] == publication.search_path.stat().st_size


def test_each_sentence_is_a_document_with_its_article_and_the_entities_it_names(publication):
    found = rows(publication, "SELECT body, article, sentence, entities FROM docs "
                              "WHERE kind = 'sentence' ORDER BY begin")
    article = str(MINT.article(ARTICLE_ID))
    assert [r[0] for r in found] == list(SENTENCES)
    assert {r[1] for r in found} == {article}
    assert all(r[2].startswith(article + "#char=") for r in found)
    assert json.loads(found[0][3]) == [res("Alice_Example"), res("Widget_Accord")]
    assert json.loads(found[2][3]) == [res("Bob_Sample")]


def test_the_article_text_is_its_sentences_in_order_under_its_title(publication):
    (title, body), = rows(publication, "SELECT title, body FROM docs WHERE kind = 'article'")
    assert title == TITLE
    assert body == " ".join(SENTENCES)


def test_a_quotation_links_its_speaker_sentence_and_article(publication):
    (body, article, sentence, entities), = rows(
        publication, "SELECT body, article, sentence, entities FROM docs WHERE kind = 'quotation'")
    assert body == "It is a bad deal,"
    assert sentence == rows(publication, "SELECT iri FROM docs WHERE kind = 'sentence' "
                                         "ORDER BY begin")[2][0]
    assert article == str(MINT.article(ARTICLE_ID))
    assert json.loads(entities) == [res("Bob_Sample")]


def test_names_hold_labels_and_aliases_with_mention_counts(publication):
    names = {(iri, name): (preferred, mentions) for iri, name, preferred, mentions in
             rows(publication, "SELECT iri, name, preferred, mentions FROM names")}
    assert names[(res("Alice_Example"), "Alice")] == (0, 1)  # the alias
    assert names[(res("Widget_Accord"), "Widget Accord")] == (1, 2)
    assert names[(res("Bob_Sample"), "Bob Sample")] == (1, 2)
    assert names[(res("Exampleville"), "Exampleville")] == (1, 1)


def test_search_ranks_finds_aliases_and_folds_diacritics(publication):
    index = open_index(publication.search_path)
    total, hits = index.search("accord")
    assert total == 4  # two sentences, the article, the entity
    assert {h.kind for h in hits} == {"sentence", "article", "entity"}
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        assert all(hit.snippet[a:b].casefold() == "accord" for a, b in hit.highlights), hit
    _, by_alias = index.search("alice", kinds=("entity",))
    assert [h.iri for h in by_alias] == [res("Alice_Example")]
    _, folded = index.search("zoe")
    assert [h.iri for h in folded] == [res("Zoë_Example")]
    total, quotes = index.search('"bad deal"', kinds=("quotation",))
    assert total == 1 and quotes[0].entities == [(res("Bob_Sample"), "Bob Sample")]


def test_completion_is_by_word_prefix_most_mentioned_first(publication):
    index = open_index(publication.search_path)
    assert [c["iri"] for c in index.complete("wid")] == [res("Widget_Accord")]
    assert [c["iri"] for c in index.complete("exa")][:2] == [res("Exampleville"),
                                                            res("Alice_Example")]
    assert [c["label"] for c in index.complete("ali")] == ["Alice Example"]


@pytest.mark.parametrize(("text", "expected"), [
    ("rubio prison*", "rubio prison*"),
    ("U.S. deportees", '"U.S." deportees'),
    ("Bukele's offer", '"Bukele\'s" offer'),
    ('"mega prison" OR cecot', '"mega prison" OR cecot'),
    ("(a OR b) NOT c", "( a OR b ) NOT c"),
])
def test_words_fts5_would_refuse_for_punctuation_become_phrases(text, expected):
    assert fts_query(text) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("", "empty search"),
    ("   ", "empty search"),
    ("x" * 300, "too long"),
    ("accord AND", "not valid"),
    ('"unterminated', "unterminated string"),
    ("NOT", "not valid"),
    ("ru\x00bio", "control character"),
])
def test_a_bad_search_is_a_search_error_naming_the_problem(publication, text, problem):
    with pytest.raises(SearchError, match=problem):
        open_index(publication.search_path).search(text)


def test_a_missing_index_is_reported_not_crashed(tmp_path: Path):
    from server.engine.search import NoIndex

    with pytest.raises(NoIndex, match="no search index"):
        open_index(tmp_path / SEARCH_FILE)


def _split(publication: Publication, folder: Path) -> tuple[Path, Path, list[tuple[str, int]]]:
    """The release's default graph (N-Triples) and its named graphs, one part per graph."""
    import hashlib

    import pyoxigraph

    quads = list(pyoxigraph.parse(path=str(publication.file("kg.nq")),
                                  format=pyoxigraph.RdfFormat.N_QUADS))
    default = folder / "default.nt"
    default.write_bytes(pyoxigraph.serialize(
        [q.triple for q in quads if isinstance(q.graph_name, pyoxigraph.DefaultGraph)],
        format=pyoxigraph.RdfFormat.N_TRIPLES) or b"")
    parts = []
    for name in sorted({q.graph_name.value for q in quads
                        if isinstance(q.graph_name, pyoxigraph.NamedNode)}):
        parts.append(pyoxigraph.serialize([q for q in quads if q.graph_name == pyoxigraph.NamedNode(name)],
                                          format=pyoxigraph.RdfFormat.N_QUADS) or b"")
    graphs = folder / "graphs.nq"
    graphs.write_bytes(b"".join(parts))
    return default, graphs, [(hashlib.sha256(p).hexdigest(), len(p)) for p in parts]


def test_a_part_the_previous_release_indexed_is_not_read_again(publication, tmp_path: Path):
    """Each part's rows are kept beside the index; the next index takes them from there (here
    the part's text is overwritten, so reading it would fail) and is the same file as one
    written from the text."""
    default, graphs, layout = _split(publication, tmp_path)
    assert len(layout) >= 1
    write_index(default, graphs, tmp_path / "first.sqlite", BASE, layout=layout,
                parts=tmp_path / "first.parts")
    fresh = tmp_path / "fresh.sqlite"
    write_index(default, graphs, fresh, BASE)
    assert fresh.read_bytes() == (tmp_path / "first.sqlite").read_bytes()
    graphs.write_bytes(b"\x00" * graphs.stat().st_size)  # not N-Quads any more
    write_index(default, graphs, tmp_path / "again.sqlite", BASE, layout=layout,
                parts=tmp_path / "again.parts", previous_parts=tmp_path / "first.parts")
    assert (tmp_path / "again.sqlite").read_bytes() == fresh.read_bytes()
    with pytest.raises(SyntaxError):  # without the previous rows the text is read
        write_index(default, graphs, tmp_path / "cold.sqlite", BASE, layout=layout)
