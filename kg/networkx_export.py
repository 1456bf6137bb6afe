"""Turn a geokg graph into a NetworkX multigraph of entities linked by facts.

Nodes are entities (id = IRI) and events. Every event is a node of its own
(class "Event") linked to the entities taking part, so that n-ary events keep
all their roles. Other facts are edges between entities:

- position: holder -> jurisdiction (``roles``, ``observed_on``)
- deployment: sender -> host (``troop_count``, ``observed_on``)
- membership: member -> organization (``since``)
- alliance: every ordered pair of allies (both ways)
- agreement: party -> agreement (``year``, ``date``, ``limits``, ``restricts``),
  plus agreement -> restricted country (role "restricts") and
  agreement -> weapon (role "prohibits")
- event: event -> agent / participant / target / location (``role``)

Every edge has ``kind`` (the fact kind), ``role``, ``fact`` (the fact IRI) and
``evidence``: a list of ``{document, sentence, start, end, confidence}``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import catalogue
import networkx as nx
import pyoxigraph as ox
import rdflib

from kg.sparql import to_store
from kg.sparql_runner import to_python

GK = "https://w3id.org/geokg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# Finer classes an entity may carry, with the contract class they fall under.
CONTRACT_CLASS = {
    "Country": "Country",
    "Person": "Person",
    "Organization": "Organization",
    "InternationalOrganization": "Organization",
    "GovernmentBody": "Organization",
    "ArmedForces": "Organization",
    "City": "City",
    "Place": "Place",
    "Agreement": "Agreement",
    "Treaty": "Agreement",
    "WeaponSystem": "WeaponSystem",
    "Event": "Event",
}
EVENT_TYPES = ("MissileTest", "NuclearTest", "MilitaryExercise", "Meeting", "PhoneCall", "ArmsSale")
EVENT_ROLES = ("agent", "participant", "target", "location")


@dataclass(frozen=True)
class EdgeKind:
    """A fact kind drawn as one edge from one entity to another: the fact node's class, the
    properties naming the two ends, and the edge attributes read from other properties
    (attribute → (property, "one" or "all")). A new kind registers its own with
    :func:`register_edge_kind`; nothing here needs an edit."""

    kind: str
    rdf_class: str
    source: str
    target: str
    role: str
    attributes: tuple[tuple[str, str, str], ...] = ()


edge_kinds = catalogue.create("geokg", "edge_kinds", entry_points=True)


def register_edge_kind(spec: EdgeKind) -> EdgeKind:
    edge_kinds.register(spec.kind, func=spec)
    return spec


def _load_edge_kinds() -> None:
    path = Path(__file__).resolve().parent / "data" / "edge_kinds.json"
    for raw in json.loads(path.read_text(encoding="utf-8"))["edge_kinds"]:
        attributes = tuple(tuple(a) for a in raw.get("attributes", ()))
        register_edge_kind(
            EdgeKind(
                raw["kind"], raw["class"], raw["source"], raw["target"], raw["role"], attributes
            )
        )  # type: ignore[arg-type]


_load_edge_kinds()
# Kinds drawn in their own way: alliances (every pair of allies), agreements (parties to the
# agreement node) and events (roles to the event node).
OTHER_KINDS = (("alliance", "Alliance"), ("agreement", "Agreement"), ("event", "Event"))


def edge_kind_names() -> tuple[str, ...]:
    """Every fact kind the NetworkX view knows: the registered edge kinds, then the others."""
    return tuple(edge_kinds.get_all()) + tuple(kind for kind, _ in OTHER_KINDS)


def fact_classes() -> tuple[str, ...]:
    return tuple(e.rdf_class for e in edge_kinds.get_all().values()) + tuple(
        cls for _, cls in OTHER_KINDS
    )


EDGE_KINDS = edge_kind_names()  # the project's own; edge_kind_names() includes later ones
FACT_CLASSES = fact_classes()

_ENTITIES = """
PREFIX gk: <https://w3id.org/geokg/ontology#>
SELECT DISTINCT ?e ?cls WHERE { ?e a ?cls . FILTER(STRSTARTS(STR(?cls), STR(gk:))) }
"""
_NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT DISTINCT ?e ?p ?v WHERE {
  VALUES ?p { rdfs:label skos:altLabel owl:sameAs }
  ?e ?p ?v .
}
"""
_FACT_PROPS = """
PREFIX gk: <https://w3id.org/geokg/ontology#>
SELECT DISTINCT ?f ?p ?o WHERE {
  VALUES ?cls { %s gk:Limit }
  ?f a ?cls ; ?p ?o .
  FILTER(STRSTARTS(STR(?p), STR(gk:)))
}
"""
_EVIDENCE = """
PREFIX gk: <https://w3id.org/geokg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?s ?ev ?document ?sentence ?start ?end ?confidence WHERE {
  ?s gk:evidence ?ev .
  OPTIONAL { ?ev gk:document ?doc . OPTIONAL { ?doc dcterms:identifier ?docId } }
  BIND(COALESCE(?docId, STR(?doc)) AS ?document)
  OPTIONAL { ?ev gk:sentence ?sentence }
  OPTIONAL { ?ev gk:start ?start }
  OPTIONAL { ?ev gk:end ?end }
  OPTIONAL { ?ev gk:confidence ?confidence }
}
"""
UNIT_SYMBOLS = {
    "http://qudt.org/vocab/unit/KiloM": "km",
    "http://qudt.org/vocab/unit/KiloGM": "kg",
    "http://qudt.org/vocab/unit/TONNE": "t",
    "http://qudt.org/vocab/unit/MI": "mi",
    "http://qudt.org/vocab/unit/LB": "lb",
    "http://qudt.org/vocab/unit/PERCENT": "percent",
    "http://qudt.org/vocab/unit/NUM": "count",
}


