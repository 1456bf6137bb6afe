"""One description per entity, evidence per document, rebuilds that replace: checked the way a
user would, with the SPARQL they type and the counts they expect, in every output format.

The articles are short ones written for these tests and built through the real pipeline.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import kg
from kg.graph import KnowledgeGraph
from kg.rdf.io import named_graphs
from kg.rdf.iris import descriptions_graph, document_iri

FORMATS = ["g.trig", "g.nq", "g.ttl", "g.nt", "g.jsonld", "g.oxigraph"]
PREFIXES = """PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
ARTICLES = {
    "chile-visit.txt": (
        "Chile and Argentina sign a trade accord\n\n"
        "President Sebastián Piñera of Chile met President Alberto Fernández of Argentina "
        "in Santiago on Monday. Chile is a member of the United Nations."
    ),
    "chile-troops.txt": (
        "Chile sends soldiers abroad\n\n"
        "President Sebastian Pinera of Chile said on Tuesday that 300 Chilean troops are "
        "stationed in Haiti. Chile is a member of the United Nations."
    ),
    "brazil-note.txt": (
        "Brazil at the UN\n\n"
        "Brazil is a member of the United Nations. President Jair Bolsonaro of Brazil "
        "spoke in New York."
    ),
}


def write_articles(folder: Path, articles: dict[str, str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in articles.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_articles(tmp_path_factory.mktemp("articles"), ARTICLES)


def rows(graph: str | Path | KnowledgeGraph, sparql: str) -> list[tuple]:
    return [tuple(row) for row in kg.query(graph, PREFIXES + sparql).rows]


def count(graph: str | Path | KnowledgeGraph, sparql: str) -> int:
    (n,) = rows(graph, sparql)[0]
    return int(n)


@pytest.mark.parametrize("name", FORMATS)
def test_each_entity_is_described_once_whatever_the_number_of_documents(
    tmp_path: Path, articles: list[Path], name: str
) -> None:
    out = tmp_path / name
    kg.build(articles, out)
    # Chile and the United Nations are named by all or several documents.
    chile = rows(
        out,
        'SELECT ?label WHERE { ?c a gk:Country ; rdfs:label ?label . FILTER(?label = "Chile") }',
    )
    assert chile == [("Chile",)]
    un = rows(out, 'SELECT ?o WHERE { ?o a gk:Organization ; rdfs:label "United Nations" }')
    assert len(un) == 1
    plain = count(out, "SELECT (COUNT(*) AS ?n) WHERE { ?e a gk:Country }")
    distinct = count(out, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a gk:Country }")
    assert plain == distinct >= 4  # Chile, Argentina, Haiti, Brazil
    labels = rows(
        out,
        "SELECT ?e (COUNT(?l) AS ?n) WHERE { ?e a ?c ; rdfs:label ?l . "
        "FILTER(?c IN (gk:Country, gk:Person, gk:Organization, gk:City)) } GROUP BY ?e",
    )
    assert labels and all(int(n) == 1 for _, n in labels)
    # The same membership said by three documents is one node with evidence in each.
    members = count(out, "SELECT (COUNT(*) AS ?n) WHERE { ?m a gk:Membership }")
    assert members == count(out, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a gk:Membership }")
    docs = rows(
        out,
        "SELECT DISTINCT ?id WHERE { ?m a gk:Membership ; gk:member ?c ; gk:evidence ?ev . "
        '?c rdfs:label "Chile" . ?ev gk:document/<http://purl.org/dc/terms/identifier> ?id }',
    )
    assert sorted(str(i) for (i,) in docs) == ["chile-troops.txt", "chile-visit.txt"]
    conforms, report = KnowledgeGraph.load(out).validate()
    assert conforms, report


def test_two_spellings_of_a_name_are_one_entity_with_one_canonical_label(
    tmp_path: Path, articles: list[Path]
) -> None:
    out = tmp_path / "g.trig"
    kg.build(articles[:2], out)
    found = rows(
        out,
        "SELECT ?p ?label WHERE { ?p a gk:Person ; rdfs:label ?label . "
        'FILTER(CONTAINS(LCASE(STR(?label)), "pi")) }',
    )
    assert [str(label) for _, label in found] == ["Sebastián Piñera"]
    alt = rows(out, f"SELECT ?alt WHERE {{ <{found[0][0]}> skos:altLabel ?alt }}")
    assert "Sebastian Pinera" in {str(a) for (a,) in alt}
    conforms, report = KnowledgeGraph.load(out).validate()
    assert conforms, report


@pytest.mark.parametrize("name", ["g.trig", "g.ttl"])
def test_the_order_of_building_documents_changes_nothing(
    tmp_path: Path, articles: list[Path], name: str
) -> None:
    outputs = []
    for i, order in enumerate(itertools.permutations(articles)):
        if i % 2:  # three of the six orders are enough
            continue
        out = tmp_path / str(i) / name
        for path in order:  # one document at a time, merged into what is there
            kg.build([path], out)
        outputs.append(out.read_bytes())
    together = tmp_path / "together" / name
    kg.build(articles, together)
    assert all(data == together.read_bytes() for data in outputs)


@pytest.mark.parametrize("name", FORMATS)
def test_rebuilding_an_edited_document_replaces_what_it_said(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "in"
    first = dict(ARTICLES)
    paths = write_articles(folder, first)
    out = tmp_path / name
    kg.build(paths, out)
    troops = "SELECT (COUNT(*) AS ?n) WHERE { ?d a gk:Deployment ; gk:troopCount ?n0 }"
    assert count(out, troops) == 1
    # The article is corrected: no troops in Haiti any more, and a new fact instead.
    (folder / "chile-troops.txt").write_text(
        "Chile and the OAS\n\nPresident Sebastian Pinera of Chile said on Tuesday that Chile "
        "is a member of the Organization of American States.",
        encoding="utf-8",
    )
    kg.build([folder / "chile-troops.txt"], out)
    assert count(out, troops) == 0
    assert count(out, "SELECT (COUNT(*) AS ?n) WHERE { ?s gk:stationsTroopsIn ?h }") == 0
    haiti = 'SELECT (COUNT(*) AS ?n) WHERE { ?e rdfs:label "Haiti" }'
    assert count(out, haiti) == 0  # no document mentions it now
    oas = rows(out, 'SELECT ?o WHERE { ?c rdfs:label "Chile" ; gk:memberOf ?o }')
    assert len(oas) == 2  # the United Nations and the Organization of American States
    assert sorted(KnowledgeGraph.load(out).documents()) == sorted(ARTICLES)
    conforms, report = KnowledgeGraph.load(out).validate()
    assert conforms, report


def test_a_graph_of_one_document_holds_what_it_alone_says(articles: list[Path]) -> None:
    graph = kg.build(articles).graph
    alone = graph.of_document("brazil-note.txt")
    labels = {
        str(label)
        for (label,) in rows(alone, "SELECT ?l WHERE { ?e a gk:Country ; rdfs:label ?l }")
    }
    assert labels == {"Brazil"}
    assert alone.documents() == ["brazil-note.txt"]
    assert named_graphs(alone.dataset) == {descriptions_graph(), document_iri("brazil-note.txt")}


def test_the_size_of_a_graph_counts_each_distinct_triple_once(articles: list[Path]) -> None:
    graph = kg.build(articles).graph
    union = {(s, p, o) for s, p, o, _ in graph.quads()}
    assert len(graph) == len(union) > 0
    assert count(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == len(union)
