"""The Python API: what ``kg.build`` accepts and refuses, and the package functions."""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.errors import GeokgError, MissingDependencyError

ARTICLE_A = "Pact in Tokyo\n\nJapan and Australia signed a defence pact in Tokyo on Monday.\n"
ARTICLE_B = "Troops\n\nThe United States stations 54,000 troops in Japan.\n"


@pytest.fixture
def two_articles(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    a, b = folder / "a.txt", folder / "b.txt"
    a.write_text(ARTICLE_A, encoding="utf-8")
    b.write_text(ARTICLE_B, encoding="utf-8")
    return a, b


def test_a_single_path_as_a_string_builds_that_file(two_articles, tmp_path):
    a, _b = two_articles
    out = tmp_path / "graph.trig"
    result = kg.build(str(a), str(out))
    assert result.documents == ["a.txt"]
    assert result.errors == []
    assert kg.load(str(out)).documents() == ["a.txt"]


def test_a_single_path_object_builds_that_file(two_articles):
    _a, b = two_articles
    assert kg.build(b).documents == ["b.txt"]


def test_a_single_folder_as_a_string_builds_the_folder(two_articles):
    a, _b = two_articles
    assert sorted(kg.build(str(a.parent)).documents) == ["a.txt", "b.txt"]


def test_a_list_or_tuple_of_strings_and_paths(two_articles):
    a, b = two_articles
    assert sorted(kg.build([str(a), b]).documents) == ["a.txt", "b.txt"]
    assert sorted(kg.build(p for p in (b, a)).documents) == ["a.txt", "b.txt"]


def test_an_empty_list_builds_nothing():
    result = kg.build([])
    assert result.documents == [] and result.errors == [] and len(result.graph) == 0


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        ((42,), {}, TypeError, "inputs: expected a path (str or pathlib.Path) or a list of paths"),
        (([1],), {}, TypeError, "inputs[0]: expected a path"),
        ((["a.txt", None],), {}, TypeError, "inputs[1]: expected a path"),
        ((b"a.txt",), {}, TypeError, "inputs: expected a path"),
        (("",), {}, ValueError, "inputs: an empty path"),
        ((None, 3), {}, TypeError, "out: expected a path"),
        ((), {"out": ""}, ValueError, "out: an empty path"),
        ((), {"min_confidence": "x"}, TypeError, "min_confidence: expected a number"),
        ((), {"min_confidence": True}, TypeError, "min_confidence: expected a number"),
        ((), {"min_confidence": 1.5}, ValueError, "min_confidence: expected a number between 0"),
        ((), {"min_confidence": -0.1}, ValueError, "min_confidence: expected a number between 0"),
        ((), {"min_confidence": math.nan}, ValueError, "min_confidence: expected a number"),
        ((), {"max_chars": "1000"}, TypeError, "max_chars: expected a positive integer"),
        ((), {"max_chars": 0}, ValueError, "max_chars: expected a positive integer"),
        ((), {"on_error": "print"}, TypeError, "on_error: expected a function"),
        ((), {"on_document": 1}, TypeError, "on_document: expected a function"),
        ((), {"strict": "yes"}, TypeError, "strict: expected bool"),
        ((), {"nlp": "en_core_web_sm"}, TypeError, "nlp: expected"),
        ((), {"extractors": [print, 3]}, TypeError, "extractors[1]: expected a function"),
    ],
)
def test_wrong_arguments_are_refused_naming_the_argument(args, kwargs, error, message):
    with pytest.raises(error) as raised:
        kg.build(*args, **kwargs)
    assert str(raised.value).startswith(message)


def test_the_thresholds_at_the_ends_are_accepted(two_articles):
    a, _b = two_articles
    everything, certain = kg.build(a, min_confidence=0), kg.build(a, min_confidence=1)
    assert everything.facts >= 1
    assert certain.facts == 0  # no pattern is sure beyond 0.9


def test_the_package_functions_check_their_arguments():
    with pytest.raises(TypeError, match="^graph: expected a path"):
        kg.query(42, "positions")
    with pytest.raises(TypeError, match="^sparql: expected str"):
        kg.query("graph.trig", 42)
    with pytest.raises(TypeError, match="^path: expected a path"):
        kg.load(None)


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter, where no module of kg is imported yet."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_query_and_draw_stay_the_package_functions_after_the_methods_ran(two_articles, tmp_path):
    a, _b = two_articles
    done = _python(
        """
        import sys
        import kg
        query, draw = kg.query, kg.draw
        graph = kg.build(sys.argv[1]).graph
        graph.query("positions")
        graph.draw(sys.argv[2])
        graph.to_networkx()
        assert kg.query is query and kg.draw is draw, (kg.query, kg.draw)
        print(kg.query(graph, "deployments").columns[0], kg.draw(graph, sys.argv[3]).name)
        import kg.sparql, kg.drawing
        assert kg.query is query and kg.draw is draw, (kg.query, kg.draw)
        print(kg.sparql.__name__, kg.drawing.__name__)
        """,
        str(a),
        str(tmp_path / "one.png"),
        str(tmp_path / "two.svg"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["sender two.svg", "kg.sparql kg.drawing"]


def test_the_modules_imported_first_do_not_shadow_the_functions():
    done = _python(
        """
        from kg.sparql import run_query
        from kg.drawing import draw_graph
        import kg
        print(kg.query.__module__, kg.draw.__module__, callable(kg.query))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["kg", "kg", "True"]


BLOCK_MATPLOTLIB = "import sys; sys.modules['matplotlib'] = None  # as if not installed\n"


def test_a_missing_dependency_is_a_geokg_error(sample_trig, tmp_path):
    done = _python(
        BLOCK_MATPLOTLIB
        + """
import sys
import kg
try:
    kg.draw(sys.argv[1], sys.argv[2])
except kg.MissingDependencyError as exc:
    print(isinstance(exc, kg.GeokgError), isinstance(exc, ImportError), exc.package)
    print(exc)
""",
        str(sample_trig),
        str(tmp_path / "d.png"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "True True matplotlib",
        "drawing a diagram needs the Python package 'matplotlib', which is not installed "
        "(pip install matplotlib)",
    ]
    assert not (tmp_path / "d.png").exists()


def test_kg_draw_without_a_dependency_says_so_on_one_line(sample_trig, tmp_path):
    done = _python(
        BLOCK_MATPLOTLIB + "import sys\nfrom kg.cli import main\nsys.exit(main(sys.argv[1:]))\n",
        "draw",
        str(sample_trig),
        "-o",
        str(tmp_path / "d.png"),
    )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "kg draw: drawing a diagram needs the Python package 'matplotlib', which is not "
        "installed (pip install matplotlib)"
    ]


def test_missing_dependency_error_names_package_and_purpose():
    error = MissingDependencyError("scipy", "kg draw")
    assert isinstance(error, GeokgError) and isinstance(error, ImportError)
    assert str(error) == (
        "kg draw needs the Python package 'scipy', which is not installed (pip install scipy)"
    )


def test_a_graph_over_500_nodes_can_be_laid_out():
    """networkx lays out graphs of more than 500 nodes with scipy: a declared dependency."""
    from kg.drawing import _layout

    g = nx.MultiDiGraph()
    for i in range(600):
        g.add_edge("hub", f"n{i}", kind="membership")
    pos = _layout(g)
    assert len(pos) == 601
    assert all(-0.01 <= x <= 1.01 and -0.01 <= y <= 1.01 for x, y in pos.values())
