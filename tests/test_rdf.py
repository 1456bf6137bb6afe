"""The RDF layer: IRIs, mapping, SHACL, graph formats, merging and safe writes."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
import rdflib
from rdflib import Literal, URIRef

from kg.errors import InputError, OutputError
from kg.graph import KnowledgeGraph
from kg.model import (
    AgreementFact,
    Alliance,
    Deployment,
    Document,
    Entity,
    Event,
    Evidence,
    Extraction,
    Limit,
    Membership,
    Position,
)
from kg.rdf import io as rdf_io
from kg.rdf.iris import (
    descriptions_graph,
    document_iri,
    entity_iri,
    evidence_iri,
    fact_iri,
    limit_iri,
    slug,
)
from kg.rdf.mapping import extraction_to_quads
from kg.rdf.namespaces import DCTERMS, GK, GKR, OWL, RDF, RDFS, SKOS, UNIT, WD, XSD

DOC_ID = "test-doc-1"
DESCRIPTIONS = descriptions_graph()
SENTENCES = [
    "President Kim Soo-jin of South Korea met Prime Minister Sato Ken of Japan in Busan on Friday.",
    "Under a 2001 agreement with the United States, South Korea may not build missiles with a "
    "range above 800 km or a payload above 500 kg, and may not field solid-fuel rockets.",
    "About 28,500 American troops are stationed in South Korea, a treaty ally of Washington.",
    "Seoul joined the Missile Technology Control Regime in 2001.",
    "North Korea fired a ballistic missile from near Pyongyang on Thursday.",
    "The president, Kim Soo-jin, called the talks useful.",
]
TEXT = "Allies weigh missile limits\n\n" + " ".join(SENTENCES)


def ev(i: int, confidence: float = 0.9, doc_id: str = DOC_ID, text: str = TEXT) -> Evidence:
    start = text.index(SENTENCES[i])
    return Evidence(doc_id, SENTENCES[i], start, start + len(SENTENCES[i]), confidence)


def sample_extraction(doc_id: str = DOC_ID) -> Extraction:
    """A made-up Korea-like article with one fact of every kind."""

    def e(i: int, confidence: float = 0.9) -> Evidence:
        return ev(i, confidence, doc_id)

    doc = Document(
        id=doc_id,
        text=TEXT,
        title="Allies weigh missile limits",
        date=dt.date(2019, 3, 10),
        author="Jane Roe",
        url="https://example.org/news/1",
        source="Example Wire",
    )
    entities = [
        Entity(
            "Q884",
            "Country",
            "South Korea",
            {"Seoul", "South Korea"},
            "Q884",
            evidence=[e(0), e(1)],
        ),
        Entity("Q17", "Country", "Japan", set(), "Q17", evidence=[e(0)]),
        # No mention of its own: implied by the facts about it.
        Entity("Q30", "Country", "United States", {"Washington", "American"}, "Q30"),
        Entity("Q423", "Country", "North Korea", set(), "Q423", evidence=[e(4)]),
        Entity("kim", "Person", "Kim Soo-jin", set(), evidence=[e(0)]),
        Entity("sato", "Person", "Sato Ken", set(), evidence=[e(0)]),
        Entity(
            "mtcr",
            "InternationalOrganization",
            "Missile Technology Control Regime",
            set(),
            evidence=[e(3)],
        ),
        Entity("guidelines", "Agreement", "missile guidelines", {"agreement"}, evidence=[e(1)]),
        Entity("rocket", "WeaponSystem", "solid-fuel rocket", set(), evidence=[e(1)]),
        Entity("busan", "City", "Busan", set(), evidence=[e(0)]),
        Entity("pyongyang", "City", "Pyongyang", set(), "Q18808", evidence=[e(4)]),
    ]
    facts = [
        Position("kim", "Q884", {"president"}, evidence=[e(0)]),
        Position("kim", "Q884", {"President "}, evidence=[e(5, 0.7)]),  # said twice: one node
        Position("sato", "Q17", {"prime minister"}, evidence=[e(0)]),
        Position("sato", "Q884", set(), evidence=[e(0)]),  # no role: not emitted
        AgreementFact(
            "guidelines",
            parties={"Q30", "Q884"},
            year=2001,
            restricts={"Q884"},
            limits=[Limit("range", 800.0, "km"), Limit("payload", 500, "kg")],
            prohibits={"rocket"},
            evidence=[e(1, 0.8)],
        ),
        Deployment("Q30", "Q884", 28500, evidence=[e(2)]),
        Membership("Q884", "mtcr", since=2001, evidence=[e(3)]),
        Alliance(frozenset({"Q30", "Q884"}), evidence=[e(2, 0.75)]),
        Event(
            "Meeting",
            "meeting of Kim Soo-jin and Sato Ken",
            agent="kim",
            participants={"sato"},
            location="busan",
            date=dt.date(2019, 3, 8),
            evidence=[e(0)],
        ),
        Event(
            "MissileTest",
            "missile test by North Korea",
            agent="Q423",
            location="pyongyang",
            date=dt.date(2019, 3, 7),
            evidence=[e(4)],
        ),
    ]
    return Extraction(doc, {x.key: x for x in entities}, facts)


def sha16(*parts: object) -> str:
    payload = json.dumps(list(parts), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


SK = GKR["country/south-korea"]
US = GKR["country/united-states"]
JP = GKR["country/japan"]
NK = GKR["country/north-korea"]
KIM = GKR["person/kim-soo-jin"]
SATO = GKR["person/sato-ken"]
MTCR = GKR["organization/missile-technology-control-regime"]
GUIDELINES = GKR["agreement/missile-guidelines"]
DOC = GKR["document/test-doc-1"]


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for s, p, o, _ in extraction_to_quads(sample_extraction()):
        g.add((s, p, o))
    return g


@pytest.fixture
def kg() -> KnowledgeGraph:
    graph = KnowledgeGraph()
    graph.add_extraction(sample_extraction())
    return graph


# --- IRIs ---------------------------------------------------------------------------


def test_slug_folds_unicode_and_punctuation() -> None:
    assert slug("Côte d'Ivoire") == "cote-d-ivoire"
    assert slug("  U.S.–Japan  Treaty ") == "u-s-japan-treaty"
    assert slug("Kim Jong-un") == "kim-jong-un"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Владимир Путин", "vladimir-putin"),
        ("Αλέξης Τσίπρας", "alexis-tsipras"),
        ("Æø Ðþ", "aeo-dth"),
        ("Łódź", "lodz"),
        ("Sebastián Piñera", "sebastian-pinera"),
        ("John 习 Smith", "john-xi-smith"),
    ],
)
def test_slug_transliterates_every_script(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_slug_of_a_name_with_nothing_to_transliterate_is_a_stable_hash() -> None:
    assert slug("؟؟") == slug("؟؟")
    assert slug("؟؟").startswith("x") and len(slug("؟؟")) == 11
    assert slug("؟؟") != slug("!!!")
    assert slug("   ") == ""


def test_names_in_any_script_get_readable_distinct_iris() -> None:
    names = [
        "محمد بن سلمان",
        "习近平",
        "नरेंद्र मोदी",
        "Владимир Путин",
        "John 习 Smith",
        "John Smith",
    ]
    iris = [entity_iri(Entity("x", "Person", name)) for name in names]
    assert len(set(iris)) == len(names)
    assert all(str(iri).isascii() for iri in iris)
    # Same label, same IRI; the spelling without accents is the same person.
    assert entity_iri(Entity("a", "Person", "Sebastián Piñera")) == entity_iri(
        Entity("b", "Person", "Sebastian Pinera")
    )


@pytest.mark.parametrize(
    "a, b",
    [
        ("report 1", "Report-1"),
        ("新闻.txt", "报道.txt"),
        ("a/b", "a-b"),
        ("..", "."),
        ("x y", "x%20y"),
    ],
)
def test_document_iris_never_collide(a: str, b: str) -> None:
    assert document_iri(a) != document_iri(b)
    for doc_id in (a, b):
        iri = str(document_iri(doc_id))
        assert iri.isascii() and "/../" not in iri + "/" and not iri.endswith("/.")
        assert unquote(iri.rsplit("/", 1)[1]) == doc_id  # the id is kept exactly


def test_entity_iris_by_class_and_scope() -> None:
    assert entity_iri(Entity("x", "InternationalOrganization", "NATO")) == GKR["organization/nato"]
    assert entity_iri(Entity("x", "Treaty", "New START")) == GKR["agreement/new-start"]
    assert entity_iri(Entity("x", "WeaponSystem", "THAAD")) == GKR["weapon/thaad"]
    scoped = Entity("x", "Agreement", "ceasefire", scope="Doc 7")
    assert entity_iri(scoped) == GKR["agreement/Doc%207/ceasefire"]
    assert document_iri("Doc 7.txt") == GKR["document/Doc%207.txt"]
    with pytest.raises(ValueError, match="unknown class 'Planet'"):
        entity_iri(Entity("x", "Planet", "Mars"))


def test_fact_and_evidence_iris_hash_the_defining_values() -> None:
    iris = {"kim": KIM, "Q884": SK}
    position = Position("kim", "Q884", {"president"})
    assert fact_iri(position, iris) == GKR["position/" + sha16("position", str(KIM), str(SK))]
    # Roles are values of the node, not part of its identity.
    assert fact_iri(Position("kim", "Q884", {"king"}), iris) == fact_iri(position, iris)
    assert evidence_iri(KIM, DOC_ID, 3, 9) == GKR["evidence/" + sha16(str(KIM), DOC_ID, 3, 9)]
    with pytest.raises(ValueError, match="unknown entity key 'nobody'"):
        fact_iri(Position("nobody", "Q884"), iris)


# --- mapping ------------------------------------------------------------------------


def objects(g: rdflib.Graph, s: URIRef, p: URIRef) -> set:
    return set(g.objects(s, p))


def test_a_document_graph_holds_only_the_documents_own_triples() -> None:
    quads = list(extraction_to_quads(sample_extraction()))
    assert {q[3] for q in quads} == {DOC, DESCRIPTIONS}
    assert len(quads) == len(set(quads))
    own = [(s, p, o) for s, p, o, g in quads if g == DOC]
    evidence = {s for s, p, o in own if p == RDF.type and o == GK.Evidence}
    # The document node, its evidence, the links to its evidence: nothing else.
    assert {s for s, p, o in own} - evidence == {DOC} | {s for s, p, o in own if p == GK.evidence}
    assert all(s in evidence or s == DOC or p == GK.evidence for s, p, o in own)
    described = {(s, p, o) for s, p, o, g in quads if g == DESCRIPTIONS}
    assert (SK, RDFS.label, Literal("South Korea")) in described
    assert not any(p in (RDFS.label, RDF.type) and s == SK for s, p, o in own)


def test_mapping_is_deterministic() -> None:
    first = list(extraction_to_quads(sample_extraction()))
    shuffled = sample_extraction()
    shuffled.entities = dict(reversed(list(shuffled.entities.items())))
    shuffled.facts = list(reversed(shuffled.facts))
    assert list(extraction_to_quads(copy.deepcopy(shuffled))) == first


def test_entity_triples(graph: rdflib.Graph) -> None:
    assert objects(graph, SK, RDF.type) == {GK.Country}
    assert objects(graph, SK, RDFS.label) == {Literal("South Korea")}
    assert objects(graph, SK, SKOS.altLabel) == {Literal("Seoul")}
    assert objects(graph, SK, OWL.sameAs) == {WD.Q884}
    assert objects(graph, MTCR, RDF.type) == {GK.InternationalOrganization, GK.Organization}
    assert objects(graph, GKR["city/busan"], RDF.type) == {GK.City}
    assert objects(graph, GKR["weapon/solid-fuel-rocket"], RDF.type) == {GK.WeaponSystem}
    sk_evidence = objects(graph, SK, GK.evidence)
    assert sk_evidence == {evidence_iri(SK, DOC_ID, ev(i).start, ev(i).end) for i in (0, 1)}


def test_entity_without_mention_gets_the_evidence_of_its_facts(graph: rdflib.Graph) -> None:
    sentences = {graph.value(e, GK.sentence) for e in graph.objects(US, GK.evidence)}
    assert sentences == {Literal(SENTENCES[1]), Literal(SENTENCES[2])}
    assert objects(graph, US, SKOS.altLabel) == {Literal("Washington"), Literal("American")}


def test_document_and_evidence_nodes(graph: rdflib.Graph) -> None:
    assert objects(graph, DOC, RDF.type) == {GK.Document}
    assert objects(graph, DOC, DCTERMS.identifier) == {Literal(DOC_ID)}
    assert objects(graph, DOC, DCTERMS.title) == {Literal("Allies weigh missile limits")}
    assert objects(graph, DOC, DCTERMS.date) == {Literal("2019-03-10", datatype=XSD.date)}
    assert objects(graph, DOC, DCTERMS.source) == {Literal("https://example.org/news/1")}
    assert objects(graph, DOC, DCTERMS.creator) == {Literal("Jane Roe")}
    e = ev(3)
    node = evidence_iri(MTCR, DOC_ID, e.start, e.end)
    assert objects(graph, node, RDF.type) == {GK.Evidence}
    assert objects(graph, node, GK.document) == {DOC}
    assert objects(graph, node, GK.sentence) == {Literal(SENTENCES[3])}
    assert objects(graph, node, GK.start) == {Literal(str(e.start), datatype=XSD.integer)}
    assert objects(graph, node, GK.end) == {Literal(str(e.end), datatype=XSD.integer)}
    assert objects(graph, node, GK.confidence) == {Literal("0.9", datatype=XSD.decimal)}


def test_position_node_and_shortcuts(graph: rdflib.Graph) -> None:
    node = GKR["position/" + sha16("position", str(KIM), str(SK))]
    assert set(graph.subjects(RDF.type, GK.Position)) == {
        node,
        GKR["position/" + sha16("position", str(SATO), str(JP))],
    }
    assert objects(graph, node, GK.holder) == {KIM}
    assert objects(graph, node, GK.jurisdiction) == {SK}
    assert objects(graph, node, GK.role) == {Literal("president")}
    assert objects(graph, node, GK.observedOn) == {Literal("2019-03-10", datatype=XSD.date)}
    confidences = {graph.value(e, GK.confidence) for e in graph.objects(node, GK.evidence)}
    assert confidences == {
        Literal("0.9", datatype=XSD.decimal),
        Literal("0.7", datatype=XSD.decimal),
    }
    assert objects(graph, KIM, GK.holdsPosition) == {node}
    assert objects(graph, SK, GK.headOfState) == {KIM}
    assert objects(graph, JP, GK.headOfGovernment) == {SATO}
    assert objects(graph, JP, GK.headOfState) == set()


def test_agreement_node_and_limits(graph: rdflib.Graph) -> None:
    assert objects(graph, GUIDELINES, RDF.type) == {GK.Agreement}
    assert objects(graph, GUIDELINES, GK.party) == {US, SK}
    assert objects(graph, US, GK.partyTo) == {GUIDELINES}
    assert objects(graph, GUIDELINES, GK.signedIn) == {Literal("2001", datatype=XSD.gYear)}
    assert objects(graph, GUIDELINES, GK.signedOn) == set()
    assert objects(graph, GUIDELINES, GK.restricts) == {SK}
    assert objects(graph, GUIDELINES, GK.prohibits) == {GKR["weapon/solid-fuel-rocket"]}
    range_limit = limit_iri(GUIDELINES, "range", "800.0", UNIT.KiloM)
    payload_limit = limit_iri(GUIDELINES, "payload", "500.0", UNIT.KiloGM)
    assert objects(graph, GUIDELINES, GK.limit) == {range_limit, payload_limit}
    assert objects(graph, range_limit, RDF.type) == {GK.Limit}
    assert objects(graph, range_limit, GK.quantity) == {Literal("range")}
    assert objects(graph, range_limit, GK.value) == {Literal("800.0", datatype=XSD.decimal)}
    assert objects(graph, range_limit, GK.unit) == {UNIT.KiloM}
    assert objects(graph, payload_limit, GK.value) == {Literal("500.0", datatype=XSD.decimal)}
    # Mention (0.9) and fact (0.8) share the sentence: one evidence node, highest confidence.
    e = ev(1)
    node = evidence_iri(GUIDELINES, DOC_ID, e.start, e.end)
    assert objects(graph, GUIDELINES, GK.evidence) == {node}
    assert objects(graph, node, GK.confidence) == {Literal("0.9", datatype=XSD.decimal)}


def test_deployment_membership_alliance(graph: rdflib.Graph) -> None:
    dep = GKR["deployment/" + sha16("deployment", str(US), str(SK), 28500)]
    assert objects(graph, dep, RDF.type) == {GK.Deployment}
    assert objects(graph, dep, GK.sendingCountry) == {US}
    assert objects(graph, dep, GK.hostCountry) == {SK}
    assert objects(graph, dep, GK.troopCount) == {Literal("28500", datatype=XSD.integer)}
    assert objects(graph, US, GK.stationsTroopsIn) == {SK}

    mem = GKR["membership/" + sha16("membership", str(SK), str(MTCR))]
    assert objects(graph, mem, GK.member) == {SK}
    assert objects(graph, mem, GK.organization) == {MTCR}
    assert objects(graph, mem, GK.since) == {Literal("2001", datatype=XSD.gYear)}
    assert objects(graph, SK, GK.memberOf) == {MTCR}

    al = GKR["alliance/" + sha16("alliance", sorted([str(US), str(SK)]))]
    assert objects(graph, al, RDF.type) == {GK.Alliance}
    assert objects(graph, al, GK.ally) == {US, SK}
    assert objects(graph, US, GK.alliedWith) == {SK}
    assert objects(graph, SK, GK.alliedWith) == {US}


def test_event_nodes(graph: rdflib.Graph) -> None:
    busan = GKR["city/busan"]
    meeting = GKR[
        "event/" + sha16("event", "Meeting", None, str(KIM), [str(SATO)], str(busan), "2019-03-08")
    ]
    assert objects(graph, meeting, RDF.type) == {GK.Event, GK.Meeting}
    assert objects(graph, meeting, RDFS.label) == {Literal("meeting of Kim Soo-jin and Sato Ken")}
    assert objects(graph, meeting, GK.agent) == {KIM}
    assert objects(graph, meeting, GK.participant) == {SATO}
    assert objects(graph, meeting, GK.location) == {busan}
    assert objects(graph, meeting, GK.date) == {Literal("2019-03-08", datatype=XSD.date)}
    tests = set(graph.subjects(RDF.type, GK.MissileTest))
    assert len(tests) == 1
    (test,) = tests
    assert objects(graph, test, GK.agent) == {NK}
    assert objects(graph, test, GK.location) == {GKR["city/pyongyang"]}


def test_fact_with_unknown_entity_is_an_error() -> None:
    extraction = sample_extraction()
    extraction.facts.append(Deployment("Q30", "atlantis", 5, evidence=[ev(2)]))
    with pytest.raises(ValueError, match="unknown entity key 'atlantis'"):
        list(extraction_to_quads(extraction))


def test_unknown_limit_unit_is_an_error() -> None:
    extraction = sample_extraction()
    extraction.facts.append(
        AgreementFact("guidelines", limits=[Limit("range", 5, "furlong")], evidence=[ev(1)])
    )
    with pytest.raises(ValueError, match="unknown limit unit 'furlong'"):
        list(extraction_to_quads(extraction))


# --- SHACL --------------------------------------------------------------------------


def test_sample_graph_conforms(kg: KnowledgeGraph) -> None:
    conforms, report = kg.validate()
    assert conforms, report


def test_position_without_jurisdiction_does_not_conform(kg: KnowledgeGraph) -> None:
    node = GKR["position/" + sha16("position", str(KIM), str(SK))]
    kg.dataset.graph(DESCRIPTIONS).remove((node, GK.jurisdiction, None))
    conforms, report = kg.validate()
    assert not conforms
    assert "jurisdiction" in report


def test_bad_confidence_does_not_conform(kg: KnowledgeGraph) -> None:
    e = ev(3)
    node = evidence_iri(MTCR, DOC_ID, e.start, e.end)
    g = kg.dataset.graph(DOC)
    g.set((node, GK.confidence, Literal("1.5", datatype=XSD.decimal)))
    conforms, report = kg.validate()
    assert not conforms
    assert "confidence" in report


# --- formats, merging, safe writes ----------------------------------------------------


def quad_set(dataset: rdflib.Dataset) -> set:
    return set(rdf_io.iter_quads(dataset))


def triple_set(dataset: rdflib.Dataset) -> set:
    return {(s, p, o) for s, p, o, _ in rdf_io.iter_quads(dataset)}


@pytest.mark.parametrize(
    "name", ["g.ttl", "g.nt", "g.jsonld", "g.trig", "g.nq", "g.oxigraph", "store"]
)
def test_formats_round_trip(tmp_path: Path, kg: KnowledgeGraph, name: str) -> None:
    out = tmp_path / name
    rdf_io.write_graph(kg.dataset, out)
    back = rdf_io.read_graph(out)
    if name.endswith((".ttl", ".nt", ".jsonld")):
        assert triple_set(back) == triple_set(kg.dataset)
        assert rdf_io.named_graphs(back) == set()
    else:
        assert quad_set(back) == quad_set(kg.dataset)
        assert rdf_io.named_graphs(back) == {DOC, DESCRIPTIONS}
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary left behind


@pytest.mark.parametrize("name", ["g.trig", "g.nq", "g.oxigraph", "g.ttl"])
def test_saving_the_same_document_twice_is_idempotent(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    kg = KnowledgeGraph()
    kg.add_extraction(sample_extraction())
    kg.save(out)
    first = KnowledgeGraph.load(out)
    kg.save(out)
    second = KnowledgeGraph.load(out)
    assert len(second) == len(first) == len(kg)
    assert quad_set(second.dataset) == quad_set(first.dataset)


@pytest.mark.parametrize("name", ["g.trig", "g.nq", "g.oxigraph", "g.ttl", "g.jsonld"])
def test_adding_a_document_keeps_the_first(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    one = KnowledgeGraph()
    one.add_extraction(sample_extraction())
    one.save(out)
    two = KnowledgeGraph()
    two.add_extraction(sample_extraction("test-doc-2"))
    two.save(out)
    merged = KnowledgeGraph.load(out)
    assert merged.documents() == ["test-doc-1", "test-doc-2"]
    assert triple_set(one.dataset) <= triple_set(merged.dataset)
    assert triple_set(two.dataset) <= triple_set(merged.dataset)
    # Same entity, same IRI: South Korea now has evidence in both documents.
    docs = {merged.dataset.value(e, GK.document) for e in merged.dataset.objects(SK, GK.evidence)}
    assert docs == {DOC, GKR["document/test-doc-2"]}
    conforms, report = merged.validate()
    assert conforms, report


@pytest.mark.parametrize("name", ["g.trig", "g.oxigraph"])
def test_rebuilding_a_document_replaces_its_graph(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    kg = KnowledgeGraph()
    kg.add_extraction(sample_extraction())
    kg.save(out)
    smaller = sample_extraction()
    smaller.facts = [f for f in smaller.facts if not isinstance(f, Deployment)]
    rebuilt = KnowledgeGraph()
    rebuilt.add_extraction(smaller)
    rebuilt.save(out)
    back = KnowledgeGraph.load(out)
    assert list(back.dataset.subjects(RDF.type, GK.Deployment)) == []
    assert quad_set(back.dataset) == quad_set(rebuilt.dataset)


def test_add_extraction_twice_replaces_the_document(kg: KnowledgeGraph) -> None:
    before = quad_set(kg.dataset)
    kg.add_extraction(sample_extraction())
    assert quad_set(kg.dataset) == before
    assert kg.documents() == [DOC_ID]


def test_add_extraction_drops_what_a_rebuilt_document_no_longer_says(kg: KnowledgeGraph) -> None:
    smaller = sample_extraction()
    smaller.facts = [f for f in smaller.facts if not isinstance(f, Deployment)]
    kg.add_extraction(smaller)
    assert list(kg.dataset.subjects(RDF.type, GK.Deployment)) == []
    assert list(kg.dataset.objects(US, GK.stationsTroopsIn)) == []


def test_written_files_are_readable_by_others(tmp_path: Path, kg: KnowledgeGraph) -> None:
    umask = os.umask(0)
    os.umask(umask)
    for name, default in (("g.ttl", 0o666), ("g.oxigraph", 0o777)):
        rdf_io.write_graph(kg.dataset, tmp_path / name)
        assert (tmp_path / name).stat().st_mode & 0o777 == default & ~umask


def test_merge_documents_leaves_inputs_unchanged(kg: KnowledgeGraph) -> None:
    other = KnowledgeGraph()
    other.add_extraction(sample_extraction("test-doc-2"))
    before = quad_set(kg.dataset)
    merged = rdf_io.merge_documents(kg.dataset, other.dataset)
    assert quad_set(kg.dataset) == before
    assert rdf_io.named_graphs(merged) == {DOC, GKR["document/test-doc-2"], DESCRIPTIONS}


def test_interrupted_file_write_keeps_the_old_file(
    tmp_path: Path, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "g.ttl"
    rdf_io.write_graph(kg.dataset, out)
    old = out.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rdf_io.ox, "serialize", broken)
    bigger = KnowledgeGraph()
    bigger.add_extraction(sample_extraction("test-doc-2"))
    with pytest.raises(RuntimeError, match="disk full"):
        rdf_io.write_graph(bigger.dataset, out)
    assert out.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]


def test_interrupted_store_write_keeps_the_old_store(
    tmp_path: Path, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "g.oxigraph"
    rdf_io.write_graph(kg.dataset, out)
    calls = {"n": 0}

    def failing(store, quads):
        calls["n"] += 1
        raise RuntimeError("interrupted")

    monkeypatch.setattr(rdf_io.ox.Store, "bulk_extend", failing)
    bigger = KnowledgeGraph()
    bigger.add_extraction(sample_extraction("test-doc-2"))
    with pytest.raises(RuntimeError, match="interrupted"):
        rdf_io.write_graph(bigger.dataset, out)
    monkeypatch.undo()
    assert quad_set(rdf_io.read_graph(out)) == quad_set(kg.dataset)
    assert [p.name for p in tmp_path.iterdir()] == ["g.oxigraph"]


def test_read_errors_name_the_input(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    with pytest.raises(InputError) as info:
        rdf_io.read_graph(missing)
    assert info.value == InputError(str(missing), "no such file")
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(InputError) as info:
        rdf_io.read_graph(broken)
    assert info.value.source == str(broken)
    assert info.value.reason.startswith("not a valid turtle file")
    odd = tmp_path / "graph.xyz"
    odd.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="unknown graph format '.xyz'"):
        rdf_io.read_graph(odd)
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="not an Oxigraph graph store"):
        rdf_io.read_graph(folder)


def test_store_write_refuses_a_foreign_folder(tmp_path: Path, kg: KnowledgeGraph) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "readme.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(OutputError, match="not empty and not an Oxigraph graph store"):
        rdf_io.write_graph(kg.dataset, folder)
    assert [p.name for p in folder.iterdir()] == ["readme.txt"]


def test_knowledge_graph_basics(kg: KnowledgeGraph) -> None:
    assert len(kg) == len(triple_set(kg.dataset))
    assert kg.documents() == [DOC_ID]
    heads = kg.dataset.query("SELECT ?p WHERE { ?c gk:headOfState ?p }", initNs={"gk": GK})
    assert {row[0] for row in heads} == {KIM}
