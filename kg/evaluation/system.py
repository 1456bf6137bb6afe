"""Reading the system's entities and facts of one document back from a built graph.

The graph has the shape of docs/graph-shape.md. Values are kept as the graph gives
them (entity IRIs as strings, literals as Python values); matching them against the
gold is the scorer's job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph

from kg.errors import InputError
from kg.evaluation.normalize import unit_name
from kg.model import EVENT_TYPES, Limit
from kg.rdf.namespaces import DCTERMS, GK, OWL, RDF, RDFS, SKOS

# Contract class of every entity class scored as an entity (subclasses fold into theirs).
SCORED_ENTITY_CLASSES = {
    "Country": "Country",
    "Person": "Person",
    "Organization": "Organization",
    "InternationalOrganization": "Organization",
    "GovernmentBody": "Organization",
    "ArmedForces": "Organization",
    "City": "City",
    "Agreement": "Agreement",
    "Treaty": "Agreement",
}
ENTITY_CLASSES = frozenset(SCORED_ENTITY_CLASSES) | {"Place", "WeaponSystem", "Event"}
# Fact classes and the kind each one is scored as.
FACT_CLASSES = {
    "Position": "position",
    "Deployment": "deployment",
    "Membership": "membership",
    "Alliance": "alliance",
    "Agreement": "agreement",
    "Treaty": "agreement",
    **{name: "event" for name in EVENT_TYPES},
}
# Node properties read for each kind (local names in the gk: namespace).
FACT_PROPERTIES = {
    "position": ("holder", "jurisdiction", "role"),
    "deployment": ("sendingCountry", "hostCountry", "troopCount"),
    "membership": ("member", "organization", "since"),
    "alliance": ("ally",),
    "agreement": ("party", "restricts", "signedIn", "signedOn", "prohibits"),
    "event": ("agent", "participant", "target", "location", "date", "namedEvent"),
}
GRAPH_FORMATS = {
    ".trig": "trig",
    ".nq": "nquads",
    ".ttl": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
}
# An evidence without gk:confidence is taken as asserted outright.
DEFAULT_CONFIDENCE = 1.0


@dataclass(frozen=True)
class SystemEntity:
    iri: str
    label: str
    alt_labels: frozenset[str] = frozenset()
    qid: str | None = None
    classes: frozenset[str] = frozenset()  # gk: local names
    in_document: bool = False  # has evidence in the document read

    @property
    def scored_class(self) -> str | None:
        """Contract class the entity is scored as, or None when its classes are not scored."""
        for name in ("Country", "Person", "City", "Agreement", "Organization"):
            if any(SCORED_ENTITY_CLASSES.get(c) == name for c in self.classes):
                return name
        return None


@dataclass(frozen=True)
class SystemFact:
    """A fact node with evidence in the document read.

    ``values`` maps gk: property local names to the node's values (entity IRIs as
    strings, literals as Python values); ``limit`` holds an agreement's limits.
    """

    iri: str
    kind: str
    cls: str  # contract class local name: "Position", "Meeting", ...
    values: Mapping[str, tuple] = field(default_factory=dict)
    label: str | None = None
    confidence: float = 0.0  # best evidence in the document read
    documents: frozenset[str] = frozenset()  # every document with evidence for the node

    def get(self, prop: str) -> tuple:
        return self.values.get(prop, ())


@dataclass
class SystemDocument:
    doc_id: str
    entities: dict[str, SystemEntity] = field(default_factory=dict)  # every entity referred to
    facts: list[SystemFact] = field(default_factory=list)

    @property
    def document_entities(self) -> list[SystemEntity]:
        """Entities with evidence in the document."""
        return [e for e in self.entities.values() if e.in_document]


def load_graph(path: str | Path) -> Dataset:
    """A built graph as an rdflib Dataset: a ``.trig``, ``.nq``, ``.ttl``, ``.nt`` or
    ``.jsonld`` file, or a persistent store (a folder or ``.oxigraph`` path)."""
    path = Path(path)
    if path.is_dir() or path.suffix.lower() == ".oxigraph":
        return _load_store(path)
    fmt = GRAPH_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(str(path), f"unknown graph format {path.suffix!r}")
    if not path.is_file():
        raise InputError(str(path), "no such graph file")
    dataset = Dataset()
    try:
        dataset.parse(str(path), format=fmt)
    except Exception as exc:  # rdflib raises many kinds of parse errors
        raise InputError(str(path), f"cannot read graph ({exc})") from exc
    return dataset


def _load_store(path: Path) -> Dataset:
    import pyoxigraph

    try:
        store = pyoxigraph.Store.read_only(str(path))
        nquads = store.dump(format=pyoxigraph.RdfFormat.N_QUADS)
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read graph store ({exc})") from exc
    dataset = Dataset()
    dataset.parse(data=nquads.decode("utf-8"), format="nquads")
    return dataset


class GraphIndex:
    """The union of a graph's triples with evidence looked up by document."""

    def __init__(self, data: Graph):
        self.graph = _union(data)
        g = self.graph
        doc_ids = {doc: str(i) for doc, i in g.subject_objects(DCTERMS.identifier)}
        evidence: dict[URIRef, tuple[str, float]] = {}
        for ev, doc in g.subject_objects(GK.document):
            if doc in doc_ids:
                conf = g.value(ev, GK.confidence)
                evidence[ev] = (doc_ids[doc], _float(conf, DEFAULT_CONFIDENCE))
        # subject → document id → best confidence there
        self.support: dict[URIRef, dict[str, float]] = defaultdict(dict)
        for subject, ev in g.subject_objects(GK.evidence):
            if ev in evidence:
                doc_id, conf = evidence[ev]
                best = self.support[subject].get(doc_id, -1.0)
                self.support[subject][doc_id] = max(best, conf)
        self.types: dict[URIRef, frozenset[str]] = defaultdict(frozenset)
        for subject, cls in g.subject_objects(RDF.type):
            if isinstance(cls, URIRef) and str(cls).startswith(str(GK)):
                self.types[subject] = self.types[subject] | {str(cls)[len(str(GK)) :]}

    def document_ids(self) -> set[str]:
        return {d for docs in self.support.values() for d in docs}

    def entity(self, iri: URIRef, doc_id: str) -> SystemEntity:
        g = self.graph
        label = g.value(iri, RDFS.label)
        qid = None
        for same in g.objects(iri, OWL.sameAs):
            if "wikidata.org/entity/" in str(same):
                qid = str(same).rsplit("/", 1)[-1]
                break
        return SystemEntity(
            iri=str(iri),
            label=str(label) if label is not None else _local_name(iri),
            alt_labels=frozenset(str(a) for a in g.objects(iri, SKOS.altLabel)),
            qid=qid,
            classes=self.types.get(iri, frozenset()),
            in_document=doc_id in self.support.get(iri, {}),
        )

    def fact(self, node: URIRef, kind: str, cls: str, doc_id: str) -> SystemFact:
        g = self.graph
        values: dict[str, tuple] = {}
        for prop in FACT_PROPERTIES[kind]:
            found = tuple(_value(o) for o in g.objects(node, GK[prop]))
            if found:
                values[prop] = found
        if kind == "agreement":
            values["limit"] = tuple(self._limits(node))
        label = g.value(node, RDFS.label)
        support = self.support.get(node, {})
        return SystemFact(
            iri=str(node),
            kind=kind,
            cls=cls,
            values=values,
            label=str(label) if label is not None else None,
            confidence=support.get(doc_id, 0.0),
            documents=frozenset(support),
        )

    def _limits(self, node: URIRef) -> Iterable[Limit]:
        g = self.graph
        for limit in g.objects(node, GK.limit):
            quantity, value, unit = (g.value(limit, GK[p]) for p in ("quantity", "value", "unit"))
            if quantity is None or value is None or unit is None:
                continue
            yield Limit(str(quantity), _float(value, 0.0), unit_name(str(unit)))


