"""Odd text never breaks extraction, and the values it gives are right or refused:
troop counts exact and plausible, limits finite, dates real, every label a name, every
fact naming entities the extraction has."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.dates import SentenceDates, _clause_verb, looks_future, resolve_day
from kg.model import (
    MAX_TROOP_COUNT,
    AgreementFact,
    Deployment,
    Document,
    Event,
    Extraction,
    Limit,
    Membership,
    Position,
    has_name,
)
from kg.nlp import build_nlp
from kg.numbers import count_of, limit_value, parse_number
from kg.pipeline import extract
from kg.resolve.facts import fact_entity_keys, merge_facts
from kg.resolve.index import MentionIndex
from kg.resolve.mentions import Mention
from kg.resolve.sentences import index_sentences

DAY = dt.date(2020, 3, 10)


def run(text: str) -> Extraction:
    (extraction,) = extract([Document(id="odd", text=text, date=DAY)])
    assert_sound(extraction)
    return extraction


def assert_sound(extraction: Extraction) -> None:
    """What any extraction must satisfy, whatever its text."""
    for entity in extraction.entities.values():
        assert has_name(entity.label), entity
        assert all(has_name(alt) for alt in entity.alt_labels), entity
    for fact in extraction.facts:
        for key in fact_entity_keys(fact):
            if isinstance(fact, Event) and key == fact.label:
                continue
            if ":" in key or key.startswith("Q"):
                assert key in extraction.entities, (key, fact)
        if isinstance(fact, Deployment) and fact.count is not None:
            assert type(fact.count) is int and 1 <= fact.count <= MAX_TROOP_COUNT
        if isinstance(fact, AgreementFact):
            assert all(math.isfinite(lim.value) and lim.value >= 0 for lim in fact.limits)
            assert fact.year is None or 1 <= fact.year <= 9999


def deployments(extraction: Extraction) -> list[Deployment]:
    return [f for f in extraction.facts if isinstance(f, Deployment)]


def agreements(extraction: Extraction) -> list[AgreementFact]:
    return [f for f in extraction.facts if isinstance(f, AgreementFact)]


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "count"),
    [
        (["28,500"], 28_500),
        (["4.5", "million"], 4_500_000),
        (["two", "thousand"], 2_000),
        (["five", "hundred"], 500),
        (["dozen"], 12),
        (["2.5"], None),  # no fraction of a soldier
        (["-500"], None),
        (["1e309"], None),
        (["inf"], None),
        (["nan"], None),
        (["9" * 310], None),
        (["12,345,678"], None),  # above MAX_TROOP_COUNT
        (["0"], None),
    ],
)
def test_count_of_a_number_phrase(words: list[str], count: int | None) -> None:
    assert count_of(words) == count


@given(st.integers(min_value=1, max_value=MAX_TROOP_COUNT))
def test_every_plausible_count_reads_back_exactly(n: int) -> None:
    assert count_of([f"{n:,}"]) == n
    assert count_of([str(n)]) == n


@given(st.integers(min_value=MAX_TROOP_COUNT + 1, max_value=10**400))
def test_no_count_above_the_maximum(n: int) -> None:
    assert count_of([str(n)]) is None


def test_numbers_are_read_without_a_float() -> None:
    assert parse_number("123,456,789,012,345") == 123_456_789_012_345  # 15 digits, exact
    assert parse_number("1234567890123456") is None  # more than a float holds exactly
    assert parse_number("1e3") is None
    assert parse_number("+5") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("5,500", 5500.0), ("3.67", 3.67), ("two", 2.0), ("half", 0.5), ("four", 4.0)],
)
def test_limit_values(text: str, value: float) -> None:
    assert limit_value(text) == value


@pytest.mark.parametrize("text", ["1e309", "9" * 400, "-5", "inf", "nan", "several"])
def test_limit_values_refused(text: str) -> None:
    assert limit_value(text) is None


# --- the model refuses what is not a value -----------------------------------------------


@pytest.mark.parametrize("count", [0, -500, MAX_TROOP_COUNT + 1, 10**310, 2.5, True, "500"])
def test_deployment_refuses_an_impossible_count(count: object) -> None:
    with pytest.raises(ValueError, match="troop count"):
        Deployment("Q183", "Q37", count)  # type: ignore[arg-type]


def test_deployment_keeps_an_exact_count() -> None:
    assert Deployment("Q183", "Q37", MAX_TROOP_COUNT).count == MAX_TROOP_COUNT


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, -1.0, True])
def test_limit_refuses_what_is_not_a_finite_amount(value: object) -> None:
    with pytest.raises(ValueError, match="limit value"):
        Limit("range", value, "km")  # type: ignore[arg-type]


@pytest.mark.parametrize("year", [0, 10_000, 99_999, -5, 2019.0])
def test_years_beyond_four_digits_are_refused(year: object) -> None:
    with pytest.raises(ValueError, match="not a year"):
        AgreementFact("agreement:x", year=year)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a year"):
        Membership("Q17", "Q1065", since=year)  # type: ignore[arg-type]


def test_dates_must_be_dates() -> None:
    with pytest.raises(ValueError, match="not a date"):
        Event("Meeting", "meeting", date="2019-02-31")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a date"):
        Position("Q1", "Q2", observed_on="yesterday")  # type: ignore[arg-type]


# --- odd sentences through the whole extraction ---------------------------------------------


def test_an_agreement_with_nothing_to_name_it_is_not_made() -> None:
    ex = run("France and Germany signed the year treaty in Paris on Monday.")
    assert not [e for e in ex.entities.values() if e.cls in {"Agreement", "Treaty"}]
    assert agreements(ex) == []


def test_an_agreement_without_a_name_after_one_with_a_name() -> None:
    ex = run(
        "Iran and Iraq signed a border agreement on Monday. "
        "France and Germany later signed the year treaty."
    )
    (agreement,) = agreements(ex)
    assert ex.entities[agreement.agreement].label == "border agreement"
    assert agreement.parties == {"Q794", "Q796"}


def test_punctuation_is_no_part_of_an_agreement_name() -> None:
    ex = run("Iran and Iraq signed the — border agreement on Monday.")
    labels = {e.label for e in ex.entities.values() if e.cls == "Agreement"}
    assert labels == {"border agreement"}


@pytest.mark.parametrize(
    "number", ["9" * 310, "1e309", "-500", "minus 500", "12,345,678,901,234,567", "2.5"]
)
def test_a_number_that_is_no_troop_count_leaves_the_deployment_without_one(number: str) -> None:
    ex = run(f"Germany has deployed {number} troops in Lithuania.")
    (deployment,) = deployments(ex)
    assert (deployment.sender, deployment.host, deployment.count) == ("Q183", "Q37", None)


def test_a_large_count_is_exact() -> None:
    ex = run("Germany has deployed 4.5 million troops in Lithuania.")
    (deployment,) = deployments(ex)
    assert deployment.count == 4_500_000 and type(deployment.count) is int


@pytest.mark.parametrize("number", ["1e309", "9" * 310])
def test_an_endless_limit_is_no_limit(number: str) -> None:
    ex = run(
        "The New START treaty, signed by Russia and the United States in 2010, caps each "
        f"side at {number} deployed warheads."
    )
    (agreement,) = agreements(ex)
    assert agreement.limits == []
    assert agreement.year == 2010


def test_the_lower_bound_of_a_range_survives_an_endless_upper_one() -> None:
    ex = run("The INF Treaty bans missiles with a range between 500 and " + "5" * 400 + " km.")
    (agreement,) = agreements(ex)
    assert agreement.limits == [Limit("range", 500.0, "km")]


def test_a_day_that_does_not_exist_gives_no_date() -> None:
    ex = run("Russia and China signed the border agreement on 31 February 2019 in Moscow.")
    (agreement,) = agreements(ex)
    assert agreement.date is None
    assert resolve_day("February 31", DAY) is None
    assert resolve_day("30 February 2019", DAY) is None


def test_a_year_of_five_digits_is_not_cut_to_four() -> None:
    ex = run("Japan joined the United Nations in 99999. Russia and China signed a deal in 10000.")
    (membership,) = [f for f in ex.facts if isinstance(f, Membership)]
    assert membership.since is None
    assert all(f.year is None for f in agreements(ex))


def test_a_name_of_the_parties_does_not_become_the_agreement() -> None:
    ex = run(
        "Nokia and Microsoft have agreed a deal to work on music for phones. A key part of "
        "the Nokia and Microsoft deal is moving songs between a phone and a PC."
    )
    assert {ex.entities[k].cls for k in ("org:nokia", "org:microsoft")} == {"Organization"}
    (agreement,) = agreements(ex)
    assert agreement.agreement == "agreement:odd:deal"
    assert agreement.parties == {"org:nokia", "org:microsoft"}


def test_five_thousand_repeats_of_one_name() -> None:
    ex = run(" ".join(["Angela Merkel"] * 5000) + " met Emmanuel Macron in Paris.")
    people = [e for e in ex.entities.values() if e.cls == "Person"]
    assert sorted(e.label for e in people) == ["Angela Merkel", "Emmanuel Macron"]


def test_a_sentence_of_ten_thousand_tokens() -> None:
    clause = "Germany sent 500 troops to Mali on Monday"
    text = " and ".join([clause] * 1250) + "."
    ex = run(text)
    assert len(build_nlp()(text)) >= 10_000
    (deployment,) = deployments(ex)
    assert (deployment.sender, deployment.host, deployment.count) == ("Q183", "Q912", 500)
    assert len(deployment.evidence) == 1  # one sentence, said once


def test_a_sentence_of_ten_thousand_tokens_of_treaty_clauses() -> None:
    clause = "Iran and Iraq signed the border agreement, which caps each side at 1,550 warheads"
    ex = run(" and ".join([clause] * 800) + ".")
    (agreement,) = agreements(ex)
    assert agreement.parties == agreement.restricts == {"Q794", "Q796"}
    assert agreement.limits == [Limit("warheads", 1550.0, "count")]


def test_a_sentence_of_ten_thousand_tokens_of_titles_paired_respectively() -> None:
    clause = "the Greek and Cypriot ministers, Nikos Dendias and Ioannis Kasoulides respectively"
    ex = run(" and ".join([clause] * 800) + " met in Athens.")
    held = {
        (ex.entities[p.holder].label, ex.entities[p.jurisdiction].label)
        for p in ex.facts
        if isinstance(p, Position)
    }
    assert held == {("Nikos Dendias", "Greece"), ("Ioannis Kasoulides", "Cyprus")}


# --- the indexes give what a scan would ------------------------------------------------------


def _scan_day_for(anchor, base):
    """The day of ``anchor``'s clause found by going through every date of the sentence."""
    verb = _clause_verb(anchor)
    candidates = []
    for ent in anchor.sent.ents:
        if ent.label_ != "DATE":
            continue
        day = resolve_day(ent.text, base, future=looks_future(ent.root))
        if day is None:
            continue
        own = _clause_verb(ent.root.head if ent.root.dep_ == "pobj" else ent.root)
        if own == verb or ent.root.head == anchor or ent.root.head.head == anchor:
            return day
        if own.dep_ in {"relcl", "acl"} and anchor.left_edge.i <= own.head.i <= anchor.right_edge.i:
            return day
        candidates.append(day)
    if len(candidates) == 1 and verb == anchor.sent.root:
        return candidates[0]
    return None


