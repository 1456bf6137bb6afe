"""Agreements on made-up reports: names, parties and generic nouns."""

from __future__ import annotations

from kg.model import AgreementFact, Document
from kg.pipeline import extract


def agreements(text: str) -> dict[str, set[str]]:
    (ex,) = extract([Document(id="t", text=text, date=None)])
    return {
        ex.entities[f.agreement].label: {ex.entities[p].label for p in f.parties}
        for f in ex.facts
        if isinstance(f, AgreementFact)
    }


def test_every_signer_of_a_list_is_a_party():
    assert agreements("The Lusaka Accord was signed by Kenya, Uganda and Rwanda.") == {
        "Lusaka Accord": {"Kenya", "Uganda", "Rwanda"}
    }


def test_the_parties_of_an_a_b_agreement():
    assert agreements("Officials praised the Kenya-Uganda trade agreement.") == {
        "Kenya - Uganda trade agreement": {"Kenya", "Uganda"}
    }


def test_a_number_in_a_name_stays_in_the_name():
    found = agreements("The four freedoms agreement was ratified by Egypt and Sudan.")
    assert set(found) == {"four freedoms agreement"}


def test_a_number_of_agreements_is_no_part_of_their_name():
    found = agreements("Kenya and Uganda signed two trade agreements.")
    assert set(found) == {"trade agreements"}


def test_a_generic_agreement_is_no_entity():
    assert agreements("The two countries signed a negotiated agreement.") == {}


def test_a_vague_adjective_is_no_name():
    found = agreements("A recent agreement between Egypt and Sudan eased travel.")
    assert "recent agreement" not in found


def test_a_capitalised_name_runs_on_past_its_head():
    assert agreements("Both countries adhere to the Framework Convention on Climate Change.") == {
        "Framework Convention on Climate Change": set()
    }


def test_of_which_a_country_is_a_signatory():
    found = agreements(
        "Ships sail freely under the Convention on the Law of the Sea, of which Chile is a "
        "signatory."
    )
    assert found == {"Convention on the Law of the Sea": {"Chile"}}


def test_a_first_the_agreement_signed_between_two_countries():
    assert agreements("The agreement, signed between Chad and Niger in 2019, sets the border.") == {
        "agreement": {"Chad", "Niger"}
    }


def test_the_agreement_between_its_parties_is_the_one_named_before():
    found = agreements(
        "Egypt and Sudan signed the four freedoms agreement in 2004. "
        "The agreement between the governments of Egypt and Sudan lets citizens move freely."
    )
    assert found == {"four freedoms agreement": {"Egypt", "Sudan"}}


def test_plural_agreements_nobody_is_party_to_are_no_entity():
    assert agreements("The ministers stressed the need to develop climate agreements.") == {}


def test_both_governments_are_the_two_countries_named_before():
    found = agreements(
        "Kenya and Uganda met in May. The friendship treaty was ratified by both governments."
    )
    assert found == {"friendship treaty": {"Kenya", "Uganda"}}


def test_the_possessor_of_an_agreement_is_a_party():
    found = agreements("The Libyan government's maritime deal with Turkey angered Greece.")
    assert list(found.values()) == [{"Libya", "Turkey"}]


def test_the_countries_of_a_hyphenated_pair_in_a_name_are_parties():
    assert agreements("Trade rose under the U.S.-Korea Free Trade Agreement.") == {
        "U.S.-Korea Free Trade Agreement": {"United States", "South Korea"}
    }


def test_a_peace_deal_nobody_is_party_to_is_no_entity():
    assert agreements("The rebels said a peace deal was possible.") == {}
    assert agreements("Sudan and South Sudan signed a peace deal in 2018.") == {
        "peace deal": {"Sudan", "South Sudan"}
    }
