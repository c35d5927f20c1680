"""Reading articles: decoding, rejecting bad files, and telling the article apart from the rest.

News pages arrive with newsletter blurbs, ads, image credits, bylines, author bios, reference
lists and reader comments around the article. Each line-delimited block gets a kind; only
article blocks are ever handed to extraction, and offsets always refer to the original text.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from kg.model import Article, Block, Skipped


class CorpusError(ValueError):
    """A file that cannot be read as an article; the message names the file and the problem."""


# ------------------------------------------------------------------ reading files

#: Control characters other than tab, newline, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
#: Gives the article a file was read as before, if nothing it depends on has changed: called
#: with the file's name, its decoded text and its catalog entry (``kg.pipeline`` keeps them).
Reuse = Callable[[str, str, dict[str, list[str]] | None], Article | None]


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
    control = _CONTROL.search(text)
    if control:  # they cannot be written in XML results, and no article needs them
        raise CorpusError(f"{path.name}: binary file or control character "
                          f"(U+{ord(control[0]):04X} at character {control.start()}), not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_corpus(
    folder: Path, max_bytes: int, catalog: dict[str, dict[str, list[str]]] | None = None,
    reuse: Reuse | None = None,
) -> tuple[list[Article], list[Skipped]]:
    """All ``*.txt`` files of a folder, sorted by name; bad ones are reported, not fatal.
    ``reuse`` may give a file's article without segmenting it again (the segmentation of
    10,000 unchanged articles took 10 s of a build that adds one)."""
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
            entry = catalog.get(path.stem) if catalog else None
            known = reuse(path.name, text, entry) if reuse else None
            article = known or segment(path.stem, str(path), text)
            article.path = str(path)
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
# Web-page furniture. Whole-line shapes only: a sentence of the story never looks like these.
_TEASER = re.compile(r"^\s*(read also|also read|read more|read|related( articles?| stories| news| posts|"
                     r" coverage| reading| content)?|see also|more on this|watch|listen|"
                     r"you (may|might) also (like|enjoy|be interested in)|recommended( for you|"
                     r" reading| stories| articles)?|more from [\w ]{1,30}|more (stories|news)|"
                     r"most (read|viewed|popular|shared)|also on [\w ]{1,30}|don[’']?t miss|"
                     r"trending( now| stories)?|further reading|top stories|editor[’']?s? picks?|"
                     r"suggested( reading| stories| articles)?|must read|also see)\s*[:|»]\s*\S",
                     re.I)
#: A story's own sentence: long, and closed by a full stop (perhaps inside a closing quote).
#: Other stories' headlines are not: one ends a run of teasers with no blank line before it.
_STORY_SENTENCE = re.compile(r"[.!?][”\"’)]?\s*$")
#: A heading after which short lines are other stories' headlines, until the story resumes.
_TEASER_HEADING = re.compile(
    r"^\s*(related( stories| posts| news| articles| topics| press releases| coverage)?|"
    r"more on this story|more from [\w ]+|most (read|viewed|popular|shared)|trending|"
    r"you may also like|recommended|explore more on these topics|top stories|latest news)\s*:?\s*$",
    re.I)
#: A line after which nothing belongs to the story: tags, story navigation, comment forms,
#: contact blocks, company boilerplate, copyright and sign-offs.
_FOOTER = re.compile(
    r"^\s*(tags?\s*:|topics?\s*:|previous (story|post|article)\s*$|next (story|post|article)\s*$|"
    r"leave a (reply|comment)|post a comment|please enter your comment|comments?\s*\(\d+\)|"
    r"\d+ (thoughts|comments|responses) on\b|support (the [\w ]+|us|our journalism)\s*$|"
    r"contacts?\s*:?\s*$|media contacts?\s*:?|about [A-Z][\w&.,' -]{1,40}$|"
    r"forward[- ]looking statements\s*$|_{3,}\s*$|#{3,}\s*$|copyright\b|©|all rights reserved|"
    r"our standards\s*:|\(reporting by\b|\(this (story|article) has not been edited|"
    r"translated from \w+ by\b|source\s*:\s*[\w ]{2,40}$|exchange rates\s*$|click here\b|"
    r"kindly share this story|contact [A-Z][\w ]+ at \S+@|[—–]\s*[A-Z]{2,5}(/[A-Z]{2,5})*,\s)",
    re.I)
#: Share rows, reading aids and similar page chrome, recognised anywhere.
_PLATFORMS = (r"facebook|twitter|x|linkedin|whatsapp|telegram|email|e-mail|reddit|print|copy|"
              r"youtube|instagram|tiktok|pinterest|threads|flipboard|messenger")
_CHROME = re.compile(
    r"^\s*((share|share this( article| story)?|share on|kindly share this story|follow us( on)?|"
    r"stay connected)\s*:?\s*((" + _PLATFORMS + r")\s*[|/,·•]?\s*)*|"
    r"((" + _PLATFORMS + r")\s*[|/,·•]?\s*)+|link copied|save|listen to this article|"
    r"\d+ min(ute)?s? read|reading time:.*|font size:.*|sign in|log in|login.*|"
    r"join our \w+ channel.*|follow us on [\w ]+|\S+@\S+\.\w+|accept( all)?( cookies)?|"
    r"yes, i agree|no, take me to settings|.*\bcookies\b.*|this article is more than .* old|"
    r"home( [»>›/|].*)?|filtered by:.*|press release( no:.*)?|for immediate release)\s*$",
    re.I)
_COOKIES = re.compile(r"\b(we|this (web)?site) uses? cookies\b|\bagree to (all of )?(these|our) cookies",
                      re.I)
#: A blog feed's excerpt ends '… Continue reading <the story's title>' on the same line.
_CONTINUE_CUT = re.compile(r"\s*(?:…|\.\.\.)\s*(?=continue reading\b)", re.I)
_CONTINUE = re.compile(r"^\s*continue reading\b", re.I)
#: Lines a blog platform adds to a feed or an embed: 'The post <title> appeared first on
#: <site>.', 'Copy and paste this URL into your WordPress site to embed'.
_FEED_LINE = re.compile(r"^\s*(the post .{3,300} appeared first on\b|copy and paste this "
                        r"(url|code) into your\b)", re.I)
_POST_SIGNATURE = re.compile(r"^\s*[—–-]{1,2}\s*[^(@]+\(@\w+\)")
_BYLINE = re.compile(r"^\s*(by|written by|edited by:?|reporting by)\s+[A-Z]", re.I)
_DATE_LINE = re.compile(
    r"^\s*((posted|published|updated|first published)( on)?\b.*|.*\b\d{1,2}[:.]\d{2}\s*"
    r"(am|pm|a\.m\.|p\.m\.)?\s*(gmt|bst|ist|utc|cest|cet|edt|est|eat|wat|et)?\b.*|"
    r"(\w+day,? )?(\d{1,2}(st|nd|rd|th)? )?(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
    r"\.?( \d{1,2}(st|nd|rd|th)?,?)? \d{4}.{0,30})$", re.I)
_PHOTO_CREDIT = re.compile(r"^\s*\(?\s*([\w ]{0,20}photo( credit)?( by)?|image source|picture|"
                           r"supplied|credit)\s*[:,]?\s", re.I)
_FOOTNOTE = re.compile(r"\[(?:[ivxlcdm]+|\d{1,3})\]")
#: Credits inside a caption line: '(AP Photo/Luis Ortega)', '(Photo: Invías)', 'REUTERS/Paulo
#: Santos/File Photo ...', 'Photograph: Tom Ashby/PA', and gallery counters '[1/2]'.
_INLINE_CREDIT = re.compile(
    r"\((?:[A-Z]{2,6} )?(?:[Pp]hoto|[Pp]hotograph|[Ii]mage|[Pp]icture)s?\s*[:/][^)\n]*\)|"
    r"\b(?:REUTERS|AFP|EPA)/[^\n]*$|\bPhotograph: [^\n]*/[^\n]*$|^\[\d+/\d+\]", re.M)
#: The wire agency after a dateline: 'MEXICO CITY (AP) —', 'Aug 4 (PTI)', 'May 14/2025 (ENA)'.
_WIRE_TAG = re.compile(r"^(?:[A-ZÀ-Þ][A-ZÀ-Þ .,'’-]*[A-ZÀ-Þ]|[^\n]{0,45}?\d)\s*"
                       r"(\((?:[A-Z]{2,5}|Reuters)\))", re.M)


def _lines(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of each non-blank line, end exclusive and without trailing whitespace."""
    pos = 0
    for line in text.split("\n"):
        stripped = line.rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        if stripped.strip():
            cut = _CONTINUE_CUT.search(stripped)
            if cut and cut.start() > lead:  # a feed's excerpt, then 'Continue reading <title>'
                yield pos + lead, pos + cut.start()
                yield pos + cut.end(), pos + len(stripped)
            else:
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

    _mark_page_furniture(text, spans, kinds)
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


