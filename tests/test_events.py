"""Events read with the real spaCy model: class, roles, modality and source, and their RDF."""

from __future__ import annotations

from rdflib import Namespace

from kg.corpus import segment
from kg.extract import extract
from kg.extract.events import lexicon
from kg.gazetteer import load_gazetteer
from kg.model import Event, Extraction
from kg.nlp import pipeline
from kg.rdf import event_class_name, to_rdf
from kg.resolve import resolve
from kg.vocab import ontology_graph

BASE = "http://example.org/kg/"
KG = Namespace(BASE + "ontology#")


def run(text: str) -> Extraction:
    article = segment("t", "t.txt", "Test title\n\n" + text + "\n")
    return extract(article, pipeline()(article.text))


def events(text: str) -> list[tuple[str, str | None, str | None, str | None, str]]:
    def name(event: Event, role: str) -> str | None:
        mention = getattr(event, role)
        return mention.text if mention is not None else None
    return [(e.event_class, name(e, "agent"), name(e, "patient"), name(e, "recipient"),
             e.modality) for e in run(text).events]


def test_active_clause_gives_agent_and_patient():
    assert ("arrest", "FBI", "John Smith", None, "asserted") in events(
        "The FBI arrested John Smith in Chicago on Tuesday.")


def test_passive_clause_takes_its_agent_from_by():
    found = events("John Smith was arrested by the FBI in February.")
    assert [(c, a, p) for c, a, p, _, _ in found] == [("arrest", "FBI", "John Smith")]


def test_each_conjunct_is_its_own_event():
    found = events("The Economic and Financial Crimes Commission charged Ibrahim Sule and "
                   "Chukwuemeka Obiora with fraud.")
    assert {p for c, _, p, _, _ in found if c == "charge"} == {"Ibrahim Sule",
                                                              "Chukwuemeka Obiora"}


def test_negation_and_modals_are_kept():
    assert events("John Smith did not respond to Reuters.") == [
        ("statement", "John Smith", None, "Reuters", "negated")]
    found = events("Mexico will deport John Smith to Guatemala next week.")
    assert found == [("deportation", "Mexico", "John Smith", "Guatemala", "possible")]


def test_reported_event_is_attributed_to_its_source():
    ex = run("Police spokesperson Irene Wafula said officers had arrested Ochieng Adera.")
    event = next(e for e in ex.events if e.event_class == "arrest")
    assert event.patient is not None and event.patient.text == "Ochieng Adera"
    assert event.modality == "reported"
    assert event.attributed_to is not None and event.attributed_to.text == "Irene Wafula"
    assert not any(e.event_class == "statement" for e in ex.events)  # the arrest covers it


def test_event_noun_after_a_light_verb():
    found = events("The World Food Programme launched an appeal for $310 million in January.")
    assert ("appeal", "World Food Programme", None, None, "asserted") in found


def test_quoted_words_are_left_to_the_quotation():
    assert events('“We will arrest Peter Mwangi tomorrow,” the governor said.') == []
    assert not any(c == "statement" for c, *_ in events(
        'Helen Marsh said the deal was “a good day for Britain”.'))


def test_a_verb_needs_a_named_participant():
    assert events("Officers arrested 43 people in the city centre.") == []


def test_lexicon_names_only_ontology_classes():
    classes = {s.event_class for senses in lexicon().values() for s in senses}
    ontology = ontology_graph(BASE)
    assert len(classes) >= 40
    for event_class in classes:
        assert (KG[event_class_name(event_class)], None, None) in ontology, event_class


def test_event_in_rdf_is_traceable_to_its_sentence():
    ex = run("The FBI arrested John Smith in Chicago on Tuesday.")
    ds = to_rdf([ex], resolve([ex], load_gazetteer()), BASE)
    rows = list(ds.query("""
        PREFIX kg: <http://example.org/kg/ontology#>
        PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?agent ?patient ?trigger ?text ?modality WHERE {
            GRAPH ?g { ?e a kg:Event , kg:ArrestEvent ; kg:agent ?a ; kg:patient ?p ;
                          kg:trigger ?trigger ; kg:modality ?modality ;
                          kg:sourceSentence ?s . ?s nif:anchorOf ?text }
            ?a rdfs:label ?agent . ?p rdfs:label ?patient .
        }"""))
    assert len(rows) == 1
    agent, patient, trigger, text, modality = (str(v) for v in rows[0])
    assert (agent, patient, trigger) == ("FBI", "John Smith", "arrested")
    assert text.startswith("The FBI arrested") and modality == str(KG.Asserted)


