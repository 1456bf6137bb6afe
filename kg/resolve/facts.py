"""Merging facts that say the same thing: one fact per identity, with the
evidence of every mention."""

from __future__ import annotations

from dataclasses import replace

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


# How much a fact is trusted when an entity it names is only the recogniser's guess
# rather than a gazetteer entry (a country, organisation or dated leader).
UNCONFIRMED_ENTITY_FACTOR = 0.9


def fact_entity_keys(fact: Fact) -> set[str]:
    """Keys of every entity a fact names."""
    keys: set[str] = set()
    for value in vars(fact).values():
        if isinstance(value, str):
            keys.add(value)
        elif isinstance(value, (set, frozenset)):
            keys |= {v for v in value if isinstance(v, str)}
    return keys


def calibrate(facts: list[Fact], confirmed: set[str]) -> None:
    """Lower the confidence of facts that rest on entities no gazetteer confirms.

    ``confirmed`` holds the keys of gazetteer-backed entities. Each unconfirmed
    entity a fact names costs it ``UNCONFIRMED_ENTITY_FACTOR``.
    """
    for fact in facts:
        named = fact_entity_keys(fact)
        unconfirmed = len([k for k in named if k not in confirmed and ":" in k])
        if not unconfirmed:
            continue
        factor = UNCONFIRMED_ENTITY_FACTOR**unconfirmed
        fact.evidence = [
            replace(e, confidence=round(e.confidence * factor, 3)) for e in fact.evidence
        ]