def _words(line: str) -> int:
    return len(line.split())


def _header_end(text: str, spans: list[tuple[int, int]]) -> int:
    """Index of the first story paragraph: a long line that stands alone as a paragraph.
    Everything between the title and it is the page's masthead, navigation and byline block."""
    for i, (start, end) in enumerate(spans):
        if i == 0:
            continue
        alone = i + 1 == len(spans) or "\n\n" in text[end : spans[i + 1][0] + 1]
        if _words(text[start:end]) >= 25 and alone:
            return i
    return next((i for i, (start, end) in enumerate(spans)  # a short story: its first sentence
                 if i and _SENTENCE_END.search(text[start:end]) and _words(text[start:end]) >= 6),
                len(spans))


def _mark_page_furniture(text: str, spans: list[tuple[int, int]], kinds: list[str]) -> None:
    """Open-web page furniture: masthead and byline lines before the story, share rows,
    'READ ALSO' teasers and lists of other stories, and the footer after the story (tags,
    previous/next story, comment forms, contacts, company boilerplate). Only the story is
    left as title, heading or body."""
    header_end = _header_end(text, spans)
    grouped = [  # lines with a neighbour and no blank line between: a page's stacked chrome
        (i > 0 and "\n\n" not in text[spans[i - 1][1] : start + 1])
        or (i + 1 < len(spans) and "\n\n" not in text[end : spans[i + 1][0] + 1])
        for i, (start, end) in enumerate(spans)
    ]
    footer = teasers = listing = False
    previous_end = 0
    for i, (start, end) in enumerate(spans):
        line = text[start:end]
        teasers = teasers and "\n\n" not in text[previous_end : start + 1] and not (
            _words(line) >= 12 and _STORY_SENTENCE.search(line))
        previous_end = end
        if i == 0:
            continue
        if kinds[i] == "comments":
            footer = True
        if _TEASER_HEADING.match(line) and i > header_end:
            teasers, kinds[i] = True, "teaser"
        if kinds[i] not in ("heading", "body"):
            continue
        words = _words(line)
        if _POST_SIGNATURE.match(line):
            continue  # '— Name (@handle) date' under an embedded post: the post's attribution
        if footer or (i > header_end and _FOOTER.match(line)):
            footer = True
            kinds[i] = "footer"
        elif teasers or _TEASER.match(line) or _CONTINUE.match(line):
            kinds[i] = "teaser"
        elif _FEED_LINE.match(line) or (words <= 12 and _CHROME.match(line)) or \
                (words < 60 and _COOKIES.search(line)):
            kinds[i] = "navigation"
        elif words <= 16 and (_BYLINE.match(line) or _DATE_LINE.match(line)):
            kinds[i] = "byline"
        elif words <= 16 and _PHOTO_CREDIT.match(line):
            kinds[i] = "image-credit"
        elif i < header_end and grouped[i] and not listing and kinds[i] == "heading" \
                and words <= 9:
            kinds[i] = "navigation"  # masthead, section names, byline and reporter's title
        # after 'Key points:' the short lines are the story's bullets
        listing = listing or (kinds[i] in ("heading", "body") and line.endswith(":"))


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
    for pattern in (_FOOTNOTE, _INLINE_CREDIT, _WIRE_TAG):
        for match in pattern.finditer(article.text):
            start, end = match.span(match.lastindex or 0)
            for i in range(start, end):
                if chars[i] != "\n":
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
