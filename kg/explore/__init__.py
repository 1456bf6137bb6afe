"""Exploring a geokg graph: what to show (:mod:`.select`), an interactive page
(:mod:`.page`), a timeline of events (:mod:`.timeline`) and the view inline in
Jupyter (:mod:`.notebook`)."""

from kg.explore.notebook import GraphView, show
from kg.explore.page import write_page
from kg.explore.select import Selection, find_node, select
from kg.explore.timeline import draw_timeline

__all__ = [
    "GraphView",
    "Selection",
    "draw_timeline",
    "find_node",
    "select",
    "show",
    "write_page",
]
