"""The six competency queries answer what the gold annotations say each article states.

Every expected row is derived from a gold file, never written down here: one test per
non-optional gold fact of the kinds the queries 1-5 answer, and one evidence test per
document for query 6. Each document is checked on its own graph (its named graph), so a
row of another article cannot stand in for it. Names compare in the contract's normalised
form, against the gold entity's name and aliases; roles in their standard form.

Corpora: the founding article (``../shared/data/dev/seed.jsonl``, skipped when absent) and
the project's own samples (``kg/data/samples_gold.jsonl``, never skipped).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDFS

import kg
from kg.build import SAMPLES, SAMPLES_GOLD
from kg.evaluation import GoldDocument, GoldFact, load_gold
from kg.evaluation.entities import Resolver
from kg.evaluation.normalize import Amount, normalize_name, normalize_role
from kg.evaluation.system import GraphIndex, SystemEntity
from kg.graph import KnowledgeGraph
from kg.ingest import iter_documents
from kg.model import Document
from kg.sparql import QueryResult

# The founding article with its gold, in the reference data beside the repository.
SEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev" / "seed.jsonl"
GK = "https://w3id.org/geokg/ontology#"
# Gold fact kind → the competency query that answers it.
QUERY_OF_KIND = {
    "position": "positions",
    "agreement": "agreements",
    "deployment": "deployments",
    "membership": "memberships",
    "event": "events",
}
# Event classes whose agent and participants are interchangeable (CONTRACT.md §4).
SYMMETRIC_EVENTS = {"Meeting", "PhoneCall", "MilitaryExercise"}
# Columns of each query holding fact nodes (query 6 must give evidence for each).
FACT_COLUMNS = {
    "positions": "position",
    "agreements": "agreement",
    "deployments": "deployment",
    "memberships": "membership",
    "events": "event",
}
ALLIANCES = f"SELECT DISTINCT ?fact WHERE {{ ?fact a <{GK}Alliance> }}"
CONTRACT_EVENTS = {
    "MissileTest",
    "NuclearTest",
    "MilitaryExercise",
    "Meeting",
    "PhoneCall",
    "ArmsSale",
}

# Gold facts the extractor does not find yet (case → what is missing): the check stays as
# strict as the others and is expected to fail, its reason naming the fact, until it is found.
KNOWN_MISSES: dict[str, str] = {
    "samples/baltic-exercise.txt/deployment-6": "Russia's troops in Belarus: no deployment",
    "samples/inf-treaty-suspended.txt/agreement-10": "INF Treaty: no parties, one restricted",
    "samples/inf-treaty-suspended.txt/agreement-12": "New START: parties, year or limits",
    "samples/brahmos-philippines.html/position-0": "Delfin Lorenzana, defence secretary",
    "samples/brahmos-philippines.html/agreement-5": "mutual defence treaty: no parties",
    "samples/brahmos-philippines.html/membership-10": "Philippines in ASEAN",
    "samples/japan-australia-defence/deployment-8": "2,500 US troops in Australia",
    "samples/japan-australia-defence/membership-11": "Japan on the UN Security Council",
    "samples/japan-australia-defence/event-16": "exercise Talisman Sabre and its nations",
    "samples/ecowas-niger-sanctions/membership-13": "Ghana in ECOWAS since 1975",
    "samples/ecowas-niger-sanctions/membership-14": "Senegal in ECOWAS since 1975",
    "samples/ecowas-niger-sanctions/membership-15": "Ivory Coast in ECOWAS",
}


@dataclass(frozen=True)
class Corpus:
    name: str
    gold: Path
    inputs: Path

    @property
    def present(self) -> bool:
        return self.gold.is_file() and self.inputs.exists()


CORPORA = (
    Corpus("seed", SEED, SEED),
    Corpus("samples", SAMPLES_GOLD, SAMPLES),
)


def _label(fact: GoldFact) -> str:
    data = fact.data
    if fact.kind == "position":
        return f"{data['person']}"
    if fact.kind == "agreement":
        return f"{data['name']}"
    if fact.kind == "deployment":
        return f"{data['from']}>{data['in']}"
    if fact.kind == "membership":
        return f"{data['member']}>{data['organization']}"
    actors = _alternatives(data.get("agent")) + list(data.get("participants", []))
    return f"{data['type']}:{'+'.join(actors) or data.get('name', '')}"


def _fact_cases() -> list[Any]:
    cases: list[Any] = []
    for corpus in CORPORA:
        if not corpus.present:
            cases.append(
                pytest.param(
                    corpus.name,
                    "",
                    -1,
                    id=f"{corpus.name}-absent",
                    marks=pytest.mark.skip(reason=f"{corpus.gold} is not present"),
                )
            )
            continue
        for document in load_gold(corpus.gold):
            for index, fact in enumerate(document.facts):
                if fact.optional or fact.kind not in QUERY_OF_KIND:
                    continue
                case = f"{corpus.name}/{document.id}/{fact.kind}-{index}"
                case_id = f"{case}:{_label(fact)}"
                marks = []
                if case in KNOWN_MISSES:
                    reason = f"{KNOWN_MISSES[case]}; missing {_expected(fact)}"
                    marks.append(pytest.mark.xfail(reason=reason, strict=False))
                cases.append(pytest.param(corpus.name, document.id, index, id=case_id, marks=marks))
    return cases


def _document_cases() -> list[Any]:
    cases: list[Any] = []
    for corpus in CORPORA:
        if not corpus.present:
            cases.append(
                pytest.param(
                    corpus.name,
                    "",
                    id=f"{corpus.name}-absent",
                    marks=pytest.mark.skip(reason=f"{corpus.gold} is not present"),
                )
            )
            continue
        cases.extend(
            pytest.param(corpus.name, d.id, id=f"{corpus.name}/{d.id}")
            for d in load_gold(corpus.gold)
        )
    return cases


# --- the built corpora, once per session -----------------------------------------


@dataclass
class BuiltDocument:
    gold: GoldDocument
    document: Document  # as the readers produce it: the text evidence offsets refer to
    graph: KnowledgeGraph  # this document's named graph alone
    resolver: Resolver
    _answers: dict[str, QueryResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        index = GraphIndex(self.graph.dataset)
        self._entities: dict[str, SystemEntity] = {}
        self._by_label: dict[str, list[SystemEntity]] = {}
        for iri, label in index.graph.subject_objects(RDFS.label):
            entity = index.entity(iri, self.gold.id)
            self._entities[str(iri)] = entity
            self._by_label.setdefault(str(label), []).append(entity)

    def answer(self, query: str) -> QueryResult:
        if query not in self._answers:
            self._answers[query] = self.graph.query(query)
        return self._answers[query]

    def rows(self, query: str) -> list[dict[str, Any]]:
        result = self.answer(query)
        return [dict(zip(result.columns, row, strict=True)) for row in result.rows]

    def is_(self, value: Any, gold_names: Iterable[str]) -> bool:
        """Whether a row's entity (its IRI, or its label in a list cell) is one of the gold
        entities named, matched as the scorer does: by QID, label or altLabel against the
        gold entity's name and aliases."""
        if value is None:
            return False
        wanted = {self.resolver.gold_key(name) for name in gold_names}
        value = str(value)
        if value in self._entities:
            entities = [self._entities[value]]
        else:
            entities = self._by_label.get(value, [])
        keys = {self.resolver.system_key(e) for e in entities} | {normalize_name(value)}
        return bool(keys & wanted)

    def has_all(self, cell: Any, gold_names: Iterable[str]) -> bool:
        """Whether a "; "-joined list cell names every gold entity of ``gold_names``."""
        names = _split(cell)
        return all(any(self.is_(name, [gold]) for name in names) for gold in gold_names)


