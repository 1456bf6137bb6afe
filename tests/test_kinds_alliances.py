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
