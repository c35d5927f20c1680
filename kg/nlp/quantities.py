"""Quantities: a number, its unit and what it measures ('a capacity of 40,000 inmates')."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from kg.model import Quantity

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
}
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "lakh": 100_000, "lakhs": 100_000, "crore": 10_000_000,
           "crores": 10_000_000, "bn": 1_000_000_000, "m": 1_000_000, "mn": 1_000_000,
           "k": 1_000, "trn": 1_000_000_000_000, "tn": 1_000_000_000_000}
#: Currency signs and codes written before an amount, and currency names after one, with their
#: ISO 4217 codes. '$' is read as US dollars: pages rarely say which dollar.
_CURRENCY_SIGNS = {"us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "rs": "INR",
                   "rs.": "INR", "r$": "BRL", "₦": "NGN", "n": "NGN", "sh": "KES", "ksh": "KES",
                   "kes": "KES", "p": "PHP", "₱": "PHP", "a$": "AUD", "c$": "CAD", "¥": "JPY",
                   "usd": "USD", "eur": "EUR", "gbp": "GBP", "inr": "INR"}
_CURRENCY_NAMES = {"dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
                   "pounds": "GBP", "reais": "BRL", "real": "BRL", "naira": "NGN",
                   "shillings": "KES", "rupees": "INR", "birr": "ETB", "cedis": "GHS",
                   "rand": "ZAR", "yen": "JPY", "yuan": "CNY"}
_MONEY = re.compile(r"^(?P<cur>US\$|R\$|A\$|C\$|KSh|Sh|Rs\.?|[$€£₹₦₱¥NP])?"
                    r"(?P<num>\d[\d,]*(?:\.\d+)?)(?P<mult>bn|mn|m|k|trn|tn)?$", re.I)
#: Entity types whose numbers are part of a name: 'BBC Radio 4', 'Terminal 2', 'Order 14059'.
_NAMED = {"ORG", "FAC", "PERSON", "GPE", "LOC", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART", "NORP"}
_PERCENT = {"percent", "per cent", "%", "pct"}
_MEASURE_NOUNS = {
    "capacity", "population", "rate", "fee", "cost", "budget", "total", "number", "share",
    "increase", "decrease", "drop", "rise", "occupancy", "size", "length", "area", "height",
}
#: Numbers in these entity types are not quantities (dates, times, ordinals).
_NOT_QUANTITY = {"DATE", "TIME", "ORDINAL"}


def parse_number(text: str) -> int | float | None:
    """'40,000' -> 40000, '1.8' -> 1.8, 'three' -> 3, '2 million' -> 2000000, '1.10 lakh' ->
    110000, 'Rs 650 crore' -> 6500000000, 'Sh61bn' -> 61000000000, '1,10,000' -> 110000."""
    words = text.lower().replace(",", "").split()
    if not words:
        return None
    value: float | None = None
    if words[0] in _CURRENCY_SIGNS:
        words = words[1:]
    for word in words:
        money = _MONEY.match(word)
        if money and (money.group("cur") or money.group("mult")):
            number = float(money.group("num").replace(",", ""))
            number *= _SCALES.get((money.group("mult") or "").lower(), 1)
            value = number if value is None else value * number
        elif re.fullmatch(r"\d+(\.\d+)?", word):
            value = float(word) if value is None else value * float(word)
        elif word in _WORDS:
            value = _WORDS[word] if value is None else value * _WORDS[word]
        elif word in _SCALES and value is not None:
            value *= _SCALES[word]
        else:
            return None
    if value is None:
        return None
    value = round(value, 6)
    return int(value) if float(value).is_integer() else value


def currency(text: str) -> str | None:
    """The ISO 4217 code a money amount is written in ('Sh61bn' -> KES, '€25' -> EUR)."""
    first = text.split()[0] if text.split() else ""
    if first.lower() in _CURRENCY_SIGNS:
        return _CURRENCY_SIGNS[first.lower()]
    money = _MONEY.match(first)
    if money and money.group("cur"):
        return _CURRENCY_SIGNS.get(money.group("cur").lower())
    return None


def _number_tokens(doc: Doc) -> list[list[Token]]:
    """Runs of number tokens ('2 million', '40,000') outside dates, times and ordinals."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for token in doc:
        if token.ent_type_ in _NOT_QUANTITY or _in_name(token):
            token_ok = False
        else:
            token_ok = token.like_num or bool(_MONEY.match(token.text)) or \
                (token.lower_ in _SCALES and bool(current)) or \
                (token.lower_ in _CURRENCY_SIGNS and not current and token.i + 1 < len(doc)
                 and bool(_MONEY.match(doc[token.i + 1].text)) and token.text not in ("N", "P"))
        if token_ok and not re.search(r"[:/]", token.text):
            current.append(token)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _in_name(token: Token) -> bool:
    """A number that belongs to a name: inside a named entity, or right after a capitalised
    word that is not a currency ('Radio 4', 'Route 45', 'Covid-19')."""
    if token.ent_type_ in _NAMED:
        return True
    if token.i == 0:
        return False
    before = token.doc[token.i - 1]
    return before.text[:1].isupper() and before.pos_ == "PROPN" and \
        before.lower_ not in _CURRENCY_SIGNS and before.lower_ not in _CURRENCY_NAMES and \
        not before.is_sent_start and token.text.isdigit()


