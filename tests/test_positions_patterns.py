"""Every example of kg/data/patterns/positions.json runs through the real pipeline."""

from __future__ import annotations

import pytest
from spacy.matcher import DependencyMatcher

from kg.extract import position_patterns
from kg.model import Document, Position
from kg.nlp import load_model
from kg.pipeline import extract

CASES = [
    pytest.param(p["name"], ex["text"], ex["expected"], id=f"{p['name']}-{n}")
    for p in position_patterns.patterns()
    for n, ex in enumerate(p["examples"])
]


def test_every_pattern_has_an_example_with_a_fact():
    for pattern in position_patterns.patterns():
        assert {"name", "confidence", "pattern", "examples"} <= pattern.keys()
        assert any(ex["expected"] for ex in pattern["examples"]), pattern["name"]


@pytest.mark.parametrize(("name", "text", "expected"), CASES)
def test_pattern_example(name: str, text: str, expected: list[list[str]]):
    (ex,) = extract([Document(id="t", text=text, date=None)], min_confidence=0.5)
    found = {
        (ex.entities[f.holder].label, role, ex.entities[f.jurisdiction].label)
        for f in ex.facts
        if isinstance(f, Position) and f.jurisdiction
        for role in f.roles
    }
    assert found == {tuple(e) for e in expected}


@pytest.mark.parametrize("name", [p["name"] for p in position_patterns.patterns()])
def test_the_pattern_itself_matches_its_first_example(name: str):
    # the fact must come from this pattern, not from another rule of the extractor
    pattern = next(p for p in position_patterns.patterns() if p["name"] == name)
    nlp = load_model()
    matcher = DependencyMatcher(nlp.vocab)
    matcher.add(name, [pattern["pattern"]])
    example = next(ex for ex in pattern["examples"] if ex["expected"])
    assert matcher(nlp(example["text"]))
