"""Events on made-up reports: who took part in one meeting, told over several sentences."""

from __future__ import annotations

import datetime as dt

from kg.model import Document, Event
from kg.pipeline import extract


def meetings(text: str) -> list[set[str]]:
    (ex,) = extract([Document(id="t", text=text, date=None)])
    return [
        {ex.entities[k].label for k in f.participants}
        for f in ex.facts
        if isinstance(f, Event) and f.type == "Meeting"
    ]


def test_people_attending_a_meeting_join_it():
    found = meetings(
        "Kenyan President William Ruto received Tanzanian President Samia Suluhu Hassan on "
        "Friday. During the talks, held at State House and attended by Foreign Minister "
        "Alfred Mutua, the two leaders discussed trade."
    )
    assert len(found) == 1
    assert {"William Ruto", "Alfred Mutua"} <= found[0]


def test_people_in_attendance_join_the_meeting():
    found = meetings(
        "Kenyan President William Ruto received Tanzanian President Samia Suluhu Hassan on "
        "Friday. On the Tanzanian side, Finance Minister Mwigulu Nchemba and trade minister "
        "Ashatu Kijaji were in attendance."
    )
    assert len(found) == 1
    assert {"William Ruto", "Mwigulu Nchemba", "Ashatu Kijaji"} <= found[0]


def test_talks_only_hoped_for_do_not_take_the_meeting():
    found = meetings(
        "Kenyan President William Ruto received Tanzanian President Samia Suluhu Hassan on "
        "Friday. The meeting covered the prospects of resuming talks between Ethiopia and "
        "Eritrea. Foreign Minister Alfred Mutua attended the meeting."
    )
    joined = [m for m in found if "William Ruto" in m]
    assert len(joined) == 1
    assert "Alfred Mutua" in joined[0]
    assert not any(m == {"Ethiopia", "Eritrea"} for m in found)


def test_a_visit_with_no_host_and_no_place_is_no_meeting():
    assert meetings("Critics said President Joe Biden's visit changed little.") == []


def test_the_sittings_of_an_organisation_are_no_meeting():
    found = meetings(
        "Ghana's finance minister Ken Ofori-Atta will speak ahead of the IMF's annual meetings."
    )
    assert found == []


def test_who_judges_the_outcome_of_a_summit_did_not_attend_it():
    found = meetings(
        "Peru's president Dina Boluarte met Chilean President Gabriel Boric in Lima on Monday. "
        "The next day, the Bolivian Ministry of Foreign Affairs rejected the conclusions of "
        "the summit."
    )
    assert found == [{"Dina Boluarte", "Gabriel Boric"}]


def test_hope_for_talks_is_hypothetical_but_a_proposal_before_a_summit_is_not():
    from kg.extract.context import modality
    from kg.lexicon import lexicon
    from kg.nlp import build_nlp

    nlp, lex = build_nlp(), lexicon()
    doc = nlp("They discussed the prospects of resuming talks with Eritrea.")
    assert modality(next(t for t in doc if t.lower_ == "talks"), lex) == "hypothetical"
    doc = nlp("They drafted a proposal ahead of the summit in Jakarta.")
    assert modality(next(t for t in doc if t.lower_ == "summit"), lex) == "asserted"


def calls(text: str) -> list[set[str]]:
    (ex,) = extract([Document(id="t", text=text, date=None)])
    return [
        {ex.entities[k].label for k in f.participants}
        for f in ex.facts
        if isinstance(f, Event) and f.type == "PhoneCall"
    ]


def test_a_visit_to_a_country_is_a_meeting_there_with_its_host():
    (ex,) = extract(
        [Document(id="t", text="Indian Prime Minister Narendra Modi's visit to Japan ended.")]
    )
    (event,) = [f for f in ex.facts if isinstance(f, Event)]
    assert event.type == "Meeting"
    assert {ex.entities[k].label for k in event.participants} == {"Narendra Modi", "Japan"}
    assert ex.entities[event.location].label == "Japan"


def test_leaders_expected_to_attend_a_summit_are_its_participants():
    found = meetings(
        "Leaders expected to attend the summit in Nairobi include Ethiopian Prime Minister "
        "Abiy Ahmed and Somali President Hassan Sheikh Mohamud."
    )
    assert len(found) == 1
    assert "Hassan Sheikh Mohamud" in found[0] and len(found[0]) == 2


def test_a_conference_call_is_a_phone_call():
    assert calls(
        "Chilean President Gabriel Boric held a conference call with Argentine President "
        "Alberto Fernandez."
    ) == [{"Gabriel Boric", "Alberto Fernández"}]


def test_a_telephone_meeting_is_a_phone_call():
    assert calls(
        "Ecuador's foreign minister Gustavo Manrique held a telephone meeting with his "
        "counterpart from Canada, Melanie Joly."
    ) == [{"Gustavo Manrique", "Melanie Joly"}]


def test_a_guest_received_by_a_host_met_the_host():
    assert meetings(
        "Bolivian President Luis Arce was received in Beijing by President Xi Jinping."
    ) == [{"Luis Arce", "Xi Jinping"}]


def test_police_arriving_in_a_country_make_no_visit():
    assert meetings("Hundreds of Kenyan police officers arrived in Haiti on Tuesday.") == []


def events(text: str, date=None) -> list[tuple]:
    """(type, agent, participants, location, date) of every event found."""
    (ex,) = extract([Document(id="t", text=text, date=date)])

    def label(key):
        return ex.entities[key].label if key else None

    return [
        (f.type, label(f.agent), {label(k) for k in f.participants}, label(f.location), f.date)
        for f in ex.facts
        if isinstance(f, Event)
    ]


