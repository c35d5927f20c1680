"""Patterns about people: offices and titles, memberships, meetings, leaders of administrations."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span

from kg.extract.relations.context import (
    Context,
    RawRelation,
    negated,
    subject_of,
    when_where,
)
from kg.nlp.mentions import HEAD_WORDS, PART_WORDS
from kg.nlp.text import text_of
from kg.nlp.wordclass import LEGISLATORS, is_honorific


def pattern_roles(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'Secretary of State Marco Rubio' -> holdsOffice 'Secretary of State'; a named country
    right before the title ('U.S. Secretary of State') -> officeIn."""
    for span in ctx.mentions:
        if span.label_ != "PERSON" or not (sent.start <= span.start < sent.end):
            continue
        role = ctx.roles.get((span.start_char, span.end_char))
        if not role:
            continue
        title_start = text_of(ctx.doc).rfind(role, sent.start_char, span.start_char)
        before = text_of(ctx.doc)[max(sent.start_char, title_start - 12) : title_start].lower()
        if "former" in before or "ex-" in before or "late" in before.split():
            continue  # a former office is not one the person holds
        place, title_start, role = _leading_place(ctx, title_start, role)
        office = office_title(role)
        if office is None:
            continue  # 'Dr', 'Prof': a form of address, no office
        yield RawRelation("holdsOffice", span, office, sent, "title", 0.9)
        tokens = [t for t in sent if t.idx < title_start and not t.is_space]
        if place is None and tokens:
            last = tokens[-1]
            place = ctx.entity(last, through_compounds=False)
            if place is not None and (place.label_ not in ("GPE", "ORG")
                                      or place.end != last.i + 1):
                place = None  # 'U.S. Secretary of State', 'KPA managing director'
        if place is None:
            place = _possessive_office(ctx, title_start)
        doc = ctx.doc
        if place is None and span.end + 1 < len(doc) and doc[span.end].lower_ == "of":
            after = ctx.entity(doc[span.end + 1], through_compounds=False)
            if after is not None and after.label_ == "GPE" and after.start == span.end + 1:
                place = after  # 'President Nayib Bukele of El Salvador'
        if place is not None:
            party = place.label_ == "ORG" and office.split()[-1].lower() in LEGISLATORS
            yield RawRelation("memberOf" if party else "officeIn", span, place, sent, "title",
                              0.85)


def _leading_place(ctx: Context, title_start: int, role: str) -> tuple[Span | None, int, str]:
    """'WFP Country Director', 'BJP MLA': a title that starts with a named organisation or place
    (one the entity layer found: NER misses many, 'Catarman Mayor') is an office there. Returns
    that entity and the rest of the title (with where it starts), or (None, title_start, role)
    when the title does not start with one, or nothing that names an office is left after it."""
    doc = ctx.doc
    first = doc.char_span(title_start, title_start + 1, alignment_mode="expand")
    lead = ctx.entity(doc[first.start], through_compounds=False) if first is not None else None
    title_end = title_start + len(role)
    if lead is None or lead.label_ not in ("GPE", "ORG") or lead.start_char != title_start or \
            lead.end_char >= title_end:
        return None, title_start, role
    rest = text_of(doc)[lead.end_char : title_end]
    words = rest.split()
    if not any(word.lower() in HEAD_WORDS for word in words):
        return None, title_start, role  # nothing after it names an office
    return lead, title_end - len(rest.lstrip()), rest.strip()


def office_title(role: str) -> str | None:
    """The office in a title read before a name, without the forms of address around it
    ('Minister of Health Dr' -> 'Minister of Health'); None when nothing else is left."""
    words = role.split()
    while words and is_honorific(words[-1]):
        words.pop()
    while words and is_honorific(words[0]):
        words.pop(0)
    return " ".join(words) or None


def _possessive_office(ctx: Context, title_start: int) -> Span | None:
    """"Uganda's Minister of Works": the possessor names where the office is."""
    doc = ctx.doc
    tok = doc.char_span(title_start, title_start + 1, alignment_mode="expand")
    if tok is None or tok.start < 2 or doc[tok.start - 1].text not in ("’s", "'s"):
        return None
    owner = ctx.entity(doc[tok.start - 2], through_compounds=False)
    return owner if owner is not None and owner.label_ in ("GPE", "ORG") else None


