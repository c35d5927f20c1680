"""Events: every body clause in which a named entity is the agent, patient or recipient of an
event verb or noun ("X signed Y with Z", "the arrest of X", "X was deported to Y").

The trigger lexicon (kg/data/event_triggers.tsv) maps lemmas to CAMEO-like classes and says
which grammatical function fills which role; the roles themselves are read from spaCy's
dependency parse. Modality comes from the clause: a negation ("did not"), a modal or future
("will", "could", "is expected to", an infinitive), or reported speech ("X said ...",
"according to X"). Events quoted verbatim are left to the quotations.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from kg.extract.relations.context import CONTENT_NOUNS, Context, date_at, denier
from kg.model import DateValue, Event, Mention, Quantity, Sentence
from kg.nlp.mentions import HEAD_WORDS
from kg.nlp.text import text_of

LEXICON_FILE = Path(__file__).resolve().parents[1] / "data" / "event_triggers.tsv"
VERSION = "0.1"

#: Speech verbs: their complement clause is what the speaker reports.
SPEECH = frozenset({"say", "tell", "write", "note", "add", "warn", "report", "announce",
                    "state", "claim", "confirm", "indicate", "estimate", "allege", "insist",
                    "argue", "explain", "deny"})
#: Modals of obligation: what the reported content says ought to happen.
OUGHT = frozenset({"should", "must"})
MODALS = frozenset({"will", "would", "could", "might", "may", "shall", "should", "can", "'ll"})
#: Verbs whose infinitive complement has not happened yet ("is expected to open").
PROSPECTIVE = frozenset({"expect", "set", "plan", "due", "seek", "intend", "aim", "want", "hope",
                         "propose", "threaten", "vow", "promise", "prepare", "agree", "decide",
                         "try", "await", "consider", "urge", "ask", "call", "force", "likely"})
COURT_WORDS = re.compile(r"\b(court|tribunal|judge|justice|magistrate|bench)\b", re.I)
#: Money in a clause: currency signs, codes and names (word classes, not amounts).
MONEY = re.compile(r"[$€£₹¥]|\b(?:US\$|R\$|Sh|Rs\.?|N|P)\s?\d|\b(?:dollars?|euros?|pounds?|"
                   r"reais|pesos|rupees|shillings|naira|birr|yen|francs|cedis|USD|EUR|GBP|INR|"
                   r"KES|NGN|ETB|BRL|PHP|MXN|UGX|GHS)\b")
#: Nouns of a circumstance that a 'by' phrase of the verb may be hung on by the parser.
CIRCUMSTANCES = frozenset({"cost", "price", "expense", "crore", "lakh", "million", "billion"})
#: Personal pronouns: a person, though we may not know who.
PERSONAL = frozenset({"he", "she", "him", "her", "they", "them"})
#: Nouns for the works a story is about: 'welcomed the project'.
PROJECT_NOUNS = frozenset({"project", "scheme"})
#: Verbs of a complaint's content: 'a suit ..., arguing that X had ...'.
COMPLAINS = frozenset({"argue", "allege", "claim", "contend", "say", "complain"})
#: Verbs of leading a group: 'the network, led by X' acts through X.
LEADS = frozenset({"lead", "head", "run"})
#: Nouns that are money without naming a sum: 'the money was moved', 'provided funds'.
MONEY_NOUNS = frozenset({"money", "fund", "funds", "cash", "proceeds"})
#: Light verbs whose object noun is the event ("launched an appeal", "filed a lawsuit").
SUPPORT = frozenset({"launch", "open", "file", "bring", "lodge", "announce", "hold", "conduct",
                     "carry", "stage", "call", "make", "issue", "begin", "start", "mount",
                     "face", "await", "undergo", "give", "take", "order", "go", "secure",
                     "win", "award", "sign", "approve", "receive", "provide"})
#: Verbs of being in a state: 'remains in custody', 'is in hiding'.
STATES = frozenset({"be", "remain", "stay"})
#: Who speaks for an organisation: the organisation is the agent of what they say.
SPOKESPEOPLE = frozenset({"spokesperson", "spokesman", "spokeswoman", "representative"})
#: Nouns of a kind of named thing: 'the state', 'the town' take up the latest place named
#: before, 'the company' the latest organisation (word classes, no names).
KIND_NOUNS = {
    **dict.fromkeys(("state", "country", "nation", "town", "city", "village", "municipality",
                     "province", "county", "region"), ("GPE",)),
    **dict.fromkeys(("company", "firm", "group", "miner", "developer", "contractor",
                     "operator", "lender", "insurer", "carrier", "organisation",
                     "organization", "charity"), ("ORG",)),
}
#: Words that say which level of government 'the ... government' is: 'the state government'
#: (word classes, no names). Any other modifier ('the Korean government', 'the new
#: government') leaves the description unread.
GOVERNMENT_LEVELS = frozenset({"state", "federal", "national", "central", "regional",
                               "provincial", "county", "city", "municipal", "local", "union"})
#: Common nouns of agreements: a participant so named is the article's agreement.
AGREEMENT_NOUNS = frozenset({"deal", "agreement", "pact", "treaty", "accord", "arrangement",
                             "memorandum", "mou", "venture"})
#: Words that make a deal noun some other deal than the article's.
OTHER_DEALS = frozenset({"similar", "other", "such", "previous", "earlier", "another", "past",
                         "separate", "existing", "former"})
#: Functions of a verb that only modifies the reported content ('vote-buying cases', 'before
#: signing'): such a verb is not the event reported.
SUBORDINATE = frozenset({"compound", "amod", "pcomp"})
#: Documents that speak for their author: 'a statement by X said'.
DOCUMENTS = frozenset({"statement", "report", "letter", "release", "communique", "notice"})
#: Event nouns whose purpose clause names what they are for: 'a contract to build X'.
PURPOSED = frozenset({"contract", "funding"})
#: Light verbs whose subject undergoes the event their object names ('awaiting trial').
UNDERGO = frozenset({"await", "face", "undergo"})
#: Classes of speech acts more specific than a statement: a 'said' coordinated with one of them
#: ('denied any irregularity and said the rise followed design changes') is part of that act.
SPEECH_ACTS = frozenset({"denial", "criticism", "demand", "appeal", "refusal", "threat",
                         "announcement"})
#: Symmetric events: of several subjects the first acts, the others take part.
SYMMETRIC = frozenset({"agreement", "meeting"})
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|‘[^’\n]{12,}’")
ROLE_NAMES = ("agent", "patient", "recipient")


@dataclass(frozen=True)
class Sense:
    """One lexicon row: the class a trigger names and how its functions map to roles."""

    event_class: str
    roles: tuple[tuple[str, str], ...]  # (function, role) overrides
    needs: frozenset[str]

    def role(self, function: str, default: str | None) -> str | None:
        return dict(self.roles).get(function, default)


@lru_cache(maxsize=1)
def lexicon() -> dict[tuple[str, str], tuple[Sense, ...]]:
    """(lemma, V|N) -> its senses in order; read on first use."""
    table: dict[tuple[str, str], list[Sense]] = {}
    for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("lemma\t"):
            continue
        lemma, pos, event_class, frame = (line.split("\t") + [""])[:4]
        roles, needs = [], set()
        for item in filter(None, (f.strip() for f in frame.split(","))):
            if "=" in item:
                function, role = item.split("=")
                roles.append((function, role))
            else:
                needs.add(item)
        table.setdefault((lemma, pos), []).append(
            Sense(event_class, tuple(roles), frozenset(needs)))
    return {key: tuple(senses) for key, senses in table.items()}


def _tokens_inside(doc: Doc, spans: list[tuple[int, int]]) -> frozenset[int]:
    """The tokens strictly inside one of the sorted, non-overlapping character spans, found
    once per document (every token of every sentence is asked about)."""
    if not spans:
        return frozenset()
    starts = [start for start, _ in spans]
    inside = set()
    for token in doc:
        k = bisect_left(starts, token.idx) - 1  # the last span that starts before the token
        if k >= 0 and token.idx < spans[k][1]:
            inside.add(token.i)
    return frozenset(inside)


class EventReader:
    """Reads the events of one article's body sentences."""

    def __init__(self, ctx: Context, mention_of: dict[tuple[int, int], Mention],
                 sentence_of: dict[int, Sentence]) -> None:
        self.ctx = ctx
        self.doc = ctx.doc
        self.mention_of = mention_of
        self.sentence_of = sentence_of
        self.lex = lexicon()
        self.quoted = _tokens_inside(self.doc, [
            (m.start(), m.end()) for m in _QUOTED.finditer(text_of(self.doc))])
        self.money = [q for q, _ in ctx.quantities if MONEY.search(q.text)]

    # ------------------------------------------------------------ entry point

    def read(self, sentences: list[Span]) -> list[Event]:
        events: list[Event] = []
        for sent in sentences:
            sentence = self.sentence_of.get(sent.start)
            if sentence is None:
                continue
            events.extend(self._sentence(sent, sentence))
        seen: set[tuple] = set()
        unique = []
        for event in events:
            # one event per class and participants in a sentence: 'a lawsuit filed by X'
            key = (event.event_class, event.sentence.start, _key(event.agent),
                   _key(event.patient), _key(event.recipient))
            if key not in seen:
                seen.add(key)
                unique.append(event)
        return [event for event in unique if not _told_better(event, unique)]

    def _sentence(self, sent: Span, sentence: Sentence) -> Iterator[Event]:
        """Events of one sentence; speech verbs last, since a speech clause whose content
        is itself an event read here is left to that event."""
        found: list[Event] = []
        speech: list[tuple[Token, Sense, int]] = []
        for token in sent:
            if self._inside_quote(token):
                continue
            if token.lower_ == "among" and token.head.lemma_ == "be":
                found.extend(self._among(token, sentence))
                continue
            trigger = self._trigger(token)
            if trigger is None:
                continue
            sense, trigger_end = trigger
            if token.pos_ in ("NOUN", "PROPN"):
                found.extend(self._noun_event(token, sense, trigger_end, sentence))
            elif sense.event_class == "statement":
                speech.append((token, _demanding(token) or sense, trigger_end))
            else:
                found.extend(self._verb_event(token, sense, trigger_end, sentence))
        told = {event.start for event in found}
        acts = {event.start for event in found if event.event_class in SPEECH_ACTS}
        for verb, sense, trigger_end in speech:
            if sense.event_class == "statement" and _joined_act(verb, acts):
                continue
            if not self._statement_covered(verb, told):
                found.extend(self._verb_event(verb, sense, trigger_end, sentence))
        yield from sorted(found, key=lambda event: event.start)

    def _among(self, among: Token, sentence: Sentence) -> Iterator[Event]:
        """'Among the dead were X and Y', 'Among those arrested was X': the names that
        make up the group are the event's patients."""
        for pobj in (c for c in among.children if c.dep_ == "pobj"):
            adjective = pobj.pos_ == "ADJ" or self._adjective(pobj) is not None  # 'the dead'
            candidates = [pobj] if adjective else [
                c for c in pobj.children if c.dep_ == "acl" and c.tag_ == "VBN"]
            for word in candidates:
                found = self._adjective(word) if adjective else self._trigger(word)
                if found is None:
                    continue
                sense, trigger_end = found
                subject = next((c for c in among.head.children if c.dep_ == "nsubj"), None)
                if subject is None:
                    continue
                patients = self._entities(subject)
                for conj in (c for c in among.head.children if c.dep_ == "conj"):
                    patients += [m for m in self._entities(conj) if m not in patients]
                roles = {"agent": [], "patient": patients, "recipient": []}
                yield from self._emit(word, sense, trigger_end, sentence, roles)

    def _adjective(self, token: Token) -> tuple[Sense, int] | None:
        senses = self.lex.get((token.lemma_.lower(), "A"), ())
        return (senses[0], token.idx + len(token)) if senses else None

    # ------------------------------------------------------------ triggers

    def _trigger(self, token: Token) -> tuple[Sense, int] | None:
        """The sense of a trigger token, and where the trigger text ends (after a particle)."""
        if token.pos_ in ("VERB", "AUX") or (token.pos_ == "ADJ" and token.tag_ == "VBN"):
            pos = "V"
        elif token.pos_ in ("NOUN", "PROPN") and token.i not in self.ctx.by_token:
            pos = "N"
        else:
            return None
        lemma = token.lemma_.lower()
        candidates: list[tuple[tuple[str, str], int]] = []
        for child in token.children:
            if child.dep_ in ("prt", "prep") and child.i > token.i:
                candidates.append(((f"{lemma} {child.lower_}", pos), child.idx + len(child)))
        candidates.append(((lemma, pos), token.idx + len(token)))
        if pos == "N":
            candidates.append(((token.lower_, pos), token.idx + len(token)))
        for key, end in candidates:
            for sense in self.lex.get(key, ()):
                if sense.event_class == "statement" or self._fits(token, sense):
                    return sense, end
        return None

    def _fits(self, token: Token, sense: Sense) -> bool:
        if "money" in sense.needs and not self._money_in(token):
            return False
        if "notguilty" in sense.needs and not any(
                c.dep_ == "acomp" and any(n.dep_ == "neg" for n in c.children)
                for c in token.children):
            return False
        if "noevent" in sense.needs and any(  # 'won the contract' is no election won
                c.dep_ == "dobj" and self._trigger(c) is not None for c in token.children):
            return False
        if "noccomp" in sense.needs and any(c.dep_ == "ccomp" for c in token.children):
            return False  # 'promised that ...' reports; 'promised to ...' proposes
        if "deal" in sense.needs and not any(  # 'accepted a deal', not 'accepted deportees'
                t.lemma_.lower() in AGREEMENT_NOUNS for function, t in self._functions(token)
                if sense.role(function, "patient" if function == "obj" else None) == "patient"):
            return False
        if "patient" in sense.needs and not self._argument(token, "patient", sense):
            return False
        if "facility" in sense.needs and not any(
                m.label not in ("GPE", "LOC", "NORP", "PERSON")
                for m in self._argument(token, "patient", sense)):
            return False
        if "person" in sense.needs:
            patient = self._argument(token, "patient")
            if not patient or not any(m.label == "PERSON" for m in patient):
                return False
        if "legal" in sense.needs:  # 'will appeal', 'appealed to the Supreme Court'
            to = self._prep_objects(token, "to")
            if any(not self._is_court(m) for m in to) or (not to and any(
                    c.dep_ == "prep" and c.lower_ == "to" for c in token.children)):
                return False
        if "court" in sense.needs:
            agent = self._argument(token, "agent")
            to = self._prep_objects(token, "to")
            if not any(self._is_court(m) for m in agent + to):
                return False
            if not self._argument(token, "patient", sense):
                return False  # 'the court ordered that ...': a ruling on whom, it does not say
        return True

    def _is_court(self, mention: Mention) -> bool:
        """A court or a judge: by its name, its title, or the name its acronym stands for."""
        names = [mention.text, mention.role or ""] + [
            text_of(self.doc)[start:end] for start, end, acronym in self.ctx.acronyms
            if acronym == mention.text]
        return any(COURT_WORDS.search(name) for name in names)

    def _money_in(self, token: Token) -> bool:
        lo, hi = _clause_bounds(token)
        return bool(MONEY.search(text_of(self.doc)[lo:hi])) or any(
            c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in MONEY_NOUNS
            for c in token.children)

    def _inside_quote(self, token: Token) -> bool:
        return token.i in self.quoted

    # ------------------------------------------------------------ verbs

    def _verb_event(self, verb: Token, sense: Sense, trigger_end: int,
                    sentence: Sentence) -> Iterator[Event]:
        if self._support_verb(verb):
            return  # "opened an investigation": the noun is the event, the verb its support
        if self._unnamed_patient(verb, sense):
            return
        governor = verb.head
        keys = [(governor.lemma_.lower(), "V")] + [
            (f"{governor.lemma_.lower()} {c.lower_}", "V") for c in governor.children
            if c.dep_ in ("prt", "prep") and c.i > governor.i]  # 'called on X to pay'
        if verb.dep_ == "xcomp" and any(s.event_class in ("appeal", "demand")
                                        for key in keys for s in self.lex.get(key, ())):
            return  # 'asked the court to suspend ...': what is asked for has not happened
        roles = {name: self._argument(verb, name, sense) for name in ROLE_NAMES}
        if not roles["agent"] and sense.role("by", "agent") == "agent":
            roles["agent"] = self._stray_agent(verb)
        for noun in self._instruments(verb, sense):
            if not roles["agent"]:  # 'financed through a loan from X': X finances
                roles["agent"] = [m for prep in noun.children if prep.dep_ == "prep" and
                                  prep.lower_ in ("from", "by") for pobj in prep.children
                                  if pobj.dep_ == "pobj" for m in self._entities(pobj)]
        yield from self._emit(verb, sense, trigger_end, sentence, roles)

    def _instruments(self, verb: Token, sense: Sense) -> list[Token]:
        """Event nouns of the verb's own class that say how it is done ('financed through a
        loan', 'paid with a grant'): the same event, told once by the verb."""
        return [pobj for prep in verb.children if prep.dep_ == "prep" and
                prep.lower_ in ("through", "with", "via") for pobj in prep.children
                if pobj.dep_ == "pobj" and pobj.pos_ == "NOUN" and any(
                    other.event_class == sense.event_class
                    for other in self.lex.get((pobj.lemma_.lower(), "N"), ()))]

    def _unnamed_patient(self, verb: Token, sense: Sense) -> bool:
        """'criticised the deal', 'welcomed the project': the patient is a thing the article
        named before but we cannot tell which; an event without it would be wrong, not
        just incomplete. (An event noun there, 'condemned the arrests', is no participant.)
        Where the clause names another patient ('arraigned the defendant alongside a company,
        X Ltd'), the event stands with the named one."""
        if self._argument(verb, "patient", sense):
            return False
        for function, token in self._functions(verb):
            if function not in ("obj", "passive") or sense.role(function, "patient") != "patient":
                continue
            definite = any(c.dep_ in ("det", "poss") and c.lower_ in (
                "the", "this", "that", "these", "those", "its", "their", "his", "her")
                for c in token.children)
            if definite and token.pos_ == "NOUN" and not self._entities(token) and \
                    self._trigger(token) is None:
                return True
        return False

    def _support_verb(self, verb: Token) -> bool:
        if verb.lemma_.lower() not in SUPPORT:
            return False
        for child in verb.children:
            if child.dep_ in ("dobj", "nsubjpass") and child.pos_ == "NOUN" and \
                    self._trigger(child) is not None and not _anaphoric(child):
                return True
        return False

    def _statement_covered(self, verb: Token, told: set[int]) -> bool:
        """A speech clause is left to the quotation when it quotes its words or introduces
        them (":"), to the statement it attributes when its content comes first ("...,
        the agency said"), and to the event it reports when that event was read (``told``
        holds the offsets of the sentence's event triggers)."""
        text = verb.sent.text.strip()
        if any(mark in text for mark in "“”\"") or text.endswith(":") or \
                text.startswith(("'", "‘")):
            return True
        if any(c.dep_ in ("ccomp", "parataxis") and c.i < verb.i for c in verb.children) or \
                verb.dep_ in ("parataxis", "relcl") or (
                verb.dep_ in ("ccomp", "conj") and verb.head.i < verb.i and
                not any(c.dep_ in ("ccomp", "xcomp") for c in verb.children)):
            return True  # "..., the prosecutor told reporters", "which she said"
        subject = _subject(verb)
        own = set(subject[0].subtree) if subject is not None else set()
        mine = {t for sub in verb.subtree if _own_act(sub, verb) for t in sub.subtree}
        return any(sub.idx in told or self._reports_event(sub) for sub in verb.subtree
                   if sub.i > verb.i and sub not in own and sub not in mine and
                   sub.dep_ not in SUBORDINATE)

    def _reports_event(self, token: Token) -> bool:
        """An event verb of a class in the reported content ('said officers were injured',
        'said the hospital could open'): that event is the news, even where it names no one,
        so the speech is no statement of its own. Precision first: any verb of the content
        that reads as an event of the lexicon (its conditions met: 'approved' with a sum of
        money) is enough to leave the speech out."""
        if token.pos_ == "NOUN" and token.tag_ == "NNS" and token.dep_ in ("pobj", "dobj") \
                and not any(c.dep_ in ("det", "poss") for c in token.children):
            pass  # 'treated 12 people for injuries': the injuries are what is reported
        elif token.pos_ not in ("VERB", "AUX"):
            return False
        found = self._trigger(token)
        if found is None and token.pos_ == "VERB" and any(
                c.dep_ in ("nsubjpass", "dobj") and c.lower_ in PERSONAL
                for c in token.children):  # 'told reporters she was being held': a person
            found = next(((sense, 0) for sense in self.lex.get((token.lemma_.lower(), "V"), ())
                          if "person" in sense.needs or "patient" in sense.needs), None)
        return found is not None and found[0].event_class != "statement"

    def _argument(self, verb: Token, role: str, sense: Sense | None = None) -> list[Mention]:
        """The named entities filling ``role`` of a verb, by the sense's frame."""
        found: list[Mention] = []
        ergative = sense is not None and "ergative" in sense.needs and not any(
            c.dep_ == "dobj" for c in verb.children)
        for function, token in self._functions(verb):
            if ergative and function == "subj":
                function = "passive"  # 'the hospital could open': what opens is opened
            default = {"subj": "agent", "obj": "patient", "dative": "recipient",
                       "to": "recipient", "by": "agent", "passive": "patient",
                       "against": "patient"}.get(function)
            mapped = sense.role(function, default) if sense is not None else default
            if mapped == role:
                found.extend(self._entities(token))
        return found

    def _functions(self, verb: Token) -> Iterator[tuple[str, Token]]:
        """(function, token) pairs: subj, obj, passive, by, dative and prepositions."""
        found = _subject(verb)
        if found is not None:
            subject, passive = found
            yield ("passive" if passive else "subj"), subject
        for child in verb.children:
            if child.dep_ == "dobj":
                yield "obj", child
                for prep in child.children:  # 'granted an injunction against X'
                    if prep.dep_ == "prep" and prep.lower_ in ("against", "from"):
                        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                            yield prep.lower_, pobj  # 'wrested the seat from X'
                yield from _deal_partners(child)
            elif child.dep_ == "dative":
                yield "dative", child
            elif child.dep_ == "agent":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        yield "by", pobj
            elif child.dep_ == "prep" and child.lower_ in ("to", "with", "against", "from", "of",
                                                          "for", "into"):
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        yield child.lower_, pobj
                        yield from _deal_partners(pobj)  # 'consented to a deal with X'
                    elif pobj.dep_ == "prep":  # "pulled out of"
                        for inner in pobj.children:
                            if inner.dep_ == "pobj":
                                yield pobj.lower_, inner

    def _stray_agent(self, verb: Token) -> list[Mention]:
        """'has been built at a cost of Rs 650 crore by X': a passive verb without its own
        'by' phrase whose 'by' the parser hung on the noun of a circumstance (cost, price,
        time) before it. The named doer there is the verb's agent."""
        if not any(c.dep_ == "auxpass" for c in verb.children) or any(
                c.dep_ == "agent" for c in verb.children):
            return []
        for prep in (c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("at", "for")):
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                for by in (t for t in pobj.subtree if t.dep_ == "prep" and t.lower_ == "by"
                           and t.head.lemma_.lower() in CIRCUMSTANCES):
                    for agent in (c for c in by.children if c.dep_ == "pobj"):
                        found = [m for m in self._entities(agent)
                                 if m.label in ("ORG", "PERSON", "GPE")]
                        if found:
                            return found
        return []

    def _prep_objects(self, head: Token, prep: str) -> list[Mention]:
        return [m for function, token in self._functions(head) if function == prep
                for m in self._entities(token)]

    # ------------------------------------------------------------ nouns

    def _noun_event(self, noun: Token, sense: Sense, trigger_end: int,
                    sentence: Sentence) -> Iterator[Event]:
        if _anaphoric(noun):
            return  # "welcomed the announcement": an event already told, not a new one
        governor = noun.head.head if noun.dep_ == "pobj" else None
        if governor is not None and governor.pos_ == "VERB" and any(
                noun in self._instruments(governor, other)
                for other in self.lex.get((governor.lemma_.lower(), "V"), ())):
            return  # 'financed through a loan from X': the verb tells it
        roles: dict[str, list[Mention]] = {name: [] for name in ROLE_NAMES}
        for child in noun.children:
            if child.dep_ == "poss":
                target = "patient" if sense.event_class in (
                    "arrest", "detention", "deportation", "release", "trial", "death",
                    "appointment", "dismissal", "resignation") and child.lower_ not in (
                    "its", "their", "his", "her") else "agent"
                if sense.event_class == "resignation":
                    target = "agent"
                roles[target].extend(self._entities(child))
            elif child.dep_ == "prep":
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    function = "by" if child.lower_ == "by" else child.lower_
                    default = {"by": "agent", "of": "patient", "to": "recipient",
                               "against": "patient", "with": "recipient"}.get(function)
                    if function == "from" and sense.event_class in ("payment", "funding"):
                        default = "agent"  # 'a donation from X', 'a loan from X'
                    role = sense.role(function, default)
                    if role in roles:
                        roles[role].extend(self._entities(pobj))
            elif child.dep_ == "acl":  # "a strike called by Verdi"
                for sub in child.children:
                    if sub.dep_ == "agent":
                        for pobj in (c for c in sub.children if c.dep_ == "pobj"):
                            roles["agent"].extend(self._entities(pobj))
                    elif sub.dep_ == "dobj" and sense.event_class in PURPOSED and any(
                            c.dep_ == "aux" and c.tag_ == "TO" for c in child.children):
                        # 'a contract with X to turn the Kisumu-Busia road into ...'
                        roles["patient"].extend(m for m in self._entities(sub)
                                                if m.label in ("FAC", "ORG", "LAW"))
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ == "in" and head.head.lemma_ in STATES and \
                not roles["patient"]:  # 'X remains in detention': X is held
            found = _subject(head.head)
            if found is not None:
                roles["patient"].extend(self._entities(found[0]))
        if noun.dep_ in ("dobj", "nsubjpass") and head.pos_ in ("VERB", "AUX") and \
                head.lemma_.lower() in SUPPORT:
            # the support verb's subject (or "by" agent) acts; its "to"/"with" party receives
            undergoes = head.lemma_.lower() in UNDERGO  # 'are awaiting trial': tried, not trying
            for function, token in self._functions(head):
                if function in ("subj", "by") and undergoes and not roles["patient"]:
                    roles["patient"].extend(self._entities(token))
                elif function in ("subj", "by") and not roles["agent"]:
                    roles["agent"].extend(self._entities(token))
                elif function in ("to", "with") and not roles["recipient"]:
                    roles["recipient"].extend(self._entities(token))
                elif function == "against" and not roles["patient"]:
                    roles["patient"].extend(self._entities(token))
        yield from self._emit(noun, sense, trigger_end, sentence, roles)

    # ------------------------------------------------------------ entities in an argument

    def _entities(self, token: Token) -> list[Mention]:
        """The named things an argument token stands for: itself (or its antecedent), the
        name in apposition to it ("the prosecutor, Camille Arnaud"), a thing named before
        that a definite noun takes up ("the bridge"), the owner of an unnamed group ("the
        Senate's committee"), and the conjuncts of each ("X and Y")."""
        out: list[Mention] = []
        head = token
        if token.lower_ in ("which", "who", "that") and token.head.dep_ == "relcl":
            head = token.head.head
        for member in [head, *head.conjuncts]:
            for found in self._stands_for(member):
                if found not in out:
                    out.append(found)
        if len(out) == 1 and head.dep_ in ("nsubj", "nsubjpass"):
            return self._flat_coordination(head, out[0]) or out
        return out

    def _flat_coordination(self, head: Token, named: Mention) -> list[Mention]:
        """'Chilean miner Minera Salar Andino and Japanese group Kōsei Battery Materials
        signed': descriptions before each name can flatten 'X and Y' into modifiers of Y. The
        names of the same kind that an 'and' in the subject separates are each a subject."""
        words = [t for t in head.subtree if t.i < head.i]
        cc = [t for t in words if t.dep_ == "cc" and t.lower_ == "and"]
        if not cc:
            return []
        before = [m for m in (self._mention(t) for t in words if t.i < cc[0].i)
                  if m is not None and m.label == named.label and m != named]
        unique = list(dict.fromkeys(before))
        return [*unique, named] if len(unique) == 1 else []

    def _stands_for(self, token: Token) -> list[Mention]:
        if token.i in self.ctx.by_token or token.i in self.ctx.coref:
            found = self._mention(token)
            if found is not None and found.label != "PERSON":  # 'the BJP MLA, Shyam Lal Kol,'
                for child in token.children:
                    person = self._mention(child) if child.dep_ == "appos" else None
                    if person is not None and person.label == "PERSON":
                        return self._with_conjuncts(child, person)
            return [found] if found is not None else []
        for child in token.children:
            if child.dep_ == "appos" and not _parenthesised(child):
                found = self._mention(child)
                if found is not None:
                    return self._with_conjuncts(child, found)
        loose = self._loose_apposition(token)
        if loose is not None:
            return [loose]
        leader = self._led_by(token)
        if leader is not None:
            return [leader]
        for child in token.children:  # "two of X's coordinators, A and B"
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    for app in (c for c in pobj.children if c.dep_ == "appos"):
                        found = self._mention(app)
                        if found is not None:
                            return self._with_conjuncts(app, found)
        found = self._mention(token)  # "the CECOT facility"
        if found is not None:
            return [found]
        if token.pos_ == "PRON" and token.lower_ in ("it", "they") and \
                token.dep_ in ("nsubj", "dobj"):  # 'warned that X could force it to shut'
            speaker = self._speaker_of_clause(token.head)
            return [speaker] if speaker is not None else []
        if token.lemma_.lower() in DOCUMENTS or token.pos_ == "PROPN":
            # 'a statement by his press secretary, X, said'; 'Office of Civil Defense
            # Administrator X said', a title the parser read as the head
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in (
                    ("by", "from") if token.lemma_.lower() in DOCUMENTS else ("of",))):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    if token.lemma_.lower() in DOCUMENTS:
                        return self._entities(pobj)
                    person = self._mention(pobj)
                    if person is not None and person.label == "PERSON" and any(
                            c.dep_ == "compound" and c.lower_ in HEAD_WORDS
                            for c in pobj.children):
                        return [person]
        if token.lower_ == "both" and token.dep_ in ("nsubj", "nsubjpass"):
            return self._pair_before(token)
        if token.tag_ == "NNS" and any(c.dep_ == "nummod" and c.lower_ == "two"
                                       for c in token.children):
            return self._two_named(token)
        if token.lemma_.lower() in SPOKESPEOPLE:  # 'a spokesperson for X denied': X speaks
            for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("for", "of")):
                for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                    owner = self._mention(pobj)
                    if owner is not None and owner.label != "GPE":  # NER's person too
                        return [owner]
        if token.pos_ in ("NOUN", "PROPN") and token.lemma_.lower() in AGREEMENT_NOUNS:
            # 'signed a Memorandum of Understanding': capitals make no name of it
            named = self._taken_up(token)  # 'the agreement' after the 'Paris Agreement'
            deal = named if named is not None and named.label == "AGREEMENT" else \
                self._deal(token)
            return [deal] if deal is not None else []
        if token.pos_ == "NOUN":
            earlier = self._taken_up(token)
            if earlier is not None:
                return [earlier]
            for child in token.children:
                if child.dep_ == "poss" and child.i in self.ctx.by_token:
                    owner = self._mention(child)
                    if owner is not None and owner.label in ("ORG", "GPE", "NORP", "FAC"):
                        return [owner]
                elif child.dep_ == "poss" and child.pos_ == "NOUN":  # 'the company's licence'
                    owner = self._of_kind(child)
                    if owner is not None:
                        return [owner]
            government = self._government(token)
            if government is not None:
                return [government]
        return []

    def _government(self, noun: Token) -> Mention | None:
        """'the state government', 'the NSW government', 'the government': a body the article
        names only by a description, as news often does with the government of the place it
        reports from. Resolution makes one resource of the article's descriptions of one
        government (a bare 'the government' only where the article describes just one)."""
        if noun.lemma_.lower() != "government" or noun.tag_ != "NN" or not any(
                c.dep_ == "det" and c.lower_ in ("the", "this") for c in noun.children) or any(
                c.dep_ == "prep" and c.lower_ == "of" for c in noun.children):
            return None
        modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod") and c.i < noun.i]
        for modifier in modifiers:
            named = self.ctx.entity(modifier)
            if modifier.lower_ not in GOVERNMENT_LEVELS and (
                    named is None or named.label_ not in ("GPE", "LOC")):
                return None  # 'the Korean government' is Korea's; 'the new government' is vague
        sentence = self.sentence_of.get(noun.sent.start)
        if sentence is None:
            return None
        first = min([noun, *(m.left_edge for m in modifiers)], key=lambda t: t.i)
        stop = noun.idx + len(noun)
        return Mention(doc_id=sentence.doc_id, start=first.idx, end=stop,
                       text=text_of(self.doc)[first.idx:stop], label="ORG", sentence=sentence,
                       source="description")

    def _pair_before(self, token: Token) -> list[Mention]:
        """'... arrested two coordinators, Adilson Prado and Sueli Rocha. ... Both have
        since been released': 'both' as a subject is the last two people named together in
        this sentence or the two before it."""
        sents = list(self.doc.sents)
        index = next(n for n, sent in enumerate(sents) if sent.start <= token.i < sent.end)
        for sent in reversed(sents[max(index - 2, 0) : index + 1]):
            pairs = []
            for tok in sent:
                if tok.i >= token.i or tok.i not in self.ctx.by_token:
                    continue
                first = self._mention(tok)
                if first is None or first.label != "PERSON" or tok.dep_ == "conj" or \
                        tok != tok.doc[self.ctx.by_token[tok.i].root.i]:
                    continue
                others = [m for c in tok.conjuncts if (m := self._mention(c)) is not None
                          and m.label == "PERSON"]
                if len(others) == 1:
                    pairs.append([first, others[0]])
            if pairs:
                return pairs[-1] if len(pairs) == 1 else []
        return []

    def _two_named(self, noun: Token) -> list[Mention]:
        """'signed by the two countries', 'the two companies': the two things of that kind
        named in this sentence before the noun (else in the one before), in their order;
        any other number of them and we do not guess."""
        kinds = KIND_NOUNS.get(noun.lemma_.lower(), ())
        if not kinds or not any(c.dep_ == "det" and c.lower_ in ("the", "these")
                                for c in noun.children):
            return []
        sents = list(self.doc.sents)
        index = next(n for n, sent in enumerate(sents) if sent.start <= noun.i < sent.end)
        for sent in (sents[index], sents[index - 1] if index else None):
            if sent is None:
                break
            end = min(noun.idx, sent.end_char)
            found: dict[str, Mention] = {}
            for mention in sorted(self.mention_of.values(), key=lambda m: m.start):
                if sent.start_char <= mention.start < end and mention.label in kinds and \
                        mention.source != "name-part" and not mention.role:
                    found.setdefault(mention.gazetteer_id or mention.text, mention)
            if found:
                return list(found.values()) if len(found) == 2 else []
        return []

    def _led_by(self, noun: Token) -> Mention | None:
        """'The network, led by X, has moved ...': an unnamed group acts through the one
        named as leading it."""
        if noun.pos_ != "NOUN":
            return None
        for acl in (c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN"
                    and c.lemma_.lower() in LEADS):
            for agent in (c for c in acl.children if c.dep_ == "agent"):
                for pobj in (c for c in agent.children if c.dep_ == "pobj"):
                    found = self._mention(pobj)
                    if found is not None:
                        return found
        return None

    def _loose_apposition(self, noun: Token) -> Mention | None:
        """'arrested the operator of the pit, Kwabena Asante, and ...', where the parser hung
        the name on the verb: a name set off by commas right after a definite description is
        its apposition."""
        if noun.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ == "the"
                                          for c in noun.children):
            return None
        j = noun.right_edge.i + 1
        if j + 1 >= len(self.doc) or self.doc[j].text != "," or j + 1 not in self.ctx.by_token:
            return None
        span = self.ctx.by_token[j + 1]
        after = self.doc[span.end].text if span.end < len(self.doc) else "."
        if span.start != j + 1 or span.label_ != "PERSON" or after not in (",", ".", "and"):
            return None
        return self._mention(self.doc[j + 1])

    def _deal(self, noun: Token) -> Mention | None:
        """'signed a memorandum of understanding', 'criticised the deal': an agreement the
        article names only by a common noun. Resolution ties it to the article's agreement."""
        sentence = self.sentence_of.get(noun.sent.start)
        if sentence is None or noun.tag_ == "NNS" or any(
                c.lower_ in OTHER_DEALS for c in noun.children if c.i < noun.i):
            return None  # 'similar returns arrangements with several countries': not this one
        end = noun
        for prep in (c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if noun.lemma_.lower() == "memorandum" and pobj is not None:
                end = pobj  # 'memorandum of understanding'
        stop = end.idx + len(end)
        return Mention(doc_id=sentence.doc_id, start=noun.idx, end=stop,
                       text=text_of(self.doc)[noun.idx:stop], label="AGREEMENT", sentence=sentence,
                       source="deal-noun")

    def _speaker_of_clause(self, verb: Token) -> Mention | None:
        """'X said it had withdrawn': "it" is X when X says it of itself."""
        node = verb
        while node.dep_ in ("conj", "xcomp", "aux") and node.head != node:
            node = node.head
        if node.dep_ != "ccomp" or node.head.lemma_.lower() not in SPEECH:
            return None
        speaker = _subject(node.head)  # 'said ... but did not say whether it had asked'
        subjects = [speaker[0]] if speaker is not None and not speaker[1] else []
        for child in subjects:
            if child.i != verb.i and child.pos_ != "PRON":
                for found in self._entities(child):
                    if found.label in ("ORG", "GPE", "NORP", "FAC"):
                        return found
        return None

    def _taken_up(self, noun: Token) -> Mention | None:
        """'the bridge', 'the court': the latest thing named before whose name has that word
        ('Bicentennial Bridge'), or a person whose title it is ('the minister')."""
        if not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in noun.children):
            return None
        word = noun.lower_
        phrase = [c.lower_ for c in noun.children if c.dep_ in ("compound", "amod")
                  and c.i < noun.i] + [word]
        names = [c for c in noun.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if names:  # 'the Kisumu-Busia road': a name of its own, found where NER found it
            text = text_of(self.doc)[min(c.left_edge.idx for c in names) : noun.idx + len(noun)]
            same = [m for m in self.mention_of.values() if m.text == text]
            if not same:  # 'the Kisumu-Busia road' for the 'Kisumu-Busia highway' named before
                proper = text[: len(text) - len(noun.text)]
                same = [m for m in self.mention_of.values() if m.label == "FAC" and
                        m.text.startswith(proper) and " " not in m.text[len(proper):]]
                if len({m.text for m in same}) != 1:
                    return None
            return min(same, key=lambda m: abs(m.start - noun.idx)) if same else None
        if any(c.dep_ in ("relcl", "acl") and c.i > noun.i for c in noun.children) and \
                noun.i + 1 < len(self.doc) and self.doc[noun.i + 1].text != ",":
            return None  # 'the firm that carried out repairs' says which firm; it takes up none
        best: Mention | None = None
        for mention in self.mention_of.values():
            if mention.start >= noun.idx or mention.source == "name-part":
                continue
            words = mention.text.lower().split()
            role = (mention.role or "").lower().split()
            fits = (len(words) > 1 and (word in words[1:] or (
                mention.label in ("ORG", "FAC", "LAW") and _within(phrase, words)))) or \
                _heads(role, phrase)
            if fits and (best is None or mention.start > best.start):
                best = mention
        return best or self._of_kind(noun) or self._the_project(noun)

    def _the_project(self, noun: Token) -> Mention | None:
        """'the project' with nothing said of it: the works the story is about, the facility it
        names first (in its headline or lead, as news does)."""
        if noun.lemma_.lower() not in PROJECT_NOUNS or any(
                c.dep_ in ("compound", "amod", "poss") for c in noun.children):
            return None
        facilities = [m for m in self.mention_of.values() if m.label == "FAC" and
                      m.source != "name-part" and m.start < noun.idx]
        return min(facilities, key=lambda m: m.start) if facilities else None

    def _of_kind(self, noun: Token) -> Mention | None:
        """'the state', 'the company': the one place or organisation named in this sentence
        or the one before, before the noun; two different ones and we do not guess."""
        kinds = KIND_NOUNS.get(noun.lemma_.lower(), ())
        if not kinds or any(c.dep_ in ("compound", "amod") for c in noun.children):
            return None
        sents = list(self.doc.sents)
        index = next(n for n, sent in enumerate(sents) if sent.start <= noun.i < sent.end)
        lo = sents[max(index - 1, 0)].start_char
        speakers = self._reporters_of(noun)  # 'X said the company's ...': not X itself
        found = [m for m in self.mention_of.values() if lo <= m.start < noun.idx and
                 m.label in kinds and not m.role and m.source != "name-part" and
                 not _dateline_mention(m, text_of(self.doc)) and
                 (m.start, m.end) not in speakers]
        names = {m.gazetteer_id or m.text for m in found}
        return max(found, key=lambda m: m.start) if len(names) == 1 else None

    def _reporters_of(self, token: Token) -> set[tuple[int, int]]:
        """Spans of the named subject of the speech verb whose reported words hold ``token``:
        a speaker speaks of itself as 'we' or 'it', so 'the company' there is someone else."""
        node = token
        while node.head.i != node.i:  # spaCy makes a new Token on each access: compare indices
            if node.dep_ in ("ccomp", "parataxis") and node.head.lemma_.lower() in SPEECH:
                subject = _subject(node.head)  # its name only: no descriptions taken up here
                named = self._mention(subject[0]) if subject is not None else None
                return {(named.start, named.end)} if named is not None else set()
            node = node.head
        return set()

    def _with_conjuncts(self, token: Token, first: Mention) -> list[Mention]:
        out = [first]
        for conj in token.conjuncts:
            found = self._mention(conj)
            if found is not None and found not in out:
                out.append(found)
        return out

    def _mention(self, token: Token) -> Mention | None:
        span = self.ctx.entity(token)
        if span is None or _dateline(span):
            return None
        return self.mention_of.get((span.start_char, span.end_char))

    # ------------------------------------------------------------ events

    def _emit(self, trigger: Token, sense: Sense, trigger_end: int, sentence: Sentence,
              roles: dict[str, list[Mention]]) -> Iterator[Event]:
        if sense.event_class == "lawsuit" and not roles["patient"] and roles["agent"]:
            roles["patient"] = self._complained_of(trigger)
        if not any(roles.values()):
            return
        modality, source = self._modality(trigger)
        place, when, amount = self._circumstances(trigger)
        event_class = sense.event_class
        if event_class in SYMMETRIC and len(roles["agent"]) > 1 and not roles["recipient"]:
            roles["recipient"] = roles["agent"][1:]
            roles["agent"] = roles["agent"][:1]
        agents: list[Mention | None] = [*roles["agent"]] or [None]
        patients: list[Mention | None] = [*roles["patient"]] or [None]
        recipient = roles["recipient"][0] if roles["recipient"] else None
        base = Event(
            event_class=event_class, trigger=text_of(self.doc)[trigger.idx:trigger_end],
            start=trigger.idx, end=trigger_end, sentence=sentence, recipient=recipient,
            place=place, when=when, amount=None if event_class == "statement" else amount,
            modality=modality, attributed_to=source, extractor=f"events@{VERSION}",
            confidence=0.7 if modality == "asserted" else 0.6,
        )
        for agent in agents:
            for patient in patients:
                if agent is not None and patient is not None and agent == patient:
                    continue
                if agent is None and patient is None and recipient is None:
                    continue
                yield replace(base, agent=agent, patient=patient)

    def _complained_of(self, trigger: Token) -> list[Mention]:
        """'filed a request for review, arguing that KeNHA had disqualified it': a suit is
        against the party its complaint says did wrong, the subject of what the suitor
        argues or alleges in a clause hung on the filing (or on the verb it depends on)."""
        node = trigger
        for _ in range(6):
            for clause in (c for c in node.children if c.dep_ == "advcl" and
                           c.lemma_.lower() in COMPLAINS):
                for content in (c for c in clause.children if c.dep_ == "ccomp"):
                    for subject in (c for c in content.children if c.dep_ == "nsubj"):
                        found = self._entities(subject)
                        if found:
                            return found
            if node.head == node:
                break
            node = node.head
        return []

    def _modality(self, trigger: Token) -> tuple[str, Mention | None]:
        """asserted, negated, possible or reported, and who reported it."""
        verb = trigger
        if trigger.pos_ in ("NOUN", "PROPN") and trigger.head.pos_ in ("VERB", "AUX"):
            verb = trigger.head  # a noun takes the modality of its support verb
        negated = any(c.dep_ == "neg" for c in verb.children)
        possible = any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in verb.children)
        if any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children):
            possible = True
        node = verb
        source: Mention | None = None
        reported = False
        for _ in range(4):
            head = node.head
            if head == node:
                break
            lemma = head.lemma_.lower()
            if node.dep_ == "xcomp" and lemma in PROSPECTIVE:
                possible = True
            if (node.dep_ in ("ccomp", "parataxis") or head.dep_ == "parataxis") and \
                    lemma in SPEECH:
                reported = True
                if any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in node.children):
                    possible = True  # 'did not say whether it had asked': maybe it did
                source = self._speaker(head)
                negated = negated or lemma == "deny"
                break
            if node.dep_ in ("acl", "ccomp") and head.pos_ == "NOUN" and lemma in CONTENT_NOUNS:
                reported = True  # 'reports that ...'; 'denied reports that ...' denies it
                denying = denier(node)
                if denying is not None:
                    negated, source = True, self._speaker(denying)
                break
            node = head
        if source is None:
            source = self._according_to(trigger.sent)
            reported = reported or source is not None
        if any(c.dep_ == "parataxis" and c.lemma_.lower() in SPEECH for c in verb.children):
            reported = True
            speakers = [self._speaker(c) for c in verb.children if c.dep_ == "parataxis"]
            source = source or next((m for m in speakers if m is not None), None)
        if negated:
            return "negated", source
        if possible:
            return "possible", source
        if reported:
            return "reported", source
        return "asserted", None

    def _speaker(self, verb: Token) -> Mention | None:
        """The first entity the subject of a speech verb names, if any."""
        return next((m for f, t in self._functions(verb) if f == "subj"
                     for m in self._entities(t)), None)

    def _according_to(self, sent: Span) -> Mention | None:
        for token in sent:
            if token.lower_ == "according" and token.i + 1 < sent.end and \
                    self.doc[token.i + 1].lower_ == "to":
                for pobj in self.doc[token.i + 1].children:
                    if pobj.dep_ == "pobj":
                        found = self._entities(pobj)
                        if found:
                            return found[0]
        return None

    def _circumstances(self, trigger: Token
                       ) -> tuple[Mention | None, DateValue | None, Quantity | None]:
        """Place ('in Abuja'), date ('on 4 March 2025') and amount of money of the clause."""
        place: Mention | None = None
        when: DateValue | None = None
        heads = [trigger]
        if trigger.pos_ in ("NOUN", "PROPN") and trigger.head.pos_ in ("VERB", "AUX"):
            heads.append(trigger.head)
        heads += [c for c in trigger.children if c.dep_ == "dobj"]  # 'signed the treaty in X'
        for head in heads:
            for child in head.children:
                if child.dep_ == "npadvmod" and when is None:
                    when = date_at(self.ctx, child)
                if child.dep_ != "prep" or child.lower_ not in ("in", "on", "at", "during"):
                    continue
                for pobj in (c for c in child.children if c.dep_ == "pobj"):
                    when = when or date_at(self.ctx, pobj)
                    found = self._mention(pobj)
                    if place is None and found is not None and found.label in ("GPE", "LOC",
                                                                                "FAC"):
                        place = found
        lo, hi = _clause_bounds(trigger)
        amount = next((q for q in self.money if lo <= q.start < hi), None)
        return place, when, amount


