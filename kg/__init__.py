"""geokg: news articles about world politics → a traced, queryable knowledge graph.

import kg
graph = kg.build("articles/").graph        # a path, a list of paths, or none: the samples
rows = graph.query("positions")            # a competency query, or any SPARQL
kg.draw(graph, "diagram.png", focus="South Korea")
kg.show(graph, focus="South Korea")         # the interactive view, inline in Jupyter
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kg import arguments
from kg.build import BuildResult, build
from kg.errors import DocumentError, GeokgError, InputError, MissingDependencyError
from kg.graph import KnowledgeGraph

__version__ = "0.1.0"


def load(path: str | Path) -> KnowledgeGraph:
    """Open a graph written by ``kg build`` (a file or an Oxigraph store folder)."""
    return KnowledgeGraph.load(arguments.as_path(path, "path"))


def _graph(graph: KnowledgeGraph | str | Path) -> KnowledgeGraph:
    if isinstance(graph, KnowledgeGraph):
        return graph
    return KnowledgeGraph.load(arguments.as_path(graph, "graph"))


def query(graph: KnowledgeGraph | str | Path, sparql: str, **options: Any) -> Any:
    """Run a SPARQL query (text, a .rq path, or a competency query name) on a graph; options
    as ``KnowledgeGraph.query`` (``timeout``, ``max_rows``, ``allow_service``)."""
    arguments.instance(sparql, str, "sparql")
    return _graph(graph).query(sparql, **options)


def draw(graph: KnowledgeGraph | str | Path, out: str | Path, **options: Any) -> Path:
    """Draw a relationship diagram (.png, .svg or .pdf); options as ``kg draw``."""
    graph = _graph(graph)
    out = arguments.as_path(out, "out")
    try:
        return graph.draw(out, **options)
    except ModuleNotFoundError as exc:
        if not exc.name or exc.name.split(".")[0] == "kg":
            raise
        raise MissingDependencyError(exc.name.split(".")[0], "drawing a diagram") from exc


def show(graph: KnowledgeGraph | str | Path, **options: Any) -> Any:
    """The interactive view of a graph, shown inline by Jupyter; options as ``kg draw``
    (``focus``, ``depth``, ``kinds``, ``since``, ``until``, ``top``) and ``height``."""
    from kg.explore import show as _show

    return _show(_graph(graph), **options)


def to_networkx(graph: KnowledgeGraph | str | Path) -> Any:
    """The graph as a ``networkx.MultiDiGraph`` of entities and facts."""
    return _graph(graph).to_networkx()


def write_graphml(graph: KnowledgeGraph | str | Path, out: str | Path) -> Path:
    """Export the NetworkX view of a graph to GraphML (lists and evidence as JSON text)."""
    from kg.networkx_export import write_graphml as _write

    return _write(to_networkx(graph), arguments.as_path(out, "out"))


__all__ = [
    "BuildResult",
    "DocumentError",
    "GeokgError",
    "InputError",
    "KnowledgeGraph",
    "MissingDependencyError",
    "build",
    "draw",
    "load",
    "query",
    "show",
    "to_networkx",
    "write_graphml",
    "__version__",
]