def roles(text: str) -> set[tuple[str, str | None, str | None]]:
    return {(c, a, p) for c, a, p, _, _ in events(text)}


def test_a_compound_verb_in_reported_words_is_no_reported_event():
    # 'vote-buying' is a verb only inside a compound: the speech is the news
    assert ("statement", "Renata Okamoto", None) in roles(
        "Political scientist Renata Okamoto said reruns had become more frequent since courts "
        "began to take vote-buying cases seriously.")


def test_saying_what_ought_to_be_done_demands_it():
    assert roles("Liberal Democrat MP Sarah Lyle said the planning approval should be "
                 "reviewed.") == {("demand", "Sarah Lyle", None)}


def test_thanks_need_a_named_addressee():
    assert roles("Kavita Rawat thanked voters in a post on X.") == set()
    assert ("endorsement", "Joe Smith", "World Bank") in roles(
        "Mayor Joe Smith thanked the World Bank for its support.")


def test_winning_a_contract_is_no_election():
    assert not any(c == "election" for c, _, _ in roles(
        "Aravalli Infraprojects Ltd, which won the construction contract in 2021, built the "
        "Udaipur Stadium."))


def test_an_event_told_again_without_its_agent_is_listed_once():
    found = roles("The FBI arrested John Smith in Chicago on Tuesday. John Smith was "
                  "arrested at his home after a two-year investigation.")
    assert ("arrest", "FBI", "John Smith") in found
    assert ("arrest", None, "John Smith") not in found


def test_a_kind_noun_takes_up_the_one_place_or_body_named_just_before():
    assert ("appeal", "Catarman", None) in roles(
        "Floods cut off Catarman on Monday. The mayor said the town had asked the provincial "
        "government for heavy equipment.")
    assert ("lawsuit", "Brazilian Association of Small-Scale Miners", None) in roles(
        "The Brazilian Association of Small-Scale Miners called the ruling unfair. "
        "The association said it could appeal.")


def test_a_kind_noun_with_two_candidates_is_not_guessed():
    assert not any(a in ("Kenya", "Uganda") for _, a, _ in roles(
        "Trucks crossed from Kenya into Uganda on Monday. The official said the country had "
        "asked the World Bank for funds."))


def test_a_restrictive_clause_says_which_one():
    assert not any(a == "Bihar Rajya Pul Nirman Nigam Ltd" for _, a, _ in roles(
        "The bridge was built by Bihar Rajya Pul Nirman Nigam Ltd. Police arrested Santosh "
        "Jaiswal, owner of the firm that carried out repairs on the bridge."))


def test_a_speaker_who_warns_after_reported_words_is_the_one_who_warns():
    found = roles("Mayor Peter Tschentscher said the city would not intervene in the dispute "
                  "but warned that a longer strike could damage the port.")
    assert ("statement", "Peter Tschentscher", None) in found
    assert not any(a == "Hamburg" for _, a, _ in found)


def test_a_court_that_ner_missed_is_read_by_its_head_word():
    assert ("sentencing", "Federal High Court", "Chukwuemeka Obiora") in roles(
        "A Federal High Court in Lagos on Wednesday sentenced a former director, Mr "
        "Chukwuemeka Obiora, to 14 years in prison.")


def test_a_court_ruling_names_whom_it_rules_on():
    assert roles("The Federal High Court in Lagos heard the case on Monday. The court ordered "
                 "that the sentences run concurrently.") == set()


def test_a_title_case_headline_names_no_body():
    names = {m.text for m in run("Treasury Sanctions Culiacán-Based Money Laundering Network "
                                 "Tied to Sinaloa Cartel").mentions}
    assert "Money Laundering Network" not in names


def test_an_agreement_named_by_a_common_noun_is_a_participant():
    found = roles("The memorandum of understanding was signed in Abuja on Wednesday by the "
                  "British Home Secretary, Helen Marsh.")
    assert ("agreement", "Helen Marsh", "memorandum of understanding") in found
    assert ("criticism", "Nigerian Bar Association", "deal") in roles(
        "The Nigerian Bar Association criticised the deal on Friday.")


