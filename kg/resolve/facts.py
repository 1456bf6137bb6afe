"""Merging facts that say the same thing: one fact per identity, with the
evidence of every mention."""

from __future__ import annotations

from kg.model import AgreementFact, Fact, Position


def merge_facts(facts: list[Fact]) -> list[Fact]:
    """Collapse facts with the same identity into one, keeping every evidence."""
    merged: dict[tuple, Fact] = {}
    for fact in facts:
        key = fact.identity()
        existing = merged.get(key)
        if existing is None:
            merged[key] = fact
            continue
        for evidence in fact.evidence:
            if evidence not in existing.evidence:
                existing.evidence.append(evidence)
        if isinstance(existing, Position) and isinstance(fact, Position):
            existing.roles |= fact.roles
        elif isinstance(existing, AgreementFact) and isinstance(fact, AgreementFact):
            existing.parties |= fact.parties
            existing.restricts |= fact.restricts
            existing.prohibits |= fact.prohibits
            existing.year = existing.year or fact.year
            existing.date = existing.date or fact.date
            existing.limits.extend(lim for lim in fact.limits if lim not in existing.limits)
    return list(merged.values())
