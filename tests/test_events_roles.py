"""Event participants that news names indirectly: governments by their level, groups by their
leader, suits by what they complain of, 'the two countries'; and the events that are told once.
Read with the real spaCy model, on sentences written for these tests."""

from __future__ import annotations

from kg.corpus import segment
from kg.evaluate import DocMatcher, score_events
from kg.extract import extract
from kg.gazetteer import load_gazetteer
from kg.model import Extraction
from kg.nlp import pipeline
from kg.rdf import to_rdf
from kg.release.publish import union_graph
from kg.resolve import resolve
from kg.validate import load_shapes, validate
from kg.vocab import ontology_graph
from tests.test_events import BASE, events, run


def run_as(doc_id: str, text: str) -> Extraction:
    article = segment(doc_id, f"{doc_id}.txt", "Test title\n\n" + text + "\n")
    return extract(article, pipeline()(article.text))


def roles(text: str) -> set[tuple[str, str | None, str | None, str | None]]:
    return {(c, a, p, r) for c, a, p, r, _ in events(text)}


def test_a_said_joined_to_a_denial_is_that_denial():
    found = roles("A spokeswoman for Meridian Foods denied any wrongdoing and said the recall "
                  "followed new safety rules.")
    assert ("denial", "Meridian Foods", None, None) in found
    assert not any(c == "statement" for c, *_ in found)


def test_a_statement_beside_an_act_of_another_kind_stays():
    found = roles("The Ghana Football Association sued Volta Mills Ltd in March and said it "
                  "expected a quick hearing.")
    assert ("lawsuit", "Ghana Football Association", "Volta Mills Ltd", None) in found
    assert ("statement", "Ghana Football Association", None, None) in found


def test_a_government_named_by_its_level_is_a_resource_of_its_article_only():
    first = run_as("a", "The state government paid Rs 12 crore to the families of the victims.")
    second = run_as("b", "The state government paid Rs 3 crore to the flood victims.")
    payer = next(e.agent for e in first.events if e.event_class == "payment")
    assert payer is not None and payer.text == "state government"
    res = resolve([first, second], load_gazetteer())
    keys = {res.key(e.agent) for ex in (first, second) for e in ex.events if e.agent}
    assert len(keys) == 2 and None not in keys  # one per article, never merged
    entity = res.entity(payer)
    assert entity is not None and entity.label == "state government"
    assert entity.types == ["http://schema.org/GovernmentOrganization"]


def test_a_bare_government_is_the_level_its_article_describes():
    ex = run("The Supreme Court of Kenya ordered the national government to pay the farmers. "
             "The government has jailed 300 protesters.")
    res = resolve([ex], load_gazetteer())
    governments = [m for e in ex.events for m in (e.agent, e.patient)
                   if m is not None and m.source == "description"]
    assert {m.text for m in governments} == {"national government", "government"}
    assert len({res.key(m) for m in governments}) == 1


def test_a_bare_government_alone_is_no_resource_and_its_event_is_neither_published_nor_scored():
    ex = run("The government has jailed 300 protesters.")
    event = next(e for e in ex.events if e.event_class == "detention")
    res = resolve([ex], load_gazetteer())
    assert event.agent is not None and res.key(event.agent) is None
    ds = to_rdf([ex], res, BASE)
    assert not list(ds.query("PREFIX kg: <http://example.org/kg/ontology#> "
                             "SELECT ?e WHERE { GRAPH ?g { ?e a kg:Event } }"))
    gold = {"doc": "t", "entities": [], "relations": [], "events": [], "quotes": []}
    score = score_events(DocMatcher(gold, ex, res), ex, res)
    assert (score.tp, score.fp, score.fn) == (0, 0, 0)


def test_an_ex_gratia_is_a_payment():
    assert ("payment", "Odisha government", None, None) in roles(
        "The Odisha government announced an ex gratia of Rs 3 lakh to the next of kin of each "
        "victim.")


def test_a_road_named_by_its_ends_takes_up_the_highway_named_before():
    found = roles("Orion Works Ltd will upgrade the Eldoret-Webuye highway. The Kenya Rural Roads "
                  "Authority closed the 96-kilometre Eldoret-Webuye road in May.")
    assert ("closure", "Kenya Rural Roads Authority", "Eldoret-Webuye highway", None) in found


def test_the_two_countries_are_the_two_named_before():
    found = roles("The Spanish minister, Ana Ruiz, said Spain would send 50 more officers and "
                  "called on Portugal to pay for the patrols under the treaty signed by the two "
                  "countries in 2021.")
    assert ("agreement", "Spain", "treaty", "Portugal") in found
    three = roles("Spain, Portugal and France will share the costs under the treaty signed by "
                  "the two countries in 2021.")
    assert not any(c == "agreement" and a is not None for c, a, _, _ in three)


def test_what_someone_is_called_on_to_do_has_not_happened():
    found = roles("The Spanish minister said Spain would send more officers and called on "
                  "Portugal to pay for the patrols.")
    assert not any(c == "payment" for c, *_ in found)


