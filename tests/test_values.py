"""Values written are right or refused, checked through ``kg validate`` as a user would: the
shapes refuse what no build writes (a negative troop count, an infinite decimal), keep a year
of five digits as written, and what a build writes from odd numbers in text conforms."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg.cli import main

PREFIXES = """@prefix gk: <https://w3id.org/geokg/ontology#> .
@prefix gkr: <https://w3id.org/geokg/resource/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
COUNTRIES = """gkr:country-a a gk:Country ; rdfs:label "A" ; gk:evidence gkr:ev .
gkr:country-b a gk:Country ; rdfs:label "B" ; gk:evidence gkr:ev .
gkr:ev a gk:Evidence ; gk:document gkr:doc ; gk:sentence "A sentence." ; gk:start 0 ;
    gk:end 11 ; gk:confidence 0.9 .
gkr:doc a gk:Document ; <http://purl.org/dc/terms/identifier> "doc" .
"""


def validate(tmp_path: Path, body: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "g.ttl"
    path.write_text(PREFIXES + COUNTRIES + body, encoding="utf-8")
    code = main(["validate", str(path)])
    return code, capsys.readouterr().out


@pytest.mark.parametrize(
    "body, why",
    [
        (
            "gkr:d a gk:Deployment ; gk:sendingCountry gkr:country-a ; "
            "gk:hostCountry gkr:country-b ; gk:troopCount -500 ; gk:evidence gkr:ev .",
            "troopCount",
        ),
        (
            "gkr:d a gk:Deployment ; gk:sendingCountry gkr:country-a ; "
            'gk:hostCountry gkr:country-b ; gk:troopCount "1e309"^^xsd:integer .',
            "troopCount",
        ),
        (
            'gkr:ag a gk:Agreement ; rdfs:label "T" ; gk:limit gkr:l . gkr:l a gk:Limit ; '
            'gk:quantity "range" ; gk:value "INF"^^xsd:decimal ; '
            "gk:unit <http://qudt.org/vocab/unit/KiloM> . gkr:ag gk:evidence gkr:ev .",
            "gk:value",
        ),
    ],
)
def test_values_no_build_writes_do_not_conform(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, why: str
) -> None:
    code, report = validate(tmp_path, body, capsys)
    assert code == 1
    assert why in report


def test_a_year_of_five_digits_is_kept_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        'gkr:ag a gk:Agreement ; rdfs:label "T" ; gk:signedIn "99999"^^xsd:gYear ; '
        "gk:evidence gkr:ev ."
    )
    code, report = validate(tmp_path, body, capsys)
    assert (code, report.strip()) == (0, "conforms")


@pytest.mark.parametrize("number", ["-500", "1e309", "9" * 310, "minus 40", "0.5", "20,000,000"])
def test_a_build_from_odd_numbers_writes_no_odd_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], number: str
) -> None:
    article = tmp_path / "troops.txt"
    article.write_text(
        f"Troops abroad\n\nGermany has stationed {number} troops in Lithuania, the "
        "defence ministry said on Monday.",
        encoding="utf-8",
    )
    out = tmp_path / "g.trig"
    kg.build([article], out)
    counts = kg.query(
        out,
        "PREFIX gk: <https://w3id.org/geokg/ontology#> "
        "SELECT ?n WHERE { ?d a gk:Deployment ; gk:troopCount ?n }",
    ).rows
    assert counts == []
    assert main(["validate", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "conforms"


def test_a_build_keeps_a_large_count_exactly(tmp_path: Path) -> None:
    article = tmp_path / "troops.txt"
    article.write_text(
        "Troops abroad\n\nThe United States has stationed 1,234,567 troops in Japan, the "
        "Pentagon said.",
        encoding="utf-8",
    )
    graph = kg.build([article]).graph
    rows = graph.query(
        "PREFIX gk: <https://w3id.org/geokg/ontology#> "
        "SELECT ?n WHERE { ?d a gk:Deployment ; gk:troopCount ?n }"
    ).rows
    assert rows == [(1234567,)]
