"""Timelines of events: by date, actors on the rows, for a focus entity or a whole graph."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
import rdflib

from kg.cli import main
from kg.explore.select import DrawError
from kg.explore.timeline import draw_timeline, timeline_figure

FIXTURE = Path(__file__).parent / "fixtures" / "graphs" / "small.trig"
R = "https://w3id.org/geokg/resource/"


@pytest.fixture(scope="module")
def dataset() -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(FIXTURE, format="trig")
    return ds


def test_whole_graph_timeline(dataset):
    notices = []
    fig, events, label_of, documents = timeline_figure(dataset, report=notices.append)
    try:
        assert [(e.day, e.event_type, e.label) for e in events] == [
            (date(2021, 5, 1), "missile test", "missile test by Kestria"),
            (date(2021, 5, 3), "meeting", "meeting of Anna Lindqvist and Tomas Brel"),
            (date(2021, 6, 7), "military exercise", "Iron Tide"),
        ]
        assert events[0].actors == (
            (("agent", R + "country/kestria"), ("target", R + "place/gray-strait"))
        )
        assert events[0].sentence == "Kestria fired a missile over the Gray Strait on Saturday."
        # Rows in order of first appearance, so an event's actors are neighbours.
        rows = [t.get_text() for t in reversed(fig.axes[0].get_yticklabels())]
        assert rows == [
            "Kestria",
            "Gray Strait",
            "Anna Lindqvist",
            "Tomas Brel",
            "Veloria",
            "Marenia",
        ]
        assert notices == ["3 dated events in the graph on 6 actors' rows"]
        assert documents["doc-2"]["title"] == "Iron Tide exercise begins in the Gray Strait"
    finally:
        plt.close(fig)


def test_focus_and_row_limit(dataset):
    fig, events, label_of, _docs = timeline_figure(dataset, focus="Veloria", depth=1, top=1)
    try:
        assert [e.label for e in events] == ["Iron Tide"]
        assert list(label_of.values()) == ["Veloria"]
        assert fig.axes[0].get_title(loc="left").splitlines() == [
            "Events around Veloria",
            "1 dated events around Veloria on 1 actors' rows (the 1 with most events of 2)",
        ]
    finally:
        plt.close(fig)


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")]
)
def test_timeline_files(dataset, tmp_path, suffix, magic):
    out = draw_timeline(dataset, tmp_path / f"events{suffix}")
    assert out.read_bytes().startswith(magic)


def test_html_timeline_is_self_contained(dataset, tmp_path):
    out = draw_timeline(dataset, tmp_path / "events.html", since="2021-05-02")
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text and "<table>" in text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text)
    assert not re.search(r"@import", text)
    rows = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>([^<]*)</td>", text)
    assert rows == [("2021-05-03", "meeting"), ("2021-06-07", "military exercise")]
    assert "Iron Tide exercise begins in the Gray Strait" in text


def test_timeline_errors(dataset, tmp_path):
    with pytest.raises(DrawError, match="a timeline shows events"):
        draw_timeline(dataset, tmp_path / "e.png", kinds=["position"])
    with pytest.raises(DrawError, match=r"e\.gif: unknown timeline format '\.gif'"):
        draw_timeline(dataset, tmp_path / "e.gif")
    assert list(tmp_path.iterdir()) == []


def test_kg_draw_timeline(tmp_path, capsys):
    out = tmp_path / "events.png"
    assert main(["draw", "--timeline", str(FIXTURE), "-o", str(out), "--focus", "Kestria"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "kg draw: 1 dated events around Kestria on 2 actors' rows",
        f"kg draw: wrote {out}",
    ]
    assert out.read_bytes().startswith(b"\x89PNG")
