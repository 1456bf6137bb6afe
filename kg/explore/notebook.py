"""The interactive page inline in Jupyter: an iframe holding the same self-contained page."""

from __future__ import annotations

import html
from collections.abc import Sequence

from kg.explore.page import page_html


class GraphView:
    """A graph's interactive page; Jupyter shows it inline, ``save`` writes it to a file."""

    def __init__(self, page: str, height: int = 640) -> None:
        self.html = page
        self.height = height

    def _repr_html_(self) -> str:
        # srcdoc keeps the page's scripts apart from the notebook's; no file or server needed.
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
            f'style="width: 100%; height: {self.height}px; border: 1px solid #ddd" '
            'sandbox="allow-scripts"></iframe>'
        )

    def save(self, path) -> None:
        from pathlib import Path

        Path(path).write_text(self.html, encoding="utf-8")


def show(
    graph,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
    title: str | None = None,
    height: int = 640,
) -> GraphView:
    """The interactive view of ``graph`` (a ``KnowledgeGraph``, an rdflib dataset, a
    pyoxigraph store or the NetworkX view) for a notebook; options as ``kg draw``."""
    dataset = getattr(graph, "dataset", graph)
    page = page_html(
        dataset,
        focus=focus,
        depth=depth,
        kinds=kinds,
        since=since,
        until=until,
        top=top,
        title=title,
    )
    return GraphView(page, height)
