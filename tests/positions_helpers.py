"""What the position tests share: one document through the real pipeline, and the
positions it yields as plain tuples."""

from __future__ import annotations

import datetime as dt

from kg.model import Document, Extraction, Position
from kg.pipeline import extract


def run(text: str, date: dt.date | None = None) -> Extraction:
    """One made-up document through the whole pipeline, at the default threshold."""
    (ex,) = extract([Document(id="t", text=text, date=date)], min_confidence=0.5)
    return ex


def held(ex: Extraction) -> set[tuple[str, str, str | None]]:
    """(holder, role, jurisdiction) for every role of every position."""
    out = set()
    for fact in ex.facts:
        if isinstance(fact, Position):
            place = ex.entities[fact.jurisdiction].label if fact.jurisdiction else None
            out |= {(ex.entities[fact.holder].label, r, place) for r in fact.roles}
    return out


def held_with_ids(ex: Extraction) -> set[tuple[str, str | None, str, str | None]]:
    """(holder, holder's Wikidata id, role, jurisdiction) for every role of every position."""
    out = set()
    for fact in ex.facts:
        if isinstance(fact, Position):
            holder = ex.entities[fact.holder]
            place = ex.entities[fact.jurisdiction].label if fact.jurisdiction else None
            out |= {(holder.label, holder.wikidata, r, place) for r in fact.roles}
    return out
