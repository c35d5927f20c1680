"""Entity mentions: clean spans, titles kept as roles, and acronyms tied to their expansions."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

#: Labels whose spans name real-world things we make resources for.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT", "NORP"})
RESOURCE_LABELS = ENTITY_LABELS - {"NORP"}

_HEADS = (
    r"President|Vice[- ]President|Secretary(?:-General)?|Minister|Premier|Governor|Senator|"
    r"Judge|Justice|Mayor|Chancellor|Ambassador|Director|Commissioner|Spokes(?:person|man|woman)|"
    r"Chair(?:man|woman|person)?|Representative|Rep\.|Sen\.|Gov\.|Pope|King|Queen|Prince|"
    r"Princess|General|Gen\.|Colonel|Col\.|Attorney General|CEO|Chief Executive|Professor|"
    r"Prof\.|Dr\.|Leader|Speaker|Commander|Superintendent|Inspector|Sheriff|Councillor|Councilor"
)
_PARTS = (
    r"Prime|Vice|Deputy|Foreign|Health|Finance|Defen[cs]e|Interior|Justice|Trade|Education|"
    r"Environment|Labou?r|Transport|Energy|Home|Chief|Executive|Acting|Interim|Opposition|"
    r"Economy|Agriculture|Immigration|Security|Foreign Affairs|State|Provincial|Regional|Federal"
)
TITLE = rf"(?:(?:{_PARTS})\s+)*(?:{_HEADS})(?:\s+of\s+(?:the\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)?"
_TITLE_BEFORE = re.compile(rf"(?:^|\s)(?P<title>{TITLE})\s+$")
_TITLE_INSIDE = re.compile(rf"^(?P<title>{TITLE})\s+(?=[A-Z])")
_DETERMINERS = {"the", "The", "a", "an"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_STOP_INITIALS = {"of", "de", "del", "la", "the", "and", "for", "on", "in", "y", "el"}


def clean_span(doc: Doc, ent: Span) -> tuple[Span | None, str | None]:
    """Trim a named-entity span to the name itself; return it with any title found as a role."""
    start, end = ent.start, ent.end
    while start < end and (doc[start].text in _DETERMINERS or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct
                           and doc[end - 1].text not in (".",) or doc[end - 1].is_space):
        end -= 1
    if start >= end:
        return None, None
    span = Span(doc, start, end, label=ent.label_, kb_id=ent.kb_id_, span_id=ent.id_)
    role = None
    if span.label_ == "PERSON":
        inside = _TITLE_INSIDE.match(span.text)
        if inside:
            role = inside.group("title")
            trimmed = doc.char_span(span.start_char + inside.end(), span.end_char)
            if trimmed is not None and len(trimmed):
                span = Span(doc, trimmed.start, trimmed.end, label="PERSON", kb_id=ent.kb_id_,
                            span_id=ent.id_)
        if role is None:
            sent_start = span.sent.start_char if doc.has_annotation("SENT_START") else 0
            before = doc.text[max(sent_start, span.start_char - 80) : span.start_char]
            found = _TITLE_BEFORE.search(before)
            if found:
                role = found.group("title")
    if not any(ch.isalpha() for ch in span.text) or span.text.islower():
        return None, None
    return span, role


def initials(words: str) -> str:
    return "".join(w[0] for w in re.findall(r"[\w’'-]+", words) if w.lower() not in _STOP_INITIALS)


def acronym_matches(acronym: str, expansion: str) -> bool:
    """'ACAs' for 'Asylum Cooperative Agreements', 'KPA' for 'Kenya Ports Authority'."""
    core = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    letters = initials(expansion.replace("-", " ")).upper()
    return len(core) >= 2 and core.isupper() and (letters == core or letters.endswith(core))


_ACRONYM_AFTER = re.compile(
    r"^\s*(?:\(\s*|,\s*(?:commonly\s+|also\s+|widely\s+)?(?:known as|abbreviated|called)\s+)"
    r"(?:[^()]*?,\s*(?:abbreviated|known as)\s+)?(?P<acr>[A-Z][A-Za-z]*[A-Z][A-Za-z]*s?)\b"
)


def find_acronyms(doc: Doc, ents: list[Span]) -> list[tuple[Span, str, int, int]]:
    """Expansions followed by their acronym: 'Terrorism Confinement Center (CECOT)',
    'known as CECOT', '(…, abbreviated CECOT)'. Returns (expansion, acronym, start, end)."""
    found = []
    for ent in ents:
        tail = doc.text[ent.end_char : ent.end_char + 80]
        match = _ACRONYM_AFTER.match(tail)
        if not match:
            continue
        acr = match.group("acr")
        explicit = not tail.lstrip().startswith("(") or "abbreviated" in tail[: match.end()]
        bare = ent.label_ != "PERSON" and acr.isupper() and len(acr) >= 3
        if explicit or bare or acronym_matches(acr, ent.text):
            start = ent.end_char + match.start("acr")
            found.append((ent, acr, start, start + len(acr)))
    return found
