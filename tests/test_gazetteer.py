"""Tests for the gazetteer data file, its build script and the loader."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kg.gazetteer import DATA_FILE, Gazetteer, parse_partial_date

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO.parent / "shared" / "data" / "gazetteer"
SCRIPT = REPO / "scripts" / "build_gazetteer.py"
needs_sources = pytest.mark.skipif(
    not (SOURCES / "countries.csv").is_file(), reason="../shared gazetteer tables not present"
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _build(out: Path) -> bytes:
    subprocess.run(
        [sys.executable, str(SCRIPT), str(SOURCES), "-o", str(out)],
        check=True,
        capture_output=True,
    )
    return out.read_bytes()


# ------------------------------------------------------------------ generation
@needs_sources
def test_build_is_deterministic_and_matches_shipped_file(tmp_path: Path) -> None:
    first = _build(tmp_path / "a.json")
    second = _build(tmp_path / "b.json")
    assert first == second
    assert first == DATA_FILE.read_bytes(), "kg/data/gazetteer.json is stale: rebuild it"


def test_build_rejects_missing_source_folder(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path / "nowhere"), "-o", str(tmp_path / "g.json")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "nowhere: not a folder of gazetteer tables" in result.stderr


def test_shipped_file_has_one_entry_per_line() -> None:
    lines = DATA_FILE.read_text(encoding="utf-8").splitlines()
    data = json.loads("\n".join(lines))
    entries = sum(len(v) for v in data.values() if isinstance(v, list))
    assert len(lines) == entries + 2 * 4 + 3  # braces, one header and one footer per list, notice


# ------------------------------------------------------------------ licence notice
def test_licence_notice_names_the_licences(gaz: Gazetteer) -> None:
    text = json.dumps(gaz.notice)
    for licence in ("ODbL", "CC BY-SA 4.0", "CC BY 4.0", "MIT", "CC0"):
        assert licence in text
    assert "REIGN" in text and "Archigos" in text and "mledoze/countries" in text
    doc = (REPO / "kg" / "data" / "GAZETTEER-SOURCES.md").read_text(encoding="utf-8")
    for licence in ("ODbL 1.0", "CC BY-SA 4.0", "CC BY 4.0"):
        assert licence in doc


# ------------------------------------------------------------------ countries
def test_load_is_cached_and_complete(gaz: Gazetteer) -> None:
    assert Gazetteer.load() is gaz
    assert len(gaz.countries) == 250
    assert sum(1 for c in gaz.countries if gaz.country_record(c.key)["independent"]) == 194
    assert gaz.entry("Q884").name == "South Korea"
    assert gaz.entry("nonexistent") is None


@pytest.mark.parametrize("surface", ["U.S.", "US", "USA", "America", "American", "Americans"])
def test_united_states_surface_forms(gaz: Gazetteer, surface: str) -> None:
    assert gaz.country_by_name(surface).key == "Q30"


def test_case_sensitive_country_forms(gaz: Gazetteer) -> None:
    assert gaz.country_by_name("us") is None
    assert gaz.lookup("turkey") is None
    assert gaz.lookup("Turkey").key == "Q43"
    assert gaz.country_by_name("united states").key == "Q30"
    assert gaz.country_by_name("Türkiye").name == "Turkey"


def test_korea_forms(gaz: Gazetteer) -> None:
    assert gaz.demonym_country("South Korean").key == "Q884"
    assert gaz.country_by_name("ROK").key == "Q884"
    assert gaz.country_by_name("Republic of Korea").key == "Q884"
    assert gaz.country_by_name("DPRK").key == "Q423"
    assert gaz.country_by_name("Koreans") is None  # shared by both Koreas
    assert gaz.capital_country("Seoul").key == "Q884"
    assert gaz.capital_country("Pyongyang").key == "Q423"


def test_capitals_and_short_names(gaz: Gazetteer) -> None:
    assert gaz.capital_country("Washington").key == "Q30"
    assert gaz.lookup("Seoul").cls == "City"
    assert gaz.lookup("Seoul").country == "Q884"
    assert gaz.capital_country("Kingston").name == "Jamaica"  # not Norfolk Island
    assert gaz.country_by_name("Britain").key == "Q145"
    assert gaz.country_by_name("the Netherlands").key == "Q29999"
    assert gaz.country_by_name("Ivory Coast").key == "Q1008"
    assert gaz.country_by_name("Czech Republic").key == "Q213"


def test_noisy_aliases_dropped(gaz: Gazetteer) -> None:
    for surface in ("Best Korea", "Estados Unidos", "Korea, Republic of", "Deutschland", "Nippon"):
        assert gaz.lookup(surface) is None, surface


def test_iso_codes_are_not_surface_forms(gaz: Gazetteer) -> None:
    forms = {form for form, _ in gaz.surface_forms()}
    for code in ("IN", "IT", "AM", "ME", "DE", "FR", "CN", "KR"):
        assert code not in forms
    assert "US" in forms and "UK" in forms


# ------------------------------------------------------------------ organisations and others
def test_organizations(gaz: Gazetteer) -> None:
    nato = gaz.lookup("NATO")
    assert (nato.wikidata, nato.cls) == ("Q7184", "InternationalOrganization")
    assert gaz.lookup("Nato") is nato
    assert gaz.lookup("WHO").wikidata == "Q7817"
    assert gaz.lookup("who") is None
    assert "WHO" in gaz.lookup("World Health Organization").case_sensitive
    assert gaz.lookup("MTCR").key == "org:missile-technology-control-regime"
    for dropped in ("WA", "AG", "WB"):
        assert gaz.lookup(dropped) is None
    assert gaz.lookup("World Bank").wikidata == "Q7164"


def test_treaties_are_not_organizations(gaz: Gazetteer) -> None:
    for acronym in ("NPT", "CWC", "BTWC"):
        assert gaz.lookup(acronym).cls == "Treaty"
    assert all(o.cls == "InternationalOrganization" for o in gaz.organizations)


def test_government_bodies_and_armed_groups(gaz: Gazetteer) -> None:
    pentagon = gaz.lookup("the Pentagon")
    assert (pentagon.cls, pentagon.country, pentagon.wikidata) == (
        "GovernmentBody",
        "Q30",
        "Q11209",
    )
    assert gaz.lookup("Blue House").country == "Q884"
    assert gaz.lookup("Cheong Wa Dae").name == "Blue House"
    assert gaz.lookup("IRGC").cls == "ArmedForces"
    assert gaz.lookup("ISIL").name == "Islamic State"
    assert gaz.lookup("Hamas").cls == "Organization"


def test_surface_forms_cover_every_entry(gaz: Gazetteer) -> None:
    pairs = list(gaz.surface_forms())
    keys = {entry.key for _, entry in pairs}
    assert {"Q30", "Q7184", "Q8684", "Q22686", "gov:kremlin"} <= keys
    assert ("South Korean", gaz.entry("Q884")) in pairs


# ------------------------------------------------------------------ leaders
def test_trump_in_office_2019(gaz: Gazetteer) -> None:
    day = date(2019, 5, 1)
    heads = gaz.leaders_on(day, "Q30")
    assert [(s.person, s.role) for s in heads] == [("Donald Trump", "president")]
    for surface in ("Trump", "Donald Trump"):
        spell = gaz.leader_by_name(surface, day)
        assert (spell.person, spell.wikidata, spell.country) == ("Donald Trump", "Q22686", "Q30")
        assert (spell.start, spell.end) == (date(2017, 1, 20), date(2021, 1, 20))


def test_clinton_in_1995(gaz: Gazetteer) -> None:
    assert [s.person for s in gaz.leaders_on(date(1995, 1, 1), "Q30")] == ["Bill Clinton"]
    assert gaz.leader_by_name("Trump", date(1995, 1, 1)) is None


def test_bush_depends_on_date(gaz: Gazetteer) -> None:
    assert gaz.leader_by_name("Bush", date(1991, 6, 1)).start == date(1989, 1, 20)
    assert gaz.leader_by_name("Bush", date(2005, 6, 1)).person == "George W. Bush"


def test_shared_surname_in_office_is_ambiguous(gaz: Gazetteer) -> None:
    day = date(2021, 5, 1)
    kims = {s.person for s in gaz.leaders_on(day, "Q423") if s.short == "Kim"}
    assert len(kims) >= 2
    assert gaz.leader_by_name("Kim", day) is None
    assert gaz.leader_by_name("Kim Jong Un", day).wikidata == "Q56226"


def test_family_name_first_short_forms(gaz: Gazetteer) -> None:
    moon = gaz.leader_by_name("Moon", date(2018, 9, 1))
    assert (moon.person, moon.role, moon.country) == ("Moon Jae-in", "president", "Q884")
    assert gaz.leader_by_name("Xi", date(2018, 1, 1)).person == "Xi Jinping"


def test_reign_and_wikidata_spells_merged(gaz: Gazetteer) -> None:
    trump = [s for s in gaz.leaders if s.wikidata == "Q22686"]
    assert len(trump) == 1
    johnson = gaz.leader_by_name("Boris Johnson", date(2020, 1, 1))
    assert (johnson.role, johnson.start) == ("prime minister", date(2019, 7, 24))


def test_roles_normalised(gaz: Gazetteer) -> None:
    roles = {s.role for s in gaz.leaders}
    assert {"president", "prime minister", None} <= roles
    assert not any(r and "reign" in r for r in roles)
    assert {s.role for s in gaz.leaders if s.country == "Q30"} == {"president", None}
    assert gaz.leader_by_name("Liz Truss", date(2022, 10, 1)).role == "prime minister"
    assert gaz.leader_by_name("Olaf Scholz", date(2022, 10, 1)).role == "chancellor"


def test_partial_dates() -> None:
    assert parse_partial_date("2017") == date(2017, 1, 1)
    assert parse_partial_date("2017", end=True) == date(2017, 12, 31)
    assert parse_partial_date("2020-02", end=True) == date(2020, 2, 29)
    assert parse_partial_date(None) is None
    with pytest.raises(ValueError, match="'2017/05'"):
        parse_partial_date("2017/05")


def test_bad_file_gives_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "gaz.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="gaz.json: not valid JSON"):
        Gazetteer.from_file(broken)
    incomplete = tmp_path / "incomplete.json"
    incomplete.write_text('{"countries": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="missing or malformed field 'organizations'"):
        Gazetteer.from_file(incomplete)
