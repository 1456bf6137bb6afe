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
