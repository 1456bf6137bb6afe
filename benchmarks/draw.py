"""Time each step of ``kg draw`` on a built graph: load, NetworkX view, selection, the
interactive page, the diagram and the timeline, for the whole graph and a focus.

    .venv/bin/python benchmarks/draw.py GRAPH [--focus ENTITY] [--out DIR] [--browser CHROMIUM]

GRAPH is a file or store written by ``kg build`` (for example a build of the first
500 articles of ../shared/data/corpus/news.jsonl). Prints one line per step.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt

from kg.drawing import render_figure
from kg.explore.page import load_graph, page_data, render_page
from kg.explore.select import load_style, select
from kg.explore.timeline import draw_timeline
from kg.graph import KnowledgeGraph
from kg.sparql import to_store


def timed(label: str, step: Callable):
    start = time.perf_counter()
    value = step()
    print(f"{label:<54} {time.perf_counter() - start:7.2f} s")
    return value


def open_page(chromium: str, path: Path) -> None:
    """Open the page offline in headless Chromium and wait until its layout is still."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_context(offline=True).new_page()
        page.goto(path.resolve().as_uri())
        page.wait_for_function("document.body.dataset.ready === 'true'", timeout=300_000)
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph")
    parser.add_argument("--focus", help="an entity to time a focused view with")
    parser.add_argument("--out", type=Path, help="where to write the files (default: a temp dir)")
    parser.add_argument(
        "--browser",
        metavar="CHROMIUM",
        help="also time each page in this Chromium (e.g. /usr/bin/chromium) until laid out",
    )
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="geokg-draw-"))
    out.mkdir(parents=True, exist_ok=True)

    graph = timed("read the file", lambda: KnowledgeGraph.load(args.graph))
    store = timed("rdflib dataset, copied into Oxigraph", lambda: to_store(graph.dataset))
    g, documents = timed("NetworkX view and documents", lambda: load_graph(store))
    print(
        f"  {g.number_of_nodes():,} nodes, {g.number_of_edges():,} edges, "
        f"{len(documents):,} documents"
    )
    limits = load_style()["limits"]
    views = [("whole graph", None)] + ([(f"focus {args.focus}", args.focus)] if args.focus else [])
    for name, focus in views:
        sel = timed(f"{name}: select", lambda f=focus: select(g, f, top=limits["page"]))
        print(f"  {sel.notice}")
        text = timed(f"{name}: page", lambda s=sel: render_page(page_data(s, documents, "x")))
        path = out / f"{'whole' if focus is None else 'focus'}.html"
        path.write_text(text, encoding="utf-8")
        print(f"  {path} ({len(text) / 1e6:.1f} MB)")
        if args.browser:
            timed(
                f"{name}: page in Chromium (start, load, lay out)",
                lambda p=path: open_page(args.browser, p),
            )
        fig = timed(f"{name}: diagram (lay out, place labels)", lambda f=focus: render_figure(g, f))
        timed(f"{name}: diagram (save .png)", lambda fig=fig: fig.savefig(out / "d.png", dpi=150))
        plt.close(fig)
        timed(f"{name}: timeline (.png)", lambda f=focus: draw_timeline(g, out / "t.png", focus=f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