def test_a_visit_told_over_several_sentences_is_one_meeting():
    found = events(
        "Senegalese President Macky Sall met Gambian President Adama Barrow in Banjul. "
        "The two leaders discussed fishing rights. The meeting lasted three hours."
    )
    assert found == [
        ("Meeting", None, {"Macky Sall", "Adama Barrow"}, "Banjul", None),
    ]


def test_a_visit_received_takes_place_in_the_host_s_country():
    found = events(
        "Ghanaian President Nana Akufo-Addo received an official visit from his Ivorian "
        "counterpart, Alassane Ouattara."
    )
    assert found == [("Meeting", None, {"Nana Akufo-Addo", "Alassane Ouattara"}, "Ghana", None)]


def test_a_meeting_place_of_an_unnamed_visitor_goes_on_to_the_meeting_told_next():
    found = events(
        "The president of the republic made an official visit to Kenya last month. "
        "Ghanaian President Nana Akufo-Addo was received by Kenyan President William Ruto."
    )
    assert ("Meeting", None, {"Nana Akufo-Addo", "William Ruto"}, "Kenya", None) in found


def test_a_person_named_after_a_title_phrase_is_met():
    found = events(
        "The Chilean delegation held meetings with the rector of the University of Chile, "
        "Rosa Devés, on Monday."
    )
    assert [f[2] for f in found] == [{"Chile", "Rosa Devés"}]


def test_people_discussing_with_each_other_somewhere_met_there():
    found = events(
        "In Nairobi, Ugandan President Yoweri Museveni discussed trade with Kenyan "
        "President William Ruto."
    )
    assert found == [("Meeting", None, {"Yoweri Museveni", "William Ruto"}, "Nairobi", None)]


def test_discussing_with_reporters_is_no_meeting():
    assert events("Ugandan President Yoweri Museveni discussed the budget with reporters.") == []


def test_who_tells_a_visiting_delegation_meets_it():
    found = events("North Korea gave a visiting Chinese delegation a positive message on Tuesday.")
    assert [(f[0], f[2]) for f in found] == [("Meeting", {"North Korea", "China"})]


def test_a_missile_capable_of_hitting_targets_is_tested_not_fired_at_them():
    found = events(
        "Pakistan test-fired a ballistic missile capable of hitting targets deep inside India."
    )
    assert [(f[0], f[1]) for f in found] == [("MissileTest", "Pakistan")]


def test_a_conference_call_and_a_call_on_the_telephone_are_phone_calls():
    found = events(
        "German Chancellor Olaf Scholz held a conference call with French President "
        "Emmanuel Macron. Later, Brazilian President Lula called Argentine President "
        "Alberto Fernandez on the telephone."
    )
    assert [(f[0], f[2]) for f in found] == [
        ("PhoneCall", {"Olaf Scholz", "Emmanuel Macron"}),
        ("PhoneCall", {"Lula", "Alberto Fernández"}),
    ]


def test_an_undated_story_gives_a_day_only_where_the_text_gives_the_year():
    found = events(
        "Peruvian President Pedro Castillo met Bolivian President Luis Arce on Tuesday. "
        "That changed on 8 August 2019, when Chilean President Sebastian Pinera met "
        "Argentine President Mauricio Macri."
    )
    assert [f[4] for f in found] == [None, dt.date(2019, 8, 8)]


def test_an_arms_sale_approved_by_a_country_is_sold_by_it():
    found = events("The United States approved an arms sale to Taiwan worth $100 million.")
    assert found == [("ArmsSale", "United States", {"Taiwan"}, None, None)]


def test_what_a_person_receives_is_no_guest():
    assert events("The composer received an Oscar in 1983 for the film's score.") == []


def test_a_match_is_no_meeting():
    text = "South Korea will meet China in the final of the East Asian Championship."
    assert events(text) == []


def test_a_weapon_supplier_is_not_its_own_buyer():
    found = events("Germany supplied Ukraine with air defence systems in October.")
    assert found == [("ArmsSale", "Germany", {"Ukraine"}, None, None)]


def test_who_acts_where_a_summit_is_held_and_who_speaks_at_it_took_part():
    found = events(
        "Leaders met in Accra for a summit where Presidents Macky Sall of Senegal and "
        "Adama Barrow of the Gambia signed a fisheries accord. At the opening of the "
        "summit, Ghanaian President Nana Akufo-Addo said trade must grow."
    )
    assert [f[2] for f in found if f[0] == "Meeting"] == [
        {"Macky Sall", "Adama Barrow", "Nana Akufo-Addo"}
    ]


def test_whom_a_country_sends_to_join_talks_takes_part():
    found = events(
        "Kenya sent Foreign Minister Alfred Mutua to join the talks with Ugandan "
        "President Yoweri Museveni."
    )
    assert [f[2] for f in found] == [{"Alfred Mutua", "Yoweri Museveni"}]


def test_a_possible_nuclear_test_is_not_asserted():
    found = events(
        "South Korea's spy chief flew to Washington to discuss a possible nuclear test "
        "by North Korea."
    )
    assert not any(f[0] == "NuclearTest" for f in found)


def test_someone_named_in_a_clause_after_what_is_received_is_no_guest():
    text = (
        "Coach Sebastian Battaglia received the sack after the defeat, with Hugo Ibarra "
        "taking over as interim coach."
    )
    assert events(text) == []
