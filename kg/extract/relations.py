"""Relations read from the dependency parse and normalised to ontology properties.

Each pattern is a small function over one sentence. Precision comes first: a pattern fires only
when both ends are named (or safely resolved) things, and each fact keeps its sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.extract.mentions import HEAD_WORDS, PART_WORDS
from kg.model import DateValue, Quantity

#: Nouns that name a deal, offer or plan: objects of 'proposes', subjects of 'endorses' objects.
DEAL_NOUNS = frozenset({
    "deal", "agreement", "offer", "proposal", "plan", "arrangement", "pact", "treaty",
    "proposition", "accord", "scheme",
})
#: 'The Biden administration withdrew': the administration acts for the person who leads it.
ACTING_FOR = frozenset({"administration", "government", "cabinet"})
AGREEMENT_HEADS = ("agreement", "agreements", "treaty", "treaties", "accord", "accords", "pact",
                   "convention", "covenant", "deal")
PROPOSE_VERBS = frozenset({"propose", "offer", "extend", "unveil", "float", "put", "make"})
ENDORSE_VERBS = frozenset({"endorse", "back", "support", "welcome", "praise", "approve"})
CRITICISE_VERBS = frozenset({"criticise", "criticize", "condemn", "denounce", "slam", "decry"})
WITHDRAW_VERBS = frozenset({"withdraw", "exit", "quit", "abandon", "suspend", "end", "terminate"})
OPEN_VERBS = frozenset({"open", "inaugurate"})
#: What can have a capacity or an opening date: facilities (and unnamed places such as camps).
FACILITY_LABELS = frozenset({"FAC", "LOC"})


@dataclass(frozen=True)
class AgreementRef:
    """A deal noun ('the proposal', 'Bukele's offer'); who proposed it, if the text says."""

    noun: Span
    proposer: Span | None


Obj = Span | AgreementRef | Quantity | DateValue | str


@dataclass(frozen=True)
class RawRelation:
    predicate: str
    subject: Span | AgreementRef
    obj: Obj
    sentence: Span
    pattern: str
    confidence: float
    when: DateValue | None = None  # an event's date and place, when the clause gives them:
    where: Span | None = None  # the fact then also becomes an n-ary event node


@dataclass
class Context:
    """What the patterns may look at: the doc, entity spans by token, and values found."""

    doc: Doc
    mentions: list[Span]
    roles: dict[tuple[int, int], str]
    quantities: list[tuple[Quantity, Token | None]]
    dates: list[DateValue]
    coref: dict[int, Span] = field(default_factory=dict)  # pronoun token index -> antecedent
    acronyms: list[tuple[int, int, str]] = field(default_factory=list)
    countries: frozenset[str] = frozenset()  # gazetteer ids of countries
    leaders: list[tuple[Span, Span]] = field(default_factory=list)  # (administration, person)
    by_token: dict[int, Span] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for span in self.mentions:
            for i in range(span.start, span.end):
                self.by_token[i] = span

    def entity(self, token: Token | None, *, through_compounds: bool = True) -> Span | None:
        """The entity a token names: itself, a pronoun's antecedent, or (for a head noun like
        'facility' in 'CECOT facility') the named compound modifying it."""
        if token is None:
            return None
        if token.i in self.by_token:
            return self.by_token[token.i]
        if token.i in self.coref:
            return self.coref[token.i]
        if through_compounds:
            for child in token.children:
                if child.dep_ in ("compound", "nmod") and child.i in self.by_token and \
                        self.by_token[child.i].label_ not in ("GPE", "NORP"):
                    return self.by_token[child.i]
        return None

    def same_thing(self, a: Span, b: Span) -> bool:
        """Two spans known to name one thing in this article (gazetteer id or acronym)."""
        if a.text == b.text or (a.ent_id_ and a.ent_id_ == b.ent_id_):
            return True
        return any({a.text, b.text} == {self.doc.text[s:e], acr} for s, e, acr in self.acronyms)

    def is_person(self, span: Span) -> bool:
        """A person, or a lone surname NER mislabelled ('Kamau' after 'Wanjiru Kamau')."""
        if span.label_ == "PERSON":
            return True
        return len(span) == 1 and any(m.label_ == "PERSON" and len(m) > 1 and m[-1].text == span.text
                                      for m in self.mentions)

    def is_country(self, span: Span) -> bool:
        return bool(span.ent_id_) and span.ent_id_ in self.countries

    def only_facility(self, sent: Span) -> Span | None:
        """The one facility a sentence names (all its mentions being one thing), if any."""
        found = [m for m in self.mentions if m.label_ == "FAC" and sent.start <= m.start < sent.end]
        if found and all(self.same_thing(found[0], other) for other in found[1:]):
            return found[0]
        return None

    def actor(self, token: Token | None) -> tuple[Span | None, float]:
        """Like entity(), but 'the Biden administration' acts for Biden (lower confidence)."""
        found = self.entity(token)
        if found is not None or token is None:
            return found, 0.9
        if token.lemma_.lower() in ACTING_FOR:
            for child in token.children:
                if child.dep_ in ("compound", "poss") and child.i in self.by_token:
                    span = self.by_token[child.i]
                    if span.label_ == "PERSON":
                        return span, 0.8
        return None, 0.0


def subject_of(verb: Token) -> Token | None:
    """nsubj of the verb, or of the verb it is coordinated with ('suspended and withdrew')."""
    node = verb
    for _ in range(3):
        for child in node.children:
            if child.dep_ in ("nsubj",):
                return child
        if node.dep_ == "conj" and node.head is not node:
            node = node.head
            continue
        break
    return None


def _conjuncts(token: Token) -> list[Token]:
    return [token, *token.conjuncts]


def pattern_roles(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'Secretary of State Marco Rubio' -> holdsOffice 'Secretary of State'; a named country
    right before the title ('U.S. Secretary of State') -> officeIn."""
    for span in ctx.mentions:
        if span.label_ != "PERSON" or not (sent.start <= span.start < sent.end):
            continue
        role = ctx.roles.get((span.start_char, span.end_char))
        if not role:
            continue
        title_start = ctx.doc.text.rfind(role, sent.start_char, span.start_char)
        before = ctx.doc.text[max(sent.start_char, title_start - 12) : title_start].lower()
        if "former" in before or "ex-" in before or "late" in before.split():
            continue  # a former office is not one the person holds
        yield RawRelation("holdsOffice", span, role, sent, "title", 0.9)
        tokens = [t for t in sent if t.idx < title_start and not t.is_space]
        place = None
        if tokens:
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
            yield RawRelation("officeIn", span, place, sent, "title", 0.85)


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


def pattern_verbs(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """Subject-verb-object facts: proposes, endorses, criticises, withdrawnBy, openedOn."""
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        lemma = verb.lemma_.lower()
        subj_tok = subject_of(verb)
        subject, conf = ctx.actor(subj_tok)
        dobj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if lemma in PROPOSE_VERBS and subject is not None and dobj is not None:
            if lemma == "put" and not any(c.dep_ == "prt" and c.lower_ in ("forth", "forward")
                                          for c in verb.children):
                continue  # 'put forth a plan' proposes; 'put' alone does not
            named = ctx.entity(dobj)
            when, where = when_where(ctx, verb)
            if named is not None and named.label_ == "AGREEMENT":
                yield RawRelation("proposes", subject, named, sent, "verb-propose", conf,
                                  when, where)
            elif dobj.lemma_.lower() in DEAL_NOUNS:
                yield RawRelation("proposes", subject, _agreement(ctx, dobj, subject), sent,
                                  "verb-propose", conf, when, where)
        elif lemma in ENDORSE_VERBS and subject is not None and dobj is not None:
            target = _target(ctx, dobj)
            if target is not None:
                yield RawRelation("endorses", subject, target, sent, "verb-endorse", conf)
        elif lemma in CRITICISE_VERBS and subject is not None and dobj is not None:
            target = ctx.entity(dobj)
            if target is not None:
                yield RawRelation("criticises", subject, target, sent, "verb-criticise", conf)
        elif lemma in WITHDRAW_VERBS and subject is not None:
            for prep in verb.children:
                if prep.dep_ == "prep" and prep.lower_ == "from":
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj":
                            agreement = _named_agreement(ctx, pobj, sent)
                            if agreement is not None:
                                when, where = when_where(ctx, verb, prep)
                                yield RawRelation("withdrawnBy", agreement, subject, sent,
                                                  "verb-withdraw", min(conf, 0.85), when, where)
        elif lemma in OPEN_VERBS:
            when = _date_in(ctx, verb)
            if when is None:
                continue
            owner = _owner(ctx, verb)
            if owner is not None and owner.label_ in FACILITY_LABELS:
                yield RawRelation("openedOn", owner, when, sent, "verb-open", 0.85)
            elif (only := ctx.only_facility(sent)) is not None:
                yield RawRelation("openedOn", only, when, sent, "verb-open-sole-facility", 0.75)


def _agreement(ctx: Context, noun: Token, proposer: Span | None) -> AgreementRef:
    return AgreementRef(ctx.doc[noun.i : noun.i + 1], proposer)


def _target(ctx: Context, token: Token) -> Span | AgreementRef | None:
    if token.lemma_.lower() in DEAL_NOUNS:
        owner = _proposer_of_noun(ctx, token)
        return AgreementRef(ctx.doc[token.i : token.i + 1], owner)
    return ctx.entity(token)


def _proposer_of_noun(ctx: Context, noun: Token) -> Span | None:
    """'Bukele's offer', 'the proposal by Salvadoran President Nayib Bukele'."""
    for child in noun.children:
        if child.dep_ == "poss":
            found = ctx.entity(child)
            if found is not None:
                return found
        if child.dep_ == "prep" and child.lower_ == "by":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and ctx.entity(pobj) is not None:
                    return ctx.entity(pobj)
    return None


def pattern_deal_nouns(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """Nominal proposals: 'Bukele's offer', 'the proposal by ... Nayib Bukele'."""
    for token in sent:
        if token.lemma_.lower() in ("offer", "proposal", "proposition", "plan") and \
                token.pos_ == "NOUN":
            proposer = _proposer_of_noun(ctx, token)
            if proposer is not None and proposer.label_ in ("PERSON", "GPE", "ORG"):
                yield RawRelation("proposes", proposer, AgreementRef(ctx.doc[token.i : token.i + 1],
                                  proposer), sent, "noun-proposal", 0.8)


def when_where(ctx: Context, *heads: Token) -> tuple[DateValue | None, Span | None]:
    """The date ('on Monday', 'in May 2024') and place ('in Kampala') a clause attaches to its
    verb or noun, so that a fact can keep them as an event rather than lose them."""
    when, where = None, None
    for head in heads:
        for child in head.children:
            if child.dep_ == "npadvmod" and when is None:
                when = _date_at(ctx, child)
            if child.dep_ != "prep" or child.lower_ not in ("in", "on", "at", "during"):
                continue
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                when = when or _date_at(ctx, pobj)
                place = ctx.entity(pobj, through_compounds=False)
                if where is None and place is not None and place.label_ in ("GPE", "LOC", "FAC"):
                    where = place
    return when, where


def _date_at(ctx: Context, token: Token) -> DateValue | None:
    return next((v for v in ctx.dates if v.start <= token.idx < v.end), None)


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
        if host is None or other is None or host.text == other.text:
            continue
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


def pattern_values(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'a capacity of 40,000 inmates' -> capacity of the facility the clause is about."""
    for quantity, measure in ctx.quantities:
        if measure is None or measure.lemma_.lower() != "capacity":
            continue
        if not (sent.start_char <= quantity.start < sent.end_char):
            continue
        if _is_change(measure):
            continue  # 'expand its capacity to hold 30,000' is a plan, not a capacity
        owner = next((ctx.entity(c) for c in measure.children if c.dep_ == "poss"), None) \
            or _owner(ctx, measure)
        if owner is not None and owner.label_ == "FAC":
            yield RawRelation("capacity", owner, quantity, sent, "capacity", 0.9)
        elif (only := ctx.only_facility(sent)) is not None:
            yield RawRelation("capacity", only, quantity, sent, "capacity-sole-facility", 0.75)


_CHANGE_VERBS = frozenset({"expand", "increase", "raise", "double", "triple", "boost", "reduce",
                           "cut", "lower", "grow", "extend", "add"})


def _is_change(token: Token) -> bool:
    head = token.head
    for _ in range(3):
        if head.lemma_.lower() in _CHANGE_VERBS:
            return True
        if head.head is head:
            break
        head = head.head
    return False


def pattern_places(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'the Guantanamo Bay military facility in Cuba', 'CECOT ... is the largest prison in
    Latin America' -> locatedIn."""
    for prep in sent:
        if prep.dep_ != "prep" or prep.lower_ != "in":
            continue
        place = next((ctx.entity(p, through_compounds=False) for p in prep.children
                      if p.dep_ == "pobj"), None)
        if place is None or place.label_ not in ("GPE", "LOC"):
            continue
        head = prep.head
        thing = ctx.entity(head)
        if thing is None and head.dep_ == "attr":
            thing = ctx.entity(subject_of(head.head))
        if thing is not None and thing.label_ in ("FAC", "LOC") and thing != place:
            # organisations are left out: 'leaders like X in Honduras' is too often a person
            yield RawRelation("locatedIn", thing, place, sent, "prep-in", 0.8)


def pattern_leaders(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'the Biden administration' is led by the person it is named after."""
    for admin, person in ctx.leaders:
        if sent.start <= admin.start < sent.end:
            yield RawRelation("ledBy", admin, person, sent, "name-administration", 0.9)


def pattern_possessive_places(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'El Salvador's CECOT facility' and 'Tecoluca, El Salvador' -> locatedIn."""
    for token in sent:
        if token.dep_ != "poss":
            continue
        place = ctx.entity(token, through_compounds=False)
        if place is None or place.label_ != "GPE" or place.end != token.i + 1:
            continue
        owned = token.head
        thing = ctx.entity(owned)
        if thing is None and owned.i + 0 < len(ctx.doc):
            thing = ctx.by_token.get(token.i + 2) if ctx.doc[token.i + 1].dep_ == "case" \
                else None
        if thing is not None and thing.label_ == "FAC":
            yield RawRelation("locatedIn", thing, place, sent, "possessive-place", 0.8)
    for span in ctx.mentions:
        if span.label_ != "GPE" or not (sent.start <= span.start < sent.end):
            continue
        if span.end + 1 < sent.end and ctx.doc[span.end].text == ",":
            country = ctx.by_token.get(span.end + 1)
            if country is not None and country.start == span.end + 1 and country.label_ == "GPE" \
                    and ctx.is_country(country) and not ctx.is_country(span) \
                    and not _listed(ctx.doc, country):
                yield RawRelation("locatedIn", span, country, sent, "place-comma-country", 0.8)


def _listed(doc: Doc, span: Span) -> bool:
    """'Guatemala, Honduras, as well as El Salvador' is a list, not 'city, country'."""
    after = doc[span.end : span.end + 3].text.lower()
    return after.startswith((",", "and", "or", "as well"))


def pattern_parties(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'agreements, known as Asylum Cooperative Agreements (ACAs), with Guatemala, Honduras'."""
    for prep in sent:
        if prep.dep_ != "prep" or prep.lower_ not in ("with", "between"):
            continue
        agreement: Span | AgreementRef | None = _named_agreement(ctx, prep.head, sent,
                                                                   lookback=False)
        if agreement is None and prep.head.lemma_.lower() in DEAL_NOUNS and \
                prep.head.lemma_.lower() not in ("plan", "scheme"):
            agreement = AgreementRef(ctx.doc[prep.head.i : prep.head.i + 1],
                                     _proposer_of_noun(ctx, prep.head))
        if agreement is None:
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            for party_tok in _conjuncts(pobj) + [c for c in pobj.children if c.dep_ == "appos"]:
                party = ctx.entity(party_tok, through_compounds=False)
                if party is not None and party.label_ == "GPE":
                    yield RawRelation("partyTo", party, agreement, sent, "prep-with", 0.8)


def _named_agreement(ctx: Context, token: Token, sent: Span, lookback: bool = True) -> Span | None:
    """A named agreement a noun refers to: itself, one named inside its phrase ('known as
    Asylum Cooperative Agreements'), or, for 'these agreements', the latest one named before."""
    named = ctx.entity(token)
    if named is not None and _is_agreement(named):
        return named
    if token.lemma_.lower() not in ("agreement", "deal", "treaty", "pact", "accord"):
        return None
    for sub in token.subtree:
        found = ctx.by_token.get(sub.i)
        if found is not None and _is_agreement(found):
            return found
    if lookback and any(c.lower_ in ("these", "those", "the", "this") for c in token.children):
        earlier = [m for m in ctx.mentions if _is_agreement(m) and m.end <= token.i
                   and m.start >= sent.start - 120]
        if earlier:
            return earlier[-1]
    return None


def _is_agreement(span: Span) -> bool:
    """Named agreements are labelled AGREEMENT by the entity clean-up (and so are acronyms
    defined from them, such as 'ACAs')."""
    return span.label_ == "AGREEMENT"


def _owner(ctx: Context, token: Token) -> Span | None:
    """The named thing a clause is about, walking up from a word inside it: the entity itself,
    the subject of the clause, or the noun an appositive or participle hangs off."""
    node = token
    for _ in range(6):
        found = ctx.entity(node)
        if found is not None:
            return found
        if node.pos_ in ("VERB", "AUX"):
            subj = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            found = ctx.entity(subj)
            if found is not None:
                return found
        if node.dep_ in ("appos", "acl", "relcl") or node.head is not node:
            if node.head is node:
                return None
            node = node.head
            continue
        return None
    return None


def _date_in(ctx: Context, verb: Token) -> DateValue | None:
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "on"):
            for pobj in prep.children:
                for value in ctx.dates:
                    if value.start <= pobj.idx < value.end:
                        return value
    return None


PATTERNS: tuple[Callable[[Context, Span], Iterator[RawRelation]], ...] = (
    pattern_roles,
    pattern_appositive_roles,
    pattern_verbs,
    pattern_deal_nouns,
    pattern_meetings,
    pattern_membership,
    pattern_values,
    pattern_places,
    pattern_possessive_places,
    pattern_leaders,
    pattern_parties,
)


def find_relations(ctx: Context, sentences: list[Span]) -> list[RawRelation]:
    found: list[RawRelation] = []
    for sent in sentences:
        for pattern in PATTERNS:
            found.extend(pattern(ctx, sent))
    return found