def system_facts(
    dataset: Graph | GraphIndex, doc_id: str, min_confidence: float = 0.0
) -> SystemDocument:
    """Entities and facts of document ``doc_id`` in a built graph.

    Entities: those with evidence in the document, plus every entity a kept fact refers
    to (``in_document`` tells them apart). Facts: nodes of a fact class with evidence in
    the document whose confidence there (the best of that evidence) is at least
    ``min_confidence``.
    """
    index = dataset if isinstance(dataset, GraphIndex) else GraphIndex(dataset)
    result = SystemDocument(doc_id)
    for subject, docs in index.support.items():
        if doc_id not in docs:
            continue
        classes = index.types.get(subject, frozenset())
        fact_class = _fact_class(classes)
        if fact_class and docs[doc_id] >= min_confidence:
            kind = FACT_CLASSES[fact_class]
            result.facts.append(index.fact(subject, kind, fact_class, doc_id))
        if classes & ENTITY_CLASSES:
            result.entities[str(subject)] = index.entity(subject, doc_id)
    for fact in result.facts:
        for values in fact.values.values():
            for value in values:
                if isinstance(value, str) and value not in result.entities and _is_iri(value):
                    result.entities[value] = index.entity(URIRef(value), doc_id)
    result.facts.sort(key=lambda f: f.iri)
    return result


def _fact_class(classes: frozenset[str]) -> str | None:
    for name in EVENT_TYPES:
        if name in classes:
            return name
    for name in ("Position", "Deployment", "Membership", "Alliance", "Agreement", "Treaty"):
        if name in classes:
            return "Agreement" if name == "Treaty" else name
    return None


def _union(data: Graph) -> Graph:
    if not isinstance(data, ConjunctiveGraph):
        return data
    union = Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _value(node: object) -> object:
    if isinstance(node, URIRef):
        return _IRI(node)
    if isinstance(node, Literal):
        return _literal(node)
    return str(node)


class _IRI(str):
    """An entity IRI among a fact's values (a str, told apart from literal strings)."""


def _is_iri(value: object) -> bool:
    return isinstance(value, _IRI)


def _literal(lit: Literal) -> object:
    text = str(lit)
    datatype = str(lit.datatype or "")
    if datatype.endswith(("#gYear", "#date", "#dateTime")):
        return text  # kept as ISO text; the scorer reads the year or the day from it
    if datatype.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
        try:
            return int(text)
        except ValueError:
            return text
    if datatype.endswith(("#decimal", "#double", "#float")):
        return _float(lit, 0.0)
    return text


def _float(node: object, default: float) -> float:
    if node is None:
        return default
    try:
        return float(str(node))
    except ValueError:
        return default


def _local_name(iri: URIRef) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1]


__all__ = [
    "GraphIndex",
    "SystemDocument",
    "SystemEntity",
    "SystemFact",
    "load_graph",
    "system_facts",
]
