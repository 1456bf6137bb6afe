"""Alliances on made-up reports: possessives, pronouns and lists of allies."""

from __future__ import annotations

from kg.model import Alliance, Document
from kg.pipeline import extract


def alliances(text: str) -> set[frozenset[str]]:
    (ex,) = extract([Document(id="t", text=text, date=None)])
    return {
        frozenset(ex.entities[k].label for k in f.allies)
        for f in ex.facts
        if isinstance(f, Alliance)
    }


def test_a_countrys_ally_named_right_after_it():
    assert alliances("Japan's ally the United States sent two destroyers.") == {
        frozenset({"Japan", "United States"})
    }


def test_its_alliance_with_another_country():
    assert alliances("Poland strengthened its alliance with the United States.") == {
        frozenset({"Poland", "United States"})
    }


def test_each_listed_ally_of_a_country_is_one_alliance():
    assert alliances("Ukraine's allies Poland and Lithuania sent aid.") == {
        frozenset({"Ukraine", "Poland"}),
        frozenset({"Ukraine", "Lithuania"}),
    }


def test_allies_without_names_are_no_alliance():
    assert alliances("Japan's allies met in Tokyo on Monday.") == set()


def test_listed_allies_of_one_country_pair_with_it_not_each_other():
    assert alliances("Ghana and Togo are close allies of France.") == {
        frozenset({"Ghana", "France"}),
        frozenset({"Togo", "France"}),
    }


def test_allies_without_an_owner_are_allies_of_each_other():
    assert alliances("Treaty allies Japan and South Korea held drills.") == {
        frozenset({"Japan", "South Korea"})
    }


def test_the_two_countries_named_in_the_alliance_name():
    assert alliances("The Russia-Belarus alliance has held for decades.") == {
        frozenset({"Russia", "Belarus"})
    }


def test_their_alliance_is_of_the_subjects():
    assert alliances("Armenia and Russia renewed their alliance.") == {
        frozenset({"Armenia", "Russia"})
    }


def test_a_relative_pronoun_called_an_ally():
    assert alliances("He thanked Poland, which he called Lithuania's closest ally.") == {
        frozenset({"Poland", "Lithuania"})
    }


def test_no_alliance_and_a_negated_one_are_none():
    assert alliances("There is no alliance between Russia and China.") == set()
    assert alliances("Serbia is not an ally of Russia.") == set()


def test_a_body_named_alliance_is_no_bond():
    assert alliances("Mali and Niger founded the Alliance of Sahel States.") == set()
