"""Quotations and their speakers: 'X said', 'said X', 'X told reporters', 'according to X',
'reads X's advisory', quotes whose attribution sits in a neighbouring sentence, quotes that
continue an attributed one, and quotes spanning sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.nlp.mentions import HEAD_WORDS, acronym_matches
from kg.nlp.text import text_of
from kg.nlp.wordclass import demonym_of, is_demonym

#: Verbs that report speech or writing, strongest first: a 'said' outranks a 'pledged'.
SAY_VERBS = ("say", "tell", "add", "write", "post", "tweet", "remark", "reply", "respond",
             "state", "declare", "explain", "read", "report", "ask", "conclude")
OTHER_VERBS = ("announce", "confirm", "warn", "note", "insist", "argue", "claim", "urge", "vow",
               "pledge", "acknowledge", "admit", "stress", "suggest", "describe", "frame",
               "characterise", "characterize", "call")
SPEECH_VERBS = frozenset(SAY_VERBS + OTHER_VERBS + ("appeal", "question", "accuse"))
_RANK = {verb: n for n, verb in enumerate(SAY_VERBS + OTHER_VERBS + ("appeal", "question",
                                                                     "accuse"))}
#: Verbs that may introduce a short fragment ('called El Salvador an "example"') as a quote.
FRAGMENT_VERBS = frozenset({"call", "describe", "frame", "characterise", "characterize",
                            "announce", "suggest", "say", "pledge", "write", "tell", "add",
                            "appeal", "question", "urge", "warn", "insist", "argue", "claim",
                            "note", "accuse"})
_PAIRS = re.compile(r"“(?P<a>[^”“\n]+)”|\"(?P<b>[^\"\n]+)\"|"
                    r"(?<![\w’])‘(?P<c>(?:[^‘’\n]|’(?=\w))+)’(?!\w)|"
                    r"(?<![\w'])'(?P<d>[A-Z](?:[^'\n]|'(?=\w))*[^\s'])'(?!\w)")
_OPENING = "“\"‘"
#: The line under an embedded post: '— Name (@handle) March 10, 2025'.
_SIGNATURE = re.compile(r"^[ \t]*[—–-]{1,2}\s*(?P<name>[^(\n@]+?)\s*\((?P<handle>@\w+)\)\s*"
                        r"(?P<date>[A-Z][a-z]+\.? \d{1,2},? \d{4})[ \t]*$", re.M)
#: An embedded post run into one paragraph: its text, its link, then the signature
#: ('Work starts today. https://t.co/x — Name (@handle) March 10, 2025'). Matched from the
#: link on, line by line: a lazy match of the text before it is quadratic on long lines.
_INLINE_SIGNATURE = re.compile(r"(?:(?:https?://)?(?:t\.co|pic\.twitter\.com|pic\.x\.com)/\S+\s*)+"
                               r"[—–]{1,2}\s*(?P<name>[^(\n@]{1,80}?)\s*\((?P<handle>@\w+)\)\s*"
                               r"(?P<date>[A-Z][a-z]+\.? \d{1,2},? \d{4})[ \t]*$")
#: Nouns that speak for an organisation named beside them ('a Home Office spokesperson').
_VOICE_NOUNS = frozenset({"spokesperson", "spokesman", "spokeswoman", "statement", "spokespeople",
                          "representative", "official", "officials", "document", "ruling",
                          "letter", "release", "notice"})
#: Nouns of a state's government: 'the Ugandan foreign ministry said' speaks for Uganda.
_GOVERNMENT_NOUNS = frozenset({"government", "ministry", "authorities", "presidency",
                               "embassy", "cabinet", "administration"})
MIN_WORDS = 4  # shorter quoted phrases count only when a speech verb governs them


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # of the quoted words, inside the marks
    end: int
    speaker: Span  # an entity span or a pronoun token span
    verb: Token | None
    confidence: float
    form: str = "marked"  # marked, colon, multi-paragraph, block or tweet
    handle: str | None = None
    date: str | None = None


def quoted_stretches(text: str) -> list[tuple[int, int]]:
    """Inner offsets of each quoted stretch (one entry per contiguous quote). A paragraph that
    opens a quotation mark and never closes it continues into the next paragraph that opens
    one (the style of multi-paragraph quotes): that is one stretch."""
    spans = _multi_paragraph(text)
    for match in _PAIRS.finditer(text):
        group = next(g for g in ("a", "b", "c", "d") if match.group(g) is not None)
        start, end = match.start(group), match.end(group)
        if text[start:end].strip() and not any(a <= start < b for a, b in spans):
            spans.append((start, end))
    return sorted(spans)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _unclosed(line: str) -> int | None:
    """Offset of the mark that opens a quote left open at the end of the line, or None."""
    depth, opened = 0, None
    for i, ch in enumerate(line):
        if ch == "“":
            depth, opened = depth + 1, (i if depth == 0 else opened)
        elif ch == "”":
            depth = max(0, depth - 1)
    return opened if depth else None


def _multi_paragraph(text: str) -> list[tuple[int, int]]:
    spans = []
    lines = _paragraphs(text)
    i = 0
    while i < len(lines):
        start, end = lines[i]
        opened = _unclosed(text[start:end])
        j = i + 1
        if opened is not None:
            while j < len(lines) and text[lines[j][0]:lines[j][1]].lstrip()[:1] == "“":
                line = text[lines[j][0] : lines[j][1]]
                if _unclosed(line) is None:
                    close = lines[j][0] + line.rfind("”")
                    if close > lines[j][0]:
                        spans.append((start + opened + 1, close))
                    break
                j += 1
        i = j if opened is not None and j > i + 1 else i + 1
    return spans


@dataclass(frozen=True)
class Block:
    """Unmarked quoted lines: after an attribution line ending in a colon ('Ms Marsh said on
    Twitter:'), or above an embedded post's signature line (then with handle and date)."""

    start: int
    end: int
    intro: tuple[int, int] | None  # the attribution line
    signature: tuple[int, int] | None  # the '— Name (@handle) date' line
    handle: str | None = None
    date: str | None = None


def _line_paragraphs(text: str, lines: list[tuple[int, int]]) -> bool:
    """Whether the page sets its paragraphs on single lines, with no blank line between
    them: then no line break marks where an unmarked block quote ends, and a block is one
    line. Judged on neighbouring long lines (story paragraphs, not page furniture)."""
    long = [len(text[a:b].split()) >= 12 for a, b in lines]
    gaps = [text[lines[n][1] : lines[n + 1][0]] for n in range(len(lines) - 1)
            if long[n] and long[n + 1]]
    return bool(gaps) and sum("\n\n" not in gap for gap in gaps) * 2 > len(gaps)


def block_stretches(text: str) -> list[Block]:
    lines = _paragraphs(text)
    single = _line_paragraphs(text, lines)
    signatures = {m.start(): m for m in _SIGNATURE.finditer(text)}
    blocks: list[Block] = []
    used: set[int] = set()
    for n, (start, end) in enumerate(lines):
        line = text[start:end].strip()
        if not line.endswith(":") or n + 1 >= len(lines):
            continue
        first = n + 1
        if text[lines[first][0] : lines[first][1]].lstrip()[:1] in _OPENING:
            continue  # a marked quote follows: the marks delimit it
        last = first
        while not single and last + 1 < len(lines) and \
                "\n\n" not in text[lines[last][1] : lines[last + 1][0] + 1] and \
                lines[last + 1][0] not in signatures:
            last += 1
        sig = signatures.get(lines[last + 1][0]) if last + 1 < len(lines) else None
        used.update(range(first, last + 1))
        blocks.append(_block(text, lines[first][0], lines[last][1], (start, end), sig))
    for n, (start, _end) in enumerate(lines):
        sig = signatures.get(start)
        if sig is None or n == 0 or n - 1 in used:
            continue
        first = n - 1
        while not single and first > 0 and \
                "\n\n" not in text[lines[first - 1][1] : lines[first][0] + 1]:
            first -= 1
        blocks.append(_block(text, lines[first][0], lines[n - 1][1], None, sig))
    for start, end in lines:  # the post, its link and its signature on one line
        line = text[start:end]
        if "(@" not in line or not line.rstrip()[-4:].isdigit():
            continue
        post = _INLINE_SIGNATURE.search(line)
        body = line[: post.start()].strip() if post else ""
        if post is None or len(body) < 12 or any(ch in body for ch in "“”\""):
            continue
        lead = start + len(line) - len(line.lstrip())
        blocks.append(Block(lead, lead + len(body), None,
                            (start + post.start("name"), start + post.end("date")),
                            post.group("handle"), post.group("date")))
    return blocks


def _block(text: str, start: int, end: int, intro: tuple[int, int] | None, sig) -> Block:
    while end > start and text[end - 1].isspace():
        end -= 1
    if sig is None:
        return Block(start, end, intro, None)
    return Block(start, end, intro, (sig.start(), sig.end()), sig.group("handle"),
                 sig.group("date"))


def find_quotes(doc: Doc, speakers: list[Span]) -> list[QuoteSpan]:
    """Attribute each quoted stretch to a speaker entity (PERSON/ORG) or a pronoun."""
    found: list[QuoteSpan] = []
    for start, end in quoted_stretches(text_of(doc)):
        short = len(text_of(doc)[start:end].split()) < MIN_WORDS
        attribution = _attribute(doc, start, end, speakers, short)
        if attribution is None and not short and found:
            attribution = _continuation(doc, start, found[-1])
        if attribution is not None:
            speaker, verb, confidence = attribution
            found.append(QuoteSpan(start, end, speaker, verb, confidence,
                                   _marked_form(text_of(doc), start, end)))
    for block in block_stretches(text_of(doc)):
        quote = _block_quote(doc, block, speakers)
        if quote is not None:
            found.append(quote)
    return sorted(found, key=lambda q: q.start)


def _marked_form(text: str, start: int, end: int) -> str:
    """How a quote between marks is set out: over several paragraphs, after a colon
    ('said: "..."'), or plainly in running text."""
    if "\n" in text[start:end]:
        return "multi-paragraph"
    return "colon" if text[: max(start - 1, 0)].rstrip().endswith(":") else "marked"


def _block_quote(doc: Doc, block: Block, speakers: list[Span]) -> QuoteSpan | None:
    """The speaker of an unmarked block: the signature's name, else the subject of the
    attribution line's speech verb."""
    form = "tweet" if block.signature else "block"
    if block.signature is not None:
        a, b = block.signature
        named = [s for s in speakers if a <= s.start_char and s.end_char <= b and len(s) > 0
                 and s[0].pos_ != "PRON"]
        if named:
            return QuoteSpan(block.start, block.end, named[0], None, 0.9, form, block.handle,
                             block.date)
    if block.intro is None:
        return None
    intro = doc.char_span(block.intro[0], block.intro[1], alignment_mode="expand")
    if intro is None:
        return None
    for sent in reversed([s for s in doc.sents if s.start < intro.end and s.end > intro.start]):
        hit = _speech_verb_speaker(sent, block.start, block.end, speakers, governed=False)
        if hit:
            return QuoteSpan(block.start, block.end, hit[0], hit[1], 0.85, form, block.handle,
                             block.date)
    return None


def _outside(token: Token, start: int, end: int) -> bool:
    return not (start - 1 <= token.idx < end + 1)


def _sentences_around(doc: Doc, start: int, end: int):
    sents = list(doc.sents)
    inside = [i for i, s in enumerate(sents) if s.start_char < end + 1 and s.end_char > start - 1]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    return sents[first : last + 1], sents[max(0, first - 1)], sents[min(len(sents) - 1, last + 1)]


def _attribute(doc: Doc, start: int, end: int, speakers: list[Span], short: bool):
    around = _sentences_around(doc, start, end)
    if around is None:
        return None
    own, previous, following = around
    for sent in own:
        hit = _speech_verb_speaker(sent, start, end, speakers, governed=short)
        if hit:
            return (*hit, 0.85 if short else 0.95)
        if not short:
            speaker = _according_to(sent, start, end, speakers)
            if speaker is not None:
                return speaker, None, 0.95
    if short:
        return None
    # The attribution may introduce the quote from the sentence before ('Rubio said:'), or
    # stand alone right after it ('He said.'); never across a paragraph break.
    if previous not in own and previous.text.rstrip().endswith(":") and not _has_quote(previous):
        hit = _speech_verb_speaker(previous, start, end, speakers, governed=False)
        if hit:
            return (*hit, 0.85)
    if following not in own and not _has_quote(following) and len(following) <= 8 and \
            "\n" not in text_of(doc)[end:following.start_char]:
        hit = _speech_verb_speaker(following, start, end, speakers, governed=False)
        if hit:
            return (*hit, 0.85)
    return None


def _continuation(doc: Doc, start: int, last: QuoteSpan):
    """A sentence that is nothing but a quote, right after an attributed quote, continues
    that speaker's words ('..., Rubio added. "No one's ever made an offer like that."')."""
    around = _sentences_around(doc, start, start + 1)
    if around is None:
        return None
    own, previous, _ = around
    sent = own[0]
    stripped = sent.text.strip()
    if not stripped or stripped[0] not in "“\"" or not (previous.start_char <= last.end
                                                        <= previous.end_char + 2):
        return None
    if "\n" in text_of(doc)[last.end : start] and not _only_quote(text_of(doc), start):
        return None  # a new paragraph may be a new speaker, unless it is nothing but a quote
    return last.speaker, last.verb, 0.85


def _only_quote(text: str, start: int) -> bool:
    """The paragraph around ``start`` is a quotation and nothing else: it carries no
    attribution of its own, so it continues the speaker of the paragraph before."""
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", start)
    para = text[para_start : para_end if para_end >= 0 else len(text)].strip()
    return len(para) > 2 and para[0] in _OPENING and para.rstrip(".")[-1:] in "”\"’'"


def _has_quote(sent: Span) -> bool:
    return any(ch in sent.text for ch in "“”\"")


def _speaker_for(token: Token, speakers: list[Span]) -> Span | None:
    for span in speakers:
        if span.start <= token.i < span.end:
            return span
    for child in token.children:  # 'The Congress's state unit chief, Virendra Pal, called'
        if child.dep_ == "appos":
            for span in speakers:
                if span.start <= child.i < span.end and span.label_ == "PERSON":
                    return span
    if token.lower_ in HEAD_WORDS:  # 'said Under Secretary for ... Daniel R. Whitcomb'
        inside = [s for s in speakers if s.label_ == "PERSON" and token.i < s.start
                  and s.start <= token.right_edge.i]
        if inside:
            return inside[-1]
    for child in token.children:  # 'reads the State Department's travel advisory'
        if child.dep_ == "poss" or (child.dep_ == "compound" and token.lower_ in _VOICE_NOUNS):
            for span in speakers:  # 'a Home Office spokesperson'
                if span.start <= child.i < span.end:
                    return span
        if child.dep_ == "prep" and child.lower_ in ("for", "of") and \
                token.lower_ in _VOICE_NOUNS:  # 'a spokesperson for ECHO'
            for obj in child.children:
                for span in speakers:
                    if obj.dep_ == "pobj" and span.start <= obj.i < span.end:
                        return span
    return _national_government(token, speakers) or _definite_description(token, speakers) \
        or _title_holder(token, speakers) or _issuer(token, speakers)


def _title_holder(token: Token, speakers: list[Span]) -> Span | None:
    """'the Home Secretary said', 'the PM said': the one person named before with that title
    ('Home Secretary Helen Marsh') or a title those initials spell ('Prime Minister'). Two
    people who could hold it leave the quote unattributed."""
    doc = token.doc
    acronym = token.text.isupper() and token.is_alpha and 2 <= len(token) <= 4
    if not (token.lower_ in HEAD_WORDS or acronym) or \
            not any(c.lower_ == "the" for c in token.children):
        return None
    words = {t.lower_ for t in token.subtree if t.i <= token.i and t.lower_ != "the"}
    roles = doc._.roles or {}
    holders: dict[str, Span] = {}
    for span in speakers:
        role = roles.get((span.start_char, span.end_char))
        if span.label_ != "PERSON" or span.end > token.i or not role:
            continue
        role_words = role.lower().split()
        if (acronym and len(role_words) > 1 and acronym_matches(token.text, role)) or (
                not acronym and role_words[-1] == token.lower_ and words <= set(role_words)):
            holders[span[-1].text] = span  # one person, however often named: by surname
    return next(iter(holders.values())) if len(holders) == 1 else None


#: Nouns for a document that can be quoted ('The policy document said:').
_DOCUMENT_NOUNS = frozenset({"document", "paper", "report", "statement", "plan", "guidance",
                             "strategy", "letter", "notice", "release", "memo", "memorandum",
                             "filing", "circular", "bulletin", "briefing", "factsheet",
                             "proposal", "proposals", "consultation", "framework"})
#: Verbs by which a body puts a document out.
_ISSUE_VERBS = frozenset({"publish", "issue", "release", "unveil", "circulate", "produce",
                          "launch", "send", "write", "submit", "file"})


def _issuer(token: Token, speakers: list[Span]) -> Span | None:
    """A document speaks for the body that issued it, when the text names that body: in the
    same noun phrase ('The document, published by the Home Office on Thursday, said:') or,
    for 'the document' with no owner of its own, as the one subject the article gave a verb of
    issuing with a document for its object before ('The Home Office published its plan').
    A document whose issuer is named nowhere stays unattributed: kg:speaker is an entity, and
    a document is none."""
    if token.lemma_.lower() not in _DOCUMENT_NOUNS:
        return None
    for child in token.children:  # 'published by the Home Office'
        if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in _ISSUE_VERBS:
            for agent in (c for c in child.children if c.dep_ == "agent"):
                for obj in (c for c in agent.children if c.dep_ == "pobj"):
                    found = next((s for s in speakers if s.start <= obj.i < s.end), None)
                    if found is not None:
                        return found
    if not any(c.lower_ == "the" for c in token.children):
        return None
    issuers: dict[str, Span] = {}
    for verb in token.doc[: token.sent.start]:
        if verb.lemma_.lower() not in _ISSUE_VERBS or verb.pos_ != "VERB" or not any(
                c.dep_ == "dobj" and c.lemma_.lower() in _DOCUMENT_NOUNS for c in verb.children):
            continue
        for subject in _subjects(verb):
            found = next((s for s in speakers if s.start <= subject.i < s.end
                          and s.label_ in ("ORG", "PERSON", "GPE")), None)
            if found is not None:
                issuers[found.text] = found
    return next(iter(issuers.values())) if len(issuers) == 1 else None


def _national_government(token: Token, speakers: list[Span]) -> Span | None:
    """'The Ugandan foreign affairs ministry said': a government described by its nationality
    speaks for the country the article names, the nearest mention before it (else after)."""
    if token.lemma_.lower() not in _GOVERNMENT_NOUNS:
        return None
    for child in token.children:
        if child.dep_ in ("amod", "compound", "nmod") and is_demonym(child.text):
            places = [s for s in speakers if s.label_ == "GPE" and demonym_of(child.text, s.text)]
            before = [s for s in places if s.end <= token.i]
            if before or places:
                return before[-1] if before else places[0]
    return None


def _definite_description(token: Token, speakers: list[Span]) -> Span | None:
    """'the court', 'the commission': the nearest organisation before it whose name has that
    head noun ('the Regional Electoral Court of Paraná ... the court wrote')."""
    if token.pos_ != "NOUN" or not any(c.lower_ == "the" for c in token.children):
        return None
    for span in reversed(speakers):
        if span.end <= token.i and span.label_ == "ORG" and \
                any(t.lower_ == token.lower_ for t in span):
            return span
    return None


def _governs(verb: Token, start: int, end: int) -> bool:
    doc = verb.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(verb in tok.ancestors for tok in span)


def _speech_verb_speaker(sent: Span, start: int, end: int, speakers: list[Span], governed: bool):
    hits = []
    for token in sent:
        lemma = token.lemma_.lower()
        if lemma not in SPEECH_VERBS or token.pos_ not in ("VERB", "AUX"):
            continue
        if not _outside(token, start, end):
            continue
        if governed and (lemma not in FRAGMENT_VERBS or not _governs(token, start, end)):
            continue
        for child in _subjects(token):
            if _outside(child, start, end):
                speaker = _speaker_for(child, speakers)
                if speaker is not None:
                    hits.append((_RANK[lemma], speaker, token))
        if not hits and token.idx >= end and not _subjects(token):
            # '..., ” said Under Secretary for ... Daniel R. Whitcomb': the subject follows
            after = [s for s in speakers if s.start > token.i and s.start - token.i <= 12
                     and s.end <= sent.end and s.label_ == "PERSON"
                     and token in s.root.ancestors]
            if after:
                hits.append((_RANK[lemma], after[0], token))
    if not hits:
        return None
    _, speaker, verb = min(hits, key=lambda h: h[0])
    return speaker, verb


def _subjects(verb: Token) -> list[Token]:
    """The verb's subjects; a participle or infinitive without one takes its head's
    ('defended Ms Dunmore, telling the BBC ...', 'he urged ..., writing that ...')."""
    own = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if own or verb.dep_ not in ("advcl", "xcomp", "conj") or verb.head == verb:
        return own
    return [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]


def _according_to(sent: Span, start: int, end: int, speakers: list[Span]) -> Span | None:
    """'according to Ferro Alto chief executive Rodrigo Salles': the head of the phrase after
    'to' speaks (Salles), not the first name in it (Ferro Alto)."""
    doc = sent.doc
    for token in sent:
        if token.lower_ != "according" or token.i + 1 >= len(doc) or \
                doc[token.i + 1].lower_ != "to" or not _outside(token, start, end):
            continue
        to = doc[token.i + 1]
        head = next((c for c in to.children if c.dep_ == "pobj"), None)
        if head is not None:
            found = _speaker_for(head, speakers)
            if found is not None and _outside(found[0], start, end):
                return found
        for span in speakers:
            if span.start in (token.i + 2, token.i + 3) and _outside(span[0], start, end):
                return span
    return None
