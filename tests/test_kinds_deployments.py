"""Deployments on made-up reports: forces that withdraw from or act in another country."""

from __future__ import annotations

from kg.model import Deployment, Document
from kg.pipeline import extract


def deployments(text: str) -> set[tuple[str, str]]:
    (ex,) = extract([Document(id="t", text=text, date=None)])
    return {
        (ex.entities[f.sender].label, ex.entities[f.host].label)
        for f in ex.facts
        if isinstance(f, Deployment)
    }


def test_troops_pulled_out_of_a_country_were_there():
    assert deployments("The United States pulled its troops out of Syria.") == {
        ("United States", "Syria")
    }


def test_forces_acting_in_a_capital_are_in_its_country():
    assert deployments("French and Malian forces searched houses in Bamako.") == {
        ("France", "Mali")
    }


def test_forces_of_a_country_acting_at_home_are_no_deployment():
    assert deployments("Kenyan forces arrested protesters in Nairobi.") == set()


def test_forces_in_a_figure_of_speech_are_no_deployment():
    assert deployments("Market forces in Japan pushed prices up.") == set()


def test_troops_counted_by_a_word_before_them_are_deployed():
    assert deployments("Thousands of Rwandan troops were deployed to Mozambique.") == {
        ("Rwanda", "Mozambique")
    }


def counted(text: str) -> set[tuple[str, str, int | None]]:
    (ex,) = extract([Document(id="t", text=text, date=None)])
    return {
        (ex.entities[f.sender].label, ex.entities[f.host].label, f.count)
        for f in ex.facts
        if isinstance(f, Deployment)
    }


def test_some_thousands_of_soldiers_stationed_somewhere_are_counted():
    assert counted("Some 5,000 French soldiers are stationed in Chad.") == {
        ("France", "Chad", 5000)
    }


def test_a_contingent_of_a_given_strength_is_counted():
    assert counted("Germany deployed a 300-strong contingent to Lithuania last year.") == {
        ("Germany", "Lithuania", 300)
    }


def test_troops_asked_to_withdraw_are_there_whatever_the_condition():
    text = "The militia will keep fighting unless American troops withdraw from Baghdad."
    assert deployments(text) == {("United States", "Iraq")}


def test_a_country_s_own_troops_that_would_leave_are_there():
    assert deployments("Kenya said its troops would leave Somalia by December.") == {
        ("Kenya", "Somalia")
    }


def test_troops_stationed_where_a_place_is_are_in_its_country():
    text = "The minister flew to Basra in southern Iraq, where British forces are stationed."
    assert deployments(text) == {("United Kingdom", "Iraq")}


def test_forces_of_two_countries_acting_in_one_of_them():
    assert deployments("US and Afghan forces raided houses in Kabul on Monday.") == {
        ("United States", "Afghanistan")
    }


def test_troops_of_two_countries_sent_to_a_third_are_two_deployments():
    assert deployments("Chadian and Nigerien soldiers were deployed to Mali.") == {
        ("Chad", "Mali"),
        ("Niger", "Mali"),
    }


def test_troops_led_by_a_country_are_its_troops():
    assert deployments("US-led troops stationed in Iraq continued their crackdown.") == {
        ("United States", "Iraq")
    }


def test_a_military_presence_is_a_deployment_and_another_presence_is_not():
    assert deployments("The US military presence in Iraq will end next year.") == {
        ("United States", "Iraq")
    }
    assert deployments("The US company said its presence in Iraq is commercial.") == set()


def test_troops_expected_to_stay_somewhere_are_there():
    assert deployments("About 35,000 US troops are expected to stay in Germany.") == {
        ("United States", "Germany")
    }


def test_troops_sent_to_a_border_are_not_in_the_neighbour():
    assert deployments("Russia has deployed 100,000 troops to its border with Ukraine.") == set()


def test_peacekeepers_from_a_country_serving_in_another_are_there():
    assert deployments("Peacekeepers from Ghana serving in Lebanon were attacked.") == {
        ("Ghana", "Lebanon")
    }
