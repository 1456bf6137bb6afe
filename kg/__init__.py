"""geokg: news articles about world politics → a traced, queryable knowledge graph.

import kg
graph = kg.build(["articles/"]).graph      # or kg.build() for the sample articles
rows = graph.query("positions")            # a competency query, or any SPARQL
kg.draw(graph, "diagram.png", focus="South Korea")
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg.build import BuildResult, build
from kg.graph import KnowledgeGraph

__version__ = "0.1.0"


def load(path: str | Path) -> KnowledgeGraph:
    """Open a graph written by ``kg build`` (a file or an Oxigraph store folder)."""
    return KnowledgeGraph.load(path)


def query(graph: KnowledgeGraph | str | Path, sparql: str) -> Any:
    """Run a SPARQL query (text, a .rq path, or a competency query name) on a graph."""
    if not isinstance(graph, KnowledgeGraph):
        graph = load(graph)
    return graph.query(sparql)


def draw(graph: KnowledgeGraph | str | Path, out: str | Path, **options: Any) -> Path:
    """Draw a relationship diagram (.png, .svg or .pdf); options as ``kg draw``."""
    if not isinstance(graph, KnowledgeGraph):
        graph = load(graph)
    return graph.draw(out, **options)


def to_networkx(graph: KnowledgeGraph | str | Path) -> Any:
    """The graph as a ``networkx.MultiDiGraph`` of entities and facts."""
    if not isinstance(graph, KnowledgeGraph):
        graph = load(graph)
    return graph.to_networkx()


def write_graphml(graph: KnowledgeGraph | str | Path, out: str | Path) -> Path:
    """Export the NetworkX view of a graph to GraphML (lists and evidence as JSON text)."""
    from kg.networkx_export import write_graphml as _write

    return _write(to_networkx(graph), out)


__all__ = [
    "BuildResult",
    "KnowledgeGraph",
    "build",
    "draw",
    "load",
    "query",
    "to_networkx",
    "write_graphml",
    "__version__",
]
