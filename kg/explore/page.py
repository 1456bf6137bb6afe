"""The interactive page: one self-contained HTML file showing a graph with vis-network.

Everything the page needs is inlined: the vis-network script (the copy bundled by the
``pyvis`` package, so it comes with an installed dependency), the page's own script and
style (``kg/data/explore/``) and the graph as JSON. It opens without a network.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.explore.select import DrawError, Report, Selection, load_style, select

ASSETS = Path(__file__).resolve().parent.parent / "data" / "explore"
_MARKER = re.compile(r"<!--geokg:(\w+)-->")
# Edge attributes that are no values of a fact (the rest are: roles, counts, limits, dates).
_NOT_VALUES = {"kind", "role", "fact", "evidence"}


@cache
def vis_network_js() -> str:
    """The vis-network script bundled with pyvis, its newest copy (source map comment dropped)."""
    lib = resources.files("pyvis") / "lib"
    copies = [d / "vis-network.min.js" for d in lib.iterdir() if d.name.startswith("vis-")]
    copies = [c for c in copies if c.is_file()]
    if not copies:
        raise DrawError(f"the pyvis package has no vis-network script under {lib}: reinstall pyvis")
    newest = max(copies, key=lambda c: tuple(int(x) for x in re.findall(r"\d+", c.parent.name)))
    text = newest.read_text(encoding="utf-8")
    return re.sub(r"//# sourceMappingURL=\S+", "", text)


def load_graph(dataset_or_nx) -> tuple[nx.MultiDiGraph, dict[str, dict]]:
    """The NetworkX view of a graph and its documents (id → title, date); a NetworkX
    graph comes without documents, its evidence then shows document ids only."""
    if isinstance(dataset_or_nx, nx.Graph):
        return dataset_or_nx, {}
    from kg.networkx_export import to_networkx
    from kg.sparql import to_store
    from kg.sparql_runner import to_python

    store = to_store(dataset_or_nx)
    documents = {}
    query = (ASSETS / "documents.rq").read_text(encoding="utf-8")
    for row in store.query(query, use_default_graph_as_union=True):
        doc_id, title, day = (to_python(row[i]) if row[i] is not None else None for i in range(3))
        documents[str(doc_id)] = {"title": title, "date": str(day) if day else None}
    return to_networkx(store), documents


def page_data(
    sel: Selection, documents: dict[str, dict], title: str, full: nx.MultiDiGraph | None = None
) -> dict:
    """What the page's script reads: nodes, edges, facts with their evidence, the legend.
    Entities named in values (an agreement's restricted country) take their labels from
    ``full``, the whole graph, when given."""
    from kg.drawing import edge_text

    style = load_style()
    g = sel.graph
    names = full if full is not None else g
    symmetric = set(style["symmetric_kinds"])
    facts: dict[str, dict] = {}
    edges = []
    seen_pairs: dict[tuple, int] = defaultdict(int)
    degree = {n: len(set(g.predecessors(n)) | set(g.successors(n))) for n in g}
    for u, v, key, data in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        kind = data["kind"]
        if kind in symmetric and (v, u, key) in g.edges and v < u:
            continue  # one line for both directions of an alliance
        fact = data.get("fact") or f"{u}|{v}|{key}"
        facts.setdefault(fact, {"kind": kind, "evidence": _evidence(data.get("evidence"))})
        pair = tuple(sorted((u, v)))
        index = seen_pairs[pair]
        seen_pairs[pair] += 1
        edges.append(
            {
                "id": len(edges),
                "from": u,
                "to": v,
                "kind": kind,
                "role": data.get("role"),
                "label": edge_text(data, style),
                "fact": fact,
                "values": _values(data, names),
                "arrows": "" if kind in symmetric else "to",
                "color": style["edge_colors"].get(kind, "#555555"),
                "bend": index,
            }
        )
    nodes = []
    for node, data in sorted(g.nodes(data=True), key=lambda item: item[0]):
        cls_style = style["classes"].get(data.get("cls") or "", style["default_class"])
        if data.get("cls") == "Event" and data.get("fact"):
            facts.setdefault(
                data["fact"], {"kind": "event", "evidence": _evidence(data.get("evidence"))}
            )
        nodes.append(
            {
                "id": node,
                "label": str(data.get("label") or node),
                "cls": data.get("cls") or "",
                "className": cls_style["name"],
                "color": cls_style["color"],
                "shape": cls_style.get("shape", "dot"),
                "wikidata": data.get("wikidata"),
                "aliases": list(data.get("alt_labels") or []),
                "eventType": style["event_types"].get(data.get("event_type") or "", None),
                "date": _text(data.get("date")),
                "fact": data.get("fact"),
                "values": _node_values(data, names),
                "degree": degree[node],
                "partners": sel.partners.get(node, degree[node]),
            }
        )
    classes = sorted({n["cls"] for n in nodes})
    legend = [
        {
            "cls": c,
            "name": style["classes"].get(c, style["default_class"])["name"],
            "color": style["classes"].get(c, style["default_class"])["color"],
            "shape": style["classes"].get(c, style["default_class"]).get("shape", "dot"),
        }
        for c in classes
    ]
    kinds = sorted({e["kind"] for e in edges})
    return {
        "title": title,
        "notice": sel.notice,
        "centre": sel.centre,
        "nodes": nodes,
        "edges": edges,
        "facts": facts,
        "documents": {d: documents[d] for d in _documents_used(facts) if d in documents},
        "legend": legend,
        "valueNames": style["value_names"],
        "kinds": [{"kind": k, "color": style["edge_colors"].get(k, "#555555")} for k in kinds],
    }


def _text(value) -> str | None:
    return None if value is None else str(value)


def _evidence(items) -> list[dict]:
    out = []
    for item in items or []:
        out.append(
            {
                "document": _text(item.get("document")),
                "sentence": item.get("sentence"),
                "confidence": item.get("confidence"),
            }
        )
    out.sort(key=lambda e: (-(e["confidence"] or 0), e["document"] or ""))
    return out


def _documents_used(facts: dict[str, dict]) -> set[str]:
    return {e["document"] for f in facts.values() for e in f["evidence"] if e["document"]}


def _values(data: dict, g: nx.MultiDiGraph) -> dict:
    """A fact's values, readable: entity IRIs become labels, limits become text."""
    out = {}
    for name, value in data.items():
        if name in _NOT_VALUES or value in (None, "", []):
            continue
        out[name] = _readable(name, value, g)
    return out


def _node_values(data: dict, g: nx.MultiDiGraph) -> dict:
    """An agreement's terms (an event's date is shown as the node's own)."""
    keep = {"year", "limits", "restricts"} | ({"date"} if data.get("cls") != "Event" else set())
    return {k: _readable(k, v, g) for k, v in data.items() if k in keep and v not in (None, [])}


def _readable(name: str, value, g: nx.MultiDiGraph):
    if name == "limits":
        return [
            " ".join(
                str(x)
                for x in (lim.get("quantity"), _number(lim.get("value")), lim.get("unit"))
                if x
            )
            for lim in value
        ]
    if isinstance(value, list):
        return [_readable(name, v, g) for v in value]
    if isinstance(value, str) and value in g:
        return g.nodes[value].get("label", value)
    if isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _number(value) -> str | None:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return None if value is None else str(value)


def render_page(data: dict) -> str:
    """The page's HTML text with every script and style inlined."""
    template = (ASSETS / "page.html").read_text(encoding="utf-8")
    # JSON in a script element: escape what could end the element or start markup.
    payload = (
        json.dumps(data, ensure_ascii=False, sort_keys=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    parts = {
        "title": html.escape(data["title"]),
        "style": (ASSETS / "page.css").read_text(encoding="utf-8"),
        "vis": vis_network_js(),
        "data": payload,
        "script": (ASSETS / "page.js").read_text(encoding="utf-8"),
    }
    return _MARKER.sub(lambda m: parts[m.group(1)], template)


def page_html(
    dataset_or_nx,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
    title: str | None = None,
    report: Report | None = None,
) -> str:
    """The interactive page of a graph (options as :func:`kg.explore.select.select`;
    ``top`` defaults to the page limit of ``draw_style.json``)."""
    g, documents = load_graph(dataset_or_nx)
    limit = top if top is not None else load_style()["limits"]["page"]
    sel = select(g, focus, depth, kinds, since=since, until=until, top=limit)
    if report is not None:
        report(sel.notice)
    if title is None:
        head = "geokg"
        if sel.centre is not None:
            head = f"{g.nodes[sel.centre].get('label', sel.centre)} (depth {sel.depth})"
        title = f"{head}: {sel.graph.number_of_nodes()} entities"
    return render_page(page_data(sel, documents, title, full=g))


def write_page(dataset_or_nx, out: Path | str, **options) -> Path:
    """Write the interactive page to ``out`` (options as :func:`page_html`)."""
    text = page_html(dataset_or_nx, **options)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out