_RANGE_WORDS = {"to", "and", "-", "–", "—"}


def _ranges(doc: Doc, runs: list[list[Token]]) -> list[tuple[list[Token], list[Token] | None]]:
    """Pairs runs that make one range: 'between 300 and 400', 'five to seven million',
    '1,500-2,000'. A run outside a range pairs with None."""
    paired: list[tuple[list[Token], list[Token] | None]] = []
    i = 0
    while i < len(runs):
        low = runs[i]
        high = runs[i + 1] if i + 1 < len(runs) else None
        if high is not None and high[0].i == low[-1].i + 2:
            link = doc[low[-1].i + 1]
            between = low[0].i > 0 and doc[low[0].i - 1].lower_ == "between"
            if link.lower_ in ("to", "-", "–", "—") or (link.lower_ == "and" and between):
                paired.append((low, high))
                i += 2
                continue
        paired.append((low, None))
        i += 1
    return paired


def find_quantities(doc: Doc) -> list[tuple[Quantity, Token | None]]:
    """Each quantity with the token of what it measures (or None when nothing names it).
    A range is one quantity with a lower and an upper bound; the bound written without a
    scale takes the other's ('five to seven million' is 5,000,000 to 7,000,000)."""
    found = []
    for low_run, high_run in _ranges(doc, _number_tokens(doc)):
        run = low_run if high_run is None else low_run + high_run
        text = doc[low_run[0].i : low_run[-1].i + 1].text
        value = parse_number(text)
        if value is None:
            continue
        high = None
        if high_run is not None:
            high_text = doc[high_run[0].i : high_run[-1].i + 1].text
            high = parse_number(high_text)
            if high is None:
                continue
            scale = [t for t in high_run if t.lower_ in _SCALES]
            if scale and not any(t.lower_ in _SCALES for t in low_run) and value < high / 10:
                value = parse_number(f"{text} {scale[-1].lower_}") or value
            if value > high:
                value, high = high, value
        last = run[-1]
        unit_token = None
        nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if nxt is not None and (nxt.lower_ in _PERCENT or nxt.text == "%"):
            unit_token = nxt
        elif last.dep_ in ("nummod", "quantmod") and last.head.pos_ in ("NOUN", "PROPN"):
            unit_token = last.head
        elif nxt is not None and nxt.pos_ == "NOUN" and nxt.i > last.i:
            unit_token = nxt
        money = currency(doc[run[0].i : last.i + 1].text)
        if unit_token is not None and unit_token.lower_ in _CURRENCY_NAMES:
            money = money or _CURRENCY_NAMES[unit_token.lower_]
        if unit_token is None and money is None:
            continue  # a bare number without a unit says too little to publish
        if unit_token is not None and unit_token.lemma_.lower() in _MEASURE_NOUNS and \
                money is None and unit_token.i == last.i + 1:
            # 'a 1.10 lakh capacity': the noun says what is measured, not the unit
            unit_surface = None
        elif unit_token is None or money is not None and unit_token.lower_ in _CURRENCY_NAMES:
            unit_surface = money
        else:
            unit = "percent" if unit_token.lower_ in _PERCENT or unit_token.text == "%" else \
                unit_token.lemma_.lower() if unit_token.lemma_ else unit_token.lower_
            unit_surface = "percent" if unit == "percent" else unit_token.lower_
            if money is not None:
                unit_surface = money  # 'Sh61 billion contract': the amount is in shillings
        measure = _measure(unit_token) if unit_token is not None else None
        if unit_surface is None and unit_token is not None:
            measure = unit_token
        end_tok = max(unit_token.i, last.i) if unit_token is not None and \
            unit_token.i - last.i <= 1 else last.i
        found.append(
            (
                Quantity(
                    value=value,
                    unit=unit_surface,
                    measures=measure_name(unit_token, measure),
                    text=doc[run[0].i : end_tok + 1].text,
                    start=run[0].idx,
                    end=doc[end_tok].idx + len(doc[end_tok]),
                    max_value=high,
                ),
                measure,
            )
        )
    return found


