"""Every entry of an input folder handled: special files skipped unopened, unreadable folders
and files named once, symbolic link loops, the build's own output and graph files."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.ingest import iter_documents
from kg.model import Document

EXPECTED = "(expected .txt, .md, .html, .htm, .json, .jsonl)"
FIFO = "a named pipe (FIFO), not a regular file; skipped"


@contextlib.contextmanager
def deadline(seconds: int = 20) -> Iterator[None]:
    """Fail instead of hanging (reading a FIFO blocks until a writer comes)."""

    def expire(signum, frame):
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read(*paths, **kwargs) -> list[Document | InputError]:
    with deadline():
        return list(iter_documents(paths, **kwargs))


def outline(results: list[Document | InputError]) -> list[str]:
    """Each result as the id of its document or the text of its error."""
    return [r.id if isinstance(r, Document) else str(r) for r in results]


def article(path: Path, text: str = "Talks began in Oslo.") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Title\n\n{text}\n", encoding="utf-8")
    return path


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every path the readers open."""
    paths: list[str] = []
    real_open = os.open

    def spy(path, flags, *args, **kwargs):
        paths.append(os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    return paths


# --- special files ----------------------------------------------------------------------------


def test_fifo_in_a_folder_is_skipped_and_never_opened(tmp_path, opened):
    article(tmp_path / "a.txt")
    os.mkfifo(tmp_path / "b.txt")
    article(tmp_path / "c.txt")
    assert outline(read(tmp_path)) == ["a.txt", f"{tmp_path / 'b.txt'}: {FIFO}", "c.txt"]
    assert str(tmp_path / "b.txt") not in opened
    assert str(tmp_path / "a.txt") in opened


def test_fifo_named_directly(tmp_path, opened):
    fifo = tmp_path / "news.jsonl"
    os.mkfifo(fifo)
    assert read(fifo) == [InputError(str(fifo), FIFO)]
    assert opened == []


def test_socket_and_devices_are_skipped(tmp_path, opened):
    article(tmp_path / "a.txt")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "s.txt"))
        (tmp_path / "zero.txt").symlink_to("/dev/zero")  # reading it would never end
        (tmp_path / "null.md").symlink_to("/dev/null")
        results = read(tmp_path, "/dev/zero")
    assert outline(results) == [
        "a.txt",
        f"{tmp_path / 'null.md'}: a character device, not a regular file; skipped",
        f"{tmp_path / 's.txt'}: a socket, not a regular file; skipped",
        f"{tmp_path / 'zero.txt'}: a character device, not a regular file; skipped",
        "/dev/zero: a character device, not a regular file; skipped",
    ]
    assert opened == [str(tmp_path / "a.txt")]


def test_file_replaced_by_a_fifo_after_it_was_found_is_not_waited_for(tmp_path):
    first = article(tmp_path / "a.txt")
    target = article(tmp_path / "b.txt")
    with deadline():
        results = iter_documents([tmp_path])
        assert next(results).id == "a.txt"
        target.unlink()
        os.mkfifo(target)
        assert list(results) == [InputError(str(target), FIFO)]
    assert first.exists()


# --- unreadable entries -----------------------------------------------------------------------


def _root_reads_anything(path: Path) -> bool:
    try:
        os.listdir(path)
    except PermissionError:
        return False
    return True


@pytest.fixture
def locked_folder(tmp_path) -> Iterator[Path]:
    article(tmp_path / "a.txt")
    locked = tmp_path / "b"
    article(locked / "inside.txt")
    article(tmp_path / "c.txt")
    locked.chmod(0)
    try:
        if _root_reads_anything(locked):
            pytest.skip("running with privileges that ignore file permissions")
        yield locked
    finally:
        locked.chmod(0o755)


def test_unreadable_subfolder_is_named_and_the_rest_read(tmp_path, locked_folder):
    assert outline(read(tmp_path)) == ["a.txt", f"{locked_folder}: permission denied", "c.txt"]


def test_unreadable_subfolder_when_permissions_are_enforced(tmp_path, monkeypatch):
    # The same as above, where the test runs with privileges: the system refuses the listing.
    article(tmp_path / "a.txt")
    locked = tmp_path / "b"
    article(locked / "inside.txt")
    article(tmp_path / "c" / "d.txt")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert outline(read(tmp_path)) == ["a.txt", f"{locked}: permission denied", "c/d.txt"]
    assert outline(read(locked)) == [f"{locked}: permission denied"]


def test_unreadable_files_are_one_line_each(tmp_path, monkeypatch):
    article(tmp_path / "a.txt")
    secret = [article(tmp_path / "b.txt"), tmp_path / "c.jsonl"]
    secret[1].write_text('{"text": "x"}\n', encoding="utf-8")
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if Path(path) in secret:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    assert outline(read(tmp_path)) == [
        "a.txt",
        f"{secret[0]}: permission denied",
        f"{secret[1]}: permission denied",
    ]