def pattern_appositive_roles(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'Samuel Otieno, managing director of the Kenya Ports Authority' and 'Moses Ssekandi,
    ... Minister of Works' -> holdsOffice, and officeIn for the organisation named after 'of'."""
    doc = ctx.doc
    for span in ctx.mentions:
        if span.label_ != "PERSON" or not (sent.start <= span.start < sent.end):
            continue
        appos = [c for c in span.root.children if c.dep_ == "appos"]
        for noun in appos:
            if noun.lower_ not in HEAD_WORDS or noun.i in ctx.by_token:
                continue
            words = [t for t in noun.lefts if t.dep_ in ("amod", "compound") and
                     (t.lower_ in PART_WORDS or t.lower_ in HEAD_WORDS or t.pos_ == "ADJ")]
            first = min([noun.i, *(w.i for w in words)])
            if any(doc[i].dep_ == "poss" for i in range(first, noun.i)):
                continue
            title = doc[first : noun.i + 1].text
            before = doc[max(sent.start, first - 3) : first].text.lower()
            if "former" in before:
                continue
            yield RawRelation("holdsOffice", span, title, sent, "appositive-title", 0.85)
            for prep in noun.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    where = next((ctx.entity(p, through_compounds=False) for p in prep.children
                                  if p.dep_ == "pobj"), None)
                    if where is not None and where.label_ in ("ORG", "GPE"):
                        yield RawRelation("officeIn", span, where, sent, "appositive-title", 0.8)


def pattern_meetings(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'Following a meeting with Rubio, Bukele announced', 'after his meeting with Bukele',
    'Kamau met Uganda's minister, Moses Ssekandi, in Kampala in May'."""
    for token in sent:
        lemma = token.lemma_.lower()
        if lemma == "meeting" and token.pos_ == "NOUN":
            other = None
            for prep in token.children:
                if prep.dep_ == "prep" and prep.lower_ == "with":
                    other = next((ctx.entity(p) for p in prep.children if p.dep_ == "pobj"), None)
            host = next((ctx.entity(c) for c in token.children if c.dep_ == "poss"), None)
            governor = token.head.head if token.dep_ == "pobj" else None
            if host is None and governor is not None and governor.pos_ in ("VERB", "AUX"):
                host, _ = ctx.actor(subject_of(governor))
            heads = (token,) if governor is None else (token, governor)
            pattern = "noun-meeting"
        elif lemma == "meet" and token.pos_ == "VERB":
            host, _ = ctx.actor(subject_of(token))
            dobj = next((c for c in token.children if c.dep_ == "dobj"), None)
            other = ctx.entity(dobj)
            if other is None and dobj is not None:  # 'met Uganda's minister, Moses Ssekandi'
                other = next((ctx.entity(c) for c in dobj.children if c.dep_ == "appos"), None)
            if other is None:
                for prep in token.children:
                    if prep.dep_ == "prep" and prep.lower_ == "with":
                        other = next((ctx.entity(p) for p in prep.children if p.dep_ == "pobj"),
                                     None)
            heads, pattern = (token,), "verb-meet"
        else:
            continue
        if host is None or other is None or host.text == other.text or negated(heads[-1]):
            continue  # 'did not meet', 'denied that they had met'
        if ctx.is_person(host) and other.label_ == "PERSON":
            when, where = when_where(ctx, *heads)
            yield RawRelation("meetsWith", host, other, sent, pattern, 0.85, when, where)


def pattern_membership(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'Dana Ruel, a member of the Saskatchewan New Democratic Party' and 'a member of the
    Storting from the Labour Party' -> memberOf; a former member is not one."""
    for span in ctx.mentions:
        if span.label_ != "PERSON" or not (sent.start <= span.start < sent.end):
            continue
        for noun in span.root.children:
            if noun.dep_ != "appos" or noun.lemma_.lower() != "member":
                continue
            if any(c.lower_ in ("former", "ex") for c in noun.children):
                continue
            for prep in noun.children:
                if prep.dep_ != "prep" or prep.lower_ not in ("of", "from"):
                    continue
                for pobj in prep.children:
                    group = ctx.entity(pobj, through_compounds=False) if pobj.dep_ == "pobj" \
                        else None
                    if group is not None and group.label_ == "ORG":
                        yield RawRelation("memberOf", span, group, sent, "appositive-member", 0.85)
                    for sub in pobj.children:  # 'of the Storting from the Labour Party'
                        if sub.dep_ == "prep" and sub.lower_ == "from":
                            for party in sub.children:
                                found = ctx.entity(party, through_compounds=False)
                                if found is not None and found.label_ == "ORG":
                                    yield RawRelation("memberOf", span, found, sent,
                                                      "appositive-member", 0.8)


def pattern_leaders(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'the Biden administration' is led by the person it is named after."""
    for admin, person in ctx.leaders:
        if sent.start <= admin.start < sent.end:
            yield RawRelation("ledBy", admin, person, sent, "name-administration", 0.9)
