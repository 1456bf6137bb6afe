"""Memberships on made-up reports: every conjunct of an enumeration is a member."""

from __future__ import annotations

import datetime as dt

from kg.model import Document, Membership
from kg.pipeline import extract


def members(text: str) -> set[tuple[str, str]]:
    (ex,) = extract([Document(id="t", text=text, date=None)])
    return {
        (ex.entities[f.member].label, ex.entities[f.organization].label)
        for f in ex.facts
        if isinstance(f, Membership)
    }


def test_a_body_that_comprises_countries_has_each_as_member():
    assert members(
        "The Southern African Development Community comprises Angola, Botswana and Zambia."
    ) == {
        ("Angola", "Southern African Development Community"),
        ("Botswana", "Southern African Development Community"),
        ("Zambia", "Southern African Development Community"),
    }


def test_a_body_that_consists_of_countries_has_each_as_member():
    found = members("The East African Community consists of Kenya, Uganda and Rwanda.")
    assert {m for m, _ in found} == {"Kenya", "Uganda", "Rwanda"}


def test_the_members_a_body_is_said_to_include():
    found = members("NATO's members include Norway, Poland and Turkey.")
    assert {m for m, _ in found} == {"Norway", "Poland", "Turkey"}


def test_what_a_body_proposes_to_include_is_no_membership():
    assert members("The EU's proposal includes Turkey and Serbia.") == set()


def test_members_listed_in_apposition():
    found = members("Mercosur's members, Brazil, Argentina and Uruguay, met on Monday.")
    assert found == {("Brazil", "Mercosur"), ("Argentina", "Mercosur"), ("Uruguay", "Mercosur")}


def members_since(text: str, date: dt.date | None = None) -> set[tuple[str, str, int | None]]:
    (ex,) = extract([Document(id="t", text=text, date=date)])
    return {
        (ex.entities[f.member].label, ex.entities[f.organization].label, f.since)
        for f in ex.facts
        if isinstance(f, Membership)
    }


def test_the_year_of_a_month_named_in_the_clause():
    found = members_since("Sweden became NATO's 32nd member in March.", dt.date(2024, 5, 2))
    assert {(m, since) for m, _, since in found} == {("Sweden", 2024)}


def test_without_a_document_date_a_month_gives_no_year():
    found = members_since("Sweden became NATO's 32nd member in March.")
    assert {(m, since) for m, _, since in found} == {("Sweden", None)}


def test_the_bloc_a_relative_clause_joined_is_the_story_body():
    found = members_since(
        "The Pacific Islands Forum met in Suva. Fiji, which joined the bloc in 1971, hosted it."
    )
    assert found == {("Fiji", "Pacific Islands Forum", 1971)}


def test_a_former_or_prospective_member_is_none():
    assert members("Britain, a former member of the European Union, signed the deal.") == set()
    assert members("Ukraine, a prospective member of the European Union, objected.") == set()


def test_a_stalled_accession_is_no_membership():
    assert members("Turkey's accession to the European Union has stalled.") == set()
    assert members("Croatia's accession to the European Union in 2013 was celebrated.") == {
        ("Croatia", "European Union")
    }


def test_every_country_of_a_group_in_apposition():
    found = members("The G4, a group of nations — Brazil, Germany, India and Japan — met.")
    assert {m for m, _ in found} == {"Brazil", "Germany", "India", "Japan"}


def test_another_member_belongs_to_the_body_the_story_names():
    found = members(
        "The Economic Community of West African States met in Abuja on Monday. "
        "Senegal, another member, said it would send troops."
    )
    assert found == {("Senegal", "Economic Community of West African States")}
