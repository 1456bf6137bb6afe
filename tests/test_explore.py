"""What the views show: focus resolution, limits with their notice, date filters, the
self-contained page and its data, the notebook view. (The page in a browser:
tests/test_browser.py; timelines: tests/test_timeline.py.)"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from kg.cli import main
from kg.explore import find_node, select, show, write_page
from kg.explore.page import page_html
from kg.explore.select import DrawError, date_span
from kg.networkx_export import to_networkx

FIXTURE = Path(__file__).parent / "fixtures" / "graphs" / "small.trig"
R = "https://w3id.org/geokg/resource/"
EXTERNAL = [
    re.compile(r"""\b(?:src|href|action|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//""", re.I),
    re.compile(r"""url\(\s*["']?\s*(?:https?:)?//""", re.I),
]


@pytest.fixture(scope="module")
def dataset() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


@pytest.fixture(scope="module")
def graph(dataset) -> nx.MultiDiGraph:
    return to_networkx(dataset)


def external_references(text: str) -> list[str]:
    return [m.group(0) for pattern in EXTERNAL for m in pattern.finditer(text)]


def page_json(text: str) -> dict:
    match = re.search(r'<script type="application/json" id="geokg-data">(.*?)</script>', text, re.S)
    assert match
    return json.loads(match.group(1))


def entity(g: nx.MultiDiGraph, iri: str, label: str, cls: str, aliases=()) -> None:
    g.add_node(iri, label=label, cls=cls, alt_labels=list(aliases), wikidata=None)


# -- focus ------------------------------------------------------------------------------


def test_focus_prefers_exact_names_then_countries_people_organisations():
    g = nx.MultiDiGraph()
    entity(g, R + "place/georgia", "Georgia", "Place")
    entity(g, R + "country/georgia", "Georgia", "Country")
    entity(g, R + "city/jordan", "jordan", "City")
    entity(g, R + "person/michael-jordan", "Michael Jordan", "Person", ["Jordan"])
    entity(g, R + "organization/un", "United Nations", "Organization", ["UN"])
    entity(g, R + "place/un", "Un", "Place")
    assert find_node(g, "Georgia") == R + "country/georgia"
    assert find_node(g, "georgia") == R + "country/georgia"
    # An exact alias beats a case-insensitive label; an exact label beats a class.
    assert find_node(g, "Jordan") == R + "person/michael-jordan"
    assert find_node(g, "jordan") == R + "city/jordan"
    assert find_node(g, "UN") == R + "organization/un"
    assert find_node(g, "Un") == R + "place/un"
    assert find_node(g, "un") == R + "organization/un"


def test_ambiguous_focus_lists_every_candidate():
    g = nx.MultiDiGraph()
    entity(g, R + "person/john-smith", "John Smith", "Person")
    entity(g, R + "person/john-smith-2", "John Smith", "Person")
    entity(g, R + "city/john-smith", "John Smith", "City")
    with pytest.raises(DrawError) as info:
        find_node(g, "john smith")
    assert str(info.value) == (
        "ambiguous focus entity 'john smith': 2 entities have this name "
        "(John Smith (person, gkr:person/john-smith); "
        "John Smith (person, gkr:person/john-smith-2)): give one of these IRIs instead"
    )
    assert find_node(g, "gkr:person/john-smith-2") == R + "person/john-smith-2"


# -- limits and notices -----------------------------------------------------------------


def hubs_graph(hubs: int, leaves: int) -> nx.MultiDiGraph:
    """Hub countries, each with its own leaves (hub i has i + 1 leaves), and loners."""
    g = nx.MultiDiGraph()
    for h in range(hubs):
        hub = f"{R}country/h{h}"
        entity(g, hub, f"Hub {h}", "Country")
        for i in range(h + 1):
            leaf = f"{R}person/h{h}-{i}"
            entity(g, leaf, f"Leaf {h}-{i}", "Person")
            g.add_edge(leaf, hub, key=f"p{h}-{i}", kind="position", role="holder", fact=f"p{h}-{i}")
    for i in range(leaves):
        entity(g, f"{R}person/alone-{i}", f"Alone {i}", "Person")
    return g


