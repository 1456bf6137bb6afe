"""Map one document's :class:`kg.model.Extraction` to RDF quads (docs/graph-shape.md).

Every quad's graph is the document IRI. The output is deterministic: the same
extraction always gives the same quads in the same order.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from itertools import permutations
from pathlib import Path

from rdflib import BNode, Literal, URIRef
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
from kg.rdf.namespaces import DCTERMS, GK, OWL, RDF, RDFS, SKOS, UNIT, XSD

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, URIRef]

# Fine classes that also carry their contract class.
CONTRACT_SUPERCLASS = {
    "InternationalOrganization": "Organization",
    "GovernmentBody": "Organization",
    "ArmedForces": "Organization",
    "Treaty": "Agreement",
}
# Properties with at most one value per node; on a conflict the smallest value is
# kept (the largest for confidence), so that the output stays valid and deterministic.
SINGLE_VALUED = frozenset(
    {
        RDFS.label,
        GK.holder,
        GK.jurisdiction,
        GK.member,
        GK.organization,
        GK.sendingCountry,
        GK.hostCountry,
        GK.troopCount,
        GK.date,
        GK.signedIn,
        GK.signedOn,
        GK.location,
        GK.since,
        GK.document,
        GK.sentence,
        GK.start,
        GK.end,
        GK.confidence,
        GK.quantity,
        GK.value,
        GK.unit,
    }
)
KEEP_LARGEST = frozenset({GK.confidence})


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


def canonical_decimal(text: str) -> str:
    """XSD 1.0 canonical decimal: "800.0", "0.9" (what Turtle readers and writers keep)."""
    canonical = format(Decimal(text).normalize(), "f")
    return canonical if "." in canonical else canonical + ".0"


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
    """A set of triples that enforces single-valued properties on output."""

    def __init__(self) -> None:
        self._triples: set[Triple] = set()

    def add(self, s: Node, p: Node, o: Node | None) -> None:
        if o is not None:
            self._triples.add((s, p, o))

    def sorted(self) -> list[Triple]:
        groups: dict[tuple[Node, Node], list[Node]] = {}
        for s, p, o in self._triples:
            if p in SINGLE_VALUED:
                groups.setdefault((s, p), []).append(o)
        for (s, p), objects in groups.items():
            if len(objects) < 2:
                continue
            ordered = sorted(objects, key=_sort_key)
            keep = ordered[-1] if p in KEEP_LARGEST else ordered[0]
            for o in objects:
                if o != keep:
                    self._triples.discard((s, p, o))
                    if p == RDFS.label:  # a second name is still a name
                        self._triples.add((s, SKOS.altLabel, o))
        # Subjects and predicates are IRIs here, so this is the order of ``triple_key``.
        return sorted(self._triples, key=lambda t: (str(t[0]), str(t[1]), term_key(t[2])))


def term_key(node: Node) -> tuple[int, str, str, str]:
    """Sort key of an RDF term: IRIs, then blank nodes, then literals (a total order, and much
    cheaper than comparing ``n3()`` forms)."""
    if type(node) is URIRef:
        return (0, str(node), "", "")
    if isinstance(node, Literal):
        return (2, str(node), str(node.datatype or ""), node.language or "")
    return (1 if isinstance(node, BNode) else 0, str(node), "", "")


def triple_key(triple: Triple) -> tuple[tuple[int, str, str, str], ...]:
    """Sort key of a triple: its terms' keys in order."""
    s, p, o = triple
    return (term_key(s), term_key(p), term_key(o))


def _sort_key(node: Node) -> tuple:
    if isinstance(node, Literal) and isinstance(node.value, (int, float, Decimal)):
        return (0, node.value, node.n3())
    return (1, 0, node.n3())


# --- mapping ----------------------------------------------------------------------


