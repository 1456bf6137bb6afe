"""What a view of a graph shows: the entity to focus on, the facts kept by kind and date,
and a limit on the number of entities, with a notice saying what was kept.

Every drawing (static diagram, interactive page, timeline) goes through :func:`select`,
so a graph of thousands of entities is cut down before anything is laid out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import networkx as nx

from kg.errors import GeokgError
from kg.networkx_export import edge_kind_names

GKR = "https://w3id.org/geokg/resource/"
STYLE_PATH = Path(__file__).resolve().parent.parent / "data" / "draw_style.json"
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FAR_FUTURE = date(9999, 12, 31)

Report = Callable[[str], None]


class DrawError(GeokgError, ValueError):
    """A diagram that cannot be drawn as asked."""


@cache
def load_style() -> dict:
    """The drawing style: colours, markers, edge label templates and view limits."""
    return json.loads(STYLE_PATH.read_text(encoding="utf-8"))


@dataclass
class Selection:
    """The part of a graph a view shows, and what was left out."""

    graph: nx.MultiDiGraph
    centre: str | None = None
    notice: str = ""
    total: int = 0  # entities (and events) in the whole graph
    limited: bool = False  # True when the limit left out entities that would have been shown
    filters: list[str] = field(default_factory=list)
    depth: int = 0  # hops around the centre
    partners: dict[str, int] = field(default_factory=dict)  # kept node → partners in the graph


# -- focus ------------------------------------------------------------------------------


def find_node(g: nx.MultiDiGraph, text: str) -> str:
    """The node named ``text``: its IRI (or ``gkr:`` form), else the entity whose label or
    alias is ``text`` exactly, else case-insensitively.

    Several entities of one name: countries, people and organisations go before places
    and others, and a label before an alias; a tie left is an error listing them all.
    """
    wanted = text.strip()
    if wanted.startswith("gkr:"):
        wanted = GKR + wanted[4:]
    if wanted in g:
        return wanted
    tiers = load_style()["focus_preference"]
    for same in (lambda a, b: a == b, lambda a, b: a.casefold() == b.casefold()):
        found: dict[str, tuple[int, int]] = {}
        for node, data in g.nodes(data=True):
            label = data.get("label")
            aliases = data.get("alt_labels") or []
            if isinstance(label, str) and same(label, wanted):
                alias = 0
            elif any(isinstance(a, str) and same(a, wanted) for a in aliases):
                alias = 1
            else:
                continue
            cls = data.get("cls")
            found[node] = (tiers.index(cls) if cls in tiers else len(tiers), alias)
        if found:
            best = min(found.values())
            chosen = sorted(n for n, rank in found.items() if rank == best)
            if len(chosen) == 1:
                return chosen[0]
            listed = "; ".join(_describe(g, n) for n in chosen)
            raise DrawError(
                f"ambiguous focus entity {text!r}: {len(chosen)} entities have this name "
                f"({listed}): give one of these IRIs instead"
            )
    raise DrawError(f"unknown focus entity {text!r}: no entity has this label, alt label or IRI")


def _describe(g: nx.MultiDiGraph, node: str) -> str:
    data = g.nodes[node]
    cls = _class_name(data.get("cls"))
    short = "gkr:" + node[len(GKR) :] if node.startswith(GKR) else node
    return f"{data.get('label', short)} ({cls}, {short})"


def _class_name(cls: str | None) -> str:
    style = load_style()
    return style["classes"].get(cls or "", style["default_class"])["name"]


# -- dates ------------------------------------------------------------------------------


def parse_date(text: str, name: str) -> tuple[date, date]:
    """The days a date bound covers: ``2021`` is the whole year, ``2021-05`` a month."""
    span = date_span(text)
    if span is None:
        raise DrawError(f"{name} {text!r}: not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    return span


def date_span(value: object) -> tuple[date, date] | None:
    """First and last day of a year, month or day value (int, str or date), else None."""
    if isinstance(value, date):
        return value, value
    match = _DATE.match(str(value).strip()[:10]) if value is not None else None
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            d = date(int(year), int(month), int(day))
            return d, d
        if month:
            first = date(int(year), int(month), 1)
            after = date(int(year) + (first.month == 12), first.month % 12 + 1, 1)
            return first, date.fromordinal(after.toordinal() - 1)
        return date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError:
        return None


def fact_span(g: nx.MultiDiGraph, u: str, data: dict) -> tuple[date, date] | None:
    """When a fact holds, from its date attributes (style ``fact_dates``); None if undated.

    An event's edges take the event node's date; a membership ``since`` a year lasts on.
    """
    values = dict(data)
    if data.get("kind") == "event":
        values = {"date": g.nodes[u].get("date")}
    for attr, how in load_style()["fact_dates"].items():
        span = date_span(values.get(attr))
        if span is not None:
            return (span[0], _FAR_FUTURE) if how == "from" else span
    return None


# -- selection --------------------------------------------------------------------------


def select(
    g: nx.MultiDiGraph,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
) -> Selection:
    """The entities and facts a view shows, at most ``top`` of them (None: no limit).

    Without ``focus``, the ``top`` most connected entities that take part in a fact;
    with it, those within ``depth`` hops of it (an event is one hop with all it links),
    nearest first. ``kinds`` keeps these fact kinds; ``since``/``until`` leave out facts
    dated outside the range (undated facts stay).
    """
    if depth < 0:
        raise DrawError(f"depth must be 0 or more, not {depth}")
    if top is not None and top < 1:
        raise DrawError(f"top must be 1 or more, not {top}")
    centre = find_node(g, focus) if focus is not None else None
    total = g.number_of_nodes()
    filters = []
    keep_edges = None
    if kinds is not None:
        known = edge_kind_names()
        unknown = sorted(set(kinds) - set(known))
        if unknown:
            raise DrawError(
                f"unknown fact kind(s) {', '.join(unknown)}: expected {', '.join(known)}"
            )
        filters.append("facts of kind " + ", ".join(kinds))
    low = parse_date(since, "since")[0] if since else None
    high = parse_date(until, "until")[1] if until else None
    if low or high:
        filters.append(
            "facts dated "
            + (f"from {since} " if since else "")
            + (f"until {until}" if until else "")
        )
    if kinds is not None or low or high:
        keep_edges = []
        for u, v, k, d in g.edges(keys=True, data=True):
            if kinds is not None and d["kind"] not in kinds:
                continue
            span = fact_span(g, u, d) if low or high else None
            if span and ((low and span[1] < low) or (high and span[0] > high)):
                continue
            keep_edges.append((u, v, k))
        h = g.edge_subgraph(keep_edges).copy()
        if centre is not None and centre not in h:
            h.add_node(centre, **g.nodes[centre])
        g = h
    if centre is not None:
        sel = _around(g, centre, depth, top, total, filters)
    else:
        sel = _most_connected(g, top, total, filters, filtered=keep_edges is not None)
    sel.partners = {n: len(_partners(g, n)) for n in sel.graph}
    return sel


def _partners(g: nx.MultiDiGraph, node: str) -> set[str]:
    return {*g.predecessors(node), *g.successors(node)} - {node}


def _connections(g: nx.MultiDiGraph) -> dict[str, int]:
    """Distinct neighbours of each node, whatever the direction and number of facts."""
    return {n: len(_partners(g, n)) for n in g}


def _around(g, centre, depth, top, total, filters) -> Selection:
    undirected = g.to_undirected(as_view=True)

    def hop(u, _v, _d) -> int:  # leaving an event costs nothing: it is one hop with its links
        return 0 if g.nodes[u].get("cls") == "Event" else 1

    near = nx.single_source_dijkstra_path_length(undirected, centre, cutoff=depth, weight=hop)
    degree = _connections(g.subgraph(near))
    ranked = sorted(near, key=lambda n: (near[n], -degree[n], str(g.nodes[n].get("label")), n))
    kept = ranked[:top] if top else ranked
    label = g.nodes[centre].get("label", centre)
    hops = "hop" if depth == 1 else "hops"
    notice = f"kept the {len(kept):,} entities within {depth} {hops} of {label}"
    if len(kept) < len(ranked):
        notice += f" (the nearest and most connected of {len(ranked)}; raise the limit to see more)"
    return Selection(
        g.subgraph(kept).copy(),
        centre,
        _with_filters(notice, filters),
        total,
        len(kept) < len(ranked),
        filters,
        depth,
    )


def _most_connected(g, top, total, filters, filtered: bool) -> Selection:
    degree = _connections(g)
    linked = [n for n, d in degree.items() if d > 0]
    # A graph without any fact still shows its entities; otherwise only those in a fact.
    pool = linked if linked or filtered else list(g)
    ranked = sorted(pool, key=lambda n: (-degree[n], str(g.nodes[n].get("label")), n))
    kept = _connected_top(g, ranked, top) if top and linked else ranked[:top]
    left_out = total - len(kept)
    if len(kept) < len(ranked):
        notice = (
            f"kept the {len(kept):,} most connected of {total:,} entities "
            f"({len(ranked):,} take part in a shown fact); focus on an entity or raise "
            "the limit to see others"
        )
    elif left_out:
        notice = f"kept all {len(kept):,} entities with a fact; {left_out:,} without one left out"
    else:
        notice = f"kept all {len(kept):,} entities"
    return Selection(
        g.subgraph(kept).copy(),
        None,
        _with_filters(notice, filters),
        total,
        len(kept) < len(ranked),
        filters,
    )


def _connected_top(g: nx.MultiDiGraph, ranked: list[str], top: int) -> list[str]:
    """At most ``top`` of ``ranked``, in rank order, none of them a lone dot: an entity none
    of whose partners is kept yet comes with its best-ranked partner."""
    rank = {n: i for i, n in enumerate(ranked)}
    kept: list[str] = []
    chosen: set[str] = set()
    for n in ranked:
        if len(kept) >= top:
            break
        if n in chosen:
            continue
        partners = _partners(g, n) & rank.keys()
        if partners & chosen:
            kept.append(n)
            chosen.add(n)
        elif partners and len(kept) + 2 <= top:
            partner = min(partners, key=rank.__getitem__)
            kept += [n, partner]
            chosen |= {n, partner}
    return kept


def _with_filters(notice: str, filters: list[str]) -> str:
    return notice + ("; only " + " and ".join(f.strip() for f in filters) if filters else "")
