"""``notebooks/explore.ipynb`` runs from top to bottom and shows what it promises."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"
QUERY_TAGS = ["positions", "agreements", "deployments", "memberships", "events", "evidence"]


def test_notebook_is_saved_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


@pytest.fixture(scope="module")
def executed() -> dict[str, dict]:
    """The notebook run in a python3 kernel: each tagged code cell by its tag."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first cell that fails
    cells: dict[str, dict] = {}
    for cell in notebook.cells:
        for tag in cell.metadata.get("tags", []):
            cells[tag] = cell
    return cells


def _stream(cell: dict) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_no_cell_reports_an_error(executed):
    for tag, cell in executed.items():
        assert all(o.output_type != "error" for o in cell.outputs), tag


def test_build_reports_the_six_samples(executed):
    first_line = _stream(executed["build"]).splitlines()[0]
    assert re.fullmatch(r"6 documents, \d+ facts, \d+ triples", first_line)


@pytest.mark.parametrize("tag", QUERY_TAGS)
def test_each_competency_query_gives_a_dataframe(executed, tag):
    results = [o for o in executed[tag].outputs if o.output_type == "execute_result"]
    assert len(results) == 1
    html = results[0].data["text/html"]
    assert "<table" in html and "dataframe" in html
    assert "<td>" in html  # at least one row


def test_draw_displays_a_png(executed):
    images = [o for o in executed["draw"].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert base64.b64decode(images[0].data["image/png"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_networkx_counts(executed):
    match = re.fullmatch(r"(\d+) nodes, (\d+) edges\n", _stream(executed["networkx"]))
    assert match and int(match.group(1)) > 0 and int(match.group(2)) > 0


def test_a_fact_is_followed_to_its_sentence(executed):
    text = _stream(executed["follow"])
    assert "document:   japan-australia-defence" in text
    assert "sentence:   Prime Minister Fumio Kishida" in text
    assert re.search(r"confidence: 0\.\d+|confidence: 1\.0", text)
    assert _stream(executed["check"]) == "text[start:end] == sentence: True\n"


def _result_html(cell: dict) -> str:
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert len(results) == 1
    return results[0].data["text/html"]


def test_the_interactive_view_is_shown_inline(executed):
    html = _result_html(executed["show"])
    assert html.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert "Japan (depth 2)" in html
    assert not re.search(r"(?:src|href)=(?:&quot;|[\"'])?https?:", html)


@pytest.mark.parametrize(
    "tag", ["positions_by_country", "agreements_with_limits", "events_by_month", "compare"]
)
def test_each_analysis_gives_a_dataframe_with_rows(executed, tag):
    html = _result_html(executed[tag])
    assert "<table" in html and "dataframe" in html and "<td>" in html


def test_agreements_with_limits_all_have_limits(executed):
    html = _result_html(executed["agreements_with_limits"])
    rows = re.findall(r"<tr>\s*<th>\d+</th>(.*?)</tr>", html, re.S)
    assert rows
    assert all(re.findall(r"<td>([^<]*)</td>", row)[-1] not in ("", "NaN") for row in rows)


def test_the_timeline_is_displayed(executed):
    images = [o for o in executed["timeline"].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert base64.b64decode(images[0].data["image/png"]).startswith(b"\x89PNG\r\n\x1a\n")


def test_two_countries_compared(executed):
    html = _result_html(executed["compare_kinds"])
    assert "<th>Russia</th>" in html and "<th>United States</th>" in html
