"""Merging facts that say the same thing: one fact per identity, with the
evidence of every mention."""

from __future__ import annotations

from dataclasses import replace

from kg.model import Evidence, Fact


class FactMerger:
    """Folds facts said again into the first: the evidence of each (once, in order), and
    whatever else the fact's own class folds in (:meth:`kg.model.Fact.absorb`: the roles of a
    position, the parties, limits and dates of an agreement).

    It remembers what each fact holds, so that folding a fact in costs the size of
    that fact, not of everything already folded (a story may repeat one fact a
    thousand times)."""

    def __init__(self) -> None:
        self._evidence: dict[int, set[Evidence]] = {}
        self._state: dict[int, object] = {}

    def add(self, fact: Fact) -> None:
        """Start remembering ``fact``, into which others may be folded later."""
        self._evidence[id(fact)] = set(fact.evidence)
        self._state[id(fact)] = fact.merge_state()

    def merge(self, existing: Fact, fact: Fact) -> None:
        """Fold ``fact`` into ``existing`` (added before)."""
        seen = self._evidence[id(existing)]
        for evidence in fact.evidence:
            if evidence not in seen:
                seen.add(evidence)
                existing.evidence.append(evidence)
        existing.absorb(fact, self._state[id(existing)])


def merge_facts(facts: list[Fact]) -> list[Fact]:
    """Collapse facts with the same identity into one, keeping every evidence."""
    merged: dict[tuple, Fact] = {}
    merger = FactMerger()
    for fact in facts:
        key = fact.identity()
        existing = merged.get(key)
        if existing is None:
            merged[key] = fact
            merger.add(fact)
        else:
            merger.merge(existing, fact)
    return list(merged.values())


# How much a fact is trusted when an entity it names is only the recogniser's guess
# rather than a gazetteer entry (a country, organisation or dated leader).
UNCONFIRMED_ENTITY_FACTOR = 0.9


def fact_entity_keys(fact: Fact) -> set[str]:
    """Keys of every entity a fact names."""
    return fact.entity_keys()


def calibrate(facts: list[Fact], confirmed: set[str]) -> None:
    """Lower the confidence of facts that rest on entities no gazetteer confirms.

    ``confirmed`` holds the keys of gazetteer-backed entities. Each unconfirmed
    entity a fact names costs it ``UNCONFIRMED_ENTITY_FACTOR``.
    """
    for fact in facts:
        named = fact_entity_keys(fact)
        # capped: a meeting of ten named people is no less certain than one of two
        unconfirmed = min(2, len([k for k in named if k not in confirmed and ":" in k]))
        if not unconfirmed:
            continue
        factor = UNCONFIRMED_ENTITY_FACTOR**unconfirmed
        fact.evidence = [
            replace(e, confidence=round(e.confidence * factor, 3)) for e in fact.evidence
        ]