def test_a_named_patient_keeps_the_event_beside_an_unnamed_one():
    assert ("charge", "EFCC", "Red Coral Builders Ltd", None) in roles(
        "The EFCC had arraigned the defendant in May 2021 alongside a company, Red Coral "
        "Builders Ltd, and its managing director, Emeka Nwosu, who is still at large.")


def test_moving_money_is_a_payment_and_moving_offices_is_not():
    assert ("payment", "Orion Supplies Ltd", None, "Dubai") in roles(
        "Orion Supplies Ltd moved $2 million to Dubai in 2019.")
    assert any(c == "payment" and a == "Orion Supplies Ltd" for c, a, _, _ in roles(
        "Orion Supplies Ltd transferred funds to a bank in Dubai in 2019."))
    assert not roles("Orion Supplies Ltd moved its offices to Dubai in 2020.")


def test_a_group_led_by_someone_acts_through_its_leader():
    assert ("payment", "Tomas Ferreira", None, "Paraguay") in roles(
        "The cartel, led by Tomas Ferreira, has moved more than $3 million to Paraguay since "
        "2020.")


def test_a_suit_is_against_whom_the_suitor_says_did_wrong():
    assert ("lawsuit", "Karanja Builders Ltd", "Kenya Rural Roads Authority", None) in roles(
        "Last month, a losing bidder, Karanja Builders Ltd, filed a complaint with the tribunal, "
        "arguing that the Kenya Rural Roads Authority had excluded it unfairly.")


def test_the_project_is_the_facility_the_story_names_first():
    found = roles("Tamale Builders Ltd will build the Volta Regional Hospital in Ho. Governor Ama "
                  "Mensah welcomed the project.")
    assert ("endorsement", "Ama Mensah", "Volta Regional Hospital", None) in found
    assert not roles("Governor Ama Mensah welcomed the project.")


def test_financing_through_a_loan_is_one_event_by_the_lender():
    found = [e for e in events("Tamale Builders Ltd will build the Oti River Bridge near Dambai. "
                               "The project will be financed through a $40 million loan from the "
                               "African Development Bank.") if e[0] == "funding"]
    assert found == [("funding", "African Development Bank", "Oti River Bridge", None,
                      "possible")]


def test_reported_injuries_are_the_news_not_a_statement():
    assert not any(c == "statement" for c, *_ in roles(
        "The Ghana Red Cross said it had treated 30 people for injuries after the stampede."))
    assert ("statement", "Ghana Red Cross", None, None) in roles(
        "The Ghana Red Cross said its volunteers were exhausted after the stampede.")


def test_someone_reported_held_is_a_detention_though_we_do_not_know_who():
    before = "Police arrested the activist Wanjiru Kamau on Monday. Her lawyer, Kofi Badu, told "
    assert not any(c == "statement" for c, *_ in roles(
        before + "reporters she was being held at a police station in Tema."))
    assert ("statement", "Kofi Badu", None, None) in roles(
        before + "reporters she was tired but determined.")


def test_a_builder_hung_on_the_cost_is_still_the_builder():
    assert ("construction", "Tamale Builders Ltd.", "Kumasi Sports Arena", None) in roles(
        "Officials opened the Kumasi Sports Arena in 2022. The arena, spread over 20 acres near "
        "Lake Bosomtwe, has been built at a cost of $90 million by Tamale Builders Ltd.")


def test_one_event_told_by_a_noun_and_its_verb_is_listed_once():
    found = events("The court voted 8-3 in favour of a lawsuit filed in 2023 by the Rainforest "
                   "Alliance of Peru.")
    assert [e[:3] for e in found if e[0] == "lawsuit"] == [
        ("lawsuit", "Rainforest Alliance", None)]


def test_a_government_by_description_is_published_and_valid():
    ex = run("The Odisha government announced an ex gratia of Rs 3 lakh to the next of kin of "
             "each victim. The state government also paid Rs 5 crore to Tata Hospital.")
    res = resolve([ex], load_gazetteer())
    data = union_graph(to_rdf([ex], res, BASE))
    rows = list(data.query("""
        PREFIX kg: <http://example.org/kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX schema: <http://schema.org/>
        SELECT ?label WHERE { ?e a kg:Event ; kg:agent ?a . ?a a schema:GovernmentOrganization ;
                                 rdfs:label ?label }"""))
    assert {str(r[0]) for r in rows} == {"Odisha government", "state government"}
    result = validate(data, load_shapes(BASE), ontology_graph(BASE))
    assert result.conforms, [f.message for f in result.findings]


def test_the_company_in_someones_words_is_not_the_speaker():
    before = "The quarry belongs to Ashanti Ridge Ltd, a small licence holder. "
    after = "The Lands Commission said the company's licence had been suspended in May."
    assert ("sanction", None, "Ashanti Ridge Ltd", None) in roles(before + after)
    assert not roles(after)  # the Commission does not speak of itself as 'the company'
