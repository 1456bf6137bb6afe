"""Map one document's :class:`kg.model.Extraction` to RDF (docs/graph-shape.md).

The result is a :class:`~kg.rdf.layout.DocumentPart`: the document's own triples (its node,
its evidence) and its claims about entities and facts, which :mod:`kg.rdf.layout` puts into
the shared descriptions graph. The output is deterministic: the same extraction always gives
the same triples in the same order.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import permutations
from pathlib import Path

import catalogue
from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.model import (
    EVENT_TYPES,
    LIMIT_QUANTITIES,
    AgreementFact,
    Alliance,
    Deployment,
    Document,
    Entity,
    Event,
    Evidence,
    Extraction,
    Fact,
    Membership,
    Position,
)
from kg.rdf.iris import document_iri, entity_iri, evidence_iri, fact_iri, limit_iri, wikidata_iri
from kg.rdf.layout import DocumentPart, assemble, resolve
from kg.rdf.namespaces import DCTERMS, GK, OWL, RDF, RDFS, SKOS, UNIT, XSD
from kg.rdf.terms import Quad, Triple, canonical_decimal

# Fine classes that also carry their contract class.
CONTRACT_SUPERCLASS = {
    "InternationalOrganization": "Organization",
    "GovernmentBody": "Organization",
    "ArmedForces": "Organization",
    "Treaty": "Agreement",
}


DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _load_json(name: str) -> dict:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def role_shortcuts() -> dict[str, URIRef]:
    """Standard role → shortcut property (gk:headOfState / gk:headOfGovernment)."""
    return {
        role: GK[prop]
        for prop, roles in _load_json("role_shortcuts.json").items()
        for role in roles
    }


@lru_cache(maxsize=1)
def unit_iris() -> dict[str, URIRef]:
    """Limit unit of the model ("km", "count", ...) → QUDT unit IRI."""
    return {unit: UNIT[local] for unit, local in _load_json("qudt_units.json").items()}


# --- literals -------------------------------------------------------------------


# Literals that recur (confidences, dates, years) are made once: building an rdflib
# Literal is the largest part of the mapping's cost.


@lru_cache(maxsize=4096)
def decimal_literal(value: float | int | Decimal) -> Literal:
    text = repr(value) if isinstance(value, float) else str(value)
    return Literal(canonical_decimal(text), datatype=XSD.decimal)


@lru_cache(maxsize=16384)  # character offsets, mostly
def integer_literal(value: int) -> Literal:
    return Literal(int(value))  # xsd:integer, lexical form str(value)


@lru_cache(maxsize=4096)  # sentences, names and labels recur within a document
def text_literal(text: str) -> Literal:
    return Literal(text)


@lru_cache(maxsize=1024)
def year_literal(year: int) -> Literal:
    return Literal(f"{int(year):04d}", datatype=XSD.gYear)


@lru_cache(maxsize=4096)
def date_literal(day: dt.date) -> Literal:
    return Literal(day.isoformat(), datatype=XSD.date)


def normalise_role(role: str) -> str:
    return " ".join(role.lower().split())


# --- triple collection ----------------------------------------------------------


class _Triples:
    """The triples of one document, told apart as its own (evidence) and its claims."""

    def __init__(self, doc_iri: URIRef) -> None:
        self._triples: set[Triple] = set()
        self.own: set[Node] = {doc_iri}  # the document node and its evidence nodes

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self._triples.add((s, p, o))

    def part(self, doc_iri: URIRef) -> DocumentPart:
        evidence, claims = [], []
        for t in self._triples:
            (evidence if t[0] in self.own or t[1] == GK.evidence else claims).append(t)
        return DocumentPart(graph=doc_iri, evidence=resolve(evidence), claims=resolve(claims))


# --- mapping ----------------------------------------------------------------------


class _Mapper:
    def __init__(self, extraction: Extraction) -> None:
        self.extraction = extraction
        self.doc = extraction.document
        self.doc_iri = document_iri(self.doc.id)
        self.out = _Triples(self.doc_iri)
        self.iri_by_key = {key: entity_iri(e) for key, e in sorted(extraction.entities.items())}

    def entity(self, key: str) -> Entity:
        try:
            return self.extraction.entities[key]
        except KeyError:
            raise ValueError(
                f"document {self.doc.id!r}: a fact refers to unknown entity key {key!r}"
            ) from None

    def iri(self, key: str | None) -> URIRef | None:
        if key is None:
            return None
        self.entity(key)
        return self.iri_by_key[key]

    def evidence(self, subject: URIRef, ev: Evidence) -> None:
        node = evidence_iri(subject, ev.doc_id, ev.start, ev.end)
        self.out.own.add(node)
        add = self.out.add
        add(subject, GK.evidence, node)
        add(node, RDF.type, GK.Evidence)
        add(node, GK.document, document_iri(ev.doc_id))
        add(node, GK.sentence, text_literal(ev.sentence))
        add(node, GK.start, integer_literal(ev.start))
        add(node, GK.end, integer_literal(ev.end))
        add(node, GK.confidence, decimal_literal(round(ev.confidence, 4)))

    def document(self, doc: Document) -> None:
        add, node = self.out.add, self.doc_iri
        add(node, RDF.type, GK.Document)
        add(node, DCTERMS.identifier, Literal(doc.id))
        add(node, DCTERMS.title, Literal(doc.title) if doc.title else None)
        add(node, DCTERMS.date, date_literal(doc.date) if doc.date else None)
        add(node, DCTERMS.source, Literal(doc.url) if doc.url else None)
        add(node, DCTERMS.publisher, Literal(doc.source) if doc.source else None)
        add(node, DCTERMS.creator, Literal(doc.author) if doc.author else None)

    def entity_triples(self, entity: Entity, fallback: list[Evidence]) -> None:
        evidence = entity.evidence or fallback
        if not evidence:  # neither mentioned nor implied by a fact: nothing to trace it to
            return
        add, node = self.out.add, self.iri_by_key[entity.key]
        add(node, RDF.type, GK[entity.cls])
        if entity.cls in CONTRACT_SUPERCLASS:
            add(node, RDF.type, GK[CONTRACT_SUPERCLASS[entity.cls]])
        add(node, RDFS.label, text_literal(entity.label))
        for alt in sorted(entity.alt_labels - {entity.label}):
            add(node, SKOS.altLabel, text_literal(alt))
        if entity.wikidata:
            add(node, OWL.sameAs, wikidata_iri(entity.wikidata))
        for ev in evidence:
            self.evidence(node, ev)

    # One method per fact kind; each returns False when the fact cannot be emitted.

    def fact(self, fact: Fact) -> None:
        if not fact.evidence:  # nothing asserted that cannot be traced to a sentence
            return
        mapping = _mapping_of(type(fact).__name__)
        if mapping is None:
            raise ValueError(f"document {self.doc.id!r}: unknown fact type {type(fact).__name__}")
        node = mapping.node(self, fact) if mapping.node else fact_iri(fact, self.iri_by_key)
        if mapping.triples(self, fact, node):
            for ev in fact.evidence:
                self.evidence(node, ev)

    def run(self) -> DocumentPart:
        self.document(self.doc)
        for fact in self.extraction.facts:
            self.fact(fact)
        fallback = _fact_evidence_by_key(self.extraction.facts)
        for key, entity in sorted(self.extraction.entities.items()):
            self.entity_triples(entity, fallback.get(key, []))
        return self.out.part(self.doc_iri)


# --- one mapping per fact kind, registered by the fact's class -------------------------

FactMapper = _Mapper  # what a fact mapping is given: IRIs of entities, triples, the document
fact_mappings = catalogue.create("geokg", "fact_mappings", entry_points=True)


@dataclass(frozen=True)
class FactMapping:
    """How one kind of fact becomes triples: ``triples(mapper, fact, node)`` adds them and says
    whether the fact could be emitted; ``node(mapper, fact)`` names its node (default: the
    hash of its identity, ``gkr:{kind}/{hex}``)."""

    triples: Callable[[FactMapper, Fact, URIRef], bool]
    node: Callable[[FactMapper, Fact], URIRef] | None = None


_MAPPINGS: dict[str, FactMapping] = {}


def _mapping_of(name: str) -> FactMapping | None:
    """The registered mapping of a fact class, looked up once (a registry lookup reads the
    installed packages' entry points every time)."""
    mapping = _MAPPINGS.get(name)
    if mapping is None:
        try:
            mapping = _MAPPINGS[name] = fact_mappings.get(name)
        except catalogue.RegistryError:
            return None
    return mapping


def register_fact_mapping(
    fact_class: type[Fact], *, node: Callable[[FactMapper, Fact], URIRef] | None = None
) -> Callable[[Callable], Callable]:
    """Decorator registering the mapping of a fact class (a new kind's module registers its
    own; nothing here needs an edit)."""

    def decorate(func: Callable) -> Callable:
        fact_mappings.register(fact_class.__name__, func=FactMapping(func, node))
        _MAPPINGS.pop(fact_class.__name__, None)
        return func

    return decorate


def _entity_node(m: FactMapper, fact: Fact) -> URIRef:
    """An agreement's node is the agreement entity itself."""
    return m.iri(fact.agreement)  # type: ignore[attr-defined, return-value]


@register_fact_mapping(Position)
def _position(m: FactMapper, fact: Position, node: URIRef) -> bool:
    roles = sorted({normalise_role(r) for r in fact.roles if r.strip()})
    if not roles:
        return False
    add = m.out.add
    holder, jurisdiction = m.iri(fact.holder), m.iri(fact.jurisdiction)
    add(node, RDF.type, GK.Position)
    add(node, GK.holder, holder)
    add(node, GK.jurisdiction, jurisdiction)
    for role in roles:
        add(node, GK.role, text_literal(role))
    observed = fact.observed_on or m.doc.date
    add(node, GK.observedOn, date_literal(observed) if observed else None)
    add(holder, GK.holdsPosition, node)
    if m.entity(fact.jurisdiction).cls == "Country":
        shortcuts = role_shortcuts()
        for role in roles:
            if role in shortcuts:
                add(jurisdiction, shortcuts[role], holder)
    return True


@register_fact_mapping(AgreementFact, node=_entity_node)
def _agreement(m: FactMapper, fact: AgreementFact, node: URIRef) -> bool:
    add, units = m.out.add, unit_iris()
    for party in sorted(fact.parties):
        add(node, GK.party, m.iri(party))
        add(m.iri(party), GK.partyTo, node)
    year = fact.year if fact.year is not None else (fact.date.year if fact.date else None)
    add(node, GK.signedIn, year_literal(year) if year is not None else None)
    add(node, GK.signedOn, date_literal(fact.date) if fact.date else None)
    for country in sorted(fact.restricts):
        add(node, GK.restricts, m.iri(country))
    for weapon in sorted(fact.prohibits):
        add(node, GK.prohibits, m.iri(weapon))
    for limit in fact.limits:
        if limit.quantity not in LIMIT_QUANTITIES:
            raise ValueError(f"document {m.doc.id!r}: unknown limit quantity {limit.quantity!r}")
        if limit.unit not in units:
            raise ValueError(f"document {m.doc.id!r}: unknown limit unit {limit.unit!r}")
        value = decimal_literal(limit.value)
        lim = limit_iri(node, limit.quantity, str(value), units[limit.unit])
        add(node, GK.limit, lim)
        add(lim, RDF.type, GK.Limit)
        add(lim, GK.quantity, text_literal(limit.quantity))
        add(lim, GK.value, value)
        add(lim, GK.unit, units[limit.unit])
    return True


@register_fact_mapping(Deployment)
def _deployment(m: FactMapper, fact: Deployment, node: URIRef) -> bool:
    add = m.out.add
    sender, host = m.iri(fact.sender), m.iri(fact.host)
    add(node, RDF.type, GK.Deployment)
    add(node, GK.sendingCountry, sender)
    add(node, GK.hostCountry, host)
    add(node, GK.troopCount, integer_literal(fact.count) if fact.count is not None else None)
    observed = fact.observed_on or m.doc.date
    add(node, GK.observedOn, date_literal(observed) if observed else None)
    add(sender, GK.stationsTroopsIn, host)
    return True


@register_fact_mapping(Membership)
def _membership(m: FactMapper, fact: Membership, node: URIRef) -> bool:
    add = m.out.add
    member, organization = m.iri(fact.member), m.iri(fact.organization)
    add(node, RDF.type, GK.Membership)
    add(node, GK.member, member)
    add(node, GK.organization, organization)
    add(node, GK.since, year_literal(fact.since) if fact.since is not None else None)
    add(member, GK.memberOf, organization)
    return True


@register_fact_mapping(Alliance)
def _alliance(m: FactMapper, fact: Alliance, node: URIRef) -> bool:
    allies = sorted({m.iri(key) for key in fact.allies})
    if len(allies) < 2:
        return False
    add = m.out.add
    add(node, RDF.type, GK.Alliance)
    for ally in allies:
        add(node, GK.ally, ally)
    for a, b in permutations(allies, 2):
        add(a, GK.alliedWith, b)
    return True


@register_fact_mapping(Event)
def _event(m: FactMapper, fact: Event, node: URIRef) -> bool:
    if fact.type not in EVENT_TYPES:
        raise ValueError(f"document {m.doc.id!r}: unknown event type {fact.type!r}")
    add = m.out.add
    add(node, RDF.type, GK.Event)
    add(node, RDF.type, GK[fact.type])
    add(node, RDFS.label, text_literal(fact.label))
    add(node, GK.agent, m.iri(fact.agent))
    for key in sorted(fact.participants):
        add(node, GK.participant, m.iri(key))
    for key in sorted(fact.targets):
        add(node, GK.target, m.iri(key))
    add(node, GK.location, m.iri(fact.location))
    add(node, GK.date, date_literal(fact.date) if fact.date else None)
    add(node, GK.namedEvent, m.iri(fact.name_entity))
    return True


def _fact_evidence_by_key(facts: list[Fact]) -> dict[str, list[Evidence]]:
    """Evidence of the facts that imply an entity, for entities given no mention of their own."""
    found: dict[str, list[Evidence]] = {}
    for fact in facts:
        for key in fact.entity_keys():
            for ev in fact.evidence:
                if ev not in found.setdefault(key, []):
                    found[key].append(ev)
    return found


def extraction_to_part(extraction: Extraction) -> DocumentPart:
    """What one document contributes to a graph: its own triples and its claims."""
    return _Mapper(extraction).run()


def extraction_to_quads(extraction: Extraction) -> Iterator[Quad]:
    """The quads of a graph of this one document: its graph, and the descriptions graph."""
    return assemble([extraction_to_part(extraction)])
