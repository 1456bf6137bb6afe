"""Plain data objects that flow through the pipeline.

Documents come in, entities and facts come out. Nothing here knows about spaCy
or RDF: extractors build these objects, the RDF mapping layer (``kg.rdf``) turns
them into triples, and evaluation reads the triples back.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import ClassVar

# Contract classes an entity may have (CONTRACT.md §2). Subclasses of
# Organization and Agreement are kept as their own names so that the RDF layer
# can assert both the fine and the contract class.
ENTITY_CLASSES = {
    "Country",
    "Person",
    "Organization",
    "InternationalOrganization",
    "GovernmentBody",
    "ArmedForces",
    "City",
    "Place",
    "Agreement",
    "Treaty",
    "WeaponSystem",
    "Event",
}
EVENT_TYPES = (
    "MissileTest",
    "NuclearTest",
    "MilitaryExercise",
    "Meeting",
    "PhoneCall",
    "ArmsSale",
)
# Units a Limit may carry; the RDF layer maps them to QUDT unit IRIs.
LIMIT_UNITS = ("km", "kg", "t", "mi", "lb", "percent", "count")
LIMIT_QUANTITIES = (
    "range",
    "payload",
    "troops",
    "warheads",
    "missiles",
    "launchers",
    "enrichment",
    "stockpile",
    "spending",
)
# A number above this is not a count of troops one country has in another: the largest
# deployments reported are a few hundred thousand, and no army numbers ten million.
MAX_TROOP_COUNT = 10_000_000
# Years as the graph writes them (xsd:gYear, four digits); a later one is refused, not cut.
MIN_YEAR, MAX_YEAR = 1, 9999


def has_name(label: str) -> bool:
    """Whether a label names something: it has a letter or a digit, in any script."""
    return any(c.isalnum() for c in label)


def valid_limit_value(value: object) -> bool:
    """Whether ``value`` can be a treaty limit: a finite number, not negative."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _check_year(what: str, year: object) -> None:
    if year is None:
        return
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"{what} {year!r} is not a year from {MIN_YEAR} to {MAX_YEAR}")


def _check_day(what: str, day: object) -> None:
    if day is not None and not isinstance(day, dt.date):
        raise ValueError(f"{what} {day!r} is not a date")


@dataclass
class Document:
    """One article: its text and publication metadata."""

    id: str
    text: str
    title: str | None = None
    date: dt.date | None = None
    author: str | None = None
    url: str | None = None
    source: str | None = None  # agency or publisher, when known
    path: str | None = None  # file it was read from


@dataclass(frozen=True)
class Evidence:
    """The sentence of a document that states a fact or mentions an entity."""

    doc_id: str
    sentence: str
    start: int  # character offset of the sentence in Document.text
    end: int
    confidence: float


@dataclass
class Entity:
    """A resolved real-world entity.

    ``key`` is the identity used across documents: two entities with the same
    key are the same thing and get the same IRI. ``scope`` is set for
    entities that only make sense inside one document (an unnamed "ceasefire").
    """

    key: str
    cls: str
    label: str
    alt_labels: set[str] = field(default_factory=set)
    wikidata: str | None = None
    scope: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Fact:
    """Base of every fact: it carries the sentences that state it."""

    evidence: list[Evidence] = field(default_factory=list, kw_only=True)
    # the fields that hold entity keys (a key, a set of keys, or None)
    entity_fields: ClassVar[tuple[str, ...]] = ()

    def entity_keys(self) -> set[str]:
        """Keys of every entity the fact refers to."""
        keys: set[str] = set()
        for name in self.entity_fields:
            value = getattr(self, name)
            if isinstance(value, str):
                keys.add(value)
            elif value:
                keys.update(value)
        return keys

    @property
    def confidence(self) -> float:
        return max((e.confidence for e in self.evidence), default=0.0)

    def identity(self) -> tuple:
        """Defining values: two facts with the same identity are one fact."""
        raise NotImplementedError

    def merge_state(self) -> object:
        """What merging remembers of this fact while others are folded into it."""
        return None

    def absorb(self, other: Fact, state: object) -> None:
        """Fold into this fact what ``other`` (of the same identity) adds, evidence apart;
        ``state`` is what :meth:`merge_state` gave. A fact whose identity is all it says adds
        nothing."""


