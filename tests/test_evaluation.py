"""Scoring a graph against gold (CONTRACT.md §3–4), on made-up gold and hand-written graphs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import InputError
from kg.evaluation import load_gold, load_graph, pr_curve, score, system_facts
from kg.evaluation.normalize import Amount, normalize_name, normalize_role, word_overlap
from kg.rdf.iris import slug
from kg.rdf.namespaces import DCTERMS, GK, GKR, OWL, RDF, RDFS, SKOS, UNIT, WD

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "dev"


@pytest.fixture(scope="module")
def gold():
    return load_gold(FIXTURES / "gold.jsonl")


@pytest.fixture(scope="module")
def graph():
    return load_graph(FIXTURES / "graph.trig")


@pytest.fixture(scope="module")
def report(gold, graph):
    return score(gold, graph)


def counts(report, doc_id: str, kind: str) -> tuple[int, int, int]:
    c = report.documents[doc_id][kind]
    return (c.tp, c.fp, c.fn)


def errors(report, doc_id: str, kind: str) -> set[tuple[str, str]]:
    return {(e.error, e.atom) for e in report.errors if e.doc_id == doc_id and e.kind == kind}


# --- normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S.", "us"),
        ("the U.S.’s", "us"),
        ("Erdoğan", "erdogan"),
        ("People’s Liberation Army", "people liberation army"),
        ("A Treaty", "treaty"),
        ("Moon Jae-in", "moon jae in"),
        ("Export–Import Bank", "export import bank"),
        ("Washington, D.C.", "washington dc"),
        ("“Quds” Force", "quds force"),
        ("Łódź", "lodz"),
        ("St. Louis", "st louis"),
    ],
)
def test_normalize_name(text, expected):
    assert normalize_name(text) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("Foreign Secretary", "foreign minister"),
        ("defense minister", "defence minister"),
        ("Premier", "prime minister"),
        ("deputy premier", "deputy prime minister"),
        ("Home Secretary", "interior minister"),
        ("Chancellor of the Exchequer", "finance minister"),
        ("Minister of Energy", "energy minister"),
        ("minister of the interior", "interior minister"),
        ("Minister of Foreign Affairs", "foreign minister"),
        ("presidential spokesman", "spokesperson"),
        ("Foreign Ministry Spokeswoman", "spokesperson"),
        ("prime minister", "prime minister"),
        ("secretary of state", "secretary of state"),
    ],
)
def test_normalize_role(role, expected):
    assert normalize_role(role) == expected


def test_amounts_compare_across_units_within_two_percent():
    assert Amount.of(500, "kg").close_to(Amount.of(0.5, "t"))
    assert Amount.of(500, "kg").close_to(Amount.of(1102, "lb"))
    assert Amount.of(800, "km").close_to(Amount.of(497, "http://qudt.org/vocab/unit/MI"))
    assert not Amount.of(800, "km").close_to(Amount.of(780, "km"))
    assert not Amount.of(500, "kg").close_to(Amount.of(500, "km"))


def test_word_overlap():
    assert word_overlap("missile guidelines", "Korea-US missile guidelines") == 0.5
    assert word_overlap("nuclear deal", "gas deal") == pytest.approx(1 / 3)


# --- gold files -------------------------------------------------------------------------------


def test_load_gold_reads_records(gold):
    assert [d.id for d in gold][:3] == ["doc-entities", "doc-positions", "doc-deployments"]
    positions = next(d for d in gold if d.id == "doc-positions")
    assert positions.date.isoformat() == "2020-03-05"
    assert [f.optional for f in positions.facts] == [False, False, False, True]
    assert positions.entities[0].name == "Arland"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x", "text": "t", "facts": [{"kind": "rumour"}]}', "kind 'rumour'"),
        ('{"id": "x", "text": "t", "facts": [{"kind": "position", "person": "A"}]}', "'role'"),
        ('{"text": "t"}', "'id' must be a non-empty string"),
        ('{"id": "x", "text": "t", "entities": [{"name": "A", "type": "Ship"}]}', "type 'Ship'"),
        (
            '{"id": "x", "text": "t", "facts": [{"kind": "event", "type": "Meeting", '
            '"date": "July"}]}',
            "not an ISO date",
        ),
    ],
)
def test_load_gold_names_the_bad_line(tmp_path, line, reason):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "ok", "text": "fine"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_gold(path)
    assert info.value.source == f"{path}:3"
    assert reason in info.value.reason


@pytest.mark.parametrize("parties", ['"parties": [], ', ""])
def test_an_agreement_whose_parties_the_text_does_not_give(tmp_path, parties):
    path = tmp_path / "gold.jsonl"
    fact = '{"kind": "agreement", ' + parties + '"name": "Treaty of Ruritania", "year": 1990}'
    path.write_text('{"id": "a", "text": "x", "facts": [' + fact + "]}\n", encoding="utf-8")
    (doc,) = load_gold(path)
    assert doc.facts[0].get("parties") == []
    assert doc.facts[0].get("year") == 1990


def test_load_gold_refuses_duplicate_ids(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="duplicate id 'a'"):
        load_gold(path)


# --- reading the graph ------------------------------------------------------------------------


def test_system_facts_filters_by_best_evidence_in_the_document(graph):
    kept = system_facts(graph, "doc-confidence", min_confidence=0.5)
    assert {f.iri.rsplit("/", 1)[-1]: f.confidence for f in kept.facts} == {"ida": 0.9, "ken": 0.6}
    everything = system_facts(graph, "doc-confidence")
    assert len(everything.facts) == 3
    ken = next(f for f in kept.facts if f.iri.endswith("/ken"))
    assert ken.documents == {"doc-confidence", "other"}
    assert ken.get("role") == ("defense minister",)


def test_system_facts_reads_entities_of_the_document(graph):
    doc = system_facts(graph, "doc-entities")
    us = doc.entities[str(GKR["country/united-states"])]
    assert (us.label, us.qid, us.scored_class, us.in_document) == (
        "America",
        "Q30",
        "Country",
        True,
    )
    pla = doc.entities[str(GKR["organization/pla"])]
    assert pla.scored_class == "Organization"
    assert doc.entities[str(GKR["place/red-sea"])].scored_class is None


def test_load_graph_reads_a_store_like_a_file(tmp_path, gold, report):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store_path = tmp_path / "graph.oxigraph"
    store = pyoxigraph.Store(str(store_path))
    store.load(path=str(FIXTURES / "graph.trig"), format=pyoxigraph.RdfFormat.TRIG)
    store.flush()
    del store
    assert score(gold, load_graph(store_path)).to_json() == report.to_json()


def test_load_graph_refuses_unknown_formats(tmp_path):
    path = tmp_path / "graph.xyz"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="unknown graph format '.xyz'"):
        load_graph(path)
    with pytest.raises(InputError, match="no such graph file"):
        load_graph(tmp_path / "missing.trig")


# --- scoring rules ----------------------------------------------------------------------------


def test_entities_match_by_qid_and_normalised_names(report):
    assert counts(report, "doc-entities", "entities") == (5, 2, 1)
    assert errors(report, "doc-entities", "entities") == {
        ("fp", "entity(atlantis, Country)"),
        ("fp", "entity(united states, Organization)"),
        ("fn", "entity(kazakhstan, Country)"),
    }


def test_positions_roles_alternatives_optional_and_repeats(report):
    assert counts(report, "doc-positions", "position") == (6, 1, 0)
    assert errors(report, "doc-positions", "position") == {
        ("fp", "position(tom vale, role, defence minister)")
    }


def test_deployments_memberships_alliances(report):
    assert counts(report, "doc-deployments", "deployment") == (3, 1, 0)
    assert counts(report, "doc-deployments", "membership") == (1, 1, 0)
    assert counts(report, "doc-deployments", "alliance") == (1, 0, 2)
    assert ("fp", "deployment(corvia, borovia, 300)") in errors(
        report, "doc-deployments", "deployment"
    )


def test_agreements_pairing_units_and_alternatives(report):
    assert counts(report, "doc-agreements", "agreement") == (12, 3, 0)
    assert errors(report, "doc-agreements", "agreement") == {
        ("fp", "agreement(treaty of lorn, limit, warheads, 10)"),
        ("fp", "agreement(dalmia border protocol, party, arland)"),
        ("fp", "agreement(estuary pact, party, corvia)"),
    }


def test_events_pairing_and_agent_participant_rules(report):
    assert counts(report, "doc-events", "event") == (6, 6, 3)
    assert errors(report, "doc-events", "event") == {
        ("fp", "event(MissileTest#1, participant, corvia)"),
        ("fp", "event(Meeting#2, date, 2020-03-05)"),
        ("fn", "event(Meeting#2, date, 2020-03-04)"),
        ("fn", "event(Meeting#2, location, kell)"),
        ("fp", "event(Meeting@v3, actor, mira sol)"),
        ("fp", "event(Meeting@v3, actor, tom vale)"),
        ("fp", "event(MissileTest@v5, agent, corvia)"),
        ("fp", "event(NuclearTest#4, participant, borovia)"),
        ("fn", "event(NuclearTest#4, agent, borovia)"),
    }


def test_shared_node_carries_what_each_document_says(report):
    # The treaty's year is in shared-b's gold only: no false positive in shared-a.
    assert counts(report, "shared-a", "agreement") == (2, 0, 0)
    assert counts(report, "shared-b", "agreement") == (3, 0, 0)
    # Zed Pike's position is shared-b's; Ola Park's is nobody's.
    assert counts(report, "shared-a", "position") == (0, 2, 0)
    assert counts(report, "shared-b", "position") == (2, 0, 0)


def test_min_confidence_filters_facts(gold, graph):
    confidence = [d for d in gold if d.id == "doc-confidence"]
    assert counts(score(confidence, graph), "doc-confidence", "position") == (4, 2, 0)
    assert counts(score(confidence, graph, 0.5), "doc-confidence", "position") == (4, 0, 0)
    assert counts(score(confidence, graph, 0.7), "doc-confidence", "position") == (2, 0, 2)
    assert counts(score(confidence, graph, 0.95), "doc-confidence", "position") == (0, 0, 4)


def test_pr_curve(gold, graph):
    confidence = [d for d in gold if d.id == "doc-confidence"]
    curve = pr_curve(confidence, graph, thresholds=(0.0, 0.5, 0.7))
    assert [(t, round(p, 3), round(r, 3)) for t, p, r, _ in curve] == [
        (0.0, 0.667, 1.0),
        (0.5, 1.0, 1.0),
        (0.7, 1.0, 0.5),
    ]


def test_report_totals_text_and_json(report):
    facts = report.totals["facts"]
    assert (facts.tp, facts.fp, facts.fn) == (40, 16, 5)
    assert report.totals["event"].f1 == pytest.approx(2 * 0.5 * (6 / 9) / (0.5 + 6 / 9))
    data = json.loads(report.to_json())
    assert data["totals"]["agreement"] == {
        "tp": 17,
        "fp": 3,
        "fn": 0,
        "precision": 0.85,
        "recall": 1.0,
        "f1": 0.9189,
    }
    lines = report.to_text().splitlines()
    assert lines[0].split() == ["kind", "tp", "fp", "fn", "P", "R", "F1"]
    assert lines[2].split() == ["position", "12", "5", "0", "0.706", "1.000", "0.828"]
    assert "FP  doc-entities  entity(atlantis, Country)" in report.to_text(verbose=True)


# --- a perfect graph scores 1.0 ---------------------------------------------------------------

SEGMENT = {"Country": "country", "Person": "person", "Organization": "organization"}
SEGMENT |= {"City": "city", "Agreement": "agreement", "Event": "event", "Place": "place"}
UNITS = {"km": "KiloM", "kg": "KiloGM", "t": "TONNE", "mi": "MI", "lb": "LB"}
UNITS |= {"percent": "PERCENT", "count": "NUM"}


def _first(value):
    return value[0] if isinstance(value, list) else value


def perfect_graph(records: list[dict]) -> Dataset:
    """A graph of the contract's shape holding exactly what gold records say."""
    ds = Dataset()
    for record in records:
        doc = GKR[f"document/{record['id']}"]
        g = ds.graph(doc)
        g.add((doc, RDF.type, GK.Document))
        g.add((doc, DCTERMS.identifier, Literal(record["id"])))
        counter = iter(range(10_000))

        def evidence(node, g=g, doc=doc, counter=counter, record=record):
            ev = GKR[f"evidence/{record['id']}/{next(counter)}"]
            g.add((ev, RDF.type, GK.Evidence))
            g.add((ev, GK.document, doc))
            g.add((ev, GK.confidence, Literal("1.0", datatype=XSD.decimal)))
            g.add((node, GK.evidence, ev))

        names: dict[str, URIRef] = {}
        for e in record["entities"]:
            iri = GKR[f"{SEGMENT[e['type']]}/{slug(e['name'])}"]
            g.add((iri, RDF.type, GK[e["type"]]))
            g.add((iri, RDFS.label, Literal(e["name"])))
            for alias in e["aliases"]:
                g.add((iri, SKOS.altLabel, Literal(alias)))
            if e.get("wikidata"):
                g.add((iri, OWL.sameAs, WD[e["wikidata"]]))
            evidence(iri)
            names[e["name"]] = iri
            for alias in e["aliases"]:
                names.setdefault(alias, iri)

        def entity(name, g=g, names=names):
            if name not in names:
                names[name] = GKR[f"place/{slug(name)}"]
                g.add((names[name], RDF.type, GK.Place))
                g.add((names[name], RDFS.label, Literal(name)))
            return names[name]

        for n, f in enumerate(record["facts"]):
            node = GKR[f"{f['kind']}/{record['id']}/{n}"]
            kind = f["kind"]
            if kind == "agreement":
                node = entity(f["name"])
                g.add((node, RDF.type, GK.Agreement))
                for p in f.get("parties") or []:
                    g.add((node, GK.party, entity(p)))
                for r in f.get("restricts") or []:
                    g.add((node, GK.restricts, entity(r)))
                if f.get("year"):
                    g.add((node, GK.signedIn, Literal(str(_first(f["year"])), datatype=XSD.gYear)))
                for i, limit in enumerate(f.get("limits") or []):
                    lim = GKR[f"limit/{record['id']}/{n}/{i}"]
                    g.add((node, GK.limit, lim))
                    g.add((lim, GK.quantity, Literal(limit["quantity"])))
                    g.add((lim, GK.value, Literal(str(limit["value"]), datatype=XSD.decimal)))
                    g.add((lim, GK.unit, UNIT[UNITS[limit["unit"]]]))
            elif kind == "position":
                g.add((node, RDF.type, GK.Position))
                g.add((node, GK.holder, entity(_first(f["person"]))))
                g.add((node, GK.jurisdiction, entity(_first(f["jurisdiction"]))))
                g.add((node, GK.role, Literal(_first(f["role"]))))
            elif kind == "deployment":
                g.add((node, RDF.type, GK.Deployment))
                g.add((node, GK.sendingCountry, entity(_first(f["from"]))))
                g.add((node, GK.hostCountry, entity(_first(f["in"]))))
                if f.get("count") is not None:
                    g.add((node, GK.troopCount, Literal(_first(f["count"]))))
            elif kind == "membership":
                g.add((node, RDF.type, GK.Membership))
                g.add((node, GK.member, entity(_first(f["member"]))))
                g.add((node, GK.organization, entity(_first(f["organization"]))))
            elif kind == "alliance":
                g.add((node, RDF.type, GK.Alliance))
                for ally in f["allies"]:
                    g.add((node, GK.ally, entity(ally)))
            elif kind == "event":
                g.add((node, RDF.type, GK.Event))
                g.add((node, RDF.type, GK[f["type"]]))
                if f.get("agent"):
                    g.add((node, GK.agent, entity(_first(f["agent"]))))
                for p in f.get("participants") or []:
                    g.add((node, GK.participant, entity(p)))
                if f.get("date"):
                    g.add((node, GK.date, Literal(_first(f["date"]), datatype=XSD.date)))
                if f.get("location"):
                    g.add((node, GK.location, entity(_first(f["location"]))))
                if f.get("name"):
                    g.add((node, GK.namedEvent, entity(f["name"])))
            evidence(node)
    # Round trip through TriG, as a built graph would be read.
    return Dataset().parse(data=ds.serialize(format="trig"), format="trig")


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _assert_perfect(records, gold):
    report = score(gold, perfect_graph(records))
    assert report.errors == []
    for kind in ("facts", "entities"):
        assert report.totals[kind].f1 == 1.0, kind


def test_perfect_graph_of_fixture_gold_scores_one(gold):
    _assert_perfect(_records(FIXTURES / "gold.jsonl"), gold)


@pytest.mark.skipif(not DEV.is_dir(), reason="shared dev gold not available")
@pytest.mark.parametrize(
    "name", ["seed.jsonl", "wikinews.jsonl", "broad-tune.jsonl", "broad-check.jsonl"]
)
def test_perfect_graph_of_dev_gold_scores_one(name):
    _assert_perfect(_records(DEV / name), load_gold(DEV / name))