def test_whole_graph_keeps_the_most_connected_and_says_so():
    g = hubs_graph(60, 2000)
    total = g.number_of_nodes()
    sel = select(g, top=10)
    # The five most connected hubs, each with one partner: no lone dot.
    kept = {d["label"] for _n, d in sel.graph.nodes(data=True)}
    assert kept == {f"Hub {h}" for h in range(55, 60)} | {f"Leaf {h}-0" for h in range(55, 60)}
    assert sel.limited
    in_facts = total - 2000
    assert sel.notice == (
        f"kept the 10 most connected of {total:,} entities ({in_facts:,} take part in a "
        "shown fact); focus on an entity or raise the limit to see others"
    )
    everything = select(g)
    assert everything.graph.number_of_nodes() == in_facts
    assert (
        everything.notice
        == f"kept all {in_facts:,} entities with a fact; 2,000 without one left out"
    )


def test_limit_leaves_out_lone_dots():
    g = nx.MultiDiGraph()
    for name in ("Hub", "Ann", "Bea", "Dan", "Cal", "Zed"):
        entity(g, R + "person/" + name.lower(), name, "Person")
    for i, (u, v) in enumerate([("ann", "hub"), ("bea", "hub"), ("dan", "hub"), ("cal", "zed")]):
        g.add_edge(R + "person/" + u, R + "person/" + v, key=i, kind="alliance", role="ally")
    # Hub comes with Ann, then Bea; Cal would need Zed too, so Dan takes the last place.
    kept = select(g, top=4).graph
    assert sorted(d["label"] for _n, d in kept.nodes(data=True)) == ["Ann", "Bea", "Dan", "Hub"]


def test_focus_keeps_the_nearest_first(graph):
    sel = select(graph, focus="Veloria", depth=2, top=5)
    assert sel.centre == R + "country/veloria"
    assert sel.graph.number_of_nodes() == 5
    assert R + "country/veloria" in sel.graph
    assert sel.notice.startswith("kept the 5 entities within 2 hops of Veloria (the nearest")


def test_date_spans():
    assert [str(d) for d in date_span("2021")] == ["2021-01-01", "2021-12-31"]
    assert [str(d) for d in date_span("2020-02")] == ["2020-02-01", "2020-02-29"]
    assert [str(d) for d in date_span(2009)] == ["2009-01-01", "2009-12-31"]
    assert date_span("soon") is None


def test_since_and_until_filter_dated_facts(graph):
    def kinds_of(sel) -> list[tuple[str, str]]:
        return sorted(
            {(d["kind"], d["fact"].rsplit("/", 1)[-1]) for *_e, d in sel.graph.edges(data=True)}
        )

    may = select(graph, since="2021-05", until="2021-05")
    labels = {d["label"] for _n, d in may.graph.nodes(data=True)}
    # The May events and the May observations stay; June's exercise and the 2015 agreement go.
    assert "Iron Tide" not in labels and "Gray Strait Fisheries Agreement" not in labels
    assert {"missile test by Kestria", "meeting of Anna Lindqvist and Tomas Brel"} <= labels
    # A membership since 2001 still holds in 2021; an undated alliance stays.
    assert ("membership", "7b62f41ba6e1f404") in kinds_of(may)
    assert ("alliance", "f55a3d1c13dc263e") in kinds_of(may)
    assert may.notice.endswith("; only facts dated from 2021-05 until 2021-05")
    before = select(graph, until="2000")
    assert ("membership", "7b62f41ba6e1f404") not in kinds_of(before)
    with pytest.raises(DrawError, match=r"since 'last week': not a date"):
        select(graph, since="last week")


# -- the page -------------------------------------------------------------------------


