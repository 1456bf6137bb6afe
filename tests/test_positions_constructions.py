"""Every title construction in tests/fixtures/position_constructions.json, through the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.model import Document, Position
from kg.pipeline import extract

FILE = Path(__file__).parent / "fixtures" / "position_constructions.json"
CASES = [
    pytest.param(ex["text"], ex["expected"], id=f"{c['name']}-{n}")
    for c in json.loads(FILE.read_text(encoding="utf-8"))["constructions"]
    for n, ex in enumerate(c["examples"])
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_construction(text: str, expected: list[list[str]]):
    (ex,) = extract([Document(id="t", text=text, date=None)], min_confidence=0.5)
    found = {
        (ex.entities[f.holder].label, role, ex.entities[f.jurisdiction].label)
        for f in ex.facts
        if isinstance(f, Position) and f.jurisdiction
        for role in f.roles
    }
    assert found == {tuple(e) for e in expected}
