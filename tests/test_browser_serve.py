"""kg serve's query page in headless Chromium: a CONSTRUCT query shown as the interactive
graph page ("Show as graph"), with the browser allowed to reach only the local server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_serve import VIEW, Server, build_store

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = next(
    (p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).is_file()), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium installed (.ci/run installs Debian's chromium package)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store = build_store(tmp_path_factory.mktemp("served"), ["latvia.txt", "estonia.txt"])
    running = Server(store)
    yield running
    running.stop()


def test_show_as_graph_opens_the_interactive_page_of_a_construct(server: Server, tmp_path):
    requests: list[str] = []
    errors: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        requests.append(url)
        if url.startswith(server.url):
            request_route.continue_()
        else:
            request_route.abort()

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route("**/*", route)
        page = context.new_page()
        page.goto(server.url)
        page.fill("#query", VIEW)
        with context.expect_page() as opened:
            page.click("#view")
        graph = opened.value
        graph.on("pageerror", lambda e: errors.append(str(e)))
        graph.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
        labels = graph.evaluate("window.geokg.data.nodes.map(n => n.label)")
        assert {"Estonia", "France", "Germany", "Latvia"} <= set(labels)
        shot = tmp_path / "served-graph.png"
        graph.screenshot(path=str(shot))
        assert shot.read_bytes().startswith(b"\x89PNG")
        browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith(server.url)] == []
