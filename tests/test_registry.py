"""Fact kinds by registry: extractors are registered with what they provide and require, run
in an order that meets it, can be selected by name, and a new kind (its fact class, its
extractor, its mapping) joins a build without an edit of the core."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import catalogue
import pytest

import kg
from kg.extract.registry import make_extractors, register_extractor, registered
from kg.model import AgreementFact, Evidence, Fact, Limit, Position
from kg.rdf.mapping import register_fact_mapping
from kg.rdf.namespaces import GK, RDF
from kg.resolve.facts import merge_facts

ARTICLE = (
    "Sanctions on Ruritania\n\n"
    "President Emmanuel Macron of France met Chancellor Olaf Scholz of Germany in Paris on "
    "Monday. The European Union imposed sanctions on Russia."
)


def test_the_projects_extractors_are_registered_with_their_needs() -> None:
    specs = registered()
    assert {"position", "agreement", "deployment", "membership", "alliance", "event"} <= set(specs)
    assert specs["position"].requires == ()
    assert "position" in specs["event"].requires
    order = [e.name for e in make_extractors()]
    assert order[0] == "position" and order[-1] == "event"


def test_a_selection_runs_in_an_order_that_meets_every_requirement() -> None:
    order = [
        e.name
        for e in make_extractors(
            ["event", "membership", "position", "agreement", "deployment", "alliance"]
        )
    ]
    assert order.index("position") < order.index("membership") < order.index("event")
    assert [e.name for e in make_extractors(["deployment", "position"])] == [
        "position",
        "deployment",
    ]


def test_a_selection_missing_a_requirement_or_naming_no_extractor_is_refused() -> None:
    with pytest.raises(ValueError, match="'deployment' requires 'position'"):
        make_extractors(["deployment"])
    with pytest.raises(ValueError, match="unknown extractor 'rumour'"):
        make_extractors(["rumour"])


def test_a_build_with_a_selection_gives_only_those_kinds(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    only = kg.build([path], extractors=["position"])
    kinds = {
        str(o).rsplit("#", 1)[1]
        for s, p, o, g in only.graph.quads()
        if p == RDF.type and str(o).startswith(str(GK))
    }
    assert "Position" in kinds and "Meeting" not in kinds
    everything = kg.build([path])
    assert everything.facts > only.facts


def test_a_fact_class_folds_what_a_repeat_adds() -> None:
    ev1, ev2 = Evidence("d", "one", 0, 3, 0.9), Evidence("d", "two", 4, 7, 0.8)
    merged = merge_facts(
        [
            Position("p", "c", {"president"}, evidence=[ev1]),
            Position("p", "c", {"head of state"}, evidence=[ev2, ev1]),
            AgreementFact("t", parties={"a"}, limits=[Limit("range", 500.0, "km")], evidence=[ev1]),
            AgreementFact(
                "t",
                parties={"b"},
                year=1987,
                evidence=[ev2],
                limits=[Limit("range", 500.0, "km"), Limit("range", 5500.0, "km")],
            ),
        ]
    )
    position, agreement = merged
    assert position.roles == {"president", "head of state"} and position.evidence == [ev1, ev2]
    assert agreement.parties == {"a", "b"} and agreement.year == 1987
    assert [lim.value for lim in agreement.limits] == [500.0, 5500.0]


# --- a new kind, added from outside the core ------------------------------------------------


@dataclass
class Sanction(Fact):
    """A made-up kind for the test: who sanctions whom."""

    source: str
    target: str

    def identity(self) -> tuple:
        return ("sanction", self.source, self.target)


class SanctionExtractor:
    def __call__(self, ctx) -> Iterator[Sanction]:
        for token in ctx.doc:
            if token.lemma_ == "impose" and token.text.lower() == "imposed":
                subjects = [c for c in token.children if c.dep_ == "nsubj"]
                objects = [t for t in token.subtree if t.dep_ == "pobj"]
                source = ctx.refer(subjects[0]) if subjects else None
                target = ctx.refer(objects[0]) if objects else None
                if source is not None and target is not None:
                    sent = token.sent
                    yield Sanction(
                        source.key,
                        target.key,
                        evidence=[
                            Evidence(
                                ctx.document.id, sent.text, sent.start_char, sent.end_char, 0.9
                            )
                        ],
                    )


@pytest.fixture
def sanction_kind() -> Iterator[None]:
    register_extractor("sanction", provides=("sanction",))(SanctionExtractor)

    def triples(m, fact: Sanction, node) -> bool:
        m.out.add(node, RDF.type, GK.Interaction)
        m.out.add(node, GK.source, m.iri(fact.source))
        m.out.add(node, GK.target, m.iri(fact.target))
        return True

    register_fact_mapping(Sanction)(triples)
    yield
    catalogue._remove(("geokg", "extractors", "sanction"))
    catalogue._remove(("geokg", "fact_mappings", "Sanction"))


def test_a_new_kind_joins_a_build_without_an_edit_of_the_core(
    tmp_path: Path, sanction_kind: None
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = kg.build([path], extractors=["position", "sanction"])
    rows = result.graph.query(
        "PREFIX gk: <https://w3id.org/geokg/ontology#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?s ?t WHERE { ?i a gk:Interaction ; gk:source/rdfs:label ?s ; "
        "gk:target/rdfs:label ?t ; gk:evidence ?ev }"
    ).rows
    assert rows == [("European Union", "Russia")]


@pytest.fixture
def sanction_edges(sanction_kind: None) -> Iterator[None]:
    from kg.networkx_export import EdgeKind, register_edge_kind

    register_edge_kind(EdgeKind("sanction", "Interaction", "source", "target", "source"))
    yield
    catalogue._remove(("geokg", "edge_kinds", "sanction"))


def test_a_new_kind_joins_the_networkx_view_and_the_drawing(
    tmp_path: Path, sanction_edges: None
) -> None:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    graph = kg.build([path], extractors=["position", "sanction"]).graph
    network = kg.to_networkx(graph)
    edges = [
        (network.nodes[u]["label"], network.nodes[v]["label"])
        for u, v, d in network.edges(data=True)
        if d["kind"] == "sanction"
    ]
    assert edges == [("European Union", "Russia")]
    out = kg.draw(graph, tmp_path / "sanctions.png", kinds=["sanction"])
    assert Path(out).stat().st_size > 0
