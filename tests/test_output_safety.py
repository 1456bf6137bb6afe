"""Writing and reading graphs safely: builds take turns on one output, an interrupted write
leaves nothing behind for ever, a store is replaced in one step, write errors are one line,
and reading a graph never reaches the network."""

from __future__ import annotations

import errno
import http.server
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_rdf import sample_extraction  # a made-up article with one fact of every kind

from kg.errors import InputError, OutputError
from kg.graph import KnowledgeGraph
from kg.rdf import io as rdf_io
from kg.rdf.io import output_lock, read_quads, write_quads


def graph_of(*doc_ids: str) -> KnowledgeGraph:
    graph = KnowledgeGraph()
    for doc_id in doc_ids:
        graph.add_extraction(sample_extraction(doc_id))
    return graph


def _hold_lock(out: str, held, release) -> None:
    with output_lock(out):
        held.set()
        release.wait(30)


def _save(out: str, doc_id: str, done) -> None:
    graph_of(doc_id).save(out)
    done.set()


@pytest.mark.parametrize("name", ["g.trig", "g.oxigraph"])
def test_two_builds_writing_one_output_take_turns(tmp_path: Path, name: str) -> None:
    out = str(tmp_path / name)
    graph_of("doc-a").save(out)
    ctx = multiprocessing.get_context("spawn")  # a fork would inherit the store's threads
    held, release, done = ctx.Event(), ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(out, held, release))
    holder.start()
    assert held.wait(30)
    writer = ctx.Process(target=_save, args=(out, "doc-b", done))
    writer.start()
    time.sleep(1.0)
    assert not done.is_set()  # it waits while the other holds the output
    release.set()
    holder.join(30)
    writer.join(60)
    assert done.is_set() and writer.exitcode == 0
    assert KnowledgeGraph.load(out).documents() == ["doc-a", "doc-b"]


def test_leftovers_of_an_interrupted_write_are_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "g.oxigraph"
    graph_of("doc-a").save(out)
    # What a build killed mid-write leaves: a half-written file and a half-built store.
    (tmp_path / ".g.oxigraph.k2j4.tmp").mkdir()
    (tmp_path / ".g.oxigraph.k2j4.tmp" / "000001.sst").write_bytes(b"partial")
    (tmp_path / ".g.trig.abcd.tmp").write_bytes(b"partial")
    (tmp_path / "notes.tmp").write_text("not ours", encoding="utf-8")
    graph_of("doc-b").save(out)
    graph_of("doc-c").save(tmp_path / "g.trig")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.oxigraph", "g.trig", "notes.tmp"]
    assert KnowledgeGraph.load(out).documents() == ["doc-a", "doc-b"]


