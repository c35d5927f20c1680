"""The corpus stage: decoding, bad input, and telling the article from what is not the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpus import CorpusError, nlp_text, read_article_text, read_catalog, read_corpus, segment
from kg.settings import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "seeds"


def _article(doc_id: str):
    articles, skipped = read_corpus(SEEDS, 2_000_000)
    assert not skipped
    return next(a for a in articles if a.doc_id == doc_id)


def kinds_of(article, needle: str) -> set[str]:
    return {b.kind for b in article.blocks if needle in article.text[b.start : b.end]}


def test_seeds_are_the_shared_articles():
    shared = PROJECT_ROOT.parent / "shared" / "seeds"
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert len(names) == 5
    if shared.is_dir():
        assert names == sorted(p.name for p in shared.glob("*.txt"))
        for name in names:
            assert (SEEDS / name).read_bytes() == (shared / name).read_bytes()


def test_reader_comments_are_not_article():
    article = _article("004_36b9f5fa8d44d36f")
    assert kinds_of(article, "Sounds like a Win -Win") == {"comments"}
    assert kinds_of(article, "commenting privileges") == {"comments"}
    assert "Superjail" not in nlp_text(article)
    assert "300 percent capacity since the state of emergency" in nlp_text(article)


def test_newsletter_credit_byline_and_bio_are_not_article():
    article = _article("000_3be0607154234d26")
    assert kinds_of(article, "Escape your echo chamber") == {"newsletter"}
    assert kinds_of(article, "SUBSCRIBE & SAVE") == {"newsletter"}
    assert kinds_of(article, "(Image credit:") == {"image-credit"}
    assert kinds_of(article, "has worked as a politics writer") == {"author-bio"}
    assert article.metadata["author"] == ["Rafi Schwartz"]
    assert kinds_of(article, "Nayib Bukele's offer on Monday") == {"body"}


def test_references_and_ads_are_not_article():
    article = _article("002_e298045eb72572b8")
    assert kinds_of(article, "Killing Hope: US Military") == {"references"}
    assert kinds_of(article, "Chartered Geographer") == {"author-bio"}
    ad = _article("001_8eaeedee96198040")
    assert kinds_of(ad, "ADVERTISEMENT") == {"advertisement"}
    assert kinds_of(ad, "Exit mobile version") == {"navigation"}


def test_blanking_keeps_offsets_and_drops_footnote_markers():
    article = _article("002_e298045eb72572b8")
    text = nlp_text(article)
    assert len(text) == len(article.text)
    start = article.text.index("deportees[ii]")
    assert text[start : start + len("deportees[ii]")] == "deportees    "


def test_title_and_catalog():
    catalog = read_catalog(SEEDS / "catalog.ttl")
    assert catalog["000_3be0607154234d26"]["publisher"] == ["The Week"]
    articles, _ = read_corpus(SEEDS, 2_000_000, catalog)
    assert articles[4].title.startswith("El Salvador Offers To House Violent")


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "empty document"),
        (b"   \n\n  ", "empty document"),
        (b"caf\xe9 au lait is not UTF-8", "not UTF-8 text (invalid byte 0xe9 at offset 3)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ],
)
def test_bad_files_are_named_with_their_problem(tmp_path: Path, content: bytes, problem: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CorpusError) as err:
        read_article_text(path, 1000)
    assert str(err.value).startswith("bad.txt: ")
    assert problem in str(err.value)


def test_huge_file_is_refused_before_reading(tmp_path: Path):
    path = tmp_path / "huge.txt"
    path.write_text("word " * 1000)
    with pytest.raises(CorpusError, match=r"huge.txt: too large \(5,000 bytes; the limit is 1,000\)"):
        read_article_text(path, 1000)


def test_corpus_skips_bad_files_and_keeps_the_rest(tmp_path: Path):
    (tmp_path / "a_good.txt").write_text("A title\n\nThe mayor of Springfield opened a bridge.\n")
    (tmp_path / "b_empty.txt").write_text("")
    (tmp_path / "c_latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    (tmp_path / "d_only_ads.txt").write_text("Title\nADVERTISEMENT\n")
    articles, skipped = read_corpus(tmp_path, 10_000)
    assert [a.doc_id for a in articles] == ["a_good"]
    reasons = [s.reason for s in skipped]
    assert reasons == [
        "b_empty.txt: empty document",
        "c_latin1.txt: not UTF-8 text (invalid byte 0xe9 at offset 3)",
        "d_only_ads.txt: no article body found",
    ]


def test_segment_marks_first_line_as_title_and_short_lines_as_headings():
    text = "Port expansion approved\n\nThe Deal\n\nThe authority approved the plan on Tuesday.\n"
    article = segment("x", "x.txt", text)
    assert [b.kind for b in article.blocks] == ["title", "heading", "body"]
    assert article.title == "Port expansion approved"


def test_control_characters_are_refused(tmp_path: Path):
    path = tmp_path / "ctl.txt"
    path.write_text("A title\n\nThe mayor\x01 spoke.\n")
    with pytest.raises(CorpusError, match=r"ctl.txt: .*control character \(U\+0001 at character 18\)"):
        read_article_text(path, 1000)


@pytest.mark.parametrize("line, message", [
    ('schema:datePublished "last Tuesday"', "datePublished 'last Tuesday' is not an ISO date"),
    ('schema:url "not a url"', "url 'not a url' is not an absolute http(s) URL"),
])
def test_bad_catalog_values_are_named(tmp_path: Path, line: str, message: str):
    catalog = tmp_path / "catalog.ttl"
    catalog.write_text(f"@prefix schema: <http://schema.org/> .\n<article/story> {line} .\n")
    with pytest.raises(CorpusError) as err:
        read_catalog(catalog)
    assert str(err.value) == f"catalog.ttl: story: {message}" + (
        " (YYYY-MM-DD)" if "date" in message else "")


def test_only_regular_files_inside_the_folder_are_read(tmp_path: Path):
    """A FIFO named *.txt would block the build forever; a link out of the folder would
    publish a file nobody put there. Both are skipped with a reason, and nothing blocks."""
    import os

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    source = next(iter(sorted(SEEDS.glob("*.txt"))))
    (corpus / "a.txt").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    os.mkfifo(corpus / "fifo.txt")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "alias.txt").symlink_to(corpus / "a.txt")  # inside the folder: read
    (corpus / "folder.txt").mkdir()
    articles, skipped = read_corpus(corpus, 2_000_000)
    assert [a.doc_id for a in articles] == ["a", "alias"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert "a FIFO" in reasons["fifo.txt"]
    assert "outside the article folder" in reasons["passwd.txt"]
    assert "not a regular file" in reasons["folder.txt"]
