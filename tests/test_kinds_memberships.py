"""Memberships on made-up reports: every conjunct of an enumeration is a member."""

from __future__ import annotations

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
