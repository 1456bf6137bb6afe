"""Regression guard: extraction quality on the gold files never drops below the
floors recorded in ``tests/quality_floors.json`` (raised by hand when quality improves)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import evaluate_file

ROOT = Path(__file__).resolve().parent.parent
FLOORS = json.loads((ROOT / "tests" / "quality_floors.json").read_text(encoding="utf-8"))["floors"]


@pytest.fixture(scope="module", params=sorted(FLOORS))
def report(request):
    path = (ROOT / request.param).resolve()
    if not path.is_file():
        pytest.skip(f"{request.param} is not here (the shared reference data sits beside the repo)")
    report, curve = evaluate_file(path)
    return request.param, report, curve


def test_no_kind_falls_below_its_floor(report):
    name, result, _ = report
    below = {
        kind: (round(result.totals[kind].f1, 3), floor)
        for kind, floor in FLOORS[name].items()
        if result.totals[kind].f1 < floor
    }
    assert not below, f"{name}: F1 below the recorded floor (got, floor): {below}"


def test_precision_recall_curve_is_monotone_in_recall(report):
    """Raising the confidence threshold can only lose facts, so recall never rises."""
    _, _, curve = report
    recalls = [r for _, _, r, _ in curve]
    assert recalls == sorted(recalls, reverse=True)
    assert curve[0][0] == 0.0 and len(curve) >= 5