def test_unreadable_file_with_real_permissions(tmp_path):
    article(tmp_path / "a.txt")
    secret = article(tmp_path / "b.md")
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("running with privileges that ignore file permissions")
        assert outline(read(tmp_path)) == ["a.txt", f"{secret}: permission denied"]
    finally:
        secret.chmod(0o644)


# --- symbolic links ---------------------------------------------------------------------------


def test_symbolic_link_loops_end(tmp_path):
    article(tmp_path / "a" / "x.txt")
    (tmp_path / "a" / "back").symlink_to("..")  # a/back -> the folder itself
    (tmp_path / "self.txt").symlink_to("self.txt")
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    assert outline(read(tmp_path)) == [
        "a/x.txt",
        f"{tmp_path / 'gone.txt'}: broken symbolic link",
        f"{tmp_path / 'self.txt'}: too many levels of symbolic links",
    ]


def test_a_file_reached_twice_is_read_once(tmp_path):
    original = article(tmp_path / "a.txt")
    (tmp_path / "b.txt").symlink_to("a.txt")
    assert outline(read(tmp_path, original)) == [
        "a.txt",
        f"{tmp_path / 'b.txt'}: same file as {original}; skipped",
        f"{original}: same file as {original}; skipped",
    ]


def test_deep_folders(tmp_path):
    folder = tmp_path
    for _ in range(40):
        folder = folder / "d"
    article(folder / "deep.txt")
    (result,) = read(tmp_path)
    assert result.id == "d/" * 40 + "deep.txt"


def test_undecodable_and_control_characters_in_file_names(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9\x1b[2J.txt"
    with open(raw, "w", encoding="utf-8") as f:
        f.write("Title\n\nA story.\n")
    (document,) = read(tmp_path)
    assert document.id == "caf\\xe9[2J.txt"
    (tmp_path / "caf\udce9\x1b[2J.txt").unlink()
    (tmp_path / "bad\x1b.pdf").write_bytes(b"%PDF")
    (error,) = read(tmp_path)
    assert error.source == f"{tmp_path}/bad\\x1b.pdf"


# --- the build's output, graph files, stores --------------------------------------------------


def test_excluded_output_is_never_read(tmp_path, opened):
    article(tmp_path / "a.txt")
    out = tmp_path / "graph.trig"
    out.write_text("<a> <b> <c> .", encoding="utf-8")
    store = tmp_path / "sub" / "store"
    store.mkdir(parents=True)
    (store / "CURRENT").write_text("MANIFEST-000001\n", encoding="utf-8")
    (store / "notes.txt").write_text("T\n\nNot an article.\n", encoding="utf-8")
    article(tmp_path / "sub" / "b.txt")
    link = tmp_path / "link.trig"
    link.symlink_to("graph.trig")
    results = read(tmp_path, exclude=[out, str(store)])
    assert outline(results) == ["a.txt", "sub/b.txt"]
    assert not any(p.startswith(str(store)) for p in opened)
    # named directly, the output is refused in a line
    assert read(out, store / "notes.txt", exclude=[out, store]) == [
        InputError(str(out), "the output of this build; not read as an input"),
        InputError(str(store / "notes.txt"), "the output of this build; not read as an input"),
    ]


def test_excluded_output_that_does_not_exist_yet(tmp_path):
    article(tmp_path / "a.txt")
    assert outline(read(tmp_path, exclude=[tmp_path / "new.trig"])) == ["a.txt"]


@pytest.mark.parametrize("suffix", [".trig", ".nq", ".nt", ".ttl", ".jsonld", ".TTL"])
def test_graph_files_are_not_articles(tmp_path, opened, suffix):
    graph = tmp_path / f"graph{suffix}"
    graph.write_text("<a> <b> <c> .", encoding="utf-8")
    assert read(graph) == [
        InputError(str(graph), f"a graph file ('{suffix}'), not an article {EXPECTED}")
    ]
    assert opened == []


def test_a_store_inside_an_input_folder_is_one_line(tmp_path):
    article(tmp_path / "a.txt")
    store = tmp_path / "old"
    store.mkdir()
    for name in ("CURRENT", "IDENTITY", "LOCK", "MANIFEST-000005", "000004.log"):
        (store / name).write_bytes(b"x")
    assert outline(read(tmp_path)) == [
        "a.txt",
        f"{store}: an Oxigraph store, not articles; skipped",
    ]


def test_special_file_modes_named(tmp_path):
    # mode names for the files tests cannot make without privileges
    from kg.ingest.files import _not_a_file

    assert _not_a_file(stat.S_IFBLK) == "a block device, not a regular file; skipped"
    assert _not_a_file(stat.S_IFCHR) == "a character device, not a regular file; skipped"
