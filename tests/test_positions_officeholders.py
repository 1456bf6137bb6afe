"""The officeholder table: linking titled people and the jurisdiction of a bare title."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from positions_helpers import held_with_ids as held
from positions_helpers import run

from kg.resolve import officeholders
from kg.resolve.officeholders import Officeholder, Officeholders, Spell

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "gazetteer"


def _table() -> Officeholders:
    return Officeholders(
        [
            Officeholder(
                "Q1",
                ("Ana Marta Ruiz",),
                (Spell("Minister of Foreign Affairs", "Q100", "2015", "2019"),),
            ),
            Officeholder("Q2", ("Jon Ruiz",), (Spell("Mayor of Eastport", "Q200", "2012", ""),)),
            Officeholder(
                "Q3",
                ("Ana Marta Ruiz",),
                (Spell("Minister of Finance", "Q300", "2020", ""),),
            ),
        ]
    )


def test_a_shared_full_name_goes_to_the_holder_whose_post_fits_the_title():
    table = _table()
    person, conf = table.holder("Ana Marta Ruiz", "foreign minister")
    assert (person.qid, conf) == ("Q1", officeholders.FITTING)
    assert table.jurisdiction(person, "foreign minister") == ("Q100", officeholders.UNIQUE)


def test_a_shared_full_name_without_a_fitting_title_is_the_latest_holder():
    person, conf = _table().holder("Ana Marta Ruiz", None)
    assert (person.qid, conf) == ("Q3", officeholders.LATEST)


def test_a_surname_needs_a_title_that_fits_one_post():
    table = _table()
    assert table.holder("Ruiz", "mayor")[0].qid == "Q2"
    assert table.holder("Ruiz", None) is None
    assert table.holder("Ruiz", "governor") is None


def test_a_post_the_table_does_not_list_gives_no_jurisdiction():
    table = _table()
    person = table.by_qid("Q2")
    assert table.jurisdiction(person, "party leader") is None


def test_undated_title_without_a_country_takes_the_holders_jurisdiction():
    ex = run("Chancellor Gordon Brown will set out his spending plans next week.")
    assert held(ex) == {("Gordon Brown", "Q10648", "chancellor", "United Kingdom")}


def test_a_surname_under_a_fitting_title_links_to_the_officeholder():
    ex = run("President Bush told reporters the talks would go on.")
    assert held(ex) == {("George W. Bush", "Q207", "president", "United States")}


def test_a_title_the_holder_never_held_gets_no_jurisdiction_from_the_table():
    # Gordon Brown held British posts, none of them a mayoralty
    ex = run("Mayor Gordon Brown opened the new bridge.")
    assert held(ex) == set()


@pytest.mark.skipif(not SOURCE.is_dir(), reason="reference data not present")
def test_the_data_file_is_what_the_script_builds(tmp_path):
    out = tmp_path / "officeholders.json.gz"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_officeholders.py"), str(SOURCE), str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == officeholders.DATA_FILE.read_bytes()
    with gzip.open(out, "rt", encoding="utf-8") as f:
        notice = json.load(f)["notice"]
    assert notice["licence"] == "CC0 1.0 (Wikidata data)"


def test_a_bare_ministers_title_in_a_story_about_one_country_is_that_countrys():
    ex = run(
        "Peru will cut fuel taxes, officials said. Energy Minister Tomas Verhoeven Alcantara "
        "told lawmakers in Lima that Peru could not wait."
    )
    assert held(ex) == {("Tomas Verhoeven Alcantara", None, "energy minister", "Peru")}


def test_a_story_about_two_countries_gives_no_jurisdiction_to_a_bare_title():
    ex = run(
        "Peru and Chile signed a fishing accord. Peru and Chile will meet again. Energy "
        "Minister Tomas Verhoeven Alcantara welcomed it."
    )
    assert held(ex) == set()


def test_a_counterpart_does_not_take_the_storys_country():
    ex = run(
        "Peru's foreign minister Rosa Quintanilla Baez met Peru's trade envoys, then spoke "
        "with her counterpart Ingrid Vasquez Moll about Peru."
    )
    assert ("Ingrid Vasquez Moll", None, "foreign minister", "Peru") not in held(ex)


def test_a_middle_initial_still_finds_the_holder_and_a_synonym_fits_the_post():
    from kg.resolve.officeholders import Officeholder, Officeholders, Spell

    post = Spell("Secretary of State for Foreign Affairs", "Q900001", "2001-06-08", "2006-05-05")
    table = Officeholders([Officeholder("Q900002", ("Ana Lima",), (post,))])
    found = table.holder("Ana B. Lima")
    assert found is not None and found[0].qid == "Q900002"
    assert table.holder("Ana B. Lima Costa") is None  # another name, not an initial
    (person, _) = found
    assert person.fitting("foreign minister") == (post,)  # a minister may be a secretary
    assert person.fitting("defence minister") == ()
    assert table.jurisdiction(person, "foreign secretary") == ("Q900001", 0.8)
