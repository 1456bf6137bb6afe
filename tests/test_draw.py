"""Relationship diagrams of the fixture graph."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import networkx as nx
import pytest
import rdflib

from kg.drawing import (
    DrawError,
    draw_graph,
    edge_text,
    find_node,
    label_overlaps,
    render_figure,
    select_subgraph,
)
from kg.networkx_export import to_networkx

FIXTURE = Path(__file__).parent / "fixtures" / "graphs" / "small.trig"
R = "https://w3id.org/geokg/resource/"


@pytest.fixture(scope="module")
def dataset() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


@pytest.fixture(scope="module")
def graph(dataset) -> nx.MultiDiGraph:
    return to_networkx(dataset)


def labels(g: nx.MultiDiGraph) -> set[str]:
    return {d["label"] for _n, d in g.nodes(data=True)}


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_draw_writes_each_format(dataset, tmp_path, suffix, magic):
    out = draw_graph(dataset, tmp_path / "sub" / f"diagram{suffix}")
    assert out == tmp_path / "sub" / f"diagram{suffix}"
    data = out.read_bytes()
    assert data.startswith(magic)
    assert len(data) > 5000


def test_drawn_labels(graph):
    fig = render_figure(graph, focus="Anna Lindqvist", depth=1)
    try:
        texts = {t.get_gid(): [] for t in fig.axes[0].texts}
        for t in fig.axes[0].texts:
            texts[t.get_gid()].append(t.get_text())
        assert sorted(texts["node-label"]) == [
            "Anna Lindqvist",
            "Port Alden",
            "Tomas Brel",
            "Veloria",
            "meeting of Anna\nLindqvist and Tomas\nBrel\n(meeting, 2021-05-03)",
        ]
        assert sorted(texts["edge-label"]) == [
            "agent",
            "location",
            "participant",
            "president",
        ]
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert legend == ["city", "country", "event", "person"]
    finally:
        plt.close(fig)


def test_unknown_extension(graph, tmp_path):
    with pytest.raises(DrawError, match=r"diagram\.gif: unknown diagram format '\.gif'"):
        draw_graph(graph, tmp_path / "diagram.gif")
    assert not (tmp_path / "diagram.gif").exists()


def test_find_node_by_label_alt_label_and_iri(graph):
    assert find_node(graph, "veloria") == R + "country/veloria"
    assert find_node(graph, "MARENIAN") == R + "country/marenia"
    assert find_node(graph, "NMC") == R + "organization/northern-maritime-council"
    assert find_node(graph, R + "person/tomas-brel") == R + "person/tomas-brel"
    assert find_node(graph, "gkr:city/port-alden") == R + "city/port-alden"


def test_unknown_focus(graph, tmp_path):
    with pytest.raises(DrawError, match="unknown focus entity 'Atlantis'"):
        draw_graph(graph, tmp_path / "d.png", focus="Atlantis")


def test_focus_depth_one(graph):
    sub = select_subgraph(graph, focus="Veloria", depth=1)
    # The exercise counts as one hop together with all it links.
    assert labels(sub) == {
        "Veloria",
        "Anna Lindqvist",
        "Marenia",
        "Northern Maritime Council",
        "Alden Missile Accord",
        "Iron Tide",
        "Gray Strait",
    }


def test_focus_depth_zero_and_two(graph):
    assert labels(select_subgraph(graph, focus="kestria", depth=0)) == {"Kestria"}
    assert labels(select_subgraph(graph, focus="kestria", depth=1)) == {
        "Kestria",
        "missile test by Kestria",
        "Gray Strait",
        "Gray Strait Fisheries Agreement",
    }
    assert len(select_subgraph(graph, focus="kestria", depth=2)) == 7
    assert len(select_subgraph(graph, focus="kestria", depth=5)) == 14


def test_kinds_filter(graph):
    sub = select_subgraph(graph, kinds=["deployment", "alliance"])
    assert labels(sub) == {"Veloria", "Marenia"}
    assert sorted(d["kind"] for *_e, d in sub.edges(data=True)) == [
        "alliance",
        "alliance",
        "deployment",
    ]
    sub = select_subgraph(graph, focus="Anna Lindqvist", depth=1, kinds=["position"])
    assert labels(sub) == {"Anna Lindqvist", "Veloria"}
    with pytest.raises(DrawError, match="unknown fact kind"):
        select_subgraph(graph, kinds=["friendship"])


def test_edge_texts(graph):
    def text(u: str, v: str, key: str) -> str:
        return edge_text(graph.edges[R + u, R + v, key])

    assert text("country/veloria", "country/marenia", R + "deployment/02dacdeb5a94e438") == (
        "stations 4,200 troops"
    )
    assert text("person/anna-lindqvist", "country/veloria", R + "position/8e9c40931842ee57") == (
        "president"
    )
    council = "organization/northern-maritime-council"
    assert text("country/marenia", council, R + "membership/7b62f41ba6e1f404") == (
        "member since 2001"
    )
    assert text("country/veloria", council, R + "membership/dc41c8cfe35450fc") == "member of"
    assert text("country/veloria", "agreement/alden-missile-accord", "party") == "party to"


@pytest.mark.parametrize(
    "options",
    [{}, {"focus": "Veloria"}, {"kinds": ["event", "position"]}, {"focus": "Kestria", "depth": 2}],
)
def test_no_label_overlaps(graph, options):
    fig = render_figure(graph, **options)
    try:
        assert label_overlaps(fig) == []
        shown = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "node-label"]
        assert len(shown) == len(select_subgraph(graph, **options))
    finally:
        plt.close(fig)


def test_title(graph):
    fig = render_figure(graph, focus="veloria")
    try:
        assert fig.axes[0].get_title() == "Veloria (depth 1): 7 nodes, 7 facts"
    finally:
        plt.close(fig)
    fig = render_figure(graph, title="My diagram")
    try:
        assert fig.axes[0].get_title() == "My diagram"
    finally:
        plt.close(fig)


def test_a_whole_graph_of_thousands_is_cut_to_the_diagram_limit():
    g = nx.MultiDiGraph()
    for i in range(3000):
        g.add_node(f"{R}person/p{i}", label=f"Person {i}", cls="Person", alt_labels=[])
    for c in range(300):
        country = f"{R}country/c{c}"
        g.add_node(country, label=f"Country {c}", cls="Country", alt_labels=[])
        for i in range(c % 7 + 1):
            person = f"{R}person/p{c * 7 + i}"
            g.add_edge(
                person,
                country,
                key=f"p{c}-{i}",
                kind="position",
                role="holder",
                fact=f"p{c}-{i}",
                roles=["minister"],
                evidence=[],
            )
    # 300 countries and 1,197 people in a position (1 to 7 per country); 1,803 people in none.
    notices = []
    fig = render_figure(g, report=notices.append)
    try:
        shown = [t for t in fig.axes[0].texts if t.get_gid() == "node-label"]
        assert len(shown) == 40
        assert notices == [
            "kept the 40 most connected of 3,300 entities (1,497 take part in a shown fact); "
            "focus on an entity or raise the limit to see others"
        ]
        assert fig.axes[0].get_title().endswith(f"({notices[0]})")
    finally:
        plt.close(fig)