def test_a_store_is_replaced_in_one_step(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("new", encoding="utf-8")
    (b / "x").write_text("old", encoding="utf-8")
    rdf_io._exchange(a, b)
    assert (b / "x").read_text(encoding="utf-8") == "new"
    assert (a / "x").read_text(encoding="utf-8") == "old"


def test_replacing_a_store_keeps_readers_of_the_old_one_working(tmp_path: Path) -> None:
    out = tmp_path / "g.oxigraph"
    graph_of("doc-a").save(out)
    reader = rdf_io.open_store(out)
    before = len(list(reader.quads_for_pattern(None, None, None, None)))
    graph_of("doc-b").save(out)
    assert len(list(reader.quads_for_pattern(None, None, None, None))) == before
    del reader
    assert KnowledgeGraph.load(out).documents() == ["doc-a", "doc-b"]


def test_two_readers_can_open_one_store_at_once(tmp_path: Path) -> None:
    out = tmp_path / "g.oxigraph"
    graph_of("doc-a").save(out)
    first, second = rdf_io.open_store(out), rdf_io.open_store(out)
    assert len(first) == len(second) > 0
    from kg.rdf.store import content_quads

    # and a third, while both are open (the graph read back leaves the store's claim counts)
    assert len(read_quads(out)) == len(list(content_quads(first))) > 0


def test_a_read_only_folder_is_one_line(tmp_path: Path) -> None:
    target = Path("/sys/geokg-test.trig")  # not writable, even for root
    try:
        os.close(os.open("/sys/geokg-probe", os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError:
        pass
    else:
        os.unlink("/sys/geokg-probe")
        pytest.skip("/sys is writable here")
    with pytest.raises(OutputError) as info:
        graph_of("doc-a").save(target)
    assert str(info.value).startswith(f"{target}: cannot write: ")
    assert "\n" not in str(info.value)


def test_a_full_disk_is_one_line_and_keeps_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "g.trig"
    graph_of("doc-a").save(out)
    old = out.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(rdf_io.os, "fsync", full)
    with pytest.raises(OutputError, match="no space left on device; the output is unchanged"):
        graph_of("doc-b").save(out)
    monkeypatch.undo()
    assert out.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["g.trig"]


def test_a_store_where_a_file_is_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "g.oxigraph"
    out.write_text("a file", encoding="utf-8")
    with pytest.raises(OutputError, match="is not a folder"):
        write_quads([], out)
    assert out.read_text(encoding="utf-8") == "a file"


class _Counting(http.server.BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self) -> None:  # noqa: N802 (the handler's interface)
        type(self).requests += 1
        body = b'{"@context": {"name": "http://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_reading_json_ld_never_fetches_a_remote_context(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/context.jsonld"
        path = tmp_path / "remote.jsonld"
        path.write_text(
            f'{{"@context": "{url}", "@id": "http://example.org/a", "name": "A"}}',
            encoding="utf-8",
        )
        with pytest.raises(InputError) as info:
            read_quads(path)
        assert info.value.source == str(path)
        assert "not a valid json-ld file" in info.value.reason
        assert _Counting.requests == 0
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("name", ["graph.trig", "store", "sub/graph.ttl"])
def test_a_folder_build_never_reads_its_own_output(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli import main

    (tmp_path / "a.txt").write_text(
        "Troops for Latvia\n\nGermany has stationed 1,000 troops in Latvia, the minister said.",
        encoding="utf-8",
    )
    out = tmp_path / name
    for _ in range(2):
        assert main(["build", str(tmp_path), "-o", str(out), "--no-progress"]) == 0
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("kg build: 1 documents")
    assert KnowledgeGraph.load(out).documents() == ["a.txt"]


def test_an_output_no_build_could_write_is_refused_before_any_work(tmp_path: Path) -> None:
    import kg

    seen: list[str] = []
    (tmp_path / "a.txt").write_text("Title\n\nGermany joined NATO in 1955.", encoding="utf-8")
    with pytest.raises(OutputError, match="unknown graph format '.xyz'"):
        kg.build([tmp_path / "a.txt"], tmp_path / "g.xyz", on_document=lambda d: seen.append(d.id))
    assert seen == []


@pytest.fixture
def read_only_copy(tmp_path: Path) -> Iterator[Path]:
    """A folder mounted read-only (a bind mount; skipped where mounting is not allowed)."""
    import subprocess

    source, target = tmp_path / "source", tmp_path / "read-only"
    source.mkdir()
    target.mkdir()
    try:
        subprocess.run(
            ["mount", "--bind", str(source), str(target)], check=True, capture_output=True
        )
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("cannot mount a read-only folder here")
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(target)], check=True, capture_output=True
        )
        yield source
    finally:
        # lazily: a store the test opened may still hold files there until collected
        subprocess.run(["umount", "-l", str(target)], check=False, capture_output=True)
    # ``source`` holds what the test wrote before; ``target`` shows it read-only


def test_a_store_on_a_read_only_disk_can_be_queried_not_written(
    read_only_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli import main

    graph_of("doc-a").save(read_only_copy / "g.oxigraph")
    seen = read_only_copy.parent / "read-only" / "g.oxigraph"
    assert (
        main(["query", str(seen), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "tsv"])
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "n" and int(out[1]) > 0
    with pytest.raises(OutputError, match="cannot write: read-only file system"):
        graph_of("doc-b").save(seen)
