"""Relationship diagrams of a geokg graph with matplotlib, and the entry point of every
drawing (:func:`draw_graph`: diagrams, the interactive page, timelines).

Entities are drawn with a colour and marker per class (``kg/data/draw_style.json``),
facts as labelled arrows ("stations 4,200 troops", "president", "party to") and
events as nodes linked to who and what took part. Labels are moved apart until
none overlaps another, a node, the legend or the title. What is drawn is chosen by
:func:`kg.explore.select.select`: a whole graph is cut down to its most connected entities.
"""

from __future__ import annotations

import math
import string
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from kg.explore.select import (  # noqa: E402
    DrawError,
    Report,
    Selection,
    find_node,
    load_style,
    select,
)
from kg.networkx_export import to_networkx  # noqa: E402

FORMATS = (".png", ".svg", ".pdf")
PAGE_FORMATS = (".html", ".htm")
NODE_LABEL, EDGE_LABEL = "node-label", "edge-label"
_DPI = 100
_STRESS_MAX_NODES = 600  # above this, the spring layout alone (stress is quadratic)

__all__ = ["DrawError", "draw_graph", "edge_text", "find_node", "render_figure", "select_subgraph"]


def draw_graph(
    dataset_or_nx,
    out: Path | str,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    title: str | None = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
    timeline: bool = False,
    report: Report | None = None,
) -> Path:
    """Draw ``out`` and return its path: a relationship diagram (.png, .svg, .pdf), the
    interactive page (.html), or with ``timeline`` a timeline of events (any of these).

    ``focus`` (a label, alias or IRI) keeps the entities within ``depth`` hops of it; an
    event counts as one hop together with everything it links. ``kinds`` keeps only these
    fact kinds, ``since``/``until`` the facts dated in that range. Without a focus, the
    ``top`` most connected entities are kept (default by format, ``draw_style.json``).
    ``report`` is told what was kept, in one line.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS + PAGE_FORMATS:
        raise DrawError(
            f"{out}: unknown diagram format {out.suffix or '(none)'!r}: "
            f"expected one of {', '.join(FORMATS + PAGE_FORMATS[:1])}"
        )
    options = {"focus": focus, "depth": depth, "kinds": kinds, "since": since, "until": until}
    if timeline:
        from kg.explore.timeline import draw_timeline

        return draw_timeline(dataset_or_nx, out, title=title, top=top, report=report, **options)
    if suffix in PAGE_FORMATS:
        from kg.explore.page import write_page

        return write_page(dataset_or_nx, out, title=title, top=top, report=report, **options)
    fig = render_figure(dataset_or_nx, title=title, top=top, report=report, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=150, bbox_inches="tight", pad_inches=0.3, facecolor="white")
    plt.close(fig)
    return out


def select_subgraph(
    g: nx.MultiDiGraph,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    **options,
) -> nx.MultiDiGraph:
    """The part of ``g`` to draw: edges of ``kinds`` and nodes near ``focus``; other
    options as :func:`kg.explore.select.select`."""
    return select(g, focus, depth, kinds, **options).graph


def render_figure(
    dataset_or_nx,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    title: str | None = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
    report: Report | None = None,
) -> Figure:
    """Lay out and draw the diagram on a new figure (not saved)."""
    g = dataset_or_nx if isinstance(dataset_or_nx, nx.Graph) else to_networkx(dataset_or_nx)
    limit = top if top is not None else load_style()["limits"]["diagram"]
    sel = select(g, focus, depth, kinds, since=since, until=until, top=limit)
    if report is not None:
        report(sel.notice)
    g = sel.graph
    if title is None:
        title = _default_title(sel)
    style = load_style()
    n = g.number_of_nodes()
    side = min(40.0, 6.0 + 2.6 * math.sqrt(max(n, 1)))
    fig, ax = plt.subplots(figsize=(side, side * 0.75), dpi=_DPI)
    ax.set_axis_off()
    ax.set_title(title, fontsize=13, pad=16)
    if n == 0:
        ax.text(0.5, 0.5, "nothing to draw", ha="center", va="center", transform=ax.transAxes)
        return fig
    pos = _layout(g)
    xs, ys = zip(*pos.values(), strict=True)
    ax.set_xlim(min(xs) - 0.15, max(xs) + 0.15)
    ax.set_ylim(min(ys) - 0.15, max(ys) + 0.15)
    ax.set_aspect("auto")
    _draw_nodes(ax, g, pos, style)
    texts = _draw_edges(ax, g, pos, style)
    texts += _draw_node_labels(ax, g, pos, style)
    _draw_legend(ax, g, style)
    _spread_labels(fig, ax, texts, pos, style)
    return fig


def _default_title(sel: Selection) -> str:
    g = sel.graph
    facts = {d.get("fact") for *_e, d in g.edges(data=True)} | {
        d.get("fact") for _n, d in g.nodes(data=True) if d.get("cls") == "Event"
    }
    facts.discard(None)
    head = "geokg"
    if sel.centre is not None:
        head = f"{g.nodes[sel.centre]['label']} (depth {sel.depth})"
    title = f"{head}: {g.number_of_nodes()} nodes, {len(facts)} facts"
    if sel.limited:
        title += f"\n({sel.notice})"
    return title


def _layout(g: nx.MultiDiGraph) -> dict:
    """Node positions in the unit square.

    Each connected part gets a stress layout in a square whose side grows with
    the square root of its size; the squares are packed in rows, largest first
    (lone entities end up in a grid below), then crowded nodes are pushed apart.
    """
    # Pairs linked by several facts get longer edges, leaving room for their labels.
    simple = nx.Graph()
    simple.add_nodes_from(sorted(g))
    for u, v in g.to_undirected().edges():
        links = simple.get_edge_data(u, v, {"links": 0})["links"] + 1
        simple.add_edge(u, v, links=links, length=1.0 + 0.5 * (links - 1))
    n = simple.number_of_nodes()
    parts = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    row_width = max(1.6 * math.sqrt(n), 1.3 * math.sqrt(len(parts[0])))
    placed: dict = {}
    x = y = row_height = 0.0
    for part in parts:
        side = 1.3 * math.sqrt(len(part)) if len(part) > 1 else 0.5
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y - row_height - 0.5, 0.0
        for node, (px, py) in _part_layout(simple.subgraph(part)).items():
            placed[node] = [x + px * side, y - (1.0 - py) * side]
        x += side + 0.5
        row_height = max(row_height, side)
    nodes = sorted(placed)
    pts = [placed[v] for v in nodes]
    _normalise(pts)
    # Keep every pair at least ``gap`` apart.
    gap = 0.75 / math.sqrt(n)
    for _ in range(300):
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                dx, dy = pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]
                dist = math.hypot(dx, dy)
                if dist >= gap:
                    continue
                moved = True
                if dist == 0:
                    dx, dy, dist = 1.0, 0.0, 1.0
                step = (gap - dist) / 2 / dist
                pts[i][0] += dx * step
                pts[i][1] += dy * step
                pts[j][0] -= dx * step
                pts[j][1] -= dy * step
        if not moved:
            break
        _normalise(pts)
    return {v: (p[0], p[1]) for v, p in zip(nodes, pts, strict=True)}


def _part_layout(part: nx.Graph) -> dict:
    """Positions of one connected part in the unit square, keeping its aspect."""
    nodes = sorted(part)
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    start = nx.spring_layout(part, seed=7, iterations=200)
    pts = np.array([start[v] for v in nodes], dtype=float)
    if len(nodes) <= _STRESS_MAX_NODES:
        pts = _stress(part, nodes, pts)
    pts -= pts.min(axis=0)
    pts /= max(pts.max(), 1e-9)
    pts += (1.0 - pts.max(axis=0)) / 2  # centre the shorter side
    return {v: (float(p[0]), float(p[1])) for v, p in zip(nodes, pts, strict=True)}


def _stress(simple: nx.Graph, nodes: list, pts: np.ndarray, rounds: int = 400) -> np.ndarray:
    """Stress majorisation: graph distances become drawing distances (even edge lengths)."""
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    far = np.full((n, n), np.inf)
    for source, lengths in nx.all_pairs_dijkstra_path_length(simple, weight="length"):
        for target, d in lengths.items():
            far[index[source], index[target]] = d
    finite = far[np.isfinite(far)]
    # Separate components sit a little further apart than the longest path.
    far[~np.isfinite(far)] = finite.max() + 1.0
    np.fill_diagonal(far, 0.0)
    weight = np.zeros_like(far)
    off = far > 0
    weight[off] = far[off] ** -2
    pts = pts * (finite.max() / max(np.ptp(pts, axis=0).max(), 1e-9))
    for _ in range(rounds):
        diff = pts[:, None, :] - pts[None, :, :]
        dist = np.linalg.norm(diff, axis=2)
        dist[dist == 0] = 1e-9
        pull = pts[None, :, :] + far[:, :, None] * diff / dist[:, :, None]
        new = (weight[:, :, None] * pull).sum(axis=1) / weight.sum(axis=1)[:, None]
        if np.abs(new - pts).max() < 1e-4:
            return new
        pts = new
    return pts


def _normalise(pts: list[list[float]]) -> None:
    for axis in (0, 1):
        low = min(p[axis] for p in pts)
        span = (max(p[axis] for p in pts) - low) or 1.0
        for p in pts:
            p[axis] = (p[axis] - low) / span


def _class_style(style: dict, cls: str | None) -> dict:
    return style["classes"].get(cls or "", style["default_class"])


def _draw_nodes(ax, g, pos, style) -> None:
    by_class = defaultdict(list)
    for node, data in g.nodes(data=True):
        by_class[data.get("cls")].append(node)
    for cls, nodes in sorted(by_class.items(), key=lambda item: str(item[0])):
        s = _class_style(style, cls)
        size = style["node_size"] * (1.8 if s["marker"] == "*" else 1.0)
        ax.scatter(
            [pos[v][0] for v in nodes],
            [pos[v][1] for v in nodes],
            s=size,
            c=s["color"],
            marker=s["marker"],
            edgecolors="#333333",
            linewidths=0.8,
            zorder=3,
        )


def _node_text(data: dict, style: dict) -> str:
    label = textwrap.fill(str(data.get("label", "")), style["label_wrap"])
    if data.get("cls") == "Event":
        kind = style["event_types"].get(data.get("event_type") or "", "event")
        extra = ", ".join(x for x in (kind, data.get("date")) if x)
        label += f"\n({extra})"
    return label


# Where a node label may sit: angle of the side, offset in points, alignment.
_LABEL_SIDES = (
    (270.0, (0, -13), "center", "top"),
    (90.0, (0, 13), "center", "bottom"),
    (0.0, (13, 0), "left", "center"),
    (180.0, (-13, 0), "right", "center"),
)


def _label_side(node, g, pos, ax) -> tuple:
    """The side of a node its edges leave most free (below when no edge is near)."""
    x0, y0 = ax.transData.transform(pos[node])
    angles = []
    for other in set(g.predecessors(node)) | set(g.successors(node)):
        x1, y1 = ax.transData.transform(pos[other])
        angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)) % 360)

    def clearance(side) -> float:
        gaps = [abs((side[0] - a + 180) % 360 - 180) for a in angles]
        return min(gaps, default=180.0)

    best = max(_LABEL_SIDES, key=lambda side: (min(clearance(side), 60.0), side[0] == 270.0))
    return best


def _draw_node_labels(ax, g, pos, style) -> list:
    texts = []
    for node, data in g.nodes(data=True):
        _angle, offset, ha, va = _label_side(node, g, pos, ax)
        t = ax.annotate(
            _node_text(data, style),
            xy=pos[node],
            xytext=offset,
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=style["node_font_size"],
            zorder=5,
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
        )
        t.set_gid(NODE_LABEL)
        texts.append(t)
    return texts


def edge_text(data: dict, style: dict | None = None) -> str:
    """The label of one edge, from the first template whose fields are all known."""
    style = style or load_style()
    key = data["kind"] if data["kind"] in style["edge_labels"] else f"{data['kind']}.{data['role']}"
    values = dict(data)
    if isinstance(values.get("roles"), list):
        values["roles"] = ", ".join(values["roles"])
    for template in style["edge_labels"].get(key, [key]):
        fields = [f for _t, f, _s, _c in string.Formatter().parse(template) if f]
        if all(values.get(f) not in (None, "", []) for f in fields):
            return template.format(**values)
    return key


def _draw_edges(ax, g, pos, style) -> list:
    """One arc per direction of a pair of nodes, bent apart when a pair has several."""
    symmetric = set(style["symmetric_kinds"])
    bundles: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for u, v, data in g.edges(data=True):
        a, b = sorted((u, v))
        direction = "both" if data["kind"] in symmetric else ("ab" if u == a else "ba")
        line = edge_text(data, style)
        if line not in bundles[(a, b)][direction]:
            bundles[(a, b)][direction].append(line)
            bundles[(a, b)][direction + ":kind"].append(data["kind"])
    texts = []
    to_px = ax.transData.transform
    for (a, b), items in sorted(bundles.items()):
        directions = [d for d in ("both", "ab", "ba") if d in items]
        for i, direction in enumerate(directions):
            rad = 0.0 if len(directions) == 1 else 0.25 * (i - (len(directions) - 1) / 2)
            kinds_here = items[direction + ":kind"]
            color = style["edge_colors"].get(kinds_here[0], "#555555")
            if len(set(kinds_here)) > 1:
                color = "#555555"
            src, dst = (b, a) if direction == "ba" else (a, b)
            ax.annotate(
                "",
                xy=pos[dst],
                xytext=pos[src],
                arrowprops={
                    "arrowstyle": "-" if direction == "both" else "-|>",
                    "color": color,
                    "lw": 1.3,
                    "shrinkA": 11,
                    "shrinkB": 11,
                    "mutation_scale": 14,
                    "connectionstyle": f"arc3,rad={-rad if direction == 'ba' else rad}",
                },
                zorder=2,
            )
            # Midpoint of the arc (a quadratic Bezier) relative to the straight midpoint.
            (x1, y1), (x2, y2) = to_px(pos[a]), to_px(pos[b])
            dx, dy = 0.5 * rad * (y2 - y1), -0.5 * rad * (x2 - x1)
            mid = ((pos[a][0] + pos[b][0]) / 2, (pos[a][1] + pos[b][1]) / 2)
            t = ax.annotate(
                "\n".join(items[direction]),
                xy=mid,
                xytext=(dx * 72 / _DPI, dy * 72 / _DPI),
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=style["edge_font_size"],
                color="#222222",
                zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": color, "lw": 0.6},
            )
            t.set_gid(EDGE_LABEL)
            texts.append(t)
    return texts


def _draw_legend(ax, g, style) -> None:
    present = sorted({d.get("cls") for _n, d in g.nodes(data=True)}, key=str)
    handles = []
    for cls in present:
        s = _class_style(style, cls)
        handles.append(
            Line2D(
                [],
                [],
                marker=s["marker"],
                color="none",
                markerfacecolor=s["color"],
                markeredgecolor="#333333",
                markersize=10,
                label=s["name"],
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=9,
        title="entities",
    )


def _box(artist, renderer) -> Bbox:
    boxes = [artist.get_window_extent(renderer)]
    patch = artist.get_bbox_patch() if hasattr(artist, "get_bbox_patch") else None
    if patch is not None:
        boxes.append(patch.get_window_extent(renderer))
    return Bbox.union(boxes)


def _obstacles(fig, ax, pos, style) -> list[Bbox]:
    """Boxes labels must keep off: node markers, the legend and the title."""
    renderer = fig.canvas.get_renderer()
    r = math.sqrt(style["node_size"]) / 2 * _DPI / 72 + 2
    boxes = []
    for x, y in (ax.transData.transform(p) for p in pos.values()):
        boxes.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    legend = ax.get_legend()
    if legend is not None:
        boxes.append(legend.get_window_extent(renderer))
    boxes.append(ax.title.get_window_extent(renderer))
    return boxes


def _spread_labels(fig, ax, texts, pos, style, rounds: int = 3000, pad: float = 4.0) -> None:
    """Push overlapping labels apart until none overlaps another label or an obstacle.

    Works on the label boxes in display pixels (their sizes do not change when
    a label moves), then sets each label's offset once.
    """
    if not texts:
        return
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    fixed = np.array([b.extents for b in _obstacles(fig, ax, pos, style)])
    boxes = np.array([_box(t, renderer).extents for t in texts])
    start = boxes[:, :2].copy()
    n = len(boxes)
    order = np.sign(np.subtract.outer(np.arange(n), np.arange(n))) * -1.0  # ties: i < j goes up
    best, stalled = math.inf, 0
    for _ in range(rounds):
        push_l, hit_l = _pushes(boxes, boxes, pad, order)
        np.fill_diagonal(hit_l, False)
        push_f, hit_f = _pushes(boxes, fixed, pad, None)
        hits = int(hit_l.sum() + hit_f.sum())
        if hits == 0:
            break
        best, stalled = (hits, 0) if hits < best else (best, stalled + 1)
        if stalled > 300:  # a crowded graph that will not come apart: keep what we have
            break
        shift = 0.5 * (push_l * hit_l[:, :, None]).sum(axis=1)
        shift += (push_f * hit_f[:, :, None]).sum(axis=1)
        boxes[:, [0, 2]] += shift[:, [0]]
        boxes[:, [1, 3]] += shift[:, [1]]
    for t, box, (x0, y0) in zip(texts, boxes, start, strict=True):
        x, y = t.xyann
        t.xyann = (x + (box[0] - x0) * 72 / _DPI, y + (box[1] - y0) * 72 / _DPI)


def _pushes(a: np.ndarray, b: np.ndarray, pad: float, ties) -> tuple[np.ndarray, np.ndarray]:
    """For boxes ``a`` against boxes ``b`` (x0, y0, x1, y1): the move clearing each pair
    along its cheaper axis (shape (len(a), len(b), 2)) and which pairs overlap."""
    ox = np.minimum.outer(a[:, 2], b[:, 2]) - np.maximum.outer(a[:, 0], b[:, 0]) + pad
    oy = np.minimum.outer(a[:, 3], b[:, 3]) - np.maximum.outer(a[:, 1], b[:, 1]) + pad
    hit = (ox > 0.5) & (oy > 0.5)  # within half a pixel of the padding is clear
    dcx = np.subtract.outer(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2])
    dcy = np.subtract.outer(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3])
    along_x = ox < oy
    centre = np.where(along_x, dcx, dcy)
    sign = np.sign(centre)
    if ties is not None:
        sign = np.where(sign == 0, ties, sign)
    sign[sign == 0] = 1.0
    push = np.zeros(ox.shape + (2,))
    push[..., 0] = np.where(along_x, ox * sign, 0.0)
    push[..., 1] = np.where(along_x, 0.0, oy * sign)
    return push, hit


def _overlaps(a: Bbox, b: Bbox) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


def label_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of labels (and legend/title) of a rendered figure whose boxes overlap."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    named: list[tuple[str, Bbox]] = []
    for ax in fig.axes:
        for t in ax.texts:
            if t.get_gid() in (NODE_LABEL, EDGE_LABEL):
                named.append((t.get_text(), _box(t, renderer)))
        legend = ax.get_legend()
        if legend is not None:
            named.append(("<legend>", legend.get_window_extent(renderer)))
        if ax.get_title():
            named.append(("<title>", ax.title.get_window_extent(renderer)))
    pairs = []
    for i, (name_a, a) in enumerate(named):
        for name_b, b in named[i + 1 :]:
            if _overlaps(a, b):
                pairs.append((name_a, name_b))
    return pairs