class _Mapper:
    def __init__(self, extraction: Extraction) -> None:
        self.extraction = extraction
        self.doc = extraction.document
        self.doc_iri = document_iri(self.doc.id)
        self.out = _Triples()
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

    def position(self, fact: Position, node: URIRef) -> bool:
        roles = sorted({normalise_role(r) for r in fact.roles if r.strip()})
        if not roles:
            return False
        add = self.out.add
        holder, jurisdiction = self.iri(fact.holder), self.iri(fact.jurisdiction)
        add(node, RDF.type, GK.Position)
        add(node, GK.holder, holder)
        add(node, GK.jurisdiction, jurisdiction)
        for role in roles:
            add(node, GK.role, text_literal(role))
        observed = fact.observed_on or self.doc.date
        add(node, GK.observedOn, date_literal(observed) if observed else None)
        add(holder, GK.holdsPosition, node)
        if self.entity(fact.jurisdiction).cls == "Country":
            shortcuts = role_shortcuts()
            for role in roles:
                if role in shortcuts:
                    add(jurisdiction, shortcuts[role], holder)
        return True

    def agreement(self, fact: AgreementFact, node: URIRef) -> bool:
        add, units = self.out.add, unit_iris()
        for party in sorted(fact.parties):
            add(node, GK.party, self.iri(party))
            add(self.iri(party), GK.partyTo, node)
        year = fact.year if fact.year is not None else (fact.date.year if fact.date else None)
        add(node, GK.signedIn, year_literal(year) if year is not None else None)
        add(node, GK.signedOn, date_literal(fact.date) if fact.date else None)
        for country in sorted(fact.restricts):
            add(node, GK.restricts, self.iri(country))
        for weapon in sorted(fact.prohibits):
            add(node, GK.prohibits, self.iri(weapon))
        for limit in fact.limits:
            if limit.quantity not in LIMIT_QUANTITIES:
                raise ValueError(
                    f"document {self.doc.id!r}: unknown limit quantity {limit.quantity!r}"
                )
            if limit.unit not in units:
                raise ValueError(f"document {self.doc.id!r}: unknown limit unit {limit.unit!r}")
            value = decimal_literal(limit.value)
            lim = limit_iri(node, limit.quantity, str(value), units[limit.unit])
            add(node, GK.limit, lim)
            add(lim, RDF.type, GK.Limit)
            add(lim, GK.quantity, text_literal(limit.quantity))
            add(lim, GK.value, value)
            add(lim, GK.unit, units[limit.unit])
        return True

    def deployment(self, fact: Deployment, node: URIRef) -> bool:
        add = self.out.add
        sender, host = self.iri(fact.sender), self.iri(fact.host)
        add(node, RDF.type, GK.Deployment)
        add(node, GK.sendingCountry, sender)
        add(node, GK.hostCountry, host)
        add(node, GK.troopCount, integer_literal(fact.count) if fact.count is not None else None)
        observed = fact.observed_on or self.doc.date
        add(node, GK.observedOn, date_literal(observed) if observed else None)
        add(sender, GK.stationsTroopsIn, host)
        return True

    def membership(self, fact: Membership, node: URIRef) -> bool:
        add = self.out.add
        member, organization = self.iri(fact.member), self.iri(fact.organization)
        add(node, RDF.type, GK.Membership)
        add(node, GK.member, member)
        add(node, GK.organization, organization)
        add(node, GK.since, year_literal(fact.since) if fact.since is not None else None)
        add(member, GK.memberOf, organization)
        return True

    def alliance(self, fact: Alliance, node: URIRef) -> bool:
        allies = sorted({self.iri(key) for key in fact.allies})
        if len(allies) < 2:
            return False
        add = self.out.add
        add(node, RDF.type, GK.Alliance)
        for ally in allies:
            add(node, GK.ally, ally)
        for a, b in permutations(allies, 2):
            add(a, GK.alliedWith, b)
        return True

    def event(self, fact: Event, node: URIRef) -> bool:
        if fact.type not in EVENT_TYPES:
            raise ValueError(f"document {self.doc.id!r}: unknown event type {fact.type!r}")
        add = self.out.add
        add(node, RDF.type, GK.Event)
        add(node, RDF.type, GK[fact.type])
        add(node, RDFS.label, text_literal(fact.label))
        add(node, GK.agent, self.iri(fact.agent))
        for key in sorted(fact.participants):
            add(node, GK.participant, self.iri(key))
        for key in sorted(fact.targets):
            add(node, GK.target, self.iri(key))
        add(node, GK.location, self.iri(fact.location))
        add(node, GK.date, date_literal(fact.date) if fact.date else None)
        add(node, GK.namedEvent, self.iri(fact.name_entity))
        return True

    def fact(self, fact: Fact) -> None:
        if not fact.evidence:  # nothing asserted that cannot be traced to a sentence
            return
        if isinstance(fact, AgreementFact):
            node = self.iri(fact.agreement)
            emitted = self.agreement(fact, node)
        else:
            handler = {
                Position: self.position,
                Deployment: self.deployment,
                Membership: self.membership,
                Alliance: self.alliance,
                Event: self.event,
            }.get(type(fact))
            if handler is None:
                raise ValueError(
                    f"document {self.doc.id!r}: unknown fact type {type(fact).__name__}"
                )
            node = fact_iri(fact, self.iri_by_key)
            emitted = handler(fact, node)
        if emitted:
            for ev in fact.evidence:
                self.evidence(node, ev)

    def run(self) -> list[Triple]:
        self.document(self.doc)
        for fact in self.extraction.facts:
            self.fact(fact)
        fallback = _fact_evidence_by_key(self.extraction.facts)
        for key, entity in sorted(self.extraction.entities.items()):
            self.entity_triples(entity, fallback.get(key, []))
        return self.out.sorted()


def _fact_keys(fact: Fact) -> set[str]:
    """Entity keys a fact refers to."""
    if isinstance(fact, Position):
        keys = {fact.holder, fact.jurisdiction}
    elif isinstance(fact, AgreementFact):
        keys = {fact.agreement, *fact.parties, *fact.restricts, *fact.prohibits}
    elif isinstance(fact, Deployment):
        keys = {fact.sender, fact.host}
    elif isinstance(fact, Membership):
        keys = {fact.member, fact.organization}
    elif isinstance(fact, Alliance):
        keys = set(fact.allies)
    elif isinstance(fact, Event):
        keys = {fact.agent, fact.location, fact.name_entity, *fact.participants, *fact.targets}
    else:
        keys = set()
    return {k for k in keys if k is not None}


def _fact_evidence_by_key(facts: list[Fact]) -> dict[str, list[Evidence]]:
    """Evidence of the facts that imply an entity, for entities given no mention of their own."""
    found: dict[str, list[Evidence]] = {}
    for fact in facts:
        for key in _fact_keys(fact):
            for ev in fact.evidence:
                if ev not in found.setdefault(key, []):
                    found[key].append(ev)
    return found


def extraction_to_triples(extraction: Extraction) -> list[Triple]:
    """The triples one document gives, sorted."""
    return _Mapper(extraction).run()


def extraction_to_quads(extraction: Extraction) -> Iterator[Quad]:
    """The quads one document gives; the graph of each is the document IRI."""
    graph = document_iri(extraction.document.id)
    for s, p, o in extraction_to_triples(extraction):
        yield s, p, o, graph
