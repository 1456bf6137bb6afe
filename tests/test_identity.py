"""One identity per entity: within a document and across documents."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.model import Document
from kg.pipeline import extract

DAY = dt.date(2019, 5, 14)


@pytest.fixture(scope="module")
def extractions():
    documents = [
        Document(
            id="a",
            date=DAY,
            text=(
                "President Donald Trump spoke by phone with Chancellor Angela Merkel on Monday. "
                "Trump said the talks went well. Smith, a trade adviser, attended."
            ),
        ),
        Document(
            id="b",
            date=DAY,
            text="President Trump met Prime Minister Shinzo Abe in Tokyo. Smith was not there.",
        ),
    ]
    return {e.document.id: e for e in extract(documents, min_confidence=0.0)}


def _people(extraction):
    return {e.label: e for e in extraction.entities.values() if e.cls == "Person"}


def test_surname_and_title_resolve_to_the_full_name(extractions):
    people = _people(extractions["a"])
    assert "Trump" not in people
    assert people["Donald Trump"].wikidata == "Q22686"
    assert "Trump" in people["Donald Trump"].alt_labels


def test_the_same_leader_has_one_key_in_every_document(extractions):
    trump_a = _people(extractions["a"])["Donald Trump"]
    trump_b = _people(extractions["b"])["Donald Trump"]
    assert trump_a.key == trump_b.key == "Q22686"


def test_dated_leader_implies_his_country(extractions):
    positions = [f for f in extractions["b"].facts if type(f).__name__ == "Position"]
    by_holder = {(p.holder, p.jurisdiction) for p in positions}
    assert ("Q22686", "Q30") in by_holder


def test_an_unplaced_surname_is_a_different_person_in_each_story(extractions):
    smith_a = _people(extractions["a"])["Smith"]
    smith_b = _people(extractions["b"])["Smith"]
    assert smith_a.key != smith_b.key
    assert smith_a.scope == "a" and smith_b.scope == "b"
