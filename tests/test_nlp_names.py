"""Names as the pipeline's NER side finds them (gazetteer ruler, NER, name repair).

Every case is a construction of news English, with sentences written for these tests:
the entities a sentence must have (text, label) and the spans it must not have as
entities.
"""

from __future__ import annotations

import pytest
from spacy.language import Language
from spacy.tokens import Span

from kg.components.gazetteer_ruler import in_capitalised_run, is_headline
from kg.components.paragraphs import paragraph_sentences
from kg.nlp import build_nlp


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


def ents(nlp, text) -> set[tuple[str, str]]:
    return {(e.text, e.label_) for e in nlp(text).ents}


# (sentence, entities it must have, entity texts it must not have)
CASES = {
    # -- organisations named after a place are one name; the ruler does not split them
    "demonym + body": (
        "The Kenyan Development Bank raised its lending rate on Monday.",
        {("Kenyan Development Bank", "ORG")},
        {"Kenyan"},
    ),
    "demonym + armed force": (
        "Two jets of the Ghanaian Air Force landed in Accra.",
        {("Ghanaian Air Force", "ORG"), ("Accra", "GPE")},
        {"Ghanaian"},
    ),
    "body of a country": (
        "Students at the University of Ghana protested against the fees.",
        {("University of Ghana", "ORG")},
        {"Ghana", "University"},
    ),
    "bank of a country": (
        "The Bank of Kenya left its rates unchanged.",
        {("Bank of Kenya", "ORG")},
        {"Kenya"},
    ),
    "city + school": (
        "She lectures at the Nairobi School of Law.",
        {("Nairobi School of Law", "ORG")},
        {"Nairobi"},
    ),
    # -- but a place stays a place where the longer span is no organisation's name
    "common noun of a country": (
        "The Economy of Kenya grew by four percent, the report said.",
        {("Kenya", "GPE")},
        {"Economy of Kenya"},
    ),
    "country before a title": (
        "Kenyan President Ruto Wanjiru arrived in Lagos.",
        {("Kenyan", "NORP"), ("Lagos", "GPE")},
        {"Kenyan President Ruto Wanjiru", "President Ruto Wanjiru"},
    ),
    "title of a country, then the holder": (
        "President of Ghana Kwesi Addo-Mensah opened the session.",
        {("Ghana", "GPE")},
        {"Ghana Kwesi Addo-Mensah"},
    ),
    "holder of a country": (
        "They were received by Prime Minister Halvorsen of Norway on Friday.",
        {("Halvorsen", "PERSON"), ("Norway", "GPE")},
        {"Halvorsen of Norway"},
    ),
    # -- titles are not part of names
    "title glued to a person": (
        "Comptroller Idris Okonkwo-Bello resigned on Tuesday.",
        {("Idris Okonkwo-Bello", "PERSON")},
        {"Comptroller Idris Okonkwo-Bello", "Comptroller"},
    ),
    "portfolio after 'of' is part of the title": (
        "They met the Minister of Tourism Lucia Ferrandi-Oyelaran in the capital.",
        {("Lucia Ferrandi-Oyelaran", "PERSON")},
        {"Tourism Lucia Ferrandi-Oyelaran"},
    ),
    "a title alone is no name": (
        "Protesters criticised the Minister of Public Works, Tomas Eriksen-Vale, on Sunday.",
        {("Tomas Eriksen-Vale", "PERSON")},
        {"Minister of Public Works", "Works", "Public Works"},
    ),
    "title run and rank": (
        "Deputy Defence Minister Maj. Gen. Oluwaseun Adeyemi-Okafor inspected the base.",
        {("Oluwaseun Adeyemi-Okafor", "PERSON")},
        {"Maj", "Gen"},
    ),
    "a title's first word is no body": (
        "The Crown Prince praised the new port, and the Foreign Minister agreed.",
        set(),
        {"Crown", "Crown Prince", "Foreign"},
    ),
    # -- honorifics are not names and not people
    "Mr and Lord": (
        "Mr Abernathy said Lord Pemberton-Hale had resigned.",
        {("Abernathy", "PERSON"), ("Pemberton-Hale", "PERSON")},
        {"Mr", "Lord", "Mr Abernathy", "Lord Pemberton-Hale"},
    ),
    "Dr and Sheikh": (
        "Sheikh Rashid Al Fahimi thanked Dr. Ingrid Solberg-Hauge for her report.",
        set(),
        {"Sheikh", "Dr.", "Sheikh Rashid Al Fahimi", "Dr. Ingrid Solberg-Hauge"},
    ),
    "a surname that is a title word": (
        "Mr Major said the vote would be close.",
        {("Major", "PERSON")},
        {"Mr", "Mr Major"},
    ),
    # -- the words around a name tell its kind
    "company noun before a name": (
        "Shares of the water firm Aguas del Valle fell after the ruling.",
        {("Aguas del Valle", "ORG")},
        set(),
    ),
    "the state of X": (
        "The governor of the northern state of Kwara said schools would reopen.",
        {("Kwara", "GPE")},
        set(),
    ),
    "titled apposition": (
        "Critics urged the head of the Assembly, Crispin Adamu-Vale, to step down.",
        {("Crispin Adamu-Vale", "PERSON")},
        set(),
    ),
    "a war is an event": (
        "Refugees fled at the height of the Sudanese Civil War.",
        {("Sudanese Civil War", "EVENT")},
        set(),
    ),
    "a body's name in title case that the NER read as a work": (
        "The opposition Coalition for Unity and Progress won forty seats.",
        {("Coalition for Unity and Progress", "ORG")},
        set(),
    ),
    "a title's country before a person": (
        "Ghanaian Ambassador to Kenya Kofi Mensah-Bonsu attended the ceremony.",
        {("Kenya", "GPE")},
        {"Kenya Kofi Mensah-Bonsu"},
    ),
    "a document named after a place": (
        "The Paris Agreement set limits on warming.",
        {("Paris Agreement", "LAW")},
        {"Paris"},
    ),
    "gazetteer names with a curly apostrophe": (
        "Leaders of the People’s Republic of China met in Nairobi.",
        {("People’s Republic of China", "GPE")},
        {"People"},
    ),
    "a body's possessive inside a name": (
        "The Lakeside Farmers Union’s Executive Board met on Monday.",
        {("Lakeside Farmers Union", "ORG"), ("Executive Board", "ORG")},
        {"Lakeside Farmers Union’s Executive Board"},
    ),
    "islands are a feature, not a town": (
        # the NER alone types them a place (GPE), which resolution would take for a town
        "Patrol boats sailed near the disputed islands, which Kenya calls the Kelvara "
        "Islands, on Friday.",
        {("Kelvara Islands", "LOC")},
        set(),
    ),
    "a programme's name": (
        "The president announced the expansion of the Youth Building the Future programme.",
        {("Youth Building the Future", "WORK_OF_ART")},
        set(),
    ),
    "a charter is a document": (
        "The United Nations Charter forbids the use of force.",
        {("United Nations Charter", "LAW")},
        set(),
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_names(nlp, case):
    sentence, present, absent = CASES[case]
    found = ents(nlp, sentence)
    assert present <= found, found
    texts = {text for text, _ in found}
    assert not absent & texts, found


def test_person_described_by_a_title(nlp):
    # the NER alone types this name an organisation
    doc = nlp('"There is some justice in that," admits Tove Ravnsborg, an officer with the UNHCR.')
    assert ("Tove Ravnsborg", "PERSON") in {(e.text, e.label_) for e in doc.ents}


def test_common_nouns_are_no_names(nlp):
    doc = nlp("Farmers said the new seeds had failed.")  # the NER alone: an organisation
    assert "Farmers" not in {e.text for e in doc.ents}


def test_a_surname_opening_a_sentence_stays_a_name(nlp):
    doc = nlp("President Donald Trump met the envoy on Monday. Trump said the talks went well.")
    assert [e.text for e in doc.ents if e.label_ == "PERSON"] == ["Donald Trump", "Trump"]


def test_a_full_name_typed_a_body_is_the_person_of_its_surname(nlp):
    # the NER alone types the full name an organisation and the surname a person
    doc = nlp(
        '"There is some justice in that," admits Tove Ravnsborg, a worker with the UNHCR in '
        "Cairo. Ravnsborg says the cases take years."
    )
    labels = {e.text: e.label_ for e in doc.ents}
    assert (labels["Tove Ravnsborg"], labels["Ravnsborg"]) == ("PERSON", "PERSON")


def test_a_ship_is_no_person(nlp):
    doc = nlp(
        "The comments came after the USS Harwell made its way through the strait.\n\n"
        "The ministry said the situation was normal as the Harwell sailed north."
    )
    # the NER alone takes the second "Harwell" for a person
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("USS Harwell", "PRODUCT"),
        ("Harwell", "PRODUCT"),
    ]


def test_a_short_heading_opening_word_is_no_name(nlp):
    doc = nlp("Lukewarm measures\n\nThe government announced a cut of ten percent in spending.")
    assert "Lukewarm" not in {e.text for e in doc.ents}


@pytest.mark.parametrize(
    "sentence",
    [
        "Sheikh Rashid Al Fahimi thanked Dr. Ingrid Solberg-Hauge for her report.",
        "Mr Abernathy said Lord Pemberton-Hale had resigned.",
    ],
)
def test_no_person_is_an_honorific(nlp, sentence):
    for ent in nlp(sentence).ents:
        if ent.label_ == "PERSON":
            assert ent[0].lower_.rstrip(".") not in {"mr", "lord", "dr", "sheikh"}, ent.text


def test_paragraph_break_ends_a_sentence(nlp):
    doc = nlp("Bomber kills ten in Lagos\n\nA man blew himself up near a market on Monday.")
    starts = [s[0].text for s in doc.sents]
    assert starts == ["Bomber", "A"]
    lagos = next(e for e in doc.ents if e.text == "Lagos")
    assert lagos.root.head.text == "in"


def test_paragraph_component_alone():
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("geokg_paragraphs")
    doc = blank("One line\n\nTwo lines here")
    starts = {t.text: t.is_sent_start for t in doc}
    assert (starts["One"], starts["Two"], starts["lines"]) == (True, True, None)
    assert paragraph_sentences(doc) is doc


def test_headline_names_only_when_known_or_repeated(nlp):
    doc = nlp(
        "Kenya To Return Electric Buses To Nairobi Depot\n\n"
        "Kenya will send back the buses, the transport ministry said on Friday."
    )
    found = {e.text for e in doc.ents}
    assert {"Kenya", "Nairobi"} <= found  # known to the gazetteer
    assert not {"Return Electric Buses", "Nairobi Depot", "Electric Buses"} & found
    assert is_headline(next(doc.sents))
    assert not is_headline(list(doc.sents)[1])


def test_capitalised_run(nlp):
    doc = nlp("The Kenyan Development Bank and Kenyan farmers met in Nairobi.")
    runs = [(s.text, in_capitalised_run(s)) for s in doc.spans["gazetteer"]]
    assert runs == [("Kenyan", True), ("Kenyan", False), ("Nairobi", False)]


def test_a_hyphen_joins_a_match_to_a_capitalised_run(nlp):
    doc = nlp("They set up the Kenyan-Ghanaian Trade Council last year.")
    runs = [(s.text, in_capitalised_run(s)) for s in doc.spans["gazetteer"]]
    assert runs == [("Kenyan", True), ("Ghanaian", True)]
    doc = nlp("The Kenyan-Ghanaian border was closed.")
    runs = [(s.text, in_capitalised_run(s)) for s in doc.spans["gazetteer"]]
    assert runs == [("Kenyan", False), ("Ghanaian", False)]


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        # the NER's person span runs over a title or honorific into the name
        ("Describing Mr Novak as a genius, she left.", "Describing Mr Novak", {"Novak"}),
        (
            "Halden Mining spokesperson Jan Novak said it would reopen.",
            "Halden Mining spokesperson Jan Novak",
            {"Halden Mining", "Jan Novak"},
        ),
        ("The fine was NT$10,000 for each offence.", "NT$10,000", set()),
        # names holding a title word as a surname stay whole
        ("Jason King met the envoy.", "Jason King", {"Jason King"}),
    ],
)
def test_person_span_with_a_title_inside(nlp, text, span, expected):
    doc = nlp(text)
    start = doc.text.index(span)
    chars = doc.char_span(start, start + len(span))
    doc.ents = [Span(doc, chars.start, chars.end, label="PERSON")]
    repaired = nlp.get_pipe("name_repair")(doc)
    assert {e.text for e in repaired.ents} == expected


