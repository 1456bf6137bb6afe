"""Competency queries, the query runner and its output formats, on the fixture graph."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.sparql import (
    QueryError,
    QueryResult,
    competency_names,
    format_result,
    load_query,
    run_query,
)

FIXTURE = Path(__file__).parent / "fixtures" / "graphs" / "small.trig"
R = "https://w3id.org/geokg/resource/"
S1 = (
    "President Anna Lindqvist of Veloria met Marenian Prime Minister Tomas Brel in Port Alden "
    "on Monday."
)
S2 = "Veloria stations 4,200 troops in Marenia under the alliance between the two countries."
S3 = (
    "The 2009 Alden Missile Accord between Veloria and Marenia limits Marenian missiles to a "
    "range of 300 km and a payload of 500 kg and bans the Storm cruise missile."
)
S4 = "Kestria fired a missile over the Gray Strait on Saturday."
T1 = "Veloria and Marenia began the Iron Tide exercise in the Gray Strait on Monday."
T2 = (
    "Marenia, a member of the Northern Maritime Council since 2001, hosted the drills, Prime "
    "Minister and Foreign Minister Tomas Brel said."
)
T3 = "Veloria also belongs to the Northern Maritime Council."
T4 = "Marenia and Kestria signed the Gray Strait Fisheries Agreement on 2 March 2015."
BREL_POS = R + "position/3063294708826c7a"


@pytest.fixture(scope="module")
def dataset() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


def run(dataset, name: str) -> QueryResult:
    return run_query(dataset, load_query(name))


def test_competency_queries_are_shipped():
    assert competency_names() == [
        "positions",
        "agreements",
        "deployments",
        "memberships",
        "events",
        "evidence",
    ]
    for path in sorted(Path(__file__).parent.parent.joinpath("queries").glob("*.rq")):
        assert path.read_text().startswith("# "), path  # one-line description first


def test_positions(dataset):
    result = run(dataset, "positions")
    assert result.columns == [
        "person",
        "personLabel",
        "role",
        "jurisdiction",
        "jurisdictionLabel",
        "observedOn",
        "position",
    ]
    veloria, marenia = R + "country/veloria", R + "country/marenia"
    brel = R + "person/tomas-brel"
    assert result.rows == [
        (
            R + "person/anna-lindqvist",
            "Anna Lindqvist",
            "president",
            veloria,
            "Veloria",
            "2021-05-04",
            R + "position/8e9c40931842ee57",
        ),
        (brel, "Tomas Brel", "foreign minister", marenia, "Marenia", "2021-06-10", BREL_POS),
        (brel, "Tomas Brel", "prime minister", marenia, "Marenia", "2021-06-10", BREL_POS),
    ]


def test_agreements(dataset):
    result = run(dataset, "agreements")
    assert result.columns == [
        "agreement",
        "agreementLabel",
        "parties",
        "signed",
        "restricted",
        "limits",
        "prohibits",
    ]
    assert result.rows == [
        (
            R + "agreement/alden-missile-accord",
            "Alden Missile Accord",
            "Marenia; Veloria",
            "2009",
            "Marenia",
            "payload 500 kg; range 300 km",
            "Storm cruise missile",
        ),
        (
            R + "agreement/gray-strait-fisheries-agreement",
            "Gray Strait Fisheries Agreement",
            "Kestria; Marenia",
            "2015-03-02",
            None,
            None,
            None,
        ),
    ]


def test_deployments(dataset):
    result = run(dataset, "deployments")
    assert result.columns == [
        "sender",
        "senderLabel",
        "host",
        "hostLabel",
        "troopCount",
        "observedOn",
        "deployment",
    ]
    assert result.rows == [
        (
            R + "country/veloria",
            "Veloria",
            R + "country/marenia",
            "Marenia",
            4200,
            "2021-05-04",
            R + "deployment/02dacdeb5a94e438",
        )
    ]


def test_memberships(dataset):
    result = run(dataset, "memberships")
    council = R + "organization/northern-maritime-council"
    assert result.rows == [
        (
            R + "country/marenia",
            "Marenia",
            council,
            "Northern Maritime Council",
            2001,
            R + "membership/7b62f41ba6e1f404",
        ),
        (
            R + "country/veloria",
            "Veloria",
            council,
            "Northern Maritime Council",
            None,
            R + "membership/dc41c8cfe35450fc",
        ),
    ]


def test_events(dataset):
    result = run(dataset, "events")
    assert result.columns == [
        "event",
        "class",
        "label",
        "name",
        "date",
        "location",
        "locationLabel",
        "agent",
        "agentLabel",
        "participants",
        "targets",
    ]
    assert result.rows == [
        (
            R + "event/d72071cb2a9e1e97",
            "MissileTest",
            "missile test by Kestria",
            None,
            "2021-05-01",
            None,
            None,
            R + "country/kestria",
            "Kestria",
            None,
            "Gray Strait",
        ),
        (
            R + "event/47dcb7d4eb0a53e9",
            "Meeting",
            "meeting of Anna Lindqvist and Tomas Brel",
            None,
            "2021-05-03",
            R + "city/port-alden",
            "Port Alden",
            R + "person/anna-lindqvist",
            "Anna Lindqvist",
            "Tomas Brel",
            None,
        ),
        (
            R + "event/0f88b4951b1a4fc6",
            "MilitaryExercise",
            "Iron Tide exercise",
            "Iron Tide",
            "2021-06-07",
            R + "place/gray-strait",
            "Gray Strait",
            R + "country/veloria",
            "Veloria",
            "Marenia",
            None,
        ),
    ]


def test_evidence(dataset):
    result = run(dataset, "evidence")
    assert result.columns == [
        "fact",
        "kind",
        "document",
        "sentence",
        "start",
        "end",
        "confidence",
    ]
    assert result.rows == [
        (R + "agreement/alden-missile-accord", "Agreement", "doc-1", S3, 187, 349, 0.85),
        (R + "agreement/gray-strait-fisheries-agreement", "Agreement", "doc-2", T4, 269, 348, 0.8),
        (R + "alliance/f55a3d1c13dc263e", "Alliance", "doc-1", S2, 100, 186, 0.75),
        (R + "deployment/02dacdeb5a94e438", "Deployment", "doc-1", S2, 100, 186, 0.9),
        (R + "event/47dcb7d4eb0a53e9", "Meeting", "doc-1", S1, 0, 99, 0.8),
        (R + "membership/7b62f41ba6e1f404", "Membership", "doc-2", T2, 79, 213, 0.9),
        (R + "membership/dc41c8cfe35450fc", "Membership", "doc-2", T3, 214, 268, 0.7),
        (R + "event/0f88b4951b1a4fc6", "MilitaryExercise", "doc-2", T1, 0, 78, 0.9),
        (R + "event/d72071cb2a9e1e97", "MissileTest", "doc-1", S4, 350, 407, 0.85),
        (BREL_POS, "Position", "doc-1", S1, 0, 99, 0.88),
        (BREL_POS, "Position", "doc-2", T2, 79, 213, 0.8),
        (R + "position/8e9c40931842ee57", "Position", "doc-1", S1, 0, 99, 0.92),
    ]


def test_store_and_graph_inputs_give_the_same_answer(dataset):
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    assert run(store, "memberships").rows == run(dataset, "memberships").rows
    graph = rdflib.Graph()  # every document's triples merged into one graph
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    assert run(graph, "deployments").rows == run(dataset, "deployments").rows


def test_load_query_forms(tmp_path):
    by_name = load_query("positions")
    assert by_name == load_query("01-positions")
    assert by_name.startswith("# Who holds which position")
    path = tmp_path / "mine.rq"
    path.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    assert load_query(str(path)) == "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n"
    assert load_query("ASK { ?s ?p ?o }") == "ASK { ?s ?p ?o }"
    with pytest.raises(QueryError, match="missing.rq: query file not found"):
        load_query(str(tmp_path / "missing.rq"))
    with pytest.raises(QueryError, match="'positons': not a SPARQL query nor a known query name"):
        load_query("positons")


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX gk: <https://w3id.org/geokg/ontology#>\n# SELECT in a comment\n"
        "DELETE WHERE { ?s gk:holder ?o }",
        "LOAD <http://example.org/data.ttl>",
        "clear all",
        "DROP GRAPH <http://g>",
        "CREATE GRAPH <http://g>",
    ],
)
def test_update_is_refused(dataset, update):
    with pytest.raises(QueryError, match="SPARQL Update is not allowed: kg query is read-only"):
        run_query(dataset, update)


def test_select_mentioning_insert_is_not_an_update(dataset):
    result = run_query(dataset, 'SELECT ("INSERT" AS ?x) WHERE {}')
    assert result.rows == [("INSERT",)]


def test_malformed_query_names_query_and_position(dataset):
    with pytest.raises(QueryError) as err:
        run_query(dataset, "SELECT ?s WHERE {\n  ?s ?p\n}")
    assert str(err.value).startswith("malformed SPARQL query 'SELECT ?s WHERE {': error at 3:")
    with pytest.raises(QueryError, match=r"malformed SPARQL query broken\.rq: error at 1:"):
        run_query(dataset, "SELEC * {}", name="broken.rq")


def test_ask_and_construct(dataset):
    ask = run_query(dataset, "ASK { ?s a <https://w3id.org/geokg/ontology#Alliance> }")
    assert (ask.kind, ask.columns, ask.rows) == ("ask", ["result"], [(True,)])
    assert format_result(ask, "csv") == "result\ntrue\n"
    construct = run_query(
        dataset,
        "PREFIX gk: <https://w3id.org/geokg/ontology#>\n"
        "CONSTRUCT { ?s gk:troops ?n } WHERE { ?s gk:troopCount ?n }",
    )
    expected = (
        f"<{R}deployment/02dacdeb5a94e438> <https://w3id.org/geokg/ontology#troops> "
        '"4200"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    )
    assert construct.kind == "graph"
    assert format_result(construct, "table") == expected
    assert construct.rows == [
        (R + "deployment/02dacdeb5a94e438", "https://w3id.org/geokg/ontology#troops", 4200)
    ]


SMALL = QueryResult(
    columns=["who", "count", "note"],
    rows=[(R + "country/veloria", 4200, None), ("Tab\there", 0.5, 'say "hi", twice')],
)


def test_format_table():
    assert format_result(SMALL, "table") == (
        "who                  count  note\n"
        "-------------------  -----  ---------------\n"
        "gkr:country/veloria  4200\n"
        'Tab\\there            0.5    say "hi", twice\n'
        "(2 rows)\n"
    )


def test_format_table_cuts_long_cells():
    long = QueryResult(["text"], [("x" * 80,)])
    assert format_result(long, "table", max_width=10).splitlines()[2] == "xxxxxxxxx…"
    assert format_result(long, "table", max_width=None).splitlines()[2] == "x" * 80


def test_format_csv():
    text = format_result(SMALL, "csv")
    assert list(csv.reader(io.StringIO(text))) == [
        ["who", "count", "note"],
        [R + "country/veloria", "4200", ""],
        ["Tab\there", "0.5", 'say "hi", twice'],
    ]


def test_format_tsv():
    assert format_result(SMALL, "tsv") == (
        f'who\tcount\tnote\n{R}country/veloria\t4200\t\nTab\\there\t0.5\tsay "hi", twice\n'
    )


def test_format_json():
    assert json.loads(format_result(SMALL, "json")) == [
        {"who": R + "country/veloria", "count": 4200, "note": None},
        {"who": "Tab\there", "count": 0.5, "note": 'say "hi", twice'},
    ]


def test_unknown_format():
    with pytest.raises(QueryError, match="unknown output format 'xml'"):
        format_result(SMALL, "xml")
