"""RDF terms: sort keys, canonical literals, and conversion between rdflib and Oxigraph."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.rdf.namespaces import XSD

Triple = tuple[Node, Node, Node]
GraphName = URIRef | None  # None: the default graph
Quad = tuple[Node, Node, Node, GraphName]
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
DEFAULT_GRAPH = ox.DefaultGraph()


@lru_cache(maxsize=1 << 16)  # predicates, classes and entities recur in nearly every triple
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


def graph_key(name: GraphName) -> tuple[int, str, str, str]:
    """Sort key of a graph name, the default graph (None) first."""
    return (-1, "", "", "") if name is None else term_key(name)


def quad_key(quad: Quad) -> tuple[tuple[int, str, str, str], ...]:
    """Sort key of a quad: graph (the default graph first), then the triple's terms."""
    s, p, o, g = quad
    return (graph_key(g), term_key(s), term_key(p), term_key(o))


def canonical_decimal(text: str) -> str:
    """XSD 1.0 canonical decimal: "800.0", "0.9" (what Turtle readers and writers keep).

    Infinities and NaN have no xsd:decimal form: ``ValueError``.
    """
    number = Decimal(text)
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a finite decimal")
    canonical = format(number.normalize(), "f")
    return canonical if "." in canonical else canonical + ".0"


def to_ox(term: Node) -> OxTerm:
    """The Oxigraph term of an rdflib term."""
    kind = type(term)  # exact types first: this runs once per term of every quad written
    if kind is URIRef:
        return ox.NamedNode(term)
    if kind is Literal or isinstance(term, Literal):
        if term.language:
            return ox.Literal(term, language=term.language)
        if term.datatype:
            return ox.Literal(term, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term)
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store RDF term {term!r}")


class OxConverter:
    """Converts quads to Oxigraph, each distinct term once (predicates, classes and entities
    recur in nearly every quad of a build)."""

    def __init__(self) -> None:
        self._cache: dict[Node | None, object] = {None: DEFAULT_GRAPH}

    def term(self, term: Node) -> OxTerm:
        converted = self._cache.get(term)
        if converted is None:
            converted = self._cache[term] = to_ox(term)
        return converted  # type: ignore[return-value]

    def quad(self, quad: Quad) -> ox.Quad:
        s, p, o, g = quad
        graph = self._cache.get(g)
        if graph is None:
            graph = self._cache[g] = ox.NamedNode(g)
        return ox.Quad(self.term(s), self.term(p), self.term(o), graph)

    def triple(self, triple: Triple) -> ox.Triple:
        s, p, o = triple
        return ox.Triple(self.term(s), self.term(p), self.term(o))

    def quads(self, quads: Iterable[Quad]) -> list[ox.Quad]:
        return [self.quad(q) for q in quads]


def from_ox(term: OxTerm) -> Node:
    """The rdflib term of an Oxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == str(XSD.string):
        return Literal(term.value)
    if datatype == str(XSD.decimal):  # the store drops ".0"; Turtle keeps it
        try:
            return Literal(canonical_decimal(term.value), datatype=XSD.decimal)
        except (ValueError, ArithmeticError):
            pass  # an ill-typed value is kept as written
    return Literal(term.value, datatype=URIRef(datatype))


def from_ox_quad(quad: ox.Quad) -> Quad:
    g = quad.graph_name
    graph = None if isinstance(g, ox.DefaultGraph) else URIRef(g.value)
    return from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object), graph


def ntriples(triples: Iterable[Triple], converter: OxConverter | None = None) -> str:
    """Triples as N-Triples text (one line each, in the order given)."""
    converter = converter or OxConverter()
    data = ox.serialize([converter.triple(t) for t in triples], format=ox.RdfFormat.N_TRIPLES)
    return data.decode("utf-8") if data else ""


def parse_ntriples(text: str) -> list[Triple]:
    """Triples from N-Triples text (``ValueError``/``SyntaxError`` if it is not)."""
    out: list[Triple] = []
    for t in ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
        out.append((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    return out
