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
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_PERCENT = {"percent", "per cent", "%", "pct"}
_MEASURE_NOUNS = {
    "capacity", "population", "rate", "fee", "cost", "budget", "total", "number", "share",
    "increase", "decrease", "drop", "rise", "occupancy", "size", "length", "area", "height",
}
#: Numbers in these entity types are not quantities (dates, times, ordinals).
_NOT_QUANTITY = {"DATE", "TIME", "ORDINAL"}


def parse_number(text: str) -> int | float | None:
    """'40,000' -> 40000, '1.8' -> 1.8, 'three' -> 3, '2 million' -> 2000000."""
    words = text.lower().replace(",", "").split()
    if not words:
        return None
    value: float | None = None
    for word in words:
        if re.fullmatch(r"\d+(\.\d+)?", word):
            value = float(word) if value is None else value * float(word)
        elif word in _WORDS:
            value = _WORDS[word] if value is None else value * _WORDS[word]
        elif word in _SCALES and value is not None:
            value *= _SCALES[word]
        else:
            return None
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _number_tokens(doc: Doc) -> list[list[Token]]:
    """Runs of number tokens ('2 million', '40,000') outside dates, times and ordinals."""
    runs: list[list[Token]] = []
    current: list[Token] = []
    for token in doc:
        if token.ent_type_ in _NOT_QUANTITY:
            token_ok = False
        else:
            token_ok = token.like_num or (token.lower_ in _SCALES and bool(current))
        if token_ok and not re.search(r"[:/]", token.text):
            current.append(token)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def find_quantities(doc: Doc) -> list[tuple[Quantity, Token | None]]:
    """Each quantity with the token of what it measures (or None when nothing names it)."""
    found = []
    for run in _number_tokens(doc):
        text = doc[run[0].i : run[-1].i + 1].text
        value = parse_number(text)
        if value is None:
            continue
        last = run[-1]
        unit_token = None
        nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if nxt is not None and (nxt.lower_ in _PERCENT or nxt.text == "%"):
            unit_token = nxt
        elif last.dep_ in ("nummod", "quantmod") and last.head.pos_ in ("NOUN", "PROPN"):
            unit_token = last.head
        elif nxt is not None and nxt.pos_ == "NOUN" and nxt.i > last.i:
            unit_token = nxt
        if unit_token is None:
            continue  # a bare number without a unit says too little to publish
        unit = "percent" if unit_token.lower_ in _PERCENT or unit_token.text == "%" else \
            unit_token.lemma_.lower() if unit_token.lemma_ else unit_token.lower_
        unit_surface = "percent" if unit == "percent" else unit_token.lower_
        measure = _measure(unit_token)
        end_tok = max(unit_token.i, last.i)
        found.append(
            (
                Quantity(
                    value=value,
                    unit=unit_surface,
                    measures=measure.lemma_.lower() if measure is not None else None,
                    text=doc[run[0].i : end_tok + 1].text,
                    start=run[0].idx,
                    end=doc[end_tok].idx + len(doc[end_tok]),
                ),
                measure,
            )
        )
    return found


_HOLD_VERBS = {"hold", "house", "accommodate", "take", "fit", "seat"}


def _measure(unit: Token) -> Token | None:
    """What the number measures: 'capacity' in 'capacity of 40,000 inmates', 'capacity to hold
    40,000 inmates' and '300 percent capacity'."""
    if unit.dep_ in ("compound", "npadvmod", "nmod", "amod") and unit.head.lemma_ in _MEASURE_NOUNS:
        return unit.head
    verb = unit.head
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
