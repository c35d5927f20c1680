"""Patterns about deals: who proposes, endorses, criticises or withdraws from what, and who is a
party to an agreement; plus facilities opening.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from kg.extract.relations.context import (
    CRITICISE_VERBS,
    DEAL_NOUNS,
    DENY_VERBS,
    ENDORSE_VERBS,
    FACILITY_LABELS,
    MAKE_DEAL_VERBS,
    OPEN_VERBS,
    PROPOSE_VERBS,
    WITHDRAW_VERBS,
    AgreementRef,
    Context,
    RawRelation,
    clause_verb,
    conjuncts,
    named_agreement,
    negated,
    owner_of,
    proposer_of_noun,
    says_none,
    subject_of,
    when_where,
)

_FACT_VERBS = PROPOSE_VERBS | ENDORSE_VERBS | CRITICISE_VERBS | WITHDRAW_VERBS | OPEN_VERBS


def pattern_verbs(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """Subject-verb-object facts: proposes, endorses, criticises, withdrawnBy, openedOn."""
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        lemma = verb.lemma_.lower()
        if lemma not in _FACT_VERBS or negated(verb):
            continue  # 'did not propose', 'denied that it had proposed': no fact
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
                            agreement = named_agreement(ctx, pobj, sent)
                            if agreement is not None:
                                when, where = when_where(ctx, verb, prep)
                                yield RawRelation("withdrawnBy", agreement, subject, sent,
                                                  "verb-withdraw", min(conf, 0.85), when, where)
        elif lemma in OPEN_VERBS:
            when, _ = when_where(ctx, verb)
            if when is None:
                continue
            owner = owner_of(ctx, verb)
            if owner is not None and owner.label_ in FACILITY_LABELS:
                yield RawRelation("openedOn", owner, when, sent, "verb-open", 0.85)
            elif (only := ctx.only_facility(sent)) is not None:
                yield RawRelation("openedOn", only, when, sent, "verb-open-sole-facility", 0.75)


def _denied_deal(token: Token) -> bool:
    """'had not signed an agreement with Italy', 'denied that it had signed ...': the clause that
    would bring the agreement about says it did not; 'denying any deal with Israel': the deal
    itself is denied; 'there was no agreement with Israel': there is none."""
    if says_none(token) or token.dep_ == "dobj" and token.head.lemma_.lower() in DENY_VERBS:
        return True
    verb = clause_verb(token)
    return verb is not None and verb.lemma_.lower() in MAKE_DEAL_VERBS and negated(verb)


def _agreement(ctx: Context, noun: Token, proposer: Span | None) -> AgreementRef:
    return AgreementRef(ctx.doc[noun.i : noun.i + 1], proposer)


def _target(ctx: Context, token: Token) -> Span | AgreementRef | None:
    if token.lemma_.lower() in DEAL_NOUNS:
        owner = proposer_of_noun(ctx, token)
        return AgreementRef(ctx.doc[token.i : token.i + 1], owner)
    return ctx.entity(token)


def pattern_deal_nouns(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """Nominal proposals: 'Bukele's offer', 'the proposal by ... Nayib Bukele'."""
    for token in sent:
        if token.lemma_.lower() in ("offer", "proposal", "proposition", "plan") and \
                token.pos_ == "NOUN" and not negated(token):
            proposer = proposer_of_noun(ctx, token)
            if proposer is not None and proposer.label_ in ("PERSON", "GPE", "ORG"):
                yield RawRelation("proposes", proposer, AgreementRef(ctx.doc[token.i : token.i + 1],
                                  proposer), sent, "noun-proposal", 0.8)


def pattern_parties(ctx: Context, sent: Span) -> Iterator[RawRelation]:
    """'agreements, known as Asylum Cooperative Agreements (ACAs), with Guatemala, Honduras'."""
    for prep in sent:
        if prep.dep_ != "prep" or prep.lower_ not in ("with", "between"):
            continue
        agreement: Span | AgreementRef | None = named_agreement(ctx, prep.head, sent,
                                                                   lookback=False)
        if agreement is None and prep.head.lemma_.lower() in DEAL_NOUNS and \
                prep.head.lemma_.lower() not in ("plan", "scheme"):
            agreement = AgreementRef(ctx.doc[prep.head.i : prep.head.i + 1],
                                     proposer_of_noun(ctx, prep.head))
        if agreement is None or _denied_deal(prep.head):
            continue
        for pobj in prep.children:
            if pobj.dep_ != "pobj":
                continue
            for party_tok in conjuncts(pobj) + [c for c in pobj.children if c.dep_ == "appos"]:
                party = ctx.entity(party_tok, through_compounds=False)
                if party is not None and party.label_ == "GPE":
                    yield RawRelation("partyTo", party, agreement, sent, "prep-with", 0.8)
