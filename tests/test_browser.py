"""The interactive page in a real browser: headless Chromium (Debian's package) driven by
Playwright, with the network off. Skipped only where no Chromium is installed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from playwright.sync_api import Page, sync_playwright

from kg.explore import show, write_page

FIXTURE = Path(__file__).parent / "fixtures" / "graphs" / "small.trig"
R = "https://w3id.org/geokg/resource/"
CHROMIUM = next(
    (p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).is_file()), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium installed (.ci/run installs Debian's chromium package)"
)


@pytest.fixture(scope="module")
def dataset() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Opened:
    """A page opened offline, with what the browser reported and tried to fetch."""

    def __init__(self, browser, url: str | None = None, content: str | None = None):
        self.context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        if url is not None:
            self.page.goto(url)
        else:
            self.page.set_content(content)

    def _route(self, route) -> None:
        self.requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()


@pytest.fixture
def opened(browser, dataset, tmp_path):
    out = write_page(dataset, tmp_path / "graph.html")
    view = Opened(browser, out.as_uri())
    view.page.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
    yield view
    view.context.close()


def _dom_point(page: Page, canvas_xy: str) -> tuple[float, float]:
    """Page coordinates of a point of the network's canvas (JS expression of {x, y})."""
    point = page.evaluate(
        f"""() => {{
          const p = window.geokg.network.canvasToDOM({canvas_xy});
          const box = document.getElementById('graph').getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }}"""
    )
    return point[0], point[1]


def test_the_graph_renders_offline(opened, tmp_path):
    page = opened.page
    data_nodes = page.evaluate("window.geokg.data.nodes.length")
    assert data_nodes == 14
    assert page.evaluate("Object.keys(window.geokg.network.getPositions()).length") == 14
    assert int(page.evaluate("document.body.dataset.drawn")) >= 1
    # Something is painted on the canvas: count pixels that are not blank.
    inked = page.evaluate(
        """() => {
          const c = document.querySelector('#graph canvas');
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }"""
    )
    assert inked > 5000
    legend = page.locator("#class-filter label").all_inner_texts()
    assert [t.strip() for t in legend] == [
        "agreement",
        "city",
        "country",
        "event",
        "organisation",
        "person",
        "place",
        "weapon system",
    ]
    assert opened.errors == []
    assert [u for u in opened.requests if not u.startswith("file://")] == []
    shot = tmp_path / "shots" / "graph.png"
    shot.parent.mkdir()
    page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_search_finds_an_entity_by_alias(opened):
    page = opened.page
    page.fill("#search", "nmc")
    page.press("#search", "Enter")
    assert page.inner_text("#details h2") == "Northern Maritime Council"
    selected = page.evaluate("window.geokg.network.getSelectedNodes()")
    assert selected == [R + "organization/northern-maritime-council"]
    page.fill("#search", "Atlantis")
    page.press("#search", "Enter")
    assert page.inner_text("#search-status") == 'No entity named "Atlantis" is shown.'
    assert opened.errors == []


def test_a_click_on_a_fact_shows_its_evidence(opened):
    page = opened.page
    anna, veloria = R + "person/anna-lindqvist", R + "country/veloria"
    positions = page.evaluate(f"window.geokg.network.getPositions(['{anna}', '{veloria}'])")
    a, b = positions[anna], positions[veloria]
    x, y = _dom_point(page, f"{{x: {(a['x'] + b['x']) / 2}, y: {(a['y'] + b['y']) / 2}}}")
    page.mouse.click(x, y)
    details = page.inner_text("#details")
    assert page.inner_text("#details h2") == "position: president"
    assert "Anna Lindqvist" in details and "Veloria" in details
    quote = page.locator("#details blockquote.evidence")
    assert quote.count() == 1
    text = quote.inner_text()
    assert text.startswith(
        "President Anna Lindqvist of Veloria met Marenian Prime Minister Tomas Brel"
    )
    assert "Veloria and Marenia renew their alliance · 2021-05-04 · confidence 0.92" in text
    assert opened.errors == []