def test_the_page_is_self_contained(dataset, tmp_path):
    out = write_page(dataset, tmp_path / "graph.html")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert external_references(text) == []
    assert "<script src" not in text and "<link" not in text
    assert "vis-network" in text and "@version 9.1.2" in text  # the bundled script, inlined
    # The checker itself finds what it must.
    assert external_references('<script src="https://x.org/a.js">') != []
    assert external_references("<style>@import url('//x.org/a.css')</style>") != []


def test_page_data_carries_facts_values_and_evidence(dataset):
    data = page_json(page_html(dataset))
    assert len(data["nodes"]) == 14
    # One line for an alliance, not one per direction.
    assert sum(e["kind"] == "alliance" for e in data["edges"]) == 1
    deployment = next(e for e in data["edges"] if e["kind"] == "deployment")
    assert deployment["label"] == "stations 4,200 troops"
    assert deployment["values"] == {"troop_count": 4200, "observed_on": "2021-05-04"}
    accord = next(n for n in data["nodes"] if n["label"] == "Alden Missile Accord")
    assert accord["values"] == {
        "year": 2009,
        "limits": ["payload 500 kg", "range 300 km"],
        "restricts": ["Marenia"],
    }
    evidence = data["facts"][deployment["fact"]]["evidence"]
    assert evidence == [
        {
            "document": "doc-1",
            "sentence": "Veloria stations 4,200 troops in Marenia under the alliance "
            "between the two countries.",
            "confidence": 0.9,
        }
    ]
    assert data["documents"]["doc-1"] == {
        "title": "Veloria and Marenia renew their alliance",
        "date": "2021-05-04",
    }
    marenia = next(n for n in data["nodes"] if n["label"] == "Marenia")
    assert marenia["wikidata"] == "Q99990002" and marenia["aliases"] == ["Marenian"]


def test_markup_in_names_cannot_end_the_data_script():
    g = nx.MultiDiGraph()
    entity(g, R + "person/x", "</script><script>alert(1)</script>", "Person")
    entity(g, R + "country/y", "Y & <b>", "Country")
    g.add_edge(R + "person/x", R + "country/y", key="p", kind="position", role="holder", fact="p")
    text = page_html(g)
    assert "<script>alert(1)" not in text
    assert page_json(text)["nodes"][1]["label"] == "</script><script>alert(1)</script>"


def test_notebook_view_is_an_iframe_of_the_page(dataset):
    view = show(dataset, focus="Kestria", height=500)
    markup = view._repr_html_()
    assert markup.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "height: 500px" in markup
    srcdoc = markup.split('srcdoc="', 1)[1].split('"', 1)[0]
    assert html.unescape(srcdoc) == view.html  # the whole page, escaped once
    assert "Kestria (depth 1): 4 entities" in view.html


# -- the command ------------------------------------------------------------------------


def test_kg_draw_html_says_what_it_kept(tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["draw", str(FIXTURE), "-o", str(out), "--focus", "marenian", "--depth", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "kg draw: kept the 8 entities within 1 hop of Marenia",
        f"kg draw: wrote {out}",
    ]
    assert external_references(out.read_text(encoding="utf-8")) == []


def test_kg_draw_reports_bad_options_in_one_line(tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["draw", str(FIXTURE), "-o", str(out), "--until", "2021-13"]) == 1
    assert capsys.readouterr().err == (
        "kg draw: until '2021-13': not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)\n"
    )
    assert not out.exists()


def test_values_name_entities_outside_the_view(dataset):
    data = page_json(page_html(dataset, focus="Alden Missile Accord", depth=0))
    assert [n["label"] for n in data["nodes"]] == ["Alden Missile Accord"]
    assert data["nodes"][0]["values"]["restricts"] == ["Marenia"]
    nodes = page_json(page_html(dataset, focus="Iron Tide", depth=0))["nodes"]
    event = next(n for n in nodes if n["label"] == "Iron Tide")
    assert event["date"] == "2021-06-07" and "date" not in event["values"]