def _deal_partners(noun: Token) -> Iterator[tuple[str, Token]]:
    """'signed an agreement with X', where the parser hangs 'with X' on the agreement: the
    partner is the verb's 'with' all the same."""
    if noun.lemma_.lower() not in AGREEMENT_NOUNS:
        return
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "with":
            for pobj in (c for c in prep.children if c.dep_ == "pobj"):
                yield "with", pobj


def _subject(verb: Token) -> tuple[Token, bool] | None:
    """The verb's subject and whether it is a passive one. A participle modifying a noun
    ('the bridge, built by') has that noun as passive subject; a verb coordinated with another
    ('resigned and left') shares its subject; an infinitive ('expected to open', 'asked the
    court to suspend') takes its governor's object, else its governor's subject."""
    node = verb
    if verb.tag_ == "VBN" and verb.dep_ in ("conj", "advcl") and not any(
            c.dep_ in ("aux", "auxpass") for c in verb.children):
        return None  # 'the ward, closed in 2023': a participle, not the subject's act
    for _ in range(4):
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            # two subjects are a dateline read as one ('UDAIPUR: X inaugurated'): the
            # nearer one acts
            child = min(subjects, key=lambda c: abs(node.i - c.i))
            own = any(c.dep_ == "auxpass" for c in verb.children)
            passive = own or (child.dep_ == "nsubjpass" and node == verb)
            return child, passive
        if node.dep_ == "acl" and node.tag_ == "VBN" and node == verb:
            return node.head, True
        if node.dep_ == "acl" and any(c.dep_ == "aux" and c.tag_ == "TO" for c in node.children):
            # 'entered into an agreement to acquire X': who entered acquires
            governor = node.head
            while governor.dep_ in ("pobj", "prep", "dobj") and governor.head != governor:
                governor = governor.head
                if governor.pos_ in ("VERB", "AUX"):
                    break
            if governor.pos_ not in ("VERB", "AUX"):
                break
            node = governor
            continue
        if node.dep_ == "xcomp" and node.head != node:
            obj = next((c for c in node.head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj, False
            node = node.head
            if node.dep_ == "acomp" and node.head != node:
                node = node.head  # 'X is due to be sworn in': X of 'is due'
            continue
        if node.dep_ == "advcl" and node.tag_ == "VBG" and node == verb and \
                node.head.pos_ in ("VERB", "AUX") and verb.lemma_.lower() not in SPEECH and \
                not any(sense.event_class == "statement"  # '..., saying' is left to quotes
                        for sense in lexicon().get((verb.lemma_.lower(), "V"), ())):
            node = node.head  # 'had written to the BCCI asking for a match': who wrote asks
            continue
        if node.dep_ == "conj" and node.head != node:
            if not any(c.dep_ in ("cc", "preconj") for c in node.head.children) and not any(
                    c.dep_ in ("aux", "auxpass") for c in node.children):
                return None  # 'reopen the ward, closed in 2023': no 'and', a participle
                # ('the stadium, spread over 74 acres, has been built': a verb of its own)
            node = node.head
            if node.dep_ == "ccomp" and node.head.lemma_.lower() in SPEECH and _speaks(verb):
                node = node.head  # 'said the city would not intervene but warned that ...'
            continue
        break
    return None


def _own_act(token: Token, speech: Token) -> bool:
    """'said the state would cooperate but asked for funds': the asking, hung by the parser
    on the reported clause, is the speaker's own act, not what they report."""
    return token.dep_ == "conj" and token.head.dep_ == "ccomp" and token.head.head == speech \
        and _speaks(token)


def _speaks(verb: Token) -> bool:
    """A verb of saying or asking: coordinated after what a speaker said, the parser hangs it
    on the reported clause, though it is the speaker who warns or asks."""
    lemma = verb.lemma_.lower()
    keys = [(lemma, "V")] + [(f"{lemma} {c.lower_}", "V") for c in verb.children
                             if c.dep_ in ("prt", "prep")]  # 'called on'
    return lemma in SPEECH or any(sense.event_class in ("statement", "appeal", "demand")
                                  for key in keys for sense in lexicon().get(key, ()))


def _joined_act(verb: Token, acts: set[int]) -> bool:
    """'X denied the claim and said ...': a statement coordinated with a more specific speech
    act of the same speaker is that act, told once (the gold's statement rule)."""
    linked = [verb.head] if verb.dep_ == "conj" else []
    linked += [c for c in verb.children if c.dep_ == "conj"]
    return any(t.idx in acts and t.pos_ in ("VERB", "AUX") for t in linked)


def _demanding(verb: Token) -> Sense | None:
    """'X said the approval should be reviewed': speech whose content says what ought to be
    done demands it."""
    for clause in (c for c in verb.children if c.dep_ == "ccomp"):
        if any(c.dep_ == "aux" and c.lower_ in OUGHT for c in clause.children):
            return Sense("demand", (), frozenset())
    return None


def _told_better(event: Event, events: list[Event]) -> bool:
    """An event without its agent that the article also tells with one ('was sentenced', 'a
    court sentenced X'): the gold, and the graph, list each real-world event once."""
    if event.agent is not None or event.patient is None:
        return False
    return any(other.agent is not None and other.event_class == event.event_class and
               other.patient is not None and _same_name(other.patient, event.patient)
               for other in events)


def _same_name(a: Mention, b: Mention) -> bool:
    if a.text == b.text or (a.gazetteer_id is not None and a.gazetteer_id == b.gazetteer_id):
        return True
    return a.label == b.label == "PERSON" and a.text.split()[-1] == b.text.split()[-1]


def _heads(words: list[str], phrase: list[str]) -> bool:
    """Whether ``phrase`` heads the title ``words``: it ends it or comes before its "of" or
    "for" ('minister' in 'minister of health', not 'council' in 'city council mayor')."""
    n = len(phrase)
    return any(words[i : i + n] == phrase and (i + n == len(words) or words[i + n] in ("of", "for"))
               for i in range(len(words) - n + 1))


def _anaphoric(noun: Token) -> bool:
    """'the arrests', 'the ruling': a definite event noun that takes up an event told before."""
    return any(c.dep_ == "det" and c.lower_ in ("the", "this", "these", "that") for c in
               noun.children) and not any(c.dep_ == "prep" and c.lower_ in ("of", "from", "by")
                                          for c in noun.children)  # 'the donation from X'


def _dateline(span: Span) -> bool:
    """'WASHINGTON, May 20 —', 'BOGOTÁ (EFE) —': the place and agency of a dateline are
    where and by whom the story was filed, not participants."""
    text = text_of(span.doc)
    line_start = text.rfind("\n", 0, span.start_char) + 1
    before = text[line_start : span.start_char]
    return len(before) < 20 and (span.text.isupper() or before.rstrip().endswith("(")) and \
        bool(re.search(r"[—–:-]|--", text[span.end_char : span.end_char + 30]))


def _within(phrase: list[str], words: list[str]) -> bool:
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def _dateline_mention(mention: Mention, text: str) -> bool:
    line_start = text.rfind("\n", 0, mention.start) + 1
    before = text[line_start : mention.start]
    return len(before) < 20 and (mention.text.isupper() or before.rstrip().endswith("(")) and \
        bool(re.search(r"[—–:-]|--", text[mention.end : mention.end + 30]))


def _parenthesised(token: Token) -> bool:
    doc = token.doc
    return token.i > 0 and doc[token.i - 1].text == "(" or \
        token.i + 1 < len(doc) and doc[token.i + 1].text == ")"


def _clause_bounds(token: Token) -> tuple[int, int]:
    tokens = list(token.subtree)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _key(mention: Mention | None) -> tuple[int, int] | None:
    return (mention.start, mention.end) if mention is not None else None


def find_events(ctx: Context, sentences: list[Span], mention_of: dict[tuple[int, int], Mention],
                sentence_of: dict[int, Sentence]) -> list[Event]:
    """The events of an article's body sentences."""
    return EventReader(ctx, mention_of, sentence_of).read(sentences)