def test_a_click_on_an_entity_shows_its_names_and_facts(opened):
    page = opened.page
    marenia = R + "country/marenia"
    xy = page.evaluate(f"window.geokg.network.getPositions(['{marenia}'])['{marenia}']")
    page.mouse.click(*_dom_point(page, f"{{x: {xy['x']}, y: {xy['y']}}}"))
    assert page.inner_text("#details h2") == "Marenia"
    details = page.inner_text("#details")
    assert "Q99990002" in details and "Marenian" in details
    facts = page.locator("#details ul.facts li").all_inner_texts()
    assert "Veloria — stations 4,200 troops → Marenia" in facts
    assert "Marenia — member since 2001 → Northern Maritime Council" in facts
    # Following a fact from the entity shows that fact's sentence.
    page.locator("#details ul.facts li a", has_text="stations 4,200 troops").click()
    assert page.inner_text("#details h2") == "deployment: stations 4,200 troops"
    assert "troops\n4200\n" in page.inner_text("#details dl")


def test_filters_hide_classes_and_fact_kinds(opened):
    page = opened.page
    visible = "window.geokg.network.body.nodeIndices.length"
    edges = "window.geokg.network.body.edgeIndices.length"
    assert page.evaluate(visible) == 14
    all_edges = page.evaluate(edges)
    page.locator("#class-filter input[value='Person']").uncheck()
    assert page.evaluate(visible) == 12
    page.locator("#kind-filter input[value='event']").uncheck()
    data = page.evaluate("window.geokg.data")
    cls = {n["id"]: n["cls"] for n in data["nodes"]}
    left = [
        e
        for e in data["edges"]
        if e["kind"] != "event" and "Person" not in (cls[e["from"]], cls[e["to"]])
    ]
    assert len(left) == all_edges - 10  # 8 event roles, 2 positions
    assert page.evaluate(edges) == len(left)
    assert opened.errors == []


def test_the_notebook_view_renders_in_an_iframe(browser, dataset):
    view = show(dataset, focus="Veloria")
    opened = Opened(browser, content=f"<!DOCTYPE html><body>{view._repr_html_()}</body>")
    try:
        frame = opened.page.frame_locator("iframe")
        frame.locator("body[data-ready='true']").wait_for(timeout=60_000)
        assert frame.locator("#details h2").inner_text() == "Veloria"
        assert frame.locator("#title").inner_text() == "Veloria (depth 1): 7 entities"
        # The iframe is sandboxed (no forms): search by Enter and by the button still works.
        frame.locator("#search").fill("gray strait")
        frame.locator("#search").press("Enter")
        assert frame.locator("#details h2").inner_text() == "Gray Strait"
        frame.locator("#search").fill("Iron")
        frame.locator("#search-button").click()
        assert frame.locator("#details h2").inner_text() == "Iron Tide"
        assert opened.errors == []
    finally:
        opened.context.close()


def test_the_html_timeline_renders_offline(browser, dataset, tmp_path):
    from kg.explore.timeline import draw_timeline

    out = draw_timeline(dataset, tmp_path / "events.html")
    opened = Opened(browser, out.as_uri())
    try:
        page = opened.page
        box = page.locator("svg").first.bounding_box()
        assert box is not None and box["width"] > 400 and box["height"] > 150
        assert page.locator("tbody tr").count() == 3
        assert "Kestria fired a missile over the Gray Strait" in page.inner_text("tbody")
        assert opened.errors == []
        assert [u for u in opened.requests if not u.startswith("file://")] == []
    finally:
        opened.context.close()


def test_a_cut_view_says_what_an_entity_has_beyond_it(browser, dataset, tmp_path):
    out = write_page(dataset, tmp_path / "top.html", top=3)
    opened = Opened(browser, out.as_uri())
    try:
        page = opened.page
        page.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
        assert page.inner_text("#notice").startswith("kept the 3 most connected of 14 entities")
        page.fill("#search", "Veloria")
        page.press("#search", "Enter")
        assert page.inner_text("#details p.more") == (
            "Linked to 5 entities in the graph, 2 of them shown here: "
            "draw it with focus on Veloria to see all."
        )
        assert opened.errors == []
    finally:
        opened.context.close()


def test_an_empty_view_says_so(browser, tmp_path):
    import networkx as nx

    out = write_page(nx.MultiDiGraph(), tmp_path / "empty.html")
    opened = Opened(browser, out.as_uri())
    try:
        opened.page.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
        assert opened.page.inner_text("#graph") == "Nothing to show."
        assert opened.errors == []
    finally:
        opened.context.close()