def _select(store: ox.Store, sparql: str) -> list[tuple]:
    answer = store.query(sparql, use_default_graph_as_union=True)
    n = len(answer.variables)
    return [tuple(to_python(s[i]) for i in range(n)) for s in answer]


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def to_networkx(dataset: rdflib.Dataset | rdflib.Graph | ox.Store) -> nx.MultiDiGraph:
    """Build the entity/fact multigraph of a geokg graph (see the module docstring)."""
    store = to_store(dataset)
    classes: dict[str, set[str]] = defaultdict(set)
    for iri, cls in _select(store, _ENTITIES):
        classes[iri].add(_local(cls))
    names: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for iri, prop, value in _select(store, _NAMES):
        names[iri][_local(prop)].append(value)
    props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    fact_values = " ".join(f"gk:{cls}" for cls in fact_classes())
    for iri, prop, value in _select(store, _FACT_PROPS % fact_values):
        props[iri][_local(prop)].append(value)
    evidence: dict[str, list[dict]] = defaultdict(list)
    for subject, _ev, document, sentence, start, end, confidence in _select(store, _EVIDENCE):
        evidence[subject].append(
            {
                "document": document,
                "sentence": sentence,
                "start": start,
                "end": end,
                "confidence": confidence,
            }
        )
    for items in evidence.values():
        items.sort(key=lambda e: (str(e["document"]), e["start"] or 0, e["end"] or 0))

    g = nx.MultiDiGraph()
    named_events = {n for p in props.values() for n in p.get("namedEvent", [])}
    events = sorted(i for i, c in classes.items() if "Event" in c and i not in named_events)

    def label_of(iri: str) -> str:
        labels = sorted(names[iri].get("label", []))
        return labels[0] if labels else _local(iri)

    def add_entity(iri: str) -> str:
        if iri not in g:
            contract = sorted({CONTRACT_CLASS[c] for c in classes[iri] if c in CONTRACT_CLASS})
            qids = sorted(_local(q) for q in names[iri].get("sameAs", []) if "wikidata" in q)
            g.add_node(
                iri,
                label=label_of(iri),
                cls=contract[0] if contract else None,
                wikidata=qids[0] if qids else None,
                alt_labels=sorted(names[iri].get("altLabel", [])),
            )
        return iri

    for iri in sorted(classes):
        if iri in named_events or iri in events:
            continue
        if any(c in CONTRACT_CLASS for c in classes[iri]):
            add_entity(iri)

    def one(iri: str, prop: str):
        values = sorted(props[iri].get(prop, []), key=str)
        return values[-1] if values else None  # the latest of several dates

    def common(iri: str, kind: str, role: str) -> dict:
        return {"kind": kind, "role": role, "fact": iri, "evidence": evidence.get(iri, [])}

    binary = list(edge_kinds.get_all().values())
    for iri in sorted(props):
        kinds = classes.get(iri, set())
        p = props[iri]
        for spec in binary:
            if spec.rdf_class in kinds and p.get(spec.source) and p.get(spec.target):
                attrs = {
                    name: sorted(set(p.get(prop, []))) if many == "all" else one(iri, prop)
                    for name, prop, many in spec.attributes
                }
                g.add_edge(
                    add_entity(one(iri, spec.source)),
                    add_entity(one(iri, spec.target)),
                    key=iri,
                    **attrs,
                    **common(iri, spec.kind, spec.role),
                )
        if "Alliance" in kinds:
            allies = sorted(set(p.get("ally", [])))
            for a in allies:
                for b in allies:
                    if a != b:
                        g.add_edge(
                            add_entity(a), add_entity(b), key=iri, **common(iri, "alliance", "ally")
                        )
        if "Agreement" in kinds:
            _add_agreement(g, iri, p, add_entity, one, common)
    for iri in events:
        _add_event(g, iri, classes[iri], props[iri], label_of, add_entity, one, evidence)
    return g


