"""A timeline of events: one row per actor, events at their dates, coloured by type.

An event with several actors sits on each of their rows, joined by a thin line. Drawn
with matplotlib (.png, .svg, .pdf); an .html timeline is a self-contained page holding
the same picture as inline SVG and a table of the events with their sentences.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from kg.explore.page import load_graph  # noqa: E402
from kg.explore.select import DrawError, Report, date_span, load_style, select  # noqa: E402

ACTOR_ROLES = ("agent", "participant", "target")
FORMATS = (".png", ".svg", ".pdf", ".html", ".htm")


@dataclass(frozen=True)
class TimelineEvent:
    """One dated event and who took part, by role."""

    iri: str
    label: str
    event_type: str
    day: date
    actors: tuple[tuple[str, str], ...]  # (role, actor IRI)
    location: str | None
    sentence: str | None
    document: str | None


def timeline_events(g, events_of=None) -> tuple[list[TimelineEvent], int]:
    """The dated events of ``g`` (in date order) and the number of undated ones left out."""
    style = load_style()
    found, undated = [], 0
    for node, data in g.nodes(data=True):
        if data.get("cls") != "Event" or (events_of is not None and node not in events_of):
            continue
        span = date_span(data.get("date"))
        if span is None:
            undated += 1
            continue
        actors, location = [], None
        for _u, other, edge in g.out_edges(node, data=True):
            if edge.get("role") in ACTOR_ROLES:
                actors.append((edge["role"], other))
            elif edge.get("role") == "location":
                location = g.nodes[other].get("label", other)
        evidence = sorted(data.get("evidence") or [], key=lambda e: -(e.get("confidence") or 0))
        found.append(
            TimelineEvent(
                node,
                str(data.get("label") or node),
                style["event_types"].get(data.get("event_type") or "", "event"),
                span[0],
                tuple(sorted(set(actors), key=lambda a: (ACTOR_ROLES.index(a[0]), a[1]))),
                location,
                evidence[0].get("sentence") if evidence else None,
                str(evidence[0].get("document")) if evidence else None,
            )
        )
    found.sort(key=lambda e: (e.day, e.label, e.iri))
    return found, undated


def timeline_figure(
    dataset_or_nx,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
    title: str | None = None,
    report: Report | None = None,
) -> tuple[Figure, list[TimelineEvent], dict, dict[str, dict]]:
    """The timeline figure, its events, the actors' labels and the graph's documents."""
    g, documents = load_graph(dataset_or_nx)
    if kinds is not None and "event" not in kinds:
        raise DrawError("a timeline shows events: --kinds must include event")
    sel = select(g, focus, depth, kinds, since=since, until=until)
    events, undated = timeline_events(sel.graph)
    style = load_style()
    limit = top if top is not None else style["limits"]["timeline_rows"]
    counts = Counter(a for e in events for _r, a in e.actors)
    ranked = sorted(counts, key=lambda a: (a != sel.centre, -counts[a], _label(g, a), a))
    chosen = set(ranked[:limit])
    first: dict[str, int] = {}
    for e in events:
        for _r, a in e.actors:
            first.setdefault(a, len(first))
    # In order of first appearance (agents first): an event's actors sit on neighbouring rows.
    rows = sorted(chosen, key=lambda a: (a != sel.centre, first[a]))
    shown = [e for e in events if any(a in chosen for _r, a in e.actors)]
    where = f"around {g.nodes[sel.centre]['label']}" if sel.centre else "in the graph"
    notice = f"{len(shown)} dated events {where} on {len(rows)} actors' rows"
    if len(rows) < len(ranked):
        notice += f" (the {len(rows)} with most events of {len(ranked)})"
    if undated:
        notice += f"; {undated} undated events left out"
    if report is not None:
        report(notice)
    label_of = {a: _label(g, a) for a in rows}
    fig = _draw(shown, rows, label_of, title or f"Events {where}", notice, style)
    return fig, shown, label_of, documents


def _label(g, node: str) -> str:
    return str(g.nodes[node].get("label") or node)


def _draw(events, rows, label_of, title, notice, style) -> Figure:
    height = 1.6 + 0.42 * max(len(rows), 1)
    fig, ax = plt.subplots(figsize=(12, height), dpi=100)
    ax.set_title(f"{title}\n{notice}", fontsize=11, loc="left")
    if not events:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no dated event to show", ha="center", va="center")
        return fig
    y_of = {a: len(rows) - 1 - i for i, a in enumerate(rows)}
    colors = style["event_colors"]
    types = []
    for e in events:
        ys = sorted(y_of[a] for _r, a in e.actors if a in y_of)
        x = mdates.date2num(e.day)
        color = colors.get(e.event_type, colors["event"])
        if e.event_type not in types:
            types.append(e.event_type)
        if len(ys) > 1:
            ax.plot([x, x], [ys[0], ys[-1]], color=color, lw=1, alpha=0.6, zorder=1)
        if len(events) <= style["limits"]["timeline_labels"]:
            ax.annotate(
                textwrap.shorten(e.label, 40),
                (x, ys[-1]),
                xytext=(7, 5),
                textcoords="offset points",
                fontsize=7,
                color="#444",
            )
        for role, actor in e.actors:
            if actor in y_of:
                marker = {"agent": "o", "participant": "s", "target": "v"}[role]
                ax.scatter(
                    [x], [y_of[actor]], s=70, c=color, marker=marker, edgecolors="#333", zorder=2
                )
    ax.set_yticks(range(len(rows)), [label_of[a] for a in reversed(rows)], fontsize=9)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    days = [mdates.date2num(e.day) for e in events]
    pad = max((max(days) - min(days)) * 0.04, 3)
    ax.set_xlim(min(days) - pad, max(days) + pad)
    ax.grid(axis="x", color="#e5e5e5")
    ax.grid(axis="y", color="#f2f2f2")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            color="none",
            markerfacecolor=colors.get(t, colors["event"]),
            markeredgecolor="#333",
            markersize=8,
            label=t,
        )
        for t in sorted(types)
    ] + [
        Line2D(
            [],
            [],
            marker=m,
            color="none",
            markerfacecolor="white",
            markeredgecolor="#333",
            markersize=8,
            label=role,
        )
        for role, m in (("agent", "o"), ("participant", "s"), ("target", "v"))
    ]
    ax.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9
    )
    fig.tight_layout()
    return fig


def draw_timeline(dataset_or_nx, out: Path | str, **options) -> Path:
    """Write the timeline to ``out`` (.png, .svg, .pdf or .html); options as
    :func:`timeline_figure`."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise DrawError(
            f"{out}: unknown timeline format {out.suffix or '(none)'!r}: "
            f"expected one of {', '.join(FORMATS[:4])}"
        )
    fig, events, label_of, documents = timeline_figure(dataset_or_nx, **options)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if suffix in (".html", ".htm"):
            out.write_text(_page(fig, events, label_of, documents), encoding="utf-8")
        else:
            fig.savefig(out, dpi=150, bbox_inches="tight", facecolor="white")
    finally:
        plt.close(fig)
    return out


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # no XML prolog or DOCTYPE inside HTML
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def _page(fig: Figure, events, label_of, documents) -> str:
    title = fig.axes[0].get_title(loc="left").split("\n")[0]
    rows = []
    for e in events:
        actors = ", ".join(f"{label_of.get(a, a)} ({r})" for r, a in e.actors if a in label_of)
        doc = documents.get(e.document or "", {}).get("title") or e.document or ""
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{html.escape(str(x))}</td>"
                for x in (e.day.isoformat(), e.event_type, e.label, actors, e.location or "")
            )
            + f"<td>{html.escape(e.sentence or '')}<br><small>{html.escape(doc)}</small></td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>" for h in ("date", "type", "event", "actors", "where", "sentence")
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font:14px/1.4 system-ui,sans-serif;margin:16px}svg{max-width:100%;height:auto}"
        "table{border-collapse:collapse;margin-top:12px}"
        "td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}"
        "th{background:#f4f4f4}</style></head><body>"
        f"{_svg(fig)}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "</body></html>\n"
    )
