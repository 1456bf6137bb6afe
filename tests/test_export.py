"""``kg export``: a store written to every format holds the same graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.cli import main
from kg.rdf.io import read_quads
from kg.rdf.store import TALLIES

ARTICLE = (
    "Troops in Latvia\n\nGermany has stationed 1,000 troops in Latvia, the minister said. "
    "Latvia is a member of NATO."
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    (folder / "latvia.txt").write_text(ARTICLE, encoding="utf-8")
    out = folder / "g.oxigraph"
    kg.build([folder / "latvia.txt"], out)
    return out


def graph_quads(path: Path) -> set:
    return {q for q in read_quads(path) if q[3] != TALLIES}


@pytest.mark.parametrize("suffix", [".trig", ".nq"])
def test_named_graph_exports_hold_the_store_exactly(store: Path, tmp_path: Path, suffix: str):
    out = tmp_path / f"g{suffix}"
    assert main(["export", str(store), "-o", str(out)]) == 0
    assert graph_quads(out) == graph_quads(store)


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld"])
def test_union_exports_hold_the_stores_triples(store: Path, tmp_path: Path, suffix: str):
    out = tmp_path / f"g{suffix}"
    assert main(["export", str(store), "-o", str(out)]) == 0
    assert {q[:3] for q in read_quads(out)} == {q[:3] for q in graph_quads(store)}


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_network_exports_hold_the_entities_and_facts(store: Path, tmp_path: Path, suffix: str):
    out = tmp_path / f"g{suffix}"
    assert main(["export", str(store), "-o", str(out)]) == 0
    read = nx.read_graphml if suffix == ".graphml" else nx.read_gexf
    exported = read(out)
    expected = kg.to_networkx(store)
    assert set(exported.nodes) == set(expected.nodes)
    assert exported.number_of_edges() == expected.number_of_edges() > 0


def test_an_unknown_export_format_is_one_line(store: Path, tmp_path: Path, capsys) -> None:
    assert main(["export", str(store), "-o", str(tmp_path / "g.xlsx")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "unknown export format '.xlsx'" in err[0]
    assert not (tmp_path / "g.xlsx").exists()
