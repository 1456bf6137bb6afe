"""Real news builds without internal errors: a fixed sample of the reference corpus.

Skipped where ``../shared`` is absent. ``benchmarks/real_corpus.py`` builds the whole corpus.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import kg
from kg.errors import DocumentError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpus" / "news.jsonl"
EVERY = 25  # one article in 25: about 130 of the 3,266


@pytest.fixture(scope="module")
def corpus_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_file():
        pytest.skip("../shared/data/corpus/news.jsonl is not present beside the repository")
    path = tmp_path_factory.mktemp("corpus") / "sample.jsonl"
    with CORPUS.open(encoding="utf-8") as handle:
        path.write_text("".join(itertools.islice(handle, 0, None, EVERY)), encoding="utf-8")
    return path


def test_a_sample_of_real_news_builds_with_no_internal_error(
    corpus_sample: Path, tmp_path: Path
) -> None:
    out = tmp_path / "news.trig"
    result = kg.build([corpus_sample], out)
    internal = [str(e) for e in result.errors if isinstance(e, DocumentError)]
    assert internal == []
    lines = corpus_sample.read_text(encoding="utf-8").count("\n")
    assert len(result.documents) + len(result.errors) >= lines
    assert len(result.documents) > 0.9 * lines
    graph = kg.load(out)
    assert graph.documents() == sorted(result.documents)
    twice = graph.query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?e WHERE "
        "{ ?e rdfs:label ?l } GROUP BY ?e HAVING (COUNT(?l) > 1)"
    )
    assert twice.rows == []
    conforms, report = graph.validate()
    assert conforms, report