def _document_graph(graph: KnowledgeGraph, doc_id: str) -> KnowledgeGraph:
    return graph.of_document(doc_id)


@pytest.fixture(scope="session")
def built(request: pytest.FixtureRequest):
    """``built(corpus, doc_id)``: a gold document with its reader output and graph."""
    cache: dict[str, dict[str, BuiltDocument]] = {}

    def get(corpus_name: str, doc_id: str) -> BuiltDocument:
        if corpus_name not in cache:
            corpus = next(c for c in CORPORA if c.name == corpus_name)
            if corpus.name == "samples":
                graph = request.getfixturevalue("sample_build").graph
            else:
                graph = kg.build([corpus.inputs]).graph
            documents = {
                d.id: d for d in iter_documents([corpus.inputs]) if isinstance(d, Document)
            }
            cache[corpus_name] = {
                gold.id: BuiltDocument(
                    gold, documents[gold.id], _document_graph(graph, gold.id), Resolver(gold)
                )
                for gold in load_gold(corpus.gold)
            }
        return cache[corpus_name][doc_id]

    return get


# --- matching ------------------------------------------------------------------


def _alternatives(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _split(cell: Any) -> list[str]:
    """A "; "-joined list cell of queries 2 and 5."""
    return [part for part in str(cell).split("; ") if part] if cell else []


def _limits(cell: Any) -> list[tuple[str, Amount]]:
    """Parse "range 800 km; troops 100" (a count has no unit)."""
    limits = []
    for text in _split(cell):
        quantity, value, *unit = text.split(" ")
        limits.append((quantity, Amount.of(float(value), unit[0] if unit else "count")))
    return limits


def _expected(fact: GoldFact) -> str:
    fields = ", ".join(f"{k}={v!r}" for k, v in fact.data.items())
    return f"a row for the gold {fact.kind} ({fields})"


def _matches(fact: GoldFact, row: dict[str, Any], doc: BuiltDocument) -> bool:
    data = fact.data
    if fact.kind == "position":
        roles = {normalize_role(r) for r in _alternatives(data["role"])}
        return (
            doc.is_(row["person"], [data["person"]])
            and doc.is_(row["jurisdiction"], _alternatives(data["jurisdiction"]))
            and normalize_role(str(row["role"])) in roles
        )
    if fact.kind == "agreement":
        if "year" in data and (
            row["signed"] is None or int(str(row["signed"])[:4]) != data["year"]
        ):
            return False
        limits = _limits(row["limits"])
        return (
            doc.has_all(row["parties"], data["parties"])
            and doc.has_all(row["restricted"], data.get("restricts", []))
            and all(
                any(
                    q == limit["quantity"] and a.close_to(Amount.of(limit["value"], limit["unit"]))
                    for q, a in limits
                )
                for limit in data.get("limits", [])
            )
        )
    if fact.kind == "deployment":
        counts = _alternatives(data.get("count"))
        return (
            doc.is_(row["sender"], _alternatives(data["from"]))
            and doc.is_(row["host"], _alternatives(data["in"]))
            and (not counts or row["troopCount"] in counts)
        )
    if fact.kind == "membership":
        return (
            doc.is_(row["member"], [data["member"]])
            and doc.is_(row["organization"], [data["organization"]])
            and ("since" not in data or row["since"] == data["since"])
        )
    # event: its class, its actors, and its name when it is a named one
    if row["class"] != data["type"]:
        return False
    if "name" in data and not (
        doc.is_(row["name"], [data["name"]]) or doc.is_(row["event"], [data["name"]])
    ):
        return False
    agents = _alternatives(data.get("agent"))
    participants = list(data.get("participants", []))
    if data["type"] in SYMMETRIC_EVENTS:
        # agent and participants are interchangeable: all of them are "the actors"
        actors = "; ".join(filter(None, [row["agentLabel"], row["participants"]]))
        return (not agents or any(doc.is_(a, agents) for a in _split(actors))) and doc.has_all(
            actors, participants
        )
    return (not agents or doc.is_(row["agent"], agents)) and doc.has_all(
        row["participants"], participants
    )


# --- the tests -------------------------------------------------------------------


@pytest.mark.parametrize("corpus, doc_id, index", _fact_cases())
def test_gold_fact_is_answered_by_its_competency_query(built, corpus, doc_id, index):
    """Queries 1-5: every non-optional gold position, agreement, deployment, membership
    and event of a document is a row of the query that asks for it."""
    doc = built(corpus, doc_id)
    fact = doc.gold.facts[index]
    query = QUERY_OF_KIND[fact.kind]
    rows = doc.rows(query)
    assert any(_matches(fact, row, doc) for row in rows), (
        f"query {query!r} on {doc_id} lacks {_expected(fact)}; its rows: {rows}"
    )


def _fact_nodes(doc: BuiltDocument) -> set[str]:
    """Fact nodes of queries 1-5 (events of a contract class) and every alliance."""
    facts = {row[0] for row in doc.answer(ALLIANCES).rows}
    for query, column in FACT_COLUMNS.items():
        for row in doc.rows(query):
            if query != "events" or row["class"] in CONTRACT_EVENTS:
                facts.add(row[column])
    return facts


@pytest.mark.parametrize("corpus, doc_id", _document_cases())
def test_every_fact_node_has_its_sentence(built, corpus, doc_id):
    """Query 6: each fact node has evidence in its document: a sentence and a confidence."""
    doc = built(corpus, doc_id)
    facts = _fact_nodes(doc)
    assert facts, f"{doc_id}: no fact at all in the graph"
    evidence = doc.rows("evidence")
    for fact in sorted(facts):
        mine = [e for e in evidence if e["fact"] == fact]
        assert mine, f"query 'evidence' has no row for the fact {fact}"
        for e in mine:
            assert e["document"] == doc_id
            assert isinstance(e["sentence"], str) and e["sentence"].strip()
            assert isinstance(e["confidence"], float) and 0.0 <= e["confidence"] <= 1.0
            assert isinstance(e["start"], int) and isinstance(e["end"], int)


@pytest.mark.parametrize("corpus, doc_id", _document_cases())
def test_evidence_offsets_point_at_the_sentence(built, corpus, doc_id):
    """Query 6: ``text[start:end]`` of the document's text is the evidence sentence."""
    doc = built(corpus, doc_id)
    text = doc.document.text
    facts = _fact_nodes(doc)
    for e in doc.rows("evidence"):
        if e["fact"] in facts:
            assert text[e["start"] : e["end"]] == e["sentence"], (
                f"{e['fact']}: text[{e['start']}:{e['end']}] is not the evidence sentence "
                f"{e['sentence']!r}"
            )


# Facts the article does not state, each one value away from one it does: none may match.
NOT_STATED = [
    ("position", {"person": "Fumio Kishida", "role": "king", "jurisdiction": "Japan"}),
    (
        "position",
        {
            "person": "Fumio Kishida",
            "role": "prime minister",
            "jurisdiction": "Japan Self-Defense Forces",
        },
    ),
    ("deployment", {"from": "United States", "in": "Japan", "count": 54001}),
    ("deployment", {"from": "Japan", "in": "United States", "count": 54000}),
    ("event", {"type": "PhoneCall", "participants": ["Fumio Kishida", "Emmanuel Macron"]}),
]


@pytest.mark.parametrize(
    "kind, data", NOT_STATED, ids=[f"{k}-{i}" for i, (k, _) in enumerate(NOT_STATED)]
)
def test_a_fact_the_article_does_not_state_matches_no_row(built, kind, data):
    doc = built("samples", "japan-australia-defence")
    fact = GoldFact(kind, {"kind": kind, **data})
    rows = doc.rows(QUERY_OF_KIND[kind])
    assert rows, f"query {QUERY_OF_KIND[kind]!r} has no rows to compare with"
    assert not any(_matches(fact, row, doc) for row in rows)
