"""Extraction with the real spaCy model: mentions, roles, values, dates, quotes, relations."""

from __future__ import annotations

from datetime import date

import pytest

from kg.corpus import segment
from kg.extract import extract
from kg.extract.dates import normalise
from kg.extract.relations.people import office_title
from kg.model import DateValue, Mention, Quantity
from kg.nlp import pipeline
from kg.nlp.mentions import acronym_matches
from kg.nlp.quantities import parse_number


def run(text: str, **metadata):
    article = segment("t", "t.txt", "Test title\n\n" + text + "\n")
    article.metadata.update({k: [v] for k, v in metadata.items()})
    doc = pipeline()(article.text)
    return extract(article, doc)


def test_pipeline_uses_registered_components():
    names = pipeline().pipe_names
    for component in ("newskg_line_breaks", "newskg_gazetteer", "newskg_entity_cleanup",
                      "newskg_quantities", "newskg_dates", "newskg_coref", "newskg_quotes"):
        assert component in names
    assert names.index("newskg_gazetteer") < names.index("ner")


def test_possessive_and_title_are_removed_and_the_title_kept_as_role():
    ex = run("El Salvadoran President Nayib Bukele's offer on Monday surprised many.")
    bukele = next(m for m in ex.mentions if m.label == "PERSON")
    assert bukele.text == "Nayib Bukele"
    assert bukele.role == "President"
    offices = [r for r in ex.relations if r.predicate == "holdsOffice"]
    assert [(r.subject.text, r.obj) for r in offices] == [("Nayib Bukele", "President")]


def test_former_office_is_not_published_as_held():
    ex = run("The plan was praised by former President Gloria Ramirez of Peru.")
    assert not [r for r in ex.relations if r.predicate == "holdsOffice"]


@pytest.mark.parametrize("text", [
    "Minister of Water Dr. Amara Kebede on Friday opened the new pumping station.",
    "The new board members are Dr. Tomas Ruiz (Finance) and Prof. Ines Mora (Research).",
])
def test_a_form_of_address_is_no_office(text):
    ex = run(text)
    held = [r.obj for r in ex.relations if r.predicate == "holdsOffice"]
    assert not [office for office in held if office.rstrip(".") in ("Dr", "Prof")]


@pytest.mark.parametrize(("role", "office"), [
    ("Minister of Health Dr.", "Minister of Health"), ("Minister Dr", "Minister"),
    ("Dr.", None), ("Prof.", None), ("Mayor", "Mayor"), ("Hon. Speaker", "Speaker"),
])
def test_the_office_of_a_title_leaves_out_forms_of_address(role, office):
    assert office_title(role) == office


def test_capacity_with_unit_and_measure():
    ex = run("The Westbrook Correctional Facility, opened in 2019, has a capacity of "
             "12,500 inmates.")
    capacity = [r for r in ex.relations if r.predicate == "capacity"]
    assert len(capacity) == 1
    quantity = capacity[0].obj
    assert isinstance(quantity, Quantity)
    assert (quantity.value, quantity.unit, quantity.measures) == (12500, "inmates", "capacity")
    assert capacity[0].subject.text == "The Westbrook Correctional Facility".removeprefix("The ")
    opened = [r for r in ex.relations if r.predicate == "openedOn"]
    assert [(r.obj.lexical, r.obj.datatype) for r in opened] == [("2019", "gYear")]


def test_quote_with_speaker_after_the_quote():
    ex = run("“We will finish the bridge before the rains come,” said Governor Amina Yusuf.")
    assert [(q.speaker.text, q.text) for q in ex.quotes] == [
        ("Amina Yusuf", "We will finish the bridge before the rains come,")
    ]


def test_quote_attributed_with_according_to():
    ex = run('Hospitals are "running out of oxygen and beds every night," according to '
             "the World Health Organization.")
    assert [q.speaker.text for q in ex.quotes] == ["World Health Organization"]


def test_scare_quotes_are_not_quotations():
    ex = run('Officials called it a "safe third country" arrangement.')
    assert ex.quotes == []


def test_pronoun_speaker_resolved_when_one_person_in_play():
    ex = run("Mayor Tomas Berg visited the harbour. “The port will double in size by 2030,” "
             "he told reporters.")
    assert [q.speaker.text for q in ex.quotes] == ["Tomas Berg"]


def test_acronym_is_tied_to_its_expansion():
    ex = run("The Kenya Ports Authority (KPA) approved the expansion. The KPA said work "
             "starts soon.")
    assert ("Kenya Ports Authority", "KPA") in ex.acronyms
    assert sum(1 for m in ex.mentions if m.text == "KPA") == 2


def test_nothing_is_extracted_from_headings():
    ex = run("Mayor Ana Costa proposes a plan\n\nThe council met on Friday.")
    assert not [r for r in ex.relations if r.sentence.kind != "body"]


@pytest.mark.parametrize(
    "text, lexical, datatype",
    [("March 2022", "2022-03", "gYearMonth"), ("in 2023", "2023", "gYear"),
     ("January 27, 2025", "2025-01-27", "date"), ("February 29, 2024", "2024-02-29", "date")],
)
def test_dates_normalise_to_xsd(text, lexical, datatype):
    assert normalise(text, 0, len(text)) == DateValue(lexical, datatype, text, 0, len(text))


def test_weekday_needs_the_article_date():
    assert normalise("Monday", 0, 6) is None
    resolved = normalise("on Monday", 0, 9, date(2025, 2, 5))
    assert (resolved.lexical, resolved.datatype) == ("2025-02-03", "date")


def test_vague_dates_are_left_alone():
    for text in ("the 1980s", "years", "recently", "23.5 hours daily"):
        assert normalise(text, 0, len(text)) is None


@pytest.mark.parametrize("text, value", [("40,000", 40000), ("1.8", 1.8), ("three", 3),
                                         ("2 million", 2_000_000), ("ten", 10)])
def test_numbers(text, value):
    assert parse_number(text) == value


def test_acronym_initials():
    assert acronym_matches("ACAs", "Asylum Cooperative Agreements")
    assert acronym_matches("KPA", "Kenya Ports Authority")
    assert not acronym_matches("XYZ", "Kenya Ports Authority")


def test_every_relation_keeps_its_sentence():
    ex = run("Governor Amina Yusuf met with President Kofi Mensah in Accra on Monday. "
             "Following a meeting with President Kofi Mensah, Yusuf announced the plan.")
    assert ex.relations
    for relation in ex.relations:
        assert relation.sentence.text in ex.article.text
        assert ex.article.text[relation.sentence.start : relation.sentence.end] == \
            relation.sentence.text
        assert isinstance(relation.subject, Mention)


def test_a_gazetteer_name_inside_a_longer_name_is_not_a_mention_of_it():
    ex = run("Flights from South America landed. The United States Department of Justice sued.")
    names = {(m.text, m.gazetteer_id) for m in ex.mentions}
    assert ("South America", None) in names
    assert ("United States Department of Justice", None) in names
    assert not any(m.gazetteer_id == "United_States" for m in ex.mentions)


def test_every_component_declares_its_data_flow():
    """spaCy checks requires/assigns: nothing of ours runs before what it reads."""
    from kg.nlp import pipeline

    analysis = pipeline().analyze_pipes(pretty=False)
    assert not any(analysis["problems"].values()), analysis["problems"]
    ours = {name: s for name, s in analysis["summary"].items() if name.startswith("newskg_")}
    assert len(ours) == 8 and all(s["assigns"] for s in ours.values())
    assert "doc._.coref" in ours["newskg_quotes"]["requires"]