def test_hyphenated_adjective_of_a_name(nlp):
    found = ents(nlp, "He rejected a George Bush-style approach to the war.")
    assert ("George Bush", "PERSON") in found
    assert not any(text.endswith("style") for text, _ in found)
    assert ("Moon Jae-in", "PERSON") in ents(nlp, "Moon Jae-in met the envoy in Seoul.")


def test_police_ranks_are_titles(nlp):
    found = ents(nlp, "Chief Constable David Warcup said the march was lawful.")
    assert ("David Warcup", "PERSON") in found


def test_a_titled_apposition_makes_a_person_of_a_name_taken_for_an_event(nlp):
    # the recogniser takes some names for events or works; the title set off by commas
    # before the name says it is a person
    text = "The Minister of Tourism, Morena Valdez, said the country received visitors."
    doc = nlp(text)
    assert ("Morena Valdez", "PERSON") in {(e.text, e.label_) for e in doc.ents}
    race = ents(nlp, "The race, the Boston Marathon, starts on Monday.")
    assert ("Boston Marathon", "EVENT") in race  # no title before it: an event stays one


def test_a_party_of_two_words_before_a_name_is_no_first_name(nlp):
    found = ents(nlp, "But Lib Dem Norman Baker accused ministers of neglect.")
    assert {("Lib Dem", "ORG"), ("Norman Baker", "PERSON")} <= found
