"""Where triples live: one description of everything, evidence per document.

A graph written by geokg has

- one named graph per document (named by the document's IRI) holding only what is that
  document's alone: the ``gk:Document`` node, its ``gk:Evidence`` nodes and the
  ``?node gk:evidence ?ev`` links to them, and ``gk:claims``, the N-Triples of what the
  document says about shared nodes;
- one named graph, :func:`~kg.rdf.iris.descriptions_graph`, with the description of every
  entity and fact node: classes, the one ``rdfs:label``, ``skos:altLabel``, ``owl:sameAs``,
  the facts' properties and shortcut triples. It is derived from the claims of all documents
  (:func:`resolve`), so a description is written once whatever the number of documents that
  make it, and rebuilding a document replaces what it said.

A query over the union of the graphs therefore sees every entity once, with one label, and
counts come out right. Formats without named graphs (Turtle, N-Triples, JSON-LD) hold the same
triples; :func:`split` finds each document's part again from the triples themselves.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.rdf.iris import descriptions_graph
from kg.rdf.namespaces import GK, RDF, RDFS, SKOS
from kg.rdf.terms import OxConverter, Quad, Triple, ntriples, parse_ntriples, term_key, triple_key

# Properties with at most one value per node; on a conflict the smallest value is kept (the
# largest for confidence, the canonical name for labels), so that the output stays valid and
# deterministic.
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


@dataclass
class DocumentPart:
    """What one document contributes to a graph."""

    graph: URIRef  # the document's IRI, also the name of its graph
    evidence: list[Triple] = field(default_factory=list)  # the document's own triples
    claims: list[Triple] = field(default_factory=list)  # what it says about shared nodes

    def quads(self, converter: OxConverter | None = None) -> Iterator[Quad]:
        """The document graph: its own triples and its claims as one literal, sorted."""
        triples = set(self.evidence)
        if self.claims:
            triples.add((self.graph, GK.claims, Literal(ntriples(self.claims, converter))))
        for s, p, o in sorted(triples, key=triple_key):
            yield s, p, o, self.graph


# --- labels and single values -------------------------------------------------------


def label_rank(text: str, documents: int = 1) -> tuple:
    """Sort key of candidate names, the canonical one first: the name most documents give, then
    one in Latin script, then the one keeping more of its accents ("Sebastián Piñera" before
    "Sebastian Pinera"), then the first in code-point order."""
    non_latin = accented = 0
    for char in text:
        if char.isalpha():
            if ord(char) > 0x24F:  # beyond Latin Extended-B
                non_latin += 1
            elif ord(char) > 0x7F and unicodedata.decomposition(char):
                accented += 1
    return (-documents, non_latin, -accented, text)


def _value_key(node: Node) -> tuple:
    if isinstance(node, Literal) and isinstance(node.value, (int, float, Decimal)):
        return (0, node.value, term_key(node))
    return (1, 0, term_key(node))


def resolve(triples: Iterable[Triple], label_documents: Counter | None = None) -> list[Triple]:
    """A valid description from possibly conflicting triples, sorted.

    Each single-valued property keeps one value; a name that loses to the canonical label is
    still a name and stays as ``skos:altLabel``. ``label_documents`` counts, per (node, label),
    the documents that give that label.
    """
    out = set(triples)
    groups: dict[tuple[Node, Node], list[Node]] = {}
    for s, p, o in out:
        if p in SINGLE_VALUED:
            groups.setdefault((s, p), []).append(o)
    for (s, p), objects in groups.items():
        if len(objects) < 2:
            continue
        if p == RDFS.label:
            counts = label_documents or Counter()
            keep = min(objects, key=lambda o: label_rank(str(o), counts.get((s, o), 1)))
        else:
            ordered = sorted(objects, key=_value_key)
            keep = ordered[-1] if p in KEEP_LARGEST else ordered[0]
        for o in objects:
            if o != keep:
                out.discard((s, p, o))
                if p == RDFS.label:
                    out.add((s, SKOS.altLabel, o))
    for s, p, o in list(out):  # an alternative name equal to the label is no alternative
        if p == SKOS.altLabel and (s, RDFS.label, o) in out:
            out.discard((s, p, o))
    return sorted(out, key=triple_key)


def descriptions(parts: Iterable[DocumentPart], extra: Iterable[Triple] = ()) -> list[Triple]:
    """The description graph of a set of documents: the resolution of all their claims."""
    claims: set[Triple] = set(extra)
    label_documents: Counter = Counter()
    for part in parts:
        for triple in part.claims:
            claims.add(triple)
            if triple[1] == RDFS.label:
                label_documents[triple[0], triple[2]] += 1
    return resolve(claims, label_documents)


def assemble(parts: Iterable[DocumentPart], extra: Iterable[Triple] = ()) -> Iterator[Quad]:
    """Every quad of a graph made of these documents, sorted by graph then triple."""
    parts = sorted(parts, key=lambda part: term_key(part.graph))
    converter = OxConverter()
    described = descriptions(parts, extra)
    shared = descriptions_graph()
    groups = [(term_key(p.graph), p.quads(converter)) for p in parts]
    groups.append((term_key(shared), ((s, p, o, shared) for s, p, o in described)))
    for _, quads in sorted(groups, key=lambda group: group[0]):
        yield from quads


# --- finding each document's part again -----------------------------------------------


@dataclass
class Split:
    """A graph taken apart: each document's part, and descriptions no document claims (a graph
    written before documents kept their claims)."""

    parts: dict[URIRef, DocumentPart]
    unclaimed: list[Triple]


def split(quads: Iterable[Quad]) -> Split:
    """Each document's part of a graph, from its quads (named graphs or one union graph).

    A document's own triples are found by their shape (the document node, nodes with
    ``gk:document`` it, links to those); its claims come from its ``gk:claims``. For a graph of
    the earlier layout, without claims, the description triples in a document's named graph are
    its claims, and descriptions in no document graph are kept as they are.
    """
    quads = list(quads)
    docs = {s for s, p, o, _ in quads if p == RDF.type and o == GK.Document}
    evidence_doc = {s: o for s, p, o, _ in quads if p == GK.document and o in docs}
    parts = {d: DocumentPart(graph=d) for d in docs}
    claimed: set[URIRef] = set()
    in_graph: dict[URIRef, list[Triple]] = {}
    loose: list[Triple] = []
    shared = descriptions_graph()
    for s, p, o, g in quads:
        if s in parts:
            if p == GK.claims:
                parts[s].claims.extend(parse_ntriples(str(o)))
                claimed.add(s)
            else:
                parts[s].evidence.append((s, p, o))
        elif s in evidence_doc:
            parts[evidence_doc[s]].evidence.append((s, p, o))
        elif p == GK.evidence and o in evidence_doc:
            parts[evidence_doc[o]].evidence.append((s, p, o))
        elif g in parts:
            in_graph.setdefault(g, []).append((s, p, o))
        elif g != shared:
            loose.append((s, p, o))
    for doc, triples in in_graph.items():
        if doc not in claimed:
            parts[doc].claims.extend(triples)
    unclaimed = loose if docs and not claimed else []
    return Split(parts=parts, unclaimed=unclaimed)


def merge(existing: Iterable[Quad], new: Iterable[DocumentPart]) -> Iterator[Quad]:
    """``existing`` with each document of ``new`` added, or replacing its earlier version."""
    taken = split(existing)
    for part in new:
        taken.parts[part.graph] = part
    return assemble(taken.parts.values(), taken.unclaimed)
