"""Every title construction in tests/fixtures/position_constructions.json, through the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from positions_helpers import held, run

FILE = Path(__file__).parent / "fixtures" / "position_constructions.json"
CASES = [
    pytest.param(ex["text"], ex["expected"], id=f"{c['name']}-{n}")
    for c in json.loads(FILE.read_text(encoding="utf-8"))["constructions"]
    for n, ex in enumerate(c["examples"])
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_construction(text: str, expected: list[list[str]]):
    assert held(run(text)) == {tuple(e) for e in expected}