def _add_agreement(g, iri, p, add_entity, one, common) -> None:
    """Party, restricts and prohibits edges of one agreement; its terms go on the node too."""
    add_entity(iri)
    limits = []
    for limit in sorted(set(p.get("limit", []))):
        unit = one(limit, "unit")
        limits.append(
            {
                "quantity": one(limit, "quantity"),
                "value": one(limit, "value"),
                "unit": UNIT_SYMBOLS.get(unit, unit) if unit else None,
            }
        )
    limits.sort(key=lambda d: (str(d["quantity"]), str(d["value"])))
    restricts = sorted(set(p.get("restricts", [])))
    attrs = {
        "year": one(iri, "signedIn"),
        "date": one(iri, "signedOn"),
        "limits": limits,
        "restricts": restricts,
    }
    g.nodes[iri].update(attrs)
    for party in sorted(set(p.get("party", []))):
        g.add_edge(
            add_entity(party), iri, key="party", **attrs, **common(iri, "agreement", "party")
        )
    for country in restricts:
        g.add_edge(
            iri, add_entity(country), key="restricts", **common(iri, "agreement", "restricts")
        )
    for weapon in sorted(set(p.get("prohibits", []))):
        g.add_edge(
            iri, add_entity(weapon), key="prohibits", **common(iri, "agreement", "prohibits")
        )


def _add_event(g, iri, classes, p, label_of, add_entity, one, evidence) -> None:
    """An event node and its edges to agent, participants, targets and location."""
    types = sorted(c for c in classes if c in EVENT_TYPES)
    named = sorted(set(p.get("namedEvent", [])))
    label = label_of(named[0]) if named else label_of(iri)
    g.add_node(
        iri,
        label=label,
        cls="Event",
        event_type=types[0] if types else None,
        date=one(iri, "date"),
        named_event=named[0] if named else None,
        wikidata=None,
        alt_labels=[],
        fact=iri,
        evidence=evidence.get(iri, []),
    )
    for role in EVENT_ROLES:
        for other in sorted(set(p.get(role, []))):
            g.add_edge(
                iri,
                add_entity(other),
                key=role,
                kind="event",
                role=role,
                fact=iri,
                evidence=evidence.get(iri, []),
            )


def write_graphml(g: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``g`` as GraphML: lists and dicts become JSON strings, None is left out."""

    def scalar(attrs: dict) -> dict:
        out = {}
        for key, value in attrs.items():
            if value is None:
                continue
            out[key] = json.dumps(value) if isinstance(value, list | dict | tuple) else value
        return out

    h = nx.MultiDiGraph()
    h.add_nodes_from((n, scalar(a)) for n, a in g.nodes(data=True))
    h.add_edges_from((u, v, k, scalar(a)) for u, v, k, a in g.edges(keys=True, data=True))
    path = Path(path)
    nx.write_graphml(h, path)
    return path
