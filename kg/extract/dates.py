"""Dates normalised to XSD: 'March 2022' -> 2022-03 (gYearMonth), '2023' -> gYear, full dates
-> xsd:date. Weekdays ('on Monday') are resolved only against a known article date."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import dateparser

from kg.model import DateValue

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_VAGUE = re.compile(r"\b(\d{2,4}s|century|decade|ago|years?|months?|weeks?|days?|daily|hours?|"
                    r"minutes?|recently|today|tonight|yesterday|tomorrow|time|period|era)\b", re.I)
_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False,
             "STRICT_PARSING": False, "REQUIRE_PARTS": ["year"]}
_PARSER = dateparser.date.DateDataParser(languages=["en"], settings=_SETTINGS)
_QUALIFIERS = re.compile(r"^(early|mid|late|since|in|on|by|from|until|as of|the)[\s-]+", re.I)


def normalise(text: str, start: int, end: int, reference: date | None = None) -> DateValue | None:
    """One DATE span to an XSD value, or None when the text is too vague to pin down."""
    core = text.strip()
    while True:
        stripped = _QUALIFIERS.sub("", core)
        if stripped == core:
            break
        core = stripped
    lower = core.lower().rstrip(".,")
    if lower in _WEEKDAYS:
        return _weekday(lower, text, start, end, reference)
    if _VAGUE.search(core) or not re.search(r"\b\d{4}\b", core):
        return None
    if re.fullmatch(r"\d{4}", core):
        return DateValue(core, "gYear", text, start, end)
    data = _PARSER.get_date_data(core)
    if data is None or data.date_obj is None:
        return None
    when: datetime = data.date_obj
    if data.period == "day":
        return DateValue(when.date().isoformat(), "date", text, start, end)
    if data.period == "month":
        return DateValue(f"{when.year:04d}-{when.month:02d}", "gYearMonth", text, start, end)
    if data.period == "year":
        return DateValue(f"{when.year:04d}", "gYear", text, start, end)
    return None


def _weekday(name: str, text: str, start: int, end: int, reference: date | None) -> DateValue | None:
    """'on Monday' in news copy means the latest such day on or before publication."""
    if reference is None:
        return None
    back = (reference.weekday() - _WEEKDAYS.index(name)) % 7
    return DateValue((reference - timedelta(days=back)).isoformat(), "date", text, start, end)