_HOLD_VERBS = {"hold", "house", "accommodate", "take", "fit", "seat"}
#: Verbs whose object is how much a thing can take ('can seat 1.1 lakh spectators', 'which
#: handles up to 2.8 million containers a year'), and units that are places to stay.
_CAPACITY_VERBS = {"hold", "house", "accommodate", "fit", "seat", "handle", "carry"}
_CAPACITY_UNITS = {"bed", "beds", "seat", "seats", "berth", "berths", "cot", "cots"}


def measure_name(quantity_unit: Token | None, measure: Token | None) -> str | None:
    """What a quantity measures, in one word: 'capacity' for a hold-verb's object or a count
    of beds or seats, otherwise the measure noun's lemma."""
    if measure is not None and measure.pos_ in ("VERB", "AUX") and \
            measure.lemma_.lower() in _CAPACITY_VERBS:
        return "capacity"
    if quantity_unit is not None and quantity_unit.lower_ in _CAPACITY_UNITS and \
            (measure is None or measure.lemma_.lower() in ("capacity", "have", "facility")):
        return "capacity"
    return measure.lemma_.lower() if measure is not None else None


def _measure(unit: Token) -> Token | None:
    """What the number measures: 'capacity' in 'capacity of 40,000 inmates', 'capacity to hold
    40,000 inmates' and '300 percent capacity'."""
    if unit.dep_ in ("compound", "npadvmod", "nmod", "amod") and unit.head.lemma_ in _MEASURE_NOUNS:
        return unit.head
    if unit.lower_ in _CAPACITY_UNITS and unit.dep_ in ("compound", "amod", "nmod") and \
            unit.head.pos_ == "NOUN":
        return unit.head  # 'a 500-bed facility': the facility is what is measured
    verb = unit.head
    if unit.dep_ == "dobj" and verb.lemma_.lower() in _CAPACITY_VERBS | {"have"} and \
            verb.tag_ in ("VB", "VBZ", "VBP"):
        return verb  # 'can seat 1.1 lakh spectators', 'will have 450 beds'; 'carrying 17
        # people' is a load, not a capacity
    if unit.dep_ == "dobj" and verb.lemma_ in _HOLD_VERBS:
        before = unit.doc[max(0, verb.i - 4) : verb.i]
        found = [t for t in before if t.lemma_.lower() == "capacity"]
        if found:
            return found[-1]  # 'the capacity to hold 40,000 inmates', however it was parsed
    node = unit
    for _ in range(4):
        head = node.head
        if head is node:
            return None
        if head.lemma_.lower() in _MEASURE_NOUNS:
            return head
        if head.pos_ in ("ADP", "VERB", "AUX", "PART") or node.dep_ in ("pobj", "dobj"):
            node = head
            continue
        return None
    return None
