"""Oxigraph stores built in place: the same graph as a file build, kept consistent document by
document, whatever the order, an edit, a reader holding the store open or a SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import kg
from kg.graph import KnowledgeGraph
from kg.rdf.io import read_quads
from kg.rdf.store import TALLIES, StoreReader, check_consistency, reading

COUNTRIES = ["Latvia", "Estonia", "Lithuania", "Poland", "Romania", "Norway", "Finland"]
SENDERS = ["Germany", "France", "Canada", "Spain", "Italy"]


def article(i: int) -> str:
    host, sender = COUNTRIES[i % len(COUNTRIES)], SENDERS[i % len(SENDERS)]
    return (
        f"Troops in {host}\n\n{sender} has stationed {100 + i} troops in {host}, "
        f"the defence minister said. {host} is a member of NATO."
    )


def write_articles(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"report-{i:03d}.txt"
        path.write_text(article(i), encoding="utf-8")
        paths.append(path)
    return paths


def content(path: Path) -> set:
    """The graph's quads, the store's claim counts left out (they are an index)."""
    return {q for q in read_quads(path) if q[3] != TALLIES}


def consistent(path: Path) -> list[str]:
    with reading(path) as store:
        return check_consistency(store)


def test_a_store_built_one_document_at_a_time_is_the_file_built_at_once(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 6)
    store = tmp_path / "g.oxigraph"
    for path in reversed(paths):  # each build adds one document to the store
        kg.build([path], store)
        assert consistent(store) == []
    together = tmp_path / "g.trig"
    kg.build(paths, together)
    assert content(store) == content(together)
    assert KnowledgeGraph.load(store).documents() == [p.name for p in paths]


def test_an_edited_document_replaces_what_it_said_in_a_store(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 3)
    store = tmp_path / "g.oxigraph"
    kg.build(paths, store)
    paths[1].write_text("Norway and NATO\n\nNorway is a member of NATO.", encoding="utf-8")
    kg.build([paths[1]], store)
    assert consistent(store) == []
    fresh = tmp_path / "fresh.trig"
    kg.build(paths, fresh)
    assert content(store) == content(fresh)
    troops = "SELECT (COUNT(*) AS ?n) WHERE { ?d a <https://w3id.org/geokg/ontology#Deployment> }"
    assert kg.query(store, troops).rows == [(2,)]


def test_a_reader_holding_the_store_open_does_not_block_a_build(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 2)
    store = tmp_path / "g.oxigraph"
    kg.build(paths[:1], store)
    reader = StoreReader(store)
    count = (
        "SELECT (COUNT(DISTINCT ?d) AS ?n) "
        "WHERE { ?d a <https://w3id.org/geokg/ontology#Document> }"
    )
    try:
        with reader.use() as opened:
            assert (
                int(next(iter(opened.query(count, use_default_graph_as_union=True)))[0].value) == 1
            )
        kg.build(paths[1:], store)  # the reader steps aside while the build writes
        with reader.use() as opened:  # and sees what it wrote
            assert (
                int(next(iter(opened.query(count, use_default_graph_as_union=True)))[0].value) == 2
            )
    finally:
        reader.close()


def test_a_build_killed_mid_way_leaves_a_consistent_store_that_a_rerun_completes(
    tmp_path: Path,
) -> None:
    paths = write_articles(tmp_path / "in", 120)
    store = tmp_path / "g.oxigraph"
    build = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(tmp_path / "in"), "-o", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        done = 0
        while done == 0 and time.monotonic() < deadline and build.poll() is None:
            time.sleep(0.2)
            if (store / "CURRENT").exists():
                done = len(KnowledgeGraph.load(store).documents())
        assert build.poll() is None, "the build ended before it could be killed"
        os.kill(build.pid, signal.SIGKILL)  # in the middle of writing the next batch, or not
    finally:
        build.kill()
        build.wait()
    written = KnowledgeGraph.load(store).documents()
    assert 0 < len(written) < len(paths)
    assert consistent(store) == []
    kg.build(tmp_path / "in", store)  # the rerun
    assert consistent(store) == []
    fresh = tmp_path / "fresh.oxigraph"
    kg.build(tmp_path / "in", fresh)
    assert content(store) == content(fresh)


def test_a_snapshot_is_not_changed_by_a_later_build(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 2)
    store = tmp_path / "g.oxigraph"
    kg.build(paths[:1], store)
    snapshot = KnowledgeGraph.load(store)
    live = KnowledgeGraph.open(store)
    kg.build(paths[1:], store)
    assert snapshot.documents() == [paths[0].name]
    assert live.documents() == [p.name for p in paths]
    live.close()


@pytest.mark.parametrize("bad", ["not-a-store", "missing"])
def test_querying_something_that_is_no_store_is_one_error(tmp_path: Path, bad: str) -> None:
    path = tmp_path / bad
    if bad == "not-a-store":
        path.mkdir()
        (path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(kg.InputError) as info:
        kg.query(path, "ASK { ?s ?p ?o }")
    assert str(path) in str(info.value) and "\n" not in str(info.value)