def test_the_articles_agreement_is_one_resource_and_other_deals_are_not_it():
    ex = run("The United Kingdom and Nigeria have signed a returns agreement. The Nigerian Bar "
             "Association criticised the deal. Britain has signed similar returns arrangements "
             "with Albania.")
    res = resolve([ex], load_gazetteer())
    deals = {res.key(m) for e in ex.events for m in (e.agent, e.patient)
             if m is not None and m.source == "deal-noun"}
    assert len(deals) == 1
    entity = res.entities[deals.pop()]
    assert entity.types == ["ontology#Agreement"] and entity.label == "agreement"
    assert ("agreement", "Britain", None) in {
        (e.event_class, e.agent.text if e.agent else None, e.patient.text if e.patient else None)
        for e in ex.events if e.trigger == "signed" and "similar" in e.sentence.text}


def test_descriptions_before_coordinated_names_keep_both_signers():
    found = events("Chilean state-backed miner Minera Salar Andino and Japanese battery "
                   "materials group Kōsei Battery Materials signed a joint venture agreement on "
                   "Friday.")
    assert ("agreement", "Minera Salar Andino", "agreement", "Kōsei Battery Materials",
            "asserted") in found


def test_what_opens_without_an_object_is_opened():
    assert ("opening", None, "Marsden Park Hospital") in roles(
        "The Marsden Park Hospital is planned in western Sydney. Mr Haddad said construction "
        "would begin in 2026 and the hospital could open as early as 2029.")


def test_it_as_the_object_of_reported_words_is_the_speaker():
    assert ("closure", "Ghana Water Company", None) in roles(
        "The Ghana Water Company has warned that illegal mining could force it to shut down "
        "treatment plants.")


def test_a_participle_after_a_comma_takes_no_subject():
    assert not any(c == "closure" and a == "Luciana Brandão" for c, a, _ in roles(
        "Luciana Brandão promised to reopen the maternity ward, closed in 2023 for lack of "
        "funds."))


def test_reported_words_without_an_event_that_holds_are_a_statement():
    # 'approved' names a funding only with a sum of money: here it is no event
    assert ("statement", "Ana Lucía Ferrer", None) in roles(
        "Foreign Minister Ana Lucía Ferrer said no such programme had been approved for "
        "migrants.")


def test_among_the_dead_lists_each_named_victim():
    found = roles("The bridge collapsed on Tuesday. Among the dead were Ramesh Sah, 42, a "
                  "vegetable vendor from Ratwal, and his nephew Manoj Sah, 17.")
    assert {("death", None, "Ramesh Sah"), ("death", None, "Manoj Sah")} <= found


def test_a_statement_by_someone_is_theirs():
    assert ("statement", "Lekan Ogunleye", None) in roles(
        "A statement by his Chief Press Secretary, Mr Lekan Ogunleye, said at the time that "
        "the affected commissioners had been thanked for their service.")


def test_a_title_read_as_the_subject_gives_way_to_the_person():
    assert ("statement", "Ernesto Villanueva", None) in roles(
        "Office of Civil Defense Administrator Ernesto Villanueva said the toll could still "
        "rise as rescuers reach isolated areas.")


def test_a_verb_subordinate_to_the_reported_words_is_not_what_is_reported():
    assert ("statement", "Mrs Funke Adeyemi-Bello", None) in roles(
        "Its president, Mrs Funke Adeyemi-Bello, said the federal government had not consulted "
        "civil society groups before signing.")


def test_it_after_a_speaker_who_did_not_say_is_the_speaker():
    found = events("The U.S. Department of Homeland Security said in a statement that it was "
                   "working on the return of people, but did not say whether it had asked "
                   "Mexico to take them.")
    assert ("appeal", "U.S. Department of Homeland Security", None, "Mexico",
            "possible") in found


def test_a_wire_dateline_does_not_hide_the_company_that_announces():
    found = events("SEATTLE--(BUSINESS WIRE)--Harbor Analytics, Inc. (NASDAQ: HRBA), a provider "
                   "of supply chain software, today announced that it has entered into a "
                   "definitive agreement to acquire Lumen Freight Systems for $2.1 billion.")
    by_class = {c: (a, p) for c, a, p, _, _ in found}
    assert by_class.get("agreement") == ("Harbor Analytics, Inc.", "agreement")
    assert by_class.get("purchase") == ("Harbor Analytics, Inc.", "Lumen Freight Systems")
    assert "funding" not in by_class  # 'announced that ...' reports; it funds nothing


