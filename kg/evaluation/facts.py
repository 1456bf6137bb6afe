"""Gold and system atoms of one document, kind by kind (CONTRACT.md §4).

Agreements and events are first paired one-to-one, gold with system; their atoms then
carry the key of the gold agreement or event they were paired with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from kg.evaluation.atoms import Alt, Atom, atom_matches, one_of
from kg.evaluation.entities import Resolver
from kg.evaluation.gold import GoldDocument, GoldFact
from kg.evaluation.normalize import Amount, normalize_name, normalize_role, word_overlap
from kg.evaluation.system import SystemDocument, SystemFact

# Event classes whose agent and participants are interchangeable when scored.
SYMMETRIC_EVENTS = frozenset({"Meeting", "PhoneCall", "MilitaryExercise"})
SCORED_ENTITY_TYPES = frozenset({"Country", "Person", "Organization", "City", "Agreement"})
# Word overlap at which two agreement names are the same agreement.
NAME_OVERLAP = 0.5

# A system atom's origin: (node IRI, what of the node it comes from...).
Source = tuple


@dataclass
class DocumentAtoms:
    """Atoms by kind ("position", ..., "event", "entity") of one document."""

    doc_id: str
    gold: dict[str, dict[Atom, bool]] = field(default_factory=lambda: defaultdict(dict))
    system: dict[str, dict[Atom, set[Source]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set))
    )
    node_documents: dict[str, frozenset[str]] = field(default_factory=dict)

    def add_gold(self, atom: Atom, optional: bool) -> None:
        """A gold atom; optional only if every fact that gives it is optional."""
        atoms = self.gold[atom[0]]
        atoms[atom] = atoms.get(atom, True) and optional

    def add_system(self, atom: Atom, source: Source) -> None:
        self.system[atom[0]][atom].add(source)


@dataclass
class _Side:
    """A gold or system agreement / event, before pairing."""

    key: str
    names: set[str]
    relative: dict[tuple, object]  # atom without kind and key → optional flag or sources
    cls: str = ""
    optional: bool = False
    actors: set[str] = field(default_factory=set)


def document_atoms(gold: GoldDocument, system: SystemDocument) -> DocumentAtoms:
    """Every gold and system atom of one document."""
    return _Builder(gold, system).build()


class _Builder:
    def __init__(self, gold: GoldDocument, system: SystemDocument):
        self.gold = gold
        self.system = system
        self.resolver = Resolver(gold)
        self.out = DocumentAtoms(gold.id)
        self.out.node_documents = {f.iri: f.documents for f in system.facts}

    def build(self) -> DocumentAtoms:
        self._positions()
        self._deployments()
        self._memberships()
        self._alliances()
        self._agreements()
        self._events()
        self._entities()
        return self.out

    # --- keys ---------------------------------------------------------------------------

    def key(self, value: object) -> str:
        """Key of a system value: an entity IRI or a literal name."""
        entity = self.system.entities.get(value) if isinstance(value, str) else None
        if entity is not None:
            return self.resolver.system_key(entity)
        return normalize_name(str(value))

    def gold_key(self, value: str | Sequence[str]) -> object:
        """Key of a gold name, or ``Alt`` of the keys of a list of alternatives."""
        return one_of(self.resolver.gold_key(v) for v in _listed(value))

    def gold_facts(self, kind: str) -> list[GoldFact]:
        return [f for f in self.gold.facts if f.kind == kind]

    def system_facts(self, kind: str) -> list[SystemFact]:
        return [f for f in self.system.facts if f.kind == kind]

    # --- simple kinds --------------------------------------------------------------------

    def _positions(self) -> None:
        for f in self.gold_facts("position"):
            person = self.gold_key(f.get("person"))
            jurisdiction = self.gold_key(f.get("jurisdiction"))
            role = one_of(normalize_role(r) for r in _listed(f.get("role")))
            self.out.add_gold(("position", person, "jurisdiction", jurisdiction), f.optional)
            self.out.add_gold(("position", person, "role", role), f.optional)
        for s in self.system_facts("position"):
            for holder in s.get("holder"):
                for jurisdiction in s.get("jurisdiction"):
                    atom = ("position", self.key(holder), "jurisdiction", self.key(jurisdiction))
                    self.out.add_system(atom, (s.iri, "jurisdiction", holder, jurisdiction))
                for role in s.get("role"):
                    atom = ("position", self.key(holder), "role", normalize_role(str(role)))
                    self.out.add_system(atom, (s.iri, "role", holder, role))

    def _deployments(self) -> None:
        for f in self.gold_facts("deployment"):
            pair = (self.gold_key(f.get("from")), self.gold_key(f.get("in")))
            self.out.add_gold(("deployment", *pair), f.optional)
            if f.get("count") is not None:
                count = one_of(_listed(f.get("count")))
                self.out.add_gold(("deployment", *pair, count), f.optional)
        for s in self.system_facts("deployment"):
            for sender in s.get("sendingCountry"):
                for host in s.get("hostCountry"):
                    pair = (self.key(sender), self.key(host))
                    self.out.add_system(("deployment", *pair), (s.iri, sender, host))
                    for count in s.get("troopCount"):
                        atom = ("deployment", *pair, _int(count))
                        self.out.add_system(atom, (s.iri, sender, host, count))

    def _memberships(self) -> None:
        for f in self.gold_facts("membership"):
            member, org = self.gold_key(f.get("member")), self.gold_key(f.get("organization"))
            atom = ("membership", member, org)
            self.out.add_gold(atom, f.optional)
        for s in self.system_facts("membership"):
            for member in s.get("member"):
                for org in s.get("organization"):
                    atom = ("membership", self.key(member), self.key(org))
                    self.out.add_system(atom, (s.iri, member, org))

    def _alliances(self) -> None:
        for f in self.gold_facts("alliance"):
            allies = sorted({self.resolver.gold_key(a) for a in f.get("allies")})
            for a, b in combinations(allies, 2):
                self.out.add_gold(("alliance", a, b), f.optional)
        for s in self.system_facts("alliance"):
            keyed = sorted({(self.key(a), a) for a in s.get("ally")})
            for (ka, a), (kb, b) in combinations(keyed, 2):
                if ka != kb:
                    self.out.add_system(("alliance", *sorted((ka, kb))), (s.iri, a, b))

    # --- agreements ----------------------------------------------------------------------

    def _agreements(self) -> None:
        golds = [self._gold_agreement(f) for f in self.gold_facts("agreement")]
        systems = [self._system_agreement(s) for s in self.system_facts("agreement")]
        self._paired_atoms("agreement", golds, systems, _agreement_affinity)

    def _gold_agreement(self, f: GoldFact) -> _Side:
        name = f.get("name")
        names = self.resolver.names_of(name) | {normalize_name(a) for a in f.get("aliases", [])}
        rel: dict[tuple, object] = {}
        for party in f.get("parties", []):
            rel[("party", self.resolver.gold_key(party))] = f.optional
        for country in f.get("restricts") or []:
            rel[("restricts", self.resolver.gold_key(country))] = f.optional
        if f.get("year") is not None:
            rel[("year", one_of(_listed(f.get("year"))))] = f.optional
        for limit in f.get("limits") or []:
            amount = Amount.of(limit["value"], limit["unit"])
            rel[("limit", normalize_name(limit["quantity"]), amount)] = f.optional
        return _Side(self.resolver.gold_key(name), names, rel, optional=f.optional)

    def _system_agreement(self, s: SystemFact) -> _Side:
        entity = self.system.entities.get(s.iri)
        key = self.key(s.iri) if entity else normalize_name(s.label or s.iri)
        names = {key}
        if entity is not None:
            names |= {normalize_name(n) for n in (entity.label, *entity.alt_labels)}
        rel: dict[tuple, set[Source]] = defaultdict(set)
        for prop in ("party", "restricts"):
            for value in s.get(prop):
                rel[(prop, self.key(value))].add((s.iri, prop, value))
        for prop in ("signedIn", "signedOn"):
            for value in s.get(prop):
                year = _year(value)
                if year is not None:
                    rel[("year", year)].add((s.iri, "year", year))
        for limit in s.get("limit"):
            try:
                amount: object = Amount.of(limit.value, limit.unit)
            except ValueError:
                amount = f"{limit.value:g} {limit.unit}"
            source = (s.iri, "limit", limit.quantity, limit.value, limit.unit)
            rel[("limit", normalize_name(limit.quantity), amount)].add(source)
        return _Side(key, names, dict(rel))

    # --- events --------------------------------------------------------------------------

    def _events(self) -> None:
        golds = [self._gold_event(f, n) for n, f in enumerate(self.gold_facts("event"), 1)]
        systems = [self._system_event(s) for s in self.system_facts("event")]
        self._paired_atoms("event", golds, systems, _event_affinity)

    def _paired_atoms(self, kind: str, golds: list, systems: list, affinity) -> None:
        """Pair system and gold items one to one, then emit their atoms under the gold
        item's key (an unpaired system item keeps its own, so its atoms count as wrong)."""
        pairs = _pair(systems, golds, affinity)
        for g in golds:
            for rel, optional in g.relative.items():
                self.out.add_gold((kind, g.key, *rel), optional)
        for i, s in enumerate(systems):
            key = golds[pairs[i]].key if i in pairs else s.key
            for rel, sources in s.relative.items():
                for source in sources:
                    self.out.add_system((kind, key, *rel), source)

    def _gold_event(self, f: GoldFact, number: int) -> _Side:
        cls = f.get("type")
        agent_role, participant_role = _event_roles(cls)
        rel: dict[tuple, object] = {}
        actors: set[str] = set()
        if f.get("agent"):
            agent = self.gold_key(f.get("agent"))
            rel[(agent_role, agent)] = f.optional
            actors |= _options(agent)
        for participant in f.get("participants") or []:
            key = self.resolver.gold_key(participant)
            rel[(participant_role, key)] = f.optional
            actors.add(key)
        if f.get("date"):
            rel[("date", one_of(_listed(f.get("date"))))] = f.optional
        if f.get("location"):
            rel[("location", self.gold_key(f.get("location")))] = f.optional
        names = self.resolver.names_of(f.get("name")) if f.get("name") else set()
        return _Side(f"{cls}#{number}", names, rel, cls, f.optional, actors)

    def _system_event(self, s: SystemFact) -> _Side:
        agent_role, participant_role = _event_roles(s.cls)
        rel: dict[tuple, set[Source]] = defaultdict(set)
        actors: set[str] = set()
        for prop, role in (("agent", agent_role), ("participant", participant_role)):
            for value in s.get(prop):
                key = self.key(value)
                rel[(role, key)].add((s.iri, prop, value))
                actors.add(key)
        for value in s.get("date"):
            rel[("date", str(value)[:10])].add((s.iri, "date", value))
        for value in s.get("location"):
            rel[("location", self.key(value))].add((s.iri, "location", value))
        names = {normalize_name(s.label)} if s.label else set()
        for named in s.get("namedEvent"):
            entity = self.system.entities.get(named)
            names.add(self.key(named))
            if entity is not None:
                names |= {normalize_name(n) for n in (entity.label, *entity.alt_labels)}
        key = f"{s.cls}@{s.iri.rstrip('/').rsplit('/', 1)[-1]}"
        return _Side(key, names, dict(rel), s.cls, actors=actors)

    # --- entities ------------------------------------------------------------------------

    def _entities(self) -> None:
        for g in self.gold.entities:
            if g.type in SCORED_ENTITY_TYPES:
                self.out.add_gold(("entity", normalize_name(g.name), g.type), g.optional)
        for e in self.system.document_entities:
            cls = e.scored_class
            if cls is not None:
                self.out.add_system(("entity", self.resolver.system_key(e), cls), (e.iri,))


