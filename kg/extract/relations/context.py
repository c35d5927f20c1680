"""What every relation pattern shares: the lexicon of trigger words, the raw relation
record, the per-document context (entities by token, values, coreference) and the small
parse helpers that find subjects, owners, dates and places.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from kg.model import DateValue, Quantity
from kg.nlp.text import text_of

#: Nouns that name a deal, offer or plan: objects of 'proposes', subjects of 'endorses' objects.
DEAL_NOUNS = frozenset({
    "deal", "agreement", "offer", "proposal", "plan", "arrangement", "pact", "treaty",
    "proposition", "accord", "scheme",
})
#: 'The Biden administration withdrew': the administration acts for the person who leads it.
ACTING_FOR = frozenset({"administration", "government", "cabinet"})
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
        return any({a.text, b.text} == {text_of(self.doc)[s:e], acr} for s, e, acr in self.acronyms)

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


#: Verbs that say what their clause, or a report they take as object, states is untrue.
DENY_VERBS = frozenset({"deny", "dismiss", "reject", "refute", "rebut", "disavow", "dispute"})
#: Nouns whose 'that' clause is what someone said: 'reports that', 'claims that'.
CONTENT_NOUNS = frozenset({"report", "claim", "allegation", "suggestion", "rumour", "rumor",
                           "speculation", "assertion", "accusation"})
#: Verbs by which an agreement comes about: denying or negating one of them denies the agreement
#: and its parties ('denied that it had signed an agreement with Italy'); negating another verb
#: does not ('the agreement with Guatemala was not renewed' still has Guatemala as a party).
MAKE_DEAL_VERBS = frozenset({"sign", "conclude", "reach", "strike", "seal", "agree", "negotiate",
                             "make", "finalise", "finalize", "enter"})


def clause_verb(token: Token) -> Token | None:
    """The verb of the clause a word belongs to ('agreement' in 'had signed an agreement')."""
    node = token
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX"):
            return node
        if node.head == node:
            return None
        node = node.head
    return None


def denier(verb: Token) -> Token | None:
    """The verb that denies ``verb``'s clause: 'denied that [it had signed]', 'dismissed claims
    that [it had signed]', also for a verb coordinated with it ('[signed] and ratified')."""
    node = verb
    for _ in range(3):
        if node.dep_ != "conj" or node.head == node:
            break
        node = node.head
    head = node.head
    if node.dep_ == "ccomp" and head.lemma_.lower() in DENY_VERBS:
        return head
    if node.dep_ in ("acl", "ccomp") and head.lemma_.lower() in CONTENT_NOUNS and \
            head.dep_ == "dobj" and head.head.lemma_.lower() in DENY_VERBS:
        return head.head
    return None


def says_none(token: Token) -> bool:
    """'no' before the thing: 'made no offer', 'there was no agreement'."""
    return any(c.dep_ == "det" and c.lower_ == "no" for c in token.children)


def negated(token: Token | None) -> bool:
    """Whether the clause that would state a fact at ``token`` says it is not so: a negation
    ('did not propose', 'never met'), 'no' before the thing ('made no offer'), or a denial of
    the clause ('denied that ...', 'dismissed reports that ...'). The event reader marks such
    events negated; a relation read there is not a fact and is not published."""
    if token is None:
        return False
    if says_none(token):
        return True
    verb = clause_verb(token)
    if verb is None:
        return False
    return any(c.dep_ == "neg" for c in verb.children) or denier(verb) is not None


def subject_of(verb: Token) -> Token | None:
    """nsubj of the verb, or of the verb it is coordinated with ('suspended and withdrew')."""
    node = verb
    for _ in range(3):
        for child in node.children:
            if child.dep_ in ("nsubj",):
                return child
        if node.dep_ == "conj" and node.head != node:
            node = node.head
            continue
        break
    return None


def conjuncts(token: Token) -> list[Token]:
    return [token, *token.conjuncts]


def when_where(ctx: Context, *heads: Token) -> tuple[DateValue | None, Span | None]:
    """The date ('on Monday', 'in May 2024') and place ('in Kampala') a clause attaches to its
    verb or noun, so that a fact can keep them as an event rather than lose them."""
    when, where = None, None
    for head in heads:
        for child in head.children:
            if child.dep_ == "npadvmod" and when is None:
                when = date_at(ctx, child)
            if child.dep_ != "prep" or child.lower_ not in ("in", "on", "at", "during"):
                continue
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                when = when or date_at(ctx, pobj)
                place = ctx.entity(pobj, through_compounds=False)
                if where is None and place is not None and place.label_ in ("GPE", "LOC", "FAC"):
                    where = place
    return when, where


def date_at(ctx: Context, token: Token) -> DateValue | None:
    return next((v for v in ctx.dates if v.start <= token.idx < v.end), None)


def proposer_of_noun(ctx: Context, noun: Token) -> Span | None:
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


def named_agreement(ctx: Context, token: Token, sent: Span, lookback: bool = True) -> Span | None:
    """A named agreement a noun refers to: itself, one named inside its phrase ('known as
    Asylum Cooperative Agreements'), or, for 'these agreements', the latest one named before."""
    named = ctx.entity(token)
    if named is not None and is_agreement(named):
        return named
    if token.lemma_.lower() not in ("agreement", "deal", "treaty", "pact", "accord"):
        return None
    for sub in token.subtree:
        found = ctx.by_token.get(sub.i)
        if found is not None and is_agreement(found):
            return found
    if lookback and any(c.lower_ in ("these", "those", "the", "this") for c in token.children):
        earlier = [m for m in ctx.mentions if is_agreement(m) and m.end <= token.i
                   and m.start >= sent.start - 120]
        if earlier:
            return earlier[-1]
    return None


def is_agreement(span: Span) -> bool:
    """Named agreements are labelled AGREEMENT by the entity clean-up (and so are acronyms
    defined from them, such as 'ACAs')."""
    return span.label_ == "AGREEMENT"


def owner_of(ctx: Context, token: Token) -> Span | None:
    """The named thing a clause is about: walking up the head chain from a word inside it (at
    most six steps), the first named thing met, or the named subject of a verb on the way
    ('the CECOT facility, inaugurated in 2023', 'a megaprison with the capacity to hold')."""
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
        if node.head == node:
            return None
        node = node.head
    return None