@dataclass
class Position(Fact):
    entity_fields: ClassVar[tuple[str, ...]] = ("holder", "jurisdiction")
    holder: str  # Entity.key of a Person
    jurisdiction: str  # Entity.key of a Country or Organization
    roles: set[str] = field(default_factory=set)
    observed_on: dt.date | None = None

    def __post_init__(self) -> None:
        _check_day("observed_on", self.observed_on)

    def identity(self) -> tuple:
        return ("position", self.holder, self.jurisdiction)

    def absorb(self, other: Fact, state: object) -> None:
        if isinstance(other, Position):
            self.roles |= other.roles


@dataclass(frozen=True)
class Limit:
    quantity: str  # one of LIMIT_QUANTITIES
    value: float
    unit: str  # one of LIMIT_UNITS

    def __post_init__(self) -> None:
        if not valid_limit_value(self.value):
            raise ValueError(f"limit value {self.value!r} is not a finite, non-negative number")


@dataclass
class AgreementFact(Fact):
    """What a document says about an agreement (the Agreement entity itself)."""

    entity_fields: ClassVar[tuple[str, ...]] = ("agreement", "parties", "restricts", "prohibits")
    agreement: str  # Entity.key of the Agreement
    parties: set[str] = field(default_factory=set)
    year: int | None = None
    date: dt.date | None = None
    restricts: set[str] = field(default_factory=set)
    limits: list[Limit] = field(default_factory=list)
    prohibits: set[str] = field(default_factory=set)  # WeaponSystem keys

    def __post_init__(self) -> None:
        _check_year("agreement year", self.year)
        _check_day("agreement date", self.date)

    def identity(self) -> tuple:
        return ("agreement", self.agreement)

    def merge_state(self) -> set[Limit]:
        return set(self.limits)

    def absorb(self, other: Fact, state: object) -> None:
        if not isinstance(other, AgreementFact) or not isinstance(state, set):
            return
        self.parties |= other.parties
        self.restricts |= other.restricts
        self.prohibits |= other.prohibits
        self.year = self.year or other.year
        self.date = self.date or other.date
        for limit in other.limits:
            if limit not in state:
                state.add(limit)
                self.limits.append(limit)


@dataclass
class Deployment(Fact):
    entity_fields: ClassVar[tuple[str, ...]] = ("sender", "host")
    sender: str
    host: str
    count: int | None = None  # exact, 1 to MAX_TROOP_COUNT
    observed_on: dt.date | None = None

    def __post_init__(self) -> None:
        count = self.count
        if count is not None and (
            not isinstance(count, int)
            or isinstance(count, bool)
            or not 1 <= count <= MAX_TROOP_COUNT
        ):
            raise ValueError(
                f"troop count {count!r} is not a whole number from 1 to {MAX_TROOP_COUNT:,}"
            )
        _check_day("observed_on", self.observed_on)

    def identity(self) -> tuple:
        return ("deployment", self.sender, self.host, self.count)


@dataclass
class Membership(Fact):
    entity_fields: ClassVar[tuple[str, ...]] = ("member", "organization")
    member: str
    organization: str
    since: int | None = None

    def __post_init__(self) -> None:
        _check_year("membership year", self.since)

    def identity(self) -> tuple:
        return ("membership", self.member, self.organization)


@dataclass
class Alliance(Fact):
    entity_fields: ClassVar[tuple[str, ...]] = ("allies",)
    allies: frozenset[str]

    def identity(self) -> tuple:
        return ("alliance", tuple(sorted(self.allies)))


@dataclass
class Event(Fact):
    entity_fields: ClassVar[tuple[str, ...]] = (
        "agent",
        "participants",
        "targets",
        "location",
        "name_entity",
    )
    type: str  # one of EVENT_TYPES
    label: str
    agent: str | None = None
    participants: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    location: str | None = None
    date: dt.date | None = None
    name_entity: str | None = None  # Entity.key of a named Event ("Ulchi Freedom Guardian")

    def __post_init__(self) -> None:
        _check_day("event date", self.date)

    def identity(self) -> tuple:
        return (
            "event",
            self.type,
            self.name_entity,
            self.agent,
            tuple(sorted(self.participants)),
            self.location,
            self.date,
        )


@dataclass
class Extraction:
    """Everything extracted from one document."""

    document: Document
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
