"""``kg export``: a graph store (or file) written to another format.

TriG and N-Quads keep each document's graph and are streamed from the store in its own
order, so memory stays flat whatever the size; Turtle, N-Triples and JSON-LD hold the union
of the graphs; GraphML and GEXF hold the NetworkX view of entities and facts
(:mod:`kg.networkx_export`). The claim counts a store keeps for its own upkeep are not
exported: they are derived from the documents' claims and rebuilt from them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from kg.errors import OutputError
from kg.graph import KnowledgeGraph
from kg.rdf.io import FILE_FORMATS, OX_FORMATS, _write_file, write_quads
from kg.rdf.namespaces import PREFIXES
from kg.rdf.store import content_quads
from kg.rdf.terms import from_ox_quad

STREAMED = frozenset({".trig", ".nq"})
NETWORK_FORMATS = frozenset({".graphml", ".gexf"})
EXPORT_FORMATS = tuple(sorted(set(FILE_FORMATS) | NETWORK_FORMATS))


def export(source: str | Path, out: str | Path) -> Path:
    """Write the graph at ``source`` (a store or a graph file) to ``out``, in the format its
    extension names; the file is replaced in one step."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        known = ", ".join(EXPORT_FORMATS)
        raise OutputError(str(out), f"unknown export format {suffix or '(none)'!r} (use {known})")
    graph = KnowledgeGraph.open(source)
    try:
        if suffix in NETWORK_FORMATS:
            _write_network(graph, out, suffix)
        else:
            with graph.oxigraph() as store:
                if suffix in STREAMED:
                    _stream(store, out, suffix)
                else:
                    write_quads((from_ox_quad(q) for q in content_quads(store)), out)
    finally:
        graph.close()
    return out


def _stream(store: ox.Store, out: Path, suffix: str) -> None:
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    fmt = OX_FORMATS[suffix]
    options = {"prefixes": prefixes} if fmt == ox.RdfFormat.TRIG else {}
    _write_file(out, lambda handle: ox.serialize(content_quads(store), handle, fmt, **options))


def _write_network(graph: KnowledgeGraph, out: Path, suffix: str) -> None:
    import networkx as nx

    g = graph.to_networkx()
    # Both formats take scalars only: lists and dicts as JSON text (as kg.write_graphml does).
    h = nx.MultiDiGraph()
    h.add_nodes_from((n, _scalars(a)) for n, a in g.nodes(data=True))
    h.add_edges_from((u, v, k, _scalars(a)) for u, v, k, a in g.edges(keys=True, data=True))
    write = nx.write_graphml if suffix == ".graphml" else nx.write_gexf
    _write_file(out, lambda handle: write(h, handle))


def _scalars(attrs: dict) -> dict:
    out = {}
    for key, value in attrs.items():
        if value is None:
            continue
        out[key] = json.dumps(value) if isinstance(value, list | dict | tuple) else value
    return out
