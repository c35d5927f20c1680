"""Reading articles: decoding, rejecting bad files, and telling the article apart from the rest.

News pages arrive with newsletter blurbs, ads, image credits, bylines, author bios, reference
lists and reader comments around the article. Each line-delimited block gets a kind; only
article blocks are ever handed to extraction, and offsets always refer to the original text.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterable
from pathlib import Path

from kg.model import Article, Block, Skipped


class CorpusError(ValueError):
    """A file that cannot be read as an article; the message names the file and the problem."""


# ------------------------------------------------------------------ reading files

def read_article_text(path: Path, max_bytes: int) -> str:
    """Decode one file strictly, refusing what would silently corrupt offsets or facts."""
    size = path.stat().st_size
    if size > max_bytes:
        raise CorpusError(f"{path.name}: too large ({size:,} bytes; the limit is {max_bytes:,})")
    data = path.read_bytes()
    if not data.strip():
        raise CorpusError(f"{path.name}: empty document")
    if b"\x00" in data[:8192]:
        raise CorpusError(f"{path.name}: binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path.name}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    controls = [i for i, ch in enumerate(text) if ord(ch) < 32 and ch not in "\n\r\t\f"]
    if controls:  # they cannot be written in XML results, and no article needs them
        raise CorpusError(f"{path.name}: binary file or control character "
                          f"(U+{ord(text[controls[0]]):04X} at character {controls[0]}), not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_corpus(
    folder: Path, max_bytes: int, catalog: dict[str, dict[str, list[str]]] | None = None
) -> tuple[list[Article], list[Skipped]]:
    """All ``*.txt`` files of a folder, sorted by name; bad ones are reported, not fatal."""
    articles: list[Article] = []
    skipped: list[Skipped] = []
    root = folder.resolve()
    for path in sorted(folder.glob("*.txt")):
        refused = _not_a_regular_file(path, root)
        if refused:
            skipped.append(Skipped(str(path), f"{path.name}: {refused}"))
            continue
        try:
            text = read_article_text(path, max_bytes)
            article = segment(path.stem, str(path), text)
        except CorpusError as exc:
            skipped.append(Skipped(str(path), str(exc)))
            continue
        except OSError as exc:
            skipped.append(Skipped(str(path), f"{path.name}: cannot be read ({exc.strerror})"))
            continue
        if not any(b.kind == "body" for b in article.blocks):
            skipped.append(Skipped(str(path), f"{path.name}: no article body found"))
            continue
        if catalog and path.stem in catalog:
            for key, values in catalog[path.stem].items():
                article.metadata[key] = list(values)
            article.title = article.metadata.get("title", [article.title])[0]
        articles.append(article)
    return articles, skipped


def _not_a_regular_file(path: Path, root: Path) -> str | None:
    """Why ``path`` is not read, or None: only regular files inside the corpus folder are. A
    FIFO or device would block the build or never end; a link out of the folder would publish
    a file nobody put in the corpus (``/etc/passwd``)."""
    try:
        target = path.resolve(strict=True)
        mode = target.stat().st_mode
    except (OSError, RuntimeError) as exc:
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    if path.is_symlink() and not target.is_relative_to(root):
        return f"a link to {target}, outside the article folder; not read"
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or \
            stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
        return f"{kind}, not an article file; not read"
    return None


# ------------------------------------------------------------------ segmentation

_AD = re.compile(r"^\s*(advertisement|sponsored( content)?|ad)\s*$", re.I)
_CREDIT = re.compile(r"^\s*\(?\s*(image|photo|picture|video)\s*(credit|courtesy|source)\s*:", re.I)
_CREDIT_TAIL = re.compile(r"(via )?getty images\)?\s*$|^\s*\(?(photo|image)s?:\s", re.I)
_PROMO = re.compile(
    r"\b(subscribe|subscription|newsletters?|sign up|sign-up|delivered directly|your inbox)\b",
    re.I,
)
_NAV = re.compile(
    r"^\s*(exit mobile version|skip to (main )?content|share( this( article)?)?|tweet|print|"
    r"read more|related( articles)?:?|back to top|menu)\s*$",
    re.I,
)
_URL_ONLY = re.compile(r"^\s*(https?://|www\.)\S+\s*$")
_COMMENTS = re.compile(
    r"commenting privileges|^\s*\d*\s*comments?\s*$|post comments|leave a (comment|reply)|"
    r"comments are (closed|moderated)|^\s*reader comments",
    re.I,
)
_REF_HEADING = re.compile(
    r"^\s*(references?|sources?|notes|footnotes|bibliography|works cited)\s*:?\s*$", re.I
)
_REF_ENTRY = re.compile(
    r"^\s*(\[[ivxlcdm\d]+\]|\d+[.)]\s|https?://)|available from|\[online\]|retrieved from", re.I
)
_BIO_CUE = re.compile(
    r"\b(has (worked|written|reported|covered)|is an? [\w\s,-]*(writer|reporter|journalist|editor|"
    r"correspondent|professor|reader|lecturer|geographer|researcher|author|fellow)|"
    r"was previously|previously (covered|worked|reported)|(his|her|their) (work|research|writing)|"
    r"writes regularly)\b",
    re.I,
)
_NAME_LINE = re.compile(r"^(?:(?:Dr|Prof|Mr|Ms|Mrs)\.?\s+)?([A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})"
                        r"(?:\s*,\s*(.{2,60}))?\s*$")
_SENTENCE_END = re.compile(r"[.!?…:;\"”’)\]]\s*$")
_FOOTNOTE = re.compile(r"\[(?:[ivxlcdm]+|\d{1,3})\]")


def _lines(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each non-blank line, end exclusive and without trailing whitespace."""
    pos = 0
    for line in text.split("\n"):
        stripped = line.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        if stripped.strip():
            yield pos + lead, pos + len(stripped)
        pos += len(line) + 1


