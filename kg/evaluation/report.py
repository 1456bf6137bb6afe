"""Scores of a graph against gold: counts, precision / recall / F1, tables and JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

FACT_KINDS = ("position", "agreement", "deployment", "membership", "alliance", "event")
OVERALL = "facts"
ENTITIES = "entities"
ROWS = (*FACT_KINDS, OVERALL, ENTITIES)


@dataclass
class Counts:
    """True positives, false positives and false negatives of one kind.

    A ratio whose denominator is zero is 1.0 when nothing is wrong (no false positive for
    precision, no false negative for recall) and 0.0 otherwise.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass(frozen=True)
class AtomError:
    """One false positive ("fp") or false negative ("fn") atom, for debugging."""

    doc_id: str
    kind: str
    error: str
    atom: str

    def as_dict(self) -> dict[str, str]:
        return {"document": self.doc_id, "kind": self.kind, "error": self.error, "atom": self.atom}


def empty_counts() -> dict[str, Counts]:
    return {row: Counts() for row in ROWS}


@dataclass
class Report:
    """Scores overall (``totals``) and per document, with every wrong atom in ``errors``."""

    totals: dict[str, Counts] = field(default_factory=empty_counts)
    documents: dict[str, dict[str, Counts]] = field(default_factory=dict)
    errors: list[AtomError] = field(default_factory=list)
    min_confidence: float = 0.0

    def add_document(self, doc_id: str, counts: dict[str, Counts]) -> None:
        """Add one document's per-kind counts (``facts`` is summed here from the kinds)."""
        row = empty_counts()
        for kind in (*FACT_KINDS, ENTITIES):
            row[kind] += counts.get(kind, Counts())
            if kind != ENTITIES:
                row[OVERALL] += counts.get(kind, Counts())
        self.documents[doc_id] = row
        for kind, value in row.items():
            self.totals[kind] += value

    def as_dict(self) -> dict:
        return {
            "min_confidence": self.min_confidence,
            "totals": {k: v.as_dict() for k, v in self.totals.items()},
            "documents": {
                doc: {k: v.as_dict() for k, v in rows.items()}
                for doc, rows in self.documents.items()
            },
            "errors": [e.as_dict() for e in self.errors],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.as_dict(), indent=indent, ensure_ascii=False)

    def to_text(self, verbose: bool = False) -> str:
        """An aligned table per kind, a per-document table, and with ``verbose`` every error."""
        parts = [_table("kind", [(k, self.totals[k]) for k in ROWS])]
        if self.documents:
            rows = [(doc, r[OVERALL]) for doc, r in self.documents.items()]
            parts.append(_table("document (facts)", rows))
        if verbose:
            parts.append(self.errors_text())
        return "\n\n".join(parts) + "\n"

    def errors_text(self) -> str:
        if not self.errors:
            return "no errors"
        lines = [f"{e.error.upper()}  {e.doc_id}  {e.atom}" for e in self.errors]
        return "\n".join(lines)


def _table(title: str, rows: list[tuple[str, Counts]]) -> str:
    width = max([len(title)] + [len(name) for name, _ in rows])
    header = f"{title:<{width}}  {'tp':>5} {'fp':>5} {'fn':>5}  {'P':>6} {'R':>6} {'F1':>6}"
    lines = [header, "-" * len(header)]
    for name, c in rows:
        lines.append(
            f"{name:<{width}}  {c.tp:>5} {c.fp:>5} {c.fn:>5}  "
            f"{c.precision:>6.3f} {c.recall:>6.3f} {c.f1:>6.3f}"
        )
    return "\n".join(lines)