def test_a_contract_is_for_what_its_purpose_clause_names():
    found = events("The Kenya National Highways Authority has signed a Sh61 billion contract "
                   "with China Zhonghe Road and Bridge Corporation to rebuild the Kisumu Bus "
                   "Terminal.")
    assert ("contract", "Kenya National Highways Authority", "Kisumu Bus Terminal",
            "China Zhonghe Road and Bridge Corporation", "asserted") in found


def test_a_definite_noun_with_a_name_of_its_own_takes_up_no_other_name():
    found = roles("The Kenya National Highways Authority has signed a Sh61 billion contract "
                  "with China Zhonghe Road and Bridge Corporation to turn the Kisumu-Busia road "
                  "into a dual carriageway.")
    assert ("contract", "Kenya National Highways Authority",
            "China Zhonghe Road and Bridge Corporation") not in found


def test_a_name_after_a_description_and_a_comma_is_its_apposition():
    assert ("arrest", None, "Kwabena Asante") in roles(
        "Chief Superintendent Abena Ofori said officers had arrested the operator of the pit, "
        "Kwabena Asante, and two foreign nationals.")


def test_whom_voters_elect_wins_the_election():
    assert ("election", "Valdir Pacheco", None) in roles(
        "The court stripped the mandate of the mayor elected in October 2024, Valdir Pacheco, "
        "for vote-buying.")


def test_due_to_be_sworn_in_is_an_appointment_of_the_subject():
    assert ("appointment", None, "Luciana Brandão") in roles(
        "The electoral court is expected to certify the result within two weeks, and Luciana "
        "Brandão is due to be sworn in by the city council on March 20.")


def test_a_party_that_wrests_a_seat_from_another_wins_against_it():
    assert ("election", "Congress", "Bharatiya Janata Party") in roles(
        "The Congress on Saturday wrested the Sonbhadra North assembly seat in Uttar Pradesh "
        "from the Bharatiya Janata Party in a by-election.")


def test_a_place_after_the_object_is_where_the_event_happened():
    ex = run("Home Secretary James Cleverly signed the treaty in Kigali on Tuesday.")
    event = next(e for e in ex.events if e.event_class == "agreement")
    assert event.agent is not None and event.agent.text == "James Cleverly"
    assert event.place is not None and event.place.text == "Kigali"


def test_the_speakers_own_request_is_no_reported_content():
    found = roles("Para Governor Marcelo Antunes said the state would cooperate with federal "
                  "forces but asked for funds to retrain police.")
    assert {("statement", "Marcelo Antunes", None), ("appeal", "Marcelo Antunes", None)} <= found


def test_pleading_not_guilty_denies_and_pleading_guilty_does_not():
    assert ("denial", "Chukwuemeka Obiora", None) in roles(
        "Chukwuemeka Obiora had pleaded not guilty to all the counts.")
    assert not any(c == "denial" for c, _, _ in roles(
        "Chukwuemeka Obiora had pleaded guilty to all the counts."))


def test_both_takes_up_the_two_people_named_together_and_awaiting_trial_is_theirs():
    found = roles("In a separate investigation, the Federal Police in December arrested two "
                  "campaign coordinators, Adilson Prado and Sueli Rocha, in an operation. "
                  "Investigators seized R$480,000 in cash. Both have since been released and "
                  "are awaiting trial.")
    for name in ("Adilson Prado", "Sueli Rocha"):
        assert ("release", None, name) in found and ("trial", None, name) in found
    assert not any(c == "trial" and a is not None for c, a, _ in found)


def test_a_participle_clause_takes_the_subject_of_its_verb_but_saying_stays_with_quotes():
    assert ("appeal", "Rajasthan Cricket Association", None) in roles(
        "The Rajasthan Cricket Association had written to the Board of Control for Cricket in "
        "India asking for an international match.")
    assert not any(c == "statement" for c, _, _ in roles(
        "The Nigerian Bar Association criticised the deal, saying returnees could be left "
        "without support on arrival."))


def test_a_definite_payment_that_names_its_payer_is_a_new_event():
    assert ("payment", "Caldercroft Homes", None) in roles(
        "The £25,000 donation, from Caldercroft Homes, was made to the constituency office in "
        "September 2024.")