def _is_heading(line: str) -> bool:
    words = line.split()
    return len(words) <= 14 and not _SENTENCE_END.search(line)


def segment(doc_id: str, path: str, text: str) -> Article:
    """Give every line a kind. Order matters: comments and references swallow what follows."""
    spans = list(_lines(text))
    kinds: list[str] = []
    mode = ""
    authors: list[str] = []
    for start, end in spans:
        line = text[start:end]
        kind = ""
        if mode == "comments" or _COMMENTS.search(line):
            mode, kind = "comments", "comments"
        elif _REF_HEADING.match(line):
            mode, kind = "references", "references"
        elif mode == "references" and _REF_ENTRY.search(line):
            kind = "references"
        else:
            if mode == "references":
                mode = ""
            kind = _line_kind(line, is_first=not kinds)
        kinds.append(kind)

    _mark_promo_runs(kinds)
    _mark_bylines_and_bios(text, spans, kinds, authors)
    _mark_closing_bio(text, spans, kinds, authors)
    blocks = [Block(s, e, k) for (s, e), k in zip(spans, kinds, strict=True)]
    title = next((text[b.start : b.end] for b in blocks if b.kind == "title"), None)
    metadata: dict[str, list[str]] = {}
    if authors:
        metadata["author"] = sorted(set(authors))
    return Article(doc_id=doc_id, path=path, text=text, blocks=blocks, title=title, metadata=metadata)


def _line_kind(line: str, is_first: bool) -> str:
    if is_first:
        return "title"
    if _AD.match(line):
        return "advertisement"
    if _CREDIT.search(line) or (len(line) < 120 and _CREDIT_TAIL.search(line)):
        return "image-credit"
    if _NAV.match(line):
        return "navigation"
    if _URL_ONLY.match(line):
        return "link"
    if len(line) < 250 and _PROMO.search(line):
        return "newsletter"
    if _is_heading(line):
        return "heading"
    return "body"


def _mark_promo_runs(kinds: list[str]) -> None:
    """Lines sandwiched between promotional lines are part of the promotion ('Escape your echo
    chamber...' between 'Subscribe to ...' and 'SUBSCRIBE & SAVE')."""
    promo = {"newsletter", "link", "advertisement"}
    for i, kind in enumerate(kinds):
        if kind in ("body", "heading"):
            before = next((k for k in reversed(kinds[max(0, i - 2) : i]) if k), "")
            after = next((k for k in kinds[i + 1 : i + 3] if k), "")
            if before in promo and after in promo and "newsletter" in (before, after):
                kinds[i] = "newsletter"