# --- pairing ---------------------------------------------------------------------------------


def _pair(
    systems: list[_Side], golds: list[_Side], affinity: Callable[[_Side, _Side], tuple | None]
) -> dict[int, int]:
    """One-to-one pairs (system index → gold index), strongest affinity first."""
    candidates = []
    for i, s in enumerate(systems):
        for j, g in enumerate(golds):
            strength = affinity(s, g)
            if strength is not None:
                candidates.append((strength, i, j))
    candidates.sort(key=lambda c: (c[0], -c[1], -c[2]), reverse=True)
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for _, i, j in candidates:
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def _shared(s: _Side, g: _Side) -> int:
    """How many of the gold side's atoms the system side holds."""
    return sum(any(atom_matches(ga, sa) for sa in s.relative) for ga in g.relative)


def _agreement_affinity(s: _Side, g: _Side) -> tuple | None:
    overlap = max((word_overlap(a, b) for a in s.names for b in g.names), default=0.0)
    tier = 2 if s.names & g.names else 1 if overlap >= NAME_OVERLAP else 0
    shared = _shared(s, g)
    if tier == 0 and shared == 0:
        return None
    return (tier, overlap, shared, not g.optional)


def _event_affinity(s: _Side, g: _Side) -> tuple | None:
    if s.cls != g.cls:
        return None
    named = bool(s.names & g.names)
    if not named and not (s.actors & g.actors):
        return None
    return (_shared(s, g), named, not g.optional)


# --- helpers ---------------------------------------------------------------------------------


def _event_roles(cls: str) -> tuple[str, str]:
    return ("actor", "actor") if cls in SYMMETRIC_EVENTS else ("agent", "participant")


def _listed(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _options(value: object) -> set:
    return set(value.options) if isinstance(value, Alt) else {value}


def _year(value: object) -> int | None:
    text = str(value).lstrip("-")
    return int(text[:4]) if text[:4].isdigit() else None


def _int(value: object) -> object:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return value
