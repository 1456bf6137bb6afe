"""Properties of whole builds on generated documents: random Unicode, random mixes of the
gazetteer's names with titles and numbers, random JSON records. Whatever the input, nothing
escapes ``kg.build`` but reported errors, no document hits an internal error, the graph
conforms to the shapes, every entity has one label, a build is repeatable, and documents
merged in any order give the same valid graph.

The examples are derandomised, so every run checks the same inputs.
"""

from __future__ import annotations

import itertools
import json
import random
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from kg.errors import DocumentError, GeokgError
from kg.gazetteer import Gazetteer
from kg.graph import KnowledgeGraph
from kg.lexicon import lexicon

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ONE_LABEL = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?e (COUNT(?label) AS ?n) WHERE { ?e rdfs:label ?label }
GROUP BY ?e HAVING (COUNT(?label) != 1)
"""


@cache
def vocabulary() -> dict[str, list[str]]:
    """Names and words the extractors react to, from the project's own data."""
    gaz = Gazetteer.load()
    forms: dict[str, list[str]] = {"Country": [], "Organization": [], "Person": [], "City": []}
    for form, entry in gaz.surface_forms():
        group = "Organization" if "Organization" in entry.cls else entry.cls
        if group in forms:
            forms[group].append(form)
    lex = lexicon()
    roles = sorted(lex.words("role_heads"))
    verbs = sorted(
        v
        for key in ("deploy_verbs", "membership_verbs", "agreement_sign_verbs")
        for v in lex.words(key)
    )
    rng = random.Random(7)
    return {
        k: sorted(rng.sample(sorted(set(v)), min(200, len(set(v)))))
        for k, v in {**forms, "role": roles, "verb": verbs}.items()
        if v
    }


@st.composite
def news_sentence(draw: st.DrawFn) -> str:
    words = vocabulary()
    pick = lambda group: draw(st.sampled_from(words[group]))  # noqa: E731
    number = draw(
        st.one_of(
            st.integers(-(10**6), 10**6).map(str),
            st.sampled_from(["1e309", "9" * 310, "28,500", "1.5 million", "-40", "NaN", "0"]),
        )
    )
    date = draw(
        st.sampled_from(
            [
                "on Tuesday",
                "on 31 February 2023",
                "in 99999",
                "on 3 September 2017",
                "last year",
                "",
            ]
        )
    )
    shapes = [
        f"{pick('role').title()} {pick('Person')} of {pick('Country')} {pick('verb')} "
        f"{number} troops in {pick('Country')} {date}.",
        f"{pick('Country')} {pick('verb')} the {pick('Organization')} {date}.",
        f"{pick('Country')} and {pick('Country')} signed the {number} treaty {date} in "
        f"{pick('City')}.",
        f"{pick('Person')} met {pick('Person')} {date}, said the {pick('Organization')}.",
        f"The {pick('Country')}-{pick('Country')} alliance {pick('verb')} {number} missiles.",
    ]
    return draw(st.sampled_from(shapes))


noise = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=40)
article = st.lists(st.one_of(news_sentence(), noise), min_size=1, max_size=6).map(" ".join)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
record = st.fixed_dictionaries(
    {"text": st.one_of(article, json_value)},
    optional={
        "id": st.one_of(st.text(max_size=12), json_value),
        "title": json_value,
        "date": st.one_of(st.dates().map(str), json_value),
    },
)


def build(records: list[dict], folder: Path) -> kg.BuildResult:
    path = folder / "news.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for rec in records:
            handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return kg.build([path])


def check_graph(graph: KnowledgeGraph) -> None:
    assert [tuple(r) for r in graph.query(ONE_LABEL).rows] == []
    conforms, report = graph.validate()
    assert conforms, report


@SETTINGS
@given(st.lists(record, min_size=1, max_size=4))
def test_any_records_build_into_a_valid_graph(records: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        result = build(records, Path(tmp))
        assert all(isinstance(e, GeokgError) for e in result.errors)
        assert [e for e in result.errors if isinstance(e, DocumentError)] == []
        check_graph(result.graph)
        again = build(records, Path(tmp))
        assert list(again.graph.quads()) == list(result.graph.quads())


@SETTINGS
@given(st.lists(article, min_size=2, max_size=3))
def test_documents_merged_in_any_order_give_one_valid_graph(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for i, text in enumerate(texts):
            paths.append(folder / f"doc-{i}.txt")
            paths[-1].write_text(f"Report {i}\n\n{text}", encoding="utf-8")
        outputs, built = set(), set()
        for n, order in enumerate(itertools.permutations(paths)):
            out = folder / f"out-{n}.trig"
            for path in order:
                result = kg.build([path], out)
                assert [e for e in result.errors if isinstance(e, DocumentError)] == []
                built.update(result.documents)
            if out.exists():
                outputs.add(out.read_bytes())
        if not built:  # nothing could be read (empty documents): nothing written
            assert outputs == set()
            return
        assert len(outputs) == 1
        merged = KnowledgeGraph.load(out)
        check_graph(merged)
        assert merged.documents() == sorted(built)
