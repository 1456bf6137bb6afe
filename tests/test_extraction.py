"""Extraction behaviour on short made-up reports: one rule per test."""

from __future__ import annotations

import datetime as dt

from kg.model import AgreementFact, Deployment, Event, Membership, Position
from kg.pipeline import extract

SUNDAY = dt.date(2017, 9, 3)


def run(text: str, day: dt.date = SUNDAY, min_confidence: float = 0.5):
    from kg.model import Document

    (extraction,) = extract([Document(id="t", text=text, date=day)], min_confidence=min_confidence)
    return extraction


def facts(extraction, kind):
    return [f for f in extraction.facts if isinstance(f, kind)]


def label(extraction, key):
    return extraction.entities[key].label


def test_metonym_capital_is_the_country_and_locative_capital_is_the_city():
    ex = run("Seoul wants longer missiles. The talks were held in Seoul on Friday.")
    kinds = {(e.label, e.cls) for e in ex.entities.values()}
    assert ("South Korea", "Country") in kinds
    assert ("Seoul", "City") in kinds
    assert "Seoul" in ex.entities["Q884"].alt_labels


def test_demonym_gives_the_jurisdiction_of_a_title():
    ex = run("Greek Prime Minister Kyriakos Mitsotakis flew home.")
    (position,) = facts(ex, Position)
    assert label(ex, position.holder) == "Kyriakos Mitsotakis"
    assert label(ex, position.jurisdiction) == "Greece"
    assert position.roles == {"prime minister"}


def test_counterpart_takes_the_role_of_the_other_leader():
    ex = run("US President Donald Trump called his South Korean counterpart Moon Jae-in.")
    held = {
        (label(ex, p.holder), label(ex, p.jurisdiction), r)
        for p in facts(ex, Position)
        for r in p.roles
    }
    assert ("Moon Jae-in", "South Korea", "president") in held


def test_the_north_and_the_south_in_a_korea_story():
    ex = run(
        "North Korea fired a missile on Tuesday. South Korea protested, and the North said nothing."
    )
    assert "North" in ex.entities["Q423"].alt_labels  # surface forms are kept without "the"


def test_missile_test_with_agent_place_and_resolved_date():
    ex = run("North Korea on Tuesday fired a ballistic missile from its capital Pyongyang.")
    (event,) = facts(ex, Event)
    assert event.type == "MissileTest"
    assert label(ex, event.agent) == "North Korea"
    assert label(ex, event.location) == "Pyongyang"
    assert event.date == dt.date(2017, 8, 29)


def test_future_weekday_resolves_forward():
    ex = run(
        "Japanese Foreign Minister Taro Kono will meet Russian Foreign Minister "
        "Sergei Lavrov in Moscow on Tuesday."
    )
    (event,) = facts(ex, Event)
    assert event.type == "Meeting" and event.date == dt.date(2017, 9, 5)


def test_negated_membership_is_not_a_fact():
    ex = run("Finland has not joined NATO.")
    assert facts(ex, Membership) == []


def test_joined_with_year_is_a_membership_since_that_year():
    ex = run("Estonia joined NATO in 2004.")
    (membership,) = facts(ex, Membership)
    assert (label(ex, membership.member), label(ex, membership.organization)) == (
        "Estonia",
        "North Atlantic Treaty Organisation",
    )
    assert membership.since == 2004


def test_hypothetical_deployment_falls_below_the_default_threshold():
    text = "The United States may send 500 troops to Guyana."
    assert facts(run(text), Deployment) == []
    (low,) = facts(run(text, min_confidence=0.0), Deployment)
    assert low.count == 500 and low.confidence < 0.5


def test_deployment_with_count_sender_and_host():
    ex = run("Germany has about 1,200 soldiers stationed in Lithuania.")
    (deployment,) = facts(ex, Deployment)
    assert (label(ex, deployment.sender), label(ex, deployment.host), deployment.count) == (
        "Germany",
        "Lithuania",
        1200,
    )


def test_agreement_with_parties_year_restriction_and_limits():
    ex = run(
        "Under a 1990 arms accord with France, Spain is limited to missiles with a range "
        "of 300 kilometres and a payload of 500 kilograms."
    )
    (agreement,) = facts(ex, AgreementFact)
    assert {label(ex, p) for p in agreement.parties} == {"France", "Spain"}
    assert {label(ex, r) for r in agreement.restricts} == {"Spain"}
    assert agreement.year == 1990
    assert {(lim.quantity, lim.value, lim.unit) for lim in agreement.limits} == {
        ("range", 300.0, "km"),
        ("payload", 500.0, "kg"),
    }


def test_every_fact_has_evidence_with_offsets_into_the_text():
    text = "Estonia joined NATO in 2004.\n\nGermany has 1,200 soldiers stationed in Lithuania."
    ex = run(text)
    assert ex.facts
    for fact in ex.facts:
        for evidence in fact.evidence:
            assert text[evidence.start : evidence.end] == evidence.sentence
            assert 0.0 < evidence.confidence <= 1.0


def test_titles_shared_out_respectively():
    ex = run(
        "Egyptian foreign minister Sameh Shoukry and his Greek and French counterparts, "
        "Nikos Dendias and Jean-Yves Le Drian, respectively, met in Cairo."
    )
    held = {(label(ex, p.holder), label(ex, p.jurisdiction)) for p in facts(ex, Position)}
    assert {("Nikos Dendias", "Greece"), ("Jean-Yves Le Drian", "France")} <= held


def test_apposition_is_not_undone_by_its_sentence():
    ex = run("Paraguay, a founding member of Mercosur since 1991, was suspended from the bloc.")
    (membership,) = facts(ex, Membership)
    assert label(ex, membership.member) == "Paraguay" and membership.since == 1991


def test_bare_surname_links_only_under_its_own_title_or_country():
    linked = run("President Trump met Prime Minister Shinzo Abe in Tokyo.", dt.date(2019, 5, 14))
    assert "Q22686" in linked.entities
    unlinked = run("King Abdullah met the envoy in Amman.", dt.date(2015, 11, 20))
    people = {e.label: e for e in unlinked.entities.values() if e.cls == "Person"}
    assert people["Abdullah"].wikidata is None