@pytest.mark.parametrize(
    "text",
    [
        "Kim met Moon on Monday, and Abe will visit Seoul on Friday.",
        "The summit, which opens on June 28, follows talks held on Tuesday in Vienna.",
        "On March 3 Iran said it had tested a missile on February 27 and would test again.",
        "Troops arrived on Sunday.",
    ],
)
def test_sentence_dates_answer_as_a_scan_of_the_sentence(text: str) -> None:
    doc = build_nlp()(text)
    for sent in doc.sents:
        dates = SentenceDates(sent, DAY)
        for token in sent:
            assert dates.day_for(token) == _scan_day_for(token, DAY), token.text


def test_the_sentence_index_finds_what_spacy_finds() -> None:
    doc = build_nlp()("Iran tested a missile. Japan protested on Monday! Then what? Nothing.")
    expected = [(t.sent.start, t.sent.end) for t in doc]
    index_sentences(doc)
    assert [(t.sent.start, t.sent.end) for t in doc] == expected
    assert [(s.sent.start, s.sent.end) for s in (doc[1:3], doc[5:7])] == [(0, 5), (5, 10)]


def test_mention_index_orders_like_a_stable_sort() -> None:
    doc = build_nlp()("Iran and Iraq and Japan met in Oman.")
    from kg.model import Entity

    def mention(i: int, key: str, cls: str = "Country") -> Mention:
        return Mention(doc[i : i + 1], Entity(key, cls, key))

    added = [mention(4, "japan"), mention(0, "iran"), mention(2, "iraq"), mention(0, "persia")]
    added.append(mention(7, "oman", "City"))
    index = MentionIndex()
    for m in added:
        index.add(m)
    nearest_first = sorted(added, key=lambda m: -m.span.start)
    assert list(index.before(5)) == [m for m in nearest_first if m.span.start < 5]
    assert [m.entity.key for m in index.before(8, "City")] == ["oman"]
    assert index.between(0, 3) == sorted(added[1:4], key=lambda m: m.span.start)
    assert index.remove(added[1]) and not index.remove(added[1])
    assert [m.entity.key for m in index.before(1)] == ["persia"]
    assert index.count("iran") == 0 and index.count("iraq") == 1
    assert index.key_between("iraq", 1, 3) and not index.key_between("iraq", 3, 9)


def test_merging_a_fact_said_again_keeps_each_evidence_once_in_order() -> None:
    from kg.model import Evidence

    said = [Evidence("d", f"s{i}", i, i + 1, 0.9) for i in range(3)]
    facts = [Deployment("Q183", "Q37", 500, evidence=[said[i % 3]]) for i in range(3000)]
    (merged,) = merge_facts(facts)
    assert merged.evidence == said
