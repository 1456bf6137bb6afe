"""The NetworkX export of the fixture graph, and GraphML written from it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from kg.networkx_export import to_networkx, write_graphml

FIXTURE = Path(__file__).parent / "fixtures" / "graphs" / "small.trig"
R = "https://w3id.org/geokg/resource/"
VELORIA, MARENIA = R + "country/veloria", R + "country/marenia"
ACCORD = R + "agreement/alden-missile-accord"
EXERCISE = R + "event/0f88b4951b1a4fc6"


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    ds = rdflib.Dataset()
    ds.parse(FIXTURE, format="trig")
    return to_networkx(ds)


def edges(g, u, v) -> dict:
    return {k: d for k, d in g.get_edge_data(u, v, default={}).items()}


def test_counts(graph):
    assert graph.number_of_nodes() == 14
    assert graph.number_of_edges() == 21
    assert Counter(d["cls"] for _n, d in graph.nodes(data=True)) == {
        "Country": 3,
        "Person": 2,
        "Organization": 1,
        "City": 1,
        "Place": 1,
        "Agreement": 2,
        "WeaponSystem": 1,
        "Event": 3,
    }
    assert Counter(d["kind"] for *_e, d in graph.edges(data=True)) == {
        "position": 2,
        "deployment": 1,
        "membership": 2,
        "alliance": 2,
        "agreement": 6,
        "event": 8,
    }


def test_entity_attributes(graph):
    assert graph.nodes[MARENIA] == {
        "label": "Marenia",
        "cls": "Country",
        "wikidata": "Q99990002",
        "alt_labels": ["Marenian"],
    }
    assert graph.nodes[R + "organization/northern-maritime-council"]["cls"] == "Organization"
    assert graph.nodes[R + "country/kestria"]["wikidata"] is None


def test_position_edge_keeps_roles_and_both_documents(graph):
    (edge,) = edges(graph, R + "person/tomas-brel", MARENIA).values()
    assert edge["kind"] == "position"
    assert edge["roles"] == ["foreign minister", "prime minister"]
    assert edge["observed_on"] == "2021-06-10"
    assert edge["fact"] == R + "position/3063294708826c7a"
    assert [(e["document"], e["start"], e["end"], e["confidence"]) for e in edge["evidence"]] == [
        ("doc-1", 0, 99, 0.88),
        ("doc-2", 79, 213, 0.8),
    ]


def test_deployment_alliance_and_membership_edges(graph):
    between = edges(graph, VELORIA, MARENIA)
    by_kind = {d["kind"]: d for d in between.values()}
    assert set(by_kind) == {"deployment", "alliance"}
    assert by_kind["deployment"]["troop_count"] == 4200
    assert by_kind["deployment"]["evidence"][0]["sentence"].startswith("Veloria stations 4,200")
    back = [d["kind"] for d in edges(graph, MARENIA, VELORIA).values()]
    assert back == ["alliance"]
    council = R + "organization/northern-maritime-council"
    assert [d["since"] for d in edges(graph, MARENIA, council).values()] == [2001]
    assert [d["since"] for d in edges(graph, VELORIA, council).values()] == [None]


def test_agreement_edges(graph):
    party = edges(graph, VELORIA, ACCORD)["party"]
    assert party["kind"] == "agreement"
    assert party["year"] == 2009
    assert party["restricts"] == [MARENIA]
    assert party["limits"] == [
        {"quantity": "payload", "value": 500.0, "unit": "kg"},
        {"quantity": "range", "value": 300.0, "unit": "km"},
    ]
    assert set(edges(graph, ACCORD, MARENIA)) == {"restricts"}
    assert set(edges(graph, ACCORD, R + "weapon/storm-cruise-missile")) == {"prohibits"}
    fisheries = R + "agreement/gray-strait-fisheries-agreement"
    assert edges(graph, R + "country/kestria", fisheries)["party"]["date"] == "2015-03-02"


def test_events_are_nodes(graph):
    node = graph.nodes[EXERCISE]
    assert node["cls"] == "Event"
    assert node["event_type"] == "MilitaryExercise"
    assert node["label"] == "Iron Tide"  # the named event it refers to
    assert node["named_event"] == R + "event/iron-tide"
    assert node["date"] == "2021-06-07"
    assert node["evidence"][0]["document"] == "doc-2"
    assert R + "event/iron-tide" not in graph  # folded into the happening
    roles = sorted((d["role"], v) for _u, v, d in graph.out_edges(EXERCISE, data=True))
    assert roles == [
        ("agent", VELORIA),
        ("location", R + "place/gray-strait"),
        ("participant", MARENIA),
    ]
    test = R + "event/d72071cb2a9e1e97"
    assert sorted(d["role"] for *_e, d in graph.out_edges(test, data=True)) == ["agent", "target"]


def test_graphml_round_trip(graph, tmp_path):
    path = write_graphml(graph, tmp_path / "small.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == 14
    assert back.number_of_edges() == 21
    assert json.loads(back.nodes[MARENIA]["alt_labels"]) == ["Marenian"]
    assert "wikidata" not in back.nodes[R + "country/kestria"]  # None is left out
    party = back.get_edge_data(VELORIA, ACCORD)["party"]
    assert json.loads(party["limits"])[1] == {"quantity": "range", "value": 300.0, "unit": "km"}
    assert party["year"] == 2009
    evidence = json.loads(back.nodes[EXERCISE]["evidence"])
    assert evidence[0]["sentence"].startswith("Veloria and Marenia began")


def test_package_level_graphml_export(tmp_path):
    import kg
    from kg.graph import KnowledgeGraph

    graph = KnowledgeGraph.load(Path(__file__).parent / "fixtures" / "graphs" / "small.trig")
    out = kg.write_graphml(graph, tmp_path / "small.graphml")
    back = nx.read_graphml(out)
    assert back.number_of_nodes() == graph.to_networkx().number_of_nodes()