def _mark_bylines_and_bios(
    text: str, spans: list[tuple[int, int]], kinds: list[str], authors: list[str]
) -> None:
    """A name-only line followed by a paragraph about that person is a byline and a bio."""
    for i, (start, end) in enumerate(spans):
        if kinds[i] not in ("heading", "body") or i == 0:
            continue
        match = _NAME_LINE.match(text[start:end])
        if not match:
            continue
        name = match.group(1)
        surname = name.split()[-1]
        j = i + 1
        while j < len(spans) and text[spans[j][0] : spans[j][1]].strip() == text[start:end].strip():
            kinds[j] = "byline"
            j += 1
        if j < len(spans):
            following = text[spans[j][0] : spans[j][1]]
            opening = following[: max(60, len(name) + 20)]
            if (surname in opening or name.split()[0] in opening) and _BIO_CUE.search(following):
                kinds[i] = "byline"
                kinds[j] = "author-bio"
                authors.append(name)


_BIO_OPENING = re.compile(r"^(?:(?:Dr|Prof)\.?\s+)?(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){1,2})"
                          r"\s+(?:is|was|has been|covers|writes)\b")


def _mark_closing_bio(
    text: str, spans: list[tuple[int, int]], kinds: list[str], authors: list[str]
) -> None:
    """The last body paragraph, when it is about a writer ('Maya Chen is a business reporter
    for the Prairie Ledger'), is an author bio even without a byline before it."""
    body = [i for i, kind in enumerate(kinds) if kind == "body"]
    if len(body) < 3:
        return
    last = body[-1]
    line = text[spans[last][0] : spans[last][1]]
    opening = _BIO_OPENING.match(line)
    if opening and _BIO_CUE.search(line) and len(line) < 700:
        kinds[last] = "author-bio"
        authors.append(opening.group("name"))


def nlp_text(article: Article) -> str:
    """The text NLP reads: the original with everything that is not the article (and footnote
    markers such as ``[xiv]``) blanked out, so that every character offset stays valid."""
    chars = list(article.text)
    for block in article.blocks:
        if not block.is_article:
            for i in range(block.start, block.end):
                if chars[i] != "\n":
                    chars[i] = " "
    for match in _FOOTNOTE.finditer(article.text):
        for i in range(match.start(), match.end()):
            chars[i] = " "
    return "".join(chars).replace("\f", " ").replace("\t", " ")


def references(article: Article) -> list[str]:
    """URLs cited in the article's reference list: document metadata, never facts."""
    urls: list[str] = []
    for block in article.blocks:
        if block.kind in ("references", "link"):
            urls.extend(re.findall(r"https?://[^\s<>\"\]]+", article.text[block.start : block.end]))
    return sorted(set(u.rstrip(".,;)") for u in urls))


# ------------------------------------------------------------------ the catalog

_CATALOG_KEYS = {
    "http://purl.org/dc/terms/title": "title",
    "http://schema.org/headline": "title",
    "http://schema.org/publisher": "publisher",
    "http://purl.org/dc/terms/publisher": "publisher",
    "http://schema.org/author": "author",
    "http://purl.org/dc/terms/creator": "author",
    "http://schema.org/datePublished": "datePublished",
    "http://purl.org/dc/terms/issued": "datePublished",
    "http://schema.org/url": "url",
}


def read_catalog(path: Path) -> dict[str, dict[str, list[str]]]:
    """What articles state about themselves (title, publisher, author, date), by doc id."""
    if not path.is_file():
        return {}
    from rdflib import Graph

    graph = Graph()
    try:
        graph.parse(path, format="turtle", publicID="http://catalog.invalid/")
    except Exception as exc:  # rdflib raises several parser error types
        raise CorpusError(f"{path.name}: not valid Turtle ({exc})") from None
    catalog: dict[str, dict[str, list[str]]] = {}
    for subject, predicate, obj in sorted(graph):
        key = _CATALOG_KEYS.get(str(predicate))
        doc_id = str(subject).rsplit("/", 1)[-1]
        if key:
            _check_catalog_value(path, doc_id, key, str(obj))
            catalog.setdefault(doc_id, {}).setdefault(key, []).append(str(obj))
    return catalog


def _check_catalog_value(path: Path, doc_id: str, key: str, value: str) -> None:
    """A catalog value that would publish a wrong datatype fails the build, named."""
    from datetime import date

    if key == "datePublished":
        try:
            date.fromisoformat(value)
        except ValueError:
            raise CorpusError(f"{path.name}: {doc_id}: datePublished {value!r} is not an ISO "
                              "date (YYYY-MM-DD)") from None
    if key == "url" and not re.match(r"^https?://\S+$", value):
        raise CorpusError(f"{path.name}: {doc_id}: url {value!r} is not an absolute http(s) URL")
