"""Bad input through ``kg build`` as a user runs it: a folder of good and bad files, duplicate
ids, invisible characters inside names."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kg
from kg.cli import main

GOOD = "Pact\n\nJapan and Australia signed a defence pact in Tokyo on Monday.\n"
LABELS = "SELECT DISTINCT ?l WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
SENTENCES = "SELECT DISTINCT ?s WHERE { ?e <https://w3id.org/geokg/ontology#sentence> ?s }"


def kg_command() -> list[str]:
    script = Path(sys.executable).parent / "kg"
    return [str(script)] if script.exists() else [shutil.which("kg") or "kg"]


def records(*items: dict | str) -> str:
    return "".join((i if isinstance(i, str) else json.dumps(i)) + "\n" for i in items)


@pytest.fixture
def mixed_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder of good and bad inputs; the reason each bad one must be named with."""
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    files: dict[str, bytes] = {
        "good.txt": GOOD.encode(),
        "nul.txt": GOOD.replace("Japan and", "Japan\x00and").encode(),
        "utf16.md": GOOD.encode("utf-16-le"),
        "utf16-bom.txt": GOOD.encode("utf-16"),
        "bom8.txt": codecs.BOM_UTF8 + GOOD.encode(),
        "invisible.txt": GOOD.replace("Japan", "Ja\u200bpan\u200f").encode(),
        "base64.html": b'<html><head><meta charset="base64"></head><body><p>'
        + GOOD.split("\n")[2].encode()
        + b"</p></body></html>",
        "rot13.htm": b'<meta charset="rot-13"><p>' + GOOD.split("\n")[2].encode() + b"</p>",
        "latin1.txt": "Titre\n\nCafé à Paris.\n".encode("latin-1"),
        "old.trig": b"<a> <b> <c> .",
        "sub/good.txt": GOOD.encode(),
        "news.jsonl": records(
            {"id": "r1", "text": GOOD},
            {"id": "r1", "text": "Chile and Peru signed a treaty."},
            {"id": 1, "text": 5},
            '{"id": ' + "7" * 4301 + ', "text": "Japan and Australia are allies."}',
            '{"text": "a", "deep": ' + "[" * 3000 + "]" * 3000 + "}",
            {"id": "a/../b", "text": "Pu\ud800tin met the envoy of Japan."},
            {"id": "新闻", "text": "Japan and Australia are allies."},
            {"id": "good.txt", "text": GOOD},
        ).encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop").symlink_to("loop")
    (folder / "sub" / "up").symlink_to("..")
    bad = {
        "latin1.txt": "not valid UTF-8 text",
        "old.trig": "a graph file ('.trig'), not an article",
        "pipe.txt": "a named pipe (FIFO), not a regular file; skipped",
        "loop": "too many levels of symbolic links",
        "news.jsonl:2": f"document id 'r1' already used by {folder / 'news.jsonl'}:1; skipped",
        "news.jsonl:3": "'text' is a JSON number, not a string",
        "news.jsonl:5": "invalid JSON: nested too deeply",
        "news.jsonl:8": f"document id 'good.txt' already used by {folder / 'good.txt'}; skipped",
    }
    return folder, bad


def test_a_mixed_folder_builds_every_good_document(tmp_path, mixed_folder):
    folder, bad = mixed_folder
    out = tmp_path / "graph.trig"
    done = subprocess.run(
        [*kg_command(), "build", str(folder), "-o", str(out), "--no-progress"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,  # reading the FIFO would hang here
    )
    lines = done.stderr.splitlines()
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    for name, reason in bad.items():
        named = [line for line in lines if line.startswith(f"kg build: {folder / name}: ")]
        assert len(named) == 1 and reason in named[0], (name, lines)
    assert len(lines) == len(bad) + 1, lines
    built = [
        *("good.txt", "nul.txt", "utf16.md", "utf16-bom.txt", "bom8.txt", "invisible.txt"),
        *("base64.html", "rot13.htm", "sub/good.txt"),
        *("r1", "7" * 4301, "a/../b", "新闻"),
    ]
    assert lines[-1].startswith(f"kg build: {len(built)} documents,")
    assert sorted(kg.load(out).documents()) == sorted(built)


def run(capsys, *argv) -> tuple[int, list[str]]:
    code = main([str(a) for a in argv])
    return code, [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_duplicate_id_keeps_the_first_and_names_the_second(capsys, tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text(
        records(
            {"id": "x", "text": "Japan and Australia signed a defence pact in Tokyo."},
            {"id": "y", "text": "Chile and Peru are allies."},
            {"id": "x", "text": "France and Germany signed a treaty in Paris."},
        ),
        encoding="utf-8",
    )
    out = tmp_path / "g.trig"
    code, err = run(capsys, "build", news, "-o", out, "--no-progress")
    assert code == 1
    assert err[:-1] == [f"kg build: {news}:3: document id 'x' already used by {news}:1; skipped"]
    graph = kg.load(out)
    assert sorted(graph.documents()) == ["x", "y"]
    sentences = {row[0] for row in graph.query(SENTENCES).rows}
    assert any("Japan and Australia" in s for s in sentences)
    assert not any("France" in s for s in sentences)


def test_invisible_characters_inside_names_do_not_reach_the_graph(capsys, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(
        "Pact\n\n\u200fJa\u200bpan\u200e and Aus\u2060tra\u00adlia signed a defence pact"
        " in To\ufeffkyo on Monday.\x00\n",
        encoding="utf-8",
    )
    out = tmp_path / "g.trig"
    code, err = run(capsys, "build", article, "-o", out, "--no-progress")
    assert code == 0, err
    labels = {row[0] for row in kg.load(out).query(LABELS).rows}
    assert {"Japan", "Australia"} <= labels
    invisible = "\u200b\u200e\u200f\u2060\u00ad\ufeff\x00"
    assert [label for label in labels if any(c in label for c in invisible)] == []
